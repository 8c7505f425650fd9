//! The real Magicline Open API pair, 1.5.0 -> 1.11.1, read from the shared spec folder.

use std::path::{Path, PathBuf};

use specdiff::{ChangeKind, Report, Severity};

/// `shared/specs` beside the workspace: `<workspace>/../shared/specs`.
fn specs_dir() -> PathBuf {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let beside_workspace = crate_dir
        .parent()
        .and_then(Path::parent)
        .unwrap_or(crate_dir);
    let dir = beside_workspace.join("shared").join("specs");
    assert!(
        dir.is_dir(),
        "the Magicline specs are expected in {} (the shared/specs folder beside the workspace); \
         this test needs magicline-openapi-1.5.0.json and magicline-openapi-1.11.1.json there",
        dir.display()
    );
    dir
}

fn spec(file: &str) -> codegen::Spec {
    let path = specs_dir().join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    codegen::Spec::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn report() -> Report {
    specdiff::diff(
        &spec("magicline-openapi-1.5.0.json"),
        &spec("magicline-openapi-1.11.1.json"),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn markdown_report() {
    insta::assert_snapshot!(report().to_markdown());
}

fn items(report: &Report, kind: ChangeKind) -> Vec<String> {
    report.of_kind(kind).map(|c| c.item.to_string()).collect()
}

#[test]
fn operations_and_types_added_and_removed() {
    let report = report();
    let counts = report.counts();
    assert_eq!(counts.of(ChangeKind::OperationAdded), 13);
    // Three operations are renamed (a new `operationId`): removed and added.
    assert_eq!(counts.of(ChangeKind::OperationRemoved), 3);
    assert_eq!(items(&report, ChangeKind::GroupAdded), ["api::Leads"]);
    // The new group's operations are named, not only counted.
    let leads = report
        .of_kind(ChangeKind::GroupAdded)
        .next()
        .expect("the Leads group is added");
    for operation in [
        "get_lead_config",
        "validate_for_lead_creation",
        "create_lead",
    ] {
        assert!(
            leads.detail.contains(&format!("`{operation}` (`")),
            "{operation} not named: {}",
            leads.detail
        );
    }
    let removed = items(&report, ChangeKind::TypeRemoved);
    for gone in [
        "models::ContractVolumeDto",
        "models::IdlePeriodRequest",
        "models::LocalTime",
        "models::MembershipOfferRateCode",
    ] {
        assert!(removed.contains(&gone.to_owned()), "{gone}: {removed:#?}");
    }
    for kind in [
        ChangeKind::OperationAdded,
        ChangeKind::TypeAdded,
        ChangeKind::FieldAdded,
    ] {
        assert!(
            report
                .of_kind(kind)
                .all(|c| c.severity == Severity::NonBreaking),
            "{kind}"
        );
    }
    for kind in [ChangeKind::TypeRemoved, ChangeKind::FieldRemoved] {
        assert!(
            report
                .of_kind(kind)
                .all(|c| c.severity == Severity::Breaking),
            "{kind}"
        );
    }
}

#[test]
fn removed_fields_break_and_added_ones_do_not() {
    let report = report();
    let removed = items(&report, ChangeKind::FieldRemoved);
    assert!(
        removed.contains(&"models::LeadCustomerData::address".to_owned()),
        "{removed:#?}"
    );
    let added = items(&report, ChangeKind::FieldAdded);
    for field in [
        "models::LeadCustomerData::third_party_id",
        "models::Customer::created_date_time",
        "models::ClassSlot::class_information",
    ] {
        assert!(added.contains(&field.to_owned()), "{field}");
    }
}

#[test]
fn constructors_that_change_arity_are_breaking() {
    let report = report();
    let constructors = items(&report, ChangeKind::ConstructorChanged);
    // Required properties added to types sent in requests.
    for constructor in [
        "models::IdlePeriodConfiguration::new",
        "models::CheckinVoucherRedeem::new",
    ] {
        assert!(
            constructors.contains(&constructor.to_owned()),
            "{constructor}: {constructors:#?}"
        );
    }
}

#[test]
fn the_whole_report_calls_for_a_breaking_release() {
    let report = report();
    assert!(report.has_breaking());
    assert_eq!(report.suggested_bump("0.1.0").unwrap(), "0.2.0");
    assert_eq!(report.suggested_bump("1.5.0").unwrap(), "2.0.0");
}
