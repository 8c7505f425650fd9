//! The Device API's typed mocks, as an integrator tests a vending machine's code: the sale is
//! answered as the test says, refusals come back as the documented error variants, and the
//! mock's client carries a placeholder bearer token (the API requires one).

use magicline_device::mock::MockServer;
use magicline_device::models::{
    ApiError, CardNumberContent, ErrorResponse, VendingReaderSaleRequest,
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
        .returns(&VendingReaderSaleResponse::default().with_authorized(true))
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
    let booked = client.vending().vending_sale(sale("t-1")).await.unwrap();
    assert_eq!(booked.authorized, Some(true));
    let error = client
        .vending()
        .vending_sale(sale("t-2"))
        .await
        .unwrap_err();
    assert_eq!(error.body(), Some(&ApiError::BadRequest(refusal)));
    assert!(error.to_string().ends_with("price differs"), "{error}");
}
