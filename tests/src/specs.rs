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

    /// `generated/<crate>/tests/contract/calls.rs`.
    pub fn contract_calls_path(&self) -> PathBuf {
        workspace_root()
            .join(self.crate_dir)
            .join(codegen::CONTRACT_CALLS_PATH)
    }

    /// What `codegen::generate_contract_calls` makes of the fetched spec.
    pub fn generate_contract_calls(&self) -> String {
        let spec = codegen::Spec::parse(&self.text())
            .unwrap_or_else(|e| panic!("{}: {e}", self.path().display()));
        let settings = codegen::Settings::new(self.crate_name, "0.0.0");
        codegen::generate_contract_calls(&spec, &settings)
            .unwrap_or_else(|e| panic!("contract calls for {}: {e}", self.name))
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
pub fn write_prism_copy(spec: &ApiSpec, dir: &Path) -> PathBuf {
    let mut document = spec.json();
    let renamed = json_for_any_media_type(&mut document);
    let parts = text_for_json_parts(&mut document);
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
    if parts > 0 {
        println!(
            "{}: Prism gets a copy of the spec in which {parts} JSON-encoded multipart parts are typed as strings ({})",
            spec.name,
            path.display()
        );
    }
    path
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
            let pointer = format!("/schema/properties/{}", part.replace('~', "~0").replace('/', "~1"));
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
    fn json_multipart_parts_become_text() {
        let mut document = json!({"paths": {"/a": {"post": {"requestBody": {"content": {"multipart/form-data": {
            "schema": {"type": "object", "properties": {
                "data": {"$ref": "#/components/schemas/Data"},
                "document": {"type": "string", "format": "binary"}
            }},
            "encoding": {"data": {"contentType": "application/json"}}
        }}}}}}});
        assert_eq!(text_for_json_parts(&mut document), 1);
        let properties = &document.pointer("/paths/~1a/post/requestBody/content/multipart~1form-data/schema/properties").unwrap();
        assert_eq!(properties["data"]["type"], "string");
        assert_eq!(properties["document"]["format"], "binary");
    }
}
