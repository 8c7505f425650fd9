//! Discriminators: which tag value names which schema, the one rule for every discriminated
//! `oneOf`/`anyOf` of a document.
//!
//! A tag names a schema by the discriminator's explicit `mapping` (a `$ref`, or a bare schema
//! name) and, for an alternative no mapping entry names, implicitly: the single value its tag
//! property allows (`enum` or `const` with one value), else its component name (OpenAPI's
//! implicit mapping). The schema's own `enum` wins over its name because a value carrying the
//! name would not validate against the schema. Several tags may name the same schema; each is a
//! variant of its own. An inline alternative whose tag property allows no single value cannot
//! be chosen by a tag: it is left out, with a warning, and values carrying its tag decode as
//! unknown (their JSON kept).
//!
//! The rule runs once over the whole document before any type is made ([`Taggings::collect`]),
//! because a struct a tag names leaves its tag property out of its fields (see
//! [`StructTag`]), and the struct may be defined before the union that names it.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::{Pointer, Warning};
use crate::refs::Resolver;

/// The discriminated unions of a document and the schemas their tags name.
#[derive(Debug, Default)]
pub(crate) struct Taggings {
    /// By the pointer of the union's `oneOf`/`anyOf`.
    unions: BTreeMap<String, Tagging>,
    /// Target schema pointer -> every (tag property, tag value) naming it.
    targets: BTreeMap<String, Vec<(String, String)>>,
}

/// One discriminated union: its tag property and its tags in order.
#[derive(Debug, Clone)]
pub(crate) struct Tagging {
    pub(crate) property: String,
    pub(crate) entries: Vec<Entry>,
}

/// One tag of a union and the schema it names.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) tag: String,
    /// The alternative (index into `oneOf`/`anyOf`) holding the schema, if one does.
    pub(crate) alternative: Option<usize>,
    /// The `$ref` naming the schema, when it is not inline.
    pub(crate) reference: Option<String>,
    /// Named by the explicit `mapping` (its variant name is claimed first, so an implicit tag
    /// that spells the same never renames it).
    pub(crate) explicit: bool,
}

/// What a struct does with a discriminator's tag property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum StructTag {
    /// Exactly one tag names the schema: the struct writes it itself.
    Own { property: String, value: String },
    /// Several tags name it: the union writes the tag of its variant.
    Several { property: String },
}

impl Taggings {
    /// Every discriminated `oneOf`/`anyOf` of the document, and warnings for alternatives no
    /// tag can name and for tags named twice.
    pub(crate) fn collect(refs: Resolver<'_>, warnings: &mut Vec<Warning>) -> Self {
        let mut taggings = Taggings::default();
        taggings.walk(refs, refs.document(), &Pointer::root(), warnings);
        taggings.collect_inheritance(refs, warnings);
        taggings
    }

    /// Every base schema with a `discriminator` but no `oneOf`/`anyOf` that components extend
    /// with `allOf: [{$ref: Base}, …]` (the inheritance pattern): where the base is used it
    /// means one of its children, so it is a union of them, keyed by the base's own pointer.
    fn collect_inheritance(&mut self, refs: Resolver<'_>, warnings: &mut Vec<Warning>) {
        let Some(schemas) =
            (refs.document().pointer("/components/schemas")).and_then(Value::as_object)
        else {
            return;
        };
        let base_pointer = Pointer::root().join("components").join("schemas");
        for (key, base) in schemas {
            if base.get("discriminator").is_none()
                || base.get("oneOf").is_some()
                || base.get("anyOf").is_some()
            {
                continue;
            }
            let at = base_pointer.join(key);
            let reference = at.to_string();
            let extends_base = |schema: &Value| {
                (schema
                    .get("allOf")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten())
                .any(|part| part.get("$ref").and_then(Value::as_str) == Some(&reference))
            };
            let children: Vec<Value> = (schemas.iter())
                .filter(|(child, schema)| *child != key && extends_base(schema))
                .map(|(child, _)| serde_json::json!({"$ref": base_pointer.join(child).to_string()}))
                .collect();
            let mut union = base.clone();
            union["oneOf"] = Value::Array(children);
            let Some((_, mut tagging)) = tagging(refs, &union, &at, warnings) else {
                continue;
            };
            // The base itself is no variant: a value tagged with its name is unknown.
            (tagging.entries).retain(|entry| entry.reference.as_deref() != Some(&reference));
            if tagging.entries.is_empty() {
                continue;
            }
            for entry in &mut tagging.entries {
                // The children are no alternatives of the base's schema: each is typed by its
                // reference.
                entry.alternative = None;
                if let Some(target) = &entry.reference {
                    (self.targets.entry(Pointer::from_ref(target).to_string()))
                        .or_default()
                        .push((tagging.property.clone(), entry.tag.clone()));
                }
            }
            self.unions.insert(at.to_string(), tagging);
        }
    }

    fn walk(
        &mut self,
        refs: Resolver<'_>,
        value: &Value,
        at: &Pointer,
        warnings: &mut Vec<Warning>,
    ) {
        match value {
            Value::Object(map) => {
                if let Some((key, tagging)) = tagging(refs, value, at, warnings) {
                    let union_pointer = at.join(key);
                    for entry in &tagging.entries {
                        let target = match (&entry.reference, entry.alternative) {
                            (Some(reference), _) => Pointer::from_ref(reference),
                            (None, Some(index)) => union_pointer.join(index),
                            (None, None) => continue,
                        };
                        (self.targets.entry(target.to_string()).or_default())
                            .push((tagging.property.clone(), entry.tag.clone()));
                    }
                    self.unions.insert(union_pointer.to_string(), tagging);
                }
                for (key, child) in map {
                    // Examples are data, not schemas.
                    if key != "example" && key != "examples" {
                        self.walk(refs, child, &at.join(key), warnings);
                    }
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    self.walk(refs, item, &at.join(index), warnings);
                }
            }
            _ => {}
        }
    }

    /// The tagging of the inheritance base at `pointer` (see `collect_inheritance`), or of the
    /// union whose `oneOf`/`anyOf` is at `pointer`.
    pub(crate) fn union(&self, pointer: &Pointer) -> Option<&Tagging> {
        self.unions.get(&pointer.to_string())
    }

    /// What the struct of the schema at `pointer` does with a tag property, if a tag names it.
    pub(crate) fn struct_tag(&self, pointer: &Pointer) -> Option<StructTag> {
        let named = self.targets.get(&pointer.to_string())?;
        let (property, value) = named.first()?;
        if named.iter().any(|(p, _)| p != property) {
            // Unions telling the schema apart by different properties: the struct keeps them
            // all as fields, and each union writes its own.
            return None;
        }
        if named.iter().all(|(_, v)| v == value) {
            Some(StructTag::Own {
                property: property.clone(),
                value: value.clone(),
            })
        } else {
            Some(StructTag::Several {
                property: property.clone(),
            })
        }
    }
}

/// The discriminator of the schema `schema` (at `at`) with `oneOf`/`anyOf`: the key holding the
/// alternatives and its tags, in the order of the alternatives (each alternative's mapping
/// entries in mapping order, or its implicit tag), then mapping entries naming no alternative.
fn tagging(
    refs: Resolver<'_>,
    schema: &Value,
    at: &Pointer,
    warnings: &mut Vec<Warning>,
) -> Option<(&'static str, Tagging)> {
    let discriminator = schema.get("discriminator")?;
    let property = discriminator.get("propertyName")?.as_str()?.to_owned();
    let (key, alternatives) = ["oneOf", "anyOf"]
        .into_iter()
        .find_map(|key| Some((key, schema.get(key)?.as_array()?)))?;
    let mapping: Vec<(String, String)> = (discriminator.get("mapping"))
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(tag, target)| {
            let target = target.as_str()?;
            match mapping_reference(target) {
                Some(reference) => Some((tag.clone(), reference)),
                None => {
                    warnings.push(Warning::new(
                        &at.join("discriminator").join("mapping").join(tag),
                        format!("`{target}` is no schema of this document: the tag `{tag}` decodes as unknown"),
                    ));
                    None
                }
            }
        })
        .collect();
    let mut entries: Vec<Entry> = Vec::new();
    let mut used = vec![false; mapping.len()];
    for (index, alternative) in alternatives.iter().enumerate() {
        let reference = alternative.get("$ref").and_then(Value::as_str);
        let mapped: Vec<usize> = (0..mapping.len())
            .filter(|&m| reference.is_some_and(|r| same_reference(r, &mapping[m].1)))
            .collect();
        for &m in &mapped {
            used[m] = true;
            entries.push(Entry {
                tag: mapping[m].0.clone(),
                alternative: Some(index),
                reference: reference.map(str::to_owned),
                explicit: true,
            });
        }
        if !mapped.is_empty() {
            continue;
        }
        let implicit = single_value(refs, alternative, &property, 0)
            .or_else(|| reference.and_then(component_name));
        match implicit {
            Some(tag) => entries.push(Entry {
                tag,
                alternative: Some(index),
                reference: reference.map(str::to_owned),
                explicit: false,
            }),
            None => warnings.push(Warning::new(
                &at.join(key).join(index),
                format!(
                    "no discriminator tag names this alternative (no mapping entry, and its `{property}` allows no single value): left out, its values decode as unknown"
                ),
            )),
        }
    }
    for (m, (tag, reference)) in mapping.iter().enumerate() {
        if !used[m] {
            entries.push(Entry {
                tag: tag.clone(),
                alternative: None,
                reference: Some(reference.clone()),
                explicit: true,
            });
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    entries.retain(|entry| {
        let first = seen.insert(entry.tag.clone());
        if !first {
            warnings.push(Warning::new(
                &at.join("discriminator"),
                format!(
                    "the tag `{}` names two schemas: the first one is kept",
                    entry.tag
                ),
            ));
        }
        first
    });
    Some((key, Tagging { property, entries }))
}

/// A mapping value as a local reference: `#/components/schemas/Pet` as is, a bare `Pet` as the
/// component of that name; `None` for a reference into another document.
fn mapping_reference(target: &str) -> Option<String> {
    if target.starts_with('#') {
        Some(target.to_owned())
    } else if target.contains(['/', '#', '.']) {
        None
    } else {
        Some(format!("#/components/schemas/{target}"))
    }
}

fn same_reference(a: &str, b: &str) -> bool {
    a.trim_end_matches('/') == b.trim_end_matches('/')
}

/// `Pet` for `#/components/schemas/Pet`.
fn component_name(reference: &str) -> Option<String> {
    crate::refs::component_key(reference, "schemas").map(|key| key.into_owned())
}

/// The one value the schema's `property` allows (`const`, or an `enum` of one value), looking
/// through references and `allOf` members.
fn single_value(
    refs: Resolver<'_>,
    schema: &Value,
    property: &str,
    depth: usize,
) -> Option<String> {
    if depth > 8 {
        return None;
    }
    let schema = refs.resolve(schema).value?;
    if let Some(found) = schema
        .get("properties")
        .and_then(|p| p.get(property))
        .and_then(|p| refs.resolve(p).value)
        .and_then(only_value)
    {
        return Some(found);
    }
    (schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten())
    .find_map(|part| single_value(refs, part, property, depth + 1))
}

fn only_value(schema: &Value) -> Option<String> {
    if let Some(value) = schema.get("const").and_then(Value::as_str) {
        return Some(value.to_owned());
    }
    match schema
        .get("enum")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        Some([Value::String(only)]) => Some(only.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn collect(document: &Value) -> (Taggings, Vec<Warning>) {
        let mut warnings = Vec::new();
        let taggings = Taggings::collect(Resolver::new(document), &mut warnings);
        (taggings, warnings)
    }

    fn tags(taggings: &Taggings, pointer: &str) -> Vec<(String, Option<usize>)> {
        let tagging = &taggings.unions[pointer];
        (tagging.entries.iter())
            .map(|e| (e.tag.clone(), e.alternative))
            .collect()
    }

    #[test]
    fn explicit_mapping_then_single_enum_then_component_name() {
        let document = json!({"components": {"schemas": {
            "U": {"oneOf": [
                {"$ref": "#/components/schemas/A"},
                {"$ref": "#/components/schemas/B"},
                {"$ref": "#/components/schemas/C"},
                {"type": "object", "properties": {"kind": {"enum": ["d"]}}}
            ], "discriminator": {"propertyName": "kind", "mapping": {
                "a1": "#/components/schemas/A", "a2": "A"
            }}},
            "A": {"type": "object"},
            "B": {"type": "object", "properties": {"kind": {"type": "string", "enum": ["bee"]}}},
            "C": {"type": "object"}
        }}});
        let (taggings, warnings) = collect(&document);
        assert_eq!(warnings, []);
        assert_eq!(
            tags(&taggings, "#/components/schemas/U/oneOf"),
            [
                ("a1".into(), Some(0)),
                ("a2".into(), Some(0)),
                ("bee".into(), Some(1)),
                ("C".into(), Some(2)),
                ("d".into(), Some(3)),
            ]
        );
        let a = Pointer::root().join("components").join("schemas").join("A");
        assert_eq!(
            taggings.struct_tag(&a),
            Some(StructTag::Several {
                property: "kind".into()
            })
        );
        let b = Pointer::root().join("components").join("schemas").join("B");
        assert_eq!(
            taggings.struct_tag(&b),
            Some(StructTag::Own {
                property: "kind".into(),
                value: "bee".into()
            })
        );
        let inline = Pointer::from_ref("#/components/schemas/U/oneOf/3");
        assert_eq!(
            taggings.struct_tag(&inline),
            Some(StructTag::Own {
                property: "kind".into(),
                value: "d".into()
            })
        );
    }

    #[test]
    fn an_inline_alternative_without_a_tag_is_left_out_with_a_warning() {
        let document = json!({"components": {"schemas": {
            "U": {"anyOf": [{"type": "object"}], "discriminator": {"propertyName": "kind"}}
        }}});
        let (taggings, warnings) = collect(&document);
        assert_eq!(tags(&taggings, "#/components/schemas/U/anyOf"), []);
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].pointer, "#/components/schemas/U/anyOf/0");
    }
}
