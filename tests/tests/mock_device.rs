//! The Device API's typed mocks, as an integrator tests a vending machine's code: the sale is
//! answered as the test says, refusals come back as the documented error variants, and the
//! mock's client carries a placeholder bearer token (the API requires one). A charge answered
//! `204` without a body is a success the caller tells apart from a checked sale's `200`.

use magicline_device::api::{TimeUsageSuccess, VendingSaleSuccess};
use magicline_device::mock::{MockServer, Response};
use magicline_device::models::{
    ApiError, CardNumberContent, ErrorResponse, TimeReaderUsageRequest,
    TimeReaderUsageRequestIdentification, TimeReaderUsageResponse, VendingReaderSaleRequest,
    VendingReaderSaleRequestIdentification, VendingReaderSaleResponse,
};

fn sale(transaction: &str) -> VendingReaderSaleRequest {
    VendingReaderSaleRequest::new(
        VendingReaderSaleRequestIdentification::Number(CardNumberContent::new("1233588160")),
        transaction,
        "1",
        1.29,
    )
}

#[tokio::test]
async fn a_sale_is_answered_and_a_refusal_is_the_typed_error() {
    let mock = MockServer::start().await;
    mock.vending()
        .vending_sale(&sale("t-1"))
        .returns(VendingSaleSuccess::Ok(
            VendingReaderSaleResponse::default().with_authorized(true),
        ))
        .expect(1)
        .await;
    let refusal = ErrorResponse::default().with_error_message("price differs");
    mock.vending()
        .vending_sale(&sale("t-2"))
        .fails(ApiError::BadRequest(refusal.clone()))
        .expect(1)
        .await;

    let client = mock.client();
    assert!(format!("{client:?}").contains("bearer_token: Some(\"<redacted>\")"));
    let checked = client.vending().vending_sale(sale("t-1")).await.unwrap();
    assert_eq!(
        checked,
        VendingSaleSuccess::Ok(VendingReaderSaleResponse::default().with_authorized(true))
    );
    let error = client
        .vending()
        .vending_sale(sale("t-2"))
        .await
        .unwrap_err();
    assert_eq!(error.body(), Some(&ApiError::BadRequest(refusal)));
    assert!(error.to_string().ends_with("price differs"), "{error}");
}

/// The executed sale is answered `204` with no body at all (a raw answer, not the typed
/// mock's): the client returns the `NoContent` success, not a decode error after the customer
/// was charged. The dry run of the same sale is answered `200` with its body.
#[tokio::test]
async fn an_executed_sale_answered_204_without_a_body_is_a_success() {
    let mock = MockServer::start().await;
    let execute = |execute: bool| {
        let mut sale = sale("t-3");
        sale.should_execute_action = Some(execute);
        sale
    };
    mock.vending()
        .vending_sale(&execute(false))
        .responds_with(Response::status(200).json(&serde_json::json!({"authorized": true})))
        .expect(1)
        .await;
    mock.vending()
        .vending_sale(&execute(true))
        .responds_with(Response::status(204))
        .expect(1)
        .await;

    let client = mock.client();
    let checked = client.vending().vending_sale(execute(false)).await;
    assert_eq!(
        checked.unwrap(),
        VendingSaleSuccess::Ok(VendingReaderSaleResponse::default().with_authorized(true))
    );
    let charged = client
        .vending()
        .vending_sale(execute(true))
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(charged.status().as_u16(), 204);
    assert_eq!(charged.body(), &VendingSaleSuccess::NoContent);
    mock.verify();
}

/// `timeUsage` too: `204` once the customer was charged for the time, `200` for a check.
#[tokio::test]
async fn a_time_usage_answered_204_without_a_body_is_a_success() {
    let mock = MockServer::start().await;
    let usage = |execute: bool| {
        let mut usage = TimeReaderUsageRequest::new(TimeReaderUsageRequestIdentification::Number(
            CardNumberContent::new("1233588160"),
        ))
        .with_duration_in_seconds(600);
        usage.should_execute_action = Some(execute);
        usage
    };
    mock.time()
        .time_usage(&usage(true))
        .responds_with(Response::status(204))
        .expect(1)
        .await;
    mock.time()
        .time_usage(&usage(false))
        .responds_with(Response::status(200).json(&serde_json::json!({"authorized": false})))
        .expect(1)
        .await;

    let client = mock.client();
    let charged = client.time().time_usage(usage(true)).await.unwrap();
    assert_eq!(charged, TimeUsageSuccess::NoContent);
    let checked = client.time().time_usage(usage(false)).await.unwrap();
    assert_eq!(
        checked,
        TimeUsageSuccess::Ok(TimeReaderUsageResponse::default().with_authorized(false))
    );
    mock.verify();
}
