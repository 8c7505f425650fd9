//! Turning API names into Rust identifiers that are valid, idiomatic and collision-free.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToSnakeCase, ToUpperCamelCase};

use crate::NameSettings;
use crate::error::Error;

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

/// The names `settings` gives the types `named` (the generator's name -> the JSON pointer of the
/// type's schema): the generator's name -> the chosen one, for every name that changes. The
/// chosen names must stay distinct from each other, from the unchanged ones and from `fixed`
/// (names the crate uses for something else), and every setting must apply to some type, so a
/// stale one is noticed rather than silently ignored.
pub(crate) fn settle(
    named: &BTreeMap<&str, &str>,
    fixed: &[&str],
    settings: &NameSettings,
) -> Result<BTreeMap<String, String>, Error> {
    let fail = |message: String| Err(Error::Names { message });
    if settings.strip_prefixes.is_empty() && settings.rename.is_empty() {
        return Ok(BTreeMap::new());
    }
    for (old, new) in &settings.rename {
        if model(new) != *new {
            return fail(format!(
                "`{old}` cannot be renamed to `{new}`: not a type name (UpperCamelCase letters \
                 and digits, not a keyword, not ending in `Builder` or `Success` like an `api` \
                 item)"
            ));
        }
    }
    let mut used_prefixes = BTreeSet::new();
    let mut used_renames = BTreeSet::new();
    // Chosen name -> the generator's name of the type that has it.
    let mut owners: BTreeMap<String, &str> = BTreeMap::new();
    let mut renames = BTreeMap::new();
    for &name in named.keys() {
        let chosen = match settings.rename.get(name) {
            Some(new) => {
                used_renames.insert(name);
                new.as_str()
            }
            None => (settings.strip_prefixes.iter())
                .find_map(|prefix| {
                    let rest = name.strip_prefix(prefix.as_str())?;
                    // Only a whole word goes, and never into a name the generator would not give.
                    let whole_word = rest.starts_with(|c: char| c.is_ascii_uppercase());
                    (whole_word && model(rest) == rest).then(|| {
                        used_prefixes.insert(prefix.as_str());
                        rest
                    })
                })
                .unwrap_or(name),
        };
        if let Some(other) = owners.insert(chosen.to_owned(), name) {
            let (first, second) = (other.min(name), other.max(name));
            return fail(format!(
                "`{first}` ({}) and `{second}` ({}) would both be called `{chosen}`",
                named[first], named[second]
            ));
        }
        if chosen != name {
            renames.insert(name.to_owned(), chosen.to_owned());
        }
    }
    for (chosen, name) in &owners {
        if chosen != name && fixed.contains(&chosen.as_str()) {
            return fail(format!(
                "`{name}` ({}) would be called `{chosen}`, a name the crate already uses",
                named[name]
            ));
        }
    }
    if let Some(prefix) =
        (settings.strip_prefixes.iter()).find(|p| !used_prefixes.contains(p.as_str()))
    {
        return fail(format!(
            "no type name starts with the prefix `{prefix}` to strip"
        ));
    }
    if let Some(old) = (settings.rename.keys()).find(|old| !used_renames.contains(old.as_str())) {
        return fail(format!(
            "no type is called `{old}` to rename (renames name a type by the name the generator \
             gives it, before `strip_prefixes`)"
        ));
    }
    Ok(renames)
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
