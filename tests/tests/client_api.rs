//! The client API 1.0 surface, used as a downstream crate uses it: retries by what the server
//! may have done, the API key kept on its host, no default base URL, `'static` requests and
//! streams, per-call settings and response metadata, `Option` setters, error bodies that do not
//! match their schema, resumable pagination, the `Result` alias, one way to read Connect errors,
//! `from_json` and `DateTime` equality.
//!
//! Servers here count what reaches them (wiremock on 127.0.0.1 and 127.0.0.2, and raw TCP
//! listeners for failures wiremock cannot produce).

use std::collections::HashSet;
use std::future::IntoFuture;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::TryStreamExt;
use magicline::models::{CommunicationThreadRequest, Customer, ErrorResponse};
use magicline::runtime::futures::stream::BoxStream;
use magicline::{BuildError, DateTime, Error, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "sk_live_KEY_THAT_MUST_STAY_HOME";

const THREAD_PATH: &str = "/v1/communications/1/threads/2";

const THREAD_RESPONSE: &str = r#"{"customerId": 1, "communicationId": 3, "threadId": 2,
    "communicationThreadStatus": "ONGOING", "subject": "Invoice", "content": "Refunded",
    "communicationDirection": "OUTGOING", "communicationChannel": "EMAIL"}"#;

fn fast_retry() -> RetryPolicy {
    RetryPolicy::new()
        .max_attempts(3)
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(10))
}

fn client(base_url: &str) -> magicline::Client {
    magicline::Client::builder()
        .base_url(base_url)
        .api_key(KEY)
        .retry(fast_retry())
        .build()
        .unwrap()
}

/// A message for a thread, built the way the client would decode it.
fn message() -> CommunicationThreadRequest {
    magicline::from_json(
        br#"{"communicationThreadStatus": "ONGOING", "subject": "Invoice", "content": "Charged twice",
            "communicationDirection": "INCOMING", "communicationChannel": "EMAIL"}"#,
    )
    .unwrap()
}

async fn count(server: &MockServer) -> usize {
    server.received_requests().await.unwrap_or_default().len()
}

// ---------------------------------------------------------------------------------------------
// 1. Retries by what the server may have done

/// A PUT that adds a message is sent once after an ambiguous answer, GET is retried.
#[tokio::test]
async fn ambiguous_answers_repeat_only_safe_methods() {
    for status in [502, 504, 503] {
        let server = MockServer::start().await;
        Mock::given(method("PUT"))
            .respond_with(ResponseTemplate::new(status))
            .mount(&server)
            .await;
        let err = client(&server.uri())
            .customers_communication()
            .create_communication_in_existing_communication_thread(1, 2, message())
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(count(&server).await, 1, "PUT after {status} was sent again");
        assert_eq!(err.attempts(), 1);

        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(status))
            .mount(&server)
            .await;
        let err = client(&server.uri())
            .customers()
            .get_customer_by_id(1)
            .await
            .unwrap_err();
        assert_eq!(err.attempts(), 3, "GET after {status}");
        assert_eq!(count(&server).await, 1 + 3);
    }
}

#[tokio::test]
async fn ambiguous_answers_repeat_a_write_when_the_call_opts_in() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(THREAD_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_string(THREAD_RESPONSE))
        .mount(&server)
        .await;
    let added = client(&server.uri())
        .customers_communication()
        .create_communication_in_existing_communication_thread(1, 2, message())
        .retry_ambiguous(true)
        .await
        .unwrap();
    assert_eq!(added.thread_id, 2);
    assert_eq!(count(&server).await, 2);
}

/// 429 and 503 with `Retry-After` say the request was not processed: any method is retried,
/// the PUT that adds a message to a thread and the POST that opens one alike.
#[tokio::test]
async fn not_processed_answers_repeat_any_method() {
    for http_method in ["PUT", "POST"] {
        for (status, retry_after) in [(429, None), (429, Some("0")), (503, Some("0"))] {
            let server = MockServer::start().await;
            let mut refusal = ResponseTemplate::new(status);
            if let Some(seconds) = retry_after {
                refusal = refusal.insert_header("Retry-After", seconds);
            }
            Mock::given(method(http_method))
                .respond_with(refusal)
                .up_to_n_times(1)
                .mount(&server)
                .await;
            Mock::given(method(http_method))
                .respond_with(ResponseTemplate::new(200).set_body_string(THREAD_RESPONSE))
                .mount(&server)
                .await;
            let client = client(&server.uri());
            let service = client.customers_communication();
            let sent = if http_method == "PUT" {
                service
                    .create_communication_in_existing_communication_thread(1, 2, message())
                    .await
            } else {
                service
                    .create_communication_in_new_communication_thread(1, message())
                    .await
            };
            sent.unwrap_or_else(|err| panic!("{http_method} {status} {retry_after:?}: {err}"));
            assert_eq!(
                count(&server).await,
                2,
                "{http_method} {status} {retry_after:?}"
            );
        }
    }
}

/// A timeout after the request was sent is ambiguous: the PUT is not sent again.
#[tokio::test]
async fn a_timeout_after_sending_does_not_repeat_a_write() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(THREAD_RESPONSE)
                .set_delay(Duration::from_millis(500)),
        )
        .mount(&server)
        .await;
    let err = client(&server.uri())
        .customers_communication()
        .create_communication_in_existing_communication_thread(1, 2, message())
        .timeout(Duration::from_millis(100))
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(count(&server).await, 1);
}

/// Accepts connections, reads each request and closes the connection without an answer (the
/// server may have acted on it); counts the requests.
async fn resetting_server() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = requests.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let counter = counter.clone();
            tokio::spawn(async move {
                let mut buffer = [0u8; 4096];
                if matches!(socket.read(&mut buffer).await, Ok(n) if n > 0) {
                    counter.fetch_add(1, Ordering::SeqCst);
                }
                let _ = socket.shutdown().await;
            });
        }
    });
    (url, requests)
}

#[tokio::test]
async fn a_dropped_connection_after_sending_repeats_only_safe_methods() {
    let (url, requests) = resetting_server().await;
    let err = client(&url)
        .customers_communication()
        .create_communication_in_existing_communication_thread(1, 2, message())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(requests.load(Ordering::SeqCst), 1);

    let err = client(&url)
        .customers()
        .get_customer_by_id(1)
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), 3, "{err:?}");
    assert_eq!(requests.load(Ordering::SeqCst), 1 + 3);
}

/// Connecting failed: nothing was sent, so even the PUT is tried again.
#[tokio::test]
async fn a_failed_connect_repeats_any_method() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = client(&format!("http://127.0.0.1:{port}"))
        .customers_communication()
        .create_communication_in_existing_communication_thread(1, 2, message())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(err.attempts(), 3);
}

// ---------------------------------------------------------------------------------------------
// 2. The API key stays on the configured host

/// A server on 127.0.0.2: another host than the client's 127.0.0.1.
async fn other_host() -> MockServer {
    let listener = std::net::TcpListener::bind("127.0.0.2:0").unwrap();
    let server = MockServer::builder().listener(listener).start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(r#"{"id": 1, "status": "MEMBER", "accessRefusal": false}"#),
        )
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_redirect_to_another_host_never_gets_the_key() {
    let elsewhere = other_host().await;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(302).insert_header(
            "Location",
            format!("{}/v1/customers/1", elsewhere.uri()).as_str(),
        ))
        .mount(&server)
        .await;

    let default_http = client(&server.uri());
    // The user's own HTTP settings: the runtime still finishes them with its redirect policy.
    let own_http = magicline::Client::builder()
        .base_url(server.uri())
        .api_key(KEY)
        .reqwest_builder(magicline::runtime::reqwest::Client::builder())
        .build()
        .unwrap();
    for client in [default_http, own_http] {
        let err = client.customers().get_customer_by_id(1).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(302), "{err:?}");
        assert!(!err.to_string().contains(KEY));
    }
    assert_eq!(count(&server).await, 2);
    assert_eq!(count(&elsewhere).await, 0, "the other host was contacted");
}

#[tokio::test]
async fn a_redirect_on_the_same_host_is_followed_with_the_key() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/customers/1"))
        .respond_with(ResponseTemplate::new(301).insert_header("Location", "/v1/customers/2"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/customers/2"))
        .and(header("X-API-KEY", KEY))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(r#"{"id": 2, "status": "MEMBER", "accessRefusal": false}"#),
        )
        .mount(&server)
        .await;
    let customer = client(&server.uri())
        .customers()
        .get_customer_by_id(1)
        .await
        .unwrap();
    assert_eq!(customer.id, 2);
}

// ---------------------------------------------------------------------------------------------
// 4. No silent demo

#[test]
fn a_client_without_a_base_url_does_not_build() {
    let err = magicline::Client::builder()
        .api_key(KEY)
        .build()
        .unwrap_err();
    assert!(matches!(err, BuildError::MissingBaseUrl), "{err:?}");
    assert!(err.to_string().contains("base_url"), "{err}");
    let err = magicline_connect::Client::builder().build().unwrap_err();
    assert!(matches!(err, BuildError::MissingBaseUrl), "{err:?}");

    // The document's demo server is still one explicit choice away.
    let demo = magicline::Client::builder()
        .base_url(magicline::SERVERS[0])
        .api_key(KEY)
        .build()
        .unwrap();
    assert_eq!(demo.raw().base_url(), magicline::SERVERS[0]);
    assert!(magicline_connect::SERVERS[0].starts_with("https://"));
}

// ---------------------------------------------------------------------------------------------
// 5. Requests and streams are 'static + Send

fn slice(ids: &[i64], has_next: bool, offset: &str) -> ResponseTemplate {
    let customers: Vec<_> = ids
        .iter()
        .map(|id| serde_json::json!({"id": id, "status": "MEMBER", "accessRefusal": false}))
        .collect();
    ResponseTemplate::new(200).set_body_json(serde_json::json!({
        "result": customers, "hasNext": has_next, "offset": offset,
    }))
}

/// Two slices: `[1, 2]` (next offset `2`) and `[3]` (last).
async fn customer_list() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/customers"))
        .and(query_param("offset", "2"))
        .respond_with(slice(&[3], false, "3"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/customers"))
        .respond_with(slice(&[1, 2], true, "2"))
        .mount(&server)
        .await;
    server
}

/// An export job that keeps its stream in a field.
struct Export {
    customers: BoxStream<'static, magicline::Result<Customer>>,
}

#[tokio::test]
async fn requests_and_streams_can_be_spawned_and_stored() {
    let server = customer_list().await;
    Mock::given(method("GET"))
        .and(path("/v1/customers/1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(r#"{"id": 1, "status": "MEMBER", "accessRefusal": false}"#),
        )
        .mount(&server)
        .await;
    let client = client(&server.uri());

    let request = tokio::spawn(client.customers().get_customer_by_id(1).into_future());
    let stream = client.customers().get_customers().items();
    let export = Export { customers: stream };
    let all = tokio::spawn(async move { export.customers.try_collect::<Vec<_>>().await });
    // The client may go away: requests hold their own handle.
    drop(client);

    assert_eq!(request.await.unwrap().unwrap().id, 1);
    let ids: Vec<i64> = all.await.unwrap().unwrap().iter().map(|c| c.id).collect();
    assert_eq!(ids, [1, 2, 3]);
}

// ---------------------------------------------------------------------------------------------
// 6. Per-call settings and response metadata

#[tokio::test]
async fn per_call_headers_timeout_and_retry_policy() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/customers/1"))
        .and(header("Accept-Language", "de"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("X-Trace", "t-1")
                .set_body_string(r#"{"errorMessage": "Kunde nicht gefunden"}"#),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/customers/2"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/customers/3"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(r#"{"id": 3, "status": "MEMBER", "accessRefusal": false}"#)
                .set_delay(Duration::from_millis(500)),
        )
        .mount(&server)
        .await;
    let client = client(&server.uri());

    let err = client
        .customers()
        .get_customer_by_id(1)
        .header("Accept-Language", "de")
        .await
        .unwrap_err();
    assert_eq!(
        err.server_message().as_deref(),
        Some("Kunde nicht gefunden")
    );
    assert_eq!(err.headers().unwrap()["x-trace"], "t-1");

    let err = client
        .customers()
        .get_customer_by_id(2)
        .retry(RetryPolicy::none())
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), 1);

    let err = client
        .customers()
        .get_customer_by_id(3)
        .timeout(Duration::from_millis(50))
        .retry(RetryPolicy::none())
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}

#[tokio::test]
async fn a_success_comes_with_its_status_and_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("X-RateLimit-Remaining", "41")
                .set_body_string(r#"{"id": 7, "status": "MEMBER", "accessRefusal": false}"#),
        )
        .mount(&server)
        .await;
    let response = client(&server.uri())
        .customers()
        .get_customer_by_id(7)
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["x-ratelimit-remaining"], "41");
    assert_eq!(response.into_body().id, 7);
}

// ---------------------------------------------------------------------------------------------
// 7. Optional inputs from `Option` values

#[tokio::test]
async fn optional_inputs_take_options() {
    let server = customer_list().await;
    let slice_size: Option<i32> = Some(2);
    let resume_from: Option<String> = None;
    let first = client(&server.uri())
        .customers()
        .get_customers()
        .set_slice_size(slice_size)
        .set_offset(resume_from)
        .await
        .unwrap();
    assert_eq!(first.result.len(), 2);
    let received = &server.received_requests().await.unwrap()[0];
    assert_eq!(received.url.query(), Some("sliceSize=2"));
}

// ---------------------------------------------------------------------------------------------
// 8. Error bodies that do not match their schema stay error responses

#[tokio::test]
async fn error_bodies_off_schema_keep_status_body_and_message() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/customers/1"))
        .respond_with(ResponseTemplate::new(500).set_body_string(
            "<html><head><title>500 Internal Server Error</title></head><body>nginx</body></html>",
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/customers/2"))
        // No `errorMessage`, which the schema requires.
        .respond_with(
            ResponseTemplate::new(400).set_body_string(r#"{"message": "customerId is invalid"}"#),
        )
        .mount(&server)
        .await;
    let client = client(&server.uri());

    let err = client.customers().get_customer_by_id(1).await.unwrap_err();
    assert!(matches!(err, Error::UnexpectedBody { .. }), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert!(err.raw_body().unwrap().starts_with(b"<html>"));
    assert_eq!(
        err.server_message().as_deref(),
        Some("500 Internal Server Error")
    );
    assert!(err.body().is_none());
    assert!(!err.to_string().contains("schema"), "{err}");

    let err = client.customers().get_customer_by_id(2).await.unwrap_err();
    assert!(matches!(err, Error::UnexpectedBody { .. }), "{err:?}");
    assert_eq!(
        err.server_message().as_deref(),
        Some("customerId is invalid")
    );
    assert_eq!(
        err.to_string(),
        "getCustomerById: the server answered 400 Bad Request: customerId is invalid"
    );
}

// ---------------------------------------------------------------------------------------------
// 9. Pagination that can resume

#[tokio::test]
async fn an_export_resumes_from_the_last_slice_it_handled() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(query_param("offset", "2"))
        .respond_with(ResponseTemplate::new(500).set_body_string(r#"{"errorMessage": "down"}"#))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("offset", "2"))
        .respond_with(slice(&[3], false, "3"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(slice(&[1, 2], true, "2"))
        .mount(&server)
        .await;
    let client = client(&server.uri());

    let mut exported = Vec::new();
    let mut saved_cursor: Option<String> = None;
    let mut pages = client.customers().get_customers().pages();
    let failure = loop {
        match pages.try_next().await {
            Ok(Some(slice)) => {
                exported.extend(slice.items().iter().map(|c| c.id));
                saved_cursor = slice.next_cursor().map(str::to_owned);
            }
            Ok(None) => panic!("the first run should fail"),
            Err(err) => break err,
        }
    };
    assert_eq!(failure.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(exported, [1, 2]);
    assert_eq!(saved_cursor.as_deref(), Some("2"));

    // The second run starts where the first stopped.
    let mut pages = client
        .customers()
        .get_customers()
        .set_offset(saved_cursor)
        .pages();
    while let Some(slice) = pages.try_next().await.unwrap() {
        assert_eq!(slice.cursor(), Some("2"));
        exported.extend(slice.into_items().iter().map(|c| c.id));
    }
    assert_eq!(exported, [1, 2, 3]);
}

// ---------------------------------------------------------------------------------------------
// 10. Result alias, Connect errors in either form, from_json, DateTime equality

async fn first_name(client: &magicline::Client, id: i64) -> magicline::Result<Option<String>> {
    let customer = client.customers().get_customer_by_id(id).await?;
    Ok(customer.first_name)
}

#[tokio::test]
async fn the_result_alias_carries_the_common_error_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(404).set_body_string(r#"{"errorMessage": "no such customer"}"#),
        )
        .mount(&server)
        .await;
    let err: Error<ErrorResponse> = first_name(&client(&server.uri()), 1).await.unwrap_err();
    assert_eq!(err.body().unwrap().error_message, "no such customer");
}

/// Codes and messages of a Connect error, whichever form the body took.
fn connect_problems(
    err: &magicline_connect::Error<magicline_connect::models::ApiError>,
) -> Vec<(Vec<String>, Option<String>)> {
    err.body()
        .map(|body| body.bodies())
        .unwrap_or_default()
        .iter()
        .map(|problem| {
            let codes = problem.error_codes.iter().map(|c| c.to_string()).collect();
            (codes, problem.message.clone())
        })
        .collect()
}

#[tokio::test]
async fn connect_errors_read_alike_in_single_and_list_form() {
    let single = r#"{"errorCodes": ["INVALID_EMAIL"], "message": "email is invalid"}"#;
    let list = format!("[{single}, {{\"errorCodes\": [\"INVALID_IBAN\"], \"message\": \"iban\"}}]");
    let conflict = r#"{"errorCodes": ["CUSTOMER_EXISTS"], "message": "exists"}"#;
    let mut seen = Vec::new();
    for (status, body) in [
        (400, single.to_owned()),
        (400, list),
        (409, conflict.to_owned()),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(status).set_body_string(body))
            .mount(&server)
            .await;
        let client = magicline_connect::Client::builder()
            .base_url(server.uri())
            .build()
            .unwrap();
        let lead = magicline_connect::from_json(
            br#"{"firstname": "Erika", "lastname": "M", "studioId": 1}"#,
        )
        .unwrap();
        let err = client.leads().create_lead(lead).await.unwrap_err();
        seen.push(connect_problems(&err));
    }
    let problem = |code: &str, message: &str| (vec![code.to_owned()], Some(message.to_owned()));
    assert_eq!(
        seen,
        [
            vec![problem("INVALID_EMAIL", "email is invalid")],
            vec![
                problem("INVALID_EMAIL", "email is invalid"),
                problem("INVALID_IBAN", "iban")
            ],
            vec![problem("CUSTOMER_EXISTS", "exists")],
        ]
    );
}

#[test]
fn from_json_decodes_like_the_client() {
    let customer: Customer = magicline::from_json(
        br#"{"id": 5, "status": "MEMBER", "accessRefusal": false, "houseNumber": 89}"#,
    )
    .unwrap();
    assert_eq!(customer.house_number.as_deref(), Some("89"));
    let err = magicline::from_json::<Customer>(br#"{"id": "five"}"#).unwrap_err();
    assert_eq!(err.path, "id");
}

#[test]
fn date_times_are_equal_by_instant_and_keep_their_text() {
    let z: DateTime = "2024-05-01T10:00:00Z".parse().unwrap();
    let utc: DateTime = "2024-05-01T10:00:00.000+00:00".parse().unwrap();
    let berlin: DateTime = "2024-05-01T12:00:00+02:00[Europe/Berlin]".parse().unwrap();
    let later: DateTime = "2024-05-01T10:00:01Z".parse().unwrap();
    let local: DateTime = "2024-05-01T10:00:00".parse().unwrap();
    assert_eq!(z, utc);
    assert_eq!(z, berlin);
    assert_ne!(z, later);
    assert_ne!(z, local);
    assert_eq!(utc.as_str(), "2024-05-01T10:00:00.000+00:00");
    assert_eq!(
        serde_json::to_string(&berlin).unwrap(),
        r#""2024-05-01T12:00:00+02:00[Europe/Berlin]""#
    );
    let set: HashSet<DateTime> = [z, utc, berlin, later, local].into_iter().collect();
    assert_eq!(set.len(), 3);
}

/// `api` and `models` share no name: both glob-imported, a model is built by its plain name
/// (`BookCustomerPaymentRequest` was both the operation's request builder and its body, and
/// resolved to the builder). An ambiguous name here would not compile.
#[test]
fn api_and_models_glob_imported_together_name_each_item_once() {
    mod open_api {
        #[allow(unused_imports)]
        use magicline::{api::*, models::*};

        pub fn body() -> BookCustomerPaymentRequest {
            BookCustomerPaymentRequest::new("token", Money::new(12.5, "EUR"))
        }
    }
    mod connect {
        #[allow(unused_imports)]
        use magicline_connect::{api::*, models::*};

        pub fn customer() -> CommonTrialSessionLeadCustomerDto {
            CommonTrialSessionLeadCustomerDto::new("Ada", "Lovelace")
        }
    }
    mod device {
        #[allow(unused_imports)]
        use magicline_device::{api::*, models::*};

        pub fn sale() -> VendingReaderSaleRequest {
            VendingReaderSaleRequest::new(
                VendingReaderSaleRequestIdentification::Number(CardNumberContent::new(
                    "1233588160",
                )),
                "t-1",
                "1",
                1.29,
            )
        }
    }
    assert_eq!(
        magicline::runtime::serde_json::to_value(open_api::body()).unwrap(),
        serde_json::json!({"paymentRequestToken": "token", "amount": {"amount": 12.5, "currency": "EUR"}})
    );
    assert_eq!(connect::customer().firstname, "Ada");
    assert_eq!(device::sale().transaction_id, "t-1");
}
