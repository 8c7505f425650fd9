//! Numbers keep their exact value: a `number` decodes through a generated crate's `from_json`
//! to the nearest `f64` (the one the text denotes, not one a unit in the last place off) and
//! encodes back to text that denotes the same `f64`.
//!
//! serde_json's default float parser takes a fast path that is off by one ulp for some inputs
//! (`1.4155491449677313e+143` decoded as `1.415549144967731e+143`); the runtime turns on its
//! `float_roundtrip` feature, which cargo's feature unification applies to every crate
//! decoding through the runtime.

use magicline::models::CalculatedTax;

/// Values off serde_json's fast path, and the edges of `f64`.
const CASES: &[(&str, f64)] = &[
    ("1.4155491449677313e+143", 1.415_549_144_967_731_3e143),
    ("8.98846567431158e+307", 8.988_465_674_311_58e307),
    ("2.2250738585072014e-308", 2.225_073_858_507_201_4e-308),
    ("5e-324", 5e-324),
    ("1.7976931348623157e+308", f64::MAX),
    ("0.30000000000000004", 0.300_000_000_000_000_04),
    ("9007199254740993", 9_007_199_254_740_992.0),
    ("43.19", 43.19),
    ("-0.1", -0.1),
];

#[test]
fn numbers_decode_to_the_nearest_f64_and_encode_back_to_the_same_value() {
    let mut wrong = Vec::new();
    for (text, expected) in CASES {
        let body = format!(r#"{{"netAmount":{text},"grossAmount":{text}}}"#);
        let tax: CalculatedTax =
            magicline::from_json(body.as_bytes()).expect("a valid CalculatedTax");
        let decoded = tax.net_amount.expect("netAmount was sent");
        if decoded.to_bits() != expected.to_bits() {
            wrong.push(format!("{text} decoded as {decoded:e}, not {expected:e}"));
            continue;
        }
        // Encoded back, the text denotes the same f64 (serde_json writes the shortest text
        // that does: `1.4155491449677313e+143`), and that text decodes to it again.
        let encoded = serde_json::to_string(&tax).expect("a model serialises");
        let again: CalculatedTax =
            magicline::from_json(encoded.as_bytes()).expect("its own output decodes");
        if again != tax {
            wrong.push(format!(
                "{text} encoded as {encoded}, which decodes as {again:?}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn encoded_numbers_are_the_shortest_exact_text() {
    let tax: CalculatedTax =
        magicline::from_json(br#"{"netAmount":1.4155491449677313e+143,"taxRate":8}"#).unwrap();
    assert_eq!(
        serde_json::to_string(&tax).unwrap(),
        r#"{"netAmount":1.4155491449677313e+143,"taxRate":8.0}"#
    );
}
