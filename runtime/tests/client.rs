//! The client against a local mock server (wiremock on 127.0.0.1).

use std::convert::Infallible;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures::StreamExt;
use openapi_client_runtime::bytes::Bytes;
use openapi_client_runtime::multipart::{FilePart, Form};
use openapi_client_runtime::{
    ApiDefaults, Auth, BuildError, Client, ClientBuilder, DecodeError, Error, ErrorBody, Method,
    OneOrMany, Operation, Page, RetryPolicy, StatusCode, SuccessBody, TransportKind, chrono,
    decode_json, paginate, uuid,
};
use serde::{Deserialize, Serialize};
use wiremock::matchers::{header, headers, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const KEY: &str = "sk_live_SUPER_SECRET_KEY_42";

const OPEN_API: ApiDefaults = ApiDefaults {
    user_agent: "magicline/0.1.0",
    auth: Auth::ApiKeyHeader("X-API-KEY"),
};

static GET_CUSTOMER: Operation = Operation {
    id: "getCustomer",
    method: Method::GET,
    path: "/v1/customers/{customerId}",
};

static LIST_ITEMS: Operation = Operation {
    id: "listItems",
    method: Method::GET,
    path: "/v1/items",
};

static CREATE_ITEM: Operation = Operation {
    id: "createItem",
    method: Method::POST,
    path: "/v1/items",
};

static SEARCH: Operation = Operation {
    id: "search",
    method: Method::GET,
    path: "/v1/studios/{studioId}/items/{itemId}/search",
};

static UPLOAD: Operation = Operation {
    id: "uploadDocument",
    method: Method::PUT,
    path: "/v1/customers/{customerId}/documents",
};

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// Fast retries, so retry tests take milliseconds.
fn fast_retry() -> RetryPolicy {
    RetryPolicy::new()
        .initial_backoff(ms(10))
        .max_backoff(ms(20))
}

fn builder(server: &MockServer) -> ClientBuilder {
    ClientBuilder::new(OPEN_API)
        .base_url(server.uri())
        .api_key(KEY)
        .retry(fast_retry())
}

fn client(server: &MockServer) -> Client {
    builder(server).build().unwrap()
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

/// The error `operation` ends in when the server answers every request with `status` and
/// `body` (no retries are involved: the statuses used are not retried).
async fn error_for(
    operation: &'static Operation,
    status: u16,
    body: &str,
) -> Error<CreateItemError> {
    let server = MockServer::start().await;
    Mock::given(method(operation.method.as_str()))
        .respond_with(ResponseTemplate::new(status).set_body_string(body))
        .mount(&server)
        .await;
    client(&server)
        .request(operation)
        .send::<Customer, CreateItemError>()
        .await
        .unwrap_err()
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Customer {
    id: i64,
    name: String,
}

#[derive(Debug, PartialEq, Deserialize)]
struct Problem {
    code: String,
}

/// Shaped like a generated per-operation error enum.
#[derive(Debug)]
enum CreateItemError {
    BadRequest(OneOrMany<Problem>),
    Conflict(Problem),
}

impl ErrorBody for CreateItemError {
    fn from_status(status: StatusCode, body: &[u8]) -> Option<Result<Self, DecodeError>> {
        match status.as_u16() {
            400 => Some(decode_json(body).map(CreateItemError::BadRequest)),
            409 => Some(decode_json(body).map(CreateItemError::Conflict)),
            _ => None,
        }
    }
}

#[tokio::test]
async fn send_decodes_success_and_sends_key_and_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/customers/42"))
        .and(header("x-api-key", KEY))
        .and(header("accept", "application/json"))
        .and(header("user-agent", "magicline/0.1.0"))
        .respond_with(
            // The Connect API declares `*/*`; the content type must not matter.
            ResponseTemplate::new(200).set_body_raw(r#"{"id":42,"name":"Ada"}"#, "*/*"),
        )
        .expect(1)
        .mount(&server)
        .await;

    let customer: Customer = client(&server)
        .request(&GET_CUSTOMER)
        .path_param("customerId", &42i64)
        .send::<_, Infallible>()
        .await
        .unwrap();
    assert_eq!(
        customer,
        Customer {
            id: 42,
            name: "Ada".into()
        }
    );
}

#[tokio::test]
async fn styled_query_parameters_are_written_in_their_style() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;

    client(&server)
        .request(&SEARCH)
        .path_param("studioId", "1")
        .path_param("itemId", "2")
        .query_styled(
            "created",
            &serde_json::json!({"gte": 10, "lt": 20}),
            openapi_client_runtime::FormStyle::DeepObject,
        )
        .query_styled(
            "expand",
            &["a", "b c"],
            openapi_client_runtime::FormStyle::DeepObject,
        )
        .query_styled(
            "filter",
            &serde_json::json!({"city": "Köln", "open": true}),
            openapi_client_runtime::FormStyle::Form { explode: true },
        )
        .query_styled(
            "ids",
            &[1, 2],
            openapi_client_runtime::FormStyle::Form { explode: false },
        )
        .query_styled(
            "tags",
            &["x", "y"],
            openapi_client_runtime::FormStyle::PipeDelimited,
        )
        .query_styled(
            "absent",
            &None::<serde_json::Value>,
            openapi_client_runtime::FormStyle::DeepObject,
        )
        .send_empty::<Infallible>()
        .await
        .unwrap();

    let received = requests(&server).await;
    let pairs: Vec<(String, String)> = received[0].url.query_pairs().into_owned().collect();
    let expected = [
        ("created[gte]", "10"),
        ("created[lt]", "20"),
        ("expand[0]", "a"),
        ("expand[1]", "b c"),
        ("city", "Köln"),
        ("open", "true"),
        ("ids", "1,2"),
        ("tags", "x|y"),
    ];
    let expected: Vec<(String, String)> = (expected.iter())
        .map(|(key, value)| (key.to_string(), value.to_string()))
        .collect();
    assert_eq!(pairs, expected);
    // Brackets are percent-encoded like everything else outside RFC 3986's unreserved set.
    assert!(
        received[0]
            .url
            .query()
            .unwrap()
            .starts_with("created%5Bgte%5D=10&")
    );
}

#[tokio::test]
async fn path_query_and_header_parameters_are_encoded() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;

    let studio = uuid::Uuid::from_u128(0x1234);
    let date = chrono::NaiveDate::from_ymd_opt(2024, 2, 9).unwrap();
    client(&server)
        .request(&SEARCH)
        .path_param("studioId", &studio)
        .path_param("itemId", "a b/c?d%é")
        .query("term", "Müller & Söhne=1+1")
        .query("tags", &vec!["x", "y,z"])
        .query("missing", &None::<String>)
        .query("empty", &Vec::<String>::new())
        .query("from", &date)
        .query("page", &Some(2u32))
        .query("active", &true)
        .header("X-Trace-Ids", &vec![1u8, 2, 3])
        .header("X-Absent", &None::<&str>)
        .send_empty::<Infallible>()
        .await
        .unwrap();

    let received = requests(&server).await;
    assert_eq!(received.len(), 1);
    let url = &received[0].url;
    assert_eq!(
        url.path(),
        "/v1/studios/00000000-0000-0000-0000-000000001234/items/a%20b%2Fc%3Fd%25%C3%A9/search"
    );
    assert_eq!(
        url.query(),
        Some(
            "term=M%C3%BCller%20%26%20S%C3%B6hne%3D1%2B1&tags=x&tags=y%2Cz&from=2024-02-09&page=2&active=true"
        )
    );
    // The server decodes them back to what was sent.
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    assert_eq!(pairs[0], ("term".into(), "Müller & Söhne=1+1".into()));
    assert_eq!(received[0].headers["x-trace-ids"], "1,2,3");
    assert!(!received[0].headers.contains_key("x-absent"));
}

#[tokio::test]
async fn bad_parameters_fail_before_sending() {
    let server = MockServer::start().await;
    let client = client(&server);

    let err = client
        .request(&GET_CUSTOMER)
        .path_param("customerId", &1)
        .header("X-Bad", "line\nbreak")
        .send::<Customer, Infallible>()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Request {
                operation: "getCustomer",
                ..
            }
        ),
        "{err}"
    );
    assert!(!err.to_string().contains("line"), "{err}");

    let err = client
        .request(&GET_CUSTOMER)
        .send::<Customer, Infallible>()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("missing path parameter"), "{err}");

    for bad in ["", "..", "."] {
        let err = client
            .request(&GET_CUSTOMER)
            .path_param("customerId", bad)
            .send::<Customer, Infallible>()
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Request { .. }), "{bad:?}: {err}");
    }

    let err = client
        .request(&GET_CUSTOMER)
        .path_param("customerId", &1)
        .path_param("nope", &2)
        .send::<Customer, Infallible>()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("nope"), "{err}");

    let mut not_json = std::collections::HashMap::new();
    not_json.insert((1, 2), 3);
    let err = client
        .request(&CREATE_ITEM)
        .json(&not_json)
        .send::<Customer, Infallible>()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("serialise"), "{err}");
    assert_eq!(err.attempts(), 0);

    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn documented_error_status_becomes_api_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/items"))
        .and(header("content-type", "application/json"))
        .respond_with(ResponseTemplate::new(409).set_body_string(r#"{"code":"DUPLICATE"}"#))
        .mount(&server)
        .await;

    let err = client(&server)
        .request(&CREATE_ITEM)
        .json(&Customer {
            id: 1,
            name: "x".into(),
        })
        .send::<Customer, CreateItemError>()
        .await
        .unwrap_err();
    assert!(err.is_conflict());
    assert_eq!(err.status(), Some(StatusCode::CONFLICT));
    assert_eq!(err.operation(), "createItem");
    assert_eq!(err.attempts(), 1);
    assert!(matches!(
        err.body(),
        Some(CreateItemError::Conflict(Problem { code })) if code == "DUPLICATE"
    ));
    assert_eq!(err.raw_body(), Some(&br#"{"code":"DUPLICATE"}"#[..]));
    assert_eq!(requests(&server).await[0].body, br#"{"id":1,"name":"x"}"#);
    // No message in this body: the line names operation and status only.
    assert_eq!(err.server_message(), None);
    assert_eq!(
        err.to_string(),
        "createItem: the server answered 409 Conflict"
    );
}

#[tokio::test]
async fn the_servers_message_is_part_of_the_error_line() {
    let err = error_for(
        &CREATE_ITEM,
        409,
        r#"{"code":"DUPLICATE","errorMessage":"An amendment is\n already pending"}"#,
    )
    .await;
    assert!(err.is_conflict());
    assert_eq!(
        err.server_message().as_deref(),
        Some("An amendment is already pending")
    );
    assert_eq!(
        err.to_string(),
        "createItem: the server answered 409 Conflict: An amendment is already pending"
    );

    let err = error_for(&LIST_ITEMS, 418, r#"[{"message":"short and stout"}]"#).await;
    assert_eq!(
        err.to_string(),
        "listItems: unexpected status 418 I'm a teapot: short and stout"
    );
}

#[tokio::test]
async fn connect_style_400_accepts_one_or_many_errors() {
    let err = error_for(&CREATE_ITEM, 400, r#"[{"code":"A"},{"code":"B"}]"#).await;
    match err.into_body() {
        Some(CreateItemError::BadRequest(problems)) => assert_eq!(problems.len(), 2),
        other => panic!("unexpected {other:?}"),
    }
}

/// Shaped like a generated enum of an operation whose success statuses carry different bodies.
#[derive(Debug, PartialEq)]
enum UpsertItemResponse {
    Ok(Customer),
    Created(Item),
    NoContent,
    Report(Bytes),
}

impl SuccessBody for UpsertItemResponse {
    const ACCEPT: &'static str = "application/json, */*;q=0.8";

    fn from_status(status: StatusCode, body: &Bytes) -> Option<Result<Self, DecodeError>> {
        match status.as_u16() {
            200 => Some(decode_json(body).map(UpsertItemResponse::Ok)),
            201 => Some(decode_json(body).map(UpsertItemResponse::Created)),
            204 => Some(Ok(UpsertItemResponse::NoContent)),
            203 => Some(Ok(UpsertItemResponse::Report(body.clone()))),
            _ => None,
        }
    }
}

/// `PUT` answered with `response`, decoded by status.
async fn upsert_answered(
    response: ResponseTemplate,
) -> Result<openapi_client_runtime::Response<UpsertItemResponse>, Error<CreateItemError>> {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(headers("accept", vec!["application/json", "*/*;q=0.8"]))
        .respond_with(response)
        .mount(&server)
        .await;
    client(&server)
        .request(&CREATE_ITEM)
        .send_by_status_with_response::<UpsertItemResponse, CreateItemError>()
        .await
}

#[tokio::test]
async fn success_statuses_decode_into_their_variant() {
    let created = upsert_answered(
        ResponseTemplate::new(201).set_body_raw(r#"{"id": 7}"#, "application/json"),
    )
    .await
    .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    assert!(
        matches!(created.body(), UpsertItemResponse::Created(item) if item.id == 7),
        "{:?}",
        created.body()
    );

    let ok = upsert_answered(
        ResponseTemplate::new(200).set_body_raw(r#"{"id":1,"name":"Ada"}"#, "application/json"),
    )
    .await
    .unwrap();
    assert_eq!(
        ok.into_body(),
        UpsertItemResponse::Ok(Customer {
            id: 1,
            name: "Ada".into()
        })
    );

    let empty = upsert_answered(ResponseTemplate::new(204)).await.unwrap();
    assert_eq!(empty.into_body(), UpsertItemResponse::NoContent);

    let report = upsert_answered(ResponseTemplate::new(203).set_body_raw("a,b\n", "text/csv"))
        .await
        .unwrap();
    assert_eq!(
        report.into_body(),
        UpsertItemResponse::Report(Bytes::from_static(b"a,b\n"))
    );
}

#[tokio::test]
async fn an_undocumented_success_status_or_a_wrong_body_is_an_error() {
    let err = upsert_answered(ResponseTemplate::new(202).set_body_string("queued"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::UnexpectedStatus { status, raw, .. }
            if *status == StatusCode::ACCEPTED && raw.as_ref() == b"queued"),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "createItem: unexpected status 202 Accepted: queued"
    );

    let err = upsert_answered(ResponseTemplate::new(201).set_body_string(r#"{"id": "x"}"#))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Decode { status, path, .. }
            if *status == StatusCode::CREATED && path == "id"),
        "{err:?}"
    );

    // Error statuses are decoded as by `send`.
    let err = upsert_answered(ResponseTemplate::new(409).set_body_string(r#"{"code":"taken"}"#))
        .await
        .unwrap_err();
    assert!(
        matches!(err.body(), Some(CreateItemError::Conflict(p)) if p.code == "taken"),
        "{err:?}"
    );
}

#[tokio::test]
async fn undocumented_status_keeps_raw_body() {
    let err = error_for(&CREATE_ITEM, 418, "I'm a teapot").await;
    assert!(
        matches!(&err, Error::UnexpectedStatus { status, raw, attempts: 1, .. }
            if *status == StatusCode::IM_A_TEAPOT && raw.as_ref() == b"I'm a teapot"),
        "{err:?}"
    );
    assert!(err.body().is_none());
    assert_eq!(
        err.to_string(),
        "createItem: unexpected status 418 I'm a teapot: I'm a teapot"
    );
}

#[tokio::test]
async fn error_body_not_matching_its_schema_stays_an_error_response() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        // Not a number: `decode_json` accepts a number for a string field, as its text.
        .respond_with(ResponseTemplate::new(409).set_body_string(r#"{"code":[7]}"#))
        .mount(&server)
        .await;

    let err = client(&server)
        .request(&CREATE_ITEM)
        .send::<Customer, CreateItemError>()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::UnexpectedBody { reason, status, .. } if reason.path == "code" && *status == StatusCode::CONFLICT),
        "{err:?}"
    );
    assert!(err.is_conflict());
    assert!(!err.to_string().contains("schema"), "{err}");
}

#[derive(Debug, PartialEq, Deserialize)]
struct Item {
    id: u64,
}

#[derive(Debug, Deserialize)]
struct Items {
    items: Vec<Item>,
}

#[tokio::test]
async fn malformed_success_body_names_the_field_path() {
    let server = MockServer::start().await;
    let body = r#"{"items":[{"id":1},{"id":"two"}]}"#;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string(body))
        .mount(&server)
        .await;

    let err = client(&server)
        .request(&LIST_ITEMS)
        .send::<Items, Infallible>()
        .await
        .unwrap_err();
    match &err {
        Error::Decode {
            operation,
            status,
            path,
            raw,
            ..
        } => {
            assert_eq!(*operation, "listItems");
            assert_eq!(*status, StatusCode::OK);
            assert_eq!(path, "items[1].id");
            assert_eq!(raw.as_ref(), body.as_bytes());
        }
        other => panic!("unexpected {other:?}"),
    }
    let message = err.to_string();
    assert!(
        message.contains("listItems") && message.contains("200") && message.contains("items[1].id"),
        "{message}"
    );

    // And the happy path of the same shape, so the fields are used.
    let ok: Items = decode_json(br#"{"items":[{"id":5}]}"#).unwrap();
    assert_eq!(ok.items[0].id, 5);
}

#[tokio::test]
async fn get_is_retried_after_503() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"id":1,"name":"a"}"#))
        .mount(&server)
        .await;

    let customer: Customer = client(&server)
        .request(&GET_CUSTOMER)
        .path_param("customerId", &1)
        .send::<_, Infallible>()
        .await
        .unwrap();
    assert_eq!(customer.id, 1);
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"id":1,"name":"a"}"#))
        .mount(&server)
        .await;

    let started = Instant::now();
    client(&server)
        .request(&GET_CUSTOMER)
        .path_param("customerId", &1)
        .send::<Customer, Infallible>()
        .await
        .unwrap();
    // The jittered backoff alone would be at most 20 ms.
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn retry_after_longer_than_the_cap_is_not_waited_for() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "3600"))
        .mount(&server)
        .await;

    let err = client(&server)
        .request(&GET_CUSTOMER)
        .path_param("customerId", &1)
        .send::<Customer, Infallible>()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(err.attempts(), 1);
}

/// RFC 9110 has a recipient ignore a `Retry-After` it cannot parse: what is left is a plain
/// `503`, which does not say whether the request was processed. A PUT is sent once; a valid
/// `Retry-After` (the server says it did not process it) has it sent again.
#[tokio::test]
async fn a_put_is_not_resent_after_a_503_with_an_unusable_retry_after() {
    static REPLACE_ITEM: Operation = Operation {
        id: "replaceItem",
        method: Method::PUT,
        path: "/v1/items/{itemId}",
    };
    for (retry_after, sent) in [("soon", 1), ("-1", 1), ("", 1), ("0", 3)] {
        let server = MockServer::start().await;
        Mock::given(method("PUT"))
            .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", retry_after))
            .mount(&server)
            .await;
        let err = client(&server)
            .request(&REPLACE_ITEM)
            .path_param("itemId", &5)
            .json(&serde_json::json!({"name": "n"}))
            .send::<Customer, CreateItemError>()
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
        assert_eq!(err.attempts(), sent, "Retry-After: {retry_after:?}");
        assert_eq!(
            requests(&server).await.len(),
            usize::try_from(sent).unwrap(),
            "Retry-After: {retry_after:?}"
        );
    }

    // A GET is safe to repeat after the same ambiguous answer.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "soon"))
        .mount(&server)
        .await;
    let err = client(&server)
        .request(&GET_CUSTOMER)
        .path_param("customerId", &1)
        .send::<Customer, Infallible>()
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), 3);
    assert_eq!(requests(&server).await.len(), 3);
}

#[tokio::test]
async fn post_is_not_retried_unless_opted_in() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_string(r#"{"id":9,"name":"n"}"#))
        .mount(&server)
        .await;
    let client = client(&server);

    let err = client
        .request(&CREATE_ITEM)
        .json(&serde_json::json!({"name": "n"}))
        .send::<Customer, CreateItemError>()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(err.attempts(), 1);
    assert_eq!(requests(&server).await.len(), 1);

    server.reset().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_string(r#"{"id":9,"name":"n"}"#))
        .mount(&server)
        .await;
    let created: Customer = client
        .request(&CREATE_ITEM)
        .json(&serde_json::json!({"name": "n"}))
        .retry_ambiguous(true)
        .send::<_, CreateItemError>()
        .await
        .unwrap();
    assert_eq!(created.id, 9);
    let received = requests(&server).await;
    assert_eq!(received.len(), 2);
    // The body is sent again in full on the retry.
    assert_eq!(received[1].body, br#"{"name":"n"}"#);
}

#[tokio::test]
async fn final_error_reports_attempts() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(502).set_body_string("bad gateway"))
        .mount(&server)
        .await;

    let err = builder(&server)
        .retry(fast_retry().max_attempts(4))
        .build()
        .unwrap()
        .request(&GET_CUSTOMER)
        .path_param("customerId", &1)
        .send::<Customer, Infallible>()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::UnexpectedStatus { attempts: 4, .. }),
        "{err:?}"
    );
    assert_eq!(err.raw_body(), Some(&b"bad gateway"[..]));
    assert_eq!(requests(&server).await.len(), 4);

    // With retries off, one attempt.
    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429))
        .mount(&server)
        .await;
    let err = builder(&server)
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
        .request(&GET_CUSTOMER)
        .path_param("customerId", &1)
        .send::<Customer, Infallible>()
        .await
        .unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(err.attempts(), 1);
}

#[tokio::test]
async fn slow_server_times_out() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(ms(2_000)))
        .mount(&server)
        .await;

    let client: Client = builder(&server)
        .timeout(ms(100))
        .retry(fast_retry().max_attempts(2))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client
        .request(&GET_CUSTOMER)
        .path_param("customerId", &1)
        .send::<Customer, Infallible>()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(matches!(
        err,
        Error::Timeout {
            operation: "getCustomer",
            attempts: 2,
            ..
        }
    ));
    assert!(started.elapsed() < ms(1_500), "{:?}", started.elapsed());
}

/// A port on 127.0.0.1 where connections are refused: bound (so no other test's server gets
/// it meanwhile) but not listening. Keep the socket until the test is done.
fn refusing_port() -> (tokio::net::TcpSocket, u16) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let port = socket.local_addr().unwrap().port();
    (socket, port)
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    let (_reserved, port) = refusing_port();
    let client: Client = ClientBuilder::new(OPEN_API)
        .base_url(format!("http://127.0.0.1:{port}"))
        .api_key(KEY)
        .retry(fast_retry().max_attempts(2))
        .build()
        .unwrap();
    let recorder = recorder::Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    let err = client
        .request(&GET_CUSTOMER)
        .path_param("customerId", &1)
        .send::<Customer, Infallible>()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Transport { attempts: 2, .. }),
        "{err:?}"
    );
    assert!(std::error::Error::source(&err).is_some());
    assert!(!format!("{err:?}").contains(KEY));
    // Logs name the template and the cause, not the filled-in URL.
    let log = recorder.log.lock().unwrap().join("\n");
    assert!(
        log.contains("request failed") && log.contains("connect=true"),
        "{log}"
    );
    assert!(!log.contains("/v1/customers/1"), "{log}");
}

/// What a person reading `tracing::error!(%e)` needs: what failed and where, in `Display`
/// itself; never the key, the path or the query (they may carry personal data).
#[tokio::test]
async fn a_transport_error_says_what_failed_in_display() {
    async fn failing(base_url: &str) -> Error<Infallible> {
        ClientBuilder::<Client>::new(OPEN_API)
            .base_url(base_url)
            .api_key(KEY)
            .retry(RetryPolicy::none())
            .build()
            .unwrap()
            .request(&GET_CUSTOMER)
            .path_param("customerId", &4711)
            .query("email", "erika@example.com")
            .send::<Customer, Infallible>()
            .await
            .unwrap_err()
    }
    #[track_caller]
    fn shows(err: &Error<Infallible>, kind: TransportKind, expected: &[&str]) {
        assert!(
            matches!(err, Error::Transport { kind: k, .. } if *k == kind),
            "{err:?}"
        );
        let shown = err.to_string();
        for text in expected {
            assert!(shown.contains(text), "{text:?} missing in {shown:?}");
        }
        for secret in [KEY, "4711", "erika", "email=", "?"] {
            assert!(!shown.contains(secret), "{secret:?} shown in {shown:?}");
        }
    }

    // Recorded like in `connection_refused_is_a_transport_error`, which may run at the same
    // time: `tracing` caches whether anyone wants an event when it first fires, and a first
    // firing here without a subscriber could hide the events that test looks for.
    let _recording = tracing::subscriber::set_default(recorder::Recorder::default());
    let (_reserved, port) = refusing_port();
    let refused = failing(&format!("http://127.0.0.1:{port}")).await;
    shows(
        &refused,
        TransportKind::ConnectionRefused,
        &[
            "getCustomer: connection refused after 1 attempt(s)",
            &format!("127.0.0.1:{port}"),
        ],
    );

    // `.invalid` never resolves (RFC 2606).
    let dns = failing("http://magicline-test.invalid").await;
    shows(
        &dns,
        TransportKind::Dns,
        &["DNS lookup failed", "magicline-test.invalid:80"],
    );

    // A server that does not speak TLS on the port.
    let plain = MockServer::start().await;
    let tls = failing(&plain.uri().replace("http://", "https://")).await;
    shows(&tls, TransportKind::Tls, &["TLS handshake failed"]);
    assert!(requests(&plain).await.is_empty());

    // Accepts the request, then closes the connection without an answer.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            use tokio::io::AsyncReadExt;
            let mut buffer = [0u8; 4096];
            let _ = socket.read(&mut buffer).await;
        }
    });
    let reset = failing(&format!("http://{address}")).await;
    shows(
        &reset,
        TransportKind::ConnectionReset,
        &["connection reset or closed early after 1 attempt(s)"],
    );
}

/// A refused cross-origin redirect says that the refusal is deliberate and names where the
/// redirect pointed: the origin only, never its path or query, and never the key.
#[tokio::test]
async fn a_refused_redirect_says_so_and_names_the_other_host() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(302).insert_header(
            "Location",
            "https://login.other.example:8443/sso/start?return=x&token=t0p-secret",
        ))
        .mount(&server)
        .await;
    let err = client(&server)
        .request(&GET_CUSTOMER)
        .path_param("customerId", &1)
        .send::<Customer, Infallible>()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::RedirectRefused { target, attempts: 1, .. } if target == "https://login.other.example:8443"),
        "{err:?}"
    );
    assert_eq!(err.status(), Some(StatusCode::FOUND));
    assert_eq!(
        err.to_string(),
        "getCustomer: refused to follow the 302 Found redirect to another host, \
         https://login.other.example:8443 (redirects are followed only within the configured \
         origin, so that credentials never reach another host)"
    );
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(!shown.contains(KEY), "{shown}");
    }
    assert!(!err.to_string().contains("token") && !err.to_string().contains("/sso"));

    // Another scheme is another origin too; a 3xx without `Location` is just a status.
    let answered = |answer: ResponseTemplate| {
        let server = &server;
        async move {
            server.reset().await;
            Mock::given(method("GET"))
                .respond_with(answer)
                .mount(server)
                .await;
            client(server)
                .request(&GET_CUSTOMER)
                .path_param("customerId", &1)
                .send::<Customer, Infallible>()
                .await
                .unwrap_err()
        }
    };
    let https = server.uri().replace("http://", "https://");
    let err = answered(
        ResponseTemplate::new(301).insert_header("Location", format!("{https}/v1/x").as_str()),
    )
    .await;
    assert!(
        matches!(&err, Error::RedirectRefused { target, .. } if *target == https),
        "{err:?}"
    );
    let err = answered(ResponseTemplate::new(301)).await;
    assert!(matches!(err, Error::UnexpectedStatus { .. }), "{err:?}");
}

#[tokio::test]
async fn api_key_is_never_shown() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500).set_body_string("oops"))
        .mount(&server)
        .await;

    let builder = builder(&server).default_header("X-Tenant", "t1");
    let builder_debug = format!("{builder:?}");
    assert!(!builder_debug.contains(KEY), "{builder_debug}");
    assert!(builder_debug.contains("<redacted>"), "{builder_debug}");

    let client: Client = builder.build().unwrap();
    let client_debug = format!("{client:?} {:?}", client.clone());
    assert!(!client_debug.contains(KEY), "{client_debug}");
    assert!(client_debug.contains("<redacted>"), "{client_debug}");

    let request = client.request(&GET_CUSTOMER).path_param("customerId", &1);
    assert!(!format!("{request:?}").contains(KEY));
    let err = request.send::<Customer, Infallible>().await.unwrap_err();
    for shown in [format!("{err}"), format!("{err:?}"), format!("{err:#?}")] {
        assert!(!shown.contains(KEY), "{shown}");
    }

    let received = requests(&server).await;
    assert_eq!(received[0].headers["x-api-key"], KEY);
    assert_eq!(received[0].headers["x-tenant"], "t1");
}

#[tokio::test]
async fn redirects_to_another_host_are_not_followed() {
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&elsewhere)
        .await;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("Location", format!("{}/steal", elsewhere.uri()).as_str()),
        )
        .mount(&server)
        .await;

    let err = client(&server)
        .request(&GET_CUSTOMER)
        .path_param("customerId", &1)
        .send::<serde_json::Value, Infallible>()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::FOUND));
    // The key never reached the other host.
    assert!(requests(&elsewhere).await.is_empty());
}

#[tokio::test]
async fn api_key_is_required_when_the_api_has_one() {
    let err = ClientBuilder::<Client>::new(OPEN_API)
        .base_url("https://example.invalid")
        .build()
        .unwrap_err();
    assert!(matches!(
        err,
        BuildError::MissingApiKey {
            header: "X-API-KEY"
        }
    ));

    // A generated wrapper type is built directly.
    #[derive(Debug, Clone)]
    struct ConnectClient(Client);
    impl From<Client> for ConnectClient {
        fn from(client: Client) -> Self {
            ConnectClient(client)
        }
    }
    let connect = ClientBuilder::<ConnectClient>::new(ApiDefaults {
        user_agent: "magicline/0.1.0",
        auth: Auth::None,
    })
    .base_url("https://connectdemo.api.magicline.com/")
    .build()
    .unwrap();
    assert_eq!(
        connect.0.base_url(),
        "https://connectdemo.api.magicline.com"
    );
}

#[tokio::test]
async fn multipart_sends_named_parts_and_survives_a_retry() {
    let server = MockServer::start().await;
    // Not processed (503 with Retry-After), so retried whatever the method.
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/v1/customers/7/documents"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;

    let form = Form::new()
        .json_part("data", &serde_json::json!({"reason": "travel"}))
        .text_part("note", "hello")
        .file_part(
            "document",
            FilePart::from_bytes(&b"%PDF-1.7 fake"[..], "proof.pdf"),
        )
        .file_part(
            "image",
            FilePart::from_bytes(vec![0xFF, 0xD8], "face").content_type("image/jpeg"),
        );
    client(&server)
        .request(&UPLOAD)
        .path_param("customerId", &7)
        .multipart(form)
        .send_empty::<Infallible>()
        .await
        .unwrap();

    let received = requests(&server).await;
    assert_eq!(received.len(), 2);
    for request in &received {
        let content_type = request.headers["content-type"].to_str().unwrap();
        assert!(
            content_type.starts_with("multipart/form-data; boundary="),
            "{content_type}"
        );
        let body = String::from_utf8_lossy(&request.body);
        for expected in [
            "Content-Disposition: form-data; name=\"data\"\r\nContent-Type: application/json\r\n\r\n{\"reason\":\"travel\"}",
            "Content-Disposition: form-data; name=\"note\"\r\n\r\nhello",
            "Content-Disposition: form-data; name=\"document\"; filename=\"proof.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7 fake",
            "Content-Disposition: form-data; name=\"image\"; filename=\"face\"\r\nContent-Type: image/jpeg",
        ] {
            assert!(body.contains(expected), "missing {expected:?} in {body}");
        }
    }
}

#[tokio::test]
async fn send_bytes_returns_the_raw_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("accept", "*/*"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(vec![0u8, 159, 146, 150], "image/png"),
        )
        .mount(&server)
        .await;
    let bytes = client(&server)
        .request(&GET_CUSTOMER)
        .path_param("customerId", &1)
        .send_bytes::<Infallible>()
        .await
        .unwrap();
    assert_eq!(bytes.as_ref(), [0u8, 159, 146, 150]);
}

/// An Open API list slice: `result`, `hasNext`, `offset`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ItemSlice {
    result: Vec<Item>,
    has_next: bool,
    offset: u64,
}

impl Page for ItemSlice {
    type Item = Item;

    fn into_page(self) -> (Vec<Item>, Option<String>) {
        let next = self.has_next.then(|| (self.offset + 1).to_string());
        (self.result, next)
    }
}

#[tokio::test]
async fn paginate_fetches_slices_lazily() {
    let server = MockServer::start().await;
    for (offset, body) in [
        (
            "0",
            r#"{"result":[{"id":1},{"id":2}],"hasNext":true,"offset":0}"#,
        ),
        ("1", r#"{"result":[{"id":3}],"hasNext":true,"offset":1}"#),
        (
            "2",
            r#"{"result":[{"id":4},{"id":5}],"hasNext":false,"offset":2}"#,
        ),
    ] {
        Mock::given(method("GET"))
            .and(path("/v1/items"))
            .and(query_param("offset", offset))
            .respond_with(ResponseTemplate::new(200).set_body_string(body))
            .mount(&server)
            .await;
    }
    let client = client(&server);
    let fetches = Arc::new(AtomicUsize::new(0));
    let counter = fetches.clone();
    let items = paginate(Some("0".to_owned()), |cursor: Option<String>| {
        counter.fetch_add(1, Ordering::SeqCst);
        let client = client.clone();
        async move {
            client
                .request(&LIST_ITEMS)
                .query("offset", &cursor)
                .query("sliceSize", &2)
                .send::<ItemSlice, Infallible>()
                .await
        }
    });
    let mut items = pin!(items);

    assert_eq!(
        fetches.load(Ordering::SeqCst),
        0,
        "nothing fetched before polling"
    );
    assert_eq!(items.next().await.unwrap().unwrap().id, 1);
    assert_eq!(items.next().await.unwrap().unwrap().id, 2);
    assert_eq!(
        fetches.load(Ordering::SeqCst),
        1,
        "second slice not fetched yet"
    );
    assert_eq!(items.next().await.unwrap().unwrap().id, 3);
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
    let rest: Vec<u64> = items.map(|item| item.unwrap().id).collect().await;
    assert_eq!(rest, [4, 5]);
    assert_eq!(fetches.load(Ordering::SeqCst), 3);
    assert_eq!(requests(&server).await.len(), 3);
}

struct FakePage(Vec<u32>, Option<&'static str>);

impl Page for FakePage {
    type Item = u32;

    fn into_page(self) -> (Vec<u32>, Option<String>) {
        (self.0, self.1.map(str::to_owned))
    }
}

#[tokio::test]
async fn paginate_stops_on_a_repeated_cursor() {
    let fetches = AtomicUsize::new(0);
    let items = paginate(None, |cursor: Option<String>| {
        let n = fetches.fetch_add(1, Ordering::SeqCst);
        async move {
            Ok::<_, Error<Infallible>>(match (n, cursor.as_deref()) {
                (0, None) => FakePage(vec![1], Some("a")),
                (1, Some("a")) => FakePage(vec![2], Some("b")),
                // A buggy server hands out "a" again.
                (2, Some("b")) => FakePage(vec![3], Some("a")),
                other => panic!("unexpected fetch {other:?}"),
            })
        }
    });
    let results: Vec<_> = items.collect().await;
    assert_eq!(results.len(), 4);
    let values: Vec<u32> = results[..3].iter().map(|r| *r.as_ref().unwrap()).collect();
    assert_eq!(values, [1, 2, 3]);
    assert!(matches!(&results[3], Err(Error::RepeatedCursor { cursor, .. }) if cursor == "a"));
    assert_eq!(fetches.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn paginate_stops_after_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let client = client(&server);
    let items = paginate(None, |cursor: Option<String>| {
        let client = client.clone();
        async move {
            client
                .request(&LIST_ITEMS)
                .query("offset", &cursor)
                .send::<ItemSlice, Infallible>()
                .await
        }
    });
    let results: Vec<_> = items.collect().await;
    assert_eq!(results.len(), 1);
    assert_eq!(
        results[0].as_ref().unwrap_err().status(),
        Some(StatusCode::INTERNAL_SERVER_ERROR)
    );
}

#[test]
fn send_futures_are_send() {
    fn assert_send<T: Send>(_: &T) {}
    let client: Client = ClientBuilder::new(OPEN_API)
        .base_url("https://example.invalid")
        .api_key(KEY)
        .build()
        .unwrap();
    let future = client
        .request(&GET_CUSTOMER)
        .path_param("customerId", &1)
        .send::<Customer, CreateItemError>();
    assert_send(&future);
    fn assert_error<T: std::error::Error + Send + Sync + 'static>() {}
    assert_error::<Error<CreateItemError>>();
}

/// A minimal `tracing` subscriber that writes every span, field record and event as text.
mod recorder {
    use std::fmt::Debug;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Arc, Mutex};

    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata, Subscriber};

    #[derive(Default, Clone)]
    pub struct Recorder {
        pub log: Arc<Mutex<Vec<String>>>,
        next_id: Arc<AtomicU64>,
    }

    struct Line<'a>(&'a mut String);

    impl Visit for Line<'_> {
        fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
            self.0.push_str(&format!(" {}={:?}", field.name(), value));
        }

        fn record_str(&mut self, field: &Field, value: &str) {
            self.0.push_str(&format!(" {}={}", field.name(), value));
        }
    }

    impl Recorder {
        fn push(&self, line: String) {
            self.log.lock().unwrap().push(line);
        }
    }

    impl Subscriber for Recorder {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }

        fn new_span(&self, span: &Attributes<'_>) -> Id {
            let mut line = format!("span {}:", span.metadata().name());
            span.record(&mut Line(&mut line));
            self.push(line);
            Id::from_u64(self.next_id.fetch_add(1, Ordering::Relaxed) + 1)
        }

        fn record(&self, _: &Id, values: &Record<'_>) {
            let mut line = "record:".to_owned();
            values.record(&mut Line(&mut line));
            self.push(line);
        }

        fn record_follows_from(&self, _: &Id, _: &Id) {}

        fn event(&self, event: &Event<'_>) {
            let mut line = format!("event {}:", event.metadata().level());
            event.record(&mut Line(&mut line));
            self.push(line);
        }

        fn enter(&self, _: &Id) {}

        fn exit(&self, _: &Id) {}
    }
}

#[tokio::test]
async fn tracing_names_the_template_and_never_the_key() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"id":42,"name":"a"}"#))
        .mount(&server)
        .await;
    let recorder = recorder::Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());

    client(&server)
        .request(&GET_CUSTOMER)
        .path_param("customerId", &42)
        .send::<Customer, Infallible>()
        .await
        .unwrap();

    let log = recorder.log.lock().unwrap().join("\n");
    assert!(
        log.contains(
            "span api.request: operation=getCustomer method=GET path=/v1/customers/{customerId}"
        ),
        "{log}"
    );
    assert!(log.contains("record: status=503"), "{log}");
    assert!(log.contains("record: attempt=2"), "{log}");
    assert!(log.contains("record: status=200"), "{log}");
    assert!(log.contains("record: latency_ms="), "{log}");
    assert!(
        log.contains("event WARN:") && log.contains("retrying request"),
        "{log}"
    );
    assert!(!log.contains(KEY), "{log}");
    assert!(!log.contains("/v1/customers/42"), "{log}");
}

#[tokio::test]
async fn callers_reqwest_builder_is_used_with_per_attempt_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("x-api-key", KEY))
        .and(header("x-tenant", "override"))
        .respond_with(ResponseTemplate::new(200).set_delay(ms(2_000)))
        .mount(&server)
        .await;

    let client: Client = builder(&server)
        .reqwest_builder(openapi_client_runtime::reqwest::Client::builder())
        .default_header("X-Tenant", "default")
        .timeout(ms(100))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client
        .request(&GET_CUSTOMER)
        .path_param("customerId", &1)
        .header("X-Tenant", "override")
        .send::<Customer, Infallible>()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { attempts: 1, .. }), "{err:?}");
    // The request matched the mock: key sent, call header replaced the default.
    assert_eq!(requests(&server).await.len(), 1);
    assert_eq!(
        requests(&server).await[0]
            .headers
            .get_all("x-tenant")
            .iter()
            .count(),
        1
    );
}

#[tokio::test]
async fn bearer_token_is_sent_redacted_and_kept_from_other_hosts() {
    const TOKEN: &str = "device_SECRET_bearer_TOKEN_7";
    const DEVICE_API: ApiDefaults = ApiDefaults {
        user_agent: "magicline-device/0.1.0",
        auth: Auth::Bearer,
    };
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&elsewhere)
        .await;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/customers/1"))
        .respond_with(ResponseTemplate::new(401).set_body_string(r#"{"message":"expired"}"#))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/customers/2"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("Location", format!("{}/steal", elsewhere.uri()).as_str()),
        )
        .mount(&server)
        .await;

    let builder = ClientBuilder::<Client>::new(DEVICE_API)
        .base_url(server.uri())
        .bearer_token(TOKEN);
    assert!(!format!("{builder:?}").contains(TOKEN));
    let client = builder.build().unwrap();
    assert!(!format!("{client:?}").contains(TOKEN));

    let err = client
        .request(&GET_CUSTOMER)
        .path_param("customerId", &1)
        .send::<serde_json::Value, Infallible>()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::UNAUTHORIZED));
    for shown in [format!("{err}"), format!("{err:?}"), format!("{err:#?}")] {
        assert!(!shown.contains(TOKEN), "{shown}");
    }
    let received = requests(&server).await;
    assert_eq!(
        received[0].headers["authorization"],
        format!("Bearer {TOKEN}").as_str()
    );

    let err = client
        .request(&GET_CUSTOMER)
        .path_param("customerId", &2)
        .send::<serde_json::Value, Infallible>()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::FOUND));
    assert!(requests(&elsewhere).await.is_empty());
}
