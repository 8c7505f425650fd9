//! Contract tests of the generated clients against Prism.
//!
//! The per-operation code is generated (`contract_calls::generate`, written by `tests/build.rs`
//! into the build folder and `include!`d by the tests): it builds valid
//! arguments, calls the operation through the generated method, and turns the result into an
//! [`Outcome`] with [`outcome`]. This module holds what that code refers to, and the runner:
//! [`Suite::run`] calls every operation through a recording [`Proxy`] in front of Prism and
//! judges each call by its outcome and by Prism's `sl-violations`.
//!
//! Passes, each reported as `contract <api> <pass>: <passed>/<total> operations passed`:
//!
//! * `static`: Prism serves the spec's examples; every operation is called twice, with its
//!   required inputs only and with every optional input set.
//! * `dynamic`: Prism serves schema-random data (objects get random extra properties too);
//!   every operation is called `iterations` times, alternating the input variants.
//! * `errors static` / `errors dynamic`: every documented error status, asked for with
//!   `Prefer: code=<status>`, must come back as the operation's typed error ([`Outcome::Api`]).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::time::{Duration, Instant};

use futures::StreamExt as _;
use openapi_client_runtime as rt;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::prism::{Mode, Prism};
use crate::proxy::{CALL_HEADER, Exchange, Proxy};
use crate::shapes::Shapes;
use crate::specs::{ApiSpec, write_prism_copy};

/// Which inputs a call sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inputs {
    /// The required arguments only, bodies with their required properties only.
    Required,
    /// Every optional input too, bodies with every property the generator can build.
    All,
}

impl Inputs {
    /// Whether optional inputs are set.
    pub fn all(self) -> bool {
        self == Inputs::All
    }

    /// The value for this variant.
    pub fn pick(self, required: &'static str, all: &'static str) -> &'static str {
        if self.all() { all } else { required }
    }
}

/// A contract call in flight; `Err` holds an outcome that ended the call before sending
/// (an argument that did not decode, or could not be built).
pub type Call<'a> = Pin<Box<dyn Future<Output = Result<Outcome, Outcome>> + Send + 'a>>;

/// Decodes a response body of a status into the generated type and serialises it back.
pub type Decode = fn(&str, &[u8]) -> Option<Result<serde_json::Value, rt::DecodeError>>;

/// One operation, as the generated contract code describes it.
pub struct Operation<C: 'static> {
    /// `operationId`.
    pub id: &'static str,
    /// HTTP method.
    pub method: &'static str,
    /// Path template.
    pub path: &'static str,
    /// The explicit statuses the spec documents for the operation.
    pub statuses: &'static [u16],
    /// Calls the operation through the generated method.
    pub call: for<'a> fn(&'a C, Inputs) -> Call<'a>,
    /// Decodes a body of a documented status (`"200"`, `"4XX"`, `"default"`) into the type the
    /// client decodes it into; `None` for a status without a JSON body.
    pub decode: Decode,
}

impl<C> fmt::Debug for Operation<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({} {})", self.id, self.method, self.path)
    }
}

/// How one call ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A 2xx response, decoded into the generated success type.
    Ok,
    /// A documented error status, its body decoded into the generated error type.
    Api {
        /// The status.
        status: u16,
        /// The decoded body, `Debug`-formatted.
        body: String,
    },
    /// A status the spec does not document for the operation.
    UnexpectedStatus {
        /// The status.
        status: u16,
        /// The raw body.
        body: String,
    },
    /// A body that did not decode into its generated type.
    Decode {
        /// The status.
        status: u16,
        /// Where in the body decoding failed.
        path: String,
        /// What was wrong there.
        message: String,
    },
    /// The client refused to build the request.
    Request {
        /// Why.
        message: String,
    },
    /// The request could not be sent, or timed out.
    Transport {
        /// The error and its causes.
        message: String,
    },
    /// A generated argument value did not decode into its Rust type (a contract generator or
    /// type bug).
    BadInput {
        /// The parameter, part, or `body`.
        input: String,
        /// The serde error.
        message: String,
    },
    /// No valid value could be built for a required input.
    Unavailable {
        /// The parameter, part, or `body`.
        input: String,
        /// Why.
        reason: String,
    },
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Ok => f.write_str("ok"),
            Outcome::Api { status, .. } => write!(f, "typed error {status}"),
            Outcome::UnexpectedStatus { status, body } => {
                write!(f, "undocumented status {status}: {}", shorten(body, 300))
            }
            Outcome::Decode {
                status,
                path,
                message,
            } => {
                write!(
                    f,
                    "the {status} body does not decode at `{path}`: {message}"
                )
            }
            Outcome::Request { message } => write!(f, "request not built: {message}"),
            Outcome::Transport { message } => write!(f, "transport: {message}"),
            Outcome::BadInput { input, message } => {
                write!(
                    f,
                    "generated value for `{input}` does not decode: {message}"
                )
            }
            Outcome::Unavailable { input, reason } => write!(f, "no value for `{input}`: {reason}"),
        }
    }
}

/// Decodes a generated argument value (JSON text) into its Rust type.
pub fn value<T: DeserializeOwned>(input: &str, json: &str) -> Result<T, Outcome> {
    serde_json::from_str(json).map_err(|e| Outcome::BadInput {
        input: input.to_owned(),
        message: format!("{e} in {}", shorten(json, 200)),
    })
}

/// A small PDF-looking file for a `format: binary` multipart part.
pub fn file_part(input: &str) -> rt::multipart::FilePart {
    rt::multipart::FilePart::from_bytes(&b"%PDF-1.4\n%contract test\n"[..], format!("{input}.pdf"))
}

/// A few bytes for a binary request body.
pub fn body_bytes() -> rt::bytes::Bytes {
    rt::bytes::Bytes::from_static(b"contract test body")
}

/// The outcome of a required input without a value.
pub fn unavailable(input: &str, reason: &str) -> Outcome {
    Outcome::Unavailable {
        input: input.to_owned(),
        reason: reason.to_owned(),
    }
}

/// The outcome of a generated method's result.
pub fn outcome<T, E: fmt::Debug>(result: Result<T, rt::Error<E>>) -> Outcome {
    match result {
        Ok(_) => Outcome::Ok,
        Err(rt::Error::Api { status, body, .. }) => Outcome::Api {
            status: status.as_u16(),
            body: format!("{body:?}"),
        },
        Err(rt::Error::UnexpectedStatus { status, raw, .. }) => Outcome::UnexpectedStatus {
            status: status.as_u16(),
            body: String::from_utf8_lossy(&raw).into_owned(),
        },
        Err(rt::Error::Decode {
            status,
            path,
            message,
            ..
        }) => Outcome::Decode {
            status: status.as_u16(),
            path,
            message,
        },
        Err(rt::Error::Request { message, .. }) => Outcome::Request { message },
        Err(other) => Outcome::Transport {
            message: error_chain(&other),
        },
    }
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

/// One generated enum, as the generated contract code lists it.
#[derive(Debug, Clone, Copy)]
pub struct EnumCheck {
    /// The Rust type name.
    pub name: &'static str,
    /// Its wire values, from the spec.
    pub values: &'static [&'static str],
    /// Decodes one wire value; `Err` says what went wrong.
    pub decode: fn(&str) -> Result<(), String>,
}

/// Decodes `wire` (a JSON string) into `T`, and checks that it is not the unknown-value
/// fallback (`is_fallback`) and serialises back to the same string.
pub fn enum_value<T: DeserializeOwned + Serialize>(
    wire: &str,
    is_fallback: fn(&T) -> bool,
) -> Result<(), String> {
    let value: T = serde_json::from_value(serde_json::Value::String(wire.to_owned()))
        .map_err(|e| e.to_string())?;
    if is_fallback(&value) {
        return Err("decodes as the unknown-value fallback".to_owned());
    }
    match serde_json::to_value(&value) {
        Ok(serde_json::Value::String(back)) if back == wire => Ok(()),
        Ok(other) => Err(format!("encodes back as {other}")),
        Err(e) => Err(format!("does not encode back: {e}")),
    }
}

/// Decodes `body` into `T` as the client does ([`rt::decode_json`]) and serialises it back.
pub fn round_trip<T: DeserializeOwned + Serialize>(
    body: &[u8],
) -> Result<serde_json::Value, rt::DecodeError> {
    let decoded: T = rt::decode_json(body)?;
    serde_json::to_value(&decoded).map_err(|e| rt::DecodeError {
        path: ".".into(),
        message: format!("decoded, but does not serialise back: {e}"),
    })
}

fn shorten(text: &str, limit: usize) -> String {
    match text.char_indices().nth(limit) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

// ---------------------------------------------------------------------------------------------
// The runner

/// One pass over every operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// Success calls against a static Prism, both input variants.
    Static,
    /// Success calls against a dynamic Prism, `iterations` per operation.
    Dynamic {
        /// Calls per operation.
        iterations: usize,
    },
    /// Every documented error status against a static Prism.
    ErrorsStatic,
    /// Every documented error status against a dynamic Prism.
    ErrorsDynamic,
}

impl fmt::Display for Pass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pass::Static => f.write_str("static"),
            Pass::Dynamic { .. } => f.write_str("dynamic"),
            Pass::ErrorsStatic => f.write_str("errors static"),
            Pass::ErrorsDynamic => f.write_str("errors dynamic"),
        }
    }
}

/// An operation that is known not to pass one pass, and why. The run fails when a listed
/// operation passes after all, so the list cannot go stale.
#[derive(Debug, Clone, Copy)]
pub struct KnownFailure {
    /// `operationId`.
    pub operation: &'static str,
    /// The pass it fails (its `Display` name: `static`, `dynamic`, `errors static`, ...).
    pub pass: &'static str,
    /// Why (a spec bug, a Prism limitation).
    pub reason: &'static str,
}

/// The API and client under test.
pub struct Suite<C: 'static> {
    /// `openapi` or `connect`, for the report.
    pub api: &'static str,
    /// The generated `OPERATIONS`.
    pub operations: &'static [Operation<C>],
    /// The generated `Client::builder`.
    pub builder: fn() -> rt::ClientBuilder<C>,
    /// A key for APIs that require one (Prism checks that it is present, not its value).
    pub api_key: Option<&'static str>,
    /// Operations called at once in static and error passes (the calls of one operation are
    /// made one after another; dynamic passes call one operation at a time).
    pub concurrency: usize,
    /// How long the dynamic calls of one operation may take before it gets no more calls than
    /// the minimum (4).
    pub dynamic_budget: Duration,
}

/// Dynamic calls every operation gets, whatever its time budget says.
const MIN_DYNAMIC_CALLS: usize = 4;

/// How a call is judged.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    Right,
    /// Not the client's fault: why.
    Excused(String),
    Wrong(String),
}

/// A wrong call: what is wrong, and the whole exchange (to reproduce it: dynamic data is
/// random).
#[derive(Debug, Clone)]
pub struct Failure {
    /// What is wrong, with Prism's violations and the start of the bodies.
    pub problem: String,
    /// What the proxy saw.
    pub exchange: Option<Exchange>,
}

/// The result of one pass.
#[derive(Debug, Clone)]
pub struct PassReport {
    /// `openapi` or `connect`.
    pub api: &'static str,
    /// The pass.
    pub pass: Pass,
    /// Number of operations of the API.
    pub total: usize,
    /// Operations called at least once in this pass.
    pub exercised: BTreeSet<&'static str>,
    /// Operations whose every call in this pass was judged right.
    pub passed: BTreeSet<&'static str>,
    /// The first wrong call of each failing operation.
    pub failures: BTreeMap<&'static str, Failure>,
    /// Calls made.
    pub calls: usize,
    /// Violations Prism found in its own responses (its static examples breaking their
    /// schema), by message, with how often each was seen. The client must survive these.
    pub response_violations: BTreeMap<String, usize>,
    /// For dynamic passes: the response shapes the client decoded, of those the schemas allow.
    pub shapes: Option<Shapes>,
    /// Operations that got fewer dynamic calls than planned (time budget): (made, planned).
    pub cut_short: BTreeMap<&'static str, (usize, usize)>,
    /// Dynamic calls not held against the client: Prism's own random response broke the schema
    /// exactly where the client's decoding failed (Prism reports it in `sl-violations`).
    pub excused: BTreeMap<&'static str, Vec<String>>,
}

impl PassReport {
    /// `contract openapi static: 134/134 operations passed (268 calls)`.
    pub fn line(&self) -> String {
        let detail = match self.pass {
            Pass::Dynamic { iterations } => format!(", {iterations} calls per operation"),
            _ => String::new(),
        };
        let shapes = match &self.shapes {
            Some(shapes) => {
                let (seen, possible) = shapes.counts();
                let percent = if possible == 0 {
                    100.0
                } else {
                    seen as f64 * 100.0 / possible as f64
                };
                format!(
                    "; response shapes decoded: {seen}/{possible} ({percent:.1}%: {})",
                    shapes.breakdown()
                )
            }
            None => String::new(),
        };
        format!(
            "contract {} {}: {}/{} operations passed ({}/{} exercised, {} calls{detail}{shapes})",
            self.api,
            self.pass,
            self.passed.len(),
            self.total,
            self.exercised.len(),
            self.total,
            self.calls,
        )
    }
}

/// What one call should end in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Success,
    Error(u16),
}

struct Planned<C: 'static> {
    operation: &'static Operation<C>,
    inputs: Inputs,
    expect: Expect,
    name: String,
}

impl<C: From<rt::Client> + 'static> Suite<C> {
    /// Runs one pass through `proxy` (which forwards to a Prism of the pass's mode); `document`
    /// (the spec) is read to measure the response shapes of dynamic passes.
    pub async fn run(&self, proxy: &Proxy, pass: Pass, document: &serde_json::Value) -> PassReport {
        let groups = group_by_operation(self.plan(pass), pass);
        let budget = match pass {
            Pass::Dynamic { .. } => Some(self.dynamic_budget),
            _ => None,
        };
        let grouped = self.call_groups(proxy, &groups, budget).await;
        let cut_short = calls_cut_short(&groups, &grouped);
        let results: Vec<(&Planned<C>, Outcome)> = grouped.into_iter().flatten().collect();

        let dynamic = matches!(pass, Pass::Dynamic { .. } | Pass::ErrorsDynamic);
        let mut report = PassReport {
            api: self.api,
            pass,
            total: self.operations.len(),
            exercised: BTreeSet::new(),
            passed: self.operations.iter().map(|o| o.id).collect(),
            failures: BTreeMap::new(),
            calls: results.len(),
            response_violations: BTreeMap::new(),
            shapes: dynamic.then(|| self.possible_shapes(document, pass)),
            cut_short,
            excused: BTreeMap::new(),
        };
        let mut good_calls: BTreeMap<&str, usize> = BTreeMap::new();
        for (plan, outcome) in results {
            let exchange = proxy.take(&plan.name);
            let id = plan.operation.id;
            report.record(document, plan, &outcome, exchange.as_ref());
            match judge(plan, &outcome, exchange.as_ref(), dynamic) {
                Verdict::Right => *good_calls.entry(id).or_default() += 1,
                Verdict::Excused(reason) => {
                    report.excused.entry(id).or_default().push(reason);
                }
                Verdict::Wrong(problem) => {
                    report.passed.remove(id);
                    report
                        .failures
                        .entry(id)
                        .or_insert(Failure { problem, exchange });
                }
            }
        }
        report.fail_only_excused(&good_calls);
        // An operation with no documented error status has nothing to check in an error pass.
        if matches!(pass, Pass::ErrorsStatic | Pass::ErrorsDynamic) {
            for operation in self.operations {
                if !operation.statuses.iter().any(|s| *s >= 300) {
                    report.exercised.insert(operation.id);
                }
            }
        }
        report
    }

    /// The calls of a pass, operation by operation: what each call sends (required inputs only,
    /// or all) and what it should end in. Success passes alternate the input variants; error
    /// passes ask for every documented error status.
    fn plan(&self, pass: Pass) -> Vec<(&'static Operation<C>, Inputs, Expect)> {
        let mut planned = Vec::new();
        for operation in self.operations {
            match pass {
                Pass::Static => {
                    for inputs in [Inputs::Required, Inputs::All] {
                        planned.push((operation, inputs, Expect::Success));
                    }
                }
                Pass::Dynamic { iterations } => {
                    for iteration in 0..iterations {
                        let inputs = if iteration % 2 == 0 {
                            Inputs::All
                        } else {
                            Inputs::Required
                        };
                        planned.push((operation, inputs, Expect::Success));
                    }
                }
                Pass::ErrorsStatic | Pass::ErrorsDynamic => {
                    // Random error bodies twice, so that both shapes of a "one or many" body
                    // turn up.
                    let repeat = if pass == Pass::ErrorsDynamic { 2 } else { 1 };
                    for status in operation.statuses.iter().filter(|s| **s >= 300) {
                        for _ in 0..repeat {
                            planned.push((operation, Inputs::Required, Expect::Error(*status)));
                        }
                    }
                }
            }
        }
        planned
    }

    /// Makes the calls of every group, one after the other within a group; returns each group's
    /// calls that were made, with their outcomes. Past `budget`, a group gets no more calls than
    /// [`MIN_DYNAMIC_CALLS`]; with a budget (dynamic passes) groups run one at a time, else
    /// `concurrency` at a time.
    async fn call_groups<'g>(
        &self,
        proxy: &Proxy,
        groups: &'g [Vec<Planned<C>>],
        budget: Option<Duration>,
    ) -> Vec<Vec<(&'g Planned<C>, Outcome)>> {
        futures::stream::iter(groups.iter())
            .map(|group| {
                async move {
                    let started = Instant::now();
                    let mut results = Vec::new();
                    for plan in group {
                        // Some schemas make Prism generate megabytes per response (recursive
                        // ones); past its time budget an operation gets no more calls than the
                        // minimum, which keeps the suite's run time bounded.
                        let over_budget = budget.is_some_and(|b| started.elapsed() > b);
                        if over_budget && results.len() >= MIN_DYNAMIC_CALLS {
                            break;
                        }
                        let client = self.client(proxy, plan);
                        let outcome = match (plan.operation.call)(&client, plan.inputs).await {
                            Ok(outcome) | Err(outcome) => outcome,
                        };
                        results.push((plan, outcome));
                    }
                    results
                }
            })
            // Prism is single-threaded: concurrent dynamic calls would only wait for each other
            // (a large random response blocks it for seconds) and spoil the time budgets.
            .buffer_unordered(if budget.is_some() {
                1
            } else {
                self.concurrency.max(1)
            })
            .collect()
            .await
    }

    /// The shapes of the responses a pass can get: the first 2xx (what Prism answers) or every
    /// documented error status.
    fn possible_shapes(&self, document: &serde_json::Value, pass: Pass) -> Shapes {
        let mut roots = Vec::new();
        for operation in self.operations {
            let statuses: Vec<u16> = match pass {
                Pass::ErrorsStatic | Pass::ErrorsDynamic => operation
                    .statuses
                    .iter()
                    .copied()
                    .filter(|s| *s >= 300)
                    .collect(),
                _ => operation
                    .statuses
                    .iter()
                    .copied()
                    .filter(|s| (200..300).contains(s))
                    .take(1)
                    .collect(),
            };
            for status in statuses {
                let status = status.to_string();
                if let Some(schema) = response_schema(document, operation, &status) {
                    roots.push((format!("{} {status}", operation.id), schema));
                }
            }
        }
        Shapes::new(document, roots)
    }

    fn client(&self, proxy: &Proxy, plan: &Planned<C>) -> C {
        let mut builder = (self.builder)()
            .base_url(proxy.url())
            .reqwest_builder(reqwest::Client::builder().no_proxy())
            .retry(rt::RetryPolicy::none())
            .timeout(Duration::from_secs(60))
            .default_header(CALL_HEADER, plan.name.clone());
        if let Some(key) = self.api_key {
            builder = builder.api_key(key);
        }
        if let Expect::Error(status) = plan.expect {
            builder = builder.default_header("Prefer", format!("code={status}"));
        }
        builder
            .build()
            .unwrap_or_else(|e| panic!("the test client does not build: {e}"))
    }
}

/// Names the planned calls (the name the proxy files each exchange under) and groups them by
/// operation: one group per operation, whose calls are made one after the other while groups
/// may run concurrently ([`Suite::call_groups`]).
fn group_by_operation<C>(
    planned: Vec<(&'static Operation<C>, Inputs, Expect)>,
    pass: Pass,
) -> Vec<Vec<Planned<C>>> {
    let mut groups: Vec<Vec<Planned<C>>> = Vec::new();
    for (index, (operation, inputs, expect)) in planned.into_iter().enumerate() {
        let plan = Planned {
            operation,
            inputs,
            expect,
            name: format!("{}-{pass}-{index}", operation.id).replace(' ', "-"),
        };
        match groups.last_mut() {
            Some(group) if group[0].operation.id == operation.id => group.push(plan),
            _ => groups.push(vec![plan]),
        }
    }
    groups
}

/// The operations whose calls the time budget cut short, so the report can say so:
/// (calls made, calls planned).
fn calls_cut_short<C>(
    groups: &[Vec<Planned<C>>],
    grouped: &[Vec<(&Planned<C>, Outcome)>],
) -> BTreeMap<&'static str, (usize, usize)> {
    let mut cut_short = BTreeMap::new();
    for results in grouped {
        let Some((first, _)) = results.first() else {
            continue;
        };
        let planned = groups
            .iter()
            .find(|g| g[0].operation.id == first.operation.id)
            .map_or(0, Vec::len);
        if results.len() < planned {
            cut_short.insert(first.operation.id, (results.len(), planned));
        }
    }
    cut_short
}

impl PassReport {
    /// Records what one call's exchange shows, whatever its verdict: the operation was
    /// exercised (the request reached the proxy), the response shape the client decoded
    /// (dynamic passes), and the violations Prism found in its own response.
    fn record<C>(
        &mut self,
        document: &serde_json::Value,
        plan: &Planned<C>,
        outcome: &Outcome,
        exchange: Option<&Exchange>,
    ) {
        let id = plan.operation.id;
        if exchange.is_some() {
            self.exercised.insert(id);
        }
        if let (Some(shapes), Some(exchange)) = (&mut self.shapes, exchange) {
            let decoded = matches!(outcome, Outcome::Ok | Outcome::Api { .. });
            let status = exchange.status.to_string();
            let schema = response_schema(document, plan.operation, &status);
            let body = serde_json::from_slice::<serde_json::Value>(&exchange.response_body);
            if let (true, Some(schema), Ok(body)) = (decoded, schema, body) {
                shapes.observe(document, &format!("{id} {status}"), schema, &body);
            }
        }
        for violation in exchange
            .iter()
            .flat_map(|e| e.violations.iter())
            .filter(|v| !v.in_request())
        {
            *self
                .response_violations
                .entry(format!("{id}: {violation}"))
                .or_default() += 1;
        }
    }

    /// Fails every operation that passed only because all its calls were excused (none was
    /// judged right, per `good_calls`): it has not shown the client works.
    fn fail_only_excused(&mut self, good_calls: &BTreeMap<&str, usize>) {
        for (id, reasons) in &self.excused {
            if !good_calls.contains_key(id) && self.passed.remove(id) {
                let problem = format!("every call was excused: {}", reasons[0]);
                self.failures.insert(
                    id,
                    Failure {
                        problem,
                        exchange: None,
                    },
                );
            }
        }
    }
}

/// The JSON schema of `operation`'s response with `status` in `document`.
fn response_schema<'d, C>(
    document: &'d serde_json::Value,
    operation: &Operation<C>,
    status: &str,
) -> Option<&'d serde_json::Value> {
    let responses = document
        .get("paths")?
        .get(operation.path)?
        .get(operation.method.to_lowercase())?
        .get("responses")?;
    let response = responses.get(status).or_else(|| responses.get("default"))?;
    let response = codegen::Resolver::new(document).resolve(response).value?;
    let content = response.get("content")?.as_object()?;
    content
        .iter()
        .find(|(media, _)| codegen::is_json_media_type(media))
        .and_then(|(_, media)| media.get("schema"))
}

/// Whether the call is right; if not, what is wrong, with what Prism said. With `excuse_prism`,
/// a decode error exactly where Prism says its own response breaks the schema is excused.
fn judge<C>(
    plan: &Planned<C>,
    outcome: &Outcome,
    exchange: Option<&Exchange>,
    excuse_prism: bool,
) -> Verdict {
    let request_violations: Vec<String> = exchange
        .map(|e| e.request_violations().map(ToString::to_string).collect())
        .unwrap_or_default();
    let right_outcome = match plan.expect {
        Expect::Success => *outcome == Outcome::Ok,
        Expect::Error(expected) => {
            matches!(outcome, Outcome::Api { status, .. } if *status == expected)
        }
    };
    if right_outcome && request_violations.is_empty() {
        return Verdict::Right;
    }
    if let (true, true, Outcome::Decode { path, message, .. }, Some(exchange)) = (
        excuse_prism,
        request_violations.is_empty(),
        outcome,
        exchange,
    ) {
        let at = path_segments(path);
        let flagged = exchange
            .violations
            .iter()
            .find(|v| !v.in_request() && v.location.get(2..) == Some(&at[..]));
        if let Some(violation) = flagged {
            return Verdict::Excused(format!("Prism's response: {violation}; client: {message}"));
        }
    }
    let wanted = match plan.expect {
        Expect::Success => "success".to_owned(),
        Expect::Error(status) => format!("typed error {status}"),
    };
    let mut problem = format!("{:?} inputs, wanted {wanted}, got {outcome}", plan.inputs);
    if !request_violations.is_empty() {
        problem.push_str(&format!("; Prism: {}", request_violations.join("; ")));
    }
    match exchange {
        Some(exchange) => problem.push_str(&format!(
            "\n      {} {} {} -> {} {}",
            exchange.method,
            exchange.target,
            shorten(&String::from_utf8_lossy(&exchange.request_body), 300),
            exchange.status,
            shorten(&String::from_utf8_lossy(&exchange.response_body), 300),
        )),
        None => problem.push_str(" (the request never reached the proxy)"),
    }
    Verdict::Wrong(problem)
}

/// A decode path (`result[0].address.street`, `.` for the root) as the segments of a Prism
/// location after `response.body` (`["result", "0", "address", "street"]`).
fn path_segments(path: &str) -> Vec<String> {
    path.split(['.', '[', ']'])
        .filter(|segment| !segment.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Prints every report and its failures, and the response violations of static passes; returns
/// the failures that are not known, and the known failures that did not happen (stale).
pub fn summarise(reports: &[PassReport], known: &[KnownFailure]) -> Vec<String> {
    let mut problems = Vec::new();
    for report in reports {
        println!("{}", report.line());
        let pass = report.pass.to_string();
        for (operation, Failure { problem, .. }) in &report.failures {
            match known
                .iter()
                .find(|k| k.operation == *operation && k.pass == pass)
            {
                Some(known) => {
                    println!("  known failure {operation}: {} ({problem})", known.reason)
                }
                None => {
                    println!("  FAILED {operation}: {problem}");
                    problems.push(format!("{} {pass}: {operation}: {problem}", report.api));
                }
            }
        }
        for known in known.iter().filter(|k| k.pass == pass) {
            if report.passed.contains(known.operation) {
                problems.push(format!(
                    "{} {pass}: {} is listed as a known failure ({}) but passed: remove it from the list",
                    report.api, known.operation, known.reason
                ));
            }
        }
        for (operation, (made, planned)) in &report.cut_short {
            println!(
                "  {operation}: {made} of {planned} calls (time budget; Prism is slow to generate its responses)"
            );
        }
        for (operation, reasons) in &report.excused {
            println!(
                "  {operation}: {} calls excused, e.g. {}",
                reasons.len(),
                reasons[0]
            );
        }
        if let Some(shapes) = &report.shapes {
            let unseen: Vec<&String> = shapes.unseen().collect();
            if !unseen.is_empty() {
                let listed: Vec<&str> = unseen.iter().take(12).map(|s| s.as_str()).collect();
                println!(
                    "  {} response shapes never decoded in this pass, e.g. {}",
                    unseen.len(),
                    listed.join(", ")
                );
            }
        }
        if !report.response_violations.is_empty() {
            let total: usize = report.response_violations.values().sum();
            println!(
                "  Prism found {total} violations in its own {} responses (spec examples or data breaking the schema; the client decoded them):",
                report.pass
            );
            for (violation, count) in &report.response_violations {
                println!("    {count:>4} x {violation}");
            }
        }
    }
    problems
}

// ---------------------------------------------------------------------------------------------
// Servers

/// A static and a dynamic Prism for one spec, each behind a recording proxy.
#[derive(Debug)]
pub struct Servers {
    /// `prism mock` (the spec's examples).
    pub static_prism: Prism,
    /// `prism mock -d --seed <seed>` (schema-random data).
    pub dynamic_prism: Prism,
    /// The spec (unmodified), to read response schemas from.
    pub document: serde_json::Value,
    /// Where the Prism copy of the spec, Prism's logs and failure records go.
    pub work_dir: std::path::PathBuf,
}

impl Servers {
    /// Writes the Prism copy of `spec` (see [`write_prism_copy`]) into `work_dir` and starts
    /// both servers at once.
    pub fn start(spec: &ApiSpec, work_dir: &Path) -> Servers {
        let document = write_prism_copy(spec, work_dir);
        std::thread::scope(|scope| {
            let dynamic = scope.spawn(|| {
                Prism::start(
                    &document,
                    Mode::Dynamic,
                    work_dir,
                    &format!("{}-dynamic", spec.name),
                )
            });
            let static_prism = Prism::start(
                &document,
                Mode::Static,
                work_dir,
                &format!("{}-static", spec.name),
            );
            let dynamic_prism = dynamic
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            Servers {
                static_prism,
                dynamic_prism,
                document: spec.json(),
                work_dir: work_dir.to_owned(),
            }
        })
    }
}

/// How many dynamic calls each operation gets: `$CONTRACT_ITERATIONS`, else `default`.
pub fn iterations(default: usize) -> usize {
    std::env::var("CONTRACT_ITERATIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

impl<C: From<rt::Client> + 'static> Suite<C> {
    /// Every pass (static, errors static, dynamic, errors dynamic) through fresh proxies in
    /// front of `servers`; prints the coverage lines and fails listing every unexpected
    /// failure.
    pub async fn run_all(&self, servers: &Servers, iterations: usize, known: &[KnownFailure]) {
        let static_proxy = Proxy::start(servers.static_prism.url()).await;
        let dynamic_proxy = Proxy::start(servers.dynamic_prism.url()).await;
        let mut reports = Vec::new();
        for (proxy, pass) in [
            (&static_proxy, Pass::Static),
            (&static_proxy, Pass::ErrorsStatic),
            (&dynamic_proxy, Pass::Dynamic { iterations }),
            (&dynamic_proxy, Pass::ErrorsDynamic),
        ] {
            let started = std::time::Instant::now();
            let report = self.run(proxy, pass, &servers.document).await;
            println!(
                "({} {pass} took {:.1} s)",
                self.api,
                started.elapsed().as_secs_f64()
            );
            reports.push(report);
        }
        let problems = summarise(&reports, known);
        let record = servers
            .work_dir
            .join(format!("contract-{}-failures.txt", self.api));
        write_failures(&record, &reports);
        let unseen: Vec<String> = reports
            .iter()
            .filter_map(|r| r.shapes.as_ref().map(|shapes| (r.pass, shapes)))
            .flat_map(|(pass, shapes)| shapes.unseen().map(move |shape| format!("{pass}: {shape}")))
            .collect();
        let unseen_record = servers
            .work_dir
            .join(format!("contract-{}-unseen-shapes.txt", self.api));
        if let Err(e) = std::fs::write(&unseen_record, unseen.join("\n")) {
            println!("cannot write {}: {e}", unseen_record.display());
        } else if !unseen.is_empty() {
            println!(
                "({} response shapes never decoded are listed in {})",
                unseen.len(),
                unseen_record.display()
            );
        }
        assert!(
            problems.is_empty(),
            "{} contract failures (whole exchanges: {}; Prism logs: {}, {}):\n{}",
            problems.len(),
            record.display(),
            servers.static_prism.log_path().display(),
            servers.dynamic_prism.log_path().display(),
            problems.join("\n")
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Negative checks

/// Replaces the first scalar (string, number, boolean) nested at least two levels deep in a
/// JSON document with an object, which no typed scalar field accepts; returns the new document
/// and the path of the replaced value as the runtime names paths in [`rt::DecodeError`]
/// (`result[0].address.street`). `None` when the body is not JSON or has no such scalar.
pub fn break_first_nested_scalar(body: &[u8]) -> Option<(Vec<u8>, String)> {
    fn visit(value: &mut serde_json::Value, path: String, depth: usize) -> Option<String> {
        match value {
            serde_json::Value::Object(object) => object.iter_mut().find_map(|(key, child)| {
                let child_path = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                visit(child, child_path, depth + 1)
            }),
            serde_json::Value::Array(items) => items
                .iter_mut()
                .enumerate()
                .find_map(|(index, child)| visit(child, format!("{path}[{index}]"), depth + 1)),
            serde_json::Value::Null => None,
            scalar if depth >= 2 => {
                *scalar = serde_json::json!({"not": "what the schema says"});
                Some(path)
            }
            _ => None,
        }
    }
    let mut document: serde_json::Value = serde_json::from_slice(body).ok()?;
    let path = visit(&mut document, String::new(), 0)?;
    Some((serde_json::to_vec(&document).ok()?, path))
}

/// Writes every failure with its whole exchange to `path` (dynamic data is random: this is
/// what reproduces a failure), or removes the file when there is none.
fn write_failures(path: &Path, reports: &[PassReport]) {
    let mut text = String::new();
    for report in reports {
        for (operation, failure) in &report.failures {
            text.push_str(&format!(
                "== {} {} {operation}\n{}\n",
                report.api, report.pass, failure.problem
            ));
            if let Some(exchange) = &failure.exchange {
                text.push_str(&format!(
                    "-- request {} {}\n{}\n-- response {} (violations: {:?})\n{}\n\n",
                    exchange.method,
                    exchange.target,
                    String::from_utf8_lossy(&exchange.request_body),
                    exchange.status,
                    exchange
                        .violations
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>(),
                    String::from_utf8_lossy(&exchange.response_body),
                ));
            }
        }
    }
    if text.is_empty() {
        let _ = std::fs::remove_file(path);
    } else if let Err(e) = std::fs::write(path, text) {
        println!("cannot write {}: {e}", path.display());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_nested_scalar_is_broken_and_named_like_the_runtime_names_paths() {
        let body = br#"{"id": 1, "address": {"street": "Main", "zip": 1}, "list": [{"a": true}]}"#;
        let (broken, path) = break_first_nested_scalar(body).unwrap();
        assert_eq!(path, "address.street");
        let broken: serde_json::Value = serde_json::from_slice(&broken).unwrap();
        assert!(broken["address"]["street"].is_object());
        let (_, path) = break_first_nested_scalar(br#"[{"items": [7]}]"#).unwrap();
        assert_eq!(path, "[0].items[0]");
        assert_eq!(break_first_nested_scalar(br#"{"id": 1}"#), None);
    }

    #[test]
    fn outcomes_name_what_went_wrong() {
        let decode = Outcome::Decode {
            status: 200,
            path: "a.b".into(),
            message: "invalid type".into(),
        };
        assert_eq!(
            decode.to_string(),
            "the 200 body does not decode at `a.b`: invalid type"
        );
        assert_eq!(Inputs::All.pick("r", "a"), "a");
        assert_eq!(Inputs::Required.pick("r", "a"), "r");
        assert!(matches!(
            value::<i64>("id", "\"x\""),
            Err(Outcome::BadInput { .. })
        ));
    }
}
