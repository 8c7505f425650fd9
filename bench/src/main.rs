//! Benchmarks of the generated Magicline client, printed as ratios measured in one run:
//!
//! 1. decode throughput and peak memory of a 10,000-customer `getCustomers` body: the generated
//!    models through `openapi_client_runtime::decode_json` against a minimal hand-written serde
//!    struct through `serde_json::from_slice`; and an untagged union decoded by evidence against
//!    the document's order (`unions.rs`);
//! 2. per-request overhead: `GET /v1/customers/{id}` against a local mock server, the generated
//!    client against raw `reqwest` with the same settings.
//!
//! Run with `cargo run -p bench --release --bin bench [-- OPTIONS]`; `--help` lists the options.
//! Results and the machine they were measured on are in `BENCHMARKS.md`.

// `json!` for a whole Customer nests deeper than the default limit.
#![recursion_limit = "256"]

mod alloc;
mod baseline;
mod cpu;
mod data;
mod requests;
mod unions;

use std::hint::black_box;
use std::time::Duration;

use magicline::models::CustomerSlicedResult;
use openapi_client_runtime::lenient::Lenient;
use serde::de::DeserializeOwned;

#[global_allocator]
static ALLOCATOR: alloc::Counting = alloc::Counting;

/// Command-line options; every one has a default so a bare run measures everything.
struct Options {
    customers: usize,
    decode_iterations: usize,
    requests: usize,
    skip_decode: bool,
    skip_requests: bool,
}

const USAGE: &str = "\
usage: bench [--customers N] [--decode-iterations N] [--requests N]
             [--decode-only] [--requests-only]

  --customers N          customers in the decoded body (default 10000)
  --decode-iterations N  timed decodes per variant; the median is reported (default 31)
  --requests N           measured requests per client (default 5000)";

impl Options {
    fn parse() -> Result<Options, String> {
        let mut options = Options {
            customers: 10_000,
            decode_iterations: 31,
            requests: 5000,
            skip_decode: false,
            skip_requests: false,
        };
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            let mut number = || -> Result<usize, String> {
                let value = args.next().ok_or(format!("{arg} needs a value"))?;
                match value.parse() {
                    Ok(n) if n > 0 => Ok(n),
                    _ => Err(format!("{arg}: expected a positive number, got {value:?}")),
                }
            };
            match arg.as_str() {
                "--customers" => options.customers = number()?,
                "--decode-iterations" => options.decode_iterations = number()?,
                "--requests" => options.requests = number()?,
                "--decode-only" => options.skip_requests = true,
                "--requests-only" => options.skip_decode = true,
                "-h" | "--help" => return Err(String::new()),
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        Ok(options)
    }
}

fn main() {
    let options = match Options::parse() {
        Ok(options) => options,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("{message}");
            }
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    println!(
        "command: cargo run -p bench --release --bin bench{}{}",
        if args.is_empty() { "" } else { " -- " },
        args.join(" ")
    );
    if cfg!(debug_assertions) {
        println!("warning: debug build; figures are meaningless without --release");
    }
    if !options.skip_decode {
        decode_benchmark(&options);
        unions::benchmark(options.decode_iterations);
    }
    if !options.skip_requests {
        requests::benchmark(options.requests);
    }
}

/// One way of decoding the body, measured like the others.
struct Variant {
    name: &'static str,
    decode: fn(&[u8]) -> usize,
}

/// Decodes with the generated models exactly as a generated operation does.
fn generated_decode_json(body: &[u8]) -> usize {
    let slice: CustomerSlicedResult = openapi_client_runtime::decode_json(body).expect("decodes");
    keep(slice).result.len()
}

/// `decode_json`'s error path on a body that decodes: what every decode would cost if path
/// tracking were always on (adapter and `serde_path_to_error`).
fn generated_tracked_lenient(body: &[u8]) -> usize {
    let mut de = serde_json::Deserializer::from_slice(body);
    let slice: CustomerSlicedResult =
        serde_path_to_error::deserialize(Lenient(&mut de)).expect("decodes");
    de.end().expect("no trailing bytes");
    keep(slice).result.len()
}

fn generated_plain(body: &[u8]) -> usize {
    let slice: CustomerSlicedResult = serde_json::from_slice(body).expect("decodes");
    keep(slice).result.len()
}

fn baseline_plain(body: &[u8]) -> usize {
    let slice: baseline::CustomerSlice = serde_json::from_slice(body).expect("decodes");
    keep(slice).result.len()
}

fn baseline_lenient(body: &[u8]) -> usize {
    keep(lenient::<baseline::CustomerSlice>(body)).result.len()
}

fn lenient<T: DeserializeOwned>(body: &[u8]) -> T {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = T::deserialize(Lenient(&mut de)).expect("decodes");
    de.end().expect("no trailing bytes");
    value
}

/// Keeps the optimiser from discarding a decoded value.
fn keep<T>(value: T) -> T {
    black_box(value)
}

const VARIANTS: [Variant; 5] = [
    Variant {
        name: "baseline: hand-written structs, serde_json::from_slice",
        decode: baseline_plain,
    },
    Variant {
        name: "baseline structs through the Lenient adapter",
        decode: baseline_lenient,
    },
    Variant {
        name: "generated models, serde_json::from_slice",
        decode: generated_plain,
    },
    Variant {
        name: "generated models, decode_json (adapter, fast path)",
        decode: generated_decode_json,
    },
    Variant {
        name: "generated models, adapter + serde_path_to_error",
        decode: generated_tracked_lenient,
    },
];

fn decode_benchmark(options: &Options) {
    let body = data::customer_slice(options.customers);
    let mb = body.len() as f64 / 1e6;
    println!();
    println!(
        "## Decode: getCustomers body, {} customers, {:.2} MB ({} bytes)",
        options.customers,
        mb,
        body.len()
    );
    check_equivalent(&body, options.customers);

    // Warm up caches and the allocator's free lists, then alternate variants so that drift
    // (frequency scaling, other load) spreads over all of them.
    for variant in &VARIANTS {
        assert_eq!(
            (variant.decode)(&body),
            options.customers,
            "{}",
            variant.name
        );
    }
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); VARIANTS.len()];
    for round in 0..options.decode_iterations {
        for k in 0..VARIANTS.len() {
            // Rotate the starting variant each round.
            let index = (k + round) % VARIANTS.len();
            let started = cpu::thread_time();
            let count = (VARIANTS[index].decode)(black_box(&body));
            times[index].push(cpu::thread_time() - started);
            black_box(count);
        }
    }
    let peaks: Vec<usize> = VARIANTS
        .iter()
        .map(|variant| alloc::peak_bytes(|| (variant.decode)(&body)).1)
        .collect();

    let baseline_median = median(&mut times[0]);
    let baseline_peak = peaks[0];
    println!(
        "median of {} decodes per variant, in thread CPU time (time spent waiting for a CPU, \
         which other load on the machine causes, is not counted); peak = most bytes allocated \
         at once during one decode, the decoded value included",
        options.decode_iterations
    );
    println!();
    println!(
        "| {:<66} | {:>9} | {:>8} | {:>11} | {:>12} | {:>10} |",
        "variant", "CPU ms", "MB/s", "vs baseline", "peak MB", "peak ratio"
    );
    println!(
        "|{}|{}:|{}:|{}:|{}:|{}:|",
        "-".repeat(68),
        "-".repeat(10),
        "-".repeat(9),
        "-".repeat(12),
        "-".repeat(13),
        "-".repeat(11)
    );
    for (index, variant) in VARIANTS.iter().enumerate() {
        let m = median(&mut times[index]);
        println!(
            "| {:<66} | {:>9.2} | {:>8.1} | {:>10.1}% | {:>12.2} | {:>9.2}x |",
            variant.name,
            m.as_secs_f64() * 1e3,
            mb / m.as_secs_f64(),
            100.0 * baseline_median.as_secs_f64() / m.as_secs_f64(),
            peaks[index] as f64 / 1e6,
            peaks[index] as f64 / baseline_peak as f64,
        );
    }
    println!(
        "\n\"vs baseline\" is throughput relative to the baseline (target for decode_json: >= 90%); \
         \"peak ratio\" likewise for memory (target: <= 1.2x)."
    );
}

/// The generated models and the baseline read the same values, so they measure the same work.
fn check_equivalent(body: &[u8], customers: usize) {
    let generated: CustomerSlicedResult =
        openapi_client_runtime::decode_json(body).expect("decodes");
    let baseline: baseline::CustomerSlice = serde_json::from_slice(body).expect("decodes");
    assert_eq!(generated.result.len(), customers);
    assert_eq!(generated.offset, baseline.offset);
    for (g, b) in generated.result.iter().zip(&baseline.result) {
        assert_eq!(g.id, b.id);
        assert_eq!(g.email, b.email);
        assert_eq!(g.status.as_str(), b.status);
        assert_eq!(
            g.created_date_time.as_ref().map(|d| d.as_str()),
            b.created_date_time.as_deref()
        );
        assert_eq!(
            g.date_of_birth.map(|d| d.to_string()),
            b.date_of_birth.clone()
        );
        assert_eq!(
            g.access_mediums.as_ref().map(Vec::len),
            b.access_mediums.as_ref().map(Vec::len)
        );
    }
    // The generated models do not fall back to `Unknown` for any documented value.
    assert!(
        generated
            .result
            .iter()
            .all(|c| !matches!(c.status, magicline::models::CustomerStatus::Unknown(_)))
    );
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort_unstable();
    samples[samples.len() / 2]
}
