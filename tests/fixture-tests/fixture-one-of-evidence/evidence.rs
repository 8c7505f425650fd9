//! Untagged unions decode by evidence, not by order: each input below would land in the
//! alternative listed first (which accepts it too) if the first that accepts won.

use fixture_one_of_evidence::models::{
    Amount, Choice, ChoiceVariant0, Item, Label, LabelVariant0, Note, Payment, PaymentKind,
    Product, Refund, RefundKind,
};
use fixture_one_of_evidence::runtime::{decode_json, serde_json};
use serde_json::json;

fn decoded<T: serde::de::DeserializeOwned>(value: &serde_json::Value) -> T {
    decode_json(value.to_string().as_bytes()).unwrap()
}

/// Decodes `value` and checks that encoding gives it back: the variant kept everything.
fn round_trip<T>(value: serde_json::Value) -> T
where
    T: serde::de::DeserializeOwned + serde::Serialize,
{
    let decoded: T = decoded(&value);
    assert_eq!(serde_json::to_value(&decoded).unwrap(), value);
    decoded
}

#[test]
fn all_required_properties_present_beat_an_alternative_requiring_none() {
    let item: Item = round_trip(json!({"title": "Tea", "price": 2.5}));
    assert_eq!(
        item,
        Item::Product(Product::default().with_title("Tea").with_price(2.5))
    );
    // Without `price`, `Product` is contradicted and `Note` fits.
    let item: Item = round_trip(json!({"title": "Tea"}));
    assert_eq!(item, Item::Note(Note::default().with_title("Tea")));
}

#[test]
fn a_matching_enum_or_const_value_beats_an_open_enum_that_would_keep_it() {
    let item: Item = round_trip(json!({"kind": "payment", "amount": 5.5}));
    assert_eq!(
        item,
        Item::Payment(Payment::new(PaymentKind::Payment).with_amount(5.5))
    );
    let item: Item = round_trip(json!({"kind": "refund", "amount": 5.5}));
    assert_eq!(
        item,
        Item::Refund(Refund::new(RefundKind::Refund).with_amount(5.5))
    );
    // A kind neither knows contradicts both alike: the first listed keeps it.
    let item: Item = round_trip(json!({"kind": "chargeback", "amount": 1.5}));
    assert_eq!(
        item,
        Item::Refund(Refund::new(RefundKind::Unknown("chargeback".into())).with_amount(1.5))
    );
}

#[test]
fn a_string_outside_an_enum_is_the_plain_string_alternative() {
    let choice: Choice = round_trip(json!("auto"));
    assert_eq!(choice, Choice::ChoiceVariant0(ChoiceVariant0::Auto));
    let choice: Choice = round_trip(json!("manual"));
    assert_eq!(choice, Choice::String("manual".into()));
}

#[test]
fn an_integer_is_the_integer_alternative_listed_after_number() {
    let amount: Amount = round_trip(json!(5));
    assert_eq!(amount, Amount::Integer(5));
    let amount: Amount = round_trip(json!(5.25));
    assert_eq!(amount, Amount::Number(5.25));
}

#[test]
fn alternatives_nothing_tells_apart_go_to_the_first_listed_as_documented() {
    let label: Label = round_trip(json!({"text": "hello"}));
    assert_eq!(
        label,
        Label::LabelVariant0(LabelVariant0::default().with_text("hello"))
    );
}
