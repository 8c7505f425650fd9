//! The error type every generated operation returns, and the hooks for decoding error bodies.

use std::convert::Infallible;

use crate::decode::DecodeError;
use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// Why an operation failed.
///
/// `E` is the operation's documented error body: a generated enum with one variant per
/// documented error status (see [`ErrorBody`]), or [`Infallible`] when none is documented.
///
/// Neither `Display` nor `Debug` ever contains the API key: it is only ever in a request header,
/// and neither the request headers nor the request URL's query are part of an error. `Display`
/// names hosts but never a path or query (a [`Transport`](Self::Transport) error's source
/// names the request URL, which does not hold the key).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error<E> {
    /// The server answered with a documented error status; `body` is its decoded body.
    ///
    /// Displayed with the server's own message where the body has one (see
    /// [`server_message`](Self::server_message)).
    #[error("{operation}: the server answered {status}{}", MessageSuffix(.raw))]
    #[non_exhaustive]
    Api {
        /// The operation id, e.g. `getCustomer`.
        operation: &'static str,
        /// The response status.
        status: StatusCode,
        /// The response headers.
        headers: HeaderMap,
        /// The decoded error body.
        body: E,
        /// The raw response body.
        raw: Bytes,
        /// How many attempts were made (more than one when retried).
        attempts: u32,
    },
    /// The server answered with a status the spec does not document for this operation: an
    /// error status, or a 2xx status of an operation whose success statuses each carry their
    /// own body (see [`SuccessBody`]), which has no variant to decode it into.
    #[error("{operation}: unexpected status {status}{}", MessageSuffix(.raw))]
    #[non_exhaustive]
    UnexpectedStatus {
        /// The operation id.
        operation: &'static str,
        /// The response status.
        status: StatusCode,
        /// The response headers.
        headers: HeaderMap,
        /// The raw response body, useful for diagnosing what the server meant.
        raw: Bytes,
        /// How many attempts were made.
        attempts: u32,
    },
    /// The server answered with a documented error status, but the body is not the documented
    /// error body: an HTML page from a proxy in front of the server, JSON without the documented
    /// fields, an empty body. Still the server's answer, so it is kept as one: status, headers,
    /// raw body and whatever message can be read from it ([`server_message`](Self::server_message)).
    #[error("{operation}: the server answered {status}{}", MessageSuffix(.raw))]
    #[non_exhaustive]
    UnexpectedBody {
        /// The operation id.
        operation: &'static str,
        /// The response status.
        status: StatusCode,
        /// The response headers.
        headers: HeaderMap,
        /// The raw response body.
        raw: Bytes,
        /// Why the body is not the documented one.
        reason: DecodeError,
        /// How many attempts were made.
        attempts: u32,
    },
    /// A success body does not match the schema.
    #[error(
        "{operation}: the {status} response body does not match the schema at {path}: {message}"
    )]
    #[non_exhaustive]
    Decode {
        /// The operation id.
        operation: &'static str,
        /// The response status.
        status: StatusCode,
        /// The response headers.
        headers: HeaderMap,
        /// Where in the body decoding failed, e.g. `result[3].address.street` (`.` for the root).
        path: String,
        /// What was wrong there.
        message: String,
        /// The raw response body.
        raw: Bytes,
        /// How many attempts were made.
        attempts: u32,
    },
    /// Every attempt timed out (connecting, or waiting for the response or its body).
    #[error("{operation}: timed out after {attempts} attempt(s)")]
    #[non_exhaustive]
    Timeout {
        /// The operation id.
        operation: &'static str,
        /// How many attempts were made.
        attempts: u32,
    },
    /// The request could not be sent or the response could not be read (connection refused,
    /// DNS or TLS failure, connection reset, ...).
    ///
    /// Displayed with what went wrong ([`TransportKind`]), the host and the innermost cause, so
    /// that a log line of the error alone says what to fix; never with the request's path or
    /// query.
    #[error("{operation}: {kind} after {attempts} attempt(s){}", Cause(.source))]
    #[non_exhaustive]
    Transport {
        /// The operation id.
        operation: &'static str,
        /// How many attempts were made.
        attempts: u32,
        /// What went wrong, as far as the causes tell.
        kind: TransportKind,
        /// The underlying HTTP client error.
        #[source]
        source: reqwest::Error,
    },
    /// The server answered with a redirect to another origin (scheme, host or port), which the
    /// client refuses to follow on purpose: the API key or token would go along to that host.
    /// Redirects within the configured origin are followed.
    ///
    /// Displayed with the target's origin (never its path or query).
    #[error(
        "{operation}: refused to follow the {status} redirect to another host, {target} \
         (redirects are followed only within the configured origin, so that credentials never \
         reach another host)"
    )]
    #[non_exhaustive]
    RedirectRefused {
        /// The operation id.
        operation: &'static str,
        /// The redirect's status.
        status: StatusCode,
        /// The response headers (`Location` among them).
        headers: HeaderMap,
        /// The raw response body.
        raw: Bytes,
        /// The origin the redirect pointed at: `https://other.example.com`, with a port when
        /// the `Location` names one.
        target: String,
        /// How many attempts were made.
        attempts: u32,
    },
    /// The request could not be built: a body failed to serialise, a header value was invalid,
    /// a path parameter was missing or empty. Nothing was sent.
    #[error("{operation}: could not build the request: {message}")]
    #[non_exhaustive]
    Request {
        /// The operation id.
        operation: &'static str,
        /// What was wrong.
        message: String,
    },
    /// [`paginate`](crate::paginate) stopped because the server handed out a cursor it had
    /// already returned, which would otherwise loop forever.
    #[error("pagination stopped: the server returned the cursor {cursor:?} a second time")]
    #[non_exhaustive]
    RepeatedCursor {
        /// The repeated cursor.
        cursor: String,
    },
}

impl<E> Error<E> {
    /// The response status, for errors that got a response.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api { status, .. }
            | Error::UnexpectedStatus { status, .. }
            | Error::UnexpectedBody { status, .. }
            | Error::Decode { status, .. }
            | Error::RedirectRefused { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The response headers, for errors that got a response (e.g. `Retry-After` or a trace id
    /// of a `429`).
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Error::Api { headers, .. }
            | Error::UnexpectedStatus { headers, .. }
            | Error::UnexpectedBody { headers, .. }
            | Error::Decode { headers, .. }
            | Error::RedirectRefused { headers, .. } => Some(headers),
            _ => None,
        }
    }

    /// True for a `409 Conflict` response.
    pub fn is_conflict(&self) -> bool {
        self.status() == Some(StatusCode::CONFLICT)
    }

    /// True for a `404 Not Found` response.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// True for a `429 Too Many Requests` response (after retries, if enabled, gave up).
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// True when the request timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// The operation id, e.g. `getCustomer` (`paginate` for [`RepeatedCursor`](Self::RepeatedCursor)).
    pub fn operation(&self) -> &'static str {
        match self {
            Error::Api { operation, .. }
            | Error::UnexpectedStatus { operation, .. }
            | Error::UnexpectedBody { operation, .. }
            | Error::Decode { operation, .. }
            | Error::Timeout { operation, .. }
            | Error::Transport { operation, .. }
            | Error::RedirectRefused { operation, .. }
            | Error::Request { operation, .. } => operation,
            Error::RepeatedCursor { .. } => "paginate",
        }
    }

    /// The raw response body, for errors that got a response.
    pub fn raw_body(&self) -> Option<&[u8]> {
        match self {
            Error::Api { raw, .. }
            | Error::UnexpectedStatus { raw, .. }
            | Error::UnexpectedBody { raw, .. }
            | Error::Decode { raw, .. }
            | Error::RedirectRefused { raw, .. } => Some(raw),
            _ => None,
        }
    }

    /// The decoded documented error body, for [`Api`](Self::Api) errors.
    pub fn body(&self) -> Option<&E> {
        match self {
            Error::Api { body, .. } => Some(body),
            _ => None,
        }
    }

    /// The decoded documented error body, by value.
    pub fn into_body(self) -> Option<E> {
        match self {
            Error::Api { body, .. } => Some(body),
            _ => None,
        }
    }

    /// What the server said about the error, read from the raw body of an
    /// [`Api`](Self::Api), [`UnexpectedStatus`](Self::UnexpectedStatus) or
    /// [`UnexpectedBody`](Self::UnexpectedBody) error; `Display` appends it.
    ///
    /// The rule is general, not tied to one schema: in a JSON object (or the first object of a
    /// JSON array), the first string member whose name ends in `message` (any case: `message`,
    /// `errorMessage`, `error_message`), else `detail` (RFC 9457 problem details), else `error`,
    /// else `title`. An HTML page (a proxy's error page) gives its `<title>`; other text that
    /// is not JSON gives its first line. Whitespace is collapsed and the text cut at 300
    /// characters.
    pub fn server_message(&self) -> Option<String> {
        match self {
            Error::Api { raw, .. }
            | Error::UnexpectedStatus { raw, .. }
            | Error::UnexpectedBody { raw, .. } => server_message(raw),
            _ => None,
        }
    }

    /// How many attempts were made; 0 when nothing was sent.
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Api { attempts, .. }
            | Error::UnexpectedStatus { attempts, .. }
            | Error::UnexpectedBody { attempts, .. }
            | Error::Decode { attempts, .. }
            | Error::Timeout { attempts, .. }
            | Error::Transport { attempts, .. }
            | Error::RedirectRefused { attempts, .. } => *attempts,
            Error::Request { .. } | Error::RepeatedCursor { .. } => 0,
        }
    }
}

/// Longest server message shown, in characters: enough for any sentence a server writes for
/// people, short enough that a body echoing a whole document stays out of the log line.
const MAX_MESSAGE_CHARS: usize = 300;

/// See [`Error::server_message`].
fn server_message(raw: &[u8]) -> Option<String> {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(raw) else {
        return text_message(raw).and_then(|text| tidy(&text));
    };
    let object = match &value {
        serde_json::Value::Object(object) => object,
        serde_json::Value::Array(items) => items.first()?.as_object()?,
        _ => return None,
    };
    let text = |name: &str| object.get(name).and_then(serde_json::Value::as_str);
    let message = object
        .iter()
        .find(|(name, value)| name.to_ascii_lowercase().ends_with("message") && value.is_string())
        .and_then(|(_, value)| value.as_str())
        .or_else(|| text("detail"))
        .or_else(|| text("error"))
        .or_else(|| text("title"))?;
    tidy(message)
}

/// The message of a body that is not JSON: an HTML page's `<title>`, or the first line of
/// plain text; `None` for binary or markup without a title.
fn text_message(raw: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(raw).ok()?.trim();
    let lower = text.to_ascii_lowercase();
    if lower.starts_with('<') {
        let start = lower.find("<title")?;
        let start = start + lower[start..].find('>')? + 1;
        let end = start + lower[start..].find("</title")?;
        return Some(text.get(start..end)?.to_owned());
    }
    if text.chars().any(|c| c.is_control() && !c.is_whitespace()) {
        return None;
    }
    text.lines().next().map(str::to_owned)
}

/// Collapses whitespace and cuts the text at [`MAX_MESSAGE_CHARS`].
fn tidy(message: &str) -> Option<String> {
    let message = message.split_whitespace().collect::<Vec<_>>().join(" ");
    if message.is_empty() {
        return None;
    }
    match message.char_indices().nth(MAX_MESSAGE_CHARS) {
        None => Some(message),
        Some((cut, _)) => Some(format!("{}…", message[..cut].trim_end())),
    }
}

/// `: <server message>` for `Display`, or nothing when the body has none.
struct MessageSuffix<'a>(&'a Bytes);

impl std::fmt::Display for MessageSuffix<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match server_message(self.0) {
            Some(message) => write!(f, ": {message}"),
            None => Ok(()),
        }
    }
}

/// What went wrong in a [`Transport`](Error::Transport) error, read from the HTTP client's
/// error and its causes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportKind {
    /// The host name could not be resolved.
    Dns,
    /// Nothing accepts connections at the host and port (nothing was sent).
    ConnectionRefused,
    /// The TLS handshake failed: an untrusted or invalid certificate, a server that does not
    /// speak TLS on that port, ... (nothing was sent).
    Tls,
    /// Connecting failed otherwise (an unreachable network, ...; nothing was sent).
    Connect,
    /// The connection was reset or closed before the answer was complete (the request may
    /// have been processed).
    ConnectionReset,
    /// Reading the response body failed.
    Body,
    /// Something else; the causes ([`std::error::Error::source`]) say more.
    Other,
}

impl TransportKind {
    /// Classifies `error` by its causes. The HTTP stack has no typed reason for DNS and TLS
    /// failures, so those are recognised by where they happened: a DNS failure names itself,
    /// and a connect failure on `https` that is neither DNS nor TCP is the handshake.
    pub(crate) fn of(error: &reqwest::Error) -> TransportKind {
        let causes = || std::iter::successors(std::error::Error::source(error), |e| e.source());
        let io_kind = |wanted: &[std::io::ErrorKind]| {
            causes().any(|cause| {
                cause
                    .downcast_ref::<std::io::Error>()
                    .is_some_and(|io| wanted.contains(&io.kind()))
            })
        };
        if error.is_connect() {
            // The resolver's failure as the connector names it ("dns error"); not any text
            // with "DNS" in it (a certificate names its `DnsName`s).
            if causes().any(|cause| cause.to_string().starts_with("dns error")) {
                TransportKind::Dns
            } else if io_kind(&[std::io::ErrorKind::ConnectionRefused]) {
                TransportKind::ConnectionRefused
            } else if error.url().is_some_and(|url| url.scheme() == "https")
                && !causes().any(|cause| cause.to_string().starts_with("tcp connect"))
            {
                TransportKind::Tls
            } else {
                TransportKind::Connect
            }
        } else if io_kind(&[
            std::io::ErrorKind::ConnectionReset,
            std::io::ErrorKind::ConnectionAborted,
            std::io::ErrorKind::BrokenPipe,
            std::io::ErrorKind::UnexpectedEof,
        ]) || causes().any(|cause| cause.to_string().contains("connection closed"))
        {
            TransportKind::ConnectionReset
        } else if error.is_body() || error.is_decode() {
            TransportKind::Body
        } else {
            TransportKind::Other
        }
    }
}

impl std::fmt::Display for TransportKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TransportKind::Dns => "DNS lookup failed",
            TransportKind::ConnectionRefused => "connection refused",
            TransportKind::Tls => "TLS handshake failed",
            TransportKind::Connect => "connecting failed",
            TransportKind::ConnectionReset => "connection reset or closed early",
            TransportKind::Body => "reading the response failed",
            TransportKind::Other => "transport error",
        })
    }
}

/// ` (host:port: innermost cause)` for `Display`: where, and the cause in the HTTP stack's own
/// words. Never the request URL's path or query: the top-level error (which shows the URL) is
/// not the innermost cause as long as it has one, and only the host is taken from the URL.
struct Cause<'a>(&'a reqwest::Error);

impl std::fmt::Display for Cause<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let innermost = std::iter::successors(std::error::Error::source(self.0), |e| e.source())
            .last()
            .map(ToString::to_string);
        let host = self.0.url().and_then(|url| {
            let host = url.host_str()?;
            Some(match url.port_or_known_default() {
                Some(port) => format!("{host}:{port}"),
                None => host.to_owned(),
            })
        });
        match (host, innermost) {
            (Some(host), Some(cause)) => write!(f, " ({host}: {cause})"),
            (Some(host), None) => write!(f, " ({host})"),
            (None, Some(cause)) => write!(f, " ({cause})"),
            (None, None) => Ok(()),
        }
    }
}

/// Decodes the body of an error response into an operation's documented error type.
///
/// Generated per-operation error enums implement this by matching on the status and calling
/// [`decode_json`](crate::decode_json) for documented ones.
pub trait ErrorBody: Sized {
    /// `None` when `status` is not documented for the operation (the caller reports
    /// [`Error::UnexpectedStatus`]); otherwise the decoded body, or why it did not decode
    /// (reported as [`Error::Decode`]).
    fn from_status(status: StatusCode, body: &[u8]) -> Option<Result<Self, DecodeError>>;
}

/// For operations that document no error bodies: every error status is unexpected.
impl ErrorBody for Infallible {
    fn from_status(_status: StatusCode, _body: &[u8]) -> Option<Result<Self, DecodeError>> {
        None
    }
}

/// Decodes the body of a success response into an operation's documented success type, by the
/// response's status.
///
/// Generated crates implement it for the enum of an operation whose success statuses carry
/// different bodies (`201` a created resource, `200` another schema, `204` nothing): one variant
/// per documented status. [`RequestBuilder::send_by_status`](crate::RequestBuilder::send_by_status)
/// uses it.
pub trait SuccessBody: Sized {
    /// The `Accept` header the request sends.
    const ACCEPT: &'static str = "application/json";

    /// `None` when `status` is not documented for the operation (the caller reports
    /// [`Error::UnexpectedStatus`]); otherwise the decoded body, or why it did not decode
    /// (reported as [`Error::Decode`]).
    ///
    /// The body comes as [`Bytes`] so that a variant keeping it raw (a body that is not JSON)
    /// shares the buffer instead of copying it.
    fn from_status(status: StatusCode, body: &Bytes) -> Option<Result<Self, DecodeError>>;
}

#[cfg(test)]
mod tests {
    mod server_messages {
        use super::super::{MAX_MESSAGE_CHARS, server_message};

        fn message(body: &str) -> Option<String> {
            server_message(body.as_bytes())
        }

        #[test]
        fn the_first_member_ending_in_message_wins() {
            let open_api = r#"{"errorCode": "X", "errorMessage": "Amendment already pending", "traceId": "t"}"#;
            assert_eq!(
                message(open_api).as_deref(),
                Some("Amendment already pending")
            );
            assert_eq!(
                message(r#"{"Message": "a", "detail": "b"}"#).as_deref(),
                Some("a")
            );
            assert_eq!(message(r#"{"error_message": "a"}"#).as_deref(), Some("a"));
            // Not a string: keep looking.
            assert_eq!(
                message(r#"{"message": 5, "detail": "d"}"#).as_deref(),
                Some("d")
            );
        }

        #[test]
        fn then_detail_error_and_title() {
            assert_eq!(
                message(r#"{"title": "t", "detail": "d"}"#).as_deref(),
                Some("d")
            );
            assert_eq!(
                message(r#"{"title": "t", "error": "invalid_token"}"#).as_deref(),
                Some("invalid_token")
            );
            assert_eq!(
                message(r#"{"title": "Not Found", "status": 404}"#).as_deref(),
                Some("Not Found")
            );
        }

        #[test]
        fn an_array_of_errors_gives_the_first() {
            let connect = r#"[{"errorCodes": ["INVALID"], "message": "iban is invalid"}, {"message": "second"}]"#;
            assert_eq!(message(connect).as_deref(), Some("iban is invalid"));
            assert_eq!(message("[]"), None);
            assert_eq!(message(r#"["text"]"#), None);
        }

        #[test]
        fn text_bodies_give_a_title_or_first_line() {
            let html = "<!DOCTYPE html>\n<html><head><TITLE>502 Bad\n Gateway</TITLE></head><body>nginx</body></html>";
            assert_eq!(message(html).as_deref(), Some("502 Bad Gateway"));
            assert_eq!(
                message("I'm a teapot\nsecond line").as_deref(),
                Some("I'm a teapot")
            );
        }

        #[test]
        fn nothing_for_bodies_without_one() {
            for body in [
                "",
                "<html>502</html>",
                "\u{0}\u{1}binary",
                "null",
                r#""text""#,
                "{}",
                r#"{"message": "  "}"#,
            ] {
                assert_eq!(message(body), None, "{body}");
            }
        }

        #[test]
        fn whitespace_is_collapsed_and_long_text_cut() {
            assert_eq!(
                message(r#"{"message": " two\n\tlines \r\n"}"#).as_deref(),
                Some("two lines")
            );
            let long = format!(r#"{{"message": "{}"}}"#, "word ".repeat(200));
            let shown = message(&long).unwrap();
            // Cut at the limit (a space just before the cut is dropped), then the ellipsis.
            assert_eq!(shown.chars().count(), MAX_MESSAGE_CHARS);
            assert!(shown.ends_with("word…"), "{shown}");
            let one_word = format!(r#"{{"message": "{}"}}"#, "x".repeat(1000));
            assert_eq!(
                message(&one_word).unwrap().chars().count(),
                MAX_MESSAGE_CHARS + 1
            );
        }
    }
}
