//! Small document pairs, one change kind each: each test lists every change the pair must
//! produce, with its verdict, and nothing else (an unexpected extra change fails as surely as
//! a missing one). The larger pairs in `tests/fixtures/<case>/{old,new}.yaml` are snapshots of
//! the whole Markdown report.

use std::path::PathBuf;

use specdiff::ChangeKind::{self, *};
use specdiff::Report;
use specdiff::Severity::{self, Breaking, NonBreaking};

/// The pair `tests/pairs/<name>/{old,new}.yaml`: a `POST /pets` (body `PetInput`, answer
/// `Pet`) with one kind of change. The agreement test of the workspace
/// (`tests/tests/semver_agreement.rs`) runs `cargo-semver-checks` on the same pairs.
fn pair(name: &str) -> Report {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/pairs")
        .join(name);
    let read = |side: &str| {
        let path = dir.join(format!("{side}.yaml"));
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        codegen::Spec::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    specdiff::diff(&read("old"), &read("new")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn expect(report: &Report, expected: &[(ChangeKind, &str, Severity)]) {
    let actual: Vec<(ChangeKind, String, Severity)> = report
        .changes
        .iter()
        .map(|c| (c.kind, c.item.to_string(), c.severity))
        .collect();
    let expected: Vec<(ChangeKind, String, Severity)> = expected
        .iter()
        .map(|(kind, item, severity)| (*kind, (*item).to_owned(), *severity))
        .collect();
    if actual != expected {
        let details: Vec<String> = report
            .changes
            .iter()
            .map(|c| format!("  {:?} {} — {} ({})", c.kind, c.item, c.detail, c.cause))
            .collect();
        panic!(
            "expected\n{expected:#?}\ngot\n{actual:#?}\ndetails:\n{}",
            details.join("\n")
        );
    }
}

#[test]
fn a_required_property_added_to_a_request_type_changes_its_constructor() {
    let report = pair("required_property_in_request");
    expect(
        &report,
        &[
            (ConstructorChanged, "models::PetInput::new", Breaking),
            (FieldAdded, "models::PetInput::tag", NonBreaking),
        ],
    );
    let constructor = report.of_kind(ConstructorChanged).next().unwrap();
    assert_eq!(
        constructor.detail,
        "`new(name: String)` → `new(name: String, tag: String)`"
    );
    assert_eq!(
        constructor.cause,
        "#/components/schemas/PetInput/properties/tag"
    );
}

#[test]
fn a_required_property_added_to_a_response_type_is_an_addition() {
    expect(
        &pair("required_property_in_response"),
        &[(FieldAdded, "models::Pet::name", NonBreaking)],
    );
}

#[test]
fn a_response_field_without_a_default_is_a_constructor_argument() {
    expect(
        &pair("required_date_time_in_response"),
        &[
            (FieldAdded, "models::Pet::born", NonBreaking),
            (ConstructorChanged, "models::Pet::new", Breaking),
        ],
    );
}

#[test]
fn an_optional_property_is_an_addition_and_a_removed_one_breaks() {
    expect(
        &pair("optional_properties"),
        &[
            (FieldRemoved, "models::Pet::nickname", Breaking),
            (FieldAdded, "models::PetInput::colour", NonBreaking),
        ],
    );
}

#[test]
fn enum_values_added_are_additions_and_removed_ones_break() {
    expect(
        &pair("enum_values"),
        &[
            (VariantAdded, "models::PetKind::Bird", NonBreaking),
            (VariantRemoved, "models::PetKind::Cat", Breaking),
        ],
    );
}

/// The pair `tests/pairs/<name>/{old,new}.yaml`, each side named as its settings say.
fn pair_named(name: &str, old: &codegen::NameSettings, new: &codegen::NameSettings) -> Report {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/pairs")
        .join(name);
    let read = |side: &str| {
        let text = std::fs::read_to_string(dir.join(format!("{side}.yaml"))).unwrap();
        codegen::Spec::parse(&text).unwrap()
    };
    let surface = codegen::Surface::Client;
    specdiff::diff_named((&read("old"), old), (&read("new"), new), surface).unwrap()
}

fn renames(pairs: &[(&str, &str)]) -> codegen::NameSettings {
    codegen::NameSettings {
        strip_prefixes: Vec::new(),
        rename: (pairs.iter())
            .map(|(old, new)| ((*old).to_owned(), (*new).to_owned()))
            .collect(),
    }
}

#[test]
fn a_type_the_name_settings_rename_is_renamed_and_its_changes_follow_it() {
    let plain = codegen::NameSettings::default();
    let named = renames(&[("Pet", "Animal"), ("PetKind", "AnimalKind")]);
    let report = pair_named("enum_values", &plain, &named);
    // Not removed and added; mentions of the type (the response of `create_pet`) unchanged.
    expect(
        &report,
        &[
            (VariantAdded, "models::AnimalKind::Bird", NonBreaking),
            (VariantRemoved, "models::AnimalKind::Cat", Breaking),
            (TypeRenamed, "models::Pet", Breaking),
            (TypeRenamed, "models::PetKind", Breaking),
        ],
    );
    let renamed = report.of_kind(TypeRenamed).next().unwrap();
    assert_eq!(renamed.detail, "renamed to `Animal`");
    assert_eq!(renamed.cause, "#/components/schemas/Pet");
    let markdown = report.to_markdown();
    assert!(
        markdown.contains("`models::Pet`") && markdown.contains("renamed to `Animal`"),
        "{markdown}"
    );
    assert_eq!(report.suggested_bump("0.3.1").unwrap(), "0.4.0");

    // Taking the renames back renames the types back.
    expect(
        &pair_named("enum_values", &named, &plain),
        &[
            (TypeRenamed, "models::Animal", Breaking),
            (TypeRenamed, "models::AnimalKind", Breaking),
            (VariantAdded, "models::PetKind::Bird", NonBreaking),
            (VariantRemoved, "models::PetKind::Cat", Breaking),
        ],
    );
    // The same settings on both sides rename nothing.
    let kinds = |report: &Report| -> Vec<(ChangeKind, String)> {
        (report.changes.iter())
            .map(|c| (c.kind, c.item.to_string()))
            .collect()
    };
    let one = renames(&[("Pet", "Animal")]);
    assert_eq!(
        kinds(&pair_named("operation_added", &one, &one)),
        kinds(&pair("operation_added"))
    );
}

#[test]
fn a_binary_format_on_a_json_string_changes_nothing_in_rust() {
    expect(&pair("binary_format_in_json"), &[]);
}

#[test]
fn a_changed_property_type_breaks() {
    let report = pair("property_type");
    expect(&report, &[(FieldTypeChanged, "models::Pet::age", Breaking)]);
    assert_eq!(report.changes[0].detail, "`Option<String>` → `Option<i64>`");
}

#[test]
fn deprecations_are_listed_apart_and_break_nothing() {
    let report = pair("deprecation");
    expect(
        &report,
        &[(Deprecated, "models::Pet::nickname", NonBreaking)],
    );
    assert!(report.to_markdown().contains("### Deprecated (1)"));
    assert!(!report.has_breaking());
}

#[test]
fn another_schema_never_renames_or_retargets_a_type() {
    // Two places share an identical inline enum; a third schema with the same enum comes.
    expect(
        &pair("shared_inline_enum_added"),
        &[
            (TypeAdded, "models::Toy", NonBreaking),
            (TypeAdded, "models::ToyKind", NonBreaking),
        ],
    );
    // And removing one of the sharing places touches only that place.
    expect(
        &pair("shared_inline_enum_removed"),
        &[
            (FieldRemoved, "models::PetInput::kind", Breaking),
            (TypeRemoved, "models::PetInputKind", Breaking),
        ],
    );
}

#[test]
fn operations_and_their_inputs() {
    expect(
        &pair("operation_added"),
        &[(OperationAdded, "api::Pets::get_pet", NonBreaking)],
    );
    expect(
        &pair("operation_removed"),
        &[(OperationRemoved, "api::Pets::get_pet", Breaking)],
    );
    expect(
        &pair("optional_parameter_added"),
        &[(
            OptionalInputAdded,
            "api::Pets::get_pet(verbose)",
            NonBreaking,
        )],
    );
    expect(
        &pair("parameter_became_required"),
        &[(ArgumentsChanged, "api::Pets::get_pet", Breaking)],
    );
    let report = pair("operation_renamed");
    expect(
        &report,
        &[
            (OperationAdded, "api::Pets::fetch_pet", NonBreaking),
            (OperationRemoved, "api::Pets::get_pet", Breaking),
        ],
    );
    assert_eq!(
        report.changes[1].detail,
        "method removed; `GET /pets/{petId}` is now `api::Pets::fetch_pet`"
    );
}

/// The larger pairs: the whole report, reviewed as a snapshot.
#[test]
fn fixture_pairs() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/fixtures is readable")
        .map(|entry| entry.expect("entry").path())
        .collect();
    cases.sort();
    assert!(!cases.is_empty());
    for case in cases {
        let read = |side: &str| {
            let path = case.join(format!("{side}.yaml"));
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            codegen::Spec::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        };
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        // A pair the generator refuses gives its error, as `cargo xtask diff` would print it.
        let text = match specdiff::diff(&read("old"), &read("new")) {
            Ok(report) => report.to_markdown(),
            Err(error) => format!("error: {error}\n"),
        };
        insta::assert_snapshot!(name, text);
    }
}

#[test]
fn discriminator_tags_added_removed_and_retargeted() {
    // `bird` removed, `dog` re-targeted from Dog to Bird, `fish` added; `Dog` is now named by
    // its implicit tag (its name), a new variant too.
    let report = pair("discriminator_mapping");
    let details: Vec<String> = report.changes.iter().map(|c| c.detail.clone()).collect();
    expect(
        &report,
        &[
            (TypeAdded, "models::Fish", NonBreaking),
            (VariantRemoved, "models::Pet::Bird", Breaking),
            (VariantTypeChanged, "models::Pet::Dog", Breaking),
            (VariantAdded, "models::Pet::Dog2", NonBreaking),
            (VariantAdded, "models::Pet::Fish", NonBreaking),
        ],
    );
    assert!(
        details.contains(&"tag `dog` now names `Bird` instead of `Dog` (variant `Dog`)".to_owned()),
        "{details:#?}"
    );
}
