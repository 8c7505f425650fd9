//! What the mock server remembers (expectations, requests, how each was answered) and the
//! reports made from it: why a request matched nothing, which expectations were not met.

use std::fmt::{self, Write as _};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use wiremock::Request;

use super::check::{Check, excerpt};
use super::{Scenario, Times};

/// State shared by the server's observers and every mounted expectation.
#[derive(Default)]
pub(crate) struct Shared {
    expectations: Mutex<Vec<Arc<Registered>>>,
    arrivals: Mutex<Vec<Arrival>>,
}

/// A mounted expectation.
pub(crate) struct Registered {
    /// 1-based, in mounting order; reports call it `#n`.
    pub(crate) number: usize,
    /// `getCustomer (GET /v1/customers/42)`, or the name given with `named`.
    pub(crate) label: String,
    pub(crate) checks: Vec<Check>,
    /// The answer, in words.
    pub(crate) answer: String,
    pub(crate) expected: Option<Times>,
    pub(crate) limit: Option<u64>,
    pub(crate) calls: AtomicU64,
    pub(crate) transition: Option<(Scenario, String)>,
}

impl Registered {
    pub(crate) fn matches(&self, request: &Request) -> bool {
        self.checks
            .iter()
            .all(|check| check.mismatch(request).is_none())
    }

    fn same_operation(&self, request: &Request) -> bool {
        self.checks
            .iter()
            .all(|check| check.same_operation(request))
    }

    fn mismatches(&self, request: &Request) -> Vec<String> {
        let mut mismatches: Vec<String> = self
            .checks
            .iter()
            .filter_map(|check| check.mismatch(request))
            .collect();
        let calls = self.calls.load(Ordering::SeqCst);
        if let Some(limit) = self.limit.filter(|limit| calls >= *limit) {
            mismatches.push(format!(
                "already answered {calls} call(s), its limit (`up_to_n_times({limit})`)"
            ));
        }
        mismatches
    }

    /// `#2 createAmendment (POST /v1/...) where body = ...`, on one or more lines.
    fn describe(&self) -> String {
        let mut text = format!("#{} {}", self.number, self.label);
        let conditions: Vec<String> = self.checks.iter().filter_map(Check::describe).collect();
        if !conditions.is_empty() {
            let _ = write!(text, " where {}", conditions.join(", "));
        }
        text
    }
}

struct Arrival {
    /// `POST /v1/customers/42/...?query`.
    line: String,
    body: Option<String>,
    outcome: Outcome,
}

enum Outcome {
    /// Being handled.
    Pending,
    /// By expectation `#n`.
    Answered(usize),
    /// Nothing matched; why.
    Unmatched(String),
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking matcher must not hide the report of everything else.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn request_line(request: &Request) -> String {
    match request.url.query() {
        Some(query) => format!("{} {}?{query}", request.method, request.url.path()),
        None => format!("{} {}", request.method, request.url.path()),
    }
}

fn indent(text: &str, prefix: &str) -> String {
    text.lines()
        .collect::<Vec<_>>()
        .join(&format!("\n{prefix}"))
}

impl Shared {
    pub(crate) fn register(&self, build: impl FnOnce(usize) -> Registered) -> Arc<Registered> {
        let mut expectations = lock(&self.expectations);
        let registered = Arc::new(build(expectations.len() + 1));
        expectations.push(Arc::clone(&registered));
        registered
    }

    /// Every request, before any expectation looks at it.
    pub(crate) fn record(&self, request: &Request) {
        let body =
            (!request.body.iter().all(u8::is_ascii_whitespace)).then(|| excerpt(&request.body));
        lock(&self.arrivals).push(Arrival {
            line: request_line(request),
            body,
            outcome: Outcome::Pending,
        });
    }

    /// `registered` answers the request being handled (the server handles one at a time).
    pub(crate) fn answered(&self, registered: &Registered) {
        registered.calls.fetch_add(1, Ordering::SeqCst);
        if let Some((scenario, state)) = &registered.transition {
            scenario.set_state(state.clone());
        }
        if let Some(arrival) = lock(&self.arrivals).last_mut() {
            arrival.outcome = Outcome::Answered(registered.number);
        }
    }

    /// No expectation matched the request being handled: remembers why, and returns it.
    pub(crate) fn unmatched(&self, request: &Request) -> String {
        let diagnosis = self.diagnose(request);
        if let Some(arrival) = lock(&self.arrivals).last_mut() {
            arrival.outcome = Outcome::Unmatched(diagnosis.clone());
        }
        diagnosis
    }

    fn diagnose(&self, request: &Request) -> String {
        let expectations: Vec<Arc<Registered>> = lock(&self.expectations).clone();
        let mut text = format!("no expectation matched {}", request_line(request));
        if !request.body.iter().all(u8::is_ascii_whitespace) {
            let _ = write!(text, "\n  body: {}", excerpt(&request.body));
        }
        if expectations.is_empty() {
            text.push_str("\n  (no expectations are mounted)");
            return text;
        }
        let same: Vec<&Arc<Registered>> = expectations
            .iter()
            .filter(|e| e.same_operation(request))
            .collect();
        if same.is_empty() {
            text.push_str("\n  no expectation has this method and path; mounted are:");
            for expectation in &expectations {
                let _ = write!(text, "\n  - {}", indent(&expectation.describe(), "    "));
            }
            return text;
        }
        text.push_str("\n  expectations for this method and path, and why they did not match:");
        for expectation in same {
            let _ = write!(text, "\n  - {}", indent(&expectation.describe(), "    "));
            for mismatch in expectation.mismatches(request) {
                let _ = write!(text, "\n    but {}", indent(&mismatch, "      "));
            }
        }
        text
    }

    /// Every problem so far: unmatched requests, expectations called too often or too rarely.
    pub(crate) fn check(&self) -> Result<(), VerifyError> {
        let expectations: Vec<Arc<Registered>> = lock(&self.expectations).clone();
        let arrivals = lock(&self.arrivals);
        let mut problems = Vec::new();
        for (index, arrival) in arrivals.iter().enumerate() {
            if let Outcome::Unmatched(diagnosis) = &arrival.outcome {
                problems.push(format!("request #{}: {diagnosis}", index + 1));
            }
        }
        for expectation in &expectations {
            let calls = expectation.calls.load(Ordering::SeqCst);
            if let Some(times) = expectation.expected.filter(|times| !times.contains(calls)) {
                problems.push(format!(
                    "expectation {}\n  expected {times}, received {calls}",
                    indent(&expectation.describe(), "  ")
                ));
            }
        }
        if problems.is_empty() {
            return Ok(());
        }
        let mut context = String::from("Expectations:");
        if expectations.is_empty() {
            context.push_str(" none");
        }
        for expectation in &expectations {
            let calls = expectation.calls.load(Ordering::SeqCst);
            let _ = write!(
                context,
                "\n  {}\n    answers {}; called {calls} time(s)",
                indent(&expectation.describe(), "    "),
                expectation.answer
            );
        }
        context.push_str("\nRequests received, in order:");
        if arrivals.is_empty() {
            context.push_str(" none");
        }
        for (index, arrival) in arrivals.iter().enumerate() {
            let outcome = match &arrival.outcome {
                Outcome::Pending => "not answered yet".to_owned(),
                Outcome::Answered(number) => format!("answered by #{number}"),
                Outcome::Unmatched(_) => "matched no expectation".to_owned(),
            };
            let _ = write!(context, "\n  #{} {} -> {outcome}", index + 1, arrival.line);
            if let Some(body) = &arrival.body {
                let _ = write!(context, "\n    body: {}", indent(body, "    "));
            }
        }
        Err(VerifyError { problems, context })
    }

    pub(crate) fn clear(&self) {
        lock(&self.expectations).clear();
        lock(&self.arrivals).clear();
    }
}

/// What [`MockServer::check`](super::MockServer::check) found wrong: requests that matched no
/// expectation (with why each expectation for the same method and path did not match), and
/// expectations whose call count is off. Its `Display` lists them, then every expectation and
/// every request received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyError {
    problems: Vec<String>,
    context: String,
}

impl VerifyError {
    /// One text per problem.
    pub fn problems(&self) -> &[String] {
        &self.problems
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "the mock server found {} problem(s):",
            self.problems.len()
        )?;
        for (index, problem) in self.problems.iter().enumerate() {
            writeln!(f, "\n{}. {}", index + 1, indent(problem, "   "))?;
        }
        write!(f, "\n{}", self.context)
    }
}

impl std::error::Error for VerifyError {}
