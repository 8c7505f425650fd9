//! The specs the generated crates are built from, and the copy of a spec that Prism serves.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::workspace_root;

/// One API of `specs/manifest.toml`, as far as the tests need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiSpec {
    /// Short name used in reports (`openapi`, `connect`).
    pub name: &'static str,
    /// File name in `specs/downloaded/` (the manifest's `file`).
    pub file: &'static str,
    /// Folder of the generated crate, relative to the workspace root.
    pub crate_dir: &'static str,
    /// Cargo name of the generated crate.
    pub crate_name: &'static str,
}

/// The Magicline Open API (`generated/magicline`).
pub const OPENAPI: ApiSpec = ApiSpec {
    name: "openapi",
    file: "magicline-openapi.json",
    crate_dir: "generated/magicline",
    crate_name: "magicline",
};

/// The Magicline Connect API (`generated/magicline-connect`).
pub const CONNECT: ApiSpec = ApiSpec {
    name: "connect",
    file: "magicline-connectapi.json",
    crate_dir: "generated/magicline-connect",
    crate_name: "magicline-connect",
};

/// The Magicline Device API (`generated/magicline-device`).
pub const DEVICE: ApiSpec = ApiSpec {
    name: "device",
    file: "magicline-deviceapi.json",
    crate_dir: "generated/magicline-device",
    crate_name: "magicline-device",
};

/// The Magicline webhook events (`generated/magicline-webhooks`, types only).
pub const WEBHOOKS: ApiSpec = ApiSpec {
    name: "webhooks",
    file: "magicline-webhooks.json",
    crate_dir: "generated/magicline-webhooks",
    crate_name: "magicline-webhooks",
};

impl ApiSpec {
    /// `specs/downloaded/<file>`.
    pub fn path(&self) -> PathBuf {
        workspace_root()
            .join("specs")
            .join("downloaded")
            .join(self.file)
    }

    /// The spec text; panics with the command that fetches it when it is missing.
    pub fn text(&self) -> String {
        let path = self.path();
        fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "cannot read {} ({e}): fetch the specs first with `cargo xtask fetch-specs` \
                 (offline: `cargo xtask fetch-specs --from ../shared/specs`)",
                path.display()
            )
        })
    }

    /// The spec as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text())
            .unwrap_or_else(|e| panic!("{} is not JSON: {e}", self.path().display()))
    }
}

/// The spec as handed to Prism, written to `dir`; returns its path.
///
/// Two changes are made, only for the mock server, each working around a Prism 5 limitation;
/// the generated client is built from the unmodified spec:
///
/// * A response media type `*/*` is renamed `application/json` (unless the response also has
///   `application/json`): [`json_for_any_media_type`]. The Connect API declares every response
///   as `*/*` but sends JSON; Prism cannot serve a JSON object for `*/*` (without an `Accept`
///   header it answers 500 `NO_COMPLEX_OBJECT_TEXT`, with `Accept: application/json` 406). The
///   client behaves the same either way: it sends `Accept: application/json` and decodes JSON.
/// * A `multipart/form-data` part that the spec encodes as JSON (`encoding: {data:
///   {contentType: application/json}}`) is typed as a string: [`text_for_json_parts`]. Prism
///   reads every part as text and ignores `encoding`, so it rejects the correct JSON part with
///   `data must be object`. The part's content is still the generated model serialised.
/// * Recursive component schemas are unrolled [`RECURSION_DEPTH`] levels deep:
///   [`bound_recursion`]. Prism cuts a recursion short with an empty object (its static sampler
///   at the first repetition, its dynamic generator after three), which lacks the required
///   properties, so its own responses for such a schema break the schema. In the copy every
///   level refers to a copy of the next, and the last level leaves out the optional properties
///   that would recurse: every instance of the copy is an instance of the original.
/// * A `oneOf` with a `discriminator` mapping has each mapped member pinned to its
///   discriminator value: [`pin_discriminators`]. Prism validates `oneOf` by JSON Schema alone
///   and ignores the discriminator, so when members share a shape (the Device API's
///   identification contents are all `{type, value}`), every body matches several members and
///   is refused with `must match exactly one schema in oneOf`. Pinned, each member accepts
///   exactly the bodies the discriminator routes to it, which is what the spec means.
pub fn write_prism_copy(spec: &ApiSpec, dir: &Path) -> PathBuf {
    let mut document = spec.json();
    let renamed = json_for_any_media_type(&mut document);
    let parts = text_for_json_parts(&mut document);
    let unrolled = bound_recursion(&mut document, RECURSION_DEPTH);
    let pinned = pin_discriminators(&mut document);
    let path = dir.join(format!("{}-prism.json", spec.name));
    fs::create_dir_all(dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    let text = serde_json::to_string_pretty(&document).expect("a JSON value serialises");
    fs::write(&path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    if renamed > 0 {
        println!(
            "{}: Prism gets a copy of the spec in which {renamed} response media types `*/*` read `application/json` ({})",
            spec.name,
            path.display()
        );
    }
    if !unrolled.is_empty() {
        println!(
            "{}: Prism gets a copy of the spec in which the recursive schemas {} are unrolled {RECURSION_DEPTH} levels deep ({})",
            spec.name,
            unrolled.join(", "),
            path.display()
        );
    }
    if pinned > 0 {
        println!(
            "{}: Prism gets a copy of the spec in which {pinned} `oneOf` members are pinned to their discriminator values ({})",
            spec.name,
            path.display()
        );
    }
    if parts > 0 {
        println!(
            "{}: Prism gets a copy of the spec in which {parts} JSON-encoded multipart parts are typed as strings ({})",
            spec.name,
            path.display()
        );
    }
    path
}

/// How many levels below the first a recursive schema reaches in the copy for Prism.
pub const RECURSION_DEPTH: usize = 2;

const SCHEMAS: &str = "#/components/schemas/";

/// Unrolls every recursive component schema `depth` levels (see [`write_prism_copy`]); returns
/// the names of the recursive schemas.
pub fn bound_recursion(document: &mut Value, depth: usize) -> Vec<String> {
    let Some(schemas) = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    let edges: std::collections::BTreeMap<String, Vec<String>> = schemas
        .iter()
        .map(|(name, schema)| {
            let mut targets = Vec::new();
            collect_refs(schema, &mut targets);
            (name.clone(), targets)
        })
        .collect();
    let reaches = |from: &str, to: &str| {
        let mut seen = std::collections::BTreeSet::new();
        let mut stack: Vec<&str> = edges
            .get(from)
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        while let Some(next) = stack.pop() {
            if next == to {
                return true;
            }
            if seen.insert(next) {
                stack.extend(edges.get(next).into_iter().flatten().map(String::as_str));
            }
        }
        false
    };
    let recursive: Vec<String> = edges
        .keys()
        .filter(|name| reaches(name, name))
        .cloned()
        .collect();
    if recursive.is_empty() {
        return recursive;
    }
    let level_name = |name: &str, level: usize| format!("{name}__level{level}");
    let mut copies = Vec::new();
    for name in &recursive {
        let original = schemas[name].clone();
        for level in 1..=depth {
            let mut copy = original.clone();
            if level == depth {
                drop_recursive_properties(&mut copy, &recursive);
            }
            // The last level keeps only required recursive properties; they refer to copies on
            // the same level, whose optional recursive properties are gone.
            retarget(&mut copy, &recursive, &|target| {
                level_name(target, (level + 1).min(depth))
            });
            copies.push((level_name(name, level), copy));
        }
    }
    let schemas = document
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .expect("checked above");
    for name in &recursive {
        if let Some(schema) = schemas.get_mut(name) {
            retarget(schema, &recursive, &|target| level_name(target, 1));
        }
    }
    schemas.extend(copies);
    recursive
}

/// In every `oneOf` with a `discriminator` mapping, replaces each member `{$ref: X}` that the
/// mapping names with `allOf: [{$ref: X}, {properties: {<property>: {enum: [<value>]}}}]`
/// (see [`write_prism_copy`]); returns how many members were pinned.
pub fn pin_discriminators(document: &mut Value) -> usize {
    let mut pinned = 0;
    pin_in(document, &mut pinned);
    pinned
}

fn pin_in(value: &mut Value, pinned: &mut usize) {
    match value {
        Value::Object(object) => {
            let property = object
                .get("discriminator")
                .and_then(|d| d.get("propertyName"))
                .and_then(Value::as_str)
                .map(str::to_owned);
            let mapping: Vec<(String, String)> = object
                .get("discriminator")
                .and_then(|d| d.get("mapping"))
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter_map(|(value, target)| Some((value.clone(), target.as_str()?.to_owned())))
                .collect();
            if let (Some(property), Some(Value::Array(members))) =
                (property, object.get_mut("oneOf"))
            {
                for member in members.iter_mut() {
                    let target = member.get("$ref").and_then(Value::as_str);
                    let values: Vec<&String> = mapping
                        .iter()
                        .filter(|(_, t)| Some(t.as_str()) == target)
                        .map(|(v, _)| v)
                        .collect();
                    if values.is_empty() {
                        continue;
                    }
                    let pin = serde_json::json!({
                        "required": [property],
                        "properties": {property.as_str(): {"enum": values}},
                    });
                    *member = serde_json::json!({"allOf": [member.clone(), pin]});
                    *pinned += 1;
                }
            }
            object.values_mut().for_each(|child| pin_in(child, pinned));
        }
        Value::Array(items) => items.iter_mut().for_each(|child| pin_in(child, pinned)),
        _ => {}
    }
}

/// The component names `value` refers to.
fn collect_refs(value: &Value, targets: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            if let Some(target) = object
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix(SCHEMAS))
            {
                targets.push(target.to_owned());
            }
            object
                .values()
                .for_each(|child| collect_refs(child, targets));
        }
        Value::Array(items) => items.iter().for_each(|child| collect_refs(child, targets)),
        _ => {}
    }
}

/// Points every reference to a recursive schema at `rename(target)`.
fn retarget(value: &mut Value, recursive: &[String], rename: &dyn Fn(&str) -> String) {
    match value {
        Value::Object(object) => {
            let target = object
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix(SCHEMAS))
                .map(str::to_owned);
            if let Some(target) = target.filter(|t| recursive.contains(t)) {
                object.insert(
                    "$ref".into(),
                    Value::String(format!("{SCHEMAS}{}", rename(&target))),
                );
            }
            object
                .values_mut()
                .for_each(|child| retarget(child, recursive, rename));
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|child| retarget(child, recursive, rename)),
        _ => {}
    }
}

/// Removes the optional properties (of the schema and its inline objects) that refer to a
/// recursive schema; required ones stay (the recursion cannot be cut there).
fn drop_recursive_properties(schema: &mut Value, recursive: &[String]) {
    let required: Vec<String> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| r.as_str().map(str::to_owned))
        .collect();
    if let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        properties.retain(|name, property| {
            let mut targets = Vec::new();
            collect_refs(property, &mut targets);
            required.contains(name) || !targets.iter().any(|t| recursive.contains(t))
        });
        properties
            .values_mut()
            .for_each(|p| drop_recursive_properties(p, recursive));
    }
    for key in ["items", "additionalProperties"] {
        if let Some(child) = schema.get_mut(key) {
            drop_recursive_properties(child, recursive);
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(parts)) = schema.get_mut(key) {
            parts
                .iter_mut()
                .for_each(|p| drop_recursive_properties(p, recursive));
        }
    }
}

/// Types every multipart part whose `encoding` names a JSON content type as a plain string
/// (in operations' request bodies and in `components/requestBodies`); returns how many.
pub fn text_for_json_parts(document: &mut Value) -> usize {
    let mut changed = 0;
    let mut retype = |body: &mut Value| {
        let Some(media) = body.pointer_mut("/content/multipart~1form-data") else {
            return;
        };
        let json_parts: Vec<String> = media
            .get("encoding")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter(|(_, encoding)| {
                encoding
                    .get("contentType")
                    .and_then(Value::as_str)
                    .is_some_and(|t| t.contains("json"))
            })
            .map(|(part, _)| part.clone())
            .collect();
        for part in json_parts {
            let pointer = format!(
                "/schema/properties/{}",
                part.replace('~', "~0").replace('/', "~1")
            );
            if let Some(property) = media.pointer_mut(&pointer) {
                *property = serde_json::json!({
                    "type": "string",
                    "description": "JSON part, typed as text for Prism, which ignores `encoding`"
                });
                changed += 1;
            }
        }
    };
    if let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut().filter_map(Value::as_object_mut) {
            for operation in item.values_mut() {
                if let Some(body) = operation.get_mut("requestBody") {
                    retype(body);
                }
            }
        }
    }
    if let Some(bodies) = document
        .pointer_mut("/components/requestBodies")
        .and_then(Value::as_object_mut)
    {
        bodies.values_mut().for_each(&mut retype);
    }
    changed
}

/// Renames the `*/*` media types of every response (in paths and in `components/responses`)
/// to `application/json`; returns how many were renamed.
pub fn json_for_any_media_type(document: &mut Value) -> usize {
    let mut renamed = 0;
    let mut rename = |response: &mut Value| {
        let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) else {
            return;
        };
        if content.contains_key("application/json") {
            return;
        }
        if let Some(media) = content.remove("*/*") {
            content.insert("application/json".to_owned(), media);
            renamed += 1;
        }
    };
    if let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut().filter_map(Value::as_object_mut) {
            for operation in item.values_mut() {
                if let Some(responses) = operation
                    .get_mut("responses")
                    .and_then(Value::as_object_mut)
                {
                    responses.values_mut().for_each(&mut rename);
                }
            }
        }
    }
    if let Some(responses) = document
        .pointer_mut("/components/responses")
        .and_then(Value::as_object_mut)
    {
        responses.values_mut().for_each(&mut rename);
    }
    renamed
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn discriminated_members_are_pinned_to_their_values() {
        let mut document = json!({"components": {"schemas": {"Holder": {"properties": {"id": {
            "oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}, {"type": "string"}],
            "discriminator": {"propertyName": "type", "mapping": {
                "AA": "#/components/schemas/A", "BB": "#/components/schemas/B"}}
        }}}}}});
        assert_eq!(pin_discriminators(&mut document), 2);
        let members = &document["components"]["schemas"]["Holder"]["properties"]["id"]["oneOf"];
        assert_eq!(
            members[0],
            json!({"allOf": [{"$ref": "#/components/schemas/A"},
                {"required": ["type"], "properties": {"type": {"enum": ["AA"]}}}]})
        );
        assert_eq!(
            members[1]["allOf"][1]["properties"]["type"]["enum"],
            json!(["BB"])
        );
        assert_eq!(members[2], json!({"type": "string"}));
    }

    #[test]
    fn only_any_media_types_of_responses_are_renamed() {
        let mut document = json!({"paths": {"/a": {"get": {
            "requestBody": {"content": {"*/*": {}}},
            "responses": {
                "200": {"content": {"*/*": {"schema": {"type": "object"}}}},
                "400": {"content": {"*/*": {}, "application/json": {}}}
            }
        }}}});
        assert_eq!(json_for_any_media_type(&mut document), 1);
        let get = &document["paths"]["/a"]["get"];
        assert_eq!(
            get["responses"]["200"]["content"],
            json!({"application/json": {"schema": {"type": "object"}}})
        );
        assert!(get["requestBody"]["content"].get("*/*").is_some());
        assert!(get["responses"]["400"]["content"].get("*/*").is_some());
    }

    #[test]
    fn recursion_is_unrolled_and_ends_without_the_optional_recursive_property() {
        let mut document = json!({"components": {"schemas": {
            "Node": {"type": "object", "required": ["id"], "properties": {
                "id": {"type": "integer"},
                "next": {"$ref": "#/components/schemas/Node"},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}
            }},
            "Leaf": {"type": "object", "properties": {"node": {"$ref": "#/components/schemas/Node"}}},
            "Bundle": {"type": "object", "required": ["terms"], "properties": {
                "terms": {"type": "array", "items": {"$ref": "#/components/schemas/Term"}}
            }},
            "Term": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Bundle"}}}
        }}});
        assert_eq!(
            bound_recursion(&mut document, 2),
            ["Bundle", "Node", "Term"]
        );
        let schemas = &document["components"]["schemas"];
        assert_eq!(
            schemas["Node"]["properties"]["next"]["$ref"],
            "#/components/schemas/Node__level1"
        );
        assert_eq!(
            schemas["Node__level1"]["properties"]["children"]["items"]["$ref"],
            "#/components/schemas/Node__level2"
        );
        assert_eq!(
            schemas["Node__level2"]["properties"],
            json!({"id": {"type": "integer"}})
        );
        assert_eq!(
            schemas["Leaf"]["properties"]["node"]["$ref"],
            "#/components/schemas/Node"
        );
        // A required recursive property on the last level refers to the same level, where the
        // optional way back is gone.
        assert_eq!(
            schemas["Bundle__level2"]["properties"]["terms"]["items"]["$ref"],
            "#/components/schemas/Term__level2"
        );
        assert_eq!(schemas["Term__level2"]["properties"], json!({}));
        let mut referenced = Vec::new();
        collect_refs(&document, &mut referenced);
        for target in referenced {
            assert!(schemas.get(&target).is_some(), "{target} exists");
        }
    }

    #[test]
    fn json_multipart_parts_become_text() {
        let mut document = json!({"paths": {"/a": {"post": {"requestBody": {"content": {"multipart/form-data": {
            "schema": {"type": "object", "properties": {
                "data": {"$ref": "#/components/schemas/Data"},
                "document": {"type": "string", "format": "binary"}
            }},
            "encoding": {"data": {"contentType": "application/json"}}
        }}}}}}});
        assert_eq!(text_for_json_parts(&mut document), 1);
        let properties = &document
            .pointer("/paths/~1a/post/requestBody/content/multipart~1form-data/schema/properties")
            .unwrap();
        assert_eq!(properties["data"]["type"], "string");
        assert_eq!(properties["document"]["format"], "binary");
    }
}
