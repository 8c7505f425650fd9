//! Decoding an untagged union (`oneOf` without a discriminator) as generated code does, with
//! `lenient::untagged`: the alternatives tried in the document's order (no evidence, what
//! generated unions did before evidence) against the order the value's evidence gives, and
//! serde's own `#[serde(untagged)]` for scale. The body is 10,000 items of a four-alternative
//! union in which the first alternative tolerates every value (an object ignoring members it
//! does not know), as `Item` in codegen's `one_of_evidence` fixture.

use std::hint::black_box;
use std::time::Duration;

use openapi_client_runtime::evidence::Evidence;
use openapi_client_runtime::lenient;
use serde::Deserialize;

use crate::cpu;

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Note {
    title: Option<String>,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Product {
    title: String,
    price: f64,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Payment {
    kind: String,
    amount: f64,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Refund {
    kind: String,
    amount: f64,
    reason: String,
}

#[derive(Debug)]
enum Item {
    Note(Note),
    Product(Product),
    Payment(Payment),
    Refund(Refund),
}

/// What the generator emits for the four alternatives.
const EVIDENCE: &[Evidence] = &[
    Evidence {
        properties: &["title"],
        ..Evidence::object()
    },
    Evidence {
        required: &["title", "price"],
        properties: &["title", "price"],
        ..Evidence::object()
    },
    Evidence {
        required: &["kind", "amount"],
        values: &[("kind", &["payment"])],
        properties: &["kind", "amount"],
        ..Evidence::object()
    },
    Evidence {
        required: &["kind", "amount", "reason"],
        values: &[("kind", &["refund"])],
        properties: &["kind", "amount", "reason"],
        ..Evidence::object()
    },
];

fn decode_item<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
    evidence: &[Evidence],
) -> Result<Item, D::Error> {
    lenient::untagged(
        deserializer,
        "Item",
        evidence,
        &[
            |value| value.decode().map(Item::Note),
            |value| value.decode().map(Item::Product),
            |value| value.decode().map(Item::Payment),
            |value| value.decode().map(Item::Refund),
        ],
    )
}

/// `Item` decoded by evidence, as generated unions are now.
struct ByEvidence(Item);

impl<'de> Deserialize<'de> for ByEvidence {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        decode_item(deserializer, EVIDENCE).map(ByEvidence)
    }
}

/// `Item` decoded in the document's order: the first alternative that accepts wins.
struct InOrder(Item);

impl<'de> Deserialize<'de> for InOrder {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        decode_item(deserializer, &[]).map(InOrder)
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
#[allow(dead_code)]
enum SerdeUntagged {
    Note(Note),
    Product(Product),
    Payment(Payment),
    Refund(Refund),
}

fn body(items: usize) -> Vec<u8> {
    let items: Vec<serde_json::Value> = (0..items)
        .map(|i| match i % 4 {
            0 => serde_json::json!({"title": format!("note {i}")}),
            1 => serde_json::json!({"title": format!("product {i}"), "price": i as f64 / 4.0}),
            2 => serde_json::json!({"kind": "payment", "amount": i as f64 / 8.0}),
            _ => serde_json::json!({"kind": "refund", "amount": 1.5, "reason": format!("r{i}")}),
        })
        .collect();
    serde_json::to_vec(&items).expect("encodes")
}

/// How many items of each alternative a decode found (Note, Product, Payment, Refund).
fn tally(items: impl Iterator<Item = Item>) -> [usize; 4] {
    let mut counts = [0; 4];
    for item in items {
        counts[match item {
            Item::Note(_) => 0,
            Item::Product(_) => 1,
            Item::Payment(_) => 2,
            Item::Refund(_) => 3,
        }] += 1;
    }
    counts
}

fn by_evidence(body: &[u8]) -> usize {
    let items: Vec<ByEvidence> = openapi_client_runtime::decode_json(body).expect("decodes");
    black_box(items).len()
}

fn in_order(body: &[u8]) -> usize {
    let items: Vec<InOrder> = openapi_client_runtime::decode_json(body).expect("decodes");
    black_box(items).len()
}

fn serde_untagged(body: &[u8]) -> usize {
    let items: Vec<SerdeUntagged> = serde_json::from_slice(body).expect("decodes");
    black_box(items).len()
}

const VARIANTS: [(&str, fn(&[u8]) -> usize); 3] = [
    (
        "serde's #[serde(untagged)], serde_json::from_slice",
        serde_untagged,
    ),
    ("lenient::untagged, document order (before)", in_order),
    ("lenient::untagged, by evidence (now)", by_evidence),
];

/// Prints the CPU time of each way to decode the union body, median of `iterations`.
pub fn benchmark(iterations: usize) {
    let items = 10_000;
    let body = body(items);
    let mb = body.len() as f64 / 1e6;
    println!();
    println!("## Decode: {items} items of an untagged union of four objects, {mb:.2} MB");
    let decode = |body: &[u8]| -> Vec<Item> {
        let items: Vec<ByEvidence> = openapi_client_runtime::decode_json(body).expect("decodes");
        items.into_iter().map(|item| item.0).collect()
    };
    let ordered = |body: &[u8]| -> Vec<Item> {
        let items: Vec<InOrder> = openapi_client_runtime::decode_json(body).expect("decodes");
        items.into_iter().map(|item| item.0).collect()
    };
    println!(
        "items decoded as (Note, Product, Payment, Refund): by evidence {:?}, in document order {:?}",
        tally(decode(&body).into_iter()),
        tally(ordered(&body).into_iter())
    );
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); VARIANTS.len()];
    for round in 0..iterations {
        for k in 0..VARIANTS.len() {
            let index = (k + round) % VARIANTS.len();
            let started = cpu::thread_time();
            black_box((VARIANTS[index].1)(black_box(&body)));
            times[index].push(cpu::thread_time() - started);
        }
    }
    let medians: Vec<Duration> = (times.iter_mut()).map(|t| crate::median(t)).collect();
    println!();
    println!(
        "| {:<52} | {:>9} | {:>8} | {:>15} |",
        "variant", "CPU ms", "MB/s", "vs document order"
    );
    println!(
        "|{}|{}:|{}:|{}:|",
        "-".repeat(54),
        "-".repeat(10),
        "-".repeat(9),
        "-".repeat(16)
    );
    for ((name, _), median) in VARIANTS.iter().zip(&medians) {
        println!(
            "| {:<52} | {:>9.2} | {:>8.1} | {:>14.1}% |",
            name,
            median.as_secs_f64() * 1e3,
            mb / median.as_secs_f64(),
            100.0 * medians[1].as_secs_f64() / median.as_secs_f64(),
        );
    }
}
