//! Per-request overhead of the generated client over raw `reqwest`, against a local mock server.

use std::time::{Duration, Instant};

use magicline::models::Customer;
use reqwest::header::{ACCEPT, HeaderValue, USER_AGENT};
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

const API_KEY: &str = "k";
/// Requests per client before measuring: connections, TLS-free loopback, caches.
const WARMUP: usize = 200;

/// Measures `count` sequential requests with each client and prints per-request latencies.
pub fn benchmark(count: usize) {
    // One thread for the clients; wiremock serves from its own thread.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(run(count));
}

async fn run(count: usize) {
    let body = serde_json::to_vec(&crate::data::customer(1)).expect("serialises");
    // Recording every request would grow memory and time with the request count.
    let server = MockServer::builder()
        .disable_request_recording()
        .start()
        .await;
    Mock::given(method("GET"))
        .and(path_regex(r"^/v1/customers/[0-9]+$"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body.clone(), "application/json"))
        .mount(&server)
        .await;
    let base_url = server.uri();

    let generated = magicline::Client::builder()
        .base_url(&base_url)
        .api_key(API_KEY)
        .build()
        .expect("a client");
    let raw = RawClient::new(&base_url);

    println!();
    println!(
        "## Requests: GET /v1/customers/{{id}} on {base_url} (wiremock), {} byte JSON body",
        body.len()
    );
    for id in 0..WARMUP as i64 {
        raw.get_customer(id).await;
        generated_get(&generated, id).await;
    }

    // The clients take turns request by request (raw, generated, generated, raw, ...), so load
    // from other processes on the machine hits both alike.
    let mut raw_samples = Vec::with_capacity(count);
    let mut generated_samples = Vec::with_capacity(count);
    for id in 0..count as i64 {
        let raw_first = id % 2 == 0;
        for first in [true, false] {
            let started = Instant::now();
            if first == raw_first {
                raw.get_customer(id).await;
                raw_samples.push(started.elapsed());
            } else {
                generated_get(&generated, id).await;
                generated_samples.push(started.elapsed());
            }
        }
    }

    let raw_stats = Stats::of(&mut raw_samples);
    let generated_stats = Stats::of(&mut generated_samples);
    println!(
        "{} sequential requests per client, the clients taking turns, after {WARMUP} warm-up \
         requests each",
        raw_samples.len()
    );
    println!();
    println!(
        "| {:<52} | {:>9} | {:>9} | {:>9} |",
        "client", "mean µs", "median µs", "p90 µs"
    );
    println!(
        "|{}|{}:|{}:|{}:|",
        "-".repeat(54),
        "-".repeat(10),
        "-".repeat(10),
        "-".repeat(10)
    );
    for (name, stats) in [
        (
            "raw reqwest + serde_json::from_slice (same headers)",
            &raw_stats,
        ),
        (
            "generated: client.customers().get_customer_by_id(id)",
            &generated_stats,
        ),
    ] {
        println!(
            "| {:<52} | {:>9.1} | {:>9.1} | {:>9.1} |",
            name,
            micros(stats.mean),
            micros(stats.median),
            micros(stats.p90)
        );
    }
    println!();
    println!(
        "overhead of the generated client: mean {:+.1}%, median {:+.1}% (target: well under 10%)",
        percent(generated_stats.mean, raw_stats.mean),
        percent(generated_stats.median, raw_stats.median)
    );
}

async fn generated_get(client: &magicline::Client, id: i64) {
    let customer = client
        .customers()
        .get_customer_by_id(id)
        .await
        .expect("the mock answers");
    std::hint::black_box(customer);
}

/// What a hand-written client would do: the runtime's reqwest settings (rustls, 10 s connect
/// timeout, 30 s request timeout) and headers (`User-Agent`, `Accept`, the API key marked
/// sensitive), one `send` and one `serde_json::from_slice` into the same generated model.
struct RawClient {
    http: reqwest::Client,
    base_url: String,
    api_key: HeaderValue,
}

impl RawClient {
    fn new(base_url: &str) -> RawClient {
        let mut api_key = HeaderValue::from_static(API_KEY);
        api_key.set_sensitive(true);
        // Our own reqwest client, maybe the process's first: rustls needs a provider.
        openapi_client_runtime::install_crypto_provider();
        RawClient {
            http: reqwest::Client::builder()
                .connect_timeout(Duration::from_secs(10))
                .build()
                .expect("a reqwest client"),
            base_url: base_url.to_owned(),
            api_key,
        }
    }

    async fn get_customer(&self, id: i64) {
        let response = self
            .http
            .get(format!("{}/v1/customers/{id}", self.base_url))
            .header(USER_AGENT, HeaderValue::from_static("magicline/0.1.0"))
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header("X-API-KEY", self.api_key.clone())
            .timeout(Duration::from_secs(30))
            .send()
            .await
            .expect("the mock answers");
        assert!(response.status().is_success());
        let body = response.bytes().await.expect("a body");
        let customer: Customer = serde_json::from_slice(&body).expect("decodes");
        std::hint::black_box(customer);
    }
}

struct Stats {
    mean: Duration,
    median: Duration,
    p90: Duration,
}

impl Stats {
    fn of(samples: &mut [Duration]) -> Stats {
        samples.sort_unstable();
        let total: Duration = samples.iter().sum();
        Stats {
            mean: total / samples.len() as u32,
            median: samples[samples.len() / 2],
            p90: samples[samples.len() * 9 / 10],
        }
    }
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn percent(value: Duration, reference: Duration) -> f64 {
    100.0 * (value.as_secs_f64() / reference.as_secs_f64() - 1.0)
}
