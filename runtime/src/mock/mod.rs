//! Typed test doubles for the generated clients (the `mock` feature).
//!
//! A generated crate with its `mock` feature on has a `mock` module: a `MockServer` wrapping the
//! [`MockServer`] here, with one constructor per operation that takes the same arguments as the
//! client method and fills in a [`When`]: the operation's method and path, its path, query and
//! header values compared as the client sends them, and its JSON body decoded into the
//! operation's body type and compared with `PartialEq`. Answering (`returns`, `fails`,
//! [`responds_with`](When::responds_with)) gives an [`Expectation`], on which call counts,
//! limits, latency and [`Scenario`] states are set before `.await` mounts it.
//!
//! Nothing fails quietly. A request that matches no expectation is answered `501 Not
//! Implemented` (not `404`, which code under test may take for "absent" and carry on; not a
//! status the client retries), with a body saying why each expectation for the same method and
//! path did not match. [`MockServer::verify`], which also runs when the server is dropped,
//! panics listing those requests and every expectation called more or fewer times than it
//! expects, followed by all expectations and all requests received.
//!
//! The HTTP server underneath is [`wiremock`]'s ([`MockServer::wiremock`] reaches it).

mod check;
mod report;
mod response;

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use report::VerifyError;
pub use response::{Response, Scenario, Times};
pub use wiremock;

use check::{Check, ExactBody, JsonBody, fill_template};
use report::{Registered, Shared};

use crate::ParamValue;

/// What a generated operation tells the mock server about itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    /// The `operationId`, e.g. `getCustomer`.
    pub id: &'static str,
    /// The HTTP method, e.g. `GET`.
    pub method: &'static str,
    /// The path template, e.g. `/v1/customers/{customerId}`.
    pub path: &'static str,
    /// The documented error statuses: `409`, `4XX`, `default`.
    pub errors: &'static [&'static str],
}

impl Endpoint {
    /// Whether the operation documents `status` (exactly, by a range, or by `default`).
    pub fn documents(&self, status: u16) -> bool {
        self.errors
            .iter()
            .any(|documented| match documented.as_bytes() {
                [digit, b'X' | b'x', b'X' | b'x'] => {
                    u16::from(digit.wrapping_sub(b'0')) == status / 100
                }
                _ if *documented == "default" => status >= 300,
                _ => documented.parse() == Ok(status),
            })
    }
}

/// A mock HTTP server answering with typed expectations; generated crates wrap it.
///
/// Dropping it runs [`verify`](Self::verify) (unless the thread is already panicking), so a
/// test fails when a request matched nothing or a call count is off, even if the code under test
/// swallowed the error.
pub struct MockServer {
    server: wiremock::MockServer,
    shared: Arc<Shared>,
}

impl MockServer {
    /// Starts a server on a free local port.
    pub async fn start() -> Self {
        let server = wiremock::MockServer::start().await;
        let shared = Arc::new(Shared::default());
        mount_observers(&server, &shared).await;
        MockServer { server, shared }
    }

    /// The server's base URL, e.g. `http://127.0.0.1:41234`, for a client's `base_url`.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// Starts an expectation for `endpoint` (generated code calls this; tests use the generated
    /// per-operation constructors).
    pub fn when(&self, endpoint: &'static Endpoint) -> When<'_> {
        When::new(self, endpoint)
    }

    /// Every problem so far, or `Ok` when there is none: requests that matched no expectation,
    /// expectations whose call count (set with [`Expectation::expect`]) is not met.
    pub fn check(&self) -> Result<(), VerifyError> {
        self.shared.check()
    }

    /// Panics with the report of [`check`](Self::check) if there is a problem.
    #[track_caller]
    pub fn verify(&self) {
        if let Err(error) = self.check() {
            panic!("{error}");
        }
    }

    /// Forgets every expectation and every request received, as if just started.
    pub async fn reset(&self) {
        self.server.reset().await;
        self.shared.clear();
        mount_observers(&self.server, &self.shared).await;
    }

    /// The [`wiremock`] server underneath, for what the typed expectations do not cover. Mocks
    /// mounted on it directly take part in neither matching reports nor [`verify`](Self::verify).
    pub fn wiremock(&self) -> &wiremock::MockServer {
        &self.server
    }
}

impl fmt::Debug for MockServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockServer")
            .field("uri", &self.uri())
            .finish_non_exhaustive()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        if let Err(error) = self.check() {
            panic!("{error}");
        }
    }
}

/// Wiremock priorities: 1 is tried first, 255 last. The recorder sees every request first; the
/// fallback answers what nothing else did. Expectations use the range in between.
const RECORDER_PRIORITY: u8 = 1;
const FALLBACK_PRIORITY: u8 = u8::MAX;
const DEFAULT_PRIORITY: u8 = 5;

/// The answer to a request no expectation matched: nothing implements it. Not `404`, which code
/// under test may well treat as "absent" and carry on; not a status the client retries.
pub const UNMATCHED_STATUS: u16 = 501;

async fn mount_observers(server: &wiremock::MockServer, shared: &Arc<Shared>) {
    server
        .register(
            wiremock::Mock::given(Recorder(Arc::clone(shared)))
                .respond_with(wiremock::ResponseTemplate::new(500))
                .with_priority(RECORDER_PRIORITY)
                .named("request recorder"),
        )
        .await;
    server
        .register(
            wiremock::Mock::given(wiremock::matchers::any())
                .respond_with(Fallback(Arc::clone(shared)))
                .with_priority(FALLBACK_PRIORITY)
                .named("unmatched requests"),
        )
        .await;
}

/// Records every request and matches none.
struct Recorder(Arc<Shared>);

impl wiremock::Match for Recorder {
    fn matches(&self, request: &wiremock::Request) -> bool {
        self.0.record(request);
        false
    }
}

/// Answers requests no expectation matched: `501 Not Implemented`, with the diagnosis as the body.
struct Fallback(Arc<Shared>);

impl wiremock::Respond for Fallback {
    fn respond(&self, request: &wiremock::Request) -> wiremock::ResponseTemplate {
        let diagnosis = self.0.unmatched(request);
        wiremock::ResponseTemplate::new(UNMATCHED_STATUS)
            .insert_header("x-mock-unmatched", "true")
            .set_body_raw(diagnosis.into_bytes(), "text/plain; charset=utf-8")
    }
}

struct Matches(Arc<Registered>);

impl wiremock::Match for Matches {
    fn matches(&self, request: &wiremock::Request) -> bool {
        self.0.matches(request)
    }
}

struct Answer {
    shared: Arc<Shared>,
    registered: Arc<Registered>,
    template: wiremock::ResponseTemplate,
}

impl wiremock::Respond for Answer {
    fn respond(&self, _request: &wiremock::Request) -> wiremock::ResponseTemplate {
        self.shared.answered(&self.registered);
        self.template.clone()
    }
}

/// A generated error enum's variant as the response that decodes back into it (its documented
/// status and body). Generated crates implement it for their status-keyed error enums.
pub trait ErrorAnswer {
    /// The response for this error.
    fn into_response(self) -> Response;
}

/// An expectation being described: which requests it matches. Answer it to get an
/// [`Expectation`].
///
/// Generated per-operation constructors fill this in; use it directly only for what they do not
/// cover.
#[must_use = "an expectation does nothing until it is answered and mounted with `.await`"]
pub struct When<'a> {
    server: &'a MockServer,
    endpoint: &'static Endpoint,
    path_values: Vec<(&'static str, String)>,
    checks: Vec<Check>,
}

fn values(value: &(impl ParamValue + ?Sized)) -> Vec<String> {
    let mut values = Vec::new();
    value.for_each_value(&mut |v| values.push(v.to_owned()));
    values
}

impl<'a> When<'a> {
    /// Matches requests with the endpoint's method and path template.
    pub fn new(server: &'a MockServer, endpoint: &'static Endpoint) -> Self {
        When {
            server,
            endpoint,
            path_values: Vec::new(),
            checks: Vec::new(),
        }
    }

    /// The path parameter `name` (as in the template) must be `value`.
    pub fn path_param(mut self, name: &'static str, value: &(impl ParamValue + ?Sized)) -> Self {
        self.path_values.retain(|(key, _)| *key != name);
        self.path_values.push((name, values(value).join(",")));
        self
    }

    /// The query parameter `name` must have `value` (every value of a list, in order); a value
    /// that sends nothing (`None`, an empty list) requires the parameter to be absent.
    pub fn query(mut self, name: &'static str, value: &(impl ParamValue + ?Sized)) -> Self {
        self.retain_no_query(name);
        self.checks.push(Check::Query {
            name,
            values: values(value),
        });
        self
    }

    /// The query parameter `name`, written in `style`, must be exactly `value`'s pairs, as the
    /// client writes them (see
    /// [`RequestBuilder::query_styled`](crate::RequestBuilder::query_styled)); a value that
    /// sends nothing (`None`, an empty object) requires the parameter to be absent.
    pub fn query_styled(
        mut self,
        name: &'static str,
        value: &(impl Serialize + ?Sized),
        style: crate::FormStyle,
    ) -> Self {
        self.retain_no_query(name);
        self.checks.push(Check::QueryPairs {
            name,
            expected: crate::form::styled_pairs(name, value, style),
        });
        self
    }

    /// The query parameter `name` must be absent (for a `deepObject` parameter: no
    /// `name[...]` key either).
    pub fn without_query(self, name: &'static str) -> Self {
        self.query(name, &None::<&str>)
    }

    /// The header `name` must have `value` (list values comma-joined); a value that sends nothing
    /// requires the header to be absent.
    pub fn header(mut self, name: &'static str, value: &(impl ParamValue + ?Sized)) -> Self {
        self.checks.retain(|check| !matches!(check, Check::Header { name: key, .. } if key.eq_ignore_ascii_case(name)));
        let values = values(value);
        let value = (!values.is_empty()).then(|| values.join(","));
        self.checks.push(Check::Header { name, value });
        self
    }

    /// The header `name` must be absent.
    pub fn without_header(self, name: &'static str) -> Self {
        self.header(name, &None::<&str>)
    }

    fn retain_no_query(&mut self, name: &str) {
        self.checks.retain(|check| {
            !matches!(check, Check::Query { name: key, .. } | Check::QueryPairs { name: key, .. } if *key == name)
        });
    }

    fn retain_no_body(&mut self) {
        self.checks
            .retain(|check| !matches!(check, Check::Body(_) | Check::NoBody | Check::Multipart));
    }

    /// The JSON body, decoded into `T`, must equal `body`. A mismatch is reported with both
    /// values and the paths where they differ.
    pub fn json_body<T>(mut self, body: &T) -> Self
    where
        T: Clone + Serialize + DeserializeOwned + PartialEq + fmt::Debug + Send + Sync + 'static,
    {
        self.retain_no_body();
        self.checks.push(Check::Body(Box::new(JsonBody {
            expected: body.clone(),
        })));
        self
    }

    /// The `application/x-www-form-urlencoded` body must be `body` encoded in `styles`, exactly
    /// as the client encodes it (see [`RequestBuilder::form`](crate::RequestBuilder::form)).
    pub fn form_body(mut self, body: &impl Serialize, styles: &[(&str, crate::FormStyle)]) -> Self {
        self.retain_no_body();
        self.checks.push(Check::Body(Box::new(ExactBody {
            what: "form body",
            expected: crate::form::encode(body, styles).map(Bytes::from),
        })));
        self
    }

    /// The text body must be `body`.
    pub fn text_body(mut self, body: impl Into<String>) -> Self {
        self.retain_no_body();
        self.checks.push(Check::Body(Box::new(ExactBody {
            what: "text body",
            expected: Ok(Bytes::from(body.into())),
        })));
        self
    }

    /// The body must be these bytes.
    pub fn bytes_body(mut self, body: impl Into<Bytes>) -> Self {
        self.retain_no_body();
        self.checks.push(Check::Body(Box::new(ExactBody {
            what: "body",
            expected: Ok(body.into()),
        })));
        self
    }

    /// There must be no body.
    pub fn without_body(mut self) -> Self {
        self.retain_no_body();
        self.checks.push(Check::NoBody);
        self
    }

    /// The body must be `multipart/form-data` (its parts are not compared).
    pub fn multipart_body(mut self) -> Self {
        self.retain_no_body();
        self.checks.push(Check::Multipart);
        self
    }

    /// Answers `200 OK` with `body` as JSON.
    pub fn returns<T: Serialize + ?Sized>(self, body: &T) -> Expectation<'a> {
        self.responds_with(Response::status(200).json(&body))
    }

    /// Answers `204 No Content` (for operations without a response body).
    pub fn returns_empty(self) -> Expectation<'a> {
        self.responds_with(Response::status(204))
    }

    /// Answers `200 OK` with `body` as `application/octet-stream`.
    pub fn returns_bytes(self, body: impl Into<Bytes>) -> Expectation<'a> {
        self.responds_with(Response::status(200).bytes(body, "application/octet-stream"))
    }

    /// Answers with a generated error enum's variant: its documented status and body.
    pub fn fails<E: ErrorAnswer>(self, error: E) -> Expectation<'a> {
        self.responds_with(error.into_response())
    }

    /// Answers with the documented error status `status` and `body` as JSON.
    ///
    /// # Panics
    ///
    /// When the operation does not document `status`: send an undocumented status with
    /// [`responds_with`](Self::responds_with) instead.
    #[track_caller]
    pub fn fails_with<T: Serialize + ?Sized>(self, status: u16, body: &T) -> Expectation<'a> {
        let endpoint = self.endpoint;
        assert!(
            endpoint.documents(status),
            "{} does not document status {status} (documented: {}); answer with \
             `responds_with(Response::status({status}).json(..))` to send it anyway",
            endpoint.id,
            if endpoint.errors.is_empty() {
                "none".to_owned()
            } else {
                endpoint.errors.join(", ")
            },
        );
        self.responds_with(Response::status(status).json(&body))
    }

    /// Answers with `response`, which may be anything: an undocumented status, a rate limit, a
    /// dropped connection.
    pub fn responds_with(self, response: Response) -> Expectation<'a> {
        let When {
            server,
            endpoint,
            path_values,
            checks: rest,
        } = self;
        let segments = fill_template(endpoint.path, &path_values);
        let label = format!(
            "{} ({} {})",
            endpoint.id,
            endpoint.method,
            segments.join("/")
        );
        let mut checks = vec![
            Check::Method(endpoint.method),
            Check::Path {
                template: endpoint.path,
                segments,
            },
        ];
        checks.extend(rest);
        Expectation {
            server,
            label,
            checks,
            response,
            expected: None,
            limit: None,
            delay: None,
            priority: DEFAULT_PRIORITY,
            transition: None,
        }
    }
}

impl fmt::Debug for When<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("When")
            .field("endpoint", &self.endpoint.id)
            .finish_non_exhaustive()
    }
}

/// An answered expectation: set how often it must be called, how often it may answer, its
/// latency and its place in a [`Scenario`], then `.await` it to mount it on the server.
#[must_use = "an expectation does nothing until it is mounted with `.await`"]
pub struct Expectation<'a> {
    server: &'a MockServer,
    label: String,
    checks: Vec<Check>,
    response: Response,
    expected: Option<Times>,
    limit: Option<u64>,
    delay: Option<Duration>,
    priority: u8,
    transition: Option<(Scenario, String)>,
}

impl<'a> Expectation<'a> {
    /// It must be called this many times (`1`, `2..`, `1..=3`), checked by
    /// [`MockServer::verify`]. Without it, any number of calls is fine.
    pub fn expect(mut self, times: impl Into<Times>) -> Self {
        self.expected = Some(times.into());
        self
    }

    /// It must not be called at all (`expect(0)`).
    pub fn never(self) -> Self {
        self.expect(0)
    }

    /// It answers at most `n` requests; later ones go to the next matching expectation (mounted
    /// later, or of lower priority). This is how a sequence is mocked: the first answer with
    /// `up_to_n_times(1)`, then the next.
    ///
    /// # Panics
    ///
    /// When `n` is 0 (use [`never`](Self::never)).
    pub fn up_to_n_times(mut self, n: u64) -> Self {
        assert!(
            n > 0,
            "up_to_n_times(0) would never answer; use `never()` to forbid calls"
        );
        self.limit = Some(n);
        self
    }

    /// Waits this long before answering: longer than the client's timeout to test a timeout.
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// Adds a response header, e.g. `Retry-After` to a `429`.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.response = self.response.with_header(name, value);
        self
    }

    /// Which of several matching expectations answers: the lowest number first (1 to 254,
    /// default 5), and at equal priority the one mounted first.
    pub fn priority(mut self, priority: u8) -> Self {
        self.priority = priority.clamp(RECORDER_PRIORITY + 1, FALLBACK_PRIORITY - 1);
        self
    }

    /// Names it in reports instead of `operationId (METHOD path)`.
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.label = name.into();
        self
    }

    /// It matches only while `scenario` is in `state`.
    pub fn in_state(mut self, scenario: &Scenario, state: impl Into<String>) -> Self {
        self.checks.push(Check::State {
            scenario: scenario.clone(),
            state: state.into(),
        });
        self
    }

    /// Answering moves `scenario` to `state`.
    pub fn sets_state(mut self, scenario: &Scenario, state: impl Into<String>) -> Self {
        self.transition = Some((scenario.clone(), state.into()));
        self
    }

    /// Mounts it on the server (what `.await` does).
    pub async fn mount(self) -> Mounted {
        let Expectation {
            server,
            label,
            checks,
            response,
            expected,
            limit,
            delay,
            priority,
            transition,
        } = self;
        let shared = Arc::clone(&server.shared);
        let registered = shared.register(|number| Registered {
            number,
            label,
            checks,
            answer: response.describe(),
            expected,
            limit,
            calls: AtomicU64::new(0),
            transition,
        });
        let given = wiremock::Mock::given(Matches(Arc::clone(&registered)));
        let mut mock = if response.reset {
            let (shared, registered) = (Arc::clone(&shared), Arc::clone(&registered));
            given.respond_with_err(move |_request: &wiremock::Request| {
                shared.answered(&registered);
                std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "the mock server drops this connection",
                )
            })
        } else {
            let template = response.template(delay);
            given.respond_with(Answer {
                shared,
                registered: Arc::clone(&registered),
                template,
            })
        };
        if let Some(limit) = limit {
            mock = mock.up_to_n_times(limit);
        }
        mock = mock.with_priority(priority).named(registered.label.clone());
        server.server.register(mock).await;
        Mounted { registered }
    }
}

impl<'a> IntoFuture for Expectation<'a> {
    type Output = Mounted;
    type IntoFuture = Pin<Box<dyn Future<Output = Mounted> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.mount())
    }
}

impl fmt::Debug for Expectation<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Expectation")
            .field("label", &self.label)
            .field("response", &self.response)
            .field("expected", &self.expected)
            .field("limit", &self.limit)
            .field("delay", &self.delay)
            .field("priority", &self.priority)
            .finish_non_exhaustive()
    }
}

/// A mounted expectation, to ask how often it was called.
#[derive(Clone)]
pub struct Mounted {
    registered: Arc<Registered>,
}

impl Mounted {
    /// How many requests it has answered.
    pub fn calls(&self) -> u64 {
        self.registered.calls.load(Ordering::SeqCst)
    }
}

impl fmt::Debug for Mounted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mounted")
            .field("number", &self.registered.number)
            .field("label", &self.registered.label)
            .field("calls", &self.calls())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;

    use serde_json::{Value, json};

    use super::*;
    use crate::{ApiDefaults, Client, ClientBuilder, Method, Operation};

    static SEARCH: Operation = Operation {
        id: "search",
        method: Method::POST,
        path: "/v1/{studio}/search",
    };
    static SEARCH_ENDPOINT: Endpoint = Endpoint {
        id: "search",
        method: "POST",
        path: "/v1/{studio}/search",
        errors: &["4XX"],
    };

    fn client(server: &MockServer) -> Client {
        let defaults = ApiDefaults {
            user_agent: "test",
            auth: crate::Auth::None,
        };
        ClientBuilder::<Client>::new(defaults)
            .base_url(server.uri())
            .build()
            .unwrap()
    }

    #[tokio::test]
    async fn path_query_header_and_body_are_matched_as_the_client_sends_them() {
        let server = MockServer::start().await;
        let mounted = server
            .when(&SEARCH_ENDPOINT)
            .path_param("studio", "Köln/Süd")
            .query("id", &vec![1, 2])
            .without_query("page")
            .header("X-Tenant", &Some("a b"))
            .json_body(&json!({"name": "Erika"}))
            .returns(&json!(["found"]))
            .expect(1)
            .await;

        let found: Value = client(&server)
            .request(&SEARCH)
            .path_param("studio", "Köln/Süd")
            .query("id", &[1, 2])
            .header("X-Tenant", "a b")
            .json(&json!({"name": "Erika"}))
            .send::<Value, Infallible>()
            .await
            .unwrap();
        assert_eq!(found, json!(["found"]));
        assert_eq!(mounted.calls(), 1);
        server.verify();
    }

    #[tokio::test]
    async fn styled_query_parameters_are_matched_pair_by_pair() {
        let server = MockServer::start().await;
        let filter = json!({"gte": 10, "lt": 20});
        server
            .when(&SEARCH_ENDPOINT)
            .path_param("studio", "1")
            .query_styled("created", &filter, crate::FormStyle::DeepObject)
            .without_query("expand")
            .returns(&json!(["found"]))
            .expect(1)
            .await;

        let request = || client(&server).request(&SEARCH).path_param("studio", "1");
        let found: Value = request()
            .query_styled("created", &filter, crate::FormStyle::DeepObject)
            .send::<Value, Infallible>()
            .await
            .unwrap();
        assert_eq!(found, json!(["found"]));

        // Another value, and a deepObject where none is expected, are both explained.
        let error = request()
            .query_styled(
                "created",
                &json!({"gte": 11, "lt": 20}),
                crate::FormStyle::DeepObject,
            )
            .query_styled("expand", &["a"], crate::FormStyle::DeepObject)
            .send_empty::<Infallible>()
            .await
            .unwrap_err();
        let answer = String::from_utf8_lossy(error.raw_body().unwrap_or_default()).into_owned();
        assert!(
            answer.contains(r#"query `created`: expected "created[gte]=10&created[lt]=20", received "created[gte]=11&created[lt]=20""#),
            "{answer}"
        );
        assert!(
            answer.contains(r#"query `expand`: expected none, received "a""#),
            "{answer}"
        );
        server.reset().await;
    }

    #[tokio::test]
    async fn a_header_that_differs_is_explained() {
        let server = MockServer::start().await;
        server
            .when(&SEARCH_ENDPOINT)
            .path_param("studio", "1")
            .header("X-Tenant", "a")
            .returns_empty()
            .await;

        let error = client(&server)
            .request(&SEARCH)
            .path_param("studio", "1")
            .header("X-Tenant", "b")
            .send_empty::<Infallible>()
            .await
            .unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(UNMATCHED_STATUS));
        let answer = String::from_utf8_lossy(error.raw_body().unwrap_or_default()).into_owned();
        assert!(
            answer.contains(r#"header `X-Tenant`: expected "a", received "b""#),
            "{answer}"
        );
        assert_eq!(server.check().unwrap_err().problems().len(), 1);
        server.reset().await;
    }

    #[test]
    fn documented_statuses_include_ranges_and_default() {
        assert!(SEARCH_ENDPOINT.documents(404));
        assert!(!SEARCH_ENDPOINT.documents(500));
        let default = Endpoint {
            errors: &["default"],
            ..SEARCH_ENDPOINT
        };
        assert!(default.documents(503) && !default.documents(204));
    }
}
