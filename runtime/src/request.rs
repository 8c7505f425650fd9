//! Building, sending and retrying one operation call.

use std::fmt;
use std::time::{Duration, Instant};

use bytes::Bytes;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use reqwest::{StatusCode, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tracing::Instrument as _;
use tracing::field::Empty;

use crate::Operation;
use crate::client::Client;
use crate::error::{DecodeError, Error, ErrorBody, decode_json};
use crate::multipart;
use crate::param::ParamValue;
use crate::retry::RetryPolicy;

/// Everything but RFC 3986 "unreserved" characters is escaped, in path segments and query
/// components alike: over-escaping is always safe, under-escaping (`/`, `?`, `&`, `#`, `+`)
/// would change what the server sees.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// One call of an operation: parameters and body are added, then one of the `send` methods
/// sends it (retrying as the client's [`RetryPolicy`] allows) and decodes the response.
///
/// Adding parameters never fails or panics; a problem (invalid header value, body that does not
/// serialise, unknown path parameter) is remembered and returned as [`Error::Request`] by
/// `send`, before anything is sent.
#[must_use = "a request does nothing until it is sent"]
pub struct RequestBuilder<'c> {
    client: &'c Client,
    operation: &'static Operation,
    /// The path template with the parameters given so far substituted.
    path: String,
    /// `name=value` pairs, already encoded and joined with `&`.
    query: String,
    headers: HeaderMap,
    body: Body,
    timeout: Option<Duration>,
    retry_non_idempotent: bool,
    /// The first problem found while building; reported by `send`.
    error: Option<String>,
}

enum Body {
    Empty,
    Json(Bytes),
    Multipart(multipart::Form),
}

impl<'c> RequestBuilder<'c> {
    pub(crate) fn new(client: &'c Client, operation: &'static Operation) -> Self {
        RequestBuilder {
            client,
            operation,
            path: operation.path.to_owned(),
            query: String::new(),
            headers: HeaderMap::new(),
            body: Body::Empty,
            timeout: None,
            retry_non_idempotent: false,
            error: None,
        }
    }

    fn fail(&mut self, message: impl FnOnce() -> String) {
        if self.error.is_none() {
            self.error = Some(message());
        }
    }

    /// Substitutes `{name}` in the path template with the percent-encoded value (a list is
    /// comma-separated, OpenAPI's `simple` style).
    ///
    /// An empty value, `.` or `..` is refused: each would make the request address a different
    /// resource than the template names.
    pub fn path_param(mut self, name: &str, value: &(impl ParamValue + ?Sized)) -> Self {
        let mut encoded = String::new();
        let mut first = true;
        value.for_each_value(&mut |v| {
            if !first {
                encoded.push(',');
            }
            first = false;
            encoded.extend(utf8_percent_encode(v, COMPONENT));
        });
        if encoded.is_empty() {
            self.fail(|| format!("path parameter `{name}` is empty"));
            return self;
        }
        if encoded == "." || encoded == ".." {
            self.fail(|| format!("path parameter `{name}` cannot be `{encoded}`"));
            return self;
        }
        match placeholder(&self.path, name) {
            Some(range) => self.path.replace_range(range, &encoded),
            None => self.fail(|| {
                format!(
                    "path parameter `{name}` is not in the template {}",
                    self.operation.path
                )
            }),
        }
        self
    }

    /// Adds `name=value` to the query, once per value of a list (OpenAPI's `form` style with
    /// `explode: true`); `None` and empty lists add nothing.
    pub fn query(mut self, name: &'static str, value: &(impl ParamValue + ?Sized)) -> Self {
        let query = &mut self.query;
        value.for_each_value(&mut |v| {
            if !query.is_empty() {
                query.push('&');
            }
            query.extend(utf8_percent_encode(name, COMPONENT));
            query.push('=');
            query.extend(utf8_percent_encode(v, COMPONENT));
        });
        self
    }

    /// Sets a header; list values are comma-joined, `None` and empty lists add nothing.
    pub fn header(mut self, name: &'static str, value: &(impl ParamValue + ?Sized)) -> Self {
        let mut joined = String::new();
        let mut any = false;
        value.for_each_value(&mut |v| {
            if any {
                joined.push(',');
            }
            any = true;
            joined.push_str(v);
        });
        if !any {
            return self;
        }
        let Ok(header_name) = HeaderName::from_bytes(name.as_bytes()) else {
            self.fail(|| format!("invalid header name `{name}`"));
            return self;
        };
        match HeaderValue::from_str(&joined) {
            Ok(header_value) => {
                self.headers.insert(header_name, header_value);
            }
            // The value is not echoed: headers are where credentials live.
            Err(_) => self.fail(|| {
                format!("the value of header `{name}` contains characters not allowed in a header")
            }),
        }
        self
    }

    /// Sends `body` as JSON (`Content-Type: application/json`). It is serialised now, once, and
    /// the bytes are reused if the request is retried.
    pub fn json(mut self, body: &impl Serialize) -> Self {
        match serde_json::to_vec(body) {
            Ok(json) => self.body = Body::Json(Bytes::from(json)),
            Err(err) => self.fail(|| format!("could not serialise the request body: {err}")),
        }
        self
    }

    /// Sends a `multipart/form-data` body.
    pub fn multipart(mut self, form: multipart::Form) -> Self {
        self.body = Body::Multipart(form);
        self
    }

    /// Allows retrying this call even though its method (POST, PATCH) is not idempotent. Only
    /// opt in when sending the request twice is harmless.
    pub fn retry_non_idempotent(mut self, retry: bool) -> Self {
        self.retry_non_idempotent = retry;
        self
    }

    /// Overrides the client's per-attempt timeout for this call (e.g. for a large upload).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sends the request and decodes a 2xx body as JSON into `T`.
    ///
    /// The response's content type is not checked (the Connect API declares `*/*` but sends
    /// JSON). An empty body decodes as `null`. A non-2xx status becomes [`Error::Api`] when `E`
    /// documents it, [`Error::UnexpectedStatus`] otherwise.
    pub async fn send<T: DeserializeOwned, E: ErrorBody>(self) -> Result<T, Error<E>> {
        let operation = self.operation.id;
        let response = self.execute(APPLICATION_JSON).await?;
        if !response.status.is_success() {
            return Err(response.into_error(operation));
        }
        decode_json(&response.body).map_err(|DecodeError { path, message }| Error::Decode {
            operation,
            status: response.status,
            path,
            message,
            raw: response.body,
            attempts: response.attempts,
        })
    }

    /// Sends the request and ignores a 2xx body (for operations without a response body).
    pub async fn send_empty<E: ErrorBody>(self) -> Result<(), Error<E>> {
        let operation = self.operation.id;
        let response = self.execute(APPLICATION_JSON).await?;
        if response.status.is_success() {
            Ok(())
        } else {
            Err(response.into_error(operation))
        }
    }

    /// Sends the request and returns a 2xx body as is (for binary downloads). Sends
    /// `Accept: */*` unless a header parameter set `Accept`.
    pub async fn send_bytes<E: ErrorBody>(self) -> Result<Bytes, Error<E>> {
        let operation = self.operation.id;
        let response = self.execute(ANY).await?;
        if response.status.is_success() {
            Ok(response.body)
        } else {
            Err(response.into_error(operation))
        }
    }

    /// Sends with retries inside one tracing span.
    async fn execute<E>(self, accept: &'static str) -> Result<RawResponse, Error<E>> {
        let operation = self.operation;
        // The template, not the filled-in path: it has bounded cardinality and no personal data.
        let span = tracing::info_span!(
            "api.request",
            operation = operation.id,
            method = %operation.method,
            path = operation.path,
            status = Empty,
            attempt = Empty,
            latency_ms = Empty,
        );
        self.execute_in(accept, span.clone())
            .instrument(span)
            .await
            .map_err(|failure| failure.into_error(operation.id))
    }

    async fn execute_in(
        self,
        accept: &'static str,
        span: tracing::Span,
    ) -> Result<RawResponse, Failure> {
        let RequestBuilder {
            client,
            operation,
            path,
            query,
            headers: call_headers,
            body,
            timeout,
            retry_non_idempotent,
            error,
        } = self;
        if let Some(message) = error {
            return Err(Failure::Request(message));
        }
        if path.contains('{') {
            return Err(Failure::Request(format!(
                "missing path parameter(s): {path} (template {})",
                operation.path
            )));
        }
        let inner = client.inner();
        let url = build_url(&inner.base_url, &path, &query)?;

        let mut headers = inner.headers.clone();
        headers.insert(header::ACCEPT, HeaderValue::from_static(accept));
        if matches!(body, Body::Json(_)) {
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(APPLICATION_JSON),
            );
        }
        // Call-specific headers replace client defaults of the same name.
        headers.extend(call_headers);
        if let Body::Multipart(form) = &body {
            // Fail before sending anything if the form cannot be built.
            form.to_reqwest().map_err(Failure::Request)?;
        }

        let policy = &inner.retry;
        let max_attempts = if RetryPolicy::idempotent(&operation.method) || retry_non_idempotent {
            policy.attempts_limit()
        } else {
            1
        };
        let timeout = timeout.unwrap_or(inner.timeout);
        let started = Instant::now();
        let mut attempt = 0;
        loop {
            attempt += 1;
            span.record("attempt", attempt);
            let mut request = inner
                .http
                .request(operation.method.clone(), url.clone())
                .headers(headers.clone())
                .timeout(timeout);
            request = match &body {
                Body::Empty => request,
                // Cloning `Bytes` shares the buffer: retries do not copy the body.
                Body::Json(json) => request.body(json.clone()),
                Body::Multipart(form) => {
                    request.multipart(form.to_reqwest().map_err(Failure::Request)?)
                }
            };
            let attempt_started = Instant::now();
            let outcome = send_once(request).await;
            let attempt_ms = elapsed_ms(attempt_started);
            span.record("latency_ms", elapsed_ms(started));

            let delay = match outcome {
                Ok(response) => {
                    span.record("status", response.status.as_u16());
                    tracing::debug!(
                        status = response.status.as_u16(),
                        attempt,
                        attempt_ms,
                        "response received"
                    );
                    if attempt >= max_attempts || !RetryPolicy::retryable_status(response.status) {
                        return Ok(RawResponse {
                            status: response.status,
                            body: response.body,
                            attempts: attempt,
                        });
                    }
                    match policy.retry_after(response.retry_after.as_ref()) {
                        Ok(Some(wait)) => wait,
                        Ok(None) => policy.backoff(attempt),
                        Err(asked) => {
                            tracing::warn!(
                                status = response.status.as_u16(),
                                attempt,
                                retry_after_ms = duration_ms(asked),
                                "not retrying: the server asked to wait longer than max_retry_after"
                            );
                            return Ok(RawResponse {
                                status: response.status,
                                body: response.body,
                                attempts: attempt,
                            });
                        }
                    }
                }
                Err(err) => {
                    let timed_out = err.is_timeout();
                    let retryable = timed_out || err.is_connect();
                    tracing::debug!(
                        attempt,
                        attempt_ms,
                        timed_out,
                        connect = err.is_connect(),
                        cause = %Causes(&err),
                        "request failed"
                    );
                    if attempt >= max_attempts || !retryable {
                        return Err(if timed_out {
                            Failure::Timeout { attempts: attempt }
                        } else {
                            Failure::Transport {
                                attempts: attempt,
                                source: err,
                            }
                        });
                    }
                    policy.backoff(attempt)
                }
            };
            tracing::warn!(attempt, delay_ms = duration_ms(delay), "retrying request");
            tokio::time::sleep(delay).await;
        }
    }
}

impl fmt::Debug for RequestBuilder<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // No header values or query: they may carry personal data.
        f.debug_struct("RequestBuilder")
            .field("operation", &self.operation.id)
            .field("method", &self.operation.method)
            .field("path", &self.operation.path)
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

const APPLICATION_JSON: &str = "application/json";
const ANY: &str = "*/*";

/// Where `{name}` is in `path`.
///
/// Scans for `{` rather than formatting the placeholder and calling `str::find`: this runs for
/// every path parameter of every call, and measured, the `format!` plus the substring search's
/// setup were most of a GET's client-side overhead over a hand-written `reqwest` call.
fn placeholder(path: &str, name: &str) -> Option<std::ops::Range<usize>> {
    path.match_indices('{').find_map(|(open, _)| {
        let rest = &path[open + 1..];
        (rest.starts_with(name) && rest[name.len()..].starts_with('}'))
            .then(|| open..open + name.len() + 2)
    })
}

fn build_url(base_url: &str, path: &str, query: &str) -> Result<Url, Failure> {
    let mut url = String::with_capacity(base_url.len() + path.len() + query.len() + 2);
    url.push_str(base_url);
    if !path.starts_with('/') {
        url.push('/');
    }
    url.push_str(path);
    if !query.is_empty() {
        url.push('?');
        url.push_str(query);
    }
    Url::parse(&url).map_err(|err| Failure::Request(format!("invalid request URL: {err}")))
}

struct Received {
    status: StatusCode,
    retry_after: Option<HeaderValue>,
    body: Bytes,
}

async fn send_once(request: reqwest::RequestBuilder) -> Result<Received, reqwest::Error> {
    let response = request.send().await?;
    let status = response.status();
    let retry_after = response.headers().get(header::RETRY_AFTER).cloned();
    // Read inside the attempt so the per-attempt timeout covers the body too.
    let body = response.bytes().await?;
    Ok(Received {
        status,
        retry_after,
        body,
    })
}

/// The final response of a call, after retries.
struct RawResponse {
    status: StatusCode,
    body: Bytes,
    attempts: u32,
}

impl RawResponse {
    fn into_error<E: ErrorBody>(self, operation: &'static str) -> Error<E> {
        let RawResponse {
            status,
            body,
            attempts,
        } = self;
        match E::from_status(status, &body) {
            Some(Ok(decoded)) => Error::Api {
                operation,
                status,
                body: decoded,
                raw: body,
                attempts,
            },
            Some(Err(DecodeError { path, message })) => Error::Decode {
                operation,
                status,
                path,
                message,
                raw: body,
                attempts,
            },
            None => Error::UnexpectedStatus {
                operation,
                status,
                raw: body,
                attempts,
            },
        }
    }
}

/// A failure before a final response, independent of the operation's error body type.
enum Failure {
    Request(String),
    Timeout {
        attempts: u32,
    },
    Transport {
        attempts: u32,
        source: reqwest::Error,
    },
}

impl Failure {
    fn into_error<E>(self, operation: &'static str) -> Error<E> {
        match self {
            Failure::Request(message) => Error::Request { operation, message },
            Failure::Timeout { attempts } => Error::Timeout {
                operation,
                attempts,
            },
            Failure::Transport { attempts, source } => Error::Transport {
                operation,
                attempts,
                source,
            },
        }
    }
}

/// Displays an error's causes but not the error itself: reqwest's top-level message carries the
/// request URL, whose filled-in path and query may hold personal data that does not belong in
/// logs (the span already names the operation).
struct Causes<'a>(&'a reqwest::Error);

impl fmt::Display for Causes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut source = std::error::Error::source(self.0);
        let mut separator = "";
        while let Some(cause) = source {
            write!(f, "{separator}{cause}")?;
            separator = ": ";
            source = cause.source();
        }
        Ok(())
    }
}

fn elapsed_ms(since: Instant) -> u64 {
    duration_ms(since.elapsed())
}

fn duration_ms(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_joined_and_validated() {
        let url = build_url("https://h/api", "/v1/x", "a=1").ok().unwrap();
        assert_eq!(url.as_str(), "https://h/api/v1/x?a=1");
        let url = build_url("https://h", "v1", "").ok().unwrap();
        assert_eq!(url.as_str(), "https://h/v1");
    }

    #[test]
    fn placeholders_are_found_whole() {
        let path = "/v1/{studio}/{studioId}/x/{id}";
        assert_eq!(placeholder(path, "studioId"), Some(13..23));
        assert_eq!(placeholder(path, "studio"), Some(4..12));
        assert_eq!(placeholder(path, "id"), Some(26..30));
        assert_eq!(placeholder(path, "stud"), None);
        assert_eq!(placeholder(path, "x"), None);
        assert_eq!(placeholder("/{a", "a"), None);
        assert_eq!(placeholder("/{}", ""), Some(1..3));
        assert_eq!(placeholder("/ä/{é}", "é"), Some(4..8));
    }
}
