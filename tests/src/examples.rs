//! The examples a spec embeds, assembled into whole documents, and the equivalence used to
//! compare them with what the generated types serialise back.
//!
//! The Magicline specs have no media-type examples; their examples sit on schemas and
//! properties. [`compose`] assembles the document a schema's examples describe the way Prism's
//! static mode does, with the sampler the contract calls use (`contract_calls::sample`, for a
//! response): a schema's `example` as it is (even when it breaks the schema, and also when it
//! stands next to a `$ref`), else its `default`, else its first `enum` value, else a placeholder
//! of its type, with every property of an object, one item of an array, one entry of a map
//! (`additionalProperties`) and the first alternative of a `oneOf`/`anyOf`. A reference that
//! recurses into itself ends the branch: the property is left out.
//!
//! [`equivalent`] decides whether a value decoded and serialised back by a generated type says
//! the same as the example. The differences it accepts, each a deliberate choice of the client:
//!
//! * a number or boolean where the schema says string comes back as its text (`89` -> `"89"`:
//!   lenient string decoding); numbers are compared by value (`1` = `1.0`, `"1.50"` = `1.5`);
//! * a property that is `null` on one side and absent on the other (an optional field is `None`
//!   either way);
//! * nothing else: a property that disappears or appears with a value, a changed string, a
//!   different array length are all differences, reported with their path.

use codegen::Resolver;
use contract_calls::sample::{Purpose, Sampler};
use serde_json::Value;

/// The example document of `schema` (see the module docs); `None` only for a schema that is
/// nothing but a recursion.
pub fn compose(document: &Value, schema: &Value) -> Option<Value> {
    Sampler::new(Resolver::new(document)).sample(schema, Purpose::Response)
}

/// One example to decode.
#[derive(Debug, Clone)]
pub struct Example {
    /// `getCustomer 200`, or `components/schemas/Customer`.
    pub label: String,
    /// `operationId` (for response examples).
    pub operation: String,
    /// The response status key (`200`, `4XX`, `default`), or the component key.
    pub key: String,
    /// Where it comes from: `media example`, `named example x`, `schema example`,
    /// `composed`.
    pub source: String,
    /// The example.
    pub value: Value,
}

/// Every response example of every operation: the media type's `example`/`examples` where
/// the spec has them, else the document composed from the response schema's examples.
pub fn response_examples(document: &Value) -> Vec<Example> {
    let refs = Resolver::new(document);
    let mut examples = Vec::new();
    let paths = document.get("paths").and_then(Value::as_object);
    for (path, item) in paths.into_iter().flatten() {
        for (method, operation) in item.as_object().into_iter().flatten() {
            let Some(responses) = operation.get("responses").and_then(Value::as_object) else {
                continue;
            };
            let id = operation
                .get("operationId")
                .and_then(Value::as_str)
                .map_or_else(|| format!("{method} {path}"), str::to_owned);
            for (status, response) in responses {
                let Some(response) = refs.resolve(response).value else {
                    continue;
                };
                let Some(content) = response.get("content").and_then(Value::as_object) else {
                    continue;
                };
                let json = content
                    .iter()
                    .find(|(media, _)| codegen::is_json_media_type(media));
                let Some((_, media)) = json else {
                    continue;
                };
                let mut push = |source: String, value: Value| {
                    examples.push(Example {
                        label: format!("{id} {status} ({source})"),
                        operation: id.clone(),
                        key: status.clone(),
                        source,
                        value,
                    })
                };
                let mut given = false;
                if let Some(example) = media.get("example") {
                    push("media example".into(), example.clone());
                    given = true;
                }
                for (name, example) in media
                    .get("examples")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    if let Some(value) = refs.resolve(example).value.and_then(|e| e.get("value")) {
                        push(format!("named example {name}"), value.clone());
                        given = true;
                    }
                }
                if !given {
                    if let Some(value) = media
                        .get("schema")
                        .and_then(|schema| compose(document, schema))
                    {
                        push("composed".into(), value);
                    }
                }
            }
        }
    }
    examples
}

/// Every component schema's own `example`, and the document composed from each component
/// schema (which holds every property-level example of the spec somewhere).
pub fn component_examples(document: &Value) -> Vec<Example> {
    let mut examples = Vec::new();
    let schemas = document
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    for (key, schema) in schemas.into_iter().flatten() {
        let mut push = |source: &str, value: Value| {
            examples.push(Example {
                label: format!("components/schemas/{key} ({source})"),
                operation: String::new(),
                key: key.clone(),
                source: source.to_owned(),
                value,
            })
        };
        if let Some(example) = schema.get("example") {
            push("schema example", example.clone());
        }
        if let Some(value) = compose(document, schema) {
            push("composed", value);
        }
    }
    examples
}

/// `Ok` when `back` (decoded and serialised again) says the same as `original` (see the module
/// docs); else the first difference, with its path.
pub fn equivalent(original: &Value, back: &Value) -> Result<(), String> {
    compare(original, back, "")
}

fn compare(original: &Value, back: &Value, path: &str) -> Result<(), String> {
    let differ = || {
        Err(format!(
            "at `{}`: the example has {}, the generated type gives back {}",
            if path.is_empty() { "." } else { path },
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
                    None => {
                        return Err(format!(
                            "at `{child}`: the example has {}, the generated type drops it",
                            short(value)
                        ));
                    }
                }
            }
            for (key, value) in b {
                if !a.contains_key(key) && !value.is_null() {
                    return Err(format!(
                        "at `{path}.{key}`: absent from the example, the generated type adds {}",
                        short(value)
                    ));
                }
            }
            Ok(())
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
            if a == b || a.as_f64() == b.as_f64() {
                Ok(())
            } else {
                differ()
            }
        }
        // Lenient strings: a number or boolean read as text.
        (Value::Number(a), Value::String(b)) => {
            if a.to_string() == *b || a.as_f64().is_some_and(|a| b.parse::<f64>().ok() == Some(a)) {
                Ok(())
            } else {
                differ()
            }
        }
        (Value::Bool(a), Value::String(b)) => {
            if a.to_string() == *b {
                Ok(())
            } else {
                differ()
            }
        }
        (a, b) => {
            if a == b {
                Ok(())
            } else {
                differ()
            }
        }
    }
}

fn short(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(120) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn composition_uses_examples_as_they_are_and_stops_at_recursion() {
        let document = json!({"components": {"schemas": {
            "Address": {"type": "object", "properties": {
                "houseNumber": {"type": "string", "example": 89},
                "kind": {"type": "string", "enum": ["HOME", "WORK"]},
                "since": {"type": "string", "format": "date"},
                "parent": {"$ref": "#/components/schemas/Address"},
                "tags": {"type": "array", "items": {"type": "integer"}}
            }}
        }}});
        let composed =
            compose(&document, &json!({"$ref": "#/components/schemas/Address"})).unwrap();
        assert_eq!(
            composed,
            json!({"houseNumber": 89, "kind": "HOME", "since": "2024-01-15", "tags": [1]})
        );
    }

    #[test]
    fn equivalence_accepts_lenient_strings_numbers_and_absent_nulls_only() {
        let original = json!({"houseNumber": 89, "price": 1, "note": null, "list": [true]});
        let back = json!({"houseNumber": "89", "price": 1.0, "list": [true], "extra": null});
        assert_eq!(equivalent(&original, &back), Ok(()));
        let error = equivalent(&json!({"a": {"b": "x"}}), &json!({"a": {"b": "y"}})).unwrap_err();
        assert!(error.starts_with("at `.a.b`"), "{error}");
        let error = equivalent(&json!({"a": 1}), &json!({})).unwrap_err();
        assert!(error.contains("drops it"), "{error}");
        let error = equivalent(&json!({}), &json!({"b": 2})).unwrap_err();
        assert!(error.contains("adds 2"), "{error}");
        assert!(equivalent(&json!([1, 2]), &json!([1])).is_err());
    }
}
