//! When and how long to wait before sending a request again.

use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, SystemTime};

use reqwest::header::HeaderValue;
use reqwest::{Method, StatusCode};

/// How failed requests are retried.
///
/// Whether a failed attempt is retried depends on what the server may have done with it, not on
/// the HTTP method alone:
///
/// | failure | the server | retried for |
/// |---|---|---|
/// | connecting failed (refused, DNS, TLS, connect timeout) | never saw the request | every method |
/// | `429 Too Many Requests`; `503 Service Unavailable` with a valid `Retry-After` | says it did not process it | every method |
/// | timeout after the request was sent, connection reset, `502 Bad Gateway`, `503` without a valid `Retry-After`, `504 Gateway Timeout` | may have processed it | GET, HEAD, OPTIONS; other methods only when the call opts in |
/// | any other status | answered | never |
///
/// A `PUT` or `DELETE` is not retried after an ambiguous failure either: an API may name an
/// operation `PUT` that adds something (a message to a thread, say), and sending it twice would
/// add it twice. A call opts in with
/// [`RequestBuilder::retry_ambiguous`](crate::RequestBuilder::retry_ambiguous) when sending it
/// twice is harmless.
///
/// A `Retry-After` that is neither delta-seconds nor an HTTP date (`Retry-After: soon`) is
/// ignored, as RFC 9110 says: such a `503` is ambiguous, like one without the header.
///
/// Retries stop after `max_attempts` attempts (including the first).
///
/// The wait before retry `n` (1-based) is chosen uniformly from
/// `0..=min(max_backoff, initial_backoff * 2^(n-1))` ("full jitter", so many clients failing
/// together do not retry in lockstep). When the response carries `Retry-After` (seconds or an
/// HTTP date) that wait is used instead, exactly; if it exceeds `max_retry_after` the client does
/// not retry at all and returns the response's error at once, since retrying earlier than the
/// server asked would only fail again.
///
/// Defaults: 3 attempts, 200 ms initial backoff, 10 s maximum backoff, 30 s maximum
/// `Retry-After`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// The default policy (see the type's documentation).
    pub fn new() -> Self {
        Self::default()
    }

    /// Never retry: every request is sent exactly once.
    pub fn none() -> Self {
        Self::default().max_attempts(1)
    }

    /// Total attempts, including the first; `0` is treated as `1`.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Upper bound of the random wait before the first retry; doubles for each further retry.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// Upper bound of the random wait before any retry.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The longest `Retry-After` the client will wait for; a longer one ends retrying.
    pub fn max_retry_after(mut self, limit: Duration) -> Self {
        self.max_retry_after = limit;
        self
    }

    /// Total attempts, including the first.
    pub fn attempts_limit(&self) -> u32 {
        self.max_attempts
    }

    /// What a response with `status` says about the attempt, for retrying; `retry_after` is
    /// whether it carries a usable `Retry-After` (one that parses: an invalid value is ignored,
    /// as RFC 9110 says).
    pub(crate) fn classify_status(status: StatusCode, retry_after: bool) -> Attempt {
        match status {
            StatusCode::TOO_MANY_REQUESTS => Attempt::NotProcessed,
            StatusCode::SERVICE_UNAVAILABLE if retry_after => Attempt::NotProcessed,
            StatusCode::BAD_GATEWAY
            | StatusCode::SERVICE_UNAVAILABLE
            | StatusCode::GATEWAY_TIMEOUT => Attempt::Ambiguous,
            _ => Attempt::Final,
        }
    }

    /// Whether an attempt that ended as `attempt` may be sent again with `method`.
    pub(crate) fn may_retry(attempt: Attempt, method: &Method, retry_ambiguous: bool) -> bool {
        match attempt {
            Attempt::NotSent | Attempt::NotProcessed => true,
            Attempt::Ambiguous => retry_ambiguous || safe_to_repeat(method),
            Attempt::Final => false,
        }
    }

    /// The wait before retry number `retry` (1 for the first retry), with full jitter.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let factor = 1u32
            .checked_shl(retry.saturating_sub(1))
            .unwrap_or(u32::MAX);
        let cap = self
            .initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff);
        let cap_nanos = u64::try_from(cap.as_nanos()).unwrap_or(u64::MAX);
        // Scale a uniform u64 into 0..=cap without floating point.
        let nanos = (u128::from(cap_nanos) * u128::from(random_u64())) >> 64;
        Duration::from_nanos(u64::try_from(nanos).unwrap_or(cap_nanos))
    }

    /// The wait the server asked for, if it is one we are willing to honour: `Ok(None)` when
    /// there is no usable header, `Err(wait)` when it is longer than `max_retry_after`.
    pub(crate) fn retry_after(
        &self,
        value: Option<&HeaderValue>,
    ) -> Result<Option<Duration>, Duration> {
        let Some(wait) = value.and_then(|v| parse_retry_after(v, SystemTime::now())) else {
            return Ok(None);
        };
        if wait > self.max_retry_after {
            Err(wait)
        } else {
            Ok(Some(wait))
        }
    }
}

/// What the server may have done with a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Attempt {
    /// The request never left: connecting failed.
    NotSent,
    /// The server says it did not process the request (429, 503 with a valid `Retry-After`).
    NotProcessed,
    /// The server may or may not have processed it (timeout after sending, reset, 502, 504, 503
    /// without a valid `Retry-After`).
    Ambiguous,
    /// An answer that retrying would not change.
    Final,
}

/// Methods that by definition do not change anything on the server (RFC 9110 "safe"), so
/// repeating one after an ambiguous failure cannot do harm.
fn safe_to_repeat(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Parses `Retry-After`: delta-seconds, or an HTTP date (IMF-fixdate, and the obsolete RFC 850
/// and asctime forms RFC 9110 says recipients must accept). A date in the past means "now".
fn parse_retry_after(value: &HeaderValue, now: SystemTime) -> Option<Duration> {
    let text = value.to_str().ok()?.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = chrono::DateTime::parse_from_rfc2822(text)
        .map(|dt| dt.to_utc())
        .or_else(|_| {
            chrono::NaiveDateTime::parse_from_str(text, "%A, %d-%b-%y %H:%M:%S GMT")
                .map(|dt| dt.and_utc())
        })
        .or_else(|_| {
            chrono::NaiveDateTime::parse_from_str(text, "%a %b %e %H:%M:%S %Y")
                .map(|dt| dt.and_utc())
        })
        .ok()?;
    // Computed in chrono rather than `SystemTime`, whose range is platform-dependent and whose
    // conversions panic when exceeded: a hostile date must not crash the client.
    let now = chrono::DateTime::<chrono::Utc>::from(now);
    Some(
        at.signed_duration_since(now)
            .to_std()
            .unwrap_or(Duration::ZERO),
    )
}

/// A random number for jitter. `RandomState` is seeded from the OS once per thread and stepped
/// for every instance, so hashing nothing through a fresh one yields a new SipHash output each
/// call; this avoids a dependency on `rand` for a value that needs no cryptographic quality.
fn random_u64() -> u64 {
    std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_capped_and_jittered() {
        let policy = RetryPolicy::new()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(250));
        let mut seen = std::collections::HashSet::new();
        for _ in 0..50 {
            let first = policy.backoff(1);
            assert!(first <= Duration::from_millis(100));
            assert!(policy.backoff(3) <= Duration::from_millis(250));
            assert!(policy.backoff(100) <= Duration::from_millis(250));
            seen.insert(first);
        }
        assert!(seen.len() > 1, "backoff is not jittered");
    }

    #[test]
    fn parses_retry_after_forms() {
        let now =
            SystemTime::from(chrono::DateTime::parse_from_rfc3339("1994-11-06T08:49:30Z").unwrap());
        let parse = |s: &str| parse_retry_after(&HeaderValue::from_str(s).unwrap(), now);
        assert_eq!(parse("3"), Some(Duration::from_secs(3)));
        assert_eq!(
            parse("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            parse("Sunday, 06-Nov-94 08:49:37 GMT"),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            parse("Sun Nov  6 08:49:37 1994"),
            Some(Duration::from_secs(7))
        );
        assert_eq!(parse("Sun, 06 Nov 1994 08:00:00 GMT"), Some(Duration::ZERO));
        assert_eq!(
            parse("Fri, 31 Dec 9999 23:59:59 GMT").map(|d| d > Duration::ZERO),
            Some(true)
        );
        assert_eq!(parse("soon"), None);
        assert_eq!(parse("-1"), None);
    }

    #[test]
    fn retries_follow_what_the_server_may_have_done() {
        use Attempt::*;
        let status = |code: u16, retry_after| {
            RetryPolicy::classify_status(StatusCode::from_u16(code).unwrap(), retry_after)
        };
        assert_eq!(status(429, false), NotProcessed);
        assert_eq!(status(503, true), NotProcessed);
        assert_eq!(status(503, false), Ambiguous);
        assert_eq!(status(502, true), Ambiguous);
        assert_eq!(status(504, false), Ambiguous);
        assert_eq!(status(500, false), Final);
        assert_eq!(status(409, true), Final);
        for method in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
            assert!(RetryPolicy::may_retry(NotSent, &method, false), "{method}");
            assert!(
                RetryPolicy::may_retry(NotProcessed, &method, false),
                "{method}"
            );
            assert!(
                !RetryPolicy::may_retry(Ambiguous, &method, false),
                "{method}"
            );
            assert!(RetryPolicy::may_retry(Ambiguous, &method, true), "{method}");
            assert!(!RetryPolicy::may_retry(Final, &method, true), "{method}");
        }
        for method in [Method::GET, Method::HEAD, Method::OPTIONS] {
            assert!(
                RetryPolicy::may_retry(Ambiguous, &method, false),
                "{method}"
            );
        }
    }

    #[test]
    fn long_retry_after_ends_retrying() {
        let policy = RetryPolicy::new().max_retry_after(Duration::from_secs(5));
        let value = HeaderValue::from_static("60");
        assert_eq!(
            policy.retry_after(Some(&value)),
            Err(Duration::from_secs(60))
        );
        let value = HeaderValue::from_static("2");
        assert_eq!(
            policy.retry_after(Some(&value)),
            Ok(Some(Duration::from_secs(2)))
        );
        assert_eq!(policy.retry_after(None), Ok(None));
    }
}
