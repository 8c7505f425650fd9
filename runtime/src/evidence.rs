//! What a value shows of the alternatives of an untagged union (`oneOf`/`anyOf` without a
//! discriminator), so that [`lenient::untagged`](crate::lenient::untagged) tries the alternative
//! the value fits best first, not the one the document happens to list first.
//!
//! Each alternative's [`Evidence`] is read from its schema by the generator: the JSON types it
//! allows, the properties it requires, the values its `enum`/`const` allows (of the value itself
//! or of a property), and the properties it declares. [`rank`] orders the alternatives by what
//! the value contradicts that rules an alternative out (a wrong JSON type, a required property
//! missing; fewest first), then by what it confirms (required properties present and fixed
//! values matched, less the fixed values it does not match, which an open enum would still
//! decode), then by a type matched exactly, then by declared properties present, then by the
//! document's order. Decoding still decides: an alternative ranked first
//! that does not accept the value is skipped.
//!
//! ```
//! use openapi_client_runtime::evidence::{Evidence, Kinds, rank};
//! use serde_json::json;
//!
//! const EVIDENCE: &[Evidence] = &[
//!     // `{name}`: nothing required.
//!     Evidence { properties: &["name"], ..Evidence::object() },
//!     // `{name, price}`, `price` required.
//!     Evidence { required: &["price"], properties: &["name", "price"], ..Evidence::object() },
//!     // A string enum, open on decoding: any string would do, only these are evidence.
//!     Evidence { kinds: Kinds::STRING, allowed: &["auto"], ..Evidence::ANY },
//!     Evidence { kinds: Kinds::STRING, ..Evidence::ANY },
//! ];
//! assert_eq!(rank(EVIDENCE, &json!({"name": "tea", "price": 2})), [1, 0, 2, 3]);
//! assert_eq!(rank(EVIDENCE, &json!({"name": "tea"})), [0, 1, 2, 3]);
//! assert_eq!(rank(EVIDENCE, &json!("auto")), [2, 3, 0, 1]);
//! assert_eq!(rank(EVIDENCE, &json!("manual")), [3, 2, 0, 1]);
//! ```

use std::cmp::Reverse;

use serde_json::Value;

/// A set of JSON types; an integer is also a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Kinds(u8);

impl Kinds {
    /// `null`.
    pub const NULL: Kinds = Kinds(1);
    /// `true` or `false`.
    pub const BOOLEAN: Kinds = Kinds(1 << 1);
    /// A number without a fraction (`type: integer`).
    pub const INTEGER: Kinds = Kinds(1 << 2);
    /// Any number (`type: number`); it allows integers too.
    pub const NUMBER: Kinds = Kinds(1 << 3);
    /// A string.
    pub const STRING: Kinds = Kinds(1 << 4);
    /// An array.
    pub const ARRAY: Kinds = Kinds(1 << 5);
    /// An object.
    pub const OBJECT: Kinds = Kinds(1 << 6);
    /// Every type: the schema does not say.
    pub const ANY: Kinds = Kinds(0x7f);

    /// Both sets.
    pub const fn with(self, other: Kinds) -> Kinds {
        Kinds(self.0 | other.0)
    }

    fn contains(self, other: Kinds) -> bool {
        self.0 & other.0 == other.0
    }
}

/// What an alternative's schema says a value of it looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Evidence {
    /// The JSON types the schema allows.
    pub kinds: Kinds,
    /// The properties it requires (of an object).
    pub required: &'static [&'static str],
    /// The properties whose value its `enum`/`const` fixes (strings), with the values allowed.
    pub values: &'static [(&'static str, &'static [&'static str])],
    /// The values its own `enum`/`const` allows (strings); empty when it fixes none.
    pub allowed: &'static [&'static str],
    /// The properties it declares (of an object).
    pub properties: &'static [&'static str],
}

impl Evidence {
    /// An alternative the schema says nothing about: every value fits it equally.
    pub const ANY: Evidence = Evidence {
        kinds: Kinds::ANY,
        required: &[],
        values: &[],
        allowed: &[],
        properties: &[],
    };

    /// An object with no required, fixed or declared property yet (for `..Evidence::object()`).
    pub const fn object() -> Evidence {
        Evidence {
            kinds: Kinds::OBJECT,
            ..Evidence::ANY
        }
    }

    /// How well `value` fits this alternative: what it contradicts that the alternative cannot
    /// decode (a wrong JSON type, a required property missing); the balance of what it confirms
    /// (required properties present, fixed values matched) against the fixed values it does not
    /// match (an open enum would still decode them, so they weigh against the alternative
    /// rather than rule it out); an exact type; and the declared properties present.
    fn score(&self, value: &Value) -> (u32, i64, u32, usize) {
        let kind = kind_of(value);
        let mut excluded = 0;
        let mut balance = 0;
        let mut declared = 0;
        // An integer fits a `number` alternative, but only an `integer` one exactly.
        let fits = self.kinds.contains(kind)
            || (kind == Kinds::INTEGER && self.kinds.contains(Kinds::NUMBER));
        if !fits {
            excluded += 1;
        }
        let exact = u32::from(self.kinds.contains(kind) && self.kinds != Kinds::ANY);
        let matched = |allowed: &[&str], text: &str| if allowed.contains(&text) { 1 } else { -1 };
        // A value that is no string at all already contradicts the type.
        if let (false, Some(text)) = (self.allowed.is_empty(), value.as_str()) {
            balance += matched(self.allowed, text);
        }
        if let Value::Object(members) = value {
            for name in self.required {
                if members.contains_key(*name) {
                    balance += 1;
                } else {
                    excluded += 1;
                }
            }
            for (name, allowed) in self.values {
                match members.get(*name) {
                    None => {}
                    Some(Value::String(text)) => balance += matched(allowed, text),
                    Some(_) => excluded += 1,
                }
            }
            declared = (self.properties.iter())
                .filter(|name| members.contains_key(**name))
                .count();
        }
        (excluded, balance, exact, declared)
    }
}

/// The JSON type of `value` (an integer's is [`Kinds::INTEGER`]).
fn kind_of(value: &Value) -> Kinds {
    match value {
        Value::Null => Kinds::NULL,
        Value::Bool(_) => Kinds::BOOLEAN,
        Value::Number(n) if n.is_i64() || n.is_u64() => Kinds::INTEGER,
        Value::Number(_) => Kinds::NUMBER,
        Value::String(_) => Kinds::STRING,
        Value::Array(_) => Kinds::ARRAY,
        Value::Object(_) => Kinds::OBJECT,
    }
}

/// The indexes of `alternatives` in the order to try them for `value`: fewest contradictions
/// that rule an alternative out first, then the most evidence for it (less the fixed values it
/// does not match), an exact type, the most declared properties present, and on a tie the
/// document's order.
pub fn rank(alternatives: &[Evidence], value: &Value) -> Vec<usize> {
    let mut scored: Vec<_> = (alternatives.iter().enumerate())
        .map(|(index, evidence)| {
            let (excluded, balance, exact, declared) = evidence.score(value);
            (
                (
                    excluded,
                    Reverse(balance),
                    Reverse(exact),
                    Reverse(declared),
                ),
                index,
            )
        })
        .collect();
    // Stable: equal scores keep the document's order.
    scored.sort_by_key(|(key, _)| *key);
    scored.into_iter().map(|(_, index)| index).collect()
}
