//! What a value shows of each alternative of an untagged union (`oneOf`/`anyOf` without a
//! discriminator), read from the alternative's schema: its JSON types, required properties,
//! the values its `enum`/`const` allows (of itself or of a property) and its declared
//! properties. The decoder tries the alternatives a value fits best first (the runtime's
//! `evidence::rank`), so the document's order decides only between alternatives this cannot
//! tell apart, which the union's docs name.

use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};

use super::schemas::TypeSpace;
use crate::error::Pointer;
use crate::model::{Evidence, JsonKind};

/// Deeper `allOf` nesting than real documents use; also ends reference cycles.
const MAX_DEPTH: usize = 16;

impl TypeSpace<'_> {
    /// The evidence of one alternative (nothing, that is any value, for what it cannot read).
    pub(super) fn evidence(&self, schema: &ReferenceOr<Schema>) -> Evidence {
        let mut evidence = Evidence::default();
        self.collect_evidence(schema, &mut evidence, 0);
        evidence.kinds.sort();
        evidence.kinds.dedup();
        evidence
    }

    fn collect_evidence(&self, schema: &ReferenceOr<Schema>, into: &mut Evidence, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let Ok(schema) = self.resolve(schema, &Pointer::root()) else {
            return;
        };
        if schema.schema_data.nullable {
            into.kinds.push(JsonKind::Null);
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => {
                into.kinds.push(JsonKind::String);
                into.allowed
                    .extend(string.enumeration.iter().flatten().cloned());
                if string.enumeration.iter().any(Option::is_none) {
                    into.kinds.push(JsonKind::Null);
                }
            }
            SchemaKind::Type(Type::Integer(_)) => into.kinds.push(JsonKind::Integer),
            SchemaKind::Type(Type::Number(_)) => into.kinds.push(JsonKind::Number),
            SchemaKind::Type(Type::Boolean(_)) => into.kinds.push(JsonKind::Boolean),
            SchemaKind::Type(Type::Array(_)) => into.kinds.push(JsonKind::Array),
            SchemaKind::Type(Type::Object(object)) => {
                into.kinds.push(JsonKind::Object);
                self.object_evidence(&object.properties, &object.required, into);
            }
            SchemaKind::AllOf { all_of } => self.all_of_evidence(all_of, into, depth),
            SchemaKind::Any(any) => {
                if !any.properties.is_empty() || !any.required.is_empty() {
                    into.kinds.push(JsonKind::Object);
                    self.object_evidence(&any.properties, &any.required, into);
                } else if let Some(kind) = any.typ.as_deref().and_then(kind_named) {
                    into.kinds.push(kind);
                }
                let strings = any.enumeration.iter().filter_map(|v| v.as_str());
                into.allowed.extend(strings.map(str::to_owned));
                self.all_of_evidence(&any.all_of, into, depth);
            }
            // Alternatives of their own and `not`: any value, as far as this reads.
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } | SchemaKind::Not { .. } => {}
        }
    }

    /// Every member's evidence holds at once: one object with all their properties.
    fn all_of_evidence(&self, all_of: &[ReferenceOr<Schema>], into: &mut Evidence, depth: usize) {
        for member in all_of {
            self.collect_evidence(member, into, depth + 1);
        }
    }

    fn object_evidence(
        &self,
        properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        into: &mut Evidence,
    ) {
        for (name, property) in properties {
            let property = super::schemas::unbox(property);
            if !into.properties.contains(name) {
                into.properties.push(name.clone());
            }
            // A `readOnly`/`writeOnly` property is absent from one direction's values.
            if required.contains(name) && !self.is_one_way(&property, 0) {
                into.required.push(name.clone());
            }
            if let Ok(schema) = self.resolve(&property, &Pointer::root()) {
                let allowed = fixed_strings(&schema);
                if !allowed.is_empty() {
                    into.values.push((name.clone(), allowed));
                }
            }
        }
        // Required without a declaration of its own is still required.
        for name in required {
            if !properties.contains_key(name) && !into.required.contains(name) {
                into.required.push(name.clone());
            }
        }
    }
}

/// The string values a schema's `enum`/`const` allows (empty when it fixes none).
fn fixed_strings(schema: &Schema) -> Vec<String> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => {
            string.enumeration.iter().flatten().cloned().collect()
        }
        SchemaKind::Any(any) => (any.enumeration.iter())
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

fn kind_named(name: &str) -> Option<JsonKind> {
    Some(match name {
        "null" => JsonKind::Null,
        "boolean" => JsonKind::Boolean,
        "integer" => JsonKind::Integer,
        "number" => JsonKind::Number,
        "string" => JsonKind::String,
        "array" => JsonKind::Array,
        "object" => JsonKind::Object,
        _ => return None,
    })
}
