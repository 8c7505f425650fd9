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
use crate::decode::{DecodeError, decode_json};
use crate::error::{Error, ErrorBody, SuccessBody, TransportKind};
use crate::form::FormStyle;
use crate::multipart;
use crate::param::ParamValue;
use crate::retry::{Attempt, RetryPolicy};

/// Everything but RFC 3986 "unreserved" characters is escaped, in path segments and query
/// components alike: over-escaping is always safe, under-escaping (`/`, `?`, `&`, `#`, `+`)
/// would change what the server sees.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// One call of an operation: parameters and body are added, then one of the `send` methods
/// sends it (retrying as the [`RetryPolicy`] allows) and decodes the response.
///
/// It owns everything it needs (a handle to the client, the encoded parameters and body), so it
/// is `'static` and `Send`: it can be moved into a spawned task or stored.
///
/// Adding parameters never fails or panics; a problem (invalid header value, body that does not
/// serialise, unknown path parameter) is remembered and returned as [`Error::Request`] by
/// `send`, before anything is sent.
#[must_use = "a request does nothing until it is sent"]
pub struct RequestBuilder {
    client: Client,
    operation: &'static Operation,
    /// The path template with the parameters given so far substituted.
    path: String,
    /// `name=value` pairs, already encoded and joined with `&`.
    query: String,
    headers: HeaderMap,
    body: Body,
    options: CallOptions,
    /// The first problem found while building; reported by `send`.
    error: Option<String>,
}

/// Settings for one call that are not inputs of the operation: timeout, extra headers, retry
/// policy. Generated request builders offer each as a method of their own.
///
/// ```
/// use std::time::Duration;
/// use openapi_client_runtime::{CallOptions, RetryPolicy};
///
/// let options = CallOptions::new()
///     .timeout(Duration::from_secs(5))
///     .header("Accept-Language", "de")
///     .retry(RetryPolicy::none());
/// # let _ = options;
/// ```
#[derive(Clone, Default)]
pub struct CallOptions {
    timeout: Option<Duration>,
    headers: HeaderMap,
    retry: Option<RetryPolicy>,
    retry_ambiguous: bool,
    error: Option<String>,
}

impl CallOptions {
    /// No overrides: the client's settings apply.
    pub fn new() -> Self {
        Self::default()
    }

    /// Overrides the client's per-attempt timeout for this call (e.g. for a large upload).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Adds a header to this call, e.g. `Accept-Language` (which some servers use for the
    /// language of their error messages). It replaces a client default header of the same name
    /// and is replaced by a header parameter of the operation. An invalid name or value fails
    /// the call with [`Error::Request`] before anything is sent; the value is never shown.
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        let name = name.as_ref();
        let Ok(header_name) = HeaderName::from_bytes(name.as_bytes()) else {
            if self.error.is_none() {
                self.error = Some(format!("invalid header name `{name}`"));
            }
            return self;
        };
        match HeaderValue::from_str(value.as_ref()) {
            Ok(mut header_value) => {
                // It may be a credential: keep it out of debug output and HPACK tables.
                header_value.set_sensitive(true);
                self.headers.append(header_name, header_value);
            }
            Err(_) => {
                if self.error.is_none() {
                    self.error = Some(format!(
                        "the value of header `{name}` contains characters not allowed in a header"
                    ));
                }
            }
        }
        self
    }

    /// Retries this call by `policy` instead of the client's policy
    /// ([`RetryPolicy::none`] to send it exactly once).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Allows retrying this call after an ambiguous failure (a timeout after the request was
    /// sent, a reset connection, `502`, `504`, `503` without a valid `Retry-After`), when the
    /// server may have processed it. Only GET, HEAD and OPTIONS are retried then by default; opt in
    /// for another method only when sending the request twice is harmless. See
    /// [`RetryPolicy`] for the whole rule.
    pub fn retry_ambiguous(mut self, retry: bool) -> Self {
        self.retry_ambiguous = retry;
        self
    }

    /// Takes over the settings `other` sets: its timeout and retry policy if set, its headers
    /// (replacing ones of the same name), its `retry_ambiguous` if true.
    fn merge(&mut self, other: CallOptions) {
        if other.timeout.is_some() {
            self.timeout = other.timeout;
        }
        if other.retry.is_some() {
            self.retry = other.retry;
        }
        self.retry_ambiguous |= other.retry_ambiguous;
        let mut last = None;
        for (name, value) in other.headers {
            // `HeaderMap`'s iterator yields a name only for the first of its values.
            if let Some(name) = name {
                self.headers.remove(&name);
                last = Some(name);
            }
            if let Some(name) = &last {
                self.headers.append(name.clone(), value);
            }
        }
        if self.error.is_none() {
            self.error = other.error;
        }
    }
}

impl fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header names only: values may be credentials.
        f.debug_struct("CallOptions")
            .field("timeout", &self.timeout)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("retry", &self.retry)
            .field("retry_ambiguous", &self.retry_ambiguous)
            .field("error", &self.error)
            .finish()
    }
}

/// A successful response: the decoded body with the status and headers it came with (for
/// rate-limit headers, `ETag`, `Location`, ...).
#[derive(Debug, Clone)]
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: T,
    attempts: u32,
}

impl<T> Response<T> {
    /// The status, e.g. `200 OK` or `201 Created`.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The decoded body.
    pub fn body(&self) -> &T {
        &self.body
    }

    /// The decoded body, by value.
    pub fn into_body(self) -> T {
        self.body
    }

    /// Status, headers and body.
    pub fn into_parts(self) -> (StatusCode, HeaderMap, T) {
        (self.status, self.headers, self.body)
    }

    /// How many attempts were made (more than one when retried).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

enum Body {
    Empty,
    /// Bytes ready to send (JSON, form, text or binary) and their `Content-Type`.
    Encoded {
        content_type: HeaderValue,
        bytes: Bytes,
    },
    Multipart(multipart::Form),
}

impl RequestBuilder {
    pub(crate) fn new(client: Client, operation: &'static Operation) -> Self {
        RequestBuilder {
            client,
            operation,
            path: operation.path.to_owned(),
            query: String::new(),
            headers: HeaderMap::new(),
            body: Body::Empty,
            options: CallOptions::default(),
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
        value.for_each_value(&mut |v| push_query_pair(&mut self.query, name, v));
        self
    }

    /// Adds the query parameter `name` written in `style` (OpenAPI's `style` and `explode`):
    /// what [`query`](Self::query) cannot write, objects, maps and unions (`DeepObject` as
    /// `name[key]=value`, an exploded `Form` as one pair per field) and lists that are not
    /// exploded or are delimited. `None` adds nothing. A value that does not serialise fails
    /// the request when it is sent.
    pub fn query_styled(
        mut self,
        name: &'static str,
        value: &(impl Serialize + ?Sized),
        style: FormStyle,
    ) -> Self {
        match crate::form::styled_pairs(name, value, style) {
            Ok(pairs) => {
                for (key, text) in pairs {
                    push_query_pair(&mut self.query, &key, &text);
                }
            }
            Err(message) => self.fail(|| format!("query parameter `{name}`: {message}")),
        }
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
            Ok(json) => {
                self.body = Body::Encoded {
                    content_type: HeaderValue::from_static(APPLICATION_JSON),
                    bytes: Bytes::from(json),
                }
            }
            Err(err) => self.fail(|| format!("could not serialise the request body: {err}")),
        }
        self
    }

    /// Sends `body`, an object, as `application/x-www-form-urlencoded`, each property in its
    /// [`FormStyle`] from `styles` (OpenAPI's default, `form` exploded, for the others). It is
    /// encoded now, once.
    pub fn form(mut self, body: &impl Serialize, styles: &[(&str, FormStyle)]) -> Self {
        match crate::form::encode(body, styles) {
            Ok(form) => {
                self.body = Body::Encoded {
                    content_type: HeaderValue::from_static(FORM_URLENCODED),
                    bytes: Bytes::from(form),
                }
            }
            Err(err) => self.fail(|| format!("could not encode the form body: {err}")),
        }
        self
    }

    /// Sends `body` as text with `content_type` (e.g. `text/plain`).
    pub fn text(self, body: impl Into<String>, content_type: &'static str) -> Self {
        self.bytes(body.into(), content_type)
    }

    /// Sends `body` as it is with `content_type` (e.g. `application/octet-stream`). The bytes
    /// are shared, not copied, when the request is retried. A per-call `Content-Type` header
    /// ([`CallOptions::header`]) overrides `content_type`.
    pub fn bytes(mut self, body: impl Into<Bytes>, content_type: &'static str) -> Self {
        match HeaderValue::from_str(content_type) {
            Ok(content_type) => {
                self.body = Body::Encoded {
                    content_type,
                    bytes: body.into(),
                }
            }
            Err(_) => self.fail(|| format!("invalid content type `{content_type}`")),
        }
        self
    }

    /// Sends a `multipart/form-data` body.
    pub fn multipart(mut self, form: multipart::Form) -> Self {
        self.body = Body::Multipart(form);
        self
    }

    /// Allows retrying this call after an ambiguous failure (see
    /// [`CallOptions::retry_ambiguous`]). Only opt in when sending the request twice is
    /// harmless.
    pub fn retry_ambiguous(mut self, retry: bool) -> Self {
        self.options.retry_ambiguous = retry;
        self
    }

    /// Overrides the client's per-attempt timeout for this call (e.g. for a large upload).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// Applies per-call settings: timeout, extra headers, retry policy. Headers set by
    /// [`header`](Self::header) (the operation's header parameters) win over its headers.
    pub fn options(mut self, options: CallOptions) -> Self {
        self.options.merge(options);
        self
    }

    /// Sends the request and decodes a 2xx body as JSON into `T`.
    ///
    /// The response's content type is not checked (the Connect API declares `*/*` but sends
    /// JSON). An empty body decodes as `null`. A non-2xx status becomes [`Error::Api`] when `E`
    /// documents it and the body matches, [`Error::UnexpectedBody`] when the body does not
    /// match, [`Error::UnexpectedStatus`] when `E` does not document the status.
    pub async fn send<T: DeserializeOwned, E: ErrorBody>(self) -> Result<T, Error<E>> {
        self.send_with_response().await.map(Response::into_body)
    }

    /// Like [`send`](Self::send), also returning the status and headers of the response.
    pub async fn send_with_response<T: DeserializeOwned, E: ErrorBody>(
        self,
    ) -> Result<Response<T>, Error<E>> {
        let operation = self.operation.id;
        let response = self.execute(APPLICATION_JSON).await?;
        if !response.status.is_success() {
            return Err(response.into_error(operation));
        }
        match decode_json(&response.body) {
            Ok(body) => Ok(Response {
                status: response.status,
                headers: response.headers,
                body,
                attempts: response.attempts,
            }),
            Err(DecodeError { path, message }) => Err(Error::Decode {
                operation,
                status: response.status,
                headers: response.headers,
                path,
                message,
                raw: response.body,
                attempts: response.attempts,
            }),
        }
    }

    /// Sends the request and ignores a 2xx body (for operations without a response body).
    pub async fn send_empty<E: ErrorBody>(self) -> Result<(), Error<E>> {
        self.send_empty_with_response()
            .await
            .map(Response::into_body)
    }

    /// Like [`send_empty`](Self::send_empty), also returning the status and headers.
    pub async fn send_empty_with_response<E: ErrorBody>(self) -> Result<Response<()>, Error<E>> {
        let operation = self.operation.id;
        let response = self.execute(APPLICATION_JSON).await?;
        if !response.status.is_success() {
            return Err(response.into_error(operation));
        }
        Ok(response.into_success(|_| ()))
    }

    /// Sends the request and returns a 2xx body as is (for binary downloads). Sends
    /// `Accept: */*` unless a header parameter set `Accept`.
    pub async fn send_bytes<E: ErrorBody>(self) -> Result<Bytes, Error<E>> {
        self.send_bytes_with_response()
            .await
            .map(Response::into_body)
    }

    /// Like [`send_bytes`](Self::send_bytes), also returning the status and headers.
    pub async fn send_bytes_with_response<E: ErrorBody>(self) -> Result<Response<Bytes>, Error<E>> {
        let operation = self.operation.id;
        let response = self.execute(ANY).await?;
        if !response.status.is_success() {
            return Err(response.into_error(operation));
        }
        Ok(response.into_success(|body| body))
    }

    /// Sends the request and decodes a 2xx response by its status into `T`, an operation's
    /// enum of documented success statuses (see [`SuccessBody`]); sends `T::ACCEPT` as `Accept`
    /// unless a header parameter set it.
    ///
    /// A 2xx status `T` does not document is [`Error::UnexpectedStatus`] (its raw body kept),
    /// a documented one whose body does not decode is [`Error::Decode`]. A non-2xx status is
    /// decoded as by [`send`](Self::send).
    pub async fn send_by_status<T: SuccessBody, E: ErrorBody>(self) -> Result<T, Error<E>> {
        self.send_by_status_with_response()
            .await
            .map(Response::into_body)
    }

    /// Like [`send_by_status`](Self::send_by_status), also returning the status and headers.
    pub async fn send_by_status_with_response<T: SuccessBody, E: ErrorBody>(
        self,
    ) -> Result<Response<T>, Error<E>> {
        let operation = self.operation.id;
        let response = self.execute(T::ACCEPT).await?;
        if !response.status.is_success() {
            return Err(response.into_error(operation));
        }
        let RawResponse {
            status,
            headers,
            body: raw,
            attempts,
        } = response;
        match T::from_status(status, &raw) {
            Some(Ok(body)) => Ok(Response {
                status,
                headers,
                body,
                attempts,
            }),
            Some(Err(DecodeError { path, message })) => Err(Error::Decode {
                operation,
                status,
                headers,
                path,
                message,
                raw,
                attempts,
            }),
            None => Err(Error::UnexpectedStatus {
                operation,
                status,
                headers,
                raw,
                attempts,
            }),
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

    /// The retry loop of one call. Checking and building what every attempt sends happens once,
    /// before the loop ([`PreparedCall`]); each turn sends one attempt, lets the outcome decide
    /// between finishing and retrying, and waits before the next attempt.
    async fn execute_in(
        self,
        accept: &'static str,
        span: tracing::Span,
    ) -> Result<RawResponse, Failure> {
        let call = self.prepare(accept)?;
        let started = Instant::now();
        let mut attempt = 0;
        loop {
            attempt += 1;
            span.record("attempt", attempt);
            let request = call.request()?;
            let attempt_started = Instant::now();
            let outcome = send_once(request).await;
            let attempt_ms = elapsed_ms(attempt_started);
            span.record("latency_ms", elapsed_ms(started));

            let next = match outcome {
                Ok(response) => call.after_response(response, attempt, attempt_ms, &span),
                Err(err) => call.after_failure(err, attempt, attempt_ms),
            };
            let delay = match next {
                Next::Finish(result) => return result,
                Next::Retry(delay) => delay,
            };
            tracing::warn!(attempt, delay_ms = duration_ms(delay), "retrying request");
            tokio::time::sleep(delay).await;
        }
    }

    /// Checks the call and builds what every attempt sends, so that a call that cannot succeed
    /// (a problem remembered while building, an unfilled path parameter, an invalid URL or
    /// multipart form) fails with [`Failure::Request`] before anything is sent.
    fn prepare(self, accept: &'static str) -> Result<PreparedCall, Failure> {
        let RequestBuilder {
            client,
            operation,
            path,
            query,
            headers: call_headers,
            body,
            options,
            error,
        } = self;
        if let Some(message) = error.or(options.error) {
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
        let headers = attempt_headers(&inner.headers, accept, &body, options.headers, call_headers);
        if let Body::Multipart(form) = &body {
            // Fail before sending anything if the form cannot be built.
            form.to_reqwest().map_err(Failure::Request)?;
        }
        let timeout = options.timeout.unwrap_or(inner.timeout);
        Ok(PreparedCall {
            client,
            operation,
            url,
            headers,
            body,
            timeout,
            retry: options.retry,
            retry_ambiguous: options.retry_ambiguous,
        })
    }
}

/// The headers every attempt of a call sends. Each source replaces headers of the same name
/// from the ones before it, so the most specific wins: the client's defaults, then `Accept` and
/// `Content-Type` for the body, then the per-call headers ([`CallOptions::header`]), then the
/// operation's header parameters.
fn attempt_headers(
    defaults: &HeaderMap,
    accept: &'static str,
    body: &Body,
    options: HeaderMap,
    parameters: HeaderMap,
) -> HeaderMap {
    let mut headers = defaults.clone();
    headers.insert(header::ACCEPT, HeaderValue::from_static(accept));
    if let Body::Encoded { content_type, .. } = body {
        headers.insert(header::CONTENT_TYPE, content_type.clone());
    }
    headers.extend(options);
    headers.extend(parameters);
    headers
}

/// A checked call: what each attempt sends, and the settings that decide whether to retry.
/// Built once per call so that retries only clone it.
struct PreparedCall {
    client: Client,
    operation: &'static Operation,
    url: Url,
    /// Client defaults, per-call headers and header parameters, merged.
    headers: HeaderMap,
    body: Body,
    /// Per attempt.
    timeout: Duration,
    /// The call's own policy; the client's when `None`.
    retry: Option<RetryPolicy>,
    retry_ambiguous: bool,
}

/// What to do after an attempt.
enum Next {
    /// Stop: this is the call's result.
    Finish(Result<RawResponse, Failure>),
    /// Wait this long, then send another attempt.
    Retry(Duration),
}

impl PreparedCall {
    /// The retry policy in force: the call's if it set one, else the client's.
    fn policy(&self) -> &RetryPolicy {
        self.retry.as_ref().unwrap_or(&self.client.inner().retry)
    }

    /// Whether another attempt may follow attempt number `attempt`, which ended in `outcome`:
    /// attempts are left, and the outcome is one the policy retries for this method.
    fn may_retry(&self, attempt: u32, outcome: Attempt) -> bool {
        attempt < self.policy().attempts_limit()
            && RetryPolicy::may_retry(outcome, &self.operation.method, self.retry_ambiguous)
    }

    /// The request of one attempt. A multipart form is built anew for each attempt (it was
    /// checked to build in [`RequestBuilder::prepare`]).
    fn request(&self) -> Result<reqwest::RequestBuilder, Failure> {
        let request = self
            .client
            .inner()
            .http
            .request(self.operation.method.clone(), self.url.clone())
            .headers(self.headers.clone())
            .timeout(self.timeout);
        Ok(match &self.body {
            Body::Empty => request,
            // Cloning `Bytes` shares the buffer: retries do not copy the body.
            Body::Encoded { bytes, .. } => request.body(bytes.clone()),
            Body::Multipart(form) => {
                request.multipart(form.to_reqwest().map_err(Failure::Request)?)
            }
        })
    }

    /// After a response: it is the call's result when its status is final, no attempts are
    /// left, or the server asks to wait longer than the policy allows; otherwise the next
    /// attempt follows after the server's `Retry-After` or, without one, the backoff.
    fn after_response(
        &self,
        response: Received,
        attempt: u32,
        attempt_ms: u64,
        span: &tracing::Span,
    ) -> Next {
        span.record("status", response.status.as_u16());
        tracing::debug!(
            status = response.status.as_u16(),
            attempt,
            attempt_ms,
            "response received"
        );
        if let Some(target) = other_origin_redirect(&self.url, &response) {
            tracing::warn!(
                status = response.status.as_u16(),
                target = %target,
                "redirect to another origin refused"
            );
            return Next::Finish(Err(Failure::RedirectRefused {
                response: Box::new(response),
                target,
                attempts: attempt,
            }));
        }
        let asked = self
            .policy()
            .retry_after(response.headers.get(header::RETRY_AFTER));
        // Only a `Retry-After` that parses says the server did not process the request: RFC 9110
        // has recipients ignore an invalid value (`Retry-After: soon`), which leaves a plain,
        // ambiguous `503`.
        let outcome = RetryPolicy::classify_status(response.status, !matches!(asked, Ok(None)));
        if !self.may_retry(attempt, outcome) {
            return Next::Finish(Ok(response.into_raw(attempt)));
        }
        match asked {
            Ok(Some(wait)) => Next::Retry(wait),
            Ok(None) => Next::Retry(self.policy().backoff(attempt)),
            Err(asked) => {
                tracing::warn!(
                    status = response.status.as_u16(),
                    attempt,
                    retry_after_ms = duration_ms(asked),
                    "not retrying: the server asked to wait longer than max_retry_after"
                );
                Next::Finish(Ok(response.into_raw(attempt)))
            }
        }
    }

    /// After an attempt without a response: the call fails (with a timeout or transport error)
    /// unless the policy retries it, which depends on whether the request may have reached the
    /// server; then the next attempt follows after the backoff.
    fn after_failure(&self, err: reqwest::Error, attempt: u32, attempt_ms: u64) -> Next {
        let timed_out = err.is_timeout();
        // A connect error (a connect timeout included) means nothing was sent; any other
        // failure happened after the request may have reached the server.
        let outcome = if err.is_connect() {
            Attempt::NotSent
        } else {
            Attempt::Ambiguous
        };
        tracing::debug!(
            attempt,
            attempt_ms,
            timed_out,
            connect = err.is_connect(),
            cause = %Causes(&err),
            "request failed"
        );
        if !self.may_retry(attempt, outcome) {
            return Next::Finish(Err(if timed_out {
                Failure::Timeout { attempts: attempt }
            } else {
                Failure::Transport {
                    attempts: attempt,
                    source: err,
                }
            }));
        }
        Next::Retry(self.policy().backoff(attempt))
    }
}

impl fmt::Debug for RequestBuilder {
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
const FORM_URLENCODED: &str = "application/x-www-form-urlencoded";
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

/// Appends `name=value`, both percent-encoded, to `query`.
fn push_query_pair(query: &mut String, name: &str, value: &str) {
    if !query.is_empty() {
        query.push('&');
    }
    query.extend(utf8_percent_encode(name, COMPONENT));
    query.push('=');
    query.extend(utf8_percent_encode(value, COMPONENT));
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

/// The origin a redirect response points at (`scheme://host[:port]`), when it is not the
/// origin of `url`: the client's redirect policy follows redirects only within the origin, so
/// such a response is one it refused to follow. Only the origin is kept: the path and query of
/// the `Location` may carry anything.
fn other_origin_redirect(url: &Url, response: &Received) -> Option<String> {
    if !response.status.is_redirection() {
        return None;
    }
    let location = response.headers.get(header::LOCATION)?.to_str().ok()?;
    let target = url.join(location).ok()?;
    if target.origin() == url.origin() {
        return None;
    }
    let host = target.host_str()?;
    Some(match target.port() {
        Some(port) => format!("{}://{host}:{port}", target.scheme()),
        None => format!("{}://{host}", target.scheme()),
    })
}

struct Received {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Received {
    /// The response as the call's result, after `attempts` attempts.
    fn into_raw(self, attempts: u32) -> RawResponse {
        RawResponse {
            status: self.status,
            headers: self.headers,
            body: self.body,
            attempts,
        }
    }
}

async fn send_once(request: reqwest::RequestBuilder) -> Result<Received, reqwest::Error> {
    let mut response = request.send().await?;
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    // Read inside the attempt so the per-attempt timeout covers the body too.
    let body = response.bytes().await?;
    Ok(Received {
        status,
        headers,
        body,
    })
}

/// The final response of a call, after retries.
struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    attempts: u32,
}

impl RawResponse {
    /// A 2xx response as a [`Response`] with `body(raw body)`.
    fn into_success<T>(self, body: impl FnOnce(Bytes) -> T) -> Response<T> {
        Response {
            status: self.status,
            headers: self.headers,
            body: body(self.body),
            attempts: self.attempts,
        }
    }

    fn into_error<E: ErrorBody>(self, operation: &'static str) -> Error<E> {
        let RawResponse {
            status,
            headers,
            body,
            attempts,
        } = self;
        match E::from_status(status, &body) {
            Some(Ok(decoded)) => Error::Api {
                operation,
                status,
                headers,
                body: decoded,
                raw: body,
                attempts,
            },
            // Still an error response: a proxy's HTML page or a body without the documented
            // fields is what the server (or a hop before it) answered, not a schema problem.
            Some(Err(reason)) => Error::UnexpectedBody {
                operation,
                status,
                headers,
                raw: body,
                reason,
                attempts,
            },
            None => Error::UnexpectedStatus {
                operation,
                status,
                headers,
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
    /// A redirect to another origin, which the redirect policy did not follow (boxed: the
    /// other failures are small, and this one is rare).
    RedirectRefused {
        response: Box<Received>,
        target: String,
        attempts: u32,
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
                kind: TransportKind::of(&source),
                source,
            },
            Failure::RedirectRefused {
                response,
                target,
                attempts,
            } => Error::RedirectRefused {
                operation,
                status: response.status,
                headers: response.headers,
                raw: response.body,
                target,
                attempts,
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
