//! Which shapes of a response schema the client has actually decoded: the measure behind the
//! number of dynamic calls per operation.
//!
//! A shape is one of:
//!
//! * `Owner.property`: the property present (not `null`) in an object;
//! * `Owner.property=VALUE`: one value of an enum (an enum with the same values elsewhere is
//!   the same generated type: its values count once, under the first owner);
//! * `Owner.property[]`: a non-empty array (so that its item shape is decoded at all);
//! * `Owner#i`: the `i`-th alternative of a `oneOf`/`anyOf`, told apart by JSON type.
//!
//! `Owner` is the component schema the shape belongs to, followed by the path of inline
//! schemas inside it, so a component reached from many operations counts once. [`Shapes::new`]
//! lists every shape the response schemas allow; [`Shapes::observe`] marks those a body shows.

use std::collections::BTreeSet;

use serde_json::Value;

use codegen::Resolver;

/// Shapes possible and seen, over some response schemas.
#[derive(Debug, Clone, Default)]
pub struct Shapes {
    possible: BTreeSet<String>,
    seen: BTreeSet<String>,
    /// Root owner -> the owner of the first root with the same (inline) schema: responses of
    /// many operations share one inline schema, and so one generated type and one set of shapes.
    aliases: std::collections::BTreeMap<String, String>,
    /// An enum's values (as JSON text) -> the owner of its first occurrence: the same inline
    /// enum on many properties is one generated type, and its values count once.
    enum_owners: std::collections::BTreeMap<String, String>,
}

impl Shapes {
    /// Lists the shapes of every schema in `roots` (schemas inside `document`), each with the
    /// owner name its inline shapes get (`getCustomer 200`).
    pub fn new<'d>(
        document: &'d Value,
        roots: impl IntoIterator<Item = (String, &'d Value)>,
    ) -> Shapes {
        let mut shapes = Shapes::default();
        let mut visited = BTreeSet::new();
        let mut by_schema = std::collections::BTreeMap::new();
        for (owner, root) in roots {
            let canonical = by_schema
                .entry(root.to_string())
                .or_insert_with(|| owner.clone())
                .clone();
            shapes.aliases.insert(owner, canonical.clone());
            shapes.list(document, root, &canonical, &mut visited);
        }
        shapes
    }

    /// Marks the shapes `value` shows, read with `schema` (a root listed under `owner`).
    pub fn observe(&mut self, document: &Value, owner: &str, schema: &Value, value: &Value) {
        let owner = self
            .aliases
            .get(owner)
            .cloned()
            .unwrap_or_else(|| owner.to_owned());
        self.walk(document, schema, &owner, value, 0);
    }

    /// (seen, possible).
    pub fn counts(&self) -> (usize, usize) {
        (
            self.seen.intersection(&self.possible).count(),
            self.possible.len(),
        )
    }

    /// `properties 950/960, enum values 300/420, lists 80/80, alternatives 4/4`.
    pub fn breakdown(&self) -> String {
        let kind = |shape: &str| {
            if shape.contains('=') {
                "enum values"
            } else if shape.ends_with("[]") {
                "lists"
            } else if shape
                .rsplit_once('#')
                .is_some_and(|(_, i)| i.chars().all(|c| c.is_ascii_digit()))
            {
                "alternatives"
            } else {
                "properties"
            }
        };
        ["properties", "enum values", "lists", "alternatives"]
            .into_iter()
            .map(|name| {
                let possible = self.possible.iter().filter(|s| kind(s) == name).count();
                let seen = self
                    .possible
                    .iter()
                    .filter(|s| kind(s) == name && self.seen.contains(*s))
                    .count();
                format!("{name} {seen}/{possible}")
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Shapes possible but never seen, sorted.
    pub fn unseen(&self) -> impl Iterator<Item = &String> {
        self.possible.difference(&self.seen)
    }

    /// Adds the shapes of `other`.
    pub fn merge(&mut self, other: &Shapes) {
        self.possible.extend(other.possible.iter().cloned());
        self.seen.extend(other.seen.iter().cloned());
    }

    fn list(
        &mut self,
        document: &Value,
        schema: &Value,
        owner: &str,
        visited: &mut BTreeSet<String>,
    ) {
        let (Some(schema), owner) = target(document, schema, owner) else {
            return;
        };
        if !visited.insert(owner.clone()) {
            return;
        }
        for part in array(schema, "allOf") {
            self.list(document, part, &owner, visited);
        }
        for key in ["oneOf", "anyOf"] {
            for (index, alternative) in array(schema, key).iter().enumerate() {
                let name = format!("{owner}#{index}");
                self.possible.insert(name.clone());
                self.list(document, alternative, &name, visited);
            }
        }
        let values = array(schema, "enum");
        if !values.is_empty() {
            let key = Value::from(values.to_vec()).to_string();
            let enum_owner = self
                .enum_owners
                .entry(key)
                .or_insert_with(|| owner.clone())
                .clone();
            for value in values.iter().filter_map(Value::as_str) {
                self.possible.insert(format!("{enum_owner}={value}"));
            }
        }
        if let Some(items) = schema.get("items") {
            self.possible.insert(format!("{owner}[]"));
            self.list(document, items, &format!("{owner}[]"), visited);
        }
        // `properties` next to `type: array` (a serialised Java collection's bean properties,
        // as the Connect API has them) can never be present: a JSON array has no properties.
        if schema.get("type").and_then(Value::as_str) == Some("array") {
            return;
        }
        for (name, property) in properties(schema) {
            let path = format!("{owner}.{name}");
            self.possible.insert(path.clone());
            self.list(document, property, &path, visited);
        }
    }

    fn walk(&mut self, document: &Value, schema: &Value, owner: &str, value: &Value, depth: usize) {
        let (Some(schema), owner) = target(document, schema, owner) else {
            return;
        };
        if depth > 64 || value.is_null() {
            return;
        }
        for part in array(schema, "allOf") {
            self.walk(document, part, &owner, value, depth + 1);
        }
        for key in ["oneOf", "anyOf"] {
            let alternatives = array(schema, key);
            let matching = alternatives
                .iter()
                .position(|alternative| kind_fits(document, alternative, value));
            if let Some(index) = matching {
                let name = format!("{owner}#{index}");
                self.seen.insert(name.clone());
                self.walk(document, &alternatives[index], &name, value, depth + 1);
            }
        }
        let values = array(schema, "enum");
        if let (Some(text), false) = (value.as_str(), values.is_empty()) {
            let key = Value::from(values.to_vec()).to_string();
            let enum_owner = self
                .enum_owners
                .get(&key)
                .cloned()
                .unwrap_or_else(|| owner.clone());
            self.seen.insert(format!("{enum_owner}={text}"));
        }
        if let (Some(items), Some(values)) = (schema.get("items"), value.as_array()) {
            if !values.is_empty() {
                self.seen.insert(format!("{owner}[]"));
            }
            for item in values {
                self.walk(document, items, &format!("{owner}[]"), item, depth + 1);
            }
        }
        if let Some(object) = value.as_object() {
            for (name, property) in properties(schema) {
                if let Some(field) = object.get(name).filter(|v| !v.is_null()) {
                    let path = format!("{owner}.{name}");
                    self.seen.insert(path.clone());
                    self.walk(document, property, &path, field, depth + 1);
                }
            }
        }
    }
}

/// The schema behind `schema` and the owner name its shapes get: a component's own name, or
/// the inline path.
fn target<'d>(document: &'d Value, schema: &'d Value, owner: &str) -> (Option<&'d Value>, String) {
    let codegen::Resolved {
        value: resolved,
        reference,
    } = Resolver::new(document).resolve(schema);
    let owner = match reference {
        Some(reference) => reference.rsplit('/').next().unwrap_or(reference).to_owned(),
        None => owner.to_owned(),
    };
    (resolved, owner)
}

fn array<'d>(schema: &'d Value, key: &str) -> &'d [Value] {
    schema
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn properties(schema: &Value) -> impl Iterator<Item = (&String, &Value)> {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
}

/// Whether `value`'s JSON type is one `schema` allows (enough to tell the alternatives of these
/// specs' unions apart: "one error or a list of errors").
fn kind_fits(document: &Value, schema: &Value, value: &Value) -> bool {
    let Some(schema) = Resolver::new(document).resolve(schema).value else {
        return false;
    };
    let kind = schema.get("type").and_then(Value::as_str).or_else(|| {
        if schema.get("properties").is_some() {
            Some("object")
        } else if schema.get("items").is_some() {
            Some("array")
        } else {
            None
        }
    });
    match kind {
        Some("object") => value.is_object(),
        Some("array") => value.is_array(),
        Some("string") => value.is_string(),
        Some("integer") => value.is_i64() || value.is_u64(),
        Some("number") => value.is_number(),
        Some("boolean") => value.is_boolean(),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shapes_are_listed_once_per_component_and_marked_when_seen() {
        let document = json!({"components": {"schemas": {
            "Error": {"type": "object", "properties": {"code": {"type": "string", "enum": ["A", "B"]}}},
            "Node": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Node"}}}
        }}});
        let error = json!({"$ref": "#/components/schemas/Error"});
        let union = json!({"oneOf": [{"type": "array", "items": error.clone()}, error.clone()]});
        let node = json!({"$ref": "#/components/schemas/Node"});
        let roots = [
            ("op 400".to_owned(), &union),
            ("op 200".to_owned(), &node),
            ("other 400".to_owned(), &union),
        ];
        let mut shapes = Shapes::new(&document, roots);
        assert_eq!(shapes.counts(), (0, 7));
        shapes.observe(&document, "other 400", &union, &json!([{"code": "A"}]));
        shapes.observe(&document, "op 200", &node, &json!({"next": {"next": null}}));
        let unseen: Vec<&String> = shapes.unseen().collect();
        assert_eq!(unseen, ["Error.code=B", "op 400#1"]);
        assert_eq!(shapes.counts(), (5, 7));
        assert_eq!(
            shapes.breakdown(),
            "properties 2/2, enum values 1/2, lists 1/1, alternatives 1/2"
        );
    }
}
