//! Client configuration and the shared client handle.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::request::RequestBuilder;
use crate::retry::RetryPolicy;

/// Per-API defaults; each generated crate defines a `const` of this.
///
/// There is deliberately no default base URL: the servers an API document names are often a
/// demo or sandbox, and a production key must not quietly go there. Generated crates list them
/// as a `SERVERS` constant, to be picked explicitly with [`ClientBuilder::base_url`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiDefaults {
    /// Sent as `User-Agent` unless overridden, e.g. `petstore/0.1.0`.
    pub user_agent: &'static str,
    /// How requests authenticate; [`ClientBuilder::build`] requires the credential it names.
    pub auth: Auth,
}

/// How an API authenticates its requests, from its document's security scheme.
///
/// The credential is always sent as a header marked sensitive, redacted from every `Debug`
/// output and error, and never sent to another host (redirects are followed within the
/// original origin only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// No credential.
    None,
    /// An API key (set with [`ClientBuilder::api_key`]) in this header, e.g. `X-API-KEY`.
    ApiKeyHeader(&'static str),
    /// HTTP bearer authentication: `Authorization: Bearer <token>`, the token set with
    /// [`ClientBuilder::bearer_token`].
    Bearer,
}

/// One operation of the API, declared by generated code as a `static`.
///
/// ```
/// use openapi_client_runtime::{Method, Operation};
///
/// static GET_CUSTOMER: Operation = Operation {
///     id: "getCustomer",
///     method: Method::GET,
///     path: "/v1/customers/{customerId}",
/// };
/// # assert_eq!(GET_CUSTOMER.method, Method::GET);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// The `operationId`, used in errors and tracing.
    pub id: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path template relative to the base URL, e.g. `/v1/customers/{customerId}`.
    pub path: &'static str,
}

/// Why [`ClientBuilder::build`] failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// No base URL was given. Each deployment (tenant) of an API has its own, so there is no
    /// default; the servers the API document names are in the generated crate's `SERVERS`.
    #[error(
        "no base URL: set your server's URL with ClientBuilder::base_url (the servers the API document names, such as a demo, are in the crate's SERVERS constant)"
    )]
    MissingBaseUrl,
    /// The base URL is not an absolute `http`/`https` URL.
    #[error("invalid base URL {url:?}: {reason}")]
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The API authenticates with an API key and none (or an empty one) was given.
    #[error(
        "missing API key: this API requires the {header} header; set it with ClientBuilder::api_key"
    )]
    MissingApiKey {
        /// The header the key is sent in.
        header: &'static str,
    },
    /// The API authenticates with a bearer token and none (or an empty one) was given.
    #[error(
        "missing bearer token: this API requires an Authorization header; set it with ClientBuilder::bearer_token"
    )]
    MissingBearerToken,
    /// A header name or value is invalid. The value is never included, as it may be a secret.
    #[error("invalid header {name:?}: {reason}")]
    InvalidHeader {
        /// The header name as given.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The HTTP client could not be built (e.g. TLS initialisation failed).
    #[error("could not build the HTTP client")]
    Http(#[source] reqwest::Error),
}

/// Configures and builds a [`Client`] (or a generated client type wrapping one).
///
/// `C` is what [`build`](Self::build) returns; generated crates use their own client type, which
/// implements `From<Client>`.
pub struct ClientBuilder<C = Client> {
    defaults: ApiDefaults,
    base_url: Option<String>,
    api_key: Option<String>,
    bearer_token: Option<String>,
    connect_timeout: Duration,
    timeout: Duration,
    user_agent: Option<String>,
    default_headers: Vec<(String, String)>,
    reqwest_builder: Option<reqwest::ClientBuilder>,
    retry: RetryPolicy,
    _client: PhantomData<fn() -> C>,
}

impl<C> ClientBuilder<C> {
    /// A builder with the API's defaults: its user agent, 10 s connect timeout,
    /// 30 s timeout per attempt, and the default [`RetryPolicy`].
    pub fn new(defaults: ApiDefaults) -> Self {
        ClientBuilder {
            defaults,
            base_url: None,
            api_key: None,
            bearer_token: None,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            user_agent: None,
            default_headers: Vec::new(),
            reqwest_builder: None,
            retry: RetryPolicy::default(),
            _client: PhantomData,
        }
    }

    /// The server to talk to: your tenant's URL (required; see [`BuildError::MissingBaseUrl`]).
    /// May include a path prefix; a trailing `/` is ignored.
    pub fn base_url(mut self, url: impl AsRef<str>) -> Self {
        self.base_url = Some(url.as_ref().to_owned());
        self
    }

    /// The API key, sent in the API's key header (ignored by APIs without one).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The bearer token, sent as `Authorization: Bearer <token>` (ignored by APIs that do not
    /// use bearer authentication). A leading `Bearer ` in `token` is not repeated.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.bearer_token = Some(token.into());
        self
    }

    /// How long establishing a connection may take (default 10 s). Not applied to a builder
    /// given with [`reqwest_builder`](Self::reqwest_builder), whose own setting stays in force.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one attempt may take, from connecting until the whole response body has arrived
    /// (default 30 s). Retries each get the full time again.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Replaces the `User-Agent` (default: the API's, e.g. `petstore/0.1.0`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// A header sent with every request. Name and value are validated by
    /// [`build`](Self::build).
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.default_headers.push((name.into(), value.into()));
        self
    }

    /// Builds the HTTP client from this `reqwest` builder (its proxy, TLS, pool and timeout
    /// settings), finished by [`build`](Self::build) with the runtime's redirect policy.
    ///
    /// A builder rather than a finished `reqwest::Client`: the API key travels in a custom
    /// header, which reqwest would resend to whatever host a redirect names. The runtime's
    /// policy follows redirects only within the configured origin (scheme, host and port) and
    /// otherwise returns the redirect response itself, so the key never leaves that host. Any
    /// redirect policy set on `builder` is replaced. The per-attempt timeout is still applied to
    /// each request; the connect timeout is not.
    pub fn reqwest_builder(mut self, builder: reqwest::ClientBuilder) -> Self {
        self.reqwest_builder = Some(builder);
        self
    }

    /// How failed requests are retried (see [`RetryPolicy`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Validates the configuration and builds the client.
    pub fn build(self) -> Result<C, BuildError>
    where
        C: From<Client>,
    {
        let base_url =
            validate_base_url(self.base_url.as_deref().ok_or(BuildError::MissingBaseUrl)?)?;

        let mut headers = HeaderMap::new();
        let user_agent = self
            .user_agent
            .as_deref()
            .unwrap_or(self.defaults.user_agent);
        headers.insert(
            reqwest::header::USER_AGENT,
            header_value("User-Agent", user_agent)?,
        );
        for (name, value) in &self.default_headers {
            let header_name = HeaderName::from_bytes(name.as_bytes()).map_err(|err| {
                BuildError::InvalidHeader {
                    name: name.clone(),
                    reason: err.to_string(),
                }
            })?;
            headers.append(header_name, header_value(name, value)?);
        }
        let credential = match self.defaults.auth {
            Auth::ApiKeyHeader(header) => {
                let key = non_empty(self.api_key.as_deref())
                    .ok_or(BuildError::MissingApiKey { header })?;
                let name = HeaderName::from_bytes(header.as_bytes()).map_err(|err| {
                    BuildError::InvalidHeader {
                        name: header.to_owned(),
                        reason: err.to_string(),
                    }
                })?;
                Some((name, header_value(header, key)?))
            }
            Auth::Bearer => {
                let token = non_empty(self.bearer_token.as_deref().map(strip_bearer_prefix))
                    .ok_or(BuildError::MissingBearerToken)?;
                let value = header_value("Authorization", &format!("Bearer {token}"))?;
                Some((reqwest::header::AUTHORIZATION, value))
            }
            Auth::None => None,
        };
        if let Some((name, mut value)) = credential {
            // Keeps the credential out of hyper's/h2's debug output and HPACK tables.
            value.set_sensitive(true);
            headers.insert(name, value);
        }

        install_crypto_provider();
        let http = match self.reqwest_builder {
            Some(builder) => builder,
            None => reqwest::Client::builder().connect_timeout(self.connect_timeout),
        }
        .redirect(same_origin_redirects())
        .build()
        .map_err(BuildError::Http)?;

        Ok(C::from(Client {
            inner: Arc::new(ClientInner {
                http,
                base_url,
                headers,
                auth: self.defaults.auth,
                timeout: self.timeout,
                retry: self.retry,
            }),
        }))
    }
}

/// Installs rustls's `ring` crypto provider as the process default, unless one is installed
/// (with the `rustls-ring` feature; otherwise it does nothing).
///
/// With `rustls-ring`, reqwest is built with rustls but no provider of its own and uses the
/// process default; building a [`Client`] calls this first. A program that builds its own
/// `reqwest::Client` before any of ours calls it too, or reqwest panics for want of a provider
/// (or installs the provider it prefers, which then serves every client).
pub fn install_crypto_provider() {
    #[cfg(all(feature = "rustls-ring", not(feature = "rustls-aws-lc-rs")))]
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // An error only says that another thread installed one in the meantime.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("defaults", &self.defaults)
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field(
                "bearer_token",
                &self.bearer_token.as_ref().map(|_| "<redacted>"),
            )
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("user_agent", &self.user_agent)
            // Default header values may be credentials too; show names only.
            .field(
                "default_headers",
                &self
                    .default_headers
                    .iter()
                    .map(|(name, _)| name)
                    .collect::<Vec<_>>(),
            )
            .field("reqwest_builder", &self.reqwest_builder.is_some())
            .field("retry", &self.retry)
            .finish()
    }
}

/// A configured connection to one API.
///
/// Cloning is cheap (the configuration and connection pool are shared), so clone it into tasks
/// rather than wrapping it in an `Arc`.
#[derive(Clone)]
pub struct Client {
    inner: Arc<ClientInner>,
}

pub(crate) struct ClientInner {
    pub(crate) http: reqwest::Client,
    /// Validated, without a trailing `/`.
    pub(crate) base_url: String,
    /// User agent, default headers and the credential (marked sensitive).
    pub(crate) headers: HeaderMap,
    auth: Auth,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
}

impl Client {
    /// Starts a request for `operation`. The request holds its own handle to the client (a
    /// reference count), so it is `'static` and can be sent from a spawned task.
    pub fn request(&self, operation: &'static Operation) -> RequestBuilder {
        RequestBuilder::new(self.clone(), operation)
    }

    /// The base URL requests are sent to (without a trailing `/`).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The retry policy in force.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    pub(crate) fn inner(&self) -> &ClientInner {
        &self.inner
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("Client")
            .field("base_url", &inner.base_url)
            .field(
                "api_key",
                &matches!(inner.auth, Auth::ApiKeyHeader(_)).then_some("<redacted>"),
            )
            .field(
                "bearer_token",
                &(inner.auth == Auth::Bearer).then_some("<redacted>"),
            )
            .field("timeout", &inner.timeout)
            .field("retry", &inner.retry)
            .finish_non_exhaustive()
    }
}

/// The credential as given, trimmed, unless it is empty.
fn non_empty(credential: Option<&str>) -> Option<&str> {
    credential.map(str::trim).filter(|value| !value.is_empty())
}

/// `token` without a leading `Bearer ` (any case), which callers sometimes include.
fn strip_bearer_prefix(token: &str) -> &str {
    let token = token.trim_start();
    match token.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case("bearer ") => &token[7..],
        _ => token,
    }
}

fn header_value(name: &str, value: &str) -> Result<HeaderValue, BuildError> {
    HeaderValue::from_str(value).map_err(|_| BuildError::InvalidHeader {
        name: name.to_owned(),
        reason: "the value contains characters not allowed in a header".to_owned(),
    })
}

fn validate_base_url(url: &str) -> Result<String, BuildError> {
    let invalid = |reason: &str| BuildError::InvalidBaseUrl {
        url: url.to_owned(),
        reason: reason.to_owned(),
    };
    let parsed = reqwest::Url::parse(url).map_err(|err| invalid(&err.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if parsed.host().is_none() {
        return Err(invalid("no host"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid("a base URL cannot have a query or fragment"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        // Credentials in the URL would end up in error messages (reqwest errors show the URL).
        return Err(invalid("a base URL cannot contain credentials"));
    }
    // Operation paths start with `/`, so they are appended to the normalised text as is.
    Ok(parsed.as_str().trim_end_matches('/').to_owned())
}

/// Follows redirects only within the original origin: the API key is a custom header, which
/// reqwest (unlike `Authorization`) would forward to any host a redirect points at.
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let same_origin = attempt
            .previous()
            .first()
            .is_some_and(|first| first.origin() == attempt.url().origin());
        if attempt.previous().len() > 10 {
            attempt.error("too many redirects")
        } else if same_origin {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFAULTS: ApiDefaults = ApiDefaults {
        user_agent: "petstore/0.1.0",
        auth: Auth::ApiKeyHeader("X-API-KEY"),
    };

    fn builder() -> ClientBuilder<Client> {
        ClientBuilder::new(DEFAULTS).base_url("https://example.invalid/api/")
    }

    #[test]
    fn validates_configuration() {
        let err = ClientBuilder::<Client>::new(DEFAULTS)
            .api_key("k")
            .build()
            .unwrap_err();
        assert!(matches!(err, BuildError::MissingBaseUrl), "{err}");
        assert!(err.to_string().contains("base_url"), "{err}");

        let err = builder().build().unwrap_err();
        assert!(matches!(
            err,
            BuildError::MissingApiKey {
                header: "X-API-KEY"
            }
        ));
        let err = builder().api_key("  ").build().unwrap_err();
        assert!(matches!(err, BuildError::MissingApiKey { .. }));

        let err = builder()
            .api_key("k")
            .base_url("not a url")
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("not a url"), "{err}");
        for bad in ["ftp://host", "https://u:p@host", "https://host/?q=1"] {
            let err = builder().api_key("k").base_url(bad).build().unwrap_err();
            assert!(matches!(err, BuildError::InvalidBaseUrl { .. }), "{bad}");
        }

        let err = builder()
            .api_key("k")
            .default_header("bad name", "v")
            .build()
            .unwrap_err();
        assert!(matches!(err, BuildError::InvalidHeader { .. }));
        let err = builder().api_key("secret\nkey").build().unwrap_err();
        assert!(!err.to_string().contains("secret"), "{err}");

        let client = builder().api_key("k").build().unwrap();
        assert_eq!(client.base_url(), "https://example.invalid/api");
    }

    #[test]
    fn api_without_key_needs_none() {
        let defaults = ApiDefaults {
            auth: Auth::None,
            ..DEFAULTS
        };
        let client: Client = ClientBuilder::new(defaults)
            .base_url("https://example.invalid")
            .build()
            .unwrap();
        assert!(format!("{client:?}").contains("api_key: None"));
    }

    #[test]
    fn bearer_token_is_required_sent_sensitive_and_redacted() {
        let defaults = ApiDefaults {
            auth: Auth::Bearer,
            ..DEFAULTS
        };
        for missing in [None, Some(" "), Some("Bearer ")] {
            let mut builder =
                ClientBuilder::<Client>::new(defaults).base_url("https://example.invalid");
            if let Some(token) = missing {
                builder = builder.bearer_token(token);
            }
            let err = builder.api_key("not-a-bearer-token").build().unwrap_err();
            assert!(matches!(err, BuildError::MissingBearerToken), "{missing:?}");
        }
        let err = ClientBuilder::<Client>::new(defaults)
            .base_url("https://example.invalid")
            .bearer_token("secret\ntoken")
            .build()
            .unwrap_err();
        assert!(!err.to_string().contains("secret"), "{err}");

        for given in ["s3cr3t-token", "Bearer s3cr3t-token", "bearer s3cr3t-token"] {
            let builder = ClientBuilder::<Client>::new(defaults)
                .base_url("https://example.invalid")
                .bearer_token(given);
            assert!(!format!("{builder:?}").contains("s3cr3t"), "{builder:?}");
            let client = builder.build().unwrap();
            let debug = format!("{client:?}");
            assert!(!debug.contains("s3cr3t"), "{debug}");
            assert!(
                debug.contains("bearer_token: Some(\"<redacted>\")"),
                "{debug}"
            );
            let value = &client.inner().headers[reqwest::header::AUTHORIZATION];
            assert_eq!(value.to_str().unwrap(), "Bearer s3cr3t-token");
            assert!(value.is_sensitive());
            assert!(!format!("{:?}", client.inner().headers).contains("s3cr3t"));
        }
    }
}
