//! Latency and faults from the typed mocks, to test retry and timeout handling offline: a `429`
//! with `Retry-After` followed by an answer, a rate limit that never ends, answers slower than
//! the client's timeout (retried for a GET, not for a POST), and a dropped connection.

use std::time::{Duration, Instant};

use magicline::mock::{MockServer, Response};
use magicline::models::{
    Customer, CustomerContactData, ErrorResponse, PendingContactDataAmendment,
};
use magicline::{Error, RetryPolicy};

fn customer(id: i64) -> Customer {
    serde_json::from_value(
        serde_json::json!({"id": id, "status": "MEMBER", "accessRefusal": false}),
    )
    .expect("a minimal customer decodes")
}

fn slow_down() -> ErrorResponse {
    ErrorResponse::default().with_error_message("Too many requests")
}

#[tokio::test]
async fn a_rate_limit_with_retry_after_is_waited_out() {
    let mock = MockServer::start().await;
    // `429` is documented for every Open API operation, so it is a typed answer; the header is
    // what makes the client wait exactly that long.
    mock.customers()
        .get_customer_by_id(42)
        .fails(429, &slow_down())
        .with_header("Retry-After", "1")
        .up_to_n_times(1)
        .expect(1)
        .await;
    let answered = mock
        .customers()
        .get_customer_by_id(42)
        .returns(&customer(42))
        .expect(1)
        .await;

    let started = Instant::now();
    let found = mock
        .client()
        .customers()
        .get_customer_by_id(42)
        .await
        .unwrap();
    assert_eq!(found.id, 42);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "the client did not wait for Retry-After"
    );
    assert_eq!(answered.calls(), 1);
    mock.verify();
}

#[tokio::test]
async fn a_rate_limit_that_does_not_end_is_reported_after_the_last_attempt() {
    let mock = MockServer::start().await;
    mock.customers()
        .get_customer_by_id(42)
        .fails(429, &slow_down())
        .with_header("Retry-After", "0")
        .expect(3)
        .await;

    let error = mock
        .client()
        .customers()
        .get_customer_by_id(42)
        .await
        .unwrap_err();
    assert!(error.is_rate_limited(), "{error:?}");
    assert_eq!(error.attempts(), 3);
    assert_eq!(error.body(), Some(&slow_down()));
    mock.verify();
}

#[tokio::test]
async fn an_undocumented_unavailable_answer_is_retried() {
    let mock = MockServer::start().await;
    mock.customers()
        .get_customer_by_id(42)
        .responds_with(Response::status(503).with_header("Retry-After", "0"))
        .up_to_n_times(1)
        .expect(1)
        .await;
    mock.customers()
        .get_customer_by_id(42)
        .returns(&customer(42))
        .expect(1)
        .await;

    let found = mock
        .client()
        .customers()
        .get_customer_by_id(42)
        .await
        .unwrap();
    assert_eq!(found.id, 42);
    mock.verify();
}

#[tokio::test]
async fn slow_answers_time_out_and_idempotent_requests_are_retried() {
    let mock = MockServer::start().await;
    mock.customers()
        .get_customer_by_id(42)
        .returns(&customer(42))
        .delay(Duration::from_secs(5))
        .expect(3)
        .await;
    let client = mock
        .client_builder()
        .timeout(Duration::from_millis(200))
        .retry(RetryPolicy::new().initial_backoff(Duration::from_millis(1)))
        .build()
        .unwrap();

    let error = client.customers().get_customer_by_id(42).await.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(error.attempts(), 3);
    mock.verify();
}

#[tokio::test]
async fn a_slow_post_is_not_sent_twice() {
    let mock = MockServer::start().await;
    let change = CustomerContactData::default().with_email("new@example.com");
    mock.customers_self_service()
        .create_customer_contact_data_amendment(42, &change)
        .returns(&PendingContactDataAmendment::default())
        .delay(Duration::from_secs(5))
        .expect(1)
        .await;
    let client = mock
        .client_builder()
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();

    let error = client
        .customers_self_service()
        .create_customer_contact_data_amendment(42, change.clone())
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(error.attempts(), 1);
    mock.verify();
}

#[tokio::test]
async fn a_dropped_connection_is_a_transport_error() {
    let mock = MockServer::start().await;
    mock.customers()
        .get_customer_by_id(42)
        .responds_with(Response::connection_reset())
        .expect(1..)
        .await;

    let error = mock
        .client()
        .customers()
        .get_customer_by_id(42)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    mock.verify();
}
