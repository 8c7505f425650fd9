//! Discriminated unions: the tag alone chooses the variant, an unknown tag keeps its JSON, and
//! encoding writes the tag of the variant (the caller never types it).

use fixture_discriminator::models::{
    Barcode, CardNumber, Code, Humidity, IdentifyRequestIdentification as Identification, Reading,
    Temperature,
};
use fixture_discriminator::runtime::{decode_json, serde_json};
use serde_json::json;

fn encoded<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap()
}

#[test]
fn the_tag_chooses_the_variant_not_the_order_of_alternatives() {
    // Every alternative has the same shape: only the tag tells them apart.
    let barcode: Identification = decode_json(br#"{"type":"BARCODE","value":"PSZEYAZ7"}"#).unwrap();
    assert_eq!(barcode, Identification::Barcode(Barcode::new("PSZEYAZ7")));
    let pin: Identification = decode_json(br#"{"type":"PIN","value":"1234"}"#).unwrap();
    assert_eq!(pin, Identification::Pin(Code::new("1234")));
    let qr: Identification = decode_json(br#"{"type":"QR_CODE","value":"1234"}"#).unwrap();
    assert_eq!(qr, Identification::QrCode(Code::new("1234")));
}

#[test]
fn implicit_tags_by_schema_name_and_by_the_one_value_allowed() {
    let reading: Reading = decode_json(br#"{"kind":"Temperature","celsius":21.5}"#).unwrap();
    assert_eq!(
        reading,
        Reading::Temperature(Temperature::default().with_celsius(21.5))
    );
    let reading: Reading = decode_json(br#"{"kind":"humidity","percent":40}"#).unwrap();
    assert_eq!(
        reading,
        Reading::Humidity(Humidity::default().with_percent(40.0))
    );
}

#[test]
fn an_unknown_tag_keeps_the_json_as_sent() {
    let raw = br#"{"type":"IRIS","scan":{"left":true}}"#;
    let unknown: Identification = decode_json(raw).unwrap();
    assert!(unknown.is_unknown());
    assert_eq!(unknown.tag(), Some("IRIS"));
    assert_eq!(
        unknown,
        Identification::Unknown(json!({"type": "IRIS", "scan": {"left": true}}))
    );
    assert_eq!(
        encoded(&unknown),
        json!({"type": "IRIS", "scan": {"left": true}})
    );
}

#[test]
fn a_known_tag_whose_fields_do_not_fit_is_an_error_not_another_variant() {
    let error = decode_json::<Identification>(br#"{"type":"BARCODE"}"#).unwrap_err();
    assert!(error.to_string().contains("value"), "{error}");
    let error = decode_json::<Identification>(br#"{"value":"x"}"#).unwrap_err();
    assert!(
        error.to_string().contains("missing field `type`"),
        "{error}"
    );
}

#[test]
fn encoding_writes_the_tag_of_the_variant() {
    assert_eq!(
        encoded(&Identification::Barcode(Barcode::new("PSZEYAZ7"))),
        json!({"type": "BARCODE", "value": "PSZEYAZ7"})
    );
    assert_eq!(
        encoded(&Identification::Number(CardNumber::new("42"))),
        json!({"type": "NUMBER", "value": "42"})
    );
    // One schema, two tags: the variant says which.
    assert_eq!(
        encoded(&Identification::Pin(Code::new("1"))),
        json!({"type": "PIN", "value": "1"})
    );
    assert_eq!(
        encoded(&Identification::QrCode(Code::new("1"))),
        json!({"type": "QR_CODE", "value": "1"})
    );
    // A struct that one tag names writes it wherever it is used.
    assert_eq!(
        encoded(&Barcode::new("P")),
        json!({"type": "BARCODE", "value": "P"})
    );
}

#[test]
fn the_tag_is_not_kept_twice_among_extra_properties() {
    let barcode: Identification =
        decode_json(br#"{"type":"BARCODE","value":"P","reader":"front"}"#).unwrap();
    let Identification::Barcode(inner) = &barcode else {
        panic!("decoded as {barcode:?}");
    };
    assert_eq!(inner.additional_properties.len(), 1);
    let text = serde_json::to_string(&barcode).unwrap();
    assert_eq!(text.matches("\"type\"").count(), 1, "{text}");
    assert_eq!(
        encoded(&barcode),
        json!({"type": "BARCODE", "value": "P", "reader": "front"})
    );
}
