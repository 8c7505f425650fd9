//! A wrong expectation fails, and says what was expected and what arrived: a body that differs
//! (compared as the typed model), a path value, a query value, a scenario state, a used-up
//! expectation, a request nothing is mounted for; an `expect(1)` never called fails `verify`;
//! dropping the server fails the test even when the code under test swallowed the error; and a
//! status the operation does not document is refused when the expectation is written.

use std::panic::{AssertUnwindSafe, catch_unwind};

use magicline::mock::{MockServer, Scenario};
use magicline::models::{
    Customer, CustomerContactData, CustomerSlicedResult, ErrorResponse,
    PendingContactDataAmendment as Pending,
};

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(message) => *message,
        Err(payload) => payload
            .downcast::<&str>()
            .map(|message| (*message).to_owned())
            .unwrap_or_default(),
    }
}

/// What the server answered the client, for a request no expectation matched.
fn unmatched_answer<E: std::fmt::Debug>(error: &magicline::Error<E>) -> String {
    assert_eq!(error.status().map(|s| s.as_u16()), Some(501), "{error:?}");
    String::from_utf8_lossy(error.raw_body().unwrap_or_default()).into_owned()
}

fn customer(id: i64) -> Customer {
    serde_json::from_value(
        serde_json::json!({"id": id, "status": "MEMBER", "accessRefusal": false}),
    )
    .expect("a minimal customer decodes")
}

fn contact(email: &str) -> CustomerContactData {
    CustomerContactData::default()
        .with_email(email)
        .with_phone_private_mobile("+49 170 0000000")
}

#[tokio::test]
async fn a_body_that_differs_is_reported_with_both_typed_values() {
    let mock = MockServer::start().await;
    mock.customers_self_service()
        .create_customer_contact_data_amendment(42, &contact("new@example.com"))
        .returns(&Pending::default())
        .expect(1)
        .await;

    let client = mock.client();
    let error = client
        .customers_self_service()
        .create_customer_contact_data_amendment(42, contact("typo@example.com"))
        .await
        .unwrap_err();

    // The client sees why at once, in the answer's body...
    let answer = unmatched_answer(&error);
    assert!(
        answer.contains("no expectation matched POST /v1/customers/42/self-service/contact-data"),
        "{answer}"
    );
    assert!(
        answer.contains("body: differs from the expected CustomerContactData"),
        "{answer}"
    );
    assert!(
        answer.contains(r#"at `email`: expected "new@example.com", received "typo@example.com""#),
        "{answer}"
    );
    assert!(
        answer.contains(
            r#"expected: {"email":"new@example.com","phonePrivateMobile":"+49 170 0000000"}"#
        ),
        "{answer}"
    );
    assert!(
        answer.contains(
            r#"received: {"email":"typo@example.com","phonePrivateMobile":"+49 170 0000000"}"#
        ),
        "{answer}"
    );

    // ...and the check lists it with the expectation left uncalled.
    let report = mock.check().unwrap_err().to_string();
    println!("{report}");
    assert!(
        report.contains("the mock server found 2 problem(s)"),
        "{report}"
    );
    assert!(
        report.contains("1. request #1: no expectation matched POST"),
        "{report}"
    );
    assert!(
        report.contains(r#"at `email`: expected "new@example.com", received "typo@example.com""#),
        "{report}"
    );
    assert!(
        report.contains(
            "2. expectation #1 createCustomerContactDataAmendment (POST /v1/customers/42/self-service/contact-data)"
        ),
        "{report}"
    );
    assert!(
        report.contains("expected exactly 1 call, received 0"),
        "{report}"
    );
    assert!(
        report.contains(
            "#1 POST /v1/customers/42/self-service/contact-data -> matched no expectation"
        ),
        "{report}"
    );
    mock.reset().await;
}

#[tokio::test]
async fn an_expectation_never_called_fails_verify() {
    let mock = MockServer::start().await;
    mock.customers_self_service()
        .withdraw_amendment(42, 7)
        .returns()
        .expect(1)
        .await;

    let message = panic_message(catch_unwind(AssertUnwindSafe(|| mock.verify())).unwrap_err());
    assert!(
        message.contains("withdrawAmendment (DELETE /v1/customers/42/self-service/amendment/7)"),
        "{message}"
    );
    assert!(
        message.contains("expected exactly 1 call, received 0"),
        "{message}"
    );
    assert!(
        message.contains("Requests received, in order: none"),
        "{message}"
    );
    mock.reset().await;
    mock.verify();
}

#[tokio::test]
async fn path_and_query_values_are_compared_as_sent() {
    let mock = MockServer::start().await;
    mock.customers()
        .get_customer_by_id(42)
        .returns(&customer(42))
        .await;
    mock.customers()
        .get_customers()
        .slice_size(50)
        .returns(&CustomerSlicedResult::default())
        .await;

    let client = mock.client();
    let error = client.customers().get_customer_by_id(43).await.unwrap_err();
    let answer = unmatched_answer(&error);
    assert!(
        answer.contains("path: expected /v1/customers/42, received /v1/customers/43"),
        "{answer}"
    );

    let error = client
        .customers()
        .get_customers()
        .slice_size(500)
        .await
        .unwrap_err();
    let answer = unmatched_answer(&error);
    assert!(
        answer.contains(r#"query `sliceSize`: expected "50", received "500""#),
        "{answer}"
    );
    assert_eq!(mock.check().unwrap_err().problems().len(), 2);
    mock.reset().await;
}

#[tokio::test]
async fn scenario_states_and_used_up_expectations_are_explained() {
    let mock = MockServer::start().await;
    let flow = Scenario::new("amendment");
    mock.customers_self_service()
        .withdraw_amendment(42, 7)
        .returns()
        .in_state(&flow, "pending")
        .await;
    mock.customers()
        .get_customer_by_id(42)
        .returns(&customer(42))
        .up_to_n_times(1)
        .await;

    let client = mock.client();
    let error = client
        .customers_self_service()
        .withdraw_amendment(42, 7)
        .await
        .unwrap_err();
    let answer = unmatched_answer(&error);
    assert!(
        answer.contains(
            "scenario `amendment` is in state `started`, this expectation needs `pending`"
        ),
        "{answer}"
    );

    let _ = client.customers().get_customer_by_id(42).await;
    let error = client.customers().get_customer_by_id(42).await.unwrap_err();
    let answer = unmatched_answer(&error);
    assert!(
        answer.contains("already answered 1 call(s), its limit (`up_to_n_times(1)`)"),
        "{answer}"
    );
    mock.reset().await;
}

#[tokio::test]
async fn a_request_for_an_unmocked_operation_lists_what_is_mounted() {
    let mock = MockServer::start().await;
    mock.customers()
        .get_customer_by_id(42)
        .returns(&customer(42))
        .await;

    let error = mock
        .client()
        .customers_self_service()
        .get_customer_contact_data(42)
        .await
        .unwrap_err();
    let answer = unmatched_answer(&error);
    assert!(
        answer.contains("no expectation has this method and path; mounted are:"),
        "{answer}"
    );
    assert!(
        answer.contains("#1 getCustomerById (GET /v1/customers/42)"),
        "{answer}"
    );
    mock.reset().await;
}

#[tokio::test]
async fn dropping_the_server_fails_even_when_the_code_swallowed_the_error() {
    let task = tokio::spawn(async {
        let mock = MockServer::start().await;
        // Code under test that ignores a failure (a "best effort" sync, say).
        let _ = mock.client().customers().get_customer_by_id(42).await;
        drop(mock);
    });
    let message = panic_message(task.await.unwrap_err().into_panic());
    assert!(
        message.contains("no expectation matched GET /v1/customers/42"),
        "{message}"
    );
    assert!(
        message.contains("(no expectations are mounted)"),
        "{message}"
    );
}

#[tokio::test]
async fn undocumented_statuses_are_refused_where_the_expectation_is_written() {
    let mock = MockServer::start().await;
    let body = ErrorResponse::default().with_error_message("teapot");
    let refused = catch_unwind(AssertUnwindSafe(|| {
        let _ = mock.customers().get_customer_by_id(42).fails(418, &body);
    }));
    let message = panic_message(refused.unwrap_err());
    assert!(
        message.contains("getCustomerById does not document status 418"),
        "{message}"
    );
    assert!(
        message.contains("documented: 400, 401, 403, 404, 409, 429, 500"),
        "{message}"
    );
}
