//! An operation whose document gives no responses (OpenAPI 3.1 allows it) returns the raw
//! response: the body of any 2xx as bytes, the status and headers with `send_with_response`, any
//! other status as `Error::UnexpectedStatus` with its raw body. The request is typed as usual,
//! checked here as the server received it.

use fixture_v31_no_responses::mock::{MockServer, Response};
use fixture_v31_no_responses::models::Replay;
use fixture_v31_no_responses::runtime::Error;
use fixture_v31_no_responses::runtime::serde_json::{self, json};

/// The one request the server received: method, path, query, `Accept` and body (as JSON).
async fn received(
    server: &MockServer,
) -> (String, String, Option<String>, String, serde_json::Value) {
    let requests = server
        .runtime()
        .wiremock()
        .received_requests()
        .await
        .expect("requests are recorded");
    assert_eq!(requests.len(), 1, "exactly one request");
    let request = &requests[0];
    let accept = request
        .headers
        .get("accept")
        .map(|value| value.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (
        request.method.to_string(),
        request.url.path().to_owned(),
        request.url.query().map(str::to_owned),
        accept,
        serde_json::from_slice(&request.body).expect("a JSON body"),
    )
}

#[tokio::test]
async fn a_2xx_answer_comes_back_raw_with_its_status_and_headers() {
    let server = MockServer::start().await;
    let replay = Replay::new("https://example.com/hook").with_attempts(3);
    server
        .events()
        .replay_event("e1", &replay)
        .dry_run(true)
        .responds_with(
            Response::status(202)
                .bytes(&b"queued e1"[..], "text/plain")
                .with_header("Location", "/replays/7"),
        )
        .await;

    let response = server
        .client()
        .events()
        .replay_event("e1", replay)
        .dry_run(true)
        .send_with_response()
        .await
        .unwrap();

    assert_eq!(response.status().as_u16(), 202);
    assert_eq!(response.headers()["location"], "/replays/7");
    assert_eq!(response.headers()["content-type"], "text/plain");
    assert_eq!(response.body().as_ref(), b"queued e1");
    let (method, path, query, accept, body) = received(&server).await;
    assert_eq!(method, "POST");
    assert_eq!(path, "/events/e1/replay");
    assert_eq!(query.as_deref(), Some("dryRun=true"));
    // Nothing documented, so any media type is accepted.
    assert_eq!(accept, "*/*");
    assert_eq!(
        body,
        json!({"target": "https://example.com/hook", "attempts": 3})
    );
    server.verify();
}

#[tokio::test]
async fn awaiting_gives_the_body_and_an_empty_answer_is_a_success() {
    let server = MockServer::start().await;
    let replay = Replay::new("https://example.com/hook");
    server
        .events()
        .replay_event("e2", &replay)
        .returns(&b"\x00\x01raw"[..])
        .await;
    let body = server
        .client()
        .events()
        .replay_event("e2", replay.clone())
        .await
        .unwrap();
    assert_eq!(body.as_ref(), b"\x00\x01raw");
    let (_, path, query, _, sent) = received(&server).await;
    assert_eq!(path, "/events/e2/replay");
    assert_eq!(query, None);
    assert_eq!(sent, json!({"target": "https://example.com/hook"}));
    server.verify();

    let server = MockServer::start().await;
    server
        .events()
        .replay_event("e3", &replay)
        .responds_with(Response::status(204))
        .await;
    let response = server
        .client()
        .events()
        .replay_event("e3", replay)
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 204);
    assert!(response.body().is_empty());
    server.verify();
}

#[tokio::test]
async fn any_other_status_is_unexpected_with_its_raw_body() {
    let server = MockServer::start().await;
    let replay = Replay::new("https://example.com/hook");
    server
        .events()
        .replay_event("gone", &replay)
        .responds_with(
            Response::status(410)
                .bytes(&b"{\"reason\":\"expired\"}"[..], "application/json")
                .with_header("X-Request-Id", "r-1"),
        )
        .await;

    let error = server
        .client()
        .events()
        .replay_event("gone", replay)
        .await
        .unwrap_err();

    match error {
        Error::UnexpectedStatus {
            operation,
            status,
            headers,
            raw,
            ..
        } => {
            assert_eq!(operation, "replayEvent");
            assert_eq!(status.as_u16(), 410);
            assert_eq!(headers["x-request-id"], "r-1");
            assert_eq!(raw.as_ref(), b"{\"reason\":\"expired\"}");
        }
        other => panic!("expected UnexpectedStatus, got {other:?}"),
    }
    let (method, path, ..) = received(&server).await;
    assert_eq!(
        (method.as_str(), path.as_str()),
        ("POST", "/events/gone/replay")
    );
    server.verify();
}
