//! One small pair of documents per area, in `tests/fixtures/<case>/{old,new}.yaml`. Each test
//! lists every change the pair must produce, with its classification, and nothing else: an
//! unexpected extra change fails as surely as a missing one.

use std::path::PathBuf;

use specdiff::ChangeKind::{self, *};
use specdiff::Severity::{self, Breaking, NonBreaking};
use specdiff::{Bump, Location, Report};

fn read(case: &str, side: &str) -> codegen::Spec {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(case)
        .join(format!("{side}.yaml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    codegen::Spec::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn fixture(case: &str) -> Report {
    specdiff::diff(&read(case, "old"), &read(case, "new"))
}

/// Kind, location as text and severity of every change, in report order.
fn changes(report: &Report) -> Vec<(ChangeKind, String, Severity)> {
    report
        .changes
        .iter()
        .map(|c| (c.kind, c.location.to_string(), c.severity))
        .collect()
}

fn expect(report: &Report, expected: &[(ChangeKind, &str, Severity)]) {
    let expected: Vec<(ChangeKind, String, Severity)> = expected
        .iter()
        .map(|(kind, location, severity)| (*kind, (*location).to_owned(), *severity))
        .collect();
    let actual = changes(report);
    if actual != expected {
        let details: Vec<String> = report
            .changes
            .iter()
            .map(|c| format!("  {:?} {} — {}", c.kind, c.location, c.detail))
            .collect();
        panic!(
            "expected\n{expected:#?}\ngot\n{actual:#?}\ndetails:\n{}",
            details.join("\n")
        );
    }
}

#[test]
fn operations_added_removed_renamed_and_moved() {
    let report = fixture("operations");
    expect(
        &report,
        &[
            (OperationRenamed, "GET /pets (getPets)", Breaking),
            (OperationMoved, "POST /pets (createPet)", Breaking),
            (OperationAdded, "GET /pets/{petId} (getPet)", NonBreaking),
            (
                OperationRemoved,
                "DELETE /pets/{petId} (deletePet)",
                Breaking,
            ),
        ],
    );
    let added = report.of_kind(OperationAdded).next().unwrap();
    assert_eq!(added.detail, "new client method: Get a pet");
    assert!(report.has_breaking());
}

#[test]
fn parameters() {
    let op = "GET /items/{itemId} (getItem)";
    let report = fixture("parameters");
    expect(
        &report,
        &[
            (
                ParameterAdded,
                &format!("{op}, header parameter X-Tenant"),
                Breaking,
            ),
            // header -> query: same method signature, so not breaking for the Rust client.
            (
                ParameterLocationChanged,
                &format!("{op}, query parameter X-Trace"),
                NonBreaking,
            ),
            // `format: email` is still a `String`.
            (
                ParameterTypeChanged,
                &format!("{op}, query parameter email"),
                NonBreaking,
            ),
            (
                ParameterRemoved,
                &format!("{op}, query parameter gone"),
                Breaking,
            ),
            (
                ParameterTypeChanged,
                &format!("{op}, query parameter ids"),
                Breaking,
            ),
            (
                ParameterRequiredChanged,
                &format!("{op}, query parameter later"),
                Breaking,
            ),
            (
                ParameterTypeChanged,
                &format!("{op}, query parameter limit"),
                Breaking,
            ),
            (
                ParameterRequiredChanged,
                &format!("{op}, query parameter soon"),
                Breaking,
            ),
            (
                ParameterAdded,
                &format!("{op}, query parameter sort"),
                NonBreaking,
            ),
            (
                EnumValueAdded,
                &format!("{op}, query parameter status"),
                NonBreaking,
            ),
            (
                EnumValueRemoved,
                &format!("{op}, query parameter status"),
                Breaking,
            ),
            // A renamed path parameter keeps the operation and changes its argument.
            (
                ParameterRemoved,
                "GET /things/{thingId} (getThing), path parameter id",
                Breaking,
            ),
            (
                ParameterAdded,
                "GET /things/{thingId} (getThing), path parameter thingId",
                Breaking,
            ),
        ],
    );
    let limit = report
        .changes
        .iter()
        .find(|c| c.location.to_string().ends_with("parameter limit"))
        .unwrap();
    assert_eq!(
        limit.detail,
        "`integer(int32)` → `integer(int64)`: the Rust type changes from `i32` to `i64`"
    );
    let ids = report
        .changes
        .iter()
        .find(|c| c.location.to_string().ends_with("parameter ids"))
        .unwrap();
    assert_eq!(
        ids.detail,
        "`array of integer(int32)` → `array of integer(int64)`: the Rust type changes from `Vec<i32>` to `Vec<i64>`"
    );
}

#[test]
fn request_bodies() {
    expect(
        &fixture("request_bodies"),
        &[
            (RequestBodyAdded, "POST /a (postA), request body", Breaking),
            (
                RequestBodyAdded,
                "POST /b (postB), request body",
                NonBreaking,
            ),
            (
                RequestBodyRemoved,
                "POST /c (postC), request body",
                Breaking,
            ),
            (
                RequestBodyRequiredChanged,
                "POST /d (postD), request body",
                Breaking,
            ),
            (
                RequestBodyTypeChanged,
                "POST /e (postE), request body",
                Breaking,
            ),
            (
                RequestBodyTypeChanged,
                "POST /f (postF), request body",
                Breaking,
            ),
            // Inline body: a newly required member must be sent, an optional one need not.
            (PropertyAdded, "POST /g (postG), request body age", Breaking),
            (
                PropertyAdded,
                "POST /g (postG), request body note",
                NonBreaking,
            ),
            // Multipart parts are arguments (required) or setters (optional) of the method.
            (
                PropertyAdded,
                "POST /h (postH), request body comment",
                NonBreaking,
            ),
            (
                PropertyRequiredChanged,
                "POST /h (postH), request body file",
                Breaking,
            ),
            (
                PropertyRemoved,
                "POST /h (postH), request body old",
                Breaking,
            ),
            (
                PropertyAdded,
                "POST /h (postH), request body tags",
                Breaking,
            ),
            (
                PropertyTypeChanged,
                "POST /h (postH), request body title",
                Breaking,
            ),
            (SchemaAdded, "Upload", NonBreaking),
        ],
    );
}

#[test]
fn success_responses() {
    // `/e` changes only its 404 body: error types are not compared.
    expect(
        &fixture("responses"),
        &[
            (ResponseTypeChanged, "GET /a (getA), response", Breaking),
            (ResponseTypeChanged, "GET /b (getB), response", Breaking),
            // A required member in a type that is only received decodes fine.
            (PropertyAdded, "GET /c (getC), response kind", NonBreaking),
            (PropertyRemoved, "GET /c (getC), response name", Breaking),
            (PropertyAdded, "GET /c (getC), response tag", NonBreaking),
            (ResponseTypeChanged, "GET /d (getD), response", Breaking),
        ],
    );
}

#[test]
fn schemas_added_removed_and_retyped() {
    let report = fixture("schemas");
    expect(
        &report,
        &[
            (SchemaTypeChanged, "Alias", Breaking),
            (SchemaAdded, "Fresh", NonBreaking),
            (SchemaRemoved, "Gone", Breaking),
            (EnumValueAdded, "Kind", NonBreaking),
            (EnumValueRemoved, "Kind", Breaking),
            (SchemaTypeChanged, "Shape", Breaking),
            (SchemaTypeChanged, "Tags", Breaking),
        ],
    );
    let removed = report.of_kind(SchemaRemoved).next().unwrap();
    assert_eq!(
        removed.location,
        Location::Schema {
            name: "Gone".into(),
            member: String::new()
        }
    );
    let added = report.of_kind(EnumValueAdded).next().unwrap();
    assert_eq!(
        added.detail,
        "`fish`: new variant; clients built before this decode it as `Unknown`"
    );
}

#[test]
fn properties() {
    let report = fixture("properties");
    expect(
        &report,
        &[
            (PropertyAdded, "Owner.since", NonBreaking),
            // Inline objects are compared member by member, at their path.
            (PropertyTypeChanged, "Pet.address.city", Breaking),
            (PropertyRemoved, "Pet.address.street", Breaking),
            (PropertyAdded, "Pet.address.zip", NonBreaking),
            // string -> date narrows the type, and the Rust type becomes `NaiveDate`.
            (PropertyTypeChanged, "Pet.born", Breaking),
            // `Pet` is only received: a new required field decodes fine.
            (PropertyAdded, "Pet.chipId", NonBreaking),
            // `Option<String>` -> `String`.
            (PropertyRequiredChanged, "Pet.color", Breaking),
            (PropertyTypeChanged, "Pet.email", NonBreaking),
            // int32 -> int64 widens, but `i32` -> `i64` still breaks code.
            (PropertyTypeChanged, "Pet.id", Breaking),
            (PropertyNullableChanged, "Pet.legs", Breaking),
            (EnumValueAdded, "Pet.mood", NonBreaking),
            (PropertyRequiredChanged, "Pet.name", Breaking),
            // Nullable: `Option<String>` before and after.
            (PropertyRequiredChanged, "Pet.nick", NonBreaking),
            (PropertyAdded, "Pet.note", NonBreaking),
            // Compared by referenced schema name.
            (PropertyTypeChanged, "Pet.owner", Breaking),
            (PropertyAdded, "Pet.phones[].kind", NonBreaking),
            (PropertyNullableChanged, "Pet.spots", Breaking),
            (PropertyRemoved, "Pet.tag", Breaking),
            (PropertyNullableChanged, "Pet.weight", NonBreaking),
            (PropertyAdded, "PetInput.nickname", NonBreaking),
            // `PetInput` is a request body: the server now refuses requests without it.
            (PropertyAdded, "PetInput.species", Breaking),
        ],
    );
    let detail = |location: &str, kind| {
        report
            .changes
            .iter()
            .find(|c| c.location.to_string() == location && c.kind == kind)
            .unwrap()
            .detail
            .clone()
    };
    assert_eq!(
        detail("Pet.color", PropertyRequiredChanged),
        "optional → required: the field changes from `Option<String>` to `String`"
    );
    assert_eq!(
        detail("Pet.legs", PropertyNullableChanged),
        "now nullable: the field changes from `i64` to `Option<i64>`"
    );
    assert_eq!(
        detail("Pet.born", PropertyTypeChanged),
        "`string` → `string(date)`: the Rust type changes from `String` to `NaiveDate`"
    );
    assert_eq!(
        detail("Pet.email", PropertyTypeChanged),
        "`string` → `string(email)`; the Rust type stays `String`"
    );
}

#[test]
fn references_are_compared_by_name_and_3_1_forms_are_normalised() {
    // `oneOf: [X, null]` and `type: [T, null]` are nullability, not a new type; a `$ref` whose
    // description changed is the same type; a change inside `Toy` is reported at `Toy` only,
    // not at `Pet.toy`; `Dog` merges `Base` by `allOf`, so `Dog` gains the field too.
    expect(
        &fixture("refs"),
        &[
            (PropertyAdded, "Base.createdAt", NonBreaking),
            (PropertyAdded, "Dog.createdAt", NonBreaking),
            (PropertyNullableChanged, "Pet.name", NonBreaking),
            (PropertyNullableChanged, "Pet.owner", NonBreaking),
            (PropertyAdded, "Toy.squeaks", NonBreaking),
        ],
    );
}

#[test]
fn odd_documents_give_a_report_not_a_panic() {
    // Dangling and foreign references, a path item given as `$ref`, `allOf` cycles (one of
    // them doubling at every step), `oneOf` next to `properties`, an `allOf` of a string:
    // codegen refuses to generate from these, but they parse, so the diff must cope.
    expect(
        &fixture("odd"),
        &[
            (
                RequestBodyTypeChanged,
                "GET /dangling (dangling), request body",
                Breaking,
            ),
            (PropertyTypeChanged, "Dangling.to", Breaking),
        ],
    );
}

#[test]
fn identical_documents_have_no_changes() {
    for case in ["operations", "properties", "refs", "odd"] {
        let spec = read(case, "new");
        let report = specdiff::diff(&spec, &spec);
        assert!(report.changes.is_empty(), "{case}: {:#?}", report.changes);
        assert!(!report.has_breaking());
        assert_eq!(report.bump(), Bump::None);
        assert_eq!(report.suggested_bump("0.3.1").unwrap(), "0.3.1");
        assert!(
            report
                .to_markdown()
                .contains("No changes that affect the generated client.")
        );
    }
}

#[test]
fn suggested_bump_follows_the_changes() {
    // Breaking: the major version, or the minor one below 1.0.
    let breaking = fixture("operations");
    assert_eq!(breaking.bump(), Bump::Major);
    assert_eq!(breaking.suggested_bump("0.4.2").unwrap(), "0.5.0");
    assert_eq!(breaking.suggested_bump("1.4.2").unwrap(), "2.0.0");
    // Additions only: the minor version, or the patch one below 1.0.
    let additions = fixture("refs");
    assert!(!additions.has_breaking());
    assert_eq!(additions.bump(), Bump::Minor);
    assert_eq!(additions.suggested_bump("0.4.2").unwrap(), "0.4.3");
    assert_eq!(additions.suggested_bump("1.4.2").unwrap(), "1.5.0");
    assert!(additions.suggested_bump("next").is_err());
}

#[test]
fn counts() {
    let counts = fixture("parameters").counts();
    assert_eq!(
        (counts.breaking, counts.non_breaking, counts.total()),
        (9, 4, 13)
    );
    assert_eq!(counts.of(ParameterAdded), 3);
    assert_eq!(counts.of(ParameterTypeChanged), 3);
    assert_eq!(counts.of(OperationAdded), 0);
}

#[test]
fn the_order_is_deterministic_and_by_location() {
    let first = fixture("properties");
    let second = fixture("properties");
    assert_eq!(first, second);
    let locations: Vec<&Location> = first.changes.iter().map(|c| &c.location).collect();
    assert!(
        locations.windows(2).all(|pair| pair[0] <= pair[1]),
        "{locations:#?}"
    );
}

#[test]
fn json_has_stable_field_names() {
    let json = fixture("parameters").to_json();
    assert_eq!(
        json["old"],
        serde_json::json!({"title": "Items", "version": "1.0.0"})
    );
    assert_eq!(json["has_breaking"], true);
    assert_eq!(json["counts"]["total"], 13);
    assert_eq!(json["counts"]["by_kind"]["parameter_added"], 3);
    assert_eq!(
        json["changes"][0],
        serde_json::json!({
            "kind": "parameter_added",
            "severity": "breaking",
            "location": {
                "text": "GET /items/{itemId} (getItem), header parameter X-Tenant",
                "scope": "parameter",
                "method": "GET",
                "path": "/items/{itemId}",
                "operation_id": "getItem",
                "parameter": "X-Tenant",
                "in": "header",
                "member": "",
            },
            "detail": "required `string`: the method takes a new argument",
        })
    );
    let schema_change = &fixture("properties").to_json()["changes"][1];
    assert_eq!(
        schema_change["location"],
        serde_json::json!({"text": "Pet.address.city", "scope": "schema", "schema": "Pet", "member": "address.city"})
    );
}

#[test]
fn markdown_summary() {
    insta::assert_snapshot!(fixture("operations").to_markdown(), @r"
    ## API changes: Pets 1.0.0 → 1.1.0

    **3 breaking** and 1 non-breaking change (4 in total).

    Release: breaking; bump the major version (the minor version while below 1.0).

    | change | breaking | non-breaking |
    |---|---:|---:|
    | operation added | 0 | 1 |
    | operation removed | 1 | 0 |
    | operation renamed | 1 | 0 |
    | operation moved | 1 | 0 |

    ### Breaking changes (3)

    - `GET /pets` (getPets): operation renamed — `listPets` → `getPets`: the client method and its request builder are renamed
    - `POST /pets` (createPet): operation moved — tag `pets` → `animals`: the method moves to another group of the client
    - `DELETE /pets/{petId}` (deletePet): operation removed — the client method is removed (Delete a pet)

    ### Non-breaking changes (1)

    - `GET /pets/{petId}` (getPet): operation added — new client method: Get a pet
    ");
}

#[test]
fn a_document_that_does_not_parse_gets_the_generators_error() {
    // specdiff takes parsed documents: the error is codegen's own, pointer included.
    let error = codegen::Spec::parse(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {/a: {get: {responses: 5}}}\n",
    )
    .unwrap_err();
    assert!(
        error.to_string().starts_with("#/paths/~1a/get/responses: "),
        "{error}"
    );
}
