//! An operation whose success statuses carry different bodies decodes a response into the
//! variant of its status; a 2xx status it does not document has no variant.

use fixture_success_statuses::api::{StartExportSuccess, UpsertOrderSuccess};
use fixture_success_statuses::models::{Order, Receipt, StartExportAccepted};
use fixture_success_statuses::runtime::bytes::Bytes;
use fixture_success_statuses::runtime::{StatusCode, SuccessBody};

fn upsert(status: u16, body: &'static str) -> Option<UpsertOrderSuccess> {
    let status = StatusCode::from_u16(status).unwrap();
    UpsertOrderSuccess::from_status(status, &Bytes::from_static(body.as_bytes()))
        .map(|decoded| decoded.unwrap())
}

#[test]
fn a_created_body_is_the_created_variant() {
    assert_eq!(
        upsert(201, r#"{"orderId": 17}"#),
        Some(UpsertOrderSuccess::Created(
            Receipt::default().with_order_id("17")
        ))
    );
    assert_eq!(
        upsert(200, r#"{"id": "a", "total": 2.5}"#),
        Some(UpsertOrderSuccess::Ok(Order::new("a").with_total(2.5)))
    );
}

#[test]
fn no_content_is_the_variant_without_a_body() {
    assert_eq!(upsert(204, ""), Some(UpsertOrderSuccess::NoContent));
}

#[test]
fn an_undocumented_success_status_has_no_variant() {
    assert_eq!(upsert(202, r#"{"id": "a"}"#), None);
    assert_eq!(upsert(409, r#"{"reason": "closed"}"#), None);
}

#[test]
fn a_body_of_the_wrong_shape_says_where() {
    let status = StatusCode::from_u16(201).unwrap();
    let error = UpsertOrderSuccess::from_status(status, &Bytes::from_static(b"{}"))
        .unwrap()
        .unwrap_err();
    assert!(error.message.contains("orderId"), "{error}");
}

#[test]
fn bytes_json_and_a_range_each_have_their_variant() {
    let decode = |status: u16, body: &'static [u8]| {
        let status = StatusCode::from_u16(status).unwrap();
        StartExportSuccess::from_status(status, &Bytes::from_static(body)).map(Result::unwrap)
    };
    assert_eq!(
        decode(200, b"id,total\n"),
        Some(StartExportSuccess::Ok(Bytes::from_static(b"id,total\n")))
    );
    assert_eq!(
        decode(202, br#"{"jobId": "j1"}"#),
        Some(StartExportSuccess::Accepted(
            StartExportAccepted::default().with_job_id("j1")
        ))
    );
    assert_eq!(decode(207, b""), Some(StartExportSuccess::Success));
    // The JSON variant is asked for first; the bytes variant needs any other type too.
    assert_eq!(
        <StartExportSuccess as SuccessBody>::ACCEPT,
        "application/json, */*;q=0.8"
    );
}
