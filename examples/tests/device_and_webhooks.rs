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
        Running::with_api_key(program, args, Some(API_KEY))
    }

    /// Starts `program` with `MAGICLINE_API_KEY` set to `api_key`, or unset.
    fn with_api_key(program: &str, args: &[&str], api_key: Option<&str>) -> Running {
        let mut command = Command::new(program);
        command.env_remove("MAGICLINE_API_KEY");
        if let Some(key) = api_key {
            command.env("MAGICLINE_API_KEY", key);
        }
        let mut child = command
            .args(args)
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

/// The bearer token the activation hands out in the tests with typed mocks.
const DEVICE_TOKEN: &str = "device-token-26-4f62-9b97";

/// Against Prism: every request of the sequence is valid for the specs, and the token of the
/// activation (the spec's example) is kept in the file and never printed.
#[test]
fn device_vending_runs_against_prism() {
    let open_api = open_api_prism().url().to_owned();
    let device = device_prism().url().to_owned();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let token_file = dir.path().join("device-26.token");
    let token_file = token_file.to_str().expect("temporary paths are UTF-8");
    let run = Running::start(
        DEVICE_VENDING,
        &[
            "--open-api-base-url",
            &open_api,
            "--device-base-url",
            &device,
            "--device-id",
            "26",
            "--token-file",
            token_file,
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
    assert!(
        stdout.contains("device 26 was inactive: activated it"),
        "{stdout}"
    );
    assert!(stdout.contains("card 1233588160: authorized"), "{stdout}");
    assert!(stdout.contains("charged: sale "), "{stdout}");
    let token = "53cda15a-5652-4f62-9b97-508f870ff40b";
    assert_eq!(
        std::fs::read_to_string(token_file).expect("the token is kept"),
        token
    );
    assert!(!stdout.contains(token) && !stderr.contains(token));
}

/// The Open API's devices: 26 inactive (`active: false`), 27 active.
async fn open_api_with_devices() -> magicline::mock::MockServer {
    use magicline::models::{Device, DeviceActivationResponse};
    let mock = magicline::mock::MockServer::start().await;
    mock.devices()
        .get_devices()
        .returns(&[
            Device::default().with_id(26).with_active(false),
            Device::default().with_id(27).with_active(true),
        ])
        .await;
    mock.devices()
        .activate_device(26)
        .returns(
            &DeviceActivationResponse::default()
                .with_id(26)
                .with_access_token(DEVICE_TOKEN),
        )
        .expect(1)
        .await;
    mock
}

fn card() -> magicline_device::models::CardNumberContent {
    magicline_device::models::CardNumberContent::new("1233588160")
}

/// The sale of product 1 at 1.29 in transaction `sale-1`: the check or the charge.
fn sale(execute: bool) -> magicline_device::models::VendingReaderSaleRequest {
    use magicline_device::models::{
        VendingReaderSaleRequest, VendingReaderSaleRequestIdentification,
    };
    let mut sale = VendingReaderSaleRequest::new(
        VendingReaderSaleRequestIdentification::Number(card()),
        "sale-1",
        "1",
        1.29,
    );
    sale.should_execute_action = Some(execute);
    sale
}

/// The Device API: card 1233588160 authorized in transaction `sale-1`, and the sale checked;
/// what the charge gets is up to each test.
async fn device_api_selling() -> magicline_device::mock::MockServer {
    use magicline_device::models::{
        VendingReaderIdentificationRequest, VendingReaderIdentificationRequestIdentification,
        VendingReaderIdentificationResponse, VendingReaderSaleResponse,
    };
    let mock = magicline_device::mock::MockServer::start().await;
    mock.vending()
        .vending_identification(&VendingReaderIdentificationRequest::new(
            VendingReaderIdentificationRequestIdentification::Number(card()),
            "sale-1",
        ))
        .returns(
            &VendingReaderIdentificationResponse::default()
                .with_authorized(true)
                .with_consumption_credit(6.4)
                .with_transaction_id("sale-1"),
        )
        .await;
    mock.vending()
        .vending_sale(&sale(false))
        .returns(magicline_device::api::VendingSaleSuccess::Ok(
            VendingReaderSaleResponse::default()
                .with_authorized(true)
                .with_transaction_id("sale-1")
                .with_price(1.29),
        ))
        .await;
    mock
}

/// What a mock server received, in order: `METHOD path`, the header `auth`, the JSON body.
async fn received(
    server: &magicline::runtime::mock::MockServer,
    auth: &str,
) -> Vec<(String, Option<String>, serde_json::Value)> {
    server
        .wiremock()
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|request| {
            (
                format!("{} {}", request.method, request.url.path()),
                request
                    .headers
                    .get(auth)
                    .and_then(|value| value.to_str().ok())
                    .map(str::to_owned),
                serde_json::from_slice(&request.body).unwrap_or(serde_json::Value::Null),
            )
        })
        .collect()
}

/// `device_vending` for device 26, card 1233588160, product 1 at 1.29, transaction `sale-1`.
fn vend(
    open_api: &str,
    device: &str,
    token_file: &Path,
    api_key: Option<&str>,
    more: &[&str],
) -> (std::process::ExitStatus, String, String) {
    let token_file = token_file.to_str().expect("temporary paths are UTF-8");
    let mut args = vec![
        "--open-api-base-url",
        open_api,
        "--device-base-url",
        device,
        "--device-id",
        "26",
        "--token-file",
        token_file,
        "--card-number",
        "1233588160",
        "--product-id",
        "1",
        "--price",
        "1.29",
        "--transaction-id",
        "sale-1",
    ];
    args.extend(more);
    Running::with_api_key(DEVICE_VENDING, &args, api_key).finish()
}

/// The Device API's vending sale: identify, check with `shouldExecuteAction = false`, dispense,
/// charge with `true`, all with the bearer token of the one activation of the inactive
/// device, which is kept and used by the next run without the Open API.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_vending_activates_once_and_sells_in_the_documented_sequence() {
    let open_api = open_api_with_devices().await;
    let device = device_api_selling().await;
    device
        .vending()
        .vending_sale(&sale(true))
        .responds_with(magicline_device::mock::Response::status(204))
        .expect(1)
        .await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let token_file = dir.path().join("device-26.token");
    // The machine's dispensing step: a program that records the shelf it was asked for.
    let dispensed = dir.path().join("dispensed");
    let dispenser = dir.path().join("dispense");
    std::fs::write(
        &dispenser,
        format!("#!/bin/sh\necho \"$1\" >> '{}'\n", dispensed.display()),
    )
    .expect("the dispenser is written");
    std::fs::set_permissions(
        &dispenser,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .expect("the dispenser is executable");

    let (open_uri, device_uri) = (open_api.uri(), device.uri());
    let dispenser_arg = dispenser
        .to_str()
        .expect("temporary paths are UTF-8")
        .to_owned();
    let (status, stdout, stderr) = tokio::task::block_in_place(|| {
        vend(
            &open_uri,
            &device_uri,
            &token_file,
            Some(API_KEY),
            &["--dispense-command", &dispenser_arg],
        )
    });
    assert!(status.success(), "{status}\n{stdout}\n{stderr}");
    assert!(
        stdout.contains("charged: sale sale-1 of product 1 at 1.29"),
        "{stdout}"
    );
    assert!(!stdout.contains(DEVICE_TOKEN) && !stderr.contains(DEVICE_TOKEN));
    assert_eq!(
        std::fs::read_to_string(&token_file).expect("the token is kept"),
        DEVICE_TOKEN
    );
    assert_eq!(
        std::fs::metadata(&token_file)
            .map(|m| std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o777)
            .ok(),
        Some(0o600)
    );
    assert_eq!(
        std::fs::read_to_string(&dispensed).expect("the dispenser ran"),
        "1\n"
    );

    // The Open API: the devices read, then the inactive one activated, with the key.
    let open_calls = received(open_api.runtime(), "x-api-key").await;
    let open_calls: Vec<(&str, Option<&str>)> = open_calls
        .iter()
        .map(|(call, key, _)| (call.as_str(), key.as_deref()))
        .collect();
    assert_eq!(
        open_calls,
        [
            ("GET /v1/devices", Some(API_KEY)),
            ("PUT /v1/devices/26/activate", Some(API_KEY)),
        ]
    );
    // The Device API: identify, check, charge, in this order, with the device's token.
    let bearer = format!("Bearer {DEVICE_TOKEN}");
    let sequence = received(device.runtime(), "authorization").await;
    let expected = [
        ("POST /open-api/device/vending/identification", None),
        ("POST /open-api/device/vending/sale", Some(false)),
        ("POST /open-api/device/vending/sale", Some(true)),
    ];
    assert_eq!(sequence.len(), expected.len(), "{sequence:#?}");
    for ((call, auth, body), (expected_call, execute)) in sequence.iter().zip(expected) {
        assert_eq!(call, expected_call);
        assert_eq!(auth.as_deref(), Some(bearer.as_str()), "{call}");
        assert_eq!(body["transactionId"], "sale-1", "{call}");
        assert_eq!(body["identification"]["value"], "1233588160", "{call}");
        if let Some(execute) = execute {
            assert_eq!(body["shouldExecuteAction"], execute, "{call}");
            assert_eq!(body["productId"], "1", "{call}");
            assert_eq!(body["price"], 1.29, "{call}");
        }
    }

    // The next run: the kept token, no Open API key, no activation. `--dry-run` checks the
    // sale and stops: nothing dispensed, nothing charged.
    let (status, stdout, stderr) = tokio::task::block_in_place(|| {
        vend(
            &open_uri,
            &device_uri,
            &token_file,
            None,
            &["--dry-run", "--dispense-command", &dispenser_arg],
        )
    });
    assert!(status.success(), "{status}\n{stdout}\n{stderr}");
    assert!(
        stdout.contains("device 26: using its token from "),
        "{stdout}"
    );
    assert!(
        stdout.contains("dry run: nothing dispensed, nothing charged"),
        "{stdout}"
    );
    let sequence = received(device.runtime(), "authorization").await;
    let calls: Vec<(&str, Option<bool>)> = sequence[3..]
        .iter()
        .map(|(call, auth, body)| {
            assert_eq!(auth.as_deref(), Some(bearer.as_str()));
            (call.as_str(), body["shouldExecuteAction"].as_bool())
        })
        .collect();
    assert_eq!(
        calls,
        [
            ("POST /open-api/device/vending/identification", None),
            ("POST /open-api/device/vending/sale", Some(false)),
        ]
    );
    assert_eq!(received(open_api.runtime(), "x-api-key").await.len(), 2);
    assert_eq!(
        std::fs::read_to_string(&dispensed).expect("unchanged"),
        "1\n"
    );
    open_api.verify();
    device.verify();
}

/// Activation is a one-time step of an inactive device: an active device without a kept
/// token is not activated again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_vending_does_not_activate_an_active_device_again() {
    let open_api = magicline::mock::MockServer::start().await;
    open_api
        .devices()
        .get_devices()
        .returns(&[magicline::models::Device::default()
            .with_id(26)
            .with_active(true)])
        .expect(1)
        .await;
    let device = magicline_device::mock::MockServer::start().await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let token_file = dir.path().join("device-26.token");
    let (open_uri, device_uri) = (open_api.uri(), device.uri());
    let (status, stdout, stderr) = tokio::task::block_in_place(|| {
        vend(&open_uri, &device_uri, &token_file, Some(API_KEY), &[])
    });
    assert_eq!(status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stderr.contains("device 26 is already active"), "{stderr}");
    assert!(!token_file.exists());
    // Only the list was read: no activation (it would match nothing and fail `verify`).
    assert_eq!(received(open_api.runtime(), "x-api-key").await.len(), 1);
    assert!(received(device.runtime(), "authorization").await.is_empty());
    open_api.verify();
    device.verify();
}

/// A product that did not come out is not charged; a charge whose outcome is unknown (`503`)
/// is not sent again, and the program says so with the trace id.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_vending_charges_only_a_dispensed_product_and_only_once() {
    let device = device_api_selling().await;
    device
        .vending()
        .vending_sale(&sale(true))
        .fails(magicline_device::models::ApiError::ServiceUnavailable(
            magicline_device::models::ErrorResponse::default()
                .with_error_message("Please try again later")
                .with_trace_id("trace-device-503"),
        ))
        .expect(1)
        .await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let token_file = dir.path().join("device-26.token");
    std::fs::write(&token_file, DEVICE_TOKEN).expect("the kept token");
    let device_uri = device.uri();
    // No Open API: the kept token is used.
    let nowhere = "http://127.0.0.1:9";

    let (status, stdout, stderr) = tokio::task::block_in_place(|| {
        vend(
            nowhere,
            &device_uri,
            &token_file,
            None,
            &["--dispense-command", "false"],
        )
    });
    assert_eq!(status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr
            .contains("product 1 was not dispensed, so the customer is not charged (sale sale-1)"),
        "{stderr}"
    );
    let executed: Vec<Option<bool>> = received(device.runtime(), "authorization")
        .await
        .iter()
        .map(|(_, _, body)| body["shouldExecuteAction"].as_bool())
        .collect();
    assert_eq!(executed, [None, Some(false)]);

    let (status, stdout, stderr) = tokio::task::block_in_place(|| {
        vend(
            nowhere,
            &device_uri,
            &token_file,
            None,
            &["--dispense-command", "true"],
        )
    });
    assert_eq!(status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.contains(
            "product 1 was dispensed; whether sale sale-1 was charged is unknown: check the \
             transaction before charging it again"
        ),
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("Please try again later").count(),
        1,
        "{stderr}"
    );
    assert!(stderr.contains("trace id: trace-device-503"), "{stderr}");
    let executed: Vec<Option<bool>> = received(device.runtime(), "authorization")
        .await
        .iter()
        .map(|(_, _, body)| body["shouldExecuteAction"].as_bool())
        .collect();
    // One charge, not re-sent after the ambiguous 503.
    assert_eq!(executed, [None, Some(false), None, Some(false), Some(true)]);
    device.verify();
}

fn event(uuid: &str, kind: &str) -> String {
    format!(
        r#"{{"entityId": 7893459, "uuid": "{uuid}", "payload": [{{"timestamp": 1642779144176, "type": "{kind}", "content": {{"field": "value"}}}}]}}"#
    )
}

/// An HTTP client for the receiver on 127.0.0.1, and the POST of a delivery.
struct Sender {
    http: reqwest::Client,
    url: String,
}

impl Sender {
    fn new(url: String) -> Sender {
        // Our own reqwest client, maybe the process's first: rustls needs a provider.
        magicline::runtime::install_crypto_provider();
        let http = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("an HTTP client");
        Sender { http, url }
    }

    /// POSTs `body` with `key` in `X-API-KEY` (none: no header); the status and the text.
    async fn post(&self, key: Option<&str>, body: String) -> (u16, String) {
        let mut request = self
            .http
            .post(&self.url)
            .header("content-type", "application/json")
            .body(body);
        if let Some(key) = key {
            request = request.header("X-API-KEY", key);
        }
        let response = request.send().await.expect("the receiver answers");
        let status = response.status().as_u16();
        (status, response.text().await.expect("a text body"))
    }
}

/// Starts `webhook_receiver` against the Open API at `open_api`; the running program and a
/// sender for its endpoint.
fn start_receiver(open_api: &str) -> (Running, Sender) {
    let mut receiver = Running::start(
        WEBHOOK_RECEIVER,
        &["--listen", "127.0.0.1:0", "--base-url", open_api],
    );
    let line = receiver.wait_for("listening on ");
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .expect("the line names the URL")
        .to_owned();
    (receiver, Sender::new(url))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_receiver_checks_the_key_and_the_body_and_fetches_the_customer() {
    let open_api = tokio::task::spawn_blocking(|| open_api_prism().url().to_owned())
        .await
        .expect("Prism starts");
    let (mut receiver, sender) = tokio::task::block_in_place(|| start_receiver(&open_api));
    let first = "3f1c7c8e-4a55-4b0e-9a35-0d3c1f8e2b11";

    // The right key: handled, the customer fetched from the Open API.
    let (status, text) = sender
        .post(Some(WEBHOOK_KEY), event(first, "CUSTOMER_CREATED"))
        .await;
    assert_eq!((status, text.as_str()), (200, "handled"));
    tokio::task::block_in_place(|| {
        receiver.wait_for("CUSTOMER_CREATED at 1642779144176: customer 7893459 is ")
    });

    // A wrong key and no key: 401 with the reason, the event not handled.
    let other = "9d2b1a60-7c3e-4f0a-8e8b-5b6f8e1d2c33";
    let (status, text) = sender
        .post(Some("guess"), event(other, "CUSTOMER_UPDATED"))
        .await;
    assert_eq!(
        (status, text.as_str()),
        (401, "wrong key in the x-api-key header")
    );
    let (status, text) = sender.post(None, event(other, "CUSTOMER_UPDATED")).await;
    assert_eq!(
        (status, text.as_str()),
        (401, "missing the x-api-key header")
    );

    // A malformed body: 400, saying where.
    let (status, text) = sender
        .post(
            Some(WEBHOOK_KEY),
            r#"{"entityId": 1, "uuid": "not-a-uuid", "payload": []}"#.to_owned(),
        )
        .await;
    assert_eq!(status, 400, "{text}");
    assert!(text.starts_with("malformed body: at uuid"), "{text}");
    let (status, _) = sender.post(Some(WEBHOOK_KEY), "{".to_owned()).await;
    assert_eq!(status, 400);

    // An event type nobody knows yet: accepted and passed on, not rejected. The refused
    // deliveries of `other` above did not count as received.
    let (status, text) = sender
        .post(Some(WEBHOOK_KEY), event(other, "SOMETHING_NEW_HAPPENED"))
        .await;
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

/// No event is lost, none handled twice. The Open API (a typed mock) fails the first lookup of
/// the customer, then answers slowly: the first delivery is answered `500` (the event is not
/// taken for handled), the second is handled; a third, arriving while the second is being
/// handled, is answered `500` too, not acknowledged; a fourth, after the event was handled,
/// is acknowledged without handling it again. The mock checks that the customer was fetched
/// exactly twice: the failed lookup and the one handling.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_receiver_acknowledges_an_event_only_once_it_was_handled() {
    use magicline::models;

    let mock = magicline::mock::MockServer::start().await;
    let customers = mock.customers();
    customers
        .get_customer_by_id(7_893_459)
        .fails(
            500,
            &models::ErrorResponse::default()
                .with_error_message("Unexpected system error")
                .with_trace_id("trace-webhook-500"),
        )
        .up_to_n_times(1)
        .expect(1)
        .await;
    let mut customer = models::Customer::new(models::CustomerStatus::Member)
        .with_first_name("Erika")
        .with_last_name("Mustermann");
    customer.id = 7_893_459;
    customers
        .get_customer_by_id(7_893_459)
        .returns(&customer)
        .delay(Duration::from_secs(3))
        .expect(1)
        .await;
    let (mut receiver, sender) = tokio::task::block_in_place(|| start_receiver(&mock.uri()));
    let sender = std::sync::Arc::new(sender);
    let uuid = "6f9619ff-8b86-d011-b42d-00c04fc964ff";
    let delivery = || event(uuid, "CUSTOMER_UPDATED");

    // 1. Handling fails: an error status the webhooks spec documents, so Magicline retries.
    let (status, text) = sender.post(Some(WEBHOOK_KEY), delivery()).await;
    assert_eq!(
        (status, text.as_str()),
        (500, "could not handle the event: deliver it again later")
    );
    tokio::task::block_in_place(|| {
        receiver.wait_for(&format!("event {uuid} not handled:"));
        receiver.wait_for("trace id: trace-webhook-500");
    });

    // 2. Delivered again: handled (slowly). 3. Meanwhile a duplicate: not acknowledged.
    let handling = tokio::spawn({
        let sender = std::sync::Arc::clone(&sender);
        async move { sender.post(Some(WEBHOOK_KEY), delivery()).await }
    });
    wait_for_requests(&mock, 2).await;
    let (status, text) = sender.post(Some(WEBHOOK_KEY), delivery()).await;
    assert_eq!(
        (status, text.as_str()),
        (
            500,
            "this event is being handled right now: deliver it again later"
        )
    );
    let (status, text) = handling.await.expect("the delivery is answered");
    assert_eq!((status, text.as_str()), (200, "handled"));

    // 4. Once more: handled before, acknowledged, not handled again.
    let (status, text) = sender.post(Some(WEBHOOK_KEY), delivery()).await;
    assert_eq!((status, text.as_str()), (200, "already handled"));
    tokio::task::block_in_place(|| {
        receiver.wait_for(&format!("delivery of {uuid}: already handled"))
    });
    mock.verify();
    let seen = receiver.seen.join("\n");
    assert_eq!(
        seen.matches("CUSTOMER_UPDATED at 1642779144176: customer 7893459 is Erika Mustermann")
            .count(),
        1,
        "{seen}"
    );
}

/// Waits until `mock` has received `count` requests.
async fn wait_for_requests(mock: &magicline::mock::MockServer, count: usize) {
    let deadline = Instant::now() + WAIT;
    loop {
        let received = mock
            .runtime()
            .wiremock()
            .received_requests()
            .await
            .unwrap_or_default();
        if received.len() >= count {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the mock received {} of {count} requests",
            received.len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
