//! Decoding an untagged union (`oneOf` without a discriminator) as generated code does, with
//! `lenient::untagged`: the alternatives tried in the document's order (no evidence, what
//! generated unions did before evidence) against the order the value's evidence gives. The body is 10,000 items of a four-alternative
//! union in which the first alternative tolerates every value (an object ignoring members it
//! does not know), as `Item` in codegen's `one_of_evidence` fixture.

use std::hint::black_box;
use std::time::Duration;

use openapi_client_runtime::evidence::Evidence;
use openapi_client_runtime::lenient;
use serde::Deserialize;

use crate::cpu;

#[derive(Debug, Deserialize)]
struct Note {
    title: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Product {
    title: String,
    price: f64,
}

#[derive(Debug, Deserialize)]
struct Payment {
    kind: String,
    amount: f64,
}

#[derive(Debug, Deserialize)]
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

/// How many items of each alternative a decode found (Note, Product, Payment, Refund), and
/// how many of the body's members the decoded values kept.
fn tally(items: impl Iterator<Item = Item>) -> ([usize; 4], usize) {
    let mut counts = [0; 4];
    let mut kept = 0;
    for item in items {
        let (index, members) = match item {
            Item::Note(note) => (0, usize::from(note.title.is_some())),
            Item::Product(p) => (
                1,
                usize::from(!p.title.is_empty()) + usize::from(p.price >= 0.0),
            ),
            Item::Payment(p) => (
                2,
                usize::from(!p.kind.is_empty()) + usize::from(p.amount >= 0.0),
            ),
            Item::Refund(r) => {
                let text = usize::from(!r.kind.is_empty()) + usize::from(!r.reason.is_empty());
                (3, text + usize::from(r.amount >= 0.0))
            }
        };
        counts[index] += 1;
        kept += members;
    }
    (counts, kept)
}

fn by_evidence(body: &[u8]) -> usize {
    let items: Vec<ByEvidence> = openapi_client_runtime::decode_json(body).expect("decodes");
    black_box(items).len()
}

fn in_order(body: &[u8]) -> usize {
    let items: Vec<InOrder> = openapi_client_runtime::decode_json(body).expect("decodes");
    black_box(items).len()
}

/// A way to decode the body: its name and the decode (how many items).
type Variant = (&'static str, fn(&[u8]) -> usize);

const VARIANTS: [Variant; 2] = [
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
        "items decoded as (Note, Product, Payment, Refund), members kept: by evidence {:?}, in \
         document order {:?}",
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
            100.0 * medians[0].as_secs_f64() / median.as_secs_f64(),
        );
    }
}
