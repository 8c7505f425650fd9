//! What the gate asks of each component schema, and how it judges the answers.
//!
//! For every component: sampled instances (one with every optional property, one with each
//! optional property by chance), which must decode, land in the variant their discriminator
//! tag names, and encode back to the same JSON (see [`same`]); for each required property of
//! an object instance, the instance without it, which must be a decode error naming the
//! property; for a discriminated union, an instance carrying a tag no schema has, which must
//! decode into a variant keeping the raw JSON (so it encodes back unchanged) that is none of
//! the named alternatives'.

use std::fmt;

use serde_json::{Map, Value, json};

use super::harness::Outcome;
use super::json_schema::{Component, Converted};

/// The tag value no document uses.
pub const UNKNOWN_TAG: &str = "conformance-unknown-tag";

/// How a case failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// The sampler could not make an instance of the schema.
    Sample,
    /// The component has no Rust type.
    Untyped,
    /// A valid instance did not decode.
    Decode,
    /// A valid instance decoded into another variant than its tag names.
    Variant,
    /// A valid instance encoded back to different JSON.
    Roundtrip,
    /// An instance missing a required property decoded, or its error did not name it.
    MissingRequired,
    /// An instance with an unknown tag failed, or did not keep its JSON in a variant of its own.
    UnknownTag,
}

impl Class {
    /// Every class, in report order.
    pub const ALL: [Class; 7] = [
        Class::Decode,
        Class::Variant,
        Class::Roundtrip,
        Class::MissingRequired,
        Class::UnknownTag,
        Class::Sample,
        Class::Untyped,
    ];

    /// The class as the report and the known-failures file spell it.
    pub fn name(self) -> &'static str {
        match self {
            Class::Sample => "sample",
            Class::Untyped => "untyped",
            Class::Decode => "decode",
            Class::Variant => "variant",
            Class::Roundtrip => "roundtrip",
            Class::MissingRequired => "missing-required",
            Class::UnknownTag => "unknown-tag",
        }
    }

    /// The class spelt `name`.
    pub fn parse(name: &str) -> Option<Class> {
        Class::ALL.into_iter().find(|class| class.name() == name)
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One instance the sampler is asked for.
#[derive(Debug, Clone)]
pub struct Request {
    /// The component, by index.
    pub component: usize,
    /// For a union, the alternative (index) whose tag the instance carries.
    pub alternative: Option<usize>,
    /// Every optional property ("all"), or each by chance ("some").
    pub optionals: &'static str,
}

/// What a case expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// A valid instance; for a union, the schema its tag names.
    Valid {
        /// `(tag, schema pointer)` for an alternative of a union.
        tagged: Option<(String, String)>,
    },
    /// The instance lacks this required property.
    MissingRequired(String),
    /// The union's tag property carries [`UNKNOWN_TAG`].
    UnknownTag,
}

/// One instance to decode.
#[derive(Debug, Clone)]
pub struct Case {
    /// The component, by index.
    pub component: usize,
    /// What must happen.
    pub expect: Expect,
    /// The JSON.
    pub instance: Value,
}

/// A failed case: which component, how, and the evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The component's pointer.
    pub pointer: String,
    /// How it failed.
    pub class: Class,
    /// What happened, in one line.
    pub message: String,
    /// The instance, or `null` when there was none.
    pub instance: Value,
}

/// The sampler's requests for `converted`, with the job file's JSON (definitions and
/// requests, each with its seed). A seed depends on the document's name, the component and the
/// request only, so adding a schema changes no other instance.
pub fn requests(document: &str, converted: &Converted) -> (Vec<Request>, Value) {
    let mut requests = Vec::new();
    let mut json_requests = Vec::new();
    for (index, component) in converted.components.iter().enumerate() {
        let targets: Vec<(Option<usize>, &str, &str)> = match &component.union {
            Some(union) => (union.alternatives.iter().enumerate())
                .map(|(n, alternative)| {
                    (Some(n), alternative.key.as_str(), alternative.tag.as_str())
                })
                .collect(),
            None => vec![(None, component.key.as_str(), "")],
        };
        for (alternative, key, tag) in targets {
            for optionals in ["all", "some"] {
                let seed = fnv1a(&[document, &component.pointer, tag, optionals]);
                json_requests.push(json!({
                    "id": requests.len(),
                    "schema": { "$ref": format!("#/definitions/{key}") },
                    "seed": seed,
                    "optionals": optionals,
                }));
                requests.push(Request {
                    component: index,
                    alternative,
                    optionals,
                });
            }
        }
    }
    let job = json!({ "definitions": converted.definitions, "requests": json_requests });
    (requests, job)
}

/// The cases made from the sampler's answers (`Ok(instance)` or `Err(why)` per request), and
/// the failures of requests it could not answer.
pub fn cases(
    components: &[Component],
    requests: &[Request],
    answers: Vec<Result<Value, String>>,
) -> (Vec<Case>, Vec<Failure>) {
    let mut cases: Vec<Case> = Vec::new();
    let mut failures = Vec::new();
    for (request, answer) in requests.iter().zip(answers) {
        let component = &components[request.component];
        let contradiction = (request.alternative.zip(component.union.as_ref()))
            .and_then(|(n, union)| union.alternatives[n].contradiction.clone());
        if let Some(why) = contradiction {
            failures.push(Failure {
                pointer: component.pointer.clone(),
                class: Class::Sample,
                message: why,
                instance: Value::Null,
            });
            continue;
        }
        let mut instance = match answer {
            Ok(instance) => instance,
            Err(why) => {
                failures.push(Failure {
                    pointer: component.pointer.clone(),
                    class: Class::Sample,
                    message: why,
                    instance: Value::Null,
                });
                continue;
            }
        };
        let union = component.union.as_ref();
        let tagged = request
            .alternative
            .zip(union)
            .map(|(n, union)| (union, &union.alternatives[n]));
        if let (Some((union, alternative)), Value::Object(object)) = (tagged, &mut instance) {
            object.insert(
                union.property.clone(),
                Value::String(alternative.tag.clone()),
            );
        }
        let expect = Expect::Valid {
            tagged: tagged.map(|(_, a)| (a.tag.clone(), a.pointer.clone())),
        };
        let duplicate = cases.iter().any(|case| {
            case.component == request.component
                && case.expect == expect
                && case.instance == instance
        });
        if duplicate {
            continue;
        }
        let first = !cases.iter().any(|case| case.component == request.component);
        if first && request.optionals == "all" {
            cases.extend(derived(request.component, component, &instance));
        }
        cases.push(Case {
            component: request.component,
            expect,
            instance,
        });
    }
    (cases, failures)
}

/// The invalid instances made from a component's first valid one: without each required
/// property it has, and for a union with an unknown tag.
fn derived(index: usize, component: &Component, instance: &Value) -> Vec<Case> {
    let Value::Object(object) = instance else {
        return Vec::new();
    };
    let mut cases = Vec::new();
    for property in &component.required {
        if object.contains_key(property) {
            let mut without: Map<String, Value> = object.clone();
            without.remove(property);
            cases.push(Case {
                component: index,
                expect: Expect::MissingRequired(property.clone()),
                instance: Value::Object(without),
            });
        }
    }
    if let Some(union) = &component.union {
        let mut unknown = object.clone();
        unknown.insert(union.property.clone(), Value::String(UNKNOWN_TAG.into()));
        cases.push(Case {
            component: index,
            expect: Expect::UnknownTag,
            instance: Value::Object(unknown),
        });
    }
    cases
}

/// What the model says about a component's Rust type, for the variant checks.
pub trait Variants {
    /// `None` when the type is not a union; else the variants holding the schema at `pointer`.
    fn holding(&self, pointer: &str) -> Option<Vec<String>>;
    /// The variants holding any schema a tag of the union names.
    fn named(&self) -> Vec<String>;
}

/// The failures of a case, given what the harness said; `variants` describes the component's
/// Rust type.
pub fn judge(case: &Case, outcome: &Outcome, variants: &dyn Variants) -> Vec<(Class, String)> {
    match (&case.expect, outcome) {
        (Expect::Valid { .. } | Expect::UnknownTag, Outcome::Panicked(why)) => {
            let class = if case.expect == Expect::UnknownTag {
                Class::UnknownTag
            } else {
                Class::Decode
            };
            vec![(class, format!("panicked: {why}"))]
        }
        (Expect::Valid { .. }, Outcome::Failed { path, message }) => {
            vec![(Class::Decode, format!("at `{path}`: {message}"))]
        }
        (Expect::Valid { tagged }, Outcome::Decoded { variant, encoded }) => {
            let mut failures = Vec::new();
            if let Err(difference) = same(&case.instance, encoded) {
                failures.push((Class::Roundtrip, difference));
            }
            if let Some((tag, target)) = tagged {
                if let Err(why) = lands_in(variant, tag, target, variants) {
                    failures.push((Class::Variant, why));
                }
            }
            failures
        }
        (Expect::MissingRequired(property), outcome) => missing(property, outcome)
            .err()
            .map(|why| vec![(Class::MissingRequired, why)])
            .unwrap_or_default(),
        (Expect::UnknownTag, Outcome::Failed { path, message }) => vec![(
            Class::UnknownTag,
            format!("an unknown tag is a decode error: at `{path}`: {message}"),
        )],
        (Expect::UnknownTag, Outcome::Decoded { variant, encoded }) => {
            let mut failures = Vec::new();
            if variants.named().contains(variant) {
                failures.push((
                    Class::UnknownTag,
                    format!("an unknown tag decoded as the variant `{variant}` of a known tag"),
                ));
            }
            if let Err(difference) = same(&case.instance, encoded) {
                failures.push((
                    Class::UnknownTag,
                    format!("the JSON is not kept: {difference}"),
                ));
            }
            failures
        }
    }
}

fn lands_in(variant: &str, tag: &str, target: &str, variants: &dyn Variants) -> Result<(), String> {
    match variants.holding(target) {
        None => Err(format!(
            "the type is not a union, so a value cannot say it is the `{tag}` alternative ({target})"
        )),
        Some(names) if names.is_empty() => Err(format!(
            "no variant holds {target}, which the tag `{tag}` names"
        )),
        Some(names) if names.iter().any(|name| name == variant) => Ok(()),
        Some(names) => Err(format!(
            "the tag `{tag}` names {target} (variant `{}`), decoded as `{variant}`",
            names.join("`/`")
        )),
    }
}

fn missing(property: &str, outcome: &Outcome) -> Result<(), String> {
    match outcome {
        Outcome::Failed { path, message } => {
            let named = message.contains(&format!("`{property}`"))
                || path.rsplit('.').next() == Some(property);
            if named {
                Ok(())
            } else {
                Err(format!(
                    "the error does not name `{property}`: at `{path}`: {message}"
                ))
            }
        }
        Outcome::Decoded { .. } => Err(format!("decodes without the required `{property}`")),
        Outcome::Panicked(why) => Err(format!("panicked: {why}")),
    }
}

/// Whether `back` (decoded and encoded again) is the JSON `original` is, up to:
/// - a member whose value is `null` is the same as an absent member;
/// - numbers are compared by value: `5` and `5.0` are the same number, and a number read back
///   must be exactly the number written (no rounding);
/// - the order of an object's members does not matter.
///
/// Nothing else: strings, booleans, array lengths and orders must match exactly. The first
/// difference, with its path, otherwise.
pub fn same(original: &Value, back: &Value) -> Result<(), String> {
    compare(original, back, "")
}

fn compare(original: &Value, back: &Value, path: &str) -> Result<(), String> {
    let at = if path.is_empty() { "." } else { path };
    let differ = || {
        Err(format!(
            "at `{at}`: sent {}, got back {}",
            short(original),
            short(back)
        ))
    };
    match (original, back) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let child = format!("{path}.{key}");
                match b.get(key) {
                    Some(other) => compare(value, other, &child)?,
                    None if value.is_null() => {}
                    None => return Err(format!("at `{child}`: sent {}, dropped", short(value))),
                }
            }
            match b
                .iter()
                .find(|(key, value)| !a.contains_key(*key) && !value.is_null())
            {
                Some((key, value)) => Err(format!(
                    "at `{path}.{key}`: not sent, got back {}",
                    short(value)
                )),
                None => Ok(()),
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                return differ();
            }
            for (index, (x, y)) in a.iter().zip(b).enumerate() {
                compare(x, y, &format!("{path}[{index}]"))?;
            }
            Ok(())
        }
        (Value::Number(a), Value::Number(b)) => {
            let exact = match (a.as_i64(), b.as_i64(), a.as_u64(), b.as_u64()) {
                (Some(x), Some(y), _, _) => x == y,
                (_, _, Some(x), Some(y)) => x == y,
                _ => a.as_f64() == b.as_f64(),
            };
            if exact { Ok(()) } else { differ() }
        }
        _ if original == back => Ok(()),
        _ => differ(),
    }
}

/// A value in a message: its JSON, cut at 80 characters.
pub fn short(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(80) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// FNV-1a over the parts (with separators), folded to 31 bits: a stable seed.
fn fnv1a(parts: &[&str]) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for part in parts {
        for byte in part.bytes().chain([0]) {
            hash ^= u32::from(byte);
            hash = hash.wrapping_mul(0x0100_0193);
        }
    }
    hash & 0x7fff_ffff
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Union(&'static [(&'static str, &'static str)]);

    impl Variants for Union {
        fn holding(&self, pointer: &str) -> Option<Vec<String>> {
            Some(
                (self.0.iter())
                    .filter(|(_, held)| *held == pointer)
                    .map(|(name, _)| (*name).to_owned())
                    .collect(),
            )
        }

        fn named(&self) -> Vec<String> {
            self.0.iter().map(|(name, _)| (*name).to_owned()).collect()
        }
    }

    struct Struct;

    impl Variants for Struct {
        fn holding(&self, _: &str) -> Option<Vec<String>> {
            None
        }

        fn named(&self) -> Vec<String> {
            Vec::new()
        }
    }

    #[test]
    fn null_is_absent_numbers_compare_by_value_and_nothing_else_is_forgiven() {
        assert_eq!(
            same(&json!({"a": null, "n": 5}), &json!({"n": 5.0})),
            Ok(())
        );
        assert_eq!(
            same(
                &json!({"n": 1.4155491449677313e143}),
                &json!({"n": 1.4155491449677313e143})
            ),
            Ok(())
        );
        assert_eq!(
            same(
                &json!({"n": 1.4155491449677313e143}),
                &json!({"n": 1.415549144967731e143})
            ),
            Err("at `.n`: sent 1.4155491449677313e+143, got back 1.415549144967731e+143".into())
        );
        assert!(same(&json!({"s": "89"}), &json!({"s": 89})).is_err());
        assert_eq!(
            same(&json!({"a": [1, 2]}), &json!({"a": [1]})),
            Err("at `.a`: sent [1,2], got back [1]".into())
        );
        assert_eq!(
            same(&json!({"a": {"b": "x"}}), &json!({"a": {}})),
            Err("at `.a.b`: sent \"x\", dropped".into())
        );
        assert_eq!(
            same(&json!({}), &json!({"c": false})),
            Err("at `.c`: not sent, got back false".into())
        );
    }

    fn valid(tagged: Option<(&str, &str)>, instance: Value) -> Case {
        Case {
            component: 0,
            expect: Expect::Valid {
                tagged: tagged.map(|(tag, target)| (tag.into(), target.into())),
            },
            instance,
        }
    }

    #[test]
    fn a_tagged_instance_must_land_in_the_variant_its_tag_names() {
        let pets = Union(&[("Cat", "#/c/Cat"), ("Dog", "#/c/Dog")]);
        let case = valid(Some(("dog", "#/c/Dog")), json!({"kind": "dog"}));
        let decoded = |variant: &str| Outcome::Decoded {
            variant: variant.into(),
            encoded: json!({"kind": "dog"}),
        };
        assert_eq!(judge(&case, &decoded("Dog"), &pets), []);
        assert_eq!(
            judge(&case, &decoded("Cat"), &pets),
            [(
                Class::Variant,
                "the tag `dog` names #/c/Dog (variant `Dog`), decoded as `Cat`".into()
            )]
        );
        assert_eq!(judge(&case, &decoded("Pet"), &Struct)[0].0, Class::Variant);
    }

    #[test]
    fn a_missing_required_property_must_be_an_error_naming_it() {
        let case = Case {
            component: 0,
            expect: Expect::MissingRequired("name".into()),
            instance: json!({}),
        };
        let failed = |path: &str, message: &str| Outcome::Failed {
            path: path.into(),
            message: message.into(),
        };
        assert_eq!(
            judge(&case, &failed(".", "missing field `name`"), &Struct),
            []
        );
        assert_eq!(
            judge(&case, &failed("owner.name", "invalid type"), &Struct),
            []
        );
        assert_eq!(
            judge(&case, &failed(".", "invalid type: null"), &Struct)[0].0,
            Class::MissingRequired
        );
        let decoded = Outcome::Decoded {
            variant: "Pet".into(),
            encoded: json!({}),
        };
        assert_eq!(
            judge(&case, &decoded, &Struct),
            [(
                Class::MissingRequired,
                "decodes without the required `name`".into()
            )]
        );
    }

    #[test]
    fn an_unknown_tag_must_keep_its_json_in_a_variant_of_its_own() {
        let pets = Union(&[("Cat", "#/c/Cat"), ("Dog", "#/c/Dog")]);
        let instance = json!({"kind": UNKNOWN_TAG, "x": 1});
        let case = Case {
            component: 0,
            expect: Expect::UnknownTag,
            instance: instance.clone(),
        };
        let kept = Outcome::Decoded {
            variant: "Unknown".into(),
            encoded: instance,
        };
        assert_eq!(judge(&case, &kept, &pets), []);
        let wrong = Outcome::Decoded {
            variant: "Cat".into(),
            encoded: json!({"kind": UNKNOWN_TAG}),
        };
        let classes: Vec<Class> = judge(&case, &wrong, &pets)
            .into_iter()
            .map(|f| f.0)
            .collect();
        assert_eq!(classes, [Class::UnknownTag, Class::UnknownTag]);
    }

    #[test]
    fn seeds_are_stable() {
        assert_eq!(fnv1a(&["a", "b"]), fnv1a(&["a", "b"]));
        assert_ne!(fnv1a(&["ab", ""]), fnv1a(&["a", "b"]));
    }
}
