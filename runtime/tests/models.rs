//! Model helpers as generated code uses them: serde attributes, enums, error bodies.

use openapi_client_runtime::{
    DateTime, OneOrMany, ParamValue, StringEnum, chrono, decode_json, serde_json,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Event {
    at: DateTime,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    until: Option<DateTime>,
}

#[test]
fn date_time_round_trips_every_form_unchanged() {
    for text in [
        "2024-06-13T10:33:00Z",
        "2023-12-03T10:15:30+01:00",
        "2022-06-15T23:59:59.999+02:00[Europe/Berlin]",
        "2025-09-21T00:00:00",
    ] {
        let json = format!(r#"{{"at":"{text}"}}"#);
        let event: Event = serde_json::from_str(&json).unwrap();
        assert_eq!(event.at.as_str(), text);
        assert_eq!(event.at.to_string(), text);
        assert_eq!(serde_json::to_string(&event).unwrap(), json);
        assert_eq!(text.parse::<DateTime>().unwrap(), event.at);
    }
}

#[test]
fn date_time_accessors() {
    let zoned: DateTime = "2022-06-15T23:59:59.999+02:00[Europe/Berlin]"
        .parse()
        .unwrap();
    assert_eq!(zoned.zone(), Some("Europe/Berlin"));
    let instant = zoned.offset_date_time().unwrap();
    assert_eq!(
        instant.to_utc().to_rfc3339(),
        "2022-06-15T21:59:59.999+00:00"
    );
    assert_eq!(
        zoned.naive_local(),
        chrono::NaiveDate::from_ymd_opt(2022, 6, 15)
            .unwrap()
            .and_hms_milli_opt(23, 59, 59, 999)
            .unwrap()
    );

    let local: DateTime = "2025-09-21T00:00:00".parse().unwrap();
    assert_eq!(local.offset_date_time(), None);
    assert_eq!(local.zone(), None);
}

#[test]
fn date_time_from_chrono() {
    let utc = chrono::DateTime::parse_from_rfc3339("2024-06-13T10:33:00Z")
        .unwrap()
        .to_utc();
    let from_utc = DateTime::from(utc);
    assert_eq!(from_utc.as_str(), "2024-06-13T10:33:00Z");
    assert_eq!(from_utc.offset_date_time().unwrap(), utc);

    let fixed = chrono::DateTime::parse_from_rfc3339("2023-12-03T10:15:30.5+01:00").unwrap();
    assert_eq!(
        DateTime::from(fixed).as_str(),
        "2023-12-03T10:15:30.500+01:00"
    );

    let naive = chrono::NaiveDate::from_ymd_opt(2025, 9, 21)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let from_naive = DateTime::from(naive);
    assert_eq!(from_naive.as_str(), "2025-09-21T00:00:00");
    // Whatever `From` produces must parse back to the same value.
    assert_eq!(from_naive.as_str().parse::<DateTime>().unwrap(), from_naive);
    assert_eq!(from_utc.as_str().parse::<DateTime>().unwrap(), from_utc);
}

#[test]
fn date_time_rejects_garbage() {
    for json in [
        r#"{"at":"garbage"}"#,
        r#"{"at":"2024-06-13"}"#,
        r#"{"at":"2024-06-31T10:00:00Z"}"#,
        r#"{"at":"2024-06-13T10:33:00+02:00[Europe/Berlin"}"#,
        r#"{"at":1718274780}"#,
    ] {
        let err = serde_json::from_str::<Event>(json).unwrap_err();
        assert!(err.is_data(), "{json}: {err}");
    }
    let err = decode_json::<Event>(br#"{"at":"2024-06-13T10:33:00Z","until":"nope"}"#).unwrap_err();
    assert_eq!(err.path, "until");
    assert!(err.message.contains("nope"), "{}", err.message);
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Address {
    #[serde(deserialize_with = "openapi_client_runtime::lenient::string")]
    street: String,
    #[serde(
        default,
        deserialize_with = "openapi_client_runtime::lenient::option_string"
    )]
    house_number: Option<String>,
    #[serde(
        default,
        deserialize_with = "openapi_client_runtime::lenient::option_string"
    )]
    door: Option<String>,
}

#[test]
fn lenient_strings_accept_the_spec_example() {
    let a: Address =
        serde_json::from_str(r#"{"street":"Hauptstr.","houseNumber":89,"door":null}"#).unwrap();
    assert_eq!(a.street, "Hauptstr.");
    assert_eq!(a.house_number.as_deref(), Some("89"));
    assert_eq!(a.door, None);

    let a: Address =
        serde_json::from_str(r#"{"street":12.5,"houseNumber":"89a","door":true}"#).unwrap();
    assert_eq!(a.street, "12.5");
    assert_eq!(a.house_number.as_deref(), Some("89a"));
    assert_eq!(a.door.as_deref(), Some("true"));

    let a: Address = serde_json::from_str(r#"{"street":false}"#).unwrap();
    assert_eq!(a.street, "false");
    assert_eq!(a.house_number, None);

    let err = decode_json::<Address>(br#"{"street":{"x":1}}"#).unwrap_err();
    assert_eq!(err.path, "street");
}

/// Shaped like a generated model: no per-field attributes, `decode_json` makes it lenient.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PlainAddress {
    street: String,
    #[serde(default)]
    house_number: Option<String>,
    #[serde(default)]
    door: Option<String>,
}

#[test]
fn decode_json_makes_plain_models_lenient() {
    let a: Vec<PlainAddress> = decode_json(
        br#"[{"street":"Hauptstr.","houseNumber":89,"door":null},
             {"street":12.5,"houseNumber":"89a","door":true}]"#,
    )
    .unwrap();
    assert_eq!(a[0].house_number.as_deref(), Some("89"));
    assert_eq!(a[0].door, None);
    assert_eq!(a[1].street, "12.5");
    assert_eq!(a[1].door.as_deref(), Some("true"));

    let err =
        decode_json::<Vec<PlainAddress>>(br#"[{"street":1},{"street":{"x":1}}]"#).unwrap_err();
    assert_eq!(err.path, "[1].street");
    // Plain serde_json stays strict.
    assert!(serde_json::from_str::<PlainAddress>(r#"{"street":1}"#).is_err());
}

/// Shaped like a generated enum.
#[derive(Debug, Clone, PartialEq)]
enum ContractStatus {
    Active,
    Inactive,
    Unknown(String),
}

impl StringEnum for ContractStatus {
    const VARIANTS: &'static [Self] = &[ContractStatus::Active, ContractStatus::Inactive];
    const WIRE_VALUES: &'static [&'static str] = &["ACTIVE", "INACTIVE"];

    fn unknown(value: String) -> Self {
        ContractStatus::Unknown(value)
    }

    fn unknown_value(&self) -> Option<&str> {
        match self {
            ContractStatus::Unknown(value) => Some(value),
            _ => None,
        }
    }
}

impl Serialize for ContractStatus {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        openapi_client_runtime::string_enum::serialize(self, s)
    }
}

impl<'de> Deserialize<'de> for ContractStatus {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        openapi_client_runtime::string_enum::deserialize(d)
    }
}

#[test]
fn string_enum_falls_back_to_unknown_and_round_trips() {
    let statuses: Vec<ContractStatus> =
        serde_json::from_str(r#"["ACTIVE","INACTIVE","PAUSED_BY_SERVER"]"#).unwrap();
    assert_eq!(
        statuses,
        [
            ContractStatus::Active,
            ContractStatus::Inactive,
            ContractStatus::Unknown("PAUSED_BY_SERVER".into())
        ]
    );
    assert_eq!(
        serde_json::to_string(&statuses).unwrap(),
        r#"["ACTIVE","INACTIVE","PAUSED_BY_SERVER"]"#
    );
    let err = decode_json::<Vec<ContractStatus>>(br#"["ACTIVE",3]"#).unwrap_err();
    assert_eq!(err.path, "[1]");
}

#[test]
fn string_enums_are_parameter_values() {
    // Compiles only if the blanket `impl<T: StringEnum> ParamValue for T` is usable from a
    // downstream crate, which is what generated code is.
    let mut out = Vec::new();
    let value = Some(vec![
        ContractStatus::Active,
        ContractStatus::Unknown("X".into()),
    ]);
    value.for_each_value(&mut |v| out.push(v.to_owned()));
    ContractStatus::Inactive.for_each_value(&mut |v| out.push(v.to_owned()));
    assert_eq!(out, ["ACTIVE", "X", "INACTIVE"]);
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct ErrorResponse {
    message: String,
}

#[test]
fn one_or_many_decodes_both_connect_api_shapes() {
    let one: OneOrMany<ErrorResponse> = decode_json(br#"{"message":"bad"}"#).unwrap();
    assert!(matches!(one, OneOrMany::One(_)));
    let many: OneOrMany<ErrorResponse> =
        decode_json(br#"[{"message":"a"},{"message":"b"}]"#).unwrap();
    assert!(matches!(many, OneOrMany::Many(_)));
    let messages: Vec<_> = one
        .iter()
        .chain(&many)
        .map(|e| e.message.as_str())
        .collect();
    assert_eq!(messages, ["bad", "a", "b"]);
    assert_eq!(many.into_vec().len(), 2);

    let err = decode_json::<OneOrMany<ErrorResponse>>(br#"[{"message":"a"},{}]"#).unwrap_err();
    assert_eq!(err.path, "[1]");
}
