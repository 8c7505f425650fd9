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
//! * keeps each event from being handled twice (servers deliver at least once), without ever
//!   acknowledging one that was not handled. Which field is the id is the caller's choice
//!   (`id_of`): this module knows no API's field names.
//!
//! An event counts as handled only when the handler says so. A first delivery comes as a
//! [`Claim`]: handle its event, then [`commit`](Claim::commit) it and answer success. A claim
//! dropped without a commit (the handler returned an error, or panicked) is released, so the
//! server's next delivery of the event is handled afresh. While a claim is held, another
//! delivery of the same event is refused with [`Reason::InProgress`] and a `500` (see
//! [`Rejection::status`]), which has the server deliver it again later instead of taking it
//! for handled. Only a committed event is answered as [`Delivery::Handled`].
//!
//! ```
//! use openapi_client_runtime::webhook::{Delivery, Receiver};
//! use openapi_client_runtime::HeaderMap;
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
//! // The handler fails: the claim is dropped uncommitted, the server is answered with an error.
//! match receiver.receive(&headers, body).map_err(|r| r.to_string())? {
//!     Delivery::New(claim) => drop(claim),
//!     Delivery::Handled { .. } => unreachable!("nothing was handled yet"),
//! }
//! // The server delivers it again: a first delivery still. Handled this time, and committed.
//! let Delivery::New(claim) = receiver.receive(&headers, body).map_err(|r| r.to_string())? else {
//!     unreachable!("the failed attempt did not count");
//! };
//! assert_eq!(claim.event().kind, "THING_CREATED");
//! claim.commit();
//! // Once more: handled before, so answer success (the server stops resending) and skip it.
//! let again = receiver.receive(&headers, body).map_err(|r| r.to_string())?;
//! assert!(matches!(again, Delivery::Handled { .. }));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use http::StatusCode;
use http::header::{HeaderMap, HeaderName};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::DecodeError;

/// How many handled event ids a [`Receiver`] remembers unless told otherwise.
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
    ids: Arc<Mutex<Ids<K>>>,
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
    /// it remembers the last [`DEFAULT_REMEMBERED`] handled ids.
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
            ids: Arc::new(Mutex::new(Ids::new(DEFAULT_REMEMBERED))),
        })
    }

    /// Remembers the last `capacity` handled ids (at least one) instead of
    /// [`DEFAULT_REMEMBERED`]; the oldest is forgotten first. Events being handled are always
    /// known, whatever the capacity.
    pub fn remember(self, capacity: usize) -> Self {
        Receiver {
            ids: Arc::new(Mutex::new(Ids::new(capacity.max(1)))),
            ..self
        }
    }

    /// Checks the key, decodes the body and claims the event for handling.
    ///
    /// * [`Delivery::New`]: handle the event, then [`Claim::commit`] and answer success; on
    ///   failure drop the claim and answer an error status, so the server delivers it again.
    /// * [`Delivery::Handled`]: a committed event again; answer success and skip it.
    /// * `Err` with [`Reason::InProgress`]: another request holds the claim right now; answer
    ///   [`Rejection::status`] so the server delivers it again later.
    pub fn receive(&self, headers: &HeaderMap, body: &[u8]) -> Result<Delivery<T, K>, Rejection> {
        self.check_key(headers)?;
        let event: T = crate::decode_json(body).map_err(|error| Rejection {
            reason: Reason::MalformedBody(error),
        })?;
        let id = (self.id_of)(&event);
        let mut ids = lock(&self.ids);
        if ids.handled.contains(&id) {
            return Ok(Delivery::Handled { event, id });
        }
        if !ids.in_progress.insert(id.clone()) {
            return Err(Rejection {
                reason: Reason::InProgress,
            });
        }
        drop(ids);
        Ok(Delivery::New(Claim {
            event,
            id,
            ids: Arc::clone(&self.ids),
            committed: false,
        }))
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
}

impl<T, K> fmt::Debug for Receiver<T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("header", &self.header)
            .field("key", &"<redacted>")
            .finish_non_exhaustive()
    }
}

/// The ids, consistent after every operation, so a panic elsewhere leaves them usable.
fn lock<K>(ids: &Mutex<Ids<K>>) -> MutexGuard<'_, Ids<K>> {
    ids.lock().unwrap_or_else(PoisonError::into_inner)
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
#[derive(Debug)]
pub enum Delivery<T, K: Eq + Hash> {
    /// An event not handled yet, claimed for this request: handle it, then
    /// [`commit`](Claim::commit).
    New(Claim<T, K>),
    /// An event handled before (its claim was committed): answer success, so that the server
    /// stops resending it, and do not handle it again.
    Handled {
        /// The decoded body.
        event: T,
        /// Its id, as `id_of` read it.
        id: K,
    },
}

/// A first delivery of an event, held while it is handled.
///
/// [`commit`](Self::commit) it once the event is handled: from then on the event counts as
/// handled. Dropped without a commit (an error, a panic, a cancelled request), the claim is
/// released and the event counts as never received, so the server's next delivery is handled.
pub struct Claim<T, K: Eq + Hash> {
    event: T,
    id: K,
    ids: Arc<Mutex<Ids<K>>>,
    committed: bool,
}

impl<T, K: Eq + Hash + Clone> Claim<T, K> {
    /// The decoded body.
    pub fn event(&self) -> &T {
        &self.event
    }

    /// Its id, as `id_of` read it.
    pub fn id(&self) -> &K {
        &self.id
    }

    /// The event is handled: a later delivery of it is [`Delivery::Handled`].
    pub fn commit(mut self) {
        lock(&self.ids).commit(self.id.clone());
        self.committed = true;
    }
}

impl<T, K: Eq + Hash> Drop for Claim<T, K> {
    fn drop(&mut self) {
        if !self.committed {
            lock(&self.ids).in_progress.remove(&self.id);
        }
    }
}

impl<T: fmt::Debug, K: fmt::Debug + Eq + Hash> fmt::Debug for Claim<T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Claim")
            .field("event", &self.event)
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// A delivery not accepted now: the status to answer with and why.
///
/// Its `Display` is the reason, safe to send back as the response body and to log: it never
/// contains the key sent or expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    reason: Reason,
}

/// Why a delivery was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// The key header is missing.
    MissingKey(HeaderName),
    /// The key header does not hold the expected key (or is sent more than once).
    WrongKey(HeaderName),
    /// The body is not JSON of the expected shape.
    MalformedBody(DecodeError),
    /// The same event is being handled by another request right now; it is not handled yet,
    /// so it must not be acknowledged: the server is to deliver it again later.
    InProgress,
}

impl Rejection {
    /// The status to answer with: `401 Unauthorized` for a missing or wrong key, `400 Bad
    /// Request` for a body that does not decode, `500 Internal Server Error` for an event
    /// being handled elsewhere. `500` is the answer every sender takes for "not handled,
    /// deliver again", and one that webhook documents list (some list no other error status
    /// to answer a delivery with).
    pub fn status(&self) -> StatusCode {
        match self.reason {
            Reason::MissingKey(_) | Reason::WrongKey(_) => StatusCode::UNAUTHORIZED,
            Reason::MalformedBody(_) => StatusCode::BAD_REQUEST,
            Reason::InProgress => StatusCode::INTERNAL_SERVER_ERROR,
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
            Reason::InProgress => {
                f.write_str("this event is being handled right now: deliver it again later")
            }
        }
    }
}

impl std::error::Error for Rejection {}

/// The ids of the events being handled, and of the last `capacity` handled ones (oldest
/// first).
struct Ids<K> {
    capacity: usize,
    in_progress: HashSet<K>,
    handled: HashSet<K>,
    order: VecDeque<K>,
}

impl<K: Eq + Hash + Clone> Ids<K> {
    fn new(capacity: usize) -> Self {
        Ids {
            capacity,
            in_progress: HashSet::new(),
            handled: HashSet::new(),
            order: VecDeque::new(),
        }
    }

    /// Moves `id` from being handled to handled, forgetting the oldest handled ids beyond
    /// the capacity.
    fn commit(&mut self, id: K) {
        self.in_progress.remove(&id);
        if self.handled.contains(&id) {
            return;
        }
        while self.order.len() >= self.capacity {
            match self.order.pop_front() {
                Some(oldest) => {
                    self.handled.remove(&oldest);
                }
                None => break,
            }
        }
        self.handled.insert(id.clone());
        self.order.push_back(id);
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

    /// The claim of a first delivery; panics on anything else.
    #[track_caller]
    fn claimed(receiver: &Receiver<Envelope, u64>, body: &[u8]) -> Claim<Envelope, u64> {
        match receiver.receive(&headers(&[KEY]), body) {
            Ok(Delivery::New(claim)) => claim,
            other => panic!("not a first delivery: {other:?}"),
        }
    }

    #[track_caller]
    fn is_handled(receiver: &Receiver<Envelope, u64>, body: &[u8]) -> bool {
        match receiver.receive(&headers(&[KEY]), body) {
            Ok(Delivery::Handled { .. }) => true,
            Ok(Delivery::New(_)) => false,
            Err(rejection) => panic!("refused: {rejection}"),
        }
    }

    #[test]
    fn the_right_key_is_accepted_and_the_body_decoded_leniently() {
        let claim = claimed(&receiver(), BODY);
        assert_eq!(*claim.id(), 7);
        // A number where a string is expected is kept as its text.
        assert_eq!(claim.event().events[0].label.as_deref(), Some("5"));
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
    fn an_event_is_handled_once_only_after_its_handler_commits() {
        let receiver = receiver();
        // The handler fails: the claim is dropped uncommitted.
        drop(claimed(&receiver, BODY));
        // The server delivers it again: a first delivery, handled and committed this time.
        let claim = claimed(&receiver, BODY);
        assert_eq!(claim.event().events[0].kind, "THING_CREATED");
        claim.commit();
        // Every later delivery: handled before, never handed out again.
        for _ in 0..3 {
            assert!(is_handled(&receiver, BODY));
        }
        // Another id is a first delivery.
        let other = br#"{"id": 8, "events": []}"#;
        assert!(!is_handled(&receiver, other));
    }

    #[test]
    fn a_duplicate_during_handling_is_not_acknowledged() {
        let receiver = receiver();
        let claim = claimed(&receiver, BODY);
        let during = receiver.receive(&headers(&[KEY]), BODY).unwrap_err();
        assert_eq!(during.reason(), &Reason::InProgress);
        assert_eq!(during.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            during.to_string(),
            "this event is being handled right now: deliver it again later"
        );
        // The first handler fails after all: the next delivery is handled.
        drop(claim);
        let claim = claimed(&receiver, BODY);
        // A duplicate while this one is handled is refused too, then the commit counts.
        assert!(receiver.receive(&headers(&[KEY]), BODY).is_err());
        claim.commit();
        assert!(is_handled(&receiver, BODY));
    }

    #[test]
    fn a_panicking_handler_releases_its_claim() {
        let receiver = std::sync::Arc::new(receiver());
        let shared = std::sync::Arc::clone(&receiver);
        let handler = std::thread::spawn(move || {
            let _claim = claimed(&shared, BODY);
            panic!("the handler failed");
        });
        assert!(handler.join().is_err());
        assert!(!is_handled(&receiver, BODY));
    }

    #[test]
    fn a_claim_moves_to_another_thread() {
        let receiver = receiver();
        let claim = claimed(&receiver, BODY);
        std::thread::spawn(move || claim.commit())
            .join()
            .expect("the claim commits on another thread");
        assert!(is_handled(&receiver, BODY));
    }

    #[test]
    fn only_the_last_handled_ids_are_remembered() {
        let receiver = receiver().remember(2);
        let body = |id: u64| format!(r#"{{"id": {id}, "events": []}}"#);
        for id in [1, 2, 3] {
            claimed(&receiver, body(id).as_bytes()).commit();
        }
        assert!(is_handled(&receiver, body(3).as_bytes()));
        // 1 was forgotten to make room.
        assert!(!is_handled(&receiver, body(1).as_bytes()));
        // An event being handled is known whatever the capacity.
        let held: Vec<_> = [10, 11, 12]
            .into_iter()
            .map(|id| claimed(&receiver, body(id).as_bytes()))
            .collect();
        for id in [10, 11, 12] {
            let rejection = receiver
                .receive(&headers(&[KEY]), body(id).as_bytes())
                .unwrap_err();
            assert_eq!(rejection.reason(), &Reason::InProgress);
        }
        drop(held);
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
