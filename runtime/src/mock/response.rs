//! What an expectation answers ([`Response`]), how often it must be called ([`Times`]), and the
//! state that orders a flow of expectations ([`Scenario`]).

use std::fmt;
use std::ops::{Range, RangeFrom, RangeFull, RangeInclusive, RangeTo, RangeToInclusive};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use serde::Serialize;

/// An HTTP answer, or a fault, for [`When::responds_with`](super::When::responds_with).
///
/// The generated `returns` and `fails` methods build the typed answers; this is for the rest:
/// an undocumented status, extra headers, a rate limit, a dropped connection.
///
/// ```
/// use std::time::Duration;
/// use openapi_client_runtime::mock::Response;
///
/// let unavailable = Response::status(503).with_header("Retry-After", "2");
/// let limited = Response::too_many_requests(Duration::from_secs(1));
/// let reset = Response::connection_reset();
/// # let _ = (unavailable, limited, reset);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Bytes,
    pub(crate) content_type: Option<String>,
    /// Close the connection instead of answering.
    pub(crate) reset: bool,
}

impl Response {
    /// An empty answer with this status.
    ///
    /// # Panics
    ///
    /// When `status` is not a valid HTTP status (100 to 999).
    pub fn status(status: u16) -> Self {
        assert!(
            (100..=999).contains(&status),
            "{status} is not an HTTP status code"
        );
        Response {
            status,
            headers: Vec::new(),
            body: Bytes::new(),
            content_type: None,
            reset: false,
        }
    }

    /// `200 OK` with `body` as JSON.
    pub fn ok(body: &impl Serialize) -> Self {
        Response::status(200).json(body)
    }

    /// `429 Too Many Requests` with `Retry-After` in whole seconds (rounded up).
    pub fn too_many_requests(retry_after: Duration) -> Self {
        let seconds = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
        Response::status(429).with_header("Retry-After", seconds.to_string())
    }

    /// No HTTP answer at all: the server closes the connection, and the client sees a transport
    /// error.
    pub fn connection_reset() -> Self {
        Response {
            reset: true,
            ..Response::status(500)
        }
    }

    /// Sets `body`, serialised as JSON, with `Content-Type: application/json`.
    ///
    /// # Panics
    ///
    /// When `body` does not serialise (a map with non-string keys, say).
    pub fn json(mut self, body: &impl Serialize) -> Self {
        let json = serde_json::to_vec(body)
            .unwrap_or_else(|err| panic!("the mock answer's body does not serialise: {err}"));
        self.body = Bytes::from(json);
        self.content_type = Some("application/json".to_owned());
        self
    }

    /// Sets a raw body and its content type.
    pub fn bytes(mut self, body: impl Into<Bytes>, content_type: &str) -> Self {
        self.body = body.into();
        self.content_type = Some(content_type.to_owned());
        self
    }

    /// Adds a response header (`Retry-After`, `ETag`, ...).
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The status sent (`500` for [`connection_reset`](Self::connection_reset), which sends none).
    pub fn status_code(&self) -> u16 {
        self.status
    }

    /// A short description for reports: `409 with a JSON body`.
    pub(crate) fn describe(&self) -> String {
        if self.reset {
            return "a connection reset".to_owned();
        }
        match &self.content_type {
            Some(kind) if kind == "application/json" => format!("{} with a JSON body", self.status),
            Some(kind) => format!("{} with a {kind} body", self.status),
            None => format!("{}", self.status),
        }
    }

    pub(crate) fn template(&self, delay: Option<Duration>) -> wiremock::ResponseTemplate {
        let mut template = wiremock::ResponseTemplate::new(self.status);
        for (name, value) in &self.headers {
            template = template.append_header(name.as_str(), value.as_str());
        }
        template = match &self.content_type {
            Some(kind) => template.set_body_raw(self.body.to_vec(), kind),
            None => template.set_body_bytes(self.body.to_vec()),
        };
        match delay {
            Some(delay) => template.set_delay(delay),
            None => template,
        }
    }
}

/// How many calls an expectation must receive: `expect(1)`, `expect(2..)`, `expect(1..=3)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Times {
    min: u64,
    /// Inclusive; `None` for no upper bound.
    max: Option<u64>,
}

impl Times {
    /// Whether `calls` calls satisfy this.
    pub fn contains(&self, calls: u64) -> bool {
        calls >= self.min && self.max.is_none_or(|max| calls <= max)
    }
}

impl fmt::Display for Times {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |n: u64| if n == 1 { "call" } else { "calls" };
        match (self.min, self.max) {
            (0, None) => f.write_str("any number of calls"),
            (min, None) => write!(f, "at least {min} {}", plural(min)),
            (min, Some(max)) if min == max => write!(f, "exactly {min} {}", plural(min)),
            (0, Some(max)) => write!(f, "at most {max} {}", plural(max)),
            (min, Some(max)) => write!(f, "between {min} and {max} calls"),
        }
    }
}

impl From<u64> for Times {
    fn from(calls: u64) -> Self {
        Times {
            min: calls,
            max: Some(calls),
        }
    }
}

impl From<RangeFull> for Times {
    fn from(_: RangeFull) -> Self {
        Times { min: 0, max: None }
    }
}

impl From<RangeFrom<u64>> for Times {
    fn from(range: RangeFrom<u64>) -> Self {
        Times {
            min: range.start,
            max: None,
        }
    }
}

impl From<RangeInclusive<u64>> for Times {
    fn from(range: RangeInclusive<u64>) -> Self {
        Times {
            min: *range.start(),
            max: Some(*range.end()),
        }
    }
}

impl From<RangeToInclusive<u64>> for Times {
    fn from(range: RangeToInclusive<u64>) -> Self {
        Times {
            min: 0,
            max: Some(range.end),
        }
    }
}

/// `a..b` is `a..=b-1`; an empty range (`0..0`) can never be satisfied.
impl From<Range<u64>> for Times {
    fn from(range: Range<u64>) -> Self {
        match range.end.checked_sub(1) {
            Some(max) => Times {
                min: range.start,
                max: Some(max),
            },
            None => Times {
                min: 1,
                max: Some(0),
            },
        }
    }
}

impl From<RangeTo<u64>> for Times {
    fn from(range: RangeTo<u64>) -> Self {
        Times::from(0..range.end)
    }
}

/// A named state machine that orders expectations in a flow: an expectation can require a state
/// ([`Expectation::in_state`](super::Expectation::in_state)) and move the scenario to another
/// when it answers ([`Expectation::sets_state`](super::Expectation::sets_state)).
///
/// "The first GET shows no pending amendment; after the POST it shows one" is two GET
/// expectations, one in state [`STARTED`](Self::STARTED) and one in state `"pending"`, and a POST
/// that sets `"pending"`. Cloning shares the state.
#[derive(Clone)]
pub struct Scenario {
    inner: Arc<ScenarioInner>,
}

struct ScenarioInner {
    name: String,
    state: Mutex<String>,
}

impl Scenario {
    /// The state every scenario starts in.
    pub const STARTED: &'static str = "started";

    /// A scenario in state [`STARTED`](Self::STARTED).
    pub fn new(name: impl Into<String>) -> Self {
        Scenario {
            inner: Arc::new(ScenarioInner {
                name: name.into(),
                state: Mutex::new(Self::STARTED.to_owned()),
            }),
        }
    }

    /// The name given to [`new`](Self::new), used in reports.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The current state.
    pub fn state(&self) -> String {
        self.inner
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Moves to `state` (expectations do this themselves with `sets_state`).
    pub fn set_state(&self, state: impl Into<String>) {
        *self
            .inner
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = state.into();
    }
}

impl fmt::Debug for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scenario")
            .field("name", &self.inner.name)
            .field("state", &self.state())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_like_ranges() {
        assert!(Times::from(1).contains(1) && !Times::from(1).contains(2));
        assert!(Times::from(2..).contains(9) && !Times::from(2..).contains(1));
        assert!(Times::from(1..3).contains(2) && !Times::from(1..3).contains(3));
        assert!(!Times::from(0..0).contains(0));
        assert!(Times::from(..=2).contains(0));
        assert_eq!(Times::from(1).to_string(), "exactly 1 call");
        assert_eq!(Times::from(0).to_string(), "exactly 0 calls");
        assert_eq!(Times::from(1..=3).to_string(), "between 1 and 3 calls");
    }

    #[test]
    fn retry_after_rounds_up() {
        let response = Response::too_many_requests(Duration::from_millis(1500));
        assert_eq!(
            response.headers,
            [("Retry-After".to_owned(), "2".to_owned())]
        );
        assert_eq!(
            Response::too_many_requests(Duration::ZERO).headers[0].1,
            "0"
        );
    }

    #[test]
    fn scenarios_share_state() {
        let scenario = Scenario::new("flow");
        let clone = scenario.clone();
        clone.set_state("next");
        assert_eq!(scenario.state(), "next");
    }
}
