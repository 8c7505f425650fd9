//! Reading a document: JSON or YAML text in, a normalised `openapiv3::OpenAPI` out.
//!
//! `openapiv3` models OpenAPI 3.0. OpenAPI 3.1 documents mostly use the same shapes, plus a few
//! JSON Schema 2020-12 constructs; [`normalise`] rewrites those into their 3.0 equivalents
//! before `openapiv3` sees the document, so everything after this module deals with 3.0 only:
//!
//! | 3.1                                  | becomes                                    |
//! |--------------------------------------|--------------------------------------------|
//! | `type: [T, "null"]`                  | `type: T, nullable: true`                  |
//! | `type: [T, U]`                       | `anyOf: [{type: T}, {type: U}]`            |
//! | `oneOf`/`anyOf` with a `null` member | the other members, `nullable: true`        |
//! | `const: v`                           | `enum: [v]`                                |
//! | `examples: [a, ...]` (in a schema)   | `example: a`                               |
//! | `exclusiveMinimum: n` (a number)     | `minimum: n, exclusiveMinimum: true`       |
//! | `$ref` with sibling keys             | `allOf: [{$ref}]` plus the siblings        |
//! | `$ref` to a `$id` or an `$anchor`    | `$ref` to that schema's JSON pointer       |
//! | no `paths` (3.1 only)                | `paths: {}`                                |
//! | `webhooks`, `components/pathItems`   | normalised like `paths`; `webhooks` read beside the document ([`Spec::webhooks`]) |
//! | an operation without `responses` (3.1 only) | `responses: {}`: nothing documented, so the method returns the raw response |
//!
//! The last rule matters for 3.0 documents too: `openapiv3` would otherwise drop the siblings
//! (a property's description or default) without a word.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::error::{Error, Pointer, Warning};
use crate::refs::Resolver;

/// The `info.version` assumed for a document that has none (OpenAPI requires one, yet some
/// published documents lack it); a [`Warning`] at `#/info/version` says so.
pub const MISSING_INFO_VERSION: &str = "unversioned";

/// A parsed and normalised OpenAPI document.
#[derive(Debug, Clone)]
pub struct Spec {
    api: openapiv3::OpenAPI,
    /// The normalised document as JSON, which `api` was read from: what `$ref`s point into.
    document: Value,
    /// The document as written, to point errors at places that exist in it (normalisation
    /// adds places such as `allOf/0`).
    source: Value,
    /// Problems tolerated while reading.
    warnings: Vec<Warning>,
    /// The 3.1 `webhooks` section, which `openapiv3` does not read.
    webhooks: Webhooks,
}

/// A document's webhooks: name -> the path item describing the call the API makes.
pub type Webhooks = indexmap::IndexMap<String, openapiv3::ReferenceOr<openapiv3::PathItem>>;

impl Spec {
    /// Parses JSON or YAML text. Accepts OpenAPI 3.0.x and 3.1.x.
    pub fn parse(text: &str) -> Result<Spec, Error> {
        let document = parse_text(text)?;
        Spec::from_value(document)
    }

    /// Builds a spec from an already parsed JSON value.
    pub fn from_value(source: Value) -> Result<Spec, Error> {
        check_version(&source)?;
        let mut document = source.clone();
        let warnings = tolerate(&mut document);
        resolve_identifier_refs(&mut document);
        normalise(&mut document);
        let located = |error: Error| locate_in(&source, error);
        match serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(&document) {
            Ok(api) => Ok(Spec {
                api,
                webhooks: read_webhooks(&document).map_err(located)?,
                document,
                source,
                warnings,
            }),
            // `openapiv3` reads paths and references through custom and untagged deserialisers
            // that lose the position of the error, so look again piece by piece.
            Err(whole) => Err(located(locate_error(&document).unwrap_or_else(|| {
                Error::invalid(
                    &pointer_of(&Pointer::root(), whole.path()),
                    whole.into_inner().to_string(),
                )
            }))),
        }
    }

    /// Moves an error's pointer to the deepest place that exists in the document as written.
    pub(crate) fn locate(&self, error: Error) -> Error {
        locate_in(&self.source, error)
    }

    /// The normalised document.
    pub fn openapi(&self) -> &openapiv3::OpenAPI {
        &self.api
    }

    /// The document's 3.1 `webhooks` (normalised like `paths`); empty when it has none.
    pub fn webhooks(&self) -> &Webhooks {
        &self.webhooks
    }

    /// The `$ref`s of the normalised document, followed on the JSON it was read from.
    pub fn resolver(&self) -> Resolver<'_> {
        Resolver::new(&self.document)
    }

    /// The document as written, before normalisation.
    pub(crate) fn source(&self) -> &Value {
        &self.source
    }

    /// Problems in the document that reading tolerated, in document order (see [`Warning`]).
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// `info.version` as the document declares it; `None` when it declares none (then
    /// [`Self::openapi`] reports [`MISSING_INFO_VERSION`]).
    pub fn declared_version(&self) -> Option<&str> {
        self.source.pointer("/info/version").and_then(Value::as_str)
    }
}

/// Repairs what a published document commonly gets wrong but a generator can safely assume,
/// one [`Warning`] per repair. Anything else wrong stays an error.
fn tolerate(document: &mut Value) -> Vec<Warning> {
    let mut warnings = Vec::new();
    if let Some(Value::Object(info)) = document.get_mut("info") {
        if !info.contains_key("version") {
            info.insert("version".into(), Value::String(MISSING_INFO_VERSION.into()));
            warnings.push(Warning::new(
                &Pointer::root().join("info").join("version"),
                format!("missing (OpenAPI requires it); using \"{MISSING_INFO_VERSION}\""),
            ));
        }
    }
    warnings
}

fn locate_in(source: &Value, error: Error) -> Error {
    let existing = |pointer: String| {
        let mut path = pointer.trim_start_matches('#').to_owned();
        while !path.is_empty() && source.pointer(&path).is_none() {
            path.truncate(path.rfind('/').unwrap_or(0));
        }
        format!("#{path}")
    };
    match error {
        Error::Invalid { pointer, message } => Error::Invalid {
            pointer: existing(pointer),
            message,
        },
        Error::Unsupported { pointer, message } => Error::Unsupported {
            pointer: existing(pointer),
            message,
        },
        unlocated @ (Error::Syntax { .. } | Error::Names { .. }) => unlocated,
    }
}

fn parse_text(text: &str) -> Result<Value, Error> {
    let looks_like_json = text.trim_start().starts_with('{');
    if looks_like_json {
        serde_json::from_str(text).map_err(|e| Error::Syntax {
            message: format!("JSON: {e}"),
        })
    } else {
        serde_yaml_ng::from_str::<LossyYaml>(text)
            .map(|yaml| yaml_to_json(yaml.0))
            .map_err(|e| Error::Syntax {
                message: format!("YAML: {e}"),
            })
    }
}

/// A YAML value in which an integer beyond 128 bits' worth of `serde_yaml_ng::Value` (which
/// refuses `i128`) is read as the nearest float.
struct LossyYaml(serde_yaml_ng::Value);

impl<'de> serde::Deserialize<'de> for LossyYaml {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LossyVisitor).map(LossyYaml)
    }
}

struct LossyVisitor;

impl<'de> serde::de::Visitor<'de> for LossyVisitor {
    type Value = serde_yaml_ng::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(serde_yaml_ng::Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(serde_yaml_ng::Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(serde_yaml_ng::Value::Number(v.into()))
    }

    #[allow(clippy::cast_precision_loss)] // the point: the nearest float
    fn visit_i128<E>(self, v: i128) -> Result<Self::Value, E> {
        Ok(serde_yaml_ng::Value::Number((v as f64).into()))
    }

    #[allow(clippy::cast_precision_loss)] // the point: the nearest float
    fn visit_u128<E>(self, v: u128) -> Result<Self::Value, E> {
        Ok(serde_yaml_ng::Value::Number((v as f64).into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(serde_yaml_ng::Value::Number(v.into()))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(serde_yaml_ng::Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(serde_yaml_ng::Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(serde_yaml_ng::Value::Null)
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(serde_yaml_ng::Value::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        <LossyYaml as serde::Deserialize>::deserialize(d).map(|v| v.0)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(LossyYaml(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(serde_yaml_ng::Value::Sequence(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut mapping = serde_yaml_ng::Mapping::new();
        while let Some((LossyYaml(key), LossyYaml(value))) = map.next_entry()? {
            mapping.insert(key, value);
        }
        Ok(serde_yaml_ng::Value::Mapping(mapping))
    }
}

/// YAML to JSON, keeping what JSON cannot say as close as it can: an integer beyond 64 bits
/// becomes the nearest float (`minimum: -9223372036854776000`), a non-string key its text
/// (`200:` is the status `"200"`), a tagged value its value.
fn yaml_to_json(value: serde_yaml_ng::Value) -> Value {
    use serde_yaml_ng::Value as Yaml;
    match value {
        Yaml::Null => Value::Null,
        Yaml::Bool(b) => Value::Bool(b),
        Yaml::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(Value::Null, Value::Number)
            }
        }
        Yaml::String(s) => Value::String(s),
        Yaml::Sequence(items) => Value::Array(items.into_iter().map(yaml_to_json).collect()),
        Yaml::Mapping(mapping) => Value::Object(
            mapping
                .into_iter()
                .map(|(key, value)| {
                    let key = match key {
                        Yaml::String(s) => s,
                        Yaml::Number(n) => n.to_string(),
                        Yaml::Bool(b) => b.to_string(),
                        Yaml::Null => "null".to_owned(),
                        other => serde_yaml_ng::to_string(&other)
                            .unwrap_or_default()
                            .trim()
                            .to_owned(),
                    };
                    (key, yaml_to_json(value))
                })
                .collect(),
        ),
        Yaml::Tagged(tagged) => yaml_to_json(tagged.value),
    }
}

fn check_version(document: &Value) -> Result<(), Error> {
    let root = Pointer::root();
    let Some(object) = document.as_object() else {
        return Err(Error::invalid(&root, "the document is not an object"));
    };
    match object.get("openapi") {
        Some(Value::String(v)) if v.starts_with("3.0.") || v.starts_with("3.1.") => Ok(()),
        Some(Value::String(v)) => Err(Error::unsupported(
            &root.join("openapi"),
            format!("OpenAPI version {v}; this generator reads 3.0.x and 3.1.x"),
        )),
        Some(_) => Err(Error::invalid(
            &root.join("openapi"),
            "must be a string such as \"3.1.0\"",
        )),
        None if object.contains_key("swagger") => Err(Error::unsupported(
            &root.join("swagger"),
            "Swagger 2.0 document; convert it to OpenAPI 3 first",
        )),
        None => Err(Error::invalid(&root, "missing the `openapi` version field")),
    }
}

/// Deserialises the parts of a document that failed as a whole one by one, to name the
/// innermost part that is wrong.
fn locate_error(document: &Value) -> Option<Error> {
    let root = Pointer::root();
    let paths = root.join("paths");
    for (path, item) in document
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if let Err(error) = check_path_item(item, &paths.join(path)) {
            return Some(error);
        }
    }
    let schemas = root.join("components").join("schemas");
    let components = document
        .get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(Value::as_object);
    for (name, schema) in components.into_iter().flatten() {
        if let Err(error) = check_schema(schema, &schemas.join(name)) {
            return Some(error);
        }
    }
    None
}

/// A path item part by part: its parameters and each operation.
fn check_path_item(item: &Value, item_pointer: &Pointer) -> Result<(), Error> {
    let Some(item) = item.as_object() else {
        return check::<openapiv3::PathItem>(&Value::Null, item_pointer);
    };
    for (key, value) in item {
        let pointer = item_pointer.join(key);
        match key.as_str() {
            "parameters" => {
                check_each::<openapiv3::ReferenceOr<openapiv3::Parameter>>(value, &pointer)?;
            }
            method if METHODS.contains(&method) => check_operation(value, &pointer)?,
            _ => {}
        }
    }
    Ok(())
}

/// The 3.1 `webhooks` section of the normalised document: the calls the API makes to the
/// reader, each a path item under a name, in document order.
fn read_webhooks(document: &Value) -> Result<Webhooks, Error> {
    let pointer = Pointer::root().join("webhooks");
    let section = match document.get("webhooks") {
        None => return Ok(Webhooks::new()),
        Some(Value::Object(section)) => section,
        Some(_) => return Err(Error::invalid(&pointer, "must be an object of path items")),
    };
    let mut webhooks = Webhooks::new();
    for (name, item) in section {
        let item_pointer = pointer.join(name);
        if item.get("$ref").is_none() {
            check_path_item(item, &item_pointer)?;
        }
        let item = serde_path_to_error::deserialize(item).map_err(|e| {
            Error::invalid(
                &pointer_of(&item_pointer, e.path()),
                e.into_inner().to_string(),
            )
        })?;
        webhooks.insert(name.clone(), item);
    }
    Ok(webhooks)
}

fn check_operation(operation: &Value, pointer: &Pointer) -> Result<(), Error> {
    if let Some(parameters) = operation.get("parameters") {
        check_each::<openapiv3::ReferenceOr<openapiv3::Parameter>>(
            parameters,
            &pointer.join("parameters"),
        )?;
    }
    if let Some(body) = operation.get("requestBody") {
        check::<openapiv3::ReferenceOr<openapiv3::RequestBody>>(
            body,
            &pointer.join("requestBody"),
        )?;
    }
    if let Some(Value::Object(responses)) = operation.get("responses") {
        for (status, response) in responses {
            let response_pointer = pointer.join("responses").join(status);
            if let Some(Value::Object(content)) = response.get("content") {
                for (media, value) in content {
                    if let Some(schema) = value.get("schema") {
                        let schema_pointer =
                            response_pointer.join("content").join(media).join("schema");
                        check_schema(schema, &schema_pointer)?;
                    }
                }
            }
            check::<openapiv3::ReferenceOr<openapiv3::Response>>(response, &response_pointer)?;
        }
    }
    check::<openapiv3::Operation>(operation, pointer)
}

/// Schemas nest through untagged enums, so drill into properties and items by hand, and
/// check the keys whose wrong type `openapiv3` would report only at the schema.
fn check_schema(schema: &Value, pointer: &Pointer) -> Result<(), Error> {
    let Some(object) = schema.as_object() else {
        return Err(Error::invalid(pointer, "a schema must be an object"));
    };
    let expect = |key: &str, ok: fn(&Value) -> bool, what: &str| match object.get(key) {
        Some(value) if !ok(value) => Err(Error::invalid(
            &pointer.join(key),
            format!("must be {what}"),
        )),
        _ => Ok(()),
    };
    expect("type", Value::is_string, "a type name such as \"object\"")?;
    expect("format", Value::is_string, "a string")?;
    expect(
        "required",
        |v| v.as_array().is_some_and(|a| a.iter().all(Value::is_string)),
        "a list of property names",
    )?;
    expect("properties", Value::is_object, "an object of schemas")?;
    expect("items", Value::is_object, "a schema")?;
    expect("enum", Value::is_array, "a list of values")?;
    for key in ["allOf", "oneOf", "anyOf"] {
        expect(key, Value::is_array, "a list of schemas")?;
    }
    if let Some(Value::Object(properties)) = schema.get("properties") {
        for (name, property) in properties {
            check_schema(property, &pointer.join("properties").join(name))?;
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(child @ Value::Object(_)) = schema.get(key) {
            check_schema(child, &pointer.join(key))?;
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(children)) = schema.get(key) {
            for (index, child) in children.iter().enumerate() {
                check_schema(child, &pointer.join(key).join(index))?;
            }
        }
    }
    if schema.get("$ref").is_some() {
        return check::<openapiv3::ReferenceOr<openapiv3::Schema>>(schema, pointer);
    }
    check::<openapiv3::Schema>(schema, pointer)
}

fn check_each<T: serde::de::DeserializeOwned>(
    values: &Value,
    pointer: &Pointer,
) -> Result<(), Error> {
    match values {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(index, item)| check::<T>(item, &pointer.join(index))),
        _ => check::<Vec<T>>(values, pointer),
    }
}

fn check<T: serde::de::DeserializeOwned>(value: &Value, pointer: &Pointer) -> Result<(), Error> {
    serde_path_to_error::deserialize::<_, T>(value)
        .map(drop)
        .map_err(|e| Error::invalid(&pointer_of(pointer, e.path()), e.into_inner().to_string()))
}

/// Appends a serde path (`get.responses`) to a JSON pointer.
fn pointer_of(base: &Pointer, path: &serde_path_to_error::Path) -> Pointer {
    use serde_path_to_error::Segment;
    path.iter()
        .fold(base.clone(), |pointer, segment| match segment {
            Segment::Seq { index } => pointer.join(index),
            Segment::Map { key } => pointer.join(key),
            Segment::Enum { variant } => pointer.join(variant),
            Segment::Unknown => pointer,
        })
}

/// JSON Schema 2020-12 (OpenAPI 3.1) names a schema by `$id` (a URI) or `$anchor` (`#name` in a
/// reference); rewrites every `$ref` to such a name into the JSON pointer of the schema it
/// names, so that one kind of reference is left. A `$ref` naming nothing is left as it is (and
/// later typed as any JSON value, with a warning).
fn resolve_identifier_refs(document: &mut Value) {
    let mut names = BTreeMap::new();
    collect_identifiers(document, &Pointer::root(), &mut names);
    if !names.is_empty() {
        rewrite_identifier_refs(document, &names);
    }
}

/// Keys whose values are data, not schemas: an `$id` in an example names nothing.
const DATA_KEYS: &[&str] = &["example", "examples", "default", "enum", "const"];

/// `$id` text and `#anchor` -> the JSON pointer (as text) of the schema carrying it; the first
/// one in document order wins.
fn collect_identifiers(value: &Value, pointer: &Pointer, names: &mut BTreeMap<String, String>) {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(id)) = object.get("$id") {
                names
                    .entry(id.clone())
                    .or_insert_with(|| pointer.to_string());
            }
            for key in ["$anchor", "$dynamicAnchor"] {
                if let Some(Value::String(anchor)) = object.get(key) {
                    names
                        .entry(format!("#{anchor}"))
                        .or_insert_with(|| pointer.to_string());
                }
            }
            for (key, child) in object {
                if !DATA_KEYS.contains(&key.as_str()) {
                    collect_identifiers(child, &pointer.join(key), names);
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                collect_identifiers(item, &pointer.join(index), names);
            }
        }
        _ => {}
    }
}

fn rewrite_identifier_refs(value: &mut Value, names: &BTreeMap<String, String>) {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(reference)) = object.get_mut("$ref") {
                if let Some(pointer) = identifier_target(reference, names) {
                    *reference = pointer;
                }
            }
            for (key, child) in object.iter_mut() {
                if !DATA_KEYS.contains(&key.as_str()) {
                    rewrite_identifier_refs(child, names);
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| rewrite_identifier_refs(item, names)),
        _ => {}
    }
}

/// The JSON pointer a reference by identifier means: `#anchor`, `<id>`, `<id>#anchor` or
/// `<id>#/json/pointer`, where `<id>` is a schema's `$id` or its last path segments (a
/// reference relative to the document's base). `None` for a plain JSON pointer or a name
/// nothing carries.
fn identifier_target(reference: &str, names: &BTreeMap<String, String>) -> Option<String> {
    if reference == "#" || reference.starts_with("#/") {
        return None;
    }
    if let Some(pointer) = names.get(reference) {
        return Some(pointer.clone());
    }
    let (base, fragment) = reference.split_once('#').unwrap_or((reference, ""));
    let resource = if base.is_empty() {
        None
    } else {
        let suffix = format!("/{base}");
        Some(
            names
                .iter()
                .find(|(id, _)| !id.starts_with('#') && (*id == base || id.ends_with(&suffix)))?
                .1,
        )
    };
    match (resource, fragment) {
        (Some(pointer), "") => Some(pointer.clone()),
        (Some(pointer), fragment) if fragment.starts_with('/') => {
            Some(format!("{pointer}{fragment}"))
        }
        (_, anchor) if !anchor.is_empty() => names.get(&format!("#{anchor}")).cloned(),
        _ => None,
    }
}

/// Rewrites the 3.1 constructs listed in the module docs, in place, wherever a schema can be.
pub(crate) fn normalise(document: &mut Value) {
    let Some(root) = document.as_object_mut() else {
        return;
    };
    // OpenAPI 3.1 made `paths` and an operation's `responses` optional (a document may describe
    // only webhooks or only components); 3.0 requires both, so there a missing one stays an
    // error.
    let optional_responses = root
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|version| version.starts_with("3.1."));
    if optional_responses {
        root.entry("paths")
            .or_insert_with(|| Value::Object(Map::new()));
    }
    if let Some(Value::Object(components)) = root.get_mut("components") {
        // Security schemes `openapiv3` cannot read (`mutualTLS`, and any newer type) are left
        // out rather than refused; the client uses none of them, and lowering warns about each
        // scheme it does not use (`security_warnings` in lib.rs), reading the document as written.
        if let Some(Value::Object(schemes)) = components.get_mut("securitySchemes") {
            schemes.retain(|_, scheme| {
                scheme.get("$ref").is_some()
                    || matches!(
                        scheme.get("type").and_then(Value::as_str),
                        Some("apiKey" | "http" | "oauth2" | "openIdConnect")
                    )
            });
        }
        if let Some(Value::Object(schemas)) = components.get_mut("schemas") {
            schemas.values_mut().for_each(normalise_schema);
        }
        for section in ["parameters", "headers"] {
            if let Some(Value::Object(items)) = components.get_mut(section) {
                items.values_mut().for_each(normalise_schema_holder);
            }
        }
        for section in ["responses", "requestBodies"] {
            if let Some(Value::Object(items)) = components.get_mut(section) {
                items.values_mut().for_each(normalise_content_holder);
            }
        }
    }
    if let Some(Value::Object(components)) = root.get_mut("components") {
        if let Some(Value::Object(items)) = components.get_mut("pathItems") {
            for item in items.values_mut() {
                normalise_path_item(item, optional_responses);
            }
        }
    }
    for section in ["paths", "webhooks"] {
        if let Some(Value::Object(items)) = root.get_mut(section) {
            for item in items.values_mut() {
                normalise_path_item(item, optional_responses);
            }
        }
    }
}

/// The HTTP methods a path item holds operations under.
const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn normalise_path_item(item: &mut Value, optional_responses: bool) {
    let Some(item) = item.as_object_mut() else {
        return;
    };
    for (key, value) in item.iter_mut() {
        if key == "parameters" {
            for_each_in_array(value, normalise_schema_holder);
        } else if let (true, Some(operation)) =
            (METHODS.contains(&key.as_str()), value.as_object_mut())
        {
            normalise_operation(operation, optional_responses);
        }
    }
}

fn normalise_operation(operation: &mut Map<String, Value>, optional_responses: bool) {
    if optional_responses {
        operation
            .entry("responses")
            .or_insert_with(|| Value::Object(Map::new()));
    }
    if let Some(parameters) = operation.get_mut("parameters") {
        for_each_in_array(parameters, normalise_schema_holder);
    }
    if let Some(body) = operation.get_mut("requestBody") {
        normalise_content_holder(body);
    }
    if let Some(Value::Object(responses)) = operation.get_mut("responses") {
        responses.values_mut().for_each(normalise_content_holder);
    }
}

fn for_each_in_array(value: &mut Value, f: fn(&mut Value)) {
    if let Value::Array(items) = value {
        items.iter_mut().for_each(f);
    }
}

/// A parameter or header: `schema` directly, or `content` like a body.
fn normalise_schema_holder(holder: &mut Value) {
    if let Some(schema) = holder.get_mut("schema") {
        normalise_schema(schema);
    }
    normalise_content_holder(holder);
}

/// A request body or response: `content` -> media types -> `schema`; responses also `headers`.
fn normalise_content_holder(holder: &mut Value) {
    if let Some(Value::Object(content)) = holder.get_mut("content") {
        for media in content.values_mut() {
            if let Some(schema) = media.get_mut("schema") {
                normalise_schema(schema);
            }
            if let Some(Value::Object(encoding)) = media.get_mut("encoding") {
                encoding.values_mut().for_each(default_explode);
            }
        }
    }
    if let Some(Value::Object(headers)) = holder.get_mut("headers") {
        headers.values_mut().for_each(normalise_schema_holder);
    }
}

/// Writes out OpenAPI's default `explode` (true for the `form` style, the default style; false
/// for the others): `openapiv3` reads a missing `explode` as false whatever the style.
fn default_explode(encoding: &mut Value) {
    let Value::Object(encoding) = encoding else {
        return;
    };
    if !encoding.contains_key("explode") {
        let style = encoding.get("style").and_then(Value::as_str);
        let explode = matches!(style, None | Some("form"));
        encoding.insert("explode".to_owned(), Value::Bool(explode));
    }
}

fn normalise_schema(schema: &mut Value) {
    let Value::Object(object) = schema else {
        return;
    };

    // Children first, so that the rewrites below see normalised sub-schemas.
    for key in ["items", "not", "additionalProperties"] {
        if let Some(child) = object.get_mut(key) {
            normalise_schema(child);
        }
    }
    for key in ["properties", "$defs", "definitions", "patternProperties"] {
        if let Some(Value::Object(children)) = object.get_mut(key) {
            children.values_mut().for_each(normalise_schema);
        }
    }
    for key in ["allOf", "oneOf", "anyOf", "prefixItems"] {
        if let Some(Value::Array(children)) = object.get_mut(key) {
            children.iter_mut().for_each(normalise_schema);
        }
    }

    normalise_type_array(object);
    drop_null_alternatives(object);

    if let Some(value) = object.remove("const") {
        if !object.contains_key("type") {
            if let Some(kind) = json_type_of(&value) {
                object.insert("type".into(), Value::String(kind.into()));
            }
        }
        object.insert("enum".into(), Value::Array(vec![value]));
    }
    if let Some(Value::Array(examples)) = object.remove("examples") {
        if let (false, Some(first)) = (object.contains_key("example"), examples.into_iter().next())
        {
            object.insert("example".into(), first);
        }
    }
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(Value::Number(n)) = object.get(exclusive).cloned() {
            object.insert(bound.into(), Value::Number(n));
            object.insert(exclusive.into(), Value::Bool(true));
        }
    }
    if object.contains_key("$ref") && object.len() > 1 {
        let reference = object.remove("$ref").unwrap_or_default();
        let mut only_ref = Map::new();
        only_ref.insert("$ref".into(), reference);
        let mut all_of = vec![Value::Object(only_ref)];
        if let Some(Value::Array(existing)) = object.remove("allOf") {
            all_of.extend(existing);
        }
        object.insert("allOf".into(), Value::Array(all_of));
    }
}

fn normalise_type_array(object: &mut Map<String, Value>) {
    let types: Vec<String> = match object.get("type") {
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect(),
        Some(Value::String(t)) if t == "null" => vec![t.clone()],
        _ => return,
    };
    object.remove("type");
    let non_null: Vec<&String> = types.iter().filter(|t| *t != "null").collect();
    if non_null.len() < types.len() {
        object.insert("nullable".into(), Value::Bool(true));
    }
    match non_null.as_slice() {
        [] => {}
        [only] => {
            object.insert("type".into(), Value::String((*only).clone()));
        }
        several => {
            let alternatives = several
                .iter()
                .map(|t| {
                    let mut alternative = Map::new();
                    alternative.insert("type".into(), Value::String((*t).clone()));
                    if *t == "array" {
                        if let Some(items) = object.get("items") {
                            alternative.insert("items".into(), items.clone());
                        }
                    }
                    Value::Object(alternative)
                })
                .collect();
            object.insert("anyOf".into(), Value::Array(alternatives));
        }
    }
}

/// `oneOf: [X, {type: null}]` is the 3.1 way to write a nullable X.
fn drop_null_alternatives(object: &mut Map<String, Value>) {
    for key in ["oneOf", "anyOf"] {
        let Some(Value::Array(alternatives)) = object.get_mut(key) else {
            continue;
        };
        let before = alternatives.len();
        alternatives.retain(|alternative| !is_null_schema(alternative));
        if alternatives.len() == before {
            continue;
        }
        object.insert("nullable".into(), Value::Bool(true));
        if let Some(Value::Array(alternatives)) = object.get(key) {
            if alternatives.len() == 1 {
                let only = alternatives[0].clone();
                object.remove(key);
                object
                    .entry("allOf")
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Some(Value::Array(all_of)) = object.get_mut("allOf") {
                    all_of.push(only);
                }
            }
        }
    }
}

fn is_null_schema(schema: &Value) -> bool {
    let Some(object) = schema.as_object() else {
        return false;
    };
    let only_null_type =
        object.get("nullable") == Some(&Value::Bool(true)) && !object.contains_key("type");
    only_null_type && object.keys().all(|k| k == "nullable" || k == "description")
        || matches!(object.get("type"), Some(Value::String(t)) if t == "null")
}

fn json_type_of(value: &Value) -> Option<&'static str> {
    match value {
        Value::String(_) => Some("string"),
        Value::Bool(_) => Some("boolean"),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
        Value::Number(_) => Some("number"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_missing_info_version_is_assumed_with_a_warning() {
        let spec =
            Spec::parse(r#"{"openapi": "3.0.1", "info": {"title": "t"}, "paths": {}}"#).unwrap();
        assert_eq!(spec.openapi().info.version, MISSING_INFO_VERSION);
        assert_eq!(spec.declared_version(), None);
        assert_eq!(
            spec.warnings(),
            [Warning {
                pointer: "#/info/version".into(),
                message: "missing (OpenAPI requires it); using \"unversioned\"".into(),
            }]
        );

        let spec = Spec::parse(
            r#"{"openapi": "3.0.1", "info": {"title": "t", "version": "2"}, "paths": {}}"#,
        )
        .unwrap();
        assert_eq!(spec.declared_version(), Some("2"));
        assert!(spec.warnings().is_empty());
        // Only a missing version is tolerated; a wrong one is still an error.
        let error = Spec::parse(
            r#"{"openapi": "3.0.1", "info": {"title": "t", "version": 2}, "paths": {}}"#,
        )
        .unwrap_err();
        assert!(error.to_string().starts_with("#/info"), "{error}");
    }

    fn normalised_schema(schema: Value) -> Value {
        let mut document = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": {"S": schema}}
        });
        normalise(&mut document);
        document["components"]["schemas"]["S"].clone()
    }

    #[test]
    fn type_array_with_null_becomes_nullable() {
        let schema = normalised_schema(json!({"type": ["string", "null"], "format": "date"}));
        assert_eq!(
            schema,
            json!({"format": "date", "nullable": true, "type": "string"})
        );
    }

    #[test]
    fn ref_with_siblings_keeps_the_siblings() {
        let schema =
            normalised_schema(json!({"properties": {"a": {"$ref": "#/x", "description": "d"}}}));
        assert_eq!(
            schema["properties"]["a"],
            json!({"description": "d", "allOf": [{"$ref": "#/x"}]})
        );
    }

    #[test]
    fn one_of_with_null_member_becomes_nullable_all_of() {
        let schema = normalised_schema(json!({"oneOf": [{"$ref": "#/x"}, {"type": "null"}]}));
        assert_eq!(
            schema,
            json!({"nullable": true, "allOf": [{"$ref": "#/x"}]})
        );
    }

    #[test]
    fn const_and_examples() {
        let schema = normalised_schema(json!({"const": "A", "examples": ["A"]}));
        assert_eq!(
            schema,
            json!({"type": "string", "enum": ["A"], "example": "A"})
        );
    }

    #[test]
    fn swagger_two_is_refused_with_a_pointer() {
        let error = Spec::parse(r#"{"swagger": "2.0"}"#).unwrap_err();
        assert_eq!(
            error.to_string(),
            "#/swagger: unsupported: Swagger 2.0 document; convert it to OpenAPI 3 first"
        );
    }

    #[test]
    fn a_type_error_names_the_pointer() {
        let text = r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"get": {"responses": 5}}}}"#;
        let error = Spec::parse(text).unwrap_err();
        assert!(
            error.to_string().starts_with("#/paths/~1a/get/responses: "),
            "{error}"
        );
    }

    #[test]
    fn paths_and_responses_are_optional_in_3_1_only() {
        let spec = Spec::parse(
            r#"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
                "webhooks": {"w": {"post": {"summary": "s"}}}}"#,
        )
        .unwrap();
        assert!(spec.openapi().paths.paths.is_empty());
        let hook = spec.webhooks()["w"].as_item().unwrap();
        let post = hook.post.as_ref().unwrap();
        assert!(post.responses.responses.is_empty() && post.responses.default.is_none());

        let error = Spec::parse(r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}}"#)
            .unwrap_err();
        assert!(error.to_string().contains("paths"), "{error}");
        let error = Spec::parse(
            r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
                "paths": {"/a": {"get": {}}}}"#,
        )
        .unwrap_err();
        assert!(
            error.to_string().starts_with("#/paths/~1a/get: ")
                && error.to_string().contains("responses"),
            "{error}"
        );
    }

    #[test]
    fn a_malformed_webhook_names_its_pointer() {
        let error = Spec::parse(
            r#"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
                "webhooks": {"w": {"post": {"requestBody": 5}}}}"#,
        )
        .unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("#/webhooks/w/post/requestBody: "),
            "{error}"
        );
    }

    #[test]
    fn yaml_is_accepted() {
        let spec =
            Spec::parse("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n").unwrap();
        assert_eq!(spec.openapi().info.title, "t");
    }
}
