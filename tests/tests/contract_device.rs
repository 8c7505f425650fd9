//! Contract tests of the generated `magicline-device` client (Magicline Device API) against
//! Prism: every operation, in static and dynamic mode, success and documented error statuses.
//! See `workspace_tests::contract` for the passes and `workspace_tests::prism` for running Prism
//! by hand. Needs Prism: `cargo xtask install-prism`.
//!
//! The Device API authenticates with a bearer token (from the Open API's `activateDevice`);
//! Prism checks that the `Authorization: Bearer` header is there, so every call here carries one.

use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use workspace_tests::contract::{KnownFailure, Servers, Suite, iterations};
use workspace_tests::specs::DEVICE;

/// The generated calls (`contract_calls::generate`, written by `tests/build.rs`).
#[allow(dead_code)]
mod calls {
    include!(concat!(
        env!("OUT_DIR"),
        "/contract_calls/magicline-device.rs"
    ));
}

/// Dynamic calls per operation (override with `CONTRACT_ITERATIONS`).
const DYNAMIC_ITERATIONS: usize = 16;

/// Operations that cannot pass a pass, and why: none.
const KNOWN_FAILURES: &[KnownFailure] = &[];

/// A placeholder token: Prism checks that one is sent, not its value.
const TOKEN: &str = "contract-test-device-token";

fn servers() -> &'static Servers {
    static SERVERS: OnceLock<Servers> = OnceLock::new();
    SERVERS.get_or_init(|| Servers::start(&DEVICE, Path::new(env!("CARGO_TARGET_TMPDIR"))))
}

fn builder() -> magicline_device::ClientBuilder {
    magicline_device::Client::builder().bearer_token(TOKEN)
}

fn suite() -> Suite<magicline_device::Client> {
    Suite {
        api: DEVICE.name,
        operations: &calls::OPERATIONS,
        builder,
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
// Authentication: what Prism (standing in for the server) sees, and what it says without it.

use magicline_device::models;
use magicline_device::runtime as rt;
use workspace_tests::proxy::{CALL_HEADER, Proxy};

/// The token travels as `Authorization: Bearer <token>`, which Prism accepts; a request without
/// it is refused with the documented, typed 401.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bearer_token_is_sent_and_a_request_without_one_gets_the_typed_401() {
    let proxy = Proxy::start(servers().static_prism.url()).await;
    let client = builder()
        .base_url(proxy.url())
        .retry(rt::RetryPolicy::none())
        .default_header(CALL_HEADER, "with-token")
        .build()
        .expect("the test client builds");
    client
        .time()
        .time_price()
        .await
        .expect("Prism accepts the bearer token");
    let exchange = proxy
        .take("with-token")
        .expect("the call went through the proxy");
    assert_eq!(
        exchange.request_violations().count(),
        0,
        "Prism found nothing wrong with the request"
    );

    // The runtime's request builder without the credential: the raw client of an API without
    // auth, pointed at the same server.
    static TIME_PRICE: rt::Operation = rt::Operation {
        id: "timePrice",
        method: rt::Method::GET,
        path: "/open-api/device/time/price",
    };
    let anonymous = rt::ClientBuilder::<rt::Client>::new(rt::ApiDefaults {
        user_agent: "contract-test",
        auth: rt::Auth::None,
    })
    .base_url(servers().static_prism.url())
    .retry(rt::RetryPolicy::none())
    .build()
    .expect("the anonymous client builds");
    let result = anonymous
        .request(&TIME_PRICE)
        .send::<models::TimeReaderPriceResponse, models::ApiError>()
        .await;
    match result {
        Err(rt::Error::Api {
            status,
            body: models::ApiError::Unauthorized,
            ..
        }) => assert_eq!(status.as_u16(), 401),
        other => panic!("wanted the typed 401, got {other:?}"),
    }
}
