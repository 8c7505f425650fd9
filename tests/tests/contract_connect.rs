//! Contract tests of the generated `magicline-connect` client (Magicline Connect API) against Prism: every
//! operation, in static and dynamic mode, success and documented error statuses. See
//! `workspace_tests::contract` for the passes and `workspace_tests::prism` for running Prism
//! by hand. Needs Prism: `cargo xtask install-prism`.

use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use workspace_tests::contract::{KnownFailure, Servers, Suite, iterations};
use workspace_tests::specs::CONNECT;

/// The generated calls (`contract_calls::generate`, written by `tests/build.rs`);
/// `decode_component` is used by `examples_decode.rs`, not here.
#[allow(dead_code)]
mod calls {
    include!(concat!(
        env!("OUT_DIR"),
        "/contract_calls/magicline-connect.rs"
    ));
}

/// Dynamic calls per operation (override with `CONTRACT_ITERATIONS`).
const DYNAMIC_ITERATIONS: usize = 16;

/// Operations that cannot pass a pass, and why; none (Prism's trouble with the recursive
/// rate-bundle schema is worked around in its copy of the spec, see `write_prism_copy`).
const KNOWN_FAILURES: &[KnownFailure] = &[];

/// One static and one dynamic Prism for every test of this binary. Statics are never dropped:
/// the servers stop when this process exits, through the watchdog `Prism::start` puts around
/// each (also when a test fails).
fn servers() -> &'static Servers {
    static SERVERS: OnceLock<Servers> = OnceLock::new();
    SERVERS.get_or_init(|| Servers::start(&CONNECT, Path::new(env!("CARGO_TARGET_TMPDIR"))))
}

fn suite() -> Suite<magicline_connect::Client> {
    Suite {
        api: CONNECT.name,
        operations: &calls::OPERATIONS,
        builder: magicline_connect::Client::builder,
        api_key: None,
        concurrency: 4,
        dynamic_budget: Duration::from_secs(8),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_passes_against_prism() {
    suite()
        .run_all(servers(), iterations(DYNAMIC_ITERATIONS), KNOWN_FAILURES)
        .await;
}

// ---------------------------------------------------------------------------------------------
// Negative checks: what the runtime promises when the request or the response is wrong.

use magicline_connect::models;
use magicline_connect::runtime as rt;
use workspace_tests::contract::break_first_nested_scalar;
use workspace_tests::proxy::{CALL_HEADER, Proxy};

fn client_through(proxy: &Proxy, call: &str) -> magicline_connect::Client {
    magicline_connect::Client::builder()
        .base_url(proxy.url())
        .retry(rt::RetryPolicy::none())
        .default_header(CALL_HEADER, call)
        .build()
        .expect("the test client builds")
}

/// A required query parameter left out (the typed API cannot do that; the runtime can) comes
/// back as the typed error: the Connect API's 400 body is one error or a list of them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_required_parameter_comes_back_as_the_typed_error() {
    static VALIDATE_IBAN: rt::Operation = rt::Operation {
        id: "validateIbanAndLookupBic",
        method: rt::Method::GET,
        path: "/connect/v1/bankaccount",
    };
    let proxy = Proxy::start(servers().static_prism.url()).await;
    let client = client_through(&proxy, "no-iban");
    let result = client
        .raw()
        .request(&VALIDATE_IBAN)
        .send::<models::ConnectApiBankAccountBicIbanDto, models::ApiError>()
        .await;
    let violations: Vec<String> = proxy
        .take("no-iban")
        .expect("the call went through the proxy")
        .request_violations()
        .map(ToString::to_string)
        .collect();
    assert!(
        violations
            .iter()
            .any(|v| v.contains("required property 'iban'")),
        "Prism names the parameter: {violations:?}"
    );
    match result {
        Err(rt::Error::Api {
            status,
            body: models::ApiError::BadRequest(_),
            ..
        }) => {
            assert_eq!(status.as_u16(), 400)
        }
        other => panic!("wanted the typed 400 error, got {other:?}"),
    }
}

/// A response that breaks the schema is a decode error naming the field, never a panic.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_response_that_breaks_the_schema_is_a_decode_error_with_the_path() {
    let proxy = Proxy::start(servers().static_prism.url()).await;
    let broken = std::sync::Arc::new(std::sync::Mutex::new(None));
    let seen = std::sync::Arc::clone(&broken);
    proxy.set_tamper(Some(std::sync::Arc::new(
        move |_call: &str, _status: u16, body: &rt::bytes::Bytes| {
            let (tampered, path) =
                break_first_nested_scalar(body).expect("the example has a nested field");
            *seen.lock().expect("not poisoned") = Some(path);
            rt::bytes::Bytes::from(tampered)
        },
    )));
    let client = client_through(&proxy, "tampered");
    let error = client
        .studios()
        .get_studio_details(1)
        .await
        .expect_err("the tampered body does not decode");
    let path = broken
        .lock()
        .expect("not poisoned")
        .clone()
        .expect("the body was tampered with");
    match error {
        rt::Error::Decode {
            status,
            path: at,
            message,
            ..
        } => {
            assert_eq!(status.as_u16(), 200);
            assert_eq!(at, path, "{message}");
        }
        other => panic!("wanted a decode error at {path}, got {other:?}"),
    }
}
