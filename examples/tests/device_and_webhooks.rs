//! The Device API and webhook examples, end to end: `device_vending` against the Prism mock
//! servers of the Open API and the Device API, and `webhook_receiver` listening on 127.0.0.1,
//! sent real HTTP requests, looking customers up in the Open API's Prism.
//!
//! Needs Prism: `cargo xtask install-prism`.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use magicline::runtime::reqwest;
use workspace_tests::prism::{Mode, Prism};
use workspace_tests::specs::{ApiSpec, DEVICE, OPENAPI, write_prism_copy};

const DEVICE_VENDING: &str = env!("CARGO_BIN_EXE_device_vending");
const WEBHOOK_RECEIVER: &str = env!("CARGO_BIN_EXE_webhook_receiver");

const API_KEY: &str = "examples-test-key";
const WEBHOOK_KEY: &str = "webhook-test-key-42";
const WAIT: Duration = Duration::from_secs(60);

fn open_api_prism() -> &'static Prism {
    static PRISM: OnceLock<Prism> = OnceLock::new();
    PRISM.get_or_init(|| start_prism(&OPENAPI))
}

fn device_prism() -> &'static Prism {
    static PRISM: OnceLock<Prism> = OnceLock::new();
    PRISM.get_or_init(|| start_prism(&DEVICE))
}

fn start_prism(spec: &ApiSpec) -> Prism {
    // A folder of its own: other tests write copies of the same name elsewhere.
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("examples-device-webhooks");
    let copy = write_prism_copy(spec, &dir);
    Prism::start(
        &copy,
        Mode::Static,
        &dir,
        &format!("examples-dw-{}", spec.name),
    )
}

/// A program started with the API keys set, its stdout lines arriving on a channel.
struct Running {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Running {
    fn start(program: &str, args: &[&str]) -> Running {
        let mut child = Command::new(program)
            .args(args)
            .env("MAGICLINE_API_KEY", API_KEY)
            .env("MAGICLINE_WEBHOOK_KEY", WEBHOOK_KEY)
            .env("NO_PROXY", "127.0.0.1,localhost")
            .env("no_proxy", "127.0.0.1,localhost")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {program}: {e}"));
        let stdout = child.stdout.take().expect("stdout is piped");
        let (send, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        Running {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits for a stdout line containing `text`; returns it.
    #[track_caller]
    fn wait_for(&mut self, text: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(text) {
                        return line;
                    }
                }
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                    let _ = self.child.kill();
                    let mut stderr = String::new();
                    if let Some(mut pipe) = self.child.stderr.take() {
                        let _ = pipe.read_to_string(&mut stderr);
                    }
                    panic!(
                        "no line with {text:?}; stdout so far:\n{}\nstderr:\n{stderr}",
                        self.seen.join("\n")
                    );
                }
            }
        }
    }

    /// Waits for the program to exit; its status and everything it printed.
    fn finish(mut self) -> (std::process::ExitStatus, String, String) {
        let deadline = Instant::now() + WAIT;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("the child can be waited for") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the program did not finish: {}", self.seen.join("\n"));
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut stdout = self.seen.join("\n");
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
            stdout.push('\n');
            stdout.push_str(&line);
        }
        let mut stderr = String::new();
        if let Some(mut pipe) = self.child.stderr.take() {
            let _ = pipe.read_to_string(&mut stderr);
        }
        (status, stdout, stderr)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        // The receiver serves until stopped; stop the process this test started.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn device_vending_activates_identifies_and_books_a_sale() {
    let open_api = open_api_prism().url().to_owned();
    let device = device_prism().url().to_owned();
    let run = Running::start(
        DEVICE_VENDING,
        &[
            "--open-api-base-url",
            &open_api,
            "--device-base-url",
            &device,
            "--device-id",
            "26",
            "--card-number",
            "1233588160",
            "--product-id",
            "1",
            "--price",
            "1.29",
        ],
    );
    let (status, stdout, stderr) = run.finish();
    assert!(status.success(), "{status}\n{stdout}\n{stderr}");
    assert!(stdout.contains("activated device 26"), "{stdout}");
    assert!(stdout.contains("card 1233588160: authorized"), "{stdout}");
    assert!(stdout.contains("booked sale "), "{stdout}");
    // The bearer token from the activation (the spec's example) is never printed.
    let token = "53cda15a-5652-4f62-9b97-508f870ff40b";
    assert!(!stdout.contains(token) && !stderr.contains(token));
}

fn event(uuid: &str, kind: &str) -> String {
    format!(
        r#"{{"entityId": 7893459, "uuid": "{uuid}", "payload": [{{"timestamp": 1642779144176, "type": "{kind}", "content": {{"field": "value"}}}}]}}"#
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_receiver_checks_the_key_drops_duplicates_and_fetches_the_customer() {
    let open_api = tokio::task::spawn_blocking(|| open_api_prism().url().to_owned())
        .await
        .expect("Prism starts");
    let mut receiver = Running::start(
        WEBHOOK_RECEIVER,
        &["--listen", "127.0.0.1:0", "--base-url", &open_api],
    );
    let line = tokio::task::block_in_place(|| receiver.wait_for("listening on "));
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .expect("the line names the URL")
        .to_owned();
    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("an HTTP client");
    let post = |key: Option<&str>, body: String| {
        let mut request = http
            .post(&url)
            .header("content-type", "application/json")
            .body(body);
        if let Some(key) = key {
            request = request.header("X-API-KEY", key);
        }
        async move {
            let response = request.send().await.expect("the receiver answers");
            let status = response.status().as_u16();
            (status, response.text().await.expect("a text body"))
        }
    };
    let first = "3f1c7c8e-4a55-4b0e-9a35-0d3c1f8e2b11";

    // The right key: handled, the customer fetched from the Open API.
    let (status, text) = post(Some(WEBHOOK_KEY), event(first, "CUSTOMER_CREATED")).await;
    assert_eq!((status, text.as_str()), (200, "handled"));
    tokio::task::block_in_place(|| {
        receiver.wait_for("CUSTOMER_CREATED at 1642779144176: customer 7893459 is ")
    });

    // The same delivery again: acknowledged, not handled twice.
    let (status, text) = post(Some(WEBHOOK_KEY), event(first, "CUSTOMER_CREATED")).await;
    assert_eq!((status, text.as_str()), (200, "duplicate: already handled"));
    tokio::task::block_in_place(|| receiver.wait_for(&format!("duplicate delivery {first}")));

    // A wrong key and no key: 401 with the reason, the event not handled.
    let other = "9d2b1a60-7c3e-4f0a-8e8b-5b6f8e1d2c33";
    let (status, text) = post(Some("guess"), event(other, "CUSTOMER_UPDATED")).await;
    assert_eq!(
        (status, text.as_str()),
        (401, "wrong key in the x-api-key header")
    );
    let (status, text) = post(None, event(other, "CUSTOMER_UPDATED")).await;
    assert_eq!(
        (status, text.as_str()),
        (401, "missing the x-api-key header")
    );

    // A malformed body: 400, saying where.
    let (status, text) = post(
        Some(WEBHOOK_KEY),
        r#"{"entityId": 1, "uuid": "not-a-uuid", "payload": []}"#.to_owned(),
    )
    .await;
    assert_eq!(status, 400, "{text}");
    assert!(text.starts_with("malformed body: at uuid"), "{text}");
    let (status, _) = post(Some(WEBHOOK_KEY), "{".to_owned()).await;
    assert_eq!(status, 400);

    // An event type nobody knows yet: accepted and passed on, not rejected. The refused
    // deliveries of `other` above did not count as received.
    let (status, text) = post(Some(WEBHOOK_KEY), event(other, "SOMETHING_NEW_HAPPENED")).await;
    assert_eq!((status, text.as_str()), (200, "handled"));
    tokio::task::block_in_place(|| {
        receiver.wait_for(
            "SOMETHING_NEW_HAPPENED at 1642779144176 for entity 7893459: nothing to fetch",
        )
    });
    let seen = receiver.seen.join("\n");
    assert!(
        !seen.contains(WEBHOOK_KEY) && !seen.contains(API_KEY),
        "{seen}"
    );
}
