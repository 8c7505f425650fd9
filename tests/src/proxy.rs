//! A recording HTTP proxy between a generated client and Prism.
//!
//! The generated methods return typed values, not HTTP responses, so the test cannot see what
//! Prism said about the request: its `sl-violations` header. The client is pointed at this
//! proxy instead, which forwards every request unchanged, and keeps per call (named by the
//! [`CALL_HEADER`] the harness sets on each call's client) the status, the parsed violations
//! and the raw bodies. A [`Tamper`] hook can rewrite response bodies, to check how the client
//! handles a body that breaks the schema.

use std::collections::HashMap;
use std::convert::Infallible;
use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{self, HeaderName};
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde::Deserialize;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// The header naming a call; Prism ignores it, the proxy files the exchange under it.
pub const CALL_HEADER: &str = "x-contract-call";

/// One entry of Prism's `sl-violations` header.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Violation {
    /// Where: `["request", "body", "amount"]`, `["request", "query", "sliceSize"]`,
    /// `["response", "body", ...]`.
    pub location: Vec<String>,
    /// `Error` or `Warning`.
    pub severity: String,
    /// The rule (`required`, `type`, `format`, ...) or a status code.
    pub code: serde_json::Value,
    /// Prism's message.
    pub message: String,
}

impl Violation {
    /// A violation by the request (the client's fault), as opposed to one by Prism's own
    /// response (the spec's example or Prism's generator).
    pub fn in_request(&self) -> bool {
        self.location.first().map(String::as_str) == Some("request")
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let code = match &self.code {
            serde_json::Value::String(code) => code.clone(),
            other => other.to_string(),
        };
        write!(
            f,
            "{}: {} [{} {code}]",
            self.location.join("."),
            self.message,
            self.severity
        )
    }
}

/// Parses an `sl-violations` header value; an unreadable one becomes a single violation
/// saying so, so that it is never silently ignored.
///
/// When there are many, Prism sends `Too many violations! ` and the start of the list, cut
/// anywhere: the violations that arrived whole are kept.
pub fn parse_violations(header: &str) -> Vec<Violation> {
    let list = header
        .strip_prefix("Too many violations! ")
        .unwrap_or(header);
    if let Ok(violations) = serde_json::from_str(list) {
        return violations;
    }
    let whole: Vec<Violation> = complete_objects(list)
        .into_iter()
        .filter_map(|object| serde_json::from_str(object).ok())
        .collect();
    if whole.is_empty() {
        return vec![Violation {
            location: vec!["unknown".into()],
            severity: "Error".into(),
            code: serde_json::Value::Null,
            message: format!("unreadable sl-violations header: {header}"),
        }];
    }
    whole
}

/// The complete `{...}` objects directly inside a JSON array that may be cut off.
fn complete_objects(list: &str) -> Vec<&str> {
    let mut objects = Vec::new();
    let (mut depth, mut start, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for (index, c) in list.char_indices() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' => {
                if depth == 0 {
                    start = index;
                }
                depth += 1;
            }
            '}' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    objects.push(&list[start..=index]);
                }
            }
            _ => {}
        }
    }
    objects
}

/// What the proxy saw of one call (the last request carrying its name).
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The request method.
    pub method: String,
    /// Path and query as sent.
    pub target: String,
    /// The request body.
    pub request_body: Bytes,
    /// Prism's status (502 if Prism could not be reached).
    pub status: u16,
    /// Prism's `sl-violations`, request and response ones.
    pub violations: Vec<Violation>,
    /// The response body as Prism sent it (before any [`Tamper`]).
    pub response_body: Bytes,
}

impl Exchange {
    /// The violations by the request.
    pub fn request_violations(&self) -> impl Iterator<Item = &Violation> {
        self.violations.iter().filter(|v| v.in_request())
    }
}

/// Rewrites a response body: (call name, status, body) -> new body.
pub type Tamper = Arc<dyn Fn(&str, u16, &Bytes) -> Bytes + Send + Sync>;

struct State {
    upstream: String,
    http: reqwest::Client,
    exchanges: Mutex<HashMap<String, Exchange>>,
    tamper: Mutex<Option<Tamper>>,
}

/// The running proxy; stops accepting connections when dropped.
pub struct Proxy {
    address: SocketAddr,
    state: Arc<State>,
    server: JoinHandle<()>,
}

impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Proxy")
            .field("address", &self.address)
            .field("upstream", &self.state.upstream)
            .finish_non_exhaustive()
    }
}

impl Proxy {
    /// Listens on 127.0.0.1 and a free port, forwarding to `upstream` (`http://host:port`).
    pub async fn start(upstream: &str) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("the OS hands out a free port on 127.0.0.1");
        let address = listener
            .local_addr()
            .expect("a bound listener has an address");
        let state = Arc::new(State {
            upstream: upstream.trim_end_matches('/').to_owned(),
            // No pooled connections: Prism closes idle ones after 5 s, and a request sent on
            // one it is closing fails ("connection closed before message completed").
            http: {
                // Our own reqwest client, maybe the process's first: rustls needs a provider.
                openapi_client_runtime::install_crypto_provider();
                reqwest::Client::builder()
            }
            .no_proxy()
            .pool_max_idle_per_host(0)
            .build()
            .expect("a plain HTTP client builds"),
            exchanges: Mutex::new(HashMap::new()),
            tamper: Mutex::new(None),
        });
        let shared = Arc::clone(&state);
        let server = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let state = Arc::clone(&shared);
                tokio::spawn(async move {
                    let service = service_fn(move |request| forward(Arc::clone(&state), request));
                    // A client that drops a connection mid-request is not the proxy's concern.
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Proxy {
            address,
            state,
            server,
        }
    }

    /// `http://127.0.0.1:<port>`, the base URL to give the client.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Removes and returns what was recorded for `call`.
    pub fn take(&self, call: &str) -> Option<Exchange> {
        lock(&self.state.exchanges).remove(call)
    }

    /// Rewrites every following response body with `tamper` (`None` to stop).
    pub fn set_tamper(&self, tamper: Option<Tamper>) {
        *lock(&self.state.tamper) = tamper;
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// A poisoned lock only means another test thread panicked; the map is still usable.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn hop_by_hop(name: &HeaderName) -> bool {
    [
        header::CONNECTION,
        header::TRANSFER_ENCODING,
        header::CONTENT_LENGTH,
        header::HOST,
        header::TE,
        header::UPGRADE,
    ]
    .contains(name)
        || name.as_str() == "keep-alive"
}

async fn forward(
    state: Arc<State>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = request.into_parts();
    let request_body = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => Bytes::new(),
    };
    let call = parts
        .headers
        .get(CALL_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let target = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    let mut upstream = state
        .http
        .request(parts.method.clone(), format!("{}{target}", state.upstream));
    for (name, value) in parts.headers.iter().filter(|(name, _)| !hop_by_hop(name)) {
        upstream = upstream.header(name, value);
    }
    let (status, headers, response_body) = match upstream.body(request_body.clone()).send().await {
        Ok(response) => {
            let status = response.status();
            let headers = response.headers().clone();
            match response.bytes().await {
                Ok(bytes) => (status, headers, bytes),
                Err(e) => bad_gateway(&format!("reading Prism's response failed: {e}")),
            }
        }
        Err(e) => bad_gateway(&format!("Prism could not be reached: {e}")),
    };
    let violations = headers
        .get("sl-violations")
        .and_then(|v| v.to_str().ok())
        .map(parse_violations)
        .unwrap_or_default();
    let tamper = lock(&state.tamper).clone();
    let sent_body = match tamper {
        Some(tamper) => tamper(&call, status.as_u16(), &response_body),
        None => response_body.clone(),
    };
    lock(&state.exchanges).insert(
        call,
        Exchange {
            method: parts.method.to_string(),
            target,
            request_body,
            status: status.as_u16(),
            violations,
            response_body,
        },
    );
    let mut response = Response::new(Full::new(sent_body));
    *response.status_mut() = status;
    for (name, value) in headers.iter().filter(|(name, _)| !hop_by_hop(name)) {
        response.headers_mut().append(name, value.clone());
    }
    Ok(response)
}

fn bad_gateway(message: &str) -> (reqwest::StatusCode, reqwest::header::HeaderMap, Bytes) {
    (
        reqwest::StatusCode::BAD_GATEWAY,
        reqwest::header::HeaderMap::new(),
        Bytes::from(message.to_owned()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn violations_are_parsed_and_classified() {
        let header = r#"[{"location":["request","body"],"severity":"Error","code":"required","message":"Request body must have required property 'amount'"},
            {"location":["response","body","houseNumber"],"severity":"Error","code":"type","message":"must be string"}]"#;
        let violations = parse_violations(header);
        assert_eq!(violations.len(), 2);
        assert!(violations[0].in_request());
        assert!(!violations[1].in_request());
        assert_eq!(
            violations[0].to_string(),
            "request.body: Request body must have required property 'amount' [Error required]"
        );
        let unreadable = parse_violations("nope");
        assert_eq!(unreadable.len(), 1);
        assert!(unreadable[0].message.contains("unreadable"));
        let cut = r#"Too many violations! [{"location":["response","body","a"],"severity":"Error","code":"required","message":"x {\"}"},{"location":["resp"#;
        let kept = parse_violations(cut);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].message, "x {\"}");
    }
}
