//! The component schemas of an OpenAPI document as JSON Schema, for the sampler
//! (json-schema-faker, which knows JSON Schema but not OpenAPI), read from the document as
//! written: nothing here comes from the generator, so the gate does not share its mistakes.
//!
//! What the conversion means, schema by schema (the instances are what a server may send):
//! - every `$ref` is resolved against the document (any local JSON pointer, or a 3.1 `$id` /
//!   `$anchor`) and becomes `#/definitions/KEY`; a reference to nothing becomes `{}`, noted;
//!   in 3.0 a `$ref`'s siblings are ignored (as 3.0 says), in 3.1 they apply (`allOf`);
//! - 3.0 `nullable: true` adds `"null"` to `type` (and to `enum`), or is `anyOf` with
//!   `{"type": "null"}` when there is no `type`; `null` in the `enum` of a type that does not
//!   allow it is dropped (that value could not be valid);
//! - 3.1 numeric `exclusiveMinimum`/`exclusiveMaximum` become the draft-04 form the sampler
//!   reads; `format: int32` bounds an integer to 32 bits;
//! - `writeOnly` properties are left out (a server never sends them); `readOnly` ones stay;
//! - discriminators: a schema that a discriminator names (in its `mapping`, or implicitly by
//!   its component name) gets its tag property fixed to the tag values naming it, so that a
//!   sampled alternative carries its own tag wherever it appears; a schema with a
//!   `discriminator` and no `oneOf`/`anyOf` (the inheritance pattern) means, where it is
//!   referenced, one of the schemas extending it (`allOf: [{$ref: Base}, …]`) or named by its
//!   mapping, while the `allOf` of such a child gets the base's own properties; a schema no
//!   `mapping` entry names is named by the one value its own tag property allows (`enum:
//!   [auto]`, `const`), else by its name (OpenAPI's implicit mapping); a name the tag property
//!   forbids (it allows several values, not this one) is not fixed but reported as a
//!   contradiction of the document (the gate's `sample` class at the union);
//! - annotations (`description`, `example`, `default`, `x-*`, …) are dropped.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

/// The converted document.
#[derive(Debug, Default)]
pub struct Converted {
    /// Every schema a component needs, by key; a schema refers to another as
    /// `{"$ref": "#/definitions/KEY"}`.
    pub definitions: Map<String, Value>,
    /// The component schemas, in document order.
    pub components: Vec<Component>,
    /// What the conversion worked around, one line each with its JSON pointer.
    pub notes: Vec<String>,
}

/// One component schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    /// Its key under `components/schemas`.
    pub name: String,
    /// `#/components/schemas/NAME`.
    pub pointer: String,
    /// The definition of its instances.
    pub key: String,
    /// The properties an instance must have (its own and its `allOf` members' `required`,
    /// `writeOnly` ones left out); empty for a union.
    pub required: Vec<String>,
    /// Set when a discriminator chooses what an instance is.
    pub union: Option<Union>,
    /// Not a component but a discriminated `oneOf`/`anyOf` inside another schema (a property's,
    /// a request body's): checked on its own, since a wrong variant of the same shape would
    /// not show in its holder's round trip. `name` is empty.
    pub inline: bool,
}

/// A discriminated union: a `oneOf`/`anyOf` with a `discriminator`, or an inheritance base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Union {
    /// The tag property.
    pub property: String,
    /// Every tag value with the schema it names, in mapping order, then implicit names.
    pub alternatives: Vec<Alternative>,
}

/// One tag value of a [`Union`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alternative {
    /// The tag value.
    pub tag: String,
    /// The schema it names (a JSON pointer).
    pub pointer: String,
    /// The definition of that schema's instances.
    pub key: String,
    /// Why no valid instance can carry this tag: an implicit tag (the schema's name) that the
    /// schema's own tag property does not allow (OpenAI's alternatives say `type: {enum:
    /// [auto]}` under a discriminator without `mapping`). Such a tag is not fixed on the
    /// schema, so the schema is sampled as written where else it is used.
    pub contradiction: Option<String>,
}

/// How a schema is referenced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Role {
    /// What the schema means where it is referenced.
    Plain,
    /// An inheritance base's own properties: what a child's `allOf` extends.
    Own,
}

/// A discriminator found in the document.
#[derive(Debug, Clone)]
struct Discriminator {
    property: String,
    /// Tag value -> schema pointer, from `mapping` and implicit names.
    tags: Vec<(String, String)>,
    /// Implicit tag values the schema they name does not allow, with why.
    contradictions: BTreeMap<String, String>,
    /// No `oneOf`/`anyOf` beside it: the inheritance pattern.
    inheritance: bool,
}

/// Converts the component schemas of `document` (OpenAPI 3.0 or 3.1, as JSON).
pub fn convert(document: &Value) -> Converted {
    let mut converter = Converter::new(document);
    let schemas = document
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    let mut components = Vec::new();
    for name in schemas.into_iter().flat_map(|schemas| schemas.keys()) {
        let pointer = format!("#/components/schemas/{}", escape(name));
        let key = converter.key(&pointer, Role::Plain);
        let union = converter.union_of(&pointer);
        let required = if union.is_some() {
            Vec::new()
        } else {
            converter.required(&pointer)
        };
        components.push(Component {
            name: name.clone(),
            pointer,
            key,
            required,
            union,
            inline: false,
        });
    }
    let sites: Vec<String> = (converter.discriminators.iter())
        .filter(|(pointer, discriminator)| {
            !discriminator.inheritance && !components.iter().any(|c| &c.pointer == *pointer)
        })
        .map(|(pointer, _)| pointer.clone())
        .collect();
    for pointer in sites {
        let key = converter.key(&pointer, Role::Plain);
        let union = converter.union_of(&pointer);
        components.push(Component {
            name: String::new(),
            pointer,
            key,
            required: Vec::new(),
            union,
            inline: true,
        });
    }
    converter.drain();
    Converted {
        definitions: converter.definitions,
        components,
        notes: converter.notes,
    }
}

struct Converter<'a> {
    document: &'a Value,
    /// OpenAPI 3.1 (JSON Schema 2020-12 semantics) rather than 3.0.
    v31: bool,
    /// `$id` and `$id#anchor` / `#anchor` -> pointer (3.1).
    identifiers: BTreeMap<String, String>,
    /// Discriminators by the pointer of the schema holding them.
    discriminators: BTreeMap<String, Discriminator>,
    /// Schema pointer -> tag property -> the tag values naming it.
    tags_of: BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
    keys: BTreeMap<(String, Role), String>,
    queue: Vec<(String, Role, String)>,
    definitions: Map<String, Value>,
    notes: Vec<String>,
}

impl<'a> Converter<'a> {
    fn new(document: &'a Value) -> Self {
        let v31 = document
            .get("openapi")
            .and_then(Value::as_str)
            .is_some_and(|version| version.starts_with("3.1"));
        let mut converter = Converter {
            document,
            v31,
            identifiers: BTreeMap::new(),
            discriminators: BTreeMap::new(),
            tags_of: BTreeMap::new(),
            keys: BTreeMap::new(),
            queue: Vec::new(),
            definitions: Map::new(),
            notes: Vec::new(),
        };
        if v31 {
            collect_identifiers(document, "#", None, &mut converter.identifiers);
        }
        converter.find_discriminators();
        converter
    }

    /// Every discriminator of the document's schemas, with its tag values; and for every schema
    /// a tag names, which.
    fn find_discriminators(&mut self) {
        let mut found = Vec::new();
        find_objects_with(self.document, "#", "discriminator", &mut found);
        let children = self.children();
        for (pointer, schema) in found {
            let Some(property) = schema
                .pointer("/discriminator/propertyName")
                .and_then(Value::as_str)
            else {
                continue;
            };
            let inheritance = schema.get("oneOf").is_none() && schema.get("anyOf").is_none();
            let mut tags = Vec::new();
            let mut named = BTreeSet::new();
            let mapping = schema
                .pointer("/discriminator/mapping")
                .and_then(Value::as_object);
            for (tag, target) in mapping.into_iter().flatten() {
                if let Some(target) = target.as_str().and_then(|t| self.mapping_target(t)) {
                    named.insert(target.clone());
                    tags.push((tag.clone(), target));
                }
            }
            let alternatives: Vec<String> = if inheritance {
                children.get(&pointer).cloned().unwrap_or_default()
            } else {
                ["oneOf", "anyOf"]
                    .iter()
                    .filter_map(|word| schema.get(*word).and_then(Value::as_array))
                    .flatten()
                    .filter_map(|alternative| alternative.get("$ref").and_then(Value::as_str))
                    .filter_map(|reference| self.resolve(reference))
                    .collect()
            };
            let mut contradictions = BTreeMap::new();
            for target in alternatives {
                if !named.contains(&target) {
                    // The implicit mapping: a schema not in `mapping` is named by the one
                    // value its tag property allows (what every instance of it carries), else by
                    // its name.
                    let allowed = self.own_tag_values(&target, property);
                    let name = match allowed.as_deref() {
                        Some([only]) => only.clone(),
                        _ => unescape(target.rsplit('/').next().unwrap_or_default()),
                    };
                    if let Some(allowed) = allowed {
                        if !allowed.contains(&name) {
                            contradictions.insert(name.clone(), format!(
                                "the document contradicts itself: the implicit tag `{name}` (the schema's name) of {target} is not one of the values {allowed:?} its property `{property}` allows, so no valid instance carries it"
                            ));
                        }
                    }
                    named.insert(target.clone());
                    tags.push((name, target));
                }
            }
            for (tag, target) in &tags {
                if contradictions.contains_key(tag) {
                    continue;
                }
                self.tags_of
                    .entry(target.clone())
                    .or_default()
                    .entry(property.to_owned())
                    .or_default()
                    .insert(tag.clone());
            }
            let property = property.to_owned();
            self.discriminators.insert(
                pointer,
                Discriminator {
                    property,
                    tags,
                    contradictions,
                    inheritance,
                },
            );
        }
    }

    /// The values a schema's own `property` allows (its `enum` or `const`, in the schema's
    /// `properties` or those of an `allOf` member, through one `$ref`), if it says.
    fn own_tag_values(&self, target: &str, property: &str) -> Option<Vec<String>> {
        let follow = |schema: &'a Value| -> Option<&'a Value> {
            match schema.get("$ref").and_then(Value::as_str) {
                Some(reference) => {
                    let pointer = self.resolve(reference)?;
                    self.document.pointer(&pointer[1..])
                }
                None => Some(schema),
            }
        };
        let schema = follow(self.document.pointer(&target[1..])?)?;
        let members = (schema.get("allOf").and_then(Value::as_array).into_iter())
            .flatten()
            .filter_map(&follow);
        std::iter::once(schema).chain(members).find_map(|holder| {
            let tag = follow(holder.get("properties")?.get(property)?)?;
            let values: Vec<String> = match (tag.get("const"), tag.get("enum")) {
                (Some(value), _) => vec![value.as_str()?.to_owned()],
                (None, Some(Value::Array(values))) => (values.iter())
                    .filter_map(|value| value.as_str().map(str::to_owned))
                    .collect(),
                _ => return None,
            };
            Some(values)
        })
    }

    /// Base pointer -> the component schemas whose `allOf` refers to it directly.
    fn children(&self) -> BTreeMap<String, Vec<String>> {
        let mut children: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let schemas = self
            .document
            .pointer("/components/schemas")
            .and_then(Value::as_object);
        for (name, schema) in schemas.into_iter().flatten() {
            let members = schema.get("allOf").and_then(Value::as_array);
            for member in members.into_iter().flatten() {
                let base = member.get("$ref").and_then(Value::as_str);
                if let Some(base) = base.and_then(|base| self.resolve(base)) {
                    let child = format!("#/components/schemas/{}", escape(name));
                    children.entry(base).or_default().push(child);
                }
            }
        }
        children
    }

    /// A discriminator `mapping` value: a reference, or a component schema's name.
    fn mapping_target(&self, target: &str) -> Option<String> {
        if target.contains('/') || target.contains('#') {
            self.resolve(target)
        } else {
            Some(format!("#/components/schemas/{}", escape(target)))
        }
    }

    /// The pointer a `$ref` names, if it names a place in the document.
    fn resolve(&self, reference: &str) -> Option<String> {
        let pointer = if let Some(pointer) = reference.strip_prefix('#') {
            if pointer.is_empty() || pointer.starts_with('/') {
                format!("#{pointer}")
            } else {
                self.identifiers.get(reference)?.clone()
            }
        } else {
            self.identifiers.get(reference)?.clone()
        };
        self.document.pointer(&pointer[1..])?;
        Some(pointer)
    }

    /// The union a component is, when a discriminator chooses its instances.
    fn union_of(&mut self, pointer: &str) -> Option<Union> {
        let discriminator = self.discriminators.get(pointer)?.clone();
        if discriminator.tags.is_empty() {
            return None;
        }
        let alternatives = discriminator
            .tags
            .iter()
            .map(|(tag, target)| Alternative {
                tag: tag.clone(),
                pointer: target.clone(),
                key: self.alternative_key(pointer, target),
                contradiction: discriminator.contradictions.get(tag).cloned(),
            })
            .collect();
        Some(Union {
            property: discriminator.property,
            alternatives,
        })
    }

    /// The definition of an alternative: the base's own schema when the mapping names the
    /// base itself, else the alternative's.
    fn alternative_key(&mut self, base: &str, target: &str) -> String {
        let inheritance = self.discriminators.get(base).is_some_and(|d| d.inheritance);
        if inheritance && target == base {
            self.key(target, Role::Own)
        } else {
            self.key(target, Role::Plain)
        }
    }

    /// The key of the definition of `pointer` in `role`, queued for conversion when new.
    fn key(&mut self, pointer: &str, role: Role) -> String {
        let entry = (pointer.to_owned(), role);
        if let Some(key) = self.keys.get(&entry) {
            return key.clone();
        }
        let key = format!("d{}", self.keys.len());
        self.keys.insert(entry, key.clone());
        self.queue.push((pointer.to_owned(), role, key.clone()));
        key
    }

    /// Converts queued definitions until none is left.
    fn drain(&mut self) {
        while let Some((pointer, role, key)) = self.queue.pop() {
            let definition = self.definition(&pointer, role);
            self.definitions.insert(key, definition);
        }
    }

    fn definition(&mut self, pointer: &str, role: Role) -> Value {
        let Some(schema) = self.document.pointer(&pointer[1..]) else {
            self.notes
                .push(format!("{pointer}: nothing there; any value is accepted"));
            return json!({});
        };
        let inheritance = self
            .discriminators
            .get(pointer)
            .is_some_and(|d| d.inheritance);
        if role == Role::Plain && inheritance {
            if let Some(union) = self.union_of(pointer) {
                let alternatives: Vec<Value> = union
                    .alternatives
                    .iter()
                    .map(|alternative| json!({ "$ref": format!("#/definitions/{}", alternative.key) }))
                    .collect();
                return json!({ "anyOf": alternatives });
            }
        }
        let converted = self.schema(schema, pointer);
        // A base's own properties carry no tag: its children fix their own.
        match self.tags_of.get(pointer).filter(|_| role == Role::Plain) {
            Some(tags) => {
                let mut all_of = vec![converted];
                all_of.extend(
                    tags.iter()
                        .map(|(property, values)| tag_constraint(property, values)),
                );
                json!({ "allOf": all_of })
            }
            None => converted,
        }
    }

    /// `{"$ref": "#/definitions/KEY"}` for a reference; `{}` for one to nothing.
    fn reference(&mut self, reference: &str, at: &str, role: Role) -> Value {
        match self.resolve(reference) {
            Some(target) => {
                let base = self
                    .discriminators
                    .get(&target)
                    .is_some_and(|d| d.inheritance);
                let role = if role == Role::Own && base {
                    Role::Own
                } else {
                    Role::Plain
                };
                json!({ "$ref": format!("#/definitions/{}", self.key(&target, role)) })
            }
            None => {
                self.notes.push(format!(
                    "{at}: `$ref: {reference}` names nothing in the document; any value is accepted"
                ));
                json!({})
            }
        }
    }

    /// One schema (at `at`) as JSON Schema.
    fn schema(&mut self, schema: &Value, at: &str) -> Value {
        let object = match schema {
            Value::Object(object) => object,
            Value::Bool(accepts) => return Value::Bool(*accepts),
            _ => return json!({}),
        };
        if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
            let target = self.reference(reference, &format!("{at}/$ref"), Role::Plain);
            let mut siblings = object.clone();
            siblings.remove("$ref");
            if !self.v31 || !siblings.keys().any(|word| is_keyword(word)) {
                return target;
            }
            let rest = self.keywords(&siblings, at);
            return json!({ "allOf": [target, rest] });
        }
        self.keywords(object, at)
    }

    /// The keywords of a schema without `$ref`.
    fn keywords(&mut self, object: &Map<String, Value>, at: &str) -> Value {
        let mut out = Map::new();
        let write_only = self.one_way_properties(object, false);
        for (word, value) in object {
            let here = format!("{at}/{}", escape(word));
            let converted = match word.as_str() {
                "properties" | "patternProperties" => {
                    let mut properties = Map::new();
                    for (name, schema) in value.as_object().into_iter().flatten() {
                        if !write_only.contains(name) {
                            let place = format!("{here}/{}", escape(name));
                            properties.insert(name.clone(), self.schema(schema, &place));
                        }
                    }
                    Value::Object(properties)
                }
                "additionalProperties" | "items" | "not" | "contains" => match value {
                    Value::Array(items) => Value::Array(self.each(items, &here)),
                    other => self.schema(other, &here),
                },
                "prefixItems" | "oneOf" | "anyOf" => match value {
                    Value::Array(items) => Value::Array(self.each(items, &here)),
                    _ => continue,
                },
                "allOf" => match value {
                    Value::Array(items) => Value::Array(self.all_of(items, &here)),
                    _ => continue,
                },
                "required" => Value::Array(
                    value
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter(|name| name.as_str().is_none_or(|name| !write_only.contains(name)))
                        .cloned()
                        .collect(),
                ),
                word if is_kept_as_is(word) => value.clone(),
                _ => continue,
            };
            out.insert(word.clone(), converted);
        }
        if let Some(bound) = exclusive_bounds(&mut out) {
            self.notes.push(format!("{at}: {bound}"));
        }
        bound_integer_format(&mut out);
        let nullable = !self.v31 && object.get("nullable") == Some(&Value::Bool(true));
        null_rules(out, nullable)
    }

    fn each(&mut self, items: &[Value], at: &str) -> Vec<Value> {
        (items.iter().enumerate())
            .map(|(index, item)| self.schema(item, &format!("{at}/{index}")))
            .collect()
    }

    /// `allOf` members: a reference to an inheritance base extends its own properties.
    fn all_of(&mut self, items: &[Value], at: &str) -> Vec<Value> {
        let mut out = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let here = format!("{at}/{index}");
            match item.get("$ref").and_then(Value::as_str) {
                Some(reference) if !self.v31 || item.as_object().is_some_and(|o| o.len() == 1) => {
                    out.push(self.reference(reference, &format!("{here}/$ref"), Role::Own));
                }
                _ => out.push(self.schema(item, &here)),
            }
        }
        out
    }

    /// Properties marked `writeOnly` (or, with `read_only`, also `readOnly`), on the property or
    /// on the schema it references.
    fn one_way_properties(&self, object: &Map<String, Value>, read_only: bool) -> BTreeSet<String> {
        let one_way = |schema: &Value| {
            is_write_only(schema)
                || (read_only && schema.get("readOnly") == Some(&Value::Bool(true)))
        };
        let properties = object.get("properties").and_then(Value::as_object);
        (properties.into_iter().flatten())
            .filter(|(_, schema)| {
                let target = schema
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|reference| self.resolve(reference))
                    .and_then(|pointer| self.document.pointer(&pointer[1..]));
                one_way(schema) || target.is_some_and(one_way)
            })
            .map(|(name, _)| name.clone())
            .collect()
    }

    /// The properties an instance of the schema at `pointer` must have: its `required` and
    /// those of its `allOf` members, following references; `writeOnly` and `readOnly` ones left
    /// out: a server does not send the first, and the generated types make the second optional
    /// (one type serves both directions), so neither must be missed when decoding.
    fn required(&self, pointer: &str) -> Vec<String> {
        let mut required = BTreeSet::new();
        let mut seen = BTreeSet::new();
        self.collect_required(pointer, &mut required, &mut seen);
        required.into_iter().collect()
    }

    fn collect_required(
        &self,
        pointer: &str,
        required: &mut BTreeSet<String>,
        seen: &mut BTreeSet<String>,
    ) {
        if !seen.insert(pointer.to_owned()) {
            return;
        }
        let Some(object) = self
            .document
            .pointer(&pointer[1..])
            .and_then(Value::as_object)
        else {
            return;
        };
        if let Some(target) = object
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|reference| self.resolve(reference))
        {
            self.collect_required(&target, required, seen);
            if !self.v31 {
                return;
            }
        }
        let write_only = self.one_way_properties(object, true);
        let names = object.get("required").and_then(Value::as_array);
        for name in names.into_iter().flatten().filter_map(Value::as_str) {
            if !write_only.contains(name) {
                required.insert(name.to_owned());
            }
        }
        let members = object.get("allOf").and_then(Value::as_array);
        for (index, _) in members.into_iter().flatten().enumerate() {
            self.collect_required(&format!("{pointer}/allOf/{index}"), required, seen);
        }
    }
}

/// `{"properties": {PROPERTY: {"enum": TAGS}}, "required": [PROPERTY]}`.
fn tag_constraint(property: &str, tags: &BTreeSet<String>) -> Value {
    json!({
        "properties": { property: { "type": "string", "enum": tags.iter().collect::<Vec<_>>() } },
        "required": [property],
    })
}

/// Schema keywords kept unchanged (validation keywords the sampler reads).
fn is_kept_as_is(word: &str) -> bool {
    matches!(
        word,
        "type"
            | "enum"
            | "const"
            | "format"
            | "minimum"
            | "maximum"
            | "exclusiveMinimum"
            | "exclusiveMaximum"
            | "multipleOf"
            | "minLength"
            | "maxLength"
            | "pattern"
            | "minItems"
            | "maxItems"
            | "uniqueItems"
            | "minProperties"
            | "maxProperties"
    )
}

/// Whether a `$ref` sibling constrains values (3.1 applies those).
fn is_keyword(word: &str) -> bool {
    is_kept_as_is(word)
        || matches!(
            word,
            "properties"
                | "patternProperties"
                | "additionalProperties"
                | "items"
                | "prefixItems"
                | "not"
                | "contains"
                | "allOf"
                | "oneOf"
                | "anyOf"
                | "required"
        )
}

fn is_write_only(schema: &Value) -> bool {
    schema.get("writeOnly") == Some(&Value::Bool(true))
}

/// 3.1's numeric `exclusiveMinimum: 5` as draft-04's `minimum: 5, exclusiveMinimum: true`;
/// says so when a bound conflicts with another.
fn exclusive_bounds(schema: &mut Map<String, Value>) -> Option<String> {
    let mut conflict = None;
    for (exclusive, inclusive) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(Value::Number(bound)) = schema.get(exclusive).cloned() {
            if schema.contains_key(inclusive) {
                conflict = Some(format!(
                    "both `{inclusive}` and `{exclusive}`; the latter kept"
                ));
            }
            schema.insert(inclusive.to_owned(), Value::Number(bound));
            schema.insert(exclusive.to_owned(), Value::Bool(true));
        }
    }
    conflict
}

/// `format: int32` integers within 32 bits, unless the schema bounds them itself.
fn bound_integer_format(schema: &mut Map<String, Value>) {
    let is_integer = match schema.get("type") {
        Some(Value::String(name)) => name == "integer",
        Some(Value::Array(names)) => names.iter().any(|name| name == "integer"),
        _ => false,
    };
    if is_integer && schema.get("format").and_then(Value::as_str) == Some("int32") {
        schema.entry("minimum").or_insert_with(|| json!(i32::MIN));
        schema.entry("maximum").or_insert_with(|| json!(i32::MAX));
    }
}

/// 3.0's `nullable`, and `null` in an `enum` whose type does not allow it.
fn null_rules(mut schema: Map<String, Value>, nullable: bool) -> Value {
    let null = Value::String("null".into());
    let types: Option<Vec<Value>> = match schema.get("type") {
        Some(Value::String(name)) => Some(vec![Value::String(name.clone())]),
        Some(Value::Array(names)) => Some(names.clone()),
        _ => None,
    };
    let allows_null = nullable || types.as_ref().is_none_or(|types| types.contains(&null));
    if !allows_null {
        if let Some(Value::Array(values)) = schema.get_mut("enum") {
            values.retain(|value| !value.is_null());
        }
    }
    if !nullable {
        return Value::Object(schema);
    }
    if let Some(Value::Array(values)) = schema.get_mut("enum") {
        if !values.contains(&Value::Null) {
            values.push(Value::Null);
        }
    }
    match types {
        Some(mut types) => {
            if !types.contains(&null) {
                types.push(null);
            }
            schema.insert("type".into(), Value::Array(types));
            Value::Object(schema)
        }
        None => json!({ "anyOf": [Value::Object(schema), { "type": "null" }] }),
    }
}

/// Every object holding `word` as a key, with its pointer (`#/a/b`).
fn find_objects_with<'a>(
    value: &'a Value,
    pointer: &str,
    word: &str,
    found: &mut Vec<(String, &'a Value)>,
) {
    match value {
        Value::Object(object) => {
            if object.get(word).is_some_and(Value::is_object) {
                found.push((pointer.to_owned(), value));
            }
            for (key, child) in object {
                find_objects_with(child, &format!("{pointer}/{}", escape(key)), word, found);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                find_objects_with(child, &format!("{pointer}/{index}"), word, found);
            }
        }
        _ => {}
    }
}

/// 3.1 `$id`s and `$anchor`s: `ID`, `ID#ANCHOR` and `#ANCHOR` -> pointer.
fn collect_identifiers(
    value: &Value,
    pointer: &str,
    base: Option<&str>,
    names: &mut BTreeMap<String, String>,
) {
    match value {
        Value::Object(object) => {
            let id = object.get("$id").and_then(Value::as_str);
            if let Some(id) = id {
                names.insert(id.to_owned(), pointer.to_owned());
            }
            let base = id.or(base);
            if let Some(anchor) = object.get("$anchor").and_then(Value::as_str) {
                names.insert(format!("#{anchor}"), pointer.to_owned());
                if let Some(base) = base {
                    names.insert(format!("{base}#{anchor}"), pointer.to_owned());
                }
            }
            for (key, child) in object {
                collect_identifiers(child, &format!("{pointer}/{}", escape(key)), base, names);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                collect_identifiers(child, &format!("{pointer}/{index}"), base, names);
            }
        }
        _ => {}
    }
}

/// A JSON pointer segment for `key` (`~` -> `~0`, `/` -> `~1`).
pub fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(schemas: Value) -> Value {
        json!({ "openapi": "3.0.3", "components": { "schemas": schemas } })
    }

    fn definition<'a>(converted: &'a Converted, name: &str) -> &'a Value {
        let component = converted
            .components
            .iter()
            .find(|component| component.name == name)
            .unwrap();
        &converted.definitions[&component.key]
    }

    #[test]
    fn nullable_adds_null_to_the_type_and_enum() {
        let converted = convert(&document(json!({
            "A": { "type": "string", "enum": ["x"], "nullable": true, "description": "d" },
            "B": { "properties": { "b": { "type": "integer" } }, "nullable": true },
            "C": { "type": "string", "enum": ["x", null] },
        })));
        assert_eq!(
            definition(&converted, "A"),
            &json!({ "type": ["string", "null"], "enum": ["x", null] })
        );
        assert_eq!(
            definition(&converted, "B"),
            &json!({ "anyOf": [{ "properties": { "b": { "type": "integer" } } }, { "type": "null" }] })
        );
        assert_eq!(
            definition(&converted, "C"),
            &json!({ "type": "string", "enum": ["x"] })
        );
    }

    #[test]
    fn references_resolve_to_definitions_and_siblings_follow_the_version() {
        let schemas = json!({
            "A": { "$ref": "#/components/schemas/B", "nullable": true },
            "B": { "type": "object", "properties": { "c": { "$ref": "#/components/schemas/Missing" } } },
        });
        let converted = convert(&document(schemas.clone()));
        let a = definition(&converted, "A");
        let key = a["$ref"]
            .as_str()
            .unwrap()
            .strip_prefix("#/definitions/")
            .unwrap();
        assert_eq!(&converted.definitions[key], definition(&converted, "B"));
        assert_eq!(definition(&converted, "B")["properties"]["c"], json!({}));
        assert_eq!(converted.notes.len(), 1, "{:?}", converted.notes);
        assert!(converted.notes[0].starts_with("#/components/schemas/B/properties/c/$ref: "));

        let v31 = json!({ "openapi": "3.1.0", "components": { "schemas": {
            "A": { "$ref": "#/components/schemas/B", "maxLength": 3 },
            "B": { "type": "string", "exclusiveMinimum": 2 },
        } } });
        let converted = convert(&v31);
        assert_eq!(
            definition(&converted, "A")["allOf"][1],
            json!({ "maxLength": 3 })
        );
        assert_eq!(
            definition(&converted, "B"),
            &json!({ "type": "string", "minimum": 2, "exclusiveMinimum": true })
        );
    }

    #[test]
    fn write_only_properties_are_left_out() {
        let converted = convert(&document(json!({
            "A": {
                "type": "object",
                "required": ["secret", "id"],
                "properties": {
                    "secret": { "type": "string", "writeOnly": true },
                    "id": { "type": "integer", "format": "int32", "readOnly": true },
                },
            },
        })));
        assert_eq!(
            definition(&converted, "A"),
            &json!({
                "type": "object",
                "required": ["id"],
                "properties": { "id": {
                    "type": "integer", "format": "int32",
                    "minimum": i32::MIN, "maximum": i32::MAX,
                } },
            })
        );
        // Neither is a required property whose absence must fail to decode: `readOnly` ones
        // are optional in the generated types (one type serves requests and responses).
        assert!(converted.components[0].required.is_empty());
    }

    #[test]
    fn a_discriminated_one_of_fixes_each_alternatives_tag() {
        let converted = convert(&document(json!({
            "Pet": {
                "oneOf": [
                    { "$ref": "#/components/schemas/Cat" },
                    { "$ref": "#/components/schemas/Dog" },
                ],
                "discriminator": { "propertyName": "kind", "mapping": {
                    "cat": "#/components/schemas/Cat", "kitty": "Cat",
                } },
            },
            "Cat": { "type": "object", "properties": { "kind": { "type": "string" } } },
            "Dog": { "type": "object", "properties": { "kind": { "type": "string" } } },
        })));
        let pet = &converted.components[0];
        let union = pet.union.as_ref().unwrap();
        let tags: Vec<(&str, &str)> = (union.alternatives.iter())
            .map(|a| (a.tag.as_str(), a.pointer.as_str()))
            .collect();
        assert_eq!(
            tags,
            [
                ("cat", "#/components/schemas/Cat"),
                ("kitty", "#/components/schemas/Cat"),
                ("Dog", "#/components/schemas/Dog"),
            ]
        );
        assert!(pet.required.is_empty());
        assert_eq!(
            definition(&converted, "Cat")["allOf"][1],
            json!({ "properties": { "kind": { "type": "string", "enum": ["cat", "kitty"] } }, "required": ["kind"] })
        );
        assert_eq!(
            definition(&converted, "Dog")["allOf"][1]["properties"]["kind"]["enum"],
            json!(["Dog"])
        );
    }

    #[test]
    fn an_implicit_tag_is_the_one_value_allowed_and_a_forbidden_name_a_contradiction() {
        let converted = convert(&document(json!({
            "Strategy": {
                "oneOf": [
                    { "$ref": "#/components/schemas/Auto" },
                    { "$ref": "#/components/schemas/Static" },
                    { "$ref": "#/components/schemas/Other" },
                ],
                "discriminator": { "propertyName": "type" },
            },
            "Auto": { "type": "object", "properties": { "type": { "type": "string", "enum": ["auto", "automatic"] } } },
            "Static": { "type": "object", "properties": { "type": { "$ref": "#/components/schemas/StaticType" } } },
            "StaticType": { "type": "string", "enum": ["static"] },
            "Other": { "type": "object", "properties": { "type": { "type": "string", "enum": ["Other", "other"] } } },
        })));
        let union = converted.components[0].union.as_ref().unwrap();
        let auto = &union.alternatives[0];
        assert_eq!(auto.tag, "Auto");
        assert!(
            auto.contradiction
                .as_deref()
                .unwrap()
                .contains("[\"auto\", \"automatic\"]"),
            "{:?}",
            auto.contradiction
        );
        // Sampled as written wherever else it is used.
        assert_eq!(
            definition(&converted, "Auto")["properties"]["type"]["enum"],
            json!(["auto", "automatic"])
        );
        // The one value a tag property allows is the tag (through a `$ref`).
        let (static_, other) = (&union.alternatives[1], &union.alternatives[2]);
        assert_eq!(
            (static_.tag.as_str(), &static_.contradiction),
            ("static", &None)
        );
        assert_eq!(
            definition(&converted, "Static")["allOf"][1]["properties"]["type"]["enum"],
            json!(["static"])
        );
        // A name among several allowed values is the tag.
        assert_eq!((other.tag.as_str(), &other.contradiction), ("Other", &None));
    }

    #[test]
    fn an_inheritance_base_means_one_of_its_children() {
        let converted = convert(&document(json!({
            "Base": {
                "type": "object",
                "required": ["kind"],
                "properties": { "kind": { "type": "string" } },
                "discriminator": { "propertyName": "kind" },
            },
            "Child": { "allOf": [
                { "$ref": "#/components/schemas/Base" },
                { "type": "object", "required": ["age"], "properties": { "age": { "type": "integer" } } },
            ] },
            "Holder": { "properties": { "base": { "$ref": "#/components/schemas/Base" } } },
        })));
        let base = &converted.components[0];
        let union = base.union.as_ref().unwrap();
        assert_eq!(union.alternatives.len(), 1);
        assert_eq!(union.alternatives[0].tag, "Child");
        let child_key = &converted.components[1].key;
        assert_eq!(
            definition(&converted, "Base"),
            &json!({ "anyOf": [{ "$ref": format!("#/definitions/{child_key}") }] })
        );
        // The child extends the base's own properties, not the union.
        let child = definition(&converted, "Child");
        let own = child["allOf"][0]["allOf"][0]["$ref"].as_str().unwrap();
        let own = &converted.definitions[own.strip_prefix("#/definitions/").unwrap()];
        assert_eq!(own["properties"]["kind"], json!({ "type": "string" }));
        assert_eq!(converted.components[1].required, ["age", "kind"]);
        assert_eq!(
            definition(&converted, "Holder")["properties"]["base"]["$ref"],
            json!(format!("#/definitions/{}", base.key))
        );
    }
}
