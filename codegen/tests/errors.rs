//! Malformed and unsupported documents: each gives a `codegen::Error` or, where the generator
//! degrades instead of refusing, a `codegen::Warning`, naming the exact spot (a JSON pointer
//! into the document), never a panic.

use std::panic::{AssertUnwindSafe, catch_unwind};

use codegen::Error;
use serde_json::{Value, json};

/// Parses and generates; the error from whichever step failed.
fn settings(crate_name: &str) -> codegen::Settings {
    codegen::Settings::new(
        crate_name,
        "0.1.0",
        codegen::Runtime::version("test-runtime", "0.1"),
    )
}

fn error_of_text(text: &str) -> Error {
    match codegen::Spec::parse(text) {
        Err(error) => error,
        Ok(spec) => match codegen::generate(&spec, &settings("broken")) {
            Err(error) => error,
            Ok(_) => panic!("the document was accepted:\n{text}"),
        },
    }
}

/// The model of a document the generator accepts.
fn model_of(document: &Value) -> codegen::model::Model {
    let text = serde_json::to_string_pretty(document).expect("serialisable");
    let spec = codegen::Spec::parse(&text).expect("the document parses");
    codegen::lower(&spec, codegen::Surface::Client).expect("the document lowers")
}

/// The warnings of a document the generator accepts (generation must succeed).
fn warnings_of(document: &Value) -> Vec<codegen::Warning> {
    let text = serde_json::to_string_pretty(document).expect("serialisable");
    let spec = codegen::Spec::parse(&text).expect("the document parses");
    let output = codegen::generate(&spec, &settings("loose")).expect("the document generates");
    assert_eq!(
        output.warnings,
        codegen::lower(&spec, codegen::Surface::Client)
            .unwrap()
            .warnings
    );
    output.warnings
}

/// One of `warnings` is at `expected_pointer` and says `message_part`.
fn assert_warned(warnings: &[codegen::Warning], expected_pointer: &str, message_part: &str) {
    assert!(
        warnings
            .iter()
            .any(|w| w.pointer == expected_pointer && w.message.contains(message_part)),
        "no warning at {expected_pointer} saying {message_part:?} in {warnings:#?}"
    );
}

fn error_of(document: &Value) -> Error {
    error_of_text(&serde_json::to_string_pretty(document).expect("serialisable"))
}

/// A minimal valid 3.0 document with these paths and component schemas.
fn document(paths: Value, schemas: Value) -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Broken", "version": "1.0.0"},
        "paths": paths,
        "components": {"schemas": schemas}
    })
}

/// `GET /pets` answering 200 with `schema`.
fn get_pets_returning(schema: Value) -> Value {
    json!({"/pets": {"get": {
        "operationId": "listPets",
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}
    }}})
}

/// `GET /pets` with these parameters, answering 204.
fn get_pets_with_parameters(parameters: Value) -> Value {
    json!({"/pets": {"get": {
        "operationId": "listPets",
        "parameters": parameters,
        "responses": {"204": {"description": "ok"}}
    }}})
}

/// `POST /pets` with this request body, answering 204.
fn post_pets_with_body(body: Value) -> Value {
    json!({"/pets": {"post": {
        "operationId": "createPet",
        "requestBody": body,
        "responses": {"204": {"description": "ok"}}
    }}})
}

#[track_caller]
fn assert_invalid(error: Error, expected_pointer: &str, message_part: &str) {
    match &error {
        Error::Invalid { pointer, message } => {
            assert_eq!(pointer, expected_pointer, "wrong pointer in: {error}");
            assert!(
                message.contains(message_part),
                "message lacks {message_part:?}: {error}"
            );
        }
        other => panic!("expected Error::Invalid at {expected_pointer}, got {other:?}"),
    }
}

#[track_caller]
fn assert_unsupported(error: Error, expected_pointer: &str, message_part: &str) {
    match &error {
        Error::Unsupported { pointer, message } => {
            assert_eq!(pointer, expected_pointer, "wrong pointer in: {error}");
            assert!(
                message.contains(message_part),
                "message lacks {message_part:?}: {error}"
            );
        }
        other => panic!("expected Error::Unsupported at {expected_pointer}, got {other:?}"),
    }
}

// --- text and version --------------------------------------------------------------------------

#[test]
fn truncated_json_is_a_syntax_error_with_a_position() {
    let error = error_of_text(r#"{"openapi": "3.0.3", "info": {"title": "t""#);
    let Error::Syntax { message } = &error else {
        panic!("expected a syntax error, got {error:?}")
    };
    assert!(
        message.starts_with("JSON: ") && message.contains("line 1"),
        "{message}"
    );
}

#[test]
fn broken_yaml_is_a_syntax_error_with_a_position() {
    let error = error_of_text("openapi: 3.0.3\ninfo: [unclosed\npaths: {}\n");
    let Error::Syntax { message } = &error else {
        panic!("expected a syntax error, got {error:?}")
    };
    assert!(
        message.starts_with("YAML: ") && message.contains("line"),
        "{message}"
    );
}

#[test]
fn a_document_that_is_not_an_object_is_refused_at_the_root() {
    assert_invalid(error_of_text("- just\n- a list\n"), "#", "not an object");
    assert_invalid(
        error_of_text("plain text, neither JSON nor an OpenAPI document"),
        "#",
        "not an object",
    );
}

#[test]
fn swagger_two_is_unsupported() {
    let error =
        error_of(&json!({"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {}}));
    assert_unsupported(error, "#/swagger", "Swagger 2.0");
}

#[test]
fn a_missing_openapi_field_is_invalid() {
    let error = error_of(&json!({"info": {"title": "t", "version": "1"}, "paths": {}}));
    assert_invalid(error, "#", "`openapi`");
}

#[test]
fn unknown_versions_are_unsupported() {
    let mut doc = document(json!({}), json!({}));
    doc["openapi"] = json!("3.2.0");
    assert_unsupported(error_of(&doc), "#/openapi", "3.2.0");
    doc["openapi"] = json!("2.0");
    assert_unsupported(error_of(&doc), "#/openapi", "2.0");
}

#[test]
fn a_version_written_as_a_number_is_invalid() {
    // YAML reads `3.1` (no quotes) as a number.
    let error = error_of_text("openapi: 3.1\ninfo: {title: t, version: '1'}\npaths: {}\n");
    assert_invalid(error, "#/openapi", "string");
}

#[test]
fn a_missing_info_object_is_invalid() {
    let error = error_of(&json!({"openapi": "3.0.3", "paths": {}}));
    assert_invalid(error, "#", "info");
}

// --- references -------------------------------------------------------------------------------

#[test]
fn a_reference_to_a_missing_schema_names_the_property() {
    let schemas = json!({"Pet": {"type": "object", "properties": {
        "owner": {"$ref": "#/components/schemas/Owner"}
    }}});
    let warnings = warnings_of(&document(json!({}), schemas));
    assert_warned(
        &warnings,
        "#/components/schemas/Pet/properties/owner",
        "#/components/schemas/Owner",
    );
}

#[test]
fn a_reference_to_a_missing_schema_in_a_response_names_the_response_schema() {
    let paths = get_pets_returning(json!({"$ref": "#/components/schemas/Pet"}));
    let warnings = warnings_of(&document(paths, json!({})));
    assert_warned(
        &warnings,
        "#/paths/~1pets/get/responses/200/content/application~1json/schema",
        "points to no schema",
    );
}

#[test]
fn a_reference_to_a_missing_schema_in_array_items_names_the_items() {
    let paths =
        get_pets_returning(json!({"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}));
    let warnings = warnings_of(&document(paths, json!({})));
    assert_warned(
        &warnings,
        "#/paths/~1pets/get/responses/200/content/application~1json/schema/items",
        "points to no schema",
    );
}

#[test]
fn a_reference_to_a_missing_schema_in_a_parameter_names_the_parameter_schema() {
    let paths = get_pets_with_parameters(json!([
        {"name": "kind", "in": "query", "schema": {"$ref": "#/components/schemas/Kind"}}
    ]));
    let warnings = warnings_of(&document(paths, json!({})));
    assert_warned(
        &warnings,
        "#/paths/~1pets/get/parameters/0/schema",
        "points to no schema",
    );
}

#[test]
fn a_reference_to_a_missing_parameter_names_the_parameter() {
    let paths = get_pets_with_parameters(json!([{"$ref": "#/components/parameters/Limit"}]));
    let warnings = warnings_of(&document(paths, json!({})));
    assert_warned(
        &warnings,
        "#/paths/~1pets/get/parameters/0",
        "#/components/parameters/Limit",
    );
}

#[test]
fn a_reference_to_a_missing_request_body_names_the_body() {
    let paths = post_pets_with_body(json!({"$ref": "#/components/requestBodies/NewPet"}));
    let warnings = warnings_of(&document(paths, json!({})));
    assert_warned(
        &warnings,
        "#/paths/~1pets/post/requestBody",
        "#/components/requestBodies/NewPet",
    );
}

#[test]
fn a_reference_to_a_missing_response_names_the_response() {
    let paths = json!({"/pets": {"get": {
        "operationId": "listPets",
        "responses": {"200": {"$ref": "#/components/responses/Pets"}}
    }}});
    let warnings = warnings_of(&document(paths, json!({})));
    assert_warned(
        &warnings,
        "#/paths/~1pets/get/responses/200",
        "#/components/responses/Pets",
    );
}

#[test]
fn an_external_reference_is_a_warning() {
    let schemas = json!({"Pet": {"type": "object", "properties": {
        "owner": {"$ref": "common.yaml#/components/schemas/Owner"}
    }}});
    let warnings = warnings_of(&document(json!({}), schemas));
    assert_warned(
        &warnings,
        "#/components/schemas/Pet/properties/owner",
        "common.yaml#/components/schemas/Owner",
    );
}

#[test]
fn an_external_reference_in_a_response_is_a_warning() {
    let paths = get_pets_returning(json!({"$ref": "https://example.test/pet.json"}));
    let warnings = warnings_of(&document(paths, json!({})));
    assert_warned(
        &warnings,
        "#/paths/~1pets/get/responses/200/content/application~1json/schema",
        "https://example.test/pet.json",
    );
}

#[test]
fn a_path_item_reference_is_a_warning() {
    let paths = json!({"/pets": {"$ref": "#/components/pathItems/Pets"}});
    let warnings = warnings_of(&document(paths, json!({})));
    assert_warned(&warnings, "#/paths/~1pets", "$ref");
}

#[test]
fn a_cycle_of_plain_references_is_refused() {
    // `type A = B; type B = A;` would not compile.
    let schemas = json!({
        "A": {"$ref": "#/components/schemas/B"},
        "B": {"$ref": "#/components/schemas/A"}
    });
    let error = error_of(&document(json!({}), schemas));
    assert_invalid(error, "#/components/schemas/A", "cycle");
}

#[test]
fn a_schema_that_is_a_reference_to_itself_is_refused() {
    // Today this silently defines no type at all, so every use of `Loop` fails to compile.
    let schemas = json!({"Loop": {"$ref": "#/components/schemas/Loop"}});
    let error = error_of(&document(json!({}), schemas));
    assert_invalid(error, "#/components/schemas/Loop", "cycle");
}

#[test]
fn an_error_behind_an_all_of_reference_names_the_referenced_schema() {
    // `Cat` is read while merging `Pet`; the pointer must lead to where the problem is written.
    let schemas = json!({
        "Pet": {"allOf": [{"$ref": "#/components/schemas/Cat"}, {"type": "object", "properties": {"id": {"type": "integer"}}}]},
        "Cat": {"allOf": [{"type": "string"}, {"type": "object", "properties": {"meows": {"type": "boolean"}}}]}
    });
    let warnings = warnings_of(&document(json!({}), schemas));
    assert_warned(
        &warnings,
        "#/components/schemas/Cat/allOf/0",
        "not an object",
    );
}

// --- wrong types --------------------------------------------------------------------------------

#[test]
fn responses_that_are_not_an_object_are_invalid() {
    let paths = json!({"/pets": {"get": {"operationId": "listPets", "responses": ["200"]}}});
    assert_invalid(
        error_of(&document(paths, json!({}))),
        "#/paths/~1pets/get/responses",
        "",
    );
}

#[test]
fn an_operation_that_is_not_an_object_is_invalid() {
    let paths = json!({"/pets": {"get": 5}});
    assert_invalid(
        error_of(&document(paths, json!({}))),
        "#/paths/~1pets/get",
        "",
    );
}

#[test]
fn paths_that_are_not_an_object_are_invalid() {
    let doc = document(json!(["/pets"]), json!({}));
    assert_invalid(error_of(&doc), "#/paths", "");
}

#[test]
fn parameters_that_are_not_a_list_are_invalid() {
    let paths = get_pets_with_parameters(json!({"name": "limit", "in": "query"}));
    assert_invalid(
        error_of(&document(paths, json!({}))),
        "#/paths/~1pets/get/parameters",
        "",
    );
}

#[test]
fn a_parameter_in_an_unknown_location_is_invalid() {
    // `in: body` is Swagger 2.0.
    let paths = get_pets_with_parameters(json!([
        {"name": "limit", "in": "query", "schema": {"type": "integer"}},
        {"name": "pet", "in": "body", "schema": {"type": "object"}}
    ]));
    assert_invalid(
        error_of(&document(paths, json!({}))),
        "#/paths/~1pets/get/parameters/1",
        "body",
    );
}

#[test]
fn a_schema_type_that_is_a_number_is_invalid() {
    let schemas = json!({"Pet": {"type": "object", "properties": {"age": {"type": 42}}}});
    let error = error_of(&document(json!({}), schemas));
    assert_invalid(error, "#/components/schemas/Pet/properties/age/type", "");
}

#[test]
fn a_component_schema_type_that_is_a_number_is_invalid() {
    let schemas = json!({"Pet": {"type": 42}});
    assert_invalid(
        error_of(&document(json!({}), schemas)),
        "#/components/schemas/Pet/type",
        "",
    );
}

#[test]
fn a_response_schema_type_that_is_a_number_is_invalid() {
    let paths = get_pets_returning(json!({"type": "array", "items": {"type": 42}}));
    let error = error_of(&document(paths, json!({})));
    assert_invalid(
        error,
        "#/paths/~1pets/get/responses/200/content/application~1json/schema/items/type",
        "",
    );
}

#[test]
fn an_unknown_schema_type_name_is_a_warning() {
    // `type: file` is Swagger 2.0.
    let schemas = json!({"Pet": {"type": "object", "properties": {"photo": {"type": "file"}}}});
    let warnings = warnings_of(&document(json!({}), schemas));
    assert_warned(
        &warnings,
        "#/components/schemas/Pet/properties/photo",
        "file",
    );
}

#[test]
fn required_that_is_not_a_list_is_invalid() {
    let schemas = json!({"Pet": {"type": "object", "required": "id", "properties": {"id": {"type": "integer"}}}});
    assert_invalid(
        error_of(&document(json!({}), schemas)),
        "#/components/schemas/Pet/required",
        "",
    );
}

#[test]
fn properties_that_are_not_an_object_are_invalid() {
    let schemas = json!({"Pet": {"type": "object", "properties": ["id"]}});
    assert_invalid(
        error_of(&document(json!({}), schemas)),
        "#/components/schemas/Pet/properties",
        "",
    );
}

// --- operations the generator cannot express ----------------------------------------------------

#[test]
fn an_undeclared_path_parameter_names_the_operation() {
    let paths = json!({"/pets/{petId}": {"get": {
        "operationId": "getPet",
        "responses": {"204": {"description": "ok"}}
    }}});
    let warnings = warnings_of(&document(paths, json!({})));
    assert_warned(&warnings, "#/paths/~1pets~1{petId}/get", "petId");
}

#[test]
fn pointers_escape_tilde_and_slash() {
    let paths = json!({"/files~old/{id}": {"delete": {
        "operationId": "deleteFile",
        "responses": {"204": {"description": "ok"}}
    }}});
    let warnings = warnings_of(&document(paths, json!({})));
    assert_warned(&warnings, "#/paths/~1files~0old~1{id}/delete", "id");
}

#[test]
fn a_cookie_parameter_is_a_warning() {
    let paths = get_pets_with_parameters(json!([
        {"name": "limit", "in": "query", "schema": {"type": "integer"}},
        {"name": "session", "in": "cookie", "schema": {"type": "string"}}
    ]));
    let warnings = warnings_of(&document(paths, json!({})));
    assert_warned(&warnings, "#/paths/~1pets/get/parameters/1", "cookie");
}

#[test]
fn a_path_level_cookie_parameter_is_a_warning_at_the_path_item() {
    let paths = json!({"/pets": {
        "parameters": [{"name": "session", "in": "cookie", "schema": {"type": "string"}}],
        "get": {"operationId": "listPets", "responses": {"204": {"description": "ok"}}}
    }});
    let warnings = warnings_of(&document(paths, json!({})));
    assert_warned(&warnings, "#/paths/~1pets/parameters/0", "cookie");
}

#[test]
fn a_parameter_described_by_content_is_a_warning() {
    let paths = get_pets_with_parameters(json!([
        {"name": "filter", "in": "query", "content": {"application/json": {"schema": {"type": "object"}}}}
    ]));
    let warnings = warnings_of(&document(paths, json!({})));
    assert_warned(&warnings, "#/paths/~1pets/get/parameters/0", "content");
}

#[test]
fn an_xml_only_request_body_is_taken_as_bytes_with_a_warning() {
    let paths = post_pets_with_body(
        json!({"content": {"application/xml": {"schema": {"type": "object"}}}}),
    );
    let warnings = warnings_of(&document(paths, json!({})));
    assert_warned(
        &warnings,
        "#/paths/~1pets/post/requestBody/content/application~1xml",
        "bytes",
    );
}

#[test]
fn a_binary_request_body_is_no_warning() {
    let paths = post_pets_with_body(json!({"content": {
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
        "image/*": {},
        "text/plain": {"schema": {"type": "string"}}
    }}));
    assert!(warnings_of(&document(paths, json!({}))).is_empty());
}

#[test]
fn a_multipart_body_without_schema_is_taken_as_bytes_with_a_warning() {
    let paths = post_pets_with_body(json!({"content": {"multipart/form-data": {}}}));
    let warnings = warnings_of(&document(paths, json!({})));
    assert_warned(
        &warnings,
        "#/paths/~1pets/post/requestBody/content/multipart~1form-data",
        "schema",
    );
}

#[test]
fn a_multipart_body_that_is_not_an_object_is_taken_as_bytes_with_a_warning() {
    let paths = post_pets_with_body(
        json!({"content": {"multipart/form-data": {"schema": {"type": "string"}}}}),
    );
    let warnings = warnings_of(&document(paths, json!({})));
    assert_warned(
        &warnings,
        "#/paths/~1pets/post/requestBody/content/multipart~1form-data/schema",
        "object",
    );
}

#[test]
fn different_success_bodies_are_an_enum_by_status_without_a_warning() {
    use codegen::model::{RType, StatusBody, Success, SuccessStatus};
    let paths = json!({"/pets": {"get": {
        "operationId": "listPets",
        "responses": {
            "200": {"description": "a list", "content": {"application/json": {"schema": {"type": "array", "items": {"type": "string"}}}}},
            "206": {"description": "a number", "content": {"application/json": {"schema": {"type": "integer"}}}},
            "207": {"description": "a file", "content": {"text/csv": {}}},
            "204": {"description": "nothing"}
        }
    }}});
    let document = document(paths, json!({}));
    assert_eq!(warnings_of(&document), []);
    let model = model_of(&document);
    let status = |status: &str, variant: &str, doc: &str, body| SuccessStatus {
        status: status.to_owned(),
        variant: variant.to_owned(),
        doc: doc.to_owned(),
        body,
    };
    assert_eq!(
        model.api.groups[0].operations[0].success,
        Success::Several {
            name: "ListPetsSuccess".to_owned(),
            statuses: vec![
                status(
                    "200",
                    "Ok",
                    "a list",
                    StatusBody::Json(RType::Vec(Box::new(RType::String)))
                ),
                status(
                    "206",
                    "PartialContent",
                    "a number",
                    StatusBody::Json(RType::I64)
                ),
                status("207", "MultiStatus", "a file", StatusBody::Bytes),
                status("204", "NoContent", "nothing", StatusBody::Empty),
            ],
        }
    );
}

#[test]
fn one_success_body_repeated_at_several_statuses_is_that_body() {
    use codegen::model::{RType, Success};
    let paths = json!({"/pets": {"get": {
        "operationId": "listPets",
        "responses": {
            "200": {"description": "a pet", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}},
            "203": {"description": "a cached pet", "content": {"application/hal+json": {"schema": {"$ref": "#/components/schemas/Pet"}}}}
        }
    }}});
    let schemas = json!({"Pet": {"type": "object", "properties": {"name": {"type": "string"}}}});
    let document = document(paths, schemas);
    assert_eq!(warnings_of(&document), []);
    assert_eq!(
        model_of(&document).api.groups[0].operations[0].success,
        Success::Json(RType::Named("Pet".to_owned()))
    );
}

#[test]
fn one_success_body_beside_an_empty_status_is_an_enum_that_tells_them_apart() {
    use codegen::model::{RType, StatusBody, Success, SuccessStatus};
    let paths = json!({"/sales": {"post": {
        "operationId": "sell",
        "responses": {
            "200": {"description": "checked", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Sale"}}}},
            "204": {"description": "charged"}
        }
    }}});
    let schemas = json!({"Sale": {"type": "object", "properties": {"ok": {"type": "boolean"}}}});
    let document = document(paths, schemas);
    assert_eq!(warnings_of(&document), []);
    let status = |status: &str, variant: &str, doc: &str, body| SuccessStatus {
        status: status.to_owned(),
        variant: variant.to_owned(),
        doc: doc.to_owned(),
        body,
    };
    assert_eq!(
        model_of(&document).api.groups[0].operations[0].success,
        Success::Several {
            name: "SellSuccess".to_owned(),
            statuses: vec![
                status(
                    "200",
                    "Ok",
                    "checked",
                    StatusBody::Json(RType::Named("Sale".to_owned()))
                ),
                status("204", "NoContent", "charged", StatusBody::Empty),
            ],
        }
    );
}

#[test]
fn an_all_of_member_that_is_not_an_object_is_a_warning() {
    let schemas = json!({"Pet": {"allOf": [
        {"type": "object", "properties": {"id": {"type": "integer"}}},
        {"type": "string"}
    ]}});
    let warnings = warnings_of(&document(json!({}), schemas));
    assert_warned(
        &warnings,
        "#/components/schemas/Pet/allOf/1",
        "not an object",
    );
}

#[test]
fn one_of_next_to_properties_is_flattened_without_a_warning() {
    let schemas = json!({
        "Pet": {
            "properties": {"id": {"type": "integer"}},
            "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}]
        },
        "Cat": {"type": "object", "properties": {"meows": {"type": "boolean"}}},
        "Dog": {"type": "object", "properties": {"barks": {"type": "boolean"}}}
    });
    let model = model_of(&document(json!({}), schemas));
    assert_eq!(model.warnings, Vec::new());
    let Some(codegen::model::TypeDef::Struct(pet)) = model.types.get("Pet") else {
        panic!("Pet is not a struct: {:?}", model.types.get("Pet"));
    };
    let fields: Vec<&str> = pet.fields.iter().map(|f| f.wire_name.as_str()).collect();
    assert_eq!(fields, ["id", "meows", "barks"]);
}

// --- never a panic ------------------------------------------------------------------------------

/// Every place in the document, as (JSON pointer, value).
fn nodes(value: &Value, pointer: String, out: &mut Vec<String>) {
    out.push(pointer.clone());
    let escape = |key: &str| key.replace('~', "~0").replace('/', "~1");
    match value {
        Value::Object(map) => map
            .iter()
            .for_each(|(k, v)| nodes(v, format!("{pointer}/{}", escape(k)), out)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, v)| nodes(v, format!("{pointer}/{i}"), out)),
        _ => {}
    }
}

/// Replaces every node of every fixture in turn with values of the wrong type. Each variant
/// must be accepted or refused with an error, never panic, and an error's pointer must name a
/// place that exists in the document.
#[test]
fn damaged_fixtures_never_panic() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures");
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    let mut failures = Vec::new();
    for path in entries {
        let text = std::fs::read_to_string(&path).expect("readable");
        let original: Value =
            serde_yaml_ng::from_str(&text).expect("fixtures are YAML (JSON is YAML too)");
        let mut pointers = Vec::new();
        nodes(&original, String::new(), &mut pointers);
        for pointer in pointers.iter().skip(1) {
            for replacement in [json!(42), json!([]), json!("x")] {
                let mut damaged = original.clone();
                *damaged.pointer_mut(pointer).expect("pointer from nodes()") = replacement.clone();
                let name = format!(
                    "{} with {pointer} = {replacement}",
                    path.file_name()
                        .and_then(|n| n.to_str())
                        .unwrap_or_default()
                );
                let outcome = catch_unwind(AssertUnwindSafe(|| {
                    let spec = codegen::Spec::from_value(damaged.clone())?;
                    codegen::generate(&spec, &settings("damaged")).map(drop)
                }));
                match outcome {
                    Err(_) => failures.push(format!("{name}: panicked")),
                    Ok(Err(
                        Error::Invalid { pointer: at, .. } | Error::Unsupported { pointer: at, .. },
                    )) => {
                        let target = at.strip_prefix('#').unwrap_or(&at);
                        if damaged.pointer(target).is_none() {
                            failures.push(format!(
                                "{name}: error names {at}, which is not in the document"
                            ));
                        }
                    }
                    Ok(_) => {}
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} damaged documents misbehaved:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn yaml_numbers_beyond_64_bits_and_integer_keys_are_read() {
    let text = r#"
openapi: 3.0.3
info: {title: Big, version: 1.0.0}
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - name: seed
          in: query
          schema: {type: integer, minimum: -9223372036854776000, maximum: 9223372036854776000}
      responses:
        200:
          description: ok
          content:
            application/json:
              schema: {type: integer}
"#;
    let spec = codegen::Spec::parse(text).expect("the document parses");
    let model = codegen::lower(&spec, codegen::Surface::Client).expect("the document lowers");
    assert_eq!(model.warnings, Vec::new());
    let operation = &model.api.groups[0].operations[0];
    assert_eq!(
        operation.success,
        codegen::model::Success::Json(codegen::model::RType::I64)
    );
}

#[test]
fn an_unknown_security_scheme_type_is_left_out() {
    let mut document = document(json!({}), json!({}));
    document["components"]["securitySchemes"] = json!({
        "mtls": {"type": "mutualTLS"},
        "key": {"type": "apiKey", "in": "header", "name": "X-Key"}
    });
    document["security"] = json!([{"mtls": []}, {"key": []}]);
    let model = model_of(&document);
    assert_eq!(
        model.info.auth,
        codegen::model::Auth::ApiKeyHeader("X-Key".to_owned())
    );
    let warnings = warnings_of(&document);
    assert_warned(
        &warnings,
        "#/components/securitySchemes/mtls",
        "security scheme skipped: the client does not present a client certificate",
    );
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
}

#[test]
fn security_schemes_the_client_does_not_use_are_warnings_naming_them() {
    let mut document = document(json!({}), json!({}));
    document["components"]["securitySchemes"] = json!({
        "oauth": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://a/t", "scopes": {}}}},
        "oidc": {"type": "openIdConnect", "openIdConnectUrl": "https://a/.well-known/openid-configuration"},
        "queryKey": {"type": "apiKey", "in": "query", "name": "key"},
        "basic": {"type": "http", "scheme": "basic"},
        "bearer": {"type": "http", "scheme": "bearer"},
        "otherKey": {"type": "apiKey", "in": "header", "name": "X-Other"},
        "unused/key": {"type": "apiKey", "in": "header", "name": "X-Unused"}
    });
    document["security"] = json!([{"oauth": []}, {"queryKey": []}, {"bearer": [], "otherKey": []}]);
    document["paths"] = json!({"/pets": {"get": {
        "operationId": "listPets",
        "security": [{"oidc": []}, {"basic": []}],
        "responses": {"204": {"description": "ok"}}
    }}});
    let warnings = warnings_of(&document);
    let schemes = "#/components/securitySchemes";
    assert_warned(
        &warnings,
        &format!("{schemes}/oauth"),
        "does not obtain oauth2 tokens",
    );
    assert_warned(
        &warnings,
        &format!("{schemes}/oidc"),
        "does not obtain openIdConnect tokens",
    );
    assert_warned(
        &warnings,
        &format!("{schemes}/queryKey"),
        "only in a header, not in the query",
    );
    assert_warned(
        &warnings,
        &format!("{schemes}/basic"),
        "no HTTP `basic` credentials",
    );
    assert_warned(
        &warnings,
        &format!("{schemes}/otherKey"),
        "authenticates with `bearer` only",
    );
    assert_warned(
        &warnings,
        &format!("{schemes}/unused~1key"),
        "no security requirement",
    );
    // The scheme the client sends is not a warning.
    assert!(
        !warnings
            .iter()
            .any(|w| w.pointer == format!("{schemes}/bearer")),
        "{warnings:#?}"
    );
    assert_eq!(warnings.len(), 6, "{warnings:#?}");
    assert_eq!(model_of(&document).info.auth, codegen::model::Auth::Bearer);
}

#[test]
fn a_warning_displays_as_pointer_and_message() {
    let warnings = warnings_of(&document(
        json!({}),
        json!({"Pet": {"type": "object", "properties": {"owner": {"$ref": "#/components/schemas/Owner"}}}}),
    ));
    assert_eq!(
        warnings.iter().map(ToString::to_string).collect::<Vec<_>>(),
        [
            "#/components/schemas/Pet/properties/owner: reference #/components/schemas/Owner points to no schema; typed as serde_json::Value"
        ]
    );
}
