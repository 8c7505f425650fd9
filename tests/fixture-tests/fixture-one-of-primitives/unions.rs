//! A union of primitives decodes to the alternative the value fits exactly, even when an
//! alternative listed earlier would accept it leniently (a string alternative takes numbers and
//! booleans as their text); leniency only decides when nothing fits exactly.

use fixture_one_of_primitives::models::SettingValue;

fn decode(json: &str) -> SettingValue {
    fixture_one_of_primitives::runtime::decode_json(json.as_bytes())
        .unwrap_or_else(|e| panic!("{json}: {e}"))
}

#[test]
fn each_value_takes_the_first_alternative_it_fits_exactly() {
    assert_eq!(decode(r#""text""#), SettingValue::String("text".to_owned()));
    assert_eq!(decode("5"), SettingValue::Integer(5));
    assert_eq!(decode("5000000000"), SettingValue::Integer2(5_000_000_000));
    assert_eq!(decode("1.5"), SettingValue::Number(1.5));
    assert_eq!(decode("true"), SettingValue::Bool(true));
    assert_eq!(
        decode(r#"["a", "b"]"#),
        SettingValue::StringList(vec!["a".to_owned(), "b".to_owned()])
    );
    // A date is also a string, and `String` comes first in the spec.
    assert_eq!(
        decode(r#""2024-01-31""#),
        SettingValue::String("2024-01-31".to_owned())
    );
}

#[test]
fn leniency_applies_when_nothing_fits_exactly() {
    assert_eq!(
        decode("[1, true]"),
        SettingValue::StringList(vec!["1".to_owned(), "true".to_owned()])
    );
}

#[test]
fn a_value_no_alternative_accepts_names_the_union() {
    let error = fixture_one_of_primitives::runtime::decode_json::<SettingValue>(br#"{"a": 1}"#)
        .unwrap_err();
    assert!(
        error.message.contains("untagged enum SettingValue"),
        "{error:?}"
    );
}

/// A union of scalars goes into a path or header as the alternative it holds, and the typed
/// mocks match it the same way.
#[tokio::test]
async fn a_union_of_scalars_is_written_as_the_alternative_it_holds() {
    use fixture_one_of_primitives::mock::MockServer;
    use fixture_one_of_primitives::models::PointId;

    let server = MockServer::start().await;
    let uuid = fixture_one_of_primitives::runtime::uuid::Uuid::from_u128(0xabc);
    server
        .settings()
        .get_point(PointId::Integer(7))
        .x_setting(SettingValue::Bool(true))
        .returns()
        .expect(1)
        .await;
    server
        .settings()
        .get_point(PointId::Uuid(uuid))
        .returns()
        .expect(1)
        .await;

    let client = server.client();
    client
        .settings()
        .get_point(PointId::Integer(7))
        .x_setting(SettingValue::Bool(true))
        .await
        .unwrap();
    client
        .settings()
        .get_point(PointId::Uuid(uuid))
        .await
        .unwrap();

    let requests = server
        .runtime()
        .wiremock()
        .received_requests()
        .await
        .expect("requests are recorded");
    let paths: Vec<&str> = requests.iter().map(|request| request.url.path()).collect();
    assert_eq!(
        paths,
        ["/points/7", "/points/00000000-0000-0000-0000-000000000abc"]
    );
    assert_eq!(requests[0].headers["x-setting"], "true");
    server.verify();
}
