//! Receiving webhooks: the calls an API's server makes to an endpoint you run.
//!
//! Framework-agnostic: [`Receiver::receive`] takes the request's headers and body (as any HTTP
//! server gives them) and returns the decoded event or a [`Rejection`] with the status to
//! answer and a reason. It
//!
//! * checks the shared API key in the configured header, in constant time (both sides are
//!   hashed with SHA-256 first, so neither the content nor the length of the key leaks through
//!   timing), before looking at the body;
//! * decodes the body leniently with [`decode_json`](crate::decode_json) (strings accept
//!   numbers, unknown enum values and unknown properties are kept or ignored, never fatal), so
//!   an event type or field added by the server is passed on, not rejected;
//! * remembers the ids of recent deliveries, so that an event delivered more than once (at
//!   least once delivery) is marked [`Delivery::duplicate`]. Which field is the id is the
//!   caller's choice (`id_of`): this module knows no API's field names.
//!
//! ```
//! use openapi_client_runtime::webhook::Receiver;
//! use openapi_client_runtime::reqwest::header::HeaderMap;
//!
//! #[derive(serde::Deserialize)]
//! struct Event {
//!     id: String,
//!     kind: String,
//! }
//!
//! let receiver = Receiver::new("X-API-KEY", "shared-secret", |event: &Event| event.id.clone())?;
//! let mut headers = HeaderMap::new();
//! headers.insert("x-api-key", "shared-secret".parse()?);
//! let body = br#"{"id": "e-1", "kind": "THING_CREATED"}"#;
//!
//! let delivery = receiver.receive(&headers, body).map_err(|r| r.to_string())?;
//! assert!(!delivery.duplicate);
//! assert_eq!(delivery.event.kind, "THING_CREATED");
//! // The same event again: accepted (answer 200, so the server stops resending), but marked.
//! assert!(receiver.receive(&headers, body).map_err(|r| r.to_string())?.duplicate);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! When handling a first delivery fails, answer with an error status and call
//! [`Receiver::forget`], so that the server's next attempt is handled instead of being taken
//! for a duplicate.

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::hash::Hash;
use std::sync::{Mutex, PoisonError};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::DecodeError;

/// How many delivery ids a [`Receiver`] remembers unless told otherwise.
pub const DEFAULT_REMEMBERED: usize = 10_000;

/// Checks, decodes and de-duplicates the deliveries of one webhook endpoint.
///
/// `T` is the body's type, `K` the type of a delivery's id. Share one receiver between the
/// requests of the endpoint (it is `Sync`); the ids it remembers live in memory, so a
/// restarted process or a second instance does not know them.
pub struct Receiver<T, K> {
    header: HeaderName,
    key_digest: [u8; 32],
    id_of: fn(&T) -> K,
    seen: Mutex<Seen<K>>,
}

/// Why a [`Receiver`] could not be set up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReceiverError {
    /// The header name is not a valid HTTP header name.
    #[error("invalid header name {0:?}")]
    InvalidHeader(String),
    /// The expected key is empty (every request would have to send an empty key).
    #[error("the expected API key is empty")]
    EmptyKey,
}

impl<T: DeserializeOwned, K: Eq + Hash + Clone> Receiver<T, K> {
    /// A receiver for requests carrying `key` in `header`, identifying deliveries by `id_of`;
    /// it remembers the last [`DEFAULT_REMEMBERED`] ids.
    pub fn new(
        header: &str,
        key: impl AsRef<str>,
        id_of: fn(&T) -> K,
    ) -> Result<Self, ReceiverError> {
        let header = HeaderName::from_bytes(header.as_bytes())
            .map_err(|_| ReceiverError::InvalidHeader(header.to_owned()))?;
        let key = key.as_ref().trim();
        if key.is_empty() {
            return Err(ReceiverError::EmptyKey);
        }
        Ok(Receiver {
            header,
            key_digest: Sha256::digest(key.as_bytes()).into(),
            id_of,
            seen: Mutex::new(Seen::new(DEFAULT_REMEMBERED)),
        })
    }

    /// Remembers the last `capacity` delivery ids (at least one) instead of
    /// [`DEFAULT_REMEMBERED`]; the oldest is forgotten first.
    pub fn remember(self, capacity: usize) -> Self {
        Receiver {
            seen: Mutex::new(Seen::new(capacity.max(1))),
            ..self
        }
    }

    /// Checks the key, decodes the body and records the delivery's id.
    ///
    /// A duplicate is returned like a first delivery, with [`Delivery::duplicate`] set: answer
    /// it with success (so the server stops resending) and skip handling it again.
    pub fn receive(&self, headers: &HeaderMap, body: &[u8]) -> Result<Delivery<T, K>, Rejection> {
        self.check_key(headers)?;
        let event: T = crate::decode_json(body).map_err(|error| Rejection {
            reason: Reason::MalformedBody(error),
        })?;
        let id = (self.id_of)(&event);
        let duplicate = !self.seen().insert(id.clone());
        Ok(Delivery {
            event,
            id,
            duplicate,
        })
    }

    /// Forgets a delivery id, so that the next delivery with it counts as a first one (call it
    /// when handling a first delivery failed and the server is to try again). Returns whether
    /// the id was remembered.
    pub fn forget(&self, id: &K) -> bool {
        self.seen().remove(id)
    }

    fn check_key(&self, headers: &HeaderMap) -> Result<(), Rejection> {
        let reject = |reason| Err(Rejection { reason });
        let mut values = headers.get_all(&self.header).iter();
        let (Some(given), None) = (values.next(), values.next()) else {
            return match headers.contains_key(&self.header) {
                // Sent more than once: ambiguous, so not accepted.
                true => reject(Reason::WrongKey(self.header.clone())),
                false => reject(Reason::MissingKey(self.header.clone())),
            };
        };
        let given = trim_ascii(given.as_bytes());
        let digest: [u8; 32] = Sha256::digest(given).into();
        if bool::from(digest.ct_eq(&self.key_digest)) {
            Ok(())
        } else {
            reject(Reason::WrongKey(self.header.clone()))
        }
    }

    fn seen(&self) -> std::sync::MutexGuard<'_, Seen<K>> {
        // The set is consistent after every operation, so a panic elsewhere leaves it usable.
        self.seen.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<T, K> fmt::Debug for Receiver<T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("header", &self.header)
            .field("key", &"<redacted>")
            .finish_non_exhaustive()
    }
}

fn trim_ascii(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |i| i + 1);
    &bytes[start..end]
}

/// An accepted delivery.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery<T, K> {
    /// The decoded body.
    pub event: T,
    /// Its id, as `id_of` read it.
    pub id: K,
    /// Whether a delivery with this id was accepted before (and not forgotten).
    pub duplicate: bool,
}

/// A refused delivery: the status to answer with and why.
///
/// Its `Display` is the reason, safe to send back as the response body and to log: it never
/// contains the key sent or expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    reason: Reason,
}

/// Why a delivery was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// The key header is missing.
    MissingKey(HeaderName),
    /// The key header does not hold the expected key (or is sent more than once).
    WrongKey(HeaderName),
    /// The body is not JSON of the expected shape.
    MalformedBody(DecodeError),
}

impl Rejection {
    /// The status to answer with: `401 Unauthorized` for a missing or wrong key, `400 Bad
    /// Request` for a body that does not decode.
    pub fn status(&self) -> StatusCode {
        match self.reason {
            Reason::MissingKey(_) | Reason::WrongKey(_) => StatusCode::UNAUTHORIZED,
            Reason::MalformedBody(_) => StatusCode::BAD_REQUEST,
        }
    }

    /// Why.
    pub fn reason(&self) -> &Reason {
        &self.reason
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.reason {
            Reason::MissingKey(header) => write!(f, "missing the {header} header"),
            Reason::WrongKey(header) => write!(f, "wrong key in the {header} header"),
            Reason::MalformedBody(error) => write!(f, "malformed body: {error}"),
        }
    }
}

impl std::error::Error for Rejection {}

/// The last `capacity` ids, oldest first.
struct Seen<K> {
    capacity: usize,
    ids: HashSet<K>,
    order: VecDeque<K>,
}

impl<K: Eq + Hash + Clone> Seen<K> {
    fn new(capacity: usize) -> Self {
        Seen {
            capacity,
            ids: HashSet::new(),
            order: VecDeque::new(),
        }
    }

    /// Records `id`; false when it was already there.
    fn insert(&mut self, id: K) -> bool {
        if self.ids.contains(&id) {
            return false;
        }
        while self.order.len() >= self.capacity {
            match self.order.pop_front() {
                Some(oldest) => {
                    self.ids.remove(&oldest);
                }
                None => break,
            }
        }
        self.ids.insert(id.clone());
        self.order.push_back(id);
        true
    }

    fn remove(&mut self, id: &K) -> bool {
        if self.ids.remove(id) {
            self.order.retain(|other| other != id);
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "whsec_VERY_SECRET_0815";

    #[derive(Debug, Clone, PartialEq, serde::Deserialize)]
    struct Envelope {
        id: u64,
        events: Vec<Event>,
    }

    #[derive(Debug, Clone, PartialEq, serde::Deserialize)]
    struct Event {
        kind: String,
        label: Option<String>,
    }

    fn receiver() -> Receiver<Envelope, u64> {
        Receiver::new("X-API-KEY", KEY, |envelope: &Envelope| envelope.id).unwrap()
    }

    fn headers(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append("x-api-key", value.parse().unwrap());
        }
        headers
    }

    const BODY: &[u8] = br#"{"id": 7, "events": [{"kind": "THING_CREATED", "label": 5}]}"#;

    fn shows_no_key(rejection: &Rejection) {
        for shown in [format!("{rejection}"), format!("{rejection:?}")] {
            assert!(!shown.contains(KEY) && !shown.contains("guess"), "{shown}");
        }
    }

    #[test]
    fn the_right_key_is_accepted_and_the_body_decoded_leniently() {
        let delivery = receiver().receive(&headers(&[KEY]), BODY).unwrap();
        assert_eq!(delivery.id, 7);
        assert!(!delivery.duplicate);
        // A number where a string is expected is kept as its text.
        assert_eq!(delivery.event.events[0].label.as_deref(), Some("5"));
        // Surrounding whitespace in the header is not part of the key.
        assert!(
            receiver()
                .receive(&headers(&[&format!(" {KEY} ")]), BODY)
                .is_ok()
        );
    }

    #[test]
    fn a_wrong_key_is_refused_with_401() {
        for wrong in ["guess", "", &KEY[..KEY.len() - 1], &format!("{KEY}x")] {
            let rejection = receiver().receive(&headers(&[wrong]), BODY).unwrap_err();
            assert_eq!(rejection.status(), StatusCode::UNAUTHORIZED);
            assert!(matches!(rejection.reason(), Reason::WrongKey(_)), "{wrong}");
            assert_eq!(rejection.to_string(), "wrong key in the x-api-key header");
            shows_no_key(&rejection);
        }
        // The right key and another one: ambiguous, refused.
        let rejection = receiver()
            .receive(&headers(&[KEY, "guess"]), BODY)
            .unwrap_err();
        assert!(matches!(rejection.reason(), Reason::WrongKey(_)));
    }

    #[test]
    fn a_missing_key_is_refused_with_401_before_the_body_is_read() {
        let rejection = receiver().receive(&headers(&[]), b"not json").unwrap_err();
        assert_eq!(rejection.status(), StatusCode::UNAUTHORIZED);
        assert!(matches!(rejection.reason(), Reason::MissingKey(_)));
        assert_eq!(rejection.to_string(), "missing the x-api-key header");
    }

    #[test]
    fn a_malformed_body_is_refused_with_400_and_where() {
        let rejection = receiver()
            .receive(&headers(&[KEY]), b"{\"id\": 7, \"events\": [{}]}")
            .unwrap_err();
        assert_eq!(rejection.status(), StatusCode::BAD_REQUEST);
        assert!(
            rejection
                .to_string()
                .starts_with("malformed body: at events[0]"),
            "{rejection}"
        );
        for body in [
            &b"{"[..],
            b"",
            b"[1, 2]",
            b"{\"id\": 7, \"events\": []} trailing",
        ] {
            let rejection = receiver().receive(&headers(&[KEY]), body).unwrap_err();
            assert!(matches!(rejection.reason(), Reason::MalformedBody(_)));
            shows_no_key(&rejection);
        }
    }

    #[test]
    fn a_duplicate_is_accepted_and_marked_until_forgotten() {
        let receiver = receiver();
        assert!(!receiver.receive(&headers(&[KEY]), BODY).unwrap().duplicate);
        let again = receiver.receive(&headers(&[KEY]), BODY).unwrap();
        assert!(again.duplicate);
        assert_eq!(again.event.events[0].kind, "THING_CREATED");
        // Another id is a first delivery.
        let other = br#"{"id": 8, "events": []}"#;
        assert!(!receiver.receive(&headers(&[KEY]), other).unwrap().duplicate);
        // Handling failed: forget it, and the next attempt counts as a first delivery.
        assert!(receiver.forget(&7));
        assert!(!receiver.forget(&7));
        assert!(!receiver.receive(&headers(&[KEY]), BODY).unwrap().duplicate);
    }

    #[test]
    fn only_the_last_ids_are_remembered() {
        let receiver = receiver().remember(2);
        for id in [1, 2, 3] {
            let body = format!(r#"{{"id": {id}, "events": []}}"#);
            assert!(
                !receiver
                    .receive(&headers(&[KEY]), body.as_bytes())
                    .unwrap()
                    .duplicate
            );
        }
        let body = |id: u64| format!(r#"{{"id": {id}, "events": []}}"#);
        assert!(
            receiver
                .receive(&headers(&[KEY]), body(3).as_bytes())
                .unwrap()
                .duplicate
        );
        // 1 was forgotten to make room.
        assert!(
            !receiver
                .receive(&headers(&[KEY]), body(1).as_bytes())
                .unwrap()
                .duplicate
        );
    }

    #[test]
    fn setup_problems_and_debug() {
        let id = |envelope: &Envelope| envelope.id;
        assert_eq!(
            Receiver::new("X-API-KEY", "  ", id).unwrap_err(),
            ReceiverError::EmptyKey
        );
        assert!(matches!(
            Receiver::new("bad header", KEY, id).unwrap_err(),
            ReceiverError::InvalidHeader(_)
        ));
        let debug = format!("{:?}", receiver());
        assert!(
            !debug.contains(KEY) && debug.contains("<redacted>"),
            "{debug}"
        );
    }
}
