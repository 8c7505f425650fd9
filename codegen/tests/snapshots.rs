//! Generator output for every fixture in `tests/fixtures/`, one reviewed snapshot each.
//!
//! A snapshot is every generated file, concatenated, each preceded by a `==> path <==` line.
//! After a deliberate generator change, rewrite them with
//! `INSTA_UPDATE=always cargo test -p codegen --test snapshots` and review the diff.

use std::path::{Path, PathBuf};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
}

/// The fixture's file name (`object.yaml`) for its stem (`object`).
fn fixture_file(stem: &str) -> String {
    ["yaml", "json"]
        .iter()
        .map(|ext| format!("{stem}.{ext}"))
        .find(|name| fixtures_dir().join(name).exists())
        .unwrap_or_else(|| panic!("no fixture named {stem}.yaml or {stem}.json"))
}

/// Generates the crate for one fixture, as one text.
fn generate(stem: &str) -> String {
    let file = fixture_file(stem);
    let text = std::fs::read_to_string(fixtures_dir().join(&file)).expect("fixture is readable");
    let spec = codegen::Spec::parse(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
    let runtime = codegen::Runtime::path("test-runtime", "../../runtime");
    let mut settings = codegen::Settings::new(
        format!("fixture-{}", stem.replace('_', "-")),
        "0.1.0",
        runtime,
    );
    settings.spec_source = format!("tests/fixtures/{file}");
    if stem.starts_with("models_only_") {
        settings.surface = codegen::Surface::ModelsOnly;
    }
    let output = codegen::generate(&spec, &settings).unwrap_or_else(|e| panic!("{file}: {e}"));
    let mut text = String::new();
    for warning in &output.warnings {
        text.push_str(&format!("==> warning: {warning}\n"));
    }
    for generated in &output.files {
        text.push_str(&format!("==> {} <==\n", generated.path));
        text.push_str(&generated.contents);
    }
    text
}

macro_rules! fixtures {
    ($($stem:ident),* $(,)?) => {
        const FIXTURES: &[&str] = &[$(stringify!($stem)),*];
        $(
            #[test]
            fn $stem() {
                insta::assert_snapshot!(stringify!($stem), generate(stringify!($stem)));
            }
        )*
    };
}

fixtures! {
    all_of_scalars,
    colliding_names,
    one_of_beside_properties,
    ref_json_pointer,
    unmodelled_body,
    additional_properties_schema,
    additional_properties_true,
    additional_properties_with_properties,
    all_of_merge,
    all_of_single_ref,
    any_of,
    api_key,
    bearer,
    binary_in_json,
    components_only,
    const_value,
    default_error_response,
    deprecated,
    duplicate_tag,
    enum_string,
    examples,
    formats,
    models_only_callbacks,
    multipart,
    no_operation_id,
    object,
    one_of_null,
    one_of_primitives,
    one_of_refs,
    one_or_many,
    pagination,
    parameters_header,
    parameters_path,
    parameters_query,
    parameters_query_styles,
    per_operation_errors,
    recursion_arrays,
    recursion_mutual,
    recursion_self,
    ref_sibling_description,
    reserved_names,
    response_any_media,
    response_no_body,
    success_statuses,
    success_body_or_empty,
    read_only_write_only,
    read_only_beside_ref,
    one_of_evidence,
    type_array_null,
    untagged_operations,
    request_bodies,
    ref_id_anchor,
    large_union_variant,
    nested_maps,
    discriminator,
    discriminator_inheritance,
    v31_components_only,
    v31_no_responses,
    models_only_v31_webhooks,
}

/// Every fixture file has a snapshot test above (and every test a file).
#[test]
fn every_fixture_has_a_test() {
    let mut on_disk: Vec<String> = std::fs::read_dir(fixtures_dir())
        .expect("fixtures directory")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| {
            matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "json")
            )
        })
        .map(|path| {
            path.file_stem()
                .and_then(|s| s.to_str())
                .expect("UTF-8 file name")
                .to_owned()
        })
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = FIXTURES.iter().map(|s| (*s).to_owned()).collect();
    listed.sort();
    assert_eq!(
        on_disk, listed,
        "fixture files and the `fixtures!` list differ"
    );
}

/// The same spec always gives byte-identical output (no hash-map order leaks in).
#[test]
fn generation_is_deterministic() {
    for stem in FIXTURES {
        let first = generate(stem);
        for _ in 0..3 {
            assert!(
                first == generate(stem),
                "{stem}: two runs gave different output"
            );
        }
    }
}
