//! Runtime shared by the API clients that `codegen` generates from OpenAPI documents.
//!
//! The code generator emits model types and one method per operation; everything that is the
//! same for every operation lives here, written once by hand:
//!
//! * [`Client`] / [`ClientBuilder`]: base URL (required), API key, timeouts, retries, TLS
//!   (rustls), redirects followed only within the configured origin.
//! * [`RequestBuilder`]: fills a path template, adds query parameters and headers, sends a JSON,
//!   form ([`FormStyle`]), text, binary or multipart body, and turns the response into `T` (or a [`Response`] with status and
//!   headers) or an [`Error`]. It owns what it sends, so it is `'static` and `Send`.
//! * [`CallOptions`]: per-call timeout, headers and [`RetryPolicy`] (which retries by what the
//!   server may have done with a failed attempt, not by HTTP method alone).
//! * [`Error`]: one error type for every operation, generic over the operation's documented error
//!   bodies (see [`ErrorBody`]).
//! * Model helpers: [`DateTime`] (keeps the server's text), [`lenient`] strings,
//!   [`StringEnum`] with an `Unknown` fallback, [`OneOrMany`].
//! * [`paginate`] / [`paginate_pages`]: turn a sliced list operation into a lazy
//!   [`futures::Stream`] of items, or of [`Slice`]s with the cursors to resume from.
//! * [`from_json`]: decodes JSON from elsewhere the way responses are decoded.
//! * `mock` (with the `mock` feature): typed test doubles, the machinery under the `mock`
//!   module of each generated crate.
//! * `webhook` (with the `webhook` feature): receiving the calls an API's server makes to your
//!   endpoint: constant-time key check, lenient decoding, each event handled once and
//!   acknowledged only after its handler committed it.
//!
//! Nothing in this crate logs or displays the API key or bearer token: each is sent as a header
//! marked sensitive and redacted from every `Debug` output.

mod client;
mod datetime;
pub mod discriminator;
mod error;
mod form;
pub mod lenient;
#[cfg(feature = "mock")]
pub mod mock;
pub mod multipart;
mod one_or_many;
mod pagination;
mod param;
mod request;
mod retry;
pub mod string_enum;
#[cfg(feature = "webhook")]
pub mod webhook;

pub use client::{ApiDefaults, Auth, BuildError, Client, ClientBuilder, Operation};
pub use datetime::{DateTime, ParseDateTimeError};
pub use error::{
    DecodeError, Error, ErrorBody, SuccessBody, TransportKind, decode_json, from_json,
};
pub use form::FormStyle;
pub use one_or_many::OneOrMany;
pub use pagination::{Page, Slice, paginate, paginate_pages};
pub use param::ParamValue;
pub use request::{CallOptions, RequestBuilder, Response};
pub use retry::RetryPolicy;
pub use string_enum::StringEnum;

// Re-exported so generated crates need only this crate as a dependency and always agree with it
// on the versions of these types.
pub use reqwest::header::{HeaderMap, HeaderValue};
pub use reqwest::{Method, StatusCode};
pub use {bytes, chrono, futures, reqwest, serde, serde_json, uuid};
