//! The Device API's identification contents are a `oneOf` told apart by the `type` tag alone
//! (every content is `{type, value}`): the tag chooses the variant, a tag the client does not
//! know keeps its JSON, and encoding writes the variant's tag, which the caller never types.

use magicline_device::models::{
    BarcodeContent, CardNumberContent, PinContent, VendingReaderSaleRequest,
    VendingReaderSaleRequestIdentification as Identification,
};
use magicline_device::runtime::{decode_json, serde_json};
use serde_json::json;

#[test]
fn a_barcode_decodes_as_the_barcode_variant() {
    let decoded: Identification = decode_json(br#"{"type":"BARCODE","value":"PSZEYAZ7"}"#).unwrap();
    assert_eq!(
        decoded,
        Identification::Barcode(BarcodeContent::new("PSZEYAZ7"))
    );
    let decoded: Identification = decode_json(br#"{"type":"PIN","value":"12378"}"#).unwrap();
    assert_eq!(decoded, Identification::Pin(PinContent::new("12378")));
}

#[test]
fn an_unknown_tag_keeps_the_value_as_sent() {
    let decoded: Identification =
        decode_json(br#"{"type":"FACE_ID","value":"f-1","confidence":0.98}"#).unwrap();
    assert!(decoded.is_unknown());
    assert_eq!(decoded.tag(), Some("FACE_ID"));
    let kept = json!({"type": "FACE_ID", "value": "f-1", "confidence": 0.98});
    assert_eq!(decoded, Identification::Unknown(kept.clone()));
    assert_eq!(serde_json::to_value(&decoded).unwrap(), kept);
}

#[test]
fn a_sale_is_sent_with_the_tag_of_its_identification() {
    let sale = |identification| {
        serde_json::to_value(VendingReaderSaleRequest::new(
            identification,
            "t-1",
            "1",
            1.29,
        ))
        .unwrap()["identification"]
            .clone()
    };
    assert_eq!(
        sale(Identification::Barcode(BarcodeContent::new("PSZEYAZ7"))),
        json!({"type": "BARCODE", "value": "PSZEYAZ7"})
    );
    assert_eq!(
        sale(Identification::Number(CardNumberContent::new("1233588160"))),
        json!({"type": "NUMBER", "value": "1233588160"})
    );
}

#[test]
fn what_is_sent_decodes_as_the_same_variant() {
    for identification in [
        Identification::Barcode(BarcodeContent::new("PSZEYAZ7")),
        Identification::Number(CardNumberContent::new("1233588160")),
        Identification::Pin(PinContent::new("12378")),
    ] {
        let text = serde_json::to_vec(&identification).unwrap();
        assert_eq!(
            decode_json::<Identification>(&text).unwrap(),
            identification
        );
    }
}
