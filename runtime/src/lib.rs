//! Runtime shared by the API clients that `codegen` generates from OpenAPI documents.
//!
//! The code generator emits model types and one method per operation; everything that is the
//! same for every operation lives here, written once by hand:
//!
//! * [`Client`] / [`ClientBuilder`]: base URL (required), API key, timeouts, retries, TLS,
//!   redirects followed only within the configured origin.
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
//! # Features
//!
//! Without features the crate is only its model helpers ([`DateTime`], [`StringEnum`],
//! [`lenient`], [`OneOrMany`], [`from_json`]), which need serde and no HTTP stack: what a crate
//! of types alone (webhook events) compiles.
//!
//! * `client`: the HTTP client (reqwest, tokio) and everything that sends requests; without a
//!   TLS backend below it speaks only `http://`.
//! * `rustls-ring` (default): `client` with rustls and its `ring` crypto provider, the quickest
//!   to build and no C toolchain. When a client is built and the process has no default rustls
//!   provider yet, `ring`'s is installed as the default.
//! * `rustls-aws-lc-rs`: `client` with rustls and `aws-lc-rs` (reqwest's own default; its
//!   build compiles AWS-LC with a C toolchain).
//! * `native-tls`: `client` with the platform's TLS (OpenSSL on Linux).
//! * `mock`: typed test doubles; `webhook`: receiving webhooks, with no HTTP client.
//!
//! Nothing in this crate logs or displays the API key or bearer token: each is sent as a header
//! marked sensitive and redacted from every `Debug` output.

#[cfg(feature = "client")]
mod client;
mod datetime;
mod decode;
pub mod discriminator;
#[cfg(feature = "client")]
mod error;
#[cfg(feature = "client")]
mod form;
pub mod lenient;
#[cfg(feature = "mock")]
pub mod mock;
#[cfg(feature = "client")]
pub mod multipart;
mod one_or_many;
#[cfg(feature = "client")]
mod pagination;
#[cfg(feature = "client")]
mod param;
#[cfg(feature = "client")]
mod request;
#[cfg(feature = "client")]
mod retry;
pub mod string_enum;
#[cfg(feature = "webhook")]
pub mod webhook;

#[cfg(feature = "client")]
pub use client::{
    ApiDefaults, Auth, BuildError, Client, ClientBuilder, Operation, install_crypto_provider,
};
pub use datetime::{DateTime, ParseDateTimeError};
pub use decode::{DecodeError, decode_json, from_json};
#[cfg(feature = "client")]
pub use error::{Error, ErrorBody, SuccessBody, TransportKind};
#[cfg(feature = "client")]
pub use form::FormStyle;
pub use one_or_many::OneOrMany;
#[cfg(feature = "client")]
pub use pagination::{Page, Slice, paginate, paginate_pages};
#[cfg(feature = "client")]
pub use param::ParamValue;
#[cfg(feature = "client")]
pub use request::{CallOptions, RequestBuilder, Response};
#[cfg(feature = "client")]
pub use retry::RetryPolicy;
pub use string_enum::StringEnum;

// Re-exported so generated crates need only this crate as a dependency and always agree with it
// on the versions of these types.
#[cfg(any(feature = "client", feature = "webhook"))]
pub use http::header::{HeaderMap, HeaderValue};
#[cfg(any(feature = "client", feature = "webhook"))]
pub use http::{Method, StatusCode};
#[cfg(feature = "client")]
pub use {bytes, futures, reqwest};
pub use {chrono, serde, serde_json, uuid};
