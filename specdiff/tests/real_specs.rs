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
}

#[test]
fn markdown_report() {
    insta::assert_snapshot!(report().to_markdown());
}

fn names(report: &Report, kind: ChangeKind) -> Vec<String> {
    report
        .of_kind(kind)
        .map(|c| c.location.to_string())
        .collect()
}

#[test]
fn operations_and_schemas_added_and_removed() {
    let report = report();
    let counts = report.counts();
    assert_eq!(counts.of(ChangeKind::OperationAdded), 13);
    assert_eq!(counts.of(ChangeKind::OperationRemoved), 0);
    assert_eq!(counts.of(ChangeKind::SchemaAdded), 31);
    assert!(
        report
            .of_kind(ChangeKind::OperationAdded)
            .all(|c| c.severity == Severity::NonBreaking)
    );
    assert!(
        report
            .of_kind(ChangeKind::SchemaAdded)
            .all(|c| c.severity == Severity::NonBreaking)
    );
    assert!(
        names(&report, ChangeKind::OperationAdded)
            .contains(&"GET /v1/leads/config (getLeadConfig)".to_owned())
    );

    assert_eq!(
        names(&report, ChangeKind::SchemaRemoved),
        [
            "ContractVolumeDto",
            "IdlePeriodRequest",
            "LocalTime",
            "MembershipOfferRateCode"
        ]
    );
    assert!(
        report
            .of_kind(ChangeKind::SchemaRemoved)
            .all(|c| c.severity == Severity::Breaking)
    );
}

#[test]
fn removed_properties_are_breaking_and_added_ones_are_not() {
    let report = report();
    let removed = names(&report, ChangeKind::PropertyRemoved);
    assert!(
        removed.contains(&"LeadCustomerData.address".to_owned()),
        "{removed:#?}"
    );
    assert!(
        report
            .of_kind(ChangeKind::PropertyRemoved)
            .all(|c| c.severity == Severity::Breaking)
    );

    let added: Vec<_> = report.of_kind(ChangeKind::PropertyAdded).collect();
    assert_eq!(added.len(), 100);
    let added_at = |location: &str| {
        added
            .iter()
            .find(|c| c.location.to_string() == location)
            .copied()
    };
    for optional in [
        "LeadCustomerData.thirdPartyId",
        "Customer.createdDateTime",
        "ClassSlot.classInformation",
    ] {
        assert_eq!(
            added_at(optional).map(|c| c.severity),
            Some(Severity::NonBreaking),
            "{optional}"
        );
    }
    // Required, but `IdlePeriod` is only ever received: decoding is unaffected.
    assert_eq!(
        added_at("IdlePeriod.idlePeriodReason").map(|c| c.severity),
        Some(Severity::NonBreaking)
    );
    // Required in a type sent in requests (the check-in voucher redemption body): the one
    // breaking addition.
    let breaking: Vec<String> = added
        .iter()
        .filter(|c| c.severity == Severity::Breaking)
        .map(|c| c.location.to_string())
        .collect();
    assert_eq!(breaking, ["CheckinVoucherRedeem.onlineOfferId"]);
}

#[test]
fn counts_of_the_whole_report() {
    let report = report();
    let counts = report.counts();
    assert_eq!((counts.breaking, counts.non_breaking), (42, 154));
    assert_eq!(counts.of(ChangeKind::OperationRenamed), 3);
    assert!(report.has_breaking());
    assert_eq!(report.suggested_bump("0.1.0").unwrap(), "0.2.0");
    assert_eq!(report.suggested_bump("1.5.0").unwrap(), "2.0.0");
}
