//! `$ref`s followed on the parsed document: the one place that says where a reference points.
//!
//! A reference is local: `#` and a JSON pointer, written as a URI fragment (`%7B` for `{`);
//! OpenAPI 3.1 references by `$id` or `$anchor` were rewritten into such pointers when the
//! document was read (`spec.rs`). The document is the normalised JSON the [`Spec`](crate::Spec)
//! was read from, kept, never serialised again. Lowering reads what a reference points to as a
//! typed `openapiv3` item ([`Resolver::read`], a component by its key first); tools that work on
//! the JSON (the contract calls, the example tests) follow references with
//! [`Resolver::resolve`].

use std::borrow::Cow;

use serde_json::Value;

/// How many references in a row are followed before the chain is taken for a cycle.
const MAX_CHAIN: usize = 32;

/// Follows the `$ref`s of one document.
#[derive(Debug, Clone, Copy)]
pub struct Resolver<'d> {
    document: &'d Value,
}

/// Where a chain of references ends.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Resolved<'v> {
    /// The first value that is not a reference; `None` when a reference points nowhere, out
    /// of the document, or the chain does not end.
    pub value: Option<&'v Value>,
    /// The last reference followed; `None` when the value was no reference.
    pub reference: Option<&'v str>,
}

impl<'d> Resolver<'d> {
    /// A resolver for the references of `document` (a whole OpenAPI document as JSON).
    pub fn new(document: &'d Value) -> Self {
        Resolver { document }
    }

    /// The document references point into.
    pub fn document(&self) -> &'d Value {
        self.document
    }

    /// What the local `reference` (`#/components/schemas/Pet`) points to, one step: a reference
    /// found there is not followed. `None` for a reference out of the document, to nothing, or to
    /// the whole document (which is no schema, parameter or response).
    pub fn target(&self, reference: &str) -> Option<&'d Value> {
        let pointer = decode_fragment(reference.strip_prefix('#')?);
        if pointer.is_empty() {
            return None;
        }
        self.document.pointer(&pointer)
    }

    /// `value` itself, or, when it is a `$ref`, what the chain of references starting there ends
    /// at (see [`Resolved`]).
    pub fn resolve<'v>(&self, mut value: &'v Value) -> Resolved<'v>
    where
        'd: 'v,
    {
        let mut reference = None;
        for _ in 0..MAX_CHAIN {
            let Some(next) = value.get("$ref").and_then(Value::as_str) else {
                return Resolved {
                    value: Some(value),
                    reference,
                };
            };
            reference = Some(next);
            match self.target(next) {
                Some(target) => value = target,
                None => break,
            }
        }
        Resolved {
            value: None,
            reference,
        }
    }

    /// What `reference` points to, one step (see [`target`](Self::target)), read as a `T`; `None`
    /// when it points nowhere or is no `T`.
    pub fn read<T: serde::de::DeserializeOwned>(&self, reference: &str) -> Option<T> {
        T::deserialize(self.target(reference)?).ok()
    }
}

/// The key `reference` names in `#/components/<section>/` (`Pet` for
/// `#/components/schemas/Pet`), unescaped; `None` for a reference anywhere else, deeper inside a
/// component included.
pub(crate) fn component_key<'r>(reference: &'r str, section: &str) -> Option<Cow<'r, str>> {
    let escaped = reference
        .strip_prefix("#/components/")?
        .strip_prefix(section)?
        .strip_prefix('/')
        .filter(|key| !key.contains('/'))?;
    if !escaped.contains(['~', '%']) {
        return Some(Cow::Borrowed(escaped));
    }
    let key = decode_fragment(escaped);
    Some(Cow::Owned(key.replace("~1", "/").replace("~0", "~")))
}

/// A URI fragment with its `%XX` escapes decoded (RFC 3986); an escape that is not one, or
/// bytes that are no UTF-8, stay as written.
fn decode_fragment(fragment: &str) -> Cow<'_, str> {
    if !fragment.contains('%') {
        return Cow::Borrowed(fragment);
    }
    let bytes = fragment.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let escaped = (bytes[index] == b'%')
            .then(|| bytes.get(index + 1..index + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok());
        match escaped {
            Some(byte) => {
                decoded.push(byte);
                index += 3;
            }
            None => {
                decoded.push(bytes[index]);
                index += 1;
            }
        }
    }
    match String::from_utf8(decoded) {
        Ok(text) => Cow::Owned(text),
        Err(_) => Cow::Borrowed(fragment),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn chains_end_at_their_value_or_at_nothing() {
        let document = json!({
            "components": {"schemas": {
                "Pet": {"type": "object"},
                "Alias": {"$ref": "#/components/schemas/Pet"},
                "Loop": {"$ref": "#/components/schemas/Loop"}
            }},
            "paths": {"/pets/{id}": {"get": {"summary": "x"}}}
        });
        let refs = Resolver::new(&document);
        let alias = json!({"$ref": "#/components/schemas/Alias"});
        let resolved = refs.resolve(&alias);
        assert_eq!(resolved.value, Some(&json!({"type": "object"})));
        assert_eq!(resolved.reference, Some("#/components/schemas/Pet"));
        let plain = json!({"type": "string"});
        assert_eq!(
            refs.resolve(&plain),
            Resolved {
                value: Some(&plain),
                reference: None
            }
        );
        assert_eq!(
            refs.resolve(&json!({"$ref": "#/components/schemas/Loop"}))
                .value,
            None
        );
        assert_eq!(refs.resolve(&json!({"$ref": "other.json#/a"})).value, None);
        assert_eq!(refs.target("#"), None);
        assert_eq!(
            refs.target("#/paths/~1pets~1%7Bid%7D/get"),
            Some(&json!({"summary": "x"}))
        );
        assert_eq!(
            refs.read::<String>("#/paths/~1pets~1{id}/get/summary"),
            Some("x".to_owned())
        );
    }

    #[test]
    fn component_keys_are_unescaped_and_only_direct() {
        assert_eq!(
            component_key("#/components/schemas/Pet", "schemas").as_deref(),
            Some("Pet")
        );
        assert_eq!(
            component_key("#/components/schemas/a~1b%20c", "schemas").as_deref(),
            Some("a/b c")
        );
        assert_eq!(
            component_key("#/components/schemas/Pet/items", "schemas"),
            None
        );
        assert_eq!(
            component_key("#/components/parameters/Pet", "schemas"),
            None
        );
        assert_eq!(component_key("#/components/schemasX/Pet", "schemas"), None);
    }
}
