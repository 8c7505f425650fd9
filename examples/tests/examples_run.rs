//! Runs every example program, as built by cargo, against the Prism mock server of its spec
//! (static mode: the spec's own examples), and checks that it exits 0 and says what it did.
//!
//! Prism validates each request against the spec, so an example that sends a wrong body or
//! leaves out the API key fails here. Needs Prism: `cargo xtask install-prism` (`cargo xtask
//! test` runs it first); the harness is `workspace_tests::prism`.
//!
//! Prism's examples fix what the server says, and for self-service they say `READ` with a
//! pending amendment in every domain, which the documented rules answer with "submit nothing".
//! Two more setups reach the other paths of `self_service`:
//!
//! * the recording proxy of `workspace_tests::proxy` in front of Prism rewrites those answers
//!   into "changes allowed, nothing pending", so the amendment is submitted, to Prism;
//! * the typed mock server of `magicline::mock` answers the submission with a `409`, which
//!   Prism cannot be made to do for one request of a run.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use bytes::Bytes;
use magicline::mock::MockServer;
use magicline::models;
use workspace_tests::prism::{Mode, Prism};
use workspace_tests::proxy::{Proxy, Tamper};
use workspace_tests::specs::{ApiSpec, CONNECT, OPENAPI, write_prism_copy};

const SELF_SERVICE: &str = env!("CARGO_BIN_EXE_self_service");
const COMMUNICATIONS: &str = env!("CARGO_BIN_EXE_communications");
const EXPORT_CUSTOMERS: &str = env!("CARGO_BIN_EXE_export_customers");
const CONTRACT_CONCLUSION: &str = env!("CARGO_BIN_EXE_contract_conclusion");

/// How long one example run may take before the test gives up on it.
const RUN_TIMEOUT: Duration = Duration::from_secs(120);

// ---------------------------------------------------------------------------------------------
// Self-service

/// Each domain, with a change to propose.
const DOMAINS: [(&str, &[&str]); 4] = [
    ("contact", &["--email", "new@example.com"]),
    (
        "address",
        &[
            "--street",
            "Raboisen",
            "--house-number",
            "3",
            "--zip-code",
            "20095",
        ],
    ),
    (
        "master-data",
        &["--last-name", "Mustermann", "--date-of-birth", "1990-04-01"],
    ),
    (
        "payment",
        &["--iban", "DE02120300000000202051", "--bic", "BYLADEM1001"],
    ),
];

#[test]
fn self_service_shows_the_pending_amendment_and_submits_nothing() {
    for (domain, change) in DOMAINS {
        let run = run_example(
            SELF_SERVICE,
            &open_api_args(&["--customer-id", "1", domain], change),
        );
        run.assert_success();
        run.assert_stdout_contains("(amendment configuration: READ)");
        run.assert_stdout_contains("pending amendment ");
        run.assert_stdout_contains("not submitting: the studio offers no changes");
        assert!(!run.stdout.contains("submitted amendment"), "{run}");
    }
}

#[test]
fn self_service_withdraws_the_pending_or_a_given_amendment() {
    let run = run_example(
        SELF_SERVICE,
        &open_api_args(&["--customer-id", "1", "contact", "--withdraw"], &[]),
    );
    run.assert_success();
    run.assert_stdout_contains("withdrew amendment ");
    // Fetched again after the withdrawal.
    assert_eq!(
        run.stdout.matches("contact data of customer 1").count(),
        2,
        "{run}"
    );

    let run = run_example(
        SELF_SERVICE,
        &open_api_args(
            &["--customer-id", "1", "address", "--withdraw", "4711"],
            &[],
        ),
    );
    run.assert_success();
    run.assert_stdout_contains("withdrew amendment 4711");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn self_service_submits_when_the_studio_allows_changes() {
    // Starting Prism blocks for seconds: not on a runtime worker.
    let prism = tokio::task::spawn_blocking(|| open_api_prism().url())
        .await
        .expect("Prism starts");
    let proxy = Proxy::start(prism).await;
    let signature = signature_file();
    let signature = signature
        .path()
        .to_str()
        .expect("temporary paths are UTF-8");
    let args = |domain: &str, change: &[&str], signed: bool| {
        let mut args = vec![
            "--base-url".to_owned(),
            proxy.url(),
            "--customer-id".into(),
            "1".into(),
        ];
        args.push(domain.into());
        args.extend(change.iter().map(|arg| arg.to_string()));
        if signed {
            args.extend(["--signature-svg".into(), signature.into()]);
        }
        args
    };

    for (status, says) in [
        (
            "CHANGES_REQUIRE_VERIFICATION",
            "are queued for the studio's approval",
        ),
        ("CHANGES_WITHOUT_VERIFICATION", "apply at once"),
    ] {
        proxy.set_tamper(Some(studio_allows_changes(status, Pending::Drop)));
        for (domain, change) in DOMAINS {
            let run =
                run_example_async(SELF_SERVICE, args(domain, change, domain == "payment")).await;
            run.assert_success();
            run.assert_stdout_contains(says);
            run.assert_stdout_contains("no pending amendment");
            run.assert_stdout_contains("submitted amendment ");
            // Fetched again after the submission.
            let reads = run
                .stdout
                .matches(" of customer 1 (amendment configuration")
                .count();
            assert_eq!(reads, 2, "{run}");
        }
    }

    // The studio wants a signature with payment data changes (Prism's example says
    // `requireSignature: true`): without one, nothing is sent and the program says why.
    let (_, change) = DOMAINS[3];
    let run = run_example_async(SELF_SERVICE, args("payment", change, false)).await;
    assert!(!run.status.success(), "{run}");
    run.assert_stderr_contains("pass --signature-svg FILE");
    assert!(!run.stdout.contains("submitted amendment"), "{run}");

    // Changes allowed, but one is still waiting: shown, nothing new submitted.
    proxy.set_tamper(Some(studio_allows_changes(
        "CHANGES_REQUIRE_VERIFICATION",
        Pending::Keep,
    )));
    let (_, change) = DOMAINS[0];
    let run = run_example_async(SELF_SERVICE, args("contact", change, false)).await;
    run.assert_success();
    run.assert_stdout_contains("pending amendment ");
    run.assert_stdout_contains("is still waiting for the studio (withdraw it with --withdraw)");
    assert!(!run.stdout.contains("submitted amendment"), "{run}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn self_service_handles_a_409_by_showing_what_is_pending() {
    use models::OpenApiV1CustomerDataDtoCustomerContactDataAmendmentConfigurationStatus as ContactStatus;

    let mock = MockServer::start().await;
    let contact_data = |pending| {
        let mut data = models::OpenApiV1CustomerDataDtoCustomerContactData::new(
            ContactStatus::ChangesRequireVerification,
        )
        .with_email("old@example.com")
        .with_phone_private_mobile("+49 151 0000000");
        data.pending_amendment = pending;
        data
    };
    let service = mock.customers_self_service();
    // First read: nothing pending. Meanwhile another device submits a change, so the POST is
    // refused and the second read shows that change.
    service
        .get_customer_contact_data(7)
        .returns(&contact_data(None))
        .up_to_n_times(1)
        .expect(1)
        .await;
    let expected_change = models::CustomerContactData::default()
        .with_email("new@example.com")
        .with_phone_private_mobile("+49 151 0000000");
    service
        .create_customer_contact_data_amendment(7, &expected_change)
        .fails(
            409,
            &models::ErrorResponse::default().with_error_message("An amendment is already pending"),
        )
        .expect(1)
        .await;
    let pending = models::OpenApiV1CustomerDataPendingAmendmentDtoCustomerContactData::default()
        .with_id(99)
        .with_email("other@example.com");
    service
        .get_customer_contact_data(7)
        .returns(&contact_data(Some(pending)))
        .expect(1)
        .await;

    let args = [
        "--base-url",
        &mock.uri(),
        "--customer-id",
        "7",
        "contact",
        "--email",
        "new@example.com",
    ];
    let run = run_example_async(
        SELF_SERVICE,
        args.iter().map(|arg| arg.to_string()).collect(),
    )
    .await;
    run.assert_success();
    run.assert_stdout_contains("not submitted: the server answered 409");
    run.assert_stdout_contains("the server said: An amendment is already pending");
    run.assert_stdout_contains("pending amendment 99, waiting for the studio:");
    run.assert_stdout_contains("  email: other@example.com");
    mock.verify();
}

#[test]
fn open_api_examples_need_the_api_key() {
    let args = open_api_args(&["--customer-id", "1", "contact"], &[]);
    let run = run_with_env(SELF_SERVICE, &args, None);
    assert!(!run.status.success(), "{run}");
    run.assert_stderr_contains("set MAGICLINE_API_KEY");
}

// ---------------------------------------------------------------------------------------------
// Communications

#[test]
fn communications_changes_a_preference_and_reads_it_again() {
    let run = run_example(
        COMMUNICATIONS,
        &open_api_args(
            &["--customer-id", "1", "preferences"],
            &["--category", "contract", "--disable", "letter"],
        ),
    );
    run.assert_success();
    run.assert_stdout_contains("  CONTRACT: LETTER on");
    run.assert_stdout_contains("updated: CONTRACT by LETTER is now off");
    assert_eq!(
        run.stdout
            .matches("communication preferences of customer 1:")
            .count(),
        2,
        "{run}"
    );
}

#[test]
fn communications_replies_in_the_thread_it_opened() {
    let message = [
        "--subject",
        "Two invoices",
        "--text",
        "I was charged twice.",
        "--agent",
        "Peter Meyer",
    ];
    let run = run_example(
        COMMUNICATIONS,
        &open_api_args(
            &["--customer-id", "1", "message"],
            &[&message[..], &["--reply", "We refunded one."]].concat(),
        ),
    );
    run.assert_success();
    run.assert_stdout_contains("opened thread 1 with message 1");
    run.assert_stdout_contains("replied in thread 1 with message 1");

    let run = run_example(
        COMMUNICATIONS,
        &open_api_args(
            &[
                "--customer-id",
                "1",
                "message",
                "--thread-id",
                "1",
                "--close",
            ],
            &message,
        ),
    );
    run.assert_success();
    run.assert_stdout_contains("added message 1 to thread 1");
}

// ---------------------------------------------------------------------------------------------
// Sliced export

#[test]
fn export_writes_json_lines_and_stops_on_a_repeated_cursor() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("customers.jsonl");
    let output = file.to_str().expect("temporary paths are UTF-8");

    // Prism's example slice says `hasNext: true` with the same `offset` every time. Two
    // customers take two requests: the second one sent with the first slice's offset.
    let run = run_example(
        EXPORT_CUSTOMERS,
        &open_api_args(&["--limit", "2", "--output", output], &[]),
    );
    run.assert_success();
    run.assert_stderr_contains("exported 2 customers");
    assert_json_lines(&file, 2);

    // Without a limit the third request would repeat the second: the stream stops with an
    // error instead of looping, and the program fails, keeping what it wrote.
    let run = run_example(
        EXPORT_CUSTOMERS,
        &open_api_args(&["--output", output, "--status", "prospect"], &[]),
    );
    assert!(!run.status.success(), "{run}");
    run.assert_stderr_contains("the export stopped after 2 customers");
    run.assert_stderr_contains("a second time");
    assert_json_lines(&file, 2);
}

fn assert_json_lines(file: &Path, count: usize) {
    let text = std::fs::read_to_string(file)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), count, "{text}");
    for line in lines {
        let customer: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(customer["id"].is_i64(), "{line}");
    }
}

// ---------------------------------------------------------------------------------------------
// Contract conclusion (Connect API)

const CUSTOMER: &[&str] = &[
    "--first-name",
    "Erika",
    "--last-name",
    "Mustermann",
    "--email",
    "erika@example.com",
];

const ADDRESS: &[&str] = &[
    "--date-of-birth",
    "1990-04-01",
    "--street",
    "Raboisen",
    "--house-number",
    "3-4",
    "--zip-code",
    "20095",
    "--city",
    "Hamburg",
    "--country-code",
    "DE",
];

#[test]
fn contract_conclusion_lists_studios_and_creates_a_contract() {
    let run = run_example(
        CONTRACT_CONCLUSION,
        &connect_args(&["studios", "--search", "Ham"]),
    );
    run.assert_success();
    run.assert_stdout_contains("studios:");

    let signature = signature_file();
    let signature = signature
        .path()
        .to_str()
        .expect("temporary paths are UTF-8");
    let contract = [
        &["contract", "--accept-terms", "--signature-svg", signature][..],
        CUSTOMER,
        ADDRESS,
    ]
    .concat();
    let run = run_example(CONTRACT_CONCLUSION, &connect_args(&contract));
    run.assert_success();
    run.assert_stdout_contains("rate bundles of studio ");
    run.assert_stdout_contains("choosing term ");
    run.assert_stdout_contains("created customer ");

    // Prism's offer has a text block that needs the customer's confirmation.
    let contract = [
        &["contract", "--signature-svg", signature][..],
        CUSTOMER,
        ADDRESS,
    ]
    .concat();
    let run = run_example(CONTRACT_CONCLUSION, &connect_args(&contract));
    assert!(!run.status.success(), "{run}");
    run.assert_stderr_contains("pass --accept-terms");
    assert!(!run.stdout.contains("created customer"), "{run}");
}

#[test]
fn contract_conclusion_books_a_trial_session() {
    let run = run_example(
        CONTRACT_CONCLUSION,
        &connect_args(&[&["trial-session"][..], CUSTOMER].concat()),
    );
    run.assert_success();
    run.assert_stdout_contains("free slots from ");
    run.assert_stdout_contains("choosing the first slot");
    run.assert_stdout_contains("booked trial session ");
}

// ---------------------------------------------------------------------------------------------
// Support

/// One static Prism per API for all tests of this binary. Statics are never dropped: the
/// servers stop when this process exits, through the watchdog `Prism::start` puts around each.
fn open_api_prism() -> &'static Prism {
    static PRISM: OnceLock<Prism> = OnceLock::new();
    PRISM.get_or_init(|| start_prism(&OPENAPI))
}

fn connect_prism() -> &'static Prism {
    static PRISM: OnceLock<Prism> = OnceLock::new();
    PRISM.get_or_init(|| start_prism(&CONNECT))
}

fn start_prism(spec: &ApiSpec) -> Prism {
    // A folder of its own: the contract tests write copies of the same name to the target's
    // temporary folder.
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("examples");
    let copy = write_prism_copy(spec, &dir);
    Prism::start(
        &copy,
        Mode::Static,
        &dir,
        &format!("examples-{}", spec.name),
    )
}

/// `--base-url <Open API Prism>`, then `args`, then `more`.
fn open_api_args(args: &[&str], more: &[&str]) -> Vec<String> {
    let mut all = vec!["--base-url".to_owned(), open_api_prism().url().to_owned()];
    all.extend(args.iter().chain(more).map(|arg| arg.to_string()));
    all
}

/// `--base-url <Connect API Prism>`, then `args`.
fn connect_args(args: &[&str]) -> Vec<String> {
    let mut all = vec!["--base-url".to_owned(), connect_prism().url().to_owned()];
    all.extend(args.iter().map(|arg| arg.to_string()));
    all
}

/// What [`studio_allows_changes`] does with Prism's pending amendment.
#[derive(Clone, Copy, PartialEq)]
enum Pending {
    Keep,
    Drop,
}

/// Turns Prism's self-service answers into those of a studio that allows changes (`status`),
/// with or without the pending amendment. Other bodies pass unchanged.
fn studio_allows_changes(status: &'static str, pending: Pending) -> Tamper {
    Arc::new(move |_call: &str, _status: u16, body: &Bytes| {
        let Ok(serde_json::Value::Object(mut fields)) = serde_json::from_slice(body) else {
            return body.clone();
        };
        if !fields.contains_key("amendmentConfigurationStatus") {
            return body.clone();
        }
        fields.insert("amendmentConfigurationStatus".into(), status.into());
        if pending == Pending::Drop {
            fields.remove("pendingAmendment");
        }
        Bytes::from(serde_json::to_vec(&fields).expect("a JSON object serialises"))
    })
}

/// A small SVG signature in a temporary file.
fn signature_file() -> tempfile::NamedTempFile {
    let mut file = tempfile::Builder::new()
        .suffix(".svg")
        .tempfile()
        .expect("a temporary file");
    std::io::Write::write_all(
        &mut file,
        br#"<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20"><path d="M2 18 C 20 0, 40 20, 58 2"/></svg>"#,
    )
    .expect("the signature is written");
    file
}

/// What one example run did.
struct Run {
    program: String,
    args: Vec<String>,
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

impl Run {
    #[track_caller]
    fn assert_success(&self) {
        assert!(self.status.success(), "{self}");
    }

    #[track_caller]
    fn assert_stdout_contains(&self, expected: &str) {
        assert!(
            self.stdout.contains(expected),
            "stdout lacks {expected:?}\n{self}"
        );
    }

    #[track_caller]
    fn assert_stderr_contains(&self, expected: &str) {
        assert!(
            self.stderr.contains(expected),
            "stderr lacks {expected:?}\n{self}"
        );
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{} {} -> {}",
            self.program,
            self.args.join(" "),
            self.status
        )?;
        writeln!(f, "--- stdout\n{}", self.stdout)?;
        write!(f, "--- stderr\n{}", self.stderr)
    }
}

const API_KEY: &str = "examples-test-key";

/// Runs `program` with `args` and the API key in the environment.
fn run_example(program: &str, args: &[String]) -> Run {
    run_with_env(program, args, Some(API_KEY))
}

/// [`run_example`] for a test that keeps a server in its own tokio runtime busy meanwhile.
async fn run_example_async(program: &'static str, args: Vec<String>) -> Run {
    tokio::task::spawn_blocking(move || run_example(program, &args))
        .await
        .expect("the example run does not panic")
}

/// Runs `program` to completion (or [`RUN_TIMEOUT`]), with `MAGICLINE_API_KEY` set to `api_key`
/// or unset.
fn run_with_env(program: &str, args: &[String], api_key: Option<&str>) -> Run {
    let mut command = Command::new(program);
    command
        .args(args)
        .env_remove("MAGICLINE_API_KEY")
        // The servers are local; a proxy configured for the machine must not be asked for them.
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(key) = api_key {
        command.env("MAGICLINE_API_KEY", key);
    }
    let mut child = command
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {program}: {e}"));
    // Read both pipes while waiting, so that a chatty program cannot block on a full pipe.
    let stdout = drain(child.stdout.take().expect("stdout is piped"));
    let stderr = drain(child.stderr.take().expect("stderr is piped"));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("the child can be waited for") {
            break status;
        }
        if started.elapsed() > RUN_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{program} {} did not finish within {RUN_TIMEOUT:?}\n--- stdout\n{}\n--- stderr\n{}",
                args.join(" "),
                stdout.join().unwrap_or_default(),
                stderr.join().unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        program: PathBuf::from(program)
            .file_name()
            .map_or_else(|| program.to_owned(), |n| n.to_string_lossy().into_owned()),
        args: args.to_vec(),
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    }
}

fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = pipe.read_to_end(&mut text);
        String::from_utf8_lossy(&text).into_owned()
    })
}
