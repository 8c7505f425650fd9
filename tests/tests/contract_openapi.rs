//! Contract tests of the generated `magicline` client (Magicline Open API) against Prism: every
//! operation, in static and dynamic mode, success and documented error statuses. See
//! `workspace_tests::contract` for the passes and `workspace_tests::prism` for running Prism
//! by hand. Needs Prism: `cargo xtask install-prism`.

use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use workspace_tests::contract::{KnownFailure, Servers, Suite, iterations};
use workspace_tests::specs::OPENAPI;

/// The generated calls (`contract_calls::generate`, written by `tests/build.rs`);
/// `decode_component` is used by `examples_decode.rs`, not here.
#[allow(dead_code)]
mod calls {
    include!(concat!(env!("OUT_DIR"), "/contract_calls/magicline.rs"));
}

/// Dynamic calls per operation (override with `CONTRACT_ITERATIONS`).
const DYNAMIC_ITERATIONS: usize = 16;

/// `ClientDetails.preTaxAttribute` has `default: "false"`, a string for a boolean; Prism's static
/// mode serves the default (reading the 3.1 document, it ranks `default` above `example`).
const PRE_TAX_DEFAULT: &str = "spec bug: ClientDetails.preTaxAttribute has default \"false\" (a string) for type \
     boolean, and Prism static serves the default";

/// `ContractVolume.totalContractVolume` (and the two average volumes) reference `Money`, an
/// object, with `example: 600`.
const CONTRACT_VOLUME_EXAMPLE: &str = "spec bug: ContractVolume.totalContractVolume, averagePaymentVolumePerMonth and \
     averagePaymentVolumePerPaymentFrequencyTerm are $ref Money (an object) with a number as example";

/// Operations that cannot pass a pass, and why.
const KNOWN_FAILURES: &[KnownFailure] = &[
    known("getDebtCollectionConfiguration", PRE_TAX_DEFAULT),
    known("getTransferDetails", PRE_TAX_DEFAULT),
    known("getMembershipOfferById", CONTRACT_VOLUME_EXAMPLE),
    known("getMembershipOffers", CONTRACT_VOLUME_EXAMPLE),
    known(
        "getMembershipSwitchConfigurationForCustomer",
        CONTRACT_VOLUME_EXAMPLE,
    ),
    known("postMembershipPreview", CONTRACT_VOLUME_EXAMPLE),
    known("postMembershipSwitchPreview", CONTRACT_VOLUME_EXAMPLE),
    known("postSignupPreview", CONTRACT_VOLUME_EXAMPLE),
];

/// A static-mode failure caused by the spec's own examples.
const fn known(operation: &'static str, reason: &'static str) -> KnownFailure {
    KnownFailure {
        operation,
        pass: "static",
        reason,
    }
}

/// One static and one dynamic Prism for every test of this binary. Statics are never dropped:
/// the servers stop when this process exits, through the watchdog `Prism::start` puts around
/// each (also when a test fails).
fn servers() -> &'static Servers {
    static SERVERS: OnceLock<Servers> = OnceLock::new();
    SERVERS.get_or_init(|| Servers::start(&OPENAPI, Path::new(env!("CARGO_TARGET_TMPDIR"))))
}

fn suite() -> Suite<magicline::Client> {
    Suite {
        api: OPENAPI.name,
        operations: &calls::OPERATIONS,
        builder: magicline::Client::builder,
        api_key: Some("contract-test-key"),
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

use magicline::models;
use magicline::runtime as rt;
use workspace_tests::contract::break_first_nested_scalar;
use workspace_tests::proxy::{CALL_HEADER, Proxy};

fn client_through(proxy: &Proxy, call: &str) -> magicline::Client {
    magicline::Client::builder()
        .base_url(proxy.url())
        .api_key("contract-test-key")
        .retry(rt::RetryPolicy::none())
        .default_header(CALL_HEADER, call)
        .build()
        .expect("the test client builds")
}

/// The typed API cannot stop a number outside `minimum`/`maximum`: `sliceSize` must be 50..=500.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_out_of_range_parameter_comes_back_as_the_typed_error() {
    let proxy = Proxy::start(servers().static_prism.url()).await;
    let client = client_through(&proxy, "slice-size-5");
    let error = client
        .customers()
        .get_customers()
        .slice_size(5)
        .await
        .expect_err("Prism refuses sliceSize=5");
    let exchange = proxy
        .take("slice-size-5")
        .expect("the call went through the proxy");
    let violations: Vec<String> = exchange
        .request_violations()
        .map(ToString::to_string)
        .collect();
    assert!(
        // Prism lower-cases parameter names in its locations.
        violations
            .iter()
            .any(|v| v.to_lowercase().starts_with("request.query.slicesize:")),
        "Prism names the parameter: {violations:?}"
    );
    match error {
        rt::Error::Api { status, body, .. } => {
            assert_eq!(status.as_u16(), 400);
            let _: models::ErrorResponse = body;
        }
        other => panic!("wanted the typed 400 error, got {other:?}"),
    }
}

/// Requests the typed API cannot express, sent through the runtime underneath: a body with a
/// wrong type and missing required properties, and a path parameter that is not an integer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_requests_come_back_as_the_typed_error() {
    static USER_SESSION: rt::Operation = rt::Operation {
        id: "userSession",
        method: rt::Method::POST,
        path: "/v1/payments/user-session",
    };
    static GET_CUSTOMER_BY_ID: rt::Operation = rt::Operation {
        id: "getCustomerById",
        method: rt::Method::GET,
        path: "/v1/customers/{customerId}",
    };
    let proxy = Proxy::start(servers().static_prism.url()).await;

    let client = client_through(&proxy, "bad-body");
    let result = client
        .raw()
        .request(&USER_SESSION)
        .json(&rt::serde_json::json!({"amount": "a lot"}))
        .send::<models::PaymentsUserSessionResponse, models::ErrorResponse>()
        .await;
    let violations: Vec<String> = proxy
        .take("bad-body")
        .expect("the call went through the proxy")
        .request_violations()
        .map(ToString::to_string)
        .collect();
    assert!(
        violations
            .iter()
            .any(|v| v.starts_with("request.body.amount:")),
        "{violations:?}"
    );
    assert!(
        violations
            .iter()
            .any(|v| v.contains("required property 'scope'")),
        "{violations:?}"
    );
    assert!(
        matches!(&result, Err(rt::Error::Api { status, .. }) if status.as_u16() == 400),
        "wanted the typed 400 error, got {result:?}"
    );

    let client = client_through(&proxy, "bad-path");
    let result = client
        .raw()
        .request(&GET_CUSTOMER_BY_ID)
        .path_param("customerId", "not-a-number")
        .send::<models::Customer, models::ErrorResponse>()
        .await;
    let violations: Vec<String> = proxy
        .take("bad-path")
        .expect("the call went through the proxy")
        .request_violations()
        .map(ToString::to_string)
        .collect();
    assert!(
        violations
            .iter()
            .any(|v| v.to_lowercase().starts_with("request.path.customerid:")),
        "{violations:?}"
    );
    assert!(
        matches!(&result, Err(rt::Error::Api { status, .. }) if status.as_u16() == 400),
        "wanted the typed 400 error, got {result:?}"
    );
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
        .customers()
        .get_customer_by_id(1)
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
