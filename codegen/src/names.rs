//! Turning API names into Rust identifiers that are valid, idiomatic and collision-free.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words that cannot be identifiers. Raw identifiers (`r#type`) would work but read badly at
/// every use site, so a trailing underscore is added instead (`type_`).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// `customerId` -> `customer_id`, `type` -> `type_`, ` customer member name` -> `customer_member_name`.
pub(crate) fn snake(name: &str) -> String {
    let cleaned = clean(name).to_snake_case();
    let ident = if cleaned.is_empty() {
        "value".to_owned()
    } else {
        cleaned
    };
    let ident = if ident.starts_with(|c: char| c.is_ascii_digit()) {
        format!("n{ident}")
    } else {
        ident
    };
    if KEYWORDS.contains(&ident.as_str()) {
        format!("{ident}_")
    } else {
        ident
    }
}

/// `customer-contact_data` -> `CustomerContactData`, `2fa` -> `N2fa`.
pub(crate) fn camel(name: &str) -> String {
    let cleaned = clean(name).to_upper_camel_case();
    let ident = if cleaned.is_empty() {
        "Value".to_owned()
    } else {
        cleaned
    };
    let ident = if ident.starts_with(|c: char| c.is_ascii_digit()) {
        format!("N{ident}")
    } else {
        ident
    };
    if KEYWORDS.contains(&ident.as_str()) {
        format!("{ident}_")
    } else {
        ident
    }
}

/// How the `api` module's per-operation items end: the request builder (`GetCustomerBuilder`)
/// and the enum of several success bodies (`UpsertOrderSuccess`). Models never end so (see
/// [`model`]): `api` and `models` then share no name, so `use api::*` and `use models::*`
/// together are safe, and each name still depends only on its own place in the spec.
const API_ITEM_ENDINGS: [&str; 2] = ["Builder", "Success"];

/// The request builder of the operation `operation_id`: `getCustomer` -> `GetCustomerBuilder`.
pub(crate) fn builder(operation_id: &str) -> String {
    format!("{}{}", camel(operation_id), API_ITEM_ENDINGS[0])
}

/// The success enum of the operation `operation_id`: `upsertOrder` -> `UpsertOrderSuccess`.
pub(crate) fn success_enum(operation_id: &str) -> String {
    format!("{}{}", camel(operation_id), API_ITEM_ENDINGS[1])
}

/// A model's name for `name` (a schema's name or place): [`camel`], with `Model` appended when
/// it would end like an `api` item, numbered or not (`JobSuccess` -> `JobSuccessModel`). The
/// rule reads the name alone, never which operations exist, so adding an operation renames no
/// type.
pub(crate) fn model(name: &str) -> String {
    let ident = camel(name);
    let stem = ident.trim_end_matches(|c: char| c.is_ascii_digit() || c == '_');
    if API_ITEM_ENDINGS.iter().any(|ending| stem.ends_with(ending)) {
        format!("{ident}Model")
    } else {
        ident
    }
}

/// Keeps letters and digits; everything else separates words. Letters outside ASCII are
/// dropped because they are rarely typeable by every user of the crate.
fn clean(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

/// One scope of identifiers: a second request for a taken name gets a numbered variant.
#[derive(Debug, Default, Clone)]
pub(crate) struct Namespace {
    taken: BTreeSet<String>,
}

impl Namespace {
    /// A namespace in which `reserved` can never be handed out.
    pub(crate) fn with_reserved(reserved: &[&str]) -> Self {
        Namespace {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// Claims `wanted`, or `wanted2`, `wanted3`, ... if it is taken.
    pub(crate) fn claim(&mut self, wanted: String) -> String {
        if self.taken.insert(wanted.clone()) {
            return wanted;
        }
        // `Self_` (a keyword made an identifier) goes on as `Self2`, not `Self_2`, which
        // is no longer UpperCamelCase.
        let base = match wanted.strip_suffix('_') {
            Some(stem) if !stem.is_empty() && !stem.ends_with(|c: char| c.is_ascii_digit()) => stem,
            _ => wanted.as_str(),
        };
        let separator = if base.ends_with(|c: char| c.is_ascii_digit()) {
            "_"
        } else {
            ""
        };
        (2..)
            .map(|n| format!("{base}{separator}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .expect("an unbounded range always yields a free name")
    }

    pub(crate) fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_never_end_like_api_items() {
        assert_eq!(builder("getCustomer"), "GetCustomerBuilder");
        assert_eq!(success_enum("upsert-order"), "UpsertOrderSuccess");
        assert_eq!(model("GetCustomerBuilder"), "GetCustomerBuilderModel");
        assert_eq!(model("job_success"), "JobSuccessModel");
        assert_eq!(model("JobSuccess2"), "JobSuccess2Model");
        assert_eq!(model("GetCustomerRequest"), "GetCustomerRequest");
        assert_eq!(model("SuccessRate"), "SuccessRate");
    }

    #[test]
    fn identifiers() {
        assert_eq!(snake("customerId"), "customer_id");
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake(" customer member name"), "customer_member_name");
        assert_eq!(snake("2fa"), "n2fa");
        assert_eq!(camel("Customers Self-service"), "CustomersSelfService");
        assert_eq!(
            camel("CHANGES_REQUIRE_VERIFICATION"),
            "ChangesRequireVerification"
        );
        assert_eq!(camel("ISO 3166-1"), "Iso31661");
        assert_eq!(camel("self"), "Self_");
        assert_eq!(camel(""), "Value");
    }

    #[test]
    fn collisions_get_numbers() {
        let mut names = Namespace::with_reserved(&["String"]);
        assert_eq!(names.claim("String".into()), "String2");
        assert_eq!(names.claim("Contracts".into()), "Contracts");
        assert_eq!(names.claim("Contracts".into()), "Contracts2");
        assert_eq!(names.claim("V1".into()), "V1");
        assert_eq!(names.claim("V1".into()), "V1_2");
    }
}
