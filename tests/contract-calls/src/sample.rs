//! Values for the schemas of a document: the one sampler behind the contract calls (valid
//! requests) and the example tests (what a mock server answers), and the check whether a value
//! fits its schema.
//!
//! A value comes from the document where it has one (a schema's `example`, else its
//! `default`, else the first of a 3.1 `examples` list; an `example` beside a `$ref` describes
//! that place) and is built from the schema otherwise: the first enum value, `allOf` parts
//! merged, the first `oneOf`/`anyOf` alternative that can be built, fixed values for the common
//! formats, numbers inside `minimum`/`maximum`, strings and lists inside their length bounds.
//! What differs is the [`Purpose`]: a request takes a given example only when it fits its own
//! schema (specs carry examples that do not: a number for a string, a date-time with a zone
//! name) and fails where a required value cannot be built; a response takes the document's
//! examples as written, as a mock server serves them, and leaves out what cannot be built.

use serde_json::{Map, Value};

use codegen::{Resolved, Resolver};

/// What a value is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The smallest valid request: required properties only.
    RequiredInputs,
    /// A valid request with every optional property that can be built, so that each is
    /// serialised once; read-only and deprecated properties are the server's and left out.
    AllInputs,
    /// What a mock server's static mode answers (as Prism's does): the document's examples as
    /// written, even when they break their schema, every property, one entry of every map; a
    /// recursion ends the branch (the property, item or part is left out).
    Response,
}

impl Purpose {
    fn is_request(self) -> bool {
        self != Purpose::Response
    }

    /// How many references deep values are built; recursive schemas stop earlier, at their
    /// first repetition. Requests stay small; responses show what the document nests.
    fn max_depth(self) -> usize {
        if self.is_request() { 12 } else { 24 }
    }
}

/// Builds and checks JSON values against the schemas of a document.
#[derive(Debug, Clone, Copy)]
pub struct Sampler<'d> {
    refs: Resolver<'d>,
}

impl<'d> Sampler<'d> {
    /// A sampler for the schemas of the document `refs` resolves in.
    pub fn new(refs: Resolver<'d>) -> Self {
        Sampler { refs }
    }

    /// Where references point.
    pub fn refs(&self) -> Resolver<'d> {
        self.refs
    }

    /// A value of `schema` for `purpose`; `None` when none can be built (a request's required
    /// property that recurses into itself, a schema that is nothing but a recursion).
    pub fn sample(&self, schema: &'d Value, purpose: Purpose) -> Option<Value> {
        self.value(schema, purpose, &mut Vec::new())
    }

    fn value(
        &self,
        schema: &'d Value,
        purpose: Purpose,
        stack: &mut Vec<&'d str>,
    ) -> Option<Value> {
        // In OpenAPI 3.1 the keywords beside a `$ref` apply too: an `example` there wins.
        if schema.get("$ref").is_some() {
            let beside = schema.get("example");
            if let Some(example) = beside.filter(|e| self.takes(schema, e, purpose)) {
                return Some(example.clone());
            }
        }
        let Resolved { value, reference } = self.refs.resolve(schema);
        let schema = value?;
        if reference.is_some_and(|r| stack.contains(&r)) || stack.len() >= purpose.max_depth() {
            return None;
        }
        stack.extend(reference);
        let value = self.resolved(schema, purpose, stack);
        if reference.is_some() {
            stack.pop();
        }
        value
    }

    /// Whether a value the document gives is taken: always for a response, for a request only
    /// when it fits its schema.
    fn takes(&self, schema: &Value, given: &Value, purpose: Purpose) -> bool {
        !purpose.is_request() || self.fits(schema, given)
    }

    fn resolved(
        &self,
        schema: &'d Value,
        purpose: Purpose,
        stack: &mut Vec<&'d str>,
    ) -> Option<Value> {
        let listed = schema
            .get("examples")
            .and_then(Value::as_array)
            .and_then(|examples| examples.first());
        let given = [schema.get("example"), schema.get("default"), listed];
        if let Some(given) = (given.into_iter().flatten()).find(|g| self.takes(schema, g, purpose))
        {
            return Some(given.clone());
        }
        if let Some(first) = schema
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|e| e.iter().find(|v| !v.is_null()))
        {
            return Some(first.clone());
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            return self.all_of(schema, parts, purpose, stack);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(alternatives) = schema.get(key).and_then(Value::as_array) {
                return alternatives
                    .iter()
                    .find_map(|alternative| self.value(alternative, purpose, stack));
            }
        }
        match schema_type(schema) {
            Some("string") => Some(Value::String(sample_string(schema))),
            Some("integer") => Some(sample_number(schema, true)),
            Some("number") => Some(sample_number(schema, false)),
            Some("boolean") => Some(Value::Bool(true)),
            Some("array") => self.array(schema, purpose, stack),
            Some("object") | None => self.object(schema, purpose, stack),
            Some(_) => None,
        }
    }

    /// The parts of an `allOf` merged: their objects' properties and the schema's own, or the
    /// one part that is no object.
    fn all_of(
        &self,
        schema: &'d Value,
        parts: &'d [Value],
        purpose: Purpose,
        stack: &mut Vec<&'d str>,
    ) -> Option<Value> {
        let mut merged = Map::new();
        let mut other = None;
        for part in parts {
            match self.value(part, purpose, stack) {
                Some(Value::Object(object)) => merged.extend(object),
                Some(value) => other = Some(value),
                None if purpose.is_request() => return None,
                None => {}
            }
        }
        if let Value::Object(own) = self.object(schema, purpose, stack)? {
            merged.extend(own);
        }
        Some(match other {
            Some(value) if merged.is_empty() => value,
            _ => Value::Object(merged),
        })
    }

    /// A list of `minItems` items (at least one, at most `maxItems`), all alike: one item is
    /// valid for every schema that does not demand more, and `uniqueItems` with more than one
    /// would need distinct values.
    fn array(
        &self,
        schema: &'d Value,
        purpose: Purpose,
        stack: &mut Vec<&'d str>,
    ) -> Option<Value> {
        let item = match schema.get("items") {
            Some(items) => match self.value(items, purpose, stack) {
                Some(item) => item,
                None if purpose.is_request() => return None,
                None => return Some(Value::Array(Vec::new())),
            },
            None => Value::String("string".into()),
        };
        let min = schema
            .get("minItems")
            .and_then(Value::as_u64)
            .unwrap_or(1)
            .max(1);
        let max = schema
            .get("maxItems")
            .and_then(Value::as_u64)
            .unwrap_or(u64::MAX);
        let count = min.min(max);
        Some(Value::Array((0..count).map(|_| item.clone()).collect()))
    }

    /// The properties of an object schema the purpose wants (see [`Purpose`]); for a response,
    /// one entry of a map (`additionalProperties`), so that its value type is exercised too.
    fn object(
        &self,
        schema: &'d Value,
        purpose: Purpose,
        stack: &mut Vec<&'d str>,
    ) -> Option<Value> {
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let mut object = Map::new();
        for (name, property) in schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let is_required = required.contains(&name.as_str());
            let left_out = match purpose {
                Purpose::RequiredInputs => true,
                Purpose::AllInputs => {
                    self.flag(property, "readOnly") || self.flag(property, "deprecated")
                }
                Purpose::Response => false,
            };
            if !is_required && left_out {
                continue;
            }
            match self.value(property, purpose, stack) {
                Some(value) => {
                    object.insert(name.clone(), value);
                }
                None if is_required && purpose.is_request() => return None,
                None => {}
            }
        }
        if purpose == Purpose::Response {
            if let Some(values @ Value::Object(_)) = schema.get("additionalProperties") {
                if let Some(value) = self.value(values, purpose, stack) {
                    object.insert("property1".to_owned(), value);
                }
            }
        }
        Some(Value::Object(object))
    }

    fn flag(&self, schema: &'d Value, key: &str) -> bool {
        let resolved = self.refs.resolve(schema).value;
        [Some(schema), resolved]
            .into_iter()
            .flatten()
            .any(|s| s.get(key) == Some(&Value::Bool(true)))
    }

    /// Whether `value` is valid for `schema`, for the keywords these specs use (types, formats,
    /// enums, bounds, lengths, required properties, `allOf`/`oneOf`/`anyOf`). Unknown formats
    /// and keywords are accepted, as validators do.
    pub fn fits(&self, schema: &Value, value: &Value) -> bool {
        self.fits_at(schema, value, 0)
    }

    fn fits_at(&self, schema: &Value, value: &Value, depth: usize) -> bool {
        let Some(schema) = self.refs.resolve(schema).value else {
            return false;
        };
        if depth > 32 {
            return true;
        }
        if value.is_null() {
            return schema.get("nullable") == Some(&Value::Bool(true))
                || schema
                    .get("enum")
                    .and_then(Value::as_array)
                    .is_some_and(|e| e.contains(&Value::Null));
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            if !values.contains(value) {
                return false;
            }
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            if !parts
                .iter()
                .all(|part| self.fits_at(part, value, depth + 1))
            {
                return false;
            }
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(alternatives) = schema.get(key).and_then(Value::as_array) {
                if !alternatives
                    .iter()
                    .any(|alternative| self.fits_at(alternative, value, depth + 1))
                {
                    return false;
                }
            }
        }
        let number = |key: &str| schema.get(key).and_then(Value::as_f64);
        let exclusive = |key: &str| schema.get(key) == Some(&Value::Bool(true));
        match schema_type(schema) {
            Some("string") => {
                let Some(text) = value.as_str() else {
                    return false;
                };
                let length = text.chars().count() as u64;
                let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0);
                let max = schema
                    .get("maxLength")
                    .and_then(Value::as_u64)
                    .unwrap_or(u64::MAX);
                (min..=max).contains(&length)
                    && format_fits(schema.get("format").and_then(Value::as_str), text)
            }
            Some(kind @ ("integer" | "number")) => {
                let Some(n) = value.as_f64() else {
                    return false;
                };
                if kind == "integer" && !(value.is_i64() || value.is_u64()) {
                    return false;
                }
                let above = number("minimum").is_none_or(|min| {
                    if exclusive("exclusiveMinimum") {
                        n > min
                    } else {
                        n >= min
                    }
                });
                let below = number("maximum").is_none_or(|max| {
                    if exclusive("exclusiveMaximum") {
                        n < max
                    } else {
                        n <= max
                    }
                });
                above && below
            }
            Some("boolean") => value.is_boolean(),
            Some("array") => {
                let Some(items) = value.as_array() else {
                    return false;
                };
                let count = items.len() as u64;
                let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0);
                let max = schema
                    .get("maxItems")
                    .and_then(Value::as_u64)
                    .unwrap_or(u64::MAX);
                (min..=max).contains(&count)
                    && schema
                        .get("items")
                        .is_none_or(|item| items.iter().all(|v| self.fits_at(item, v, depth + 1)))
            }
            Some("object") => value.is_object() && self.object_fits(schema, value, depth),
            None if value.is_object() => self.object_fits(schema, value, depth),
            None => schema.get("properties").is_none(),
            Some(_) => false,
        }
    }

    fn object_fits(&self, schema: &Value, value: &Value, depth: usize) -> bool {
        let Some(object) = value.as_object() else {
            return false;
        };
        let required = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str);
        if !required.into_iter().all(|name| object.contains_key(name)) {
            return false;
        }
        let properties = schema.get("properties").and_then(Value::as_object);
        let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
        object
            .iter()
            .all(|(name, v)| match properties.and_then(|p| p.get(name)) {
                Some(property) => self.fits_at(property, v, depth + 1),
                None => !closed,
            })
    }
}

/// The `type` of a schema (of a 3.1 list of types, the first that is not `"null"`); an untyped
/// schema with `properties` or `additionalProperties` is an object, one with `items` an array.
fn schema_type(schema: &Value) -> Option<&str> {
    match schema.get("type") {
        Some(Value::String(kind)) => Some(kind),
        Some(Value::Array(kinds)) => kinds
            .iter()
            .filter_map(Value::as_str)
            .find(|k| *k != "null"),
        _ if schema.get("properties").is_some() || schema.get("additionalProperties").is_some() => {
            Some("object")
        }
        _ if schema.get("items").is_some() => Some("array"),
        _ => None,
    }
}

/// A string of the schema's format, padded or cut to its length bounds.
fn sample_string(schema: &Value) -> String {
    let format = schema
        .get("format")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let text = match format {
        "date" => "2024-01-15",
        "date-time" => "2024-01-15T10:00:00Z",
        "time" => "10:00:00",
        "uuid" => "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "email" => "user@example.com",
        "uri" | "url" => "https://example.com/",
        "hostname" => "example.com",
        "ipv4" => "192.0.2.1",
        "byte" => "c3RyaW5n",
        // Non-standard but common formats named after the standard they follow.
        "ISO 3166-1" | "iso-3166-1" => "DE",
        "ISO 4217" | "iso-4217" => "EUR",
        "ISO 639-1" | "iso-639-1" => "de",
        _ => "string",
    };
    let mut text = text.to_owned();
    let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = schema
        .get("maxLength")
        .and_then(Value::as_u64)
        .map_or(usize::MAX, |m| m as usize);
    while text.chars().count() < min {
        text.push('x');
    }
    text.chars().take(max).collect()
}

/// 1, moved inside `minimum`/`maximum` (respecting exclusive bounds).
fn sample_number(schema: &Value, integer: bool) -> Value {
    let step = 1.0;
    let min = schema.get("minimum").and_then(Value::as_f64);
    let max = schema.get("maximum").and_then(Value::as_f64);
    let exclusive = |key: &str| schema.get(key) == Some(&Value::Bool(true));
    let mut n: f64 = 1.0;
    if let Some(min) = min {
        n = if exclusive("exclusiveMinimum") {
            min + step
        } else {
            min
        };
    }
    if let Some(max) = max {
        if n > max || (n == max && exclusive("exclusiveMaximum")) {
            n = if exclusive("exclusiveMaximum") {
                max - step
            } else {
                max
            };
        }
    }
    if integer {
        Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n).map_or(Value::from(1), Value::Number)
    }
}

/// The format checks a validator such as ajv-formats applies; other formats are not checked.
fn format_fits(format: Option<&str>, text: &str) -> bool {
    match format {
        Some("date") => is_date(text),
        Some("date-time") => {
            let Some((date, time)) = text.split_once(['T', 't', ' ']) else {
                return false;
            };
            is_date(date) && is_time(time, true)
        }
        Some("time") => is_time(text, false),
        Some("uuid") => {
            let groups: Vec<&str> = text.split('-').collect();
            groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
                && groups
                    .iter()
                    .all(|g| g.chars().all(|c| c.is_ascii_hexdigit()))
        }
        Some("email") => text
            .split_once('@')
            .is_some_and(|(user, host)| !user.is_empty() && host.contains('.')),
        _ => true,
    }
}

fn digits(text: &str, count: usize) -> Option<u32> {
    (text.len() == count && text.chars().all(|c| c.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

/// `YYYY-MM-DD` with a month and day that exist.
fn is_date(text: &str) -> bool {
    let mut parts = text.split('-');
    let (Some(year), Some(month), Some(day), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let (Some(year), Some(month), Some(day)) = (digits(year, 4), digits(month, 2), digits(day, 2))
    else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// `HH:MM:SS[.frac]` followed by `Z` or `±HH:MM` (required when `offset_required`, as RFC 3339
/// date-times demand).
fn is_time(text: &str, offset_required: bool) -> bool {
    let (clock, offset) = match text.find(['Z', 'z', '+', '-']) {
        Some(index) => text.split_at(index),
        None => (text, ""),
    };
    let clock = clock.split_once('.').map_or(clock, |(whole, fraction)| {
        if fraction.is_empty() || !fraction.chars().all(|c| c.is_ascii_digit()) {
            "invalid"
        } else {
            whole
        }
    });
    let mut fields = clock.split(':');
    let valid_clock = match (fields.next(), fields.next(), fields.next(), fields.next()) {
        (Some(h), Some(m), Some(s), None) => {
            digits(h, 2).is_some_and(|h| h < 24)
                && digits(m, 2).is_some_and(|m| m < 60)
                && digits(s, 2).is_some_and(|s| s <= 60)
        }
        _ => false,
    };
    let valid_offset = match offset {
        "" => !offset_required,
        "Z" | "z" => true,
        signed => signed[1..].split_once(':').is_some_and(|(h, m)| {
            digits(h, 2).is_some_and(|h| h < 24) && digits(m, 2).is_some_and(|m| m < 60)
        }),
    };
    valid_clock && valid_offset
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sampler(document: &Value) -> Sampler<'_> {
        Sampler::new(Resolver::new(document))
    }

    #[test]
    fn examples_that_break_their_schema_are_not_used() {
        let document = json!({"components": {"schemas": {"Address": {
            "type": "object",
            "required": ["houseNumber"],
            "properties": {
                "houseNumber": {"type": "string", "example": 89},
                "since": {"type": "string", "format": "date-time", "example": "2022-06-15T23:59:59.999+02:00[Europe/Berlin]"},
                "floor": {"type": "integer", "minimum": 3, "example": 7}
            }
        }}}});
        let s = sampler(&document);
        let reference = json!({"$ref": "#/components/schemas/Address"});
        let minimal = s.sample(&reference, Purpose::RequiredInputs).unwrap();
        assert_eq!(minimal, json!({"houseNumber": "string"}));
        let all = s.sample(&reference, Purpose::AllInputs).unwrap();
        assert_eq!(
            all,
            json!({"houseNumber": "string", "since": "2024-01-15T10:00:00Z", "floor": 7})
        );
        assert!(s.fits(&reference, &all));
        assert!(!s.fits(&reference, &json!({"houseNumber": 89})));
    }

    #[test]
    fn recursion_stops_at_optional_properties_and_fails_required_ones() {
        let document = json!({"components": {"schemas": {
            "Node": {"type": "object", "properties": {"child": {"$ref": "#/components/schemas/Node"}, "name": {"type": "string"}}},
            "Loop": {"type": "object", "required": ["next"], "properties": {"next": {"$ref": "#/components/schemas/Loop"}}}
        }}});
        let s = sampler(&document);
        let node = s.sample(
            &json!({"$ref": "#/components/schemas/Node"}),
            Purpose::AllInputs,
        );
        assert_eq!(node, Some(json!({"name": "string"})));
        assert_eq!(
            s.sample(
                &json!({"$ref": "#/components/schemas/Loop"}),
                Purpose::AllInputs
            ),
            None
        );
    }

    #[test]
    fn numbers_strings_and_lists_respect_their_bounds() {
        let document = json!({});
        let s = sampler(&document);
        let bounded = json!({"type": "integer", "minimum": 10, "maximum": 100});
        assert_eq!(s.sample(&bounded, Purpose::RequiredInputs), Some(json!(10)));
        let below = json!({"type": "integer", "maximum": 0, "exclusiveMaximum": true});
        assert_eq!(s.sample(&below, Purpose::RequiredInputs), Some(json!(-1)));
        let short = json!({"type": "string", "minLength": 8, "maxLength": 9});
        assert_eq!(
            s.sample(&short, Purpose::RequiredInputs),
            Some(json!("stringxx"))
        );
        let list = json!({"type": "array", "items": {"type": "string", "enum": ["A", "B"]}, "minItems": 2});
        assert_eq!(
            s.sample(&list, Purpose::RequiredInputs),
            Some(json!(["A", "A"]))
        );
        let parameter_example = json!("FIRST_KEY&key=SECOND_KEY");
        assert!(!s.fits(
            &json!({"type": "array", "items": {"type": "string"}}),
            &parameter_example
        ));
    }

    #[test]
    fn formats() {
        assert!(format_fits(Some("date-time"), "2024-06-13T10:33:00Z"));
        assert!(format_fits(
            Some("date-time"),
            "2023-12-03T10:15:30.5+01:00"
        ));
        assert!(!format_fits(Some("date-time"), "2025-09-21T00:00:00"));
        assert!(!format_fits(
            Some("date-time"),
            "2022-06-15T23:59:59.999+02:00[Europe/Berlin]"
        ));
        assert!(format_fits(Some("date"), "2024-02-29"));
        assert!(!format_fits(Some("date"), "2023-02-29"));
        assert!(format_fits(Some("time"), "10:00:00"));
        assert!(format_fits(
            Some("uuid"),
            "3fa85f64-5717-4562-b3fc-2c963f66afa6"
        ));
        assert!(!format_fits(Some("uuid"), "not-a-uuid"));
        assert!(format_fits(Some("ISO 3166-1"), "anything"));
    }

    #[test]
    fn responses_take_examples_as_written_every_property_and_stop_at_recursion() {
        let document = json!({"components": {"schemas": {
            "Address": {"type": "object", "required": ["kind"], "properties": {
                "houseNumber": {"type": "string", "example": 89},
                "kind": {"type": "string", "enum": ["HOME", "WORK"]},
                "since": {"type": "string", "format": "date", "readOnly": true},
                "parent": {"$ref": "#/components/schemas/Address"},
                "tags": {"type": "array", "items": {"type": "integer", "minimum": 4}},
                "labels": {"type": "object", "additionalProperties": {"type": "boolean"}},
                "main": {"$ref": "#/components/schemas/Address", "example": {"kind": "WORK"}}
            }}
        }}});
        let reference = json!({"$ref": "#/components/schemas/Address"});
        let response = sampler(&document).sample(&reference, Purpose::Response);
        assert_eq!(
            response,
            Some(json!({
                "houseNumber": 89,
                "kind": "HOME",
                "since": "2024-01-15",
                "tags": [4],
                "labels": {"property1": true},
                "main": {"kind": "WORK"}
            }))
        );
        let request = sampler(&document).sample(&reference, Purpose::AllInputs);
        assert_eq!(
            request,
            Some(json!({
                "houseNumber": "string",
                "kind": "HOME",
                "tags": [4],
                "labels": {},
                "main": {"kind": "WORK"}
            }))
        );
    }
}
