//! The generated webhook types with the runtime's receiver, as a partner's endpoint uses them:
//! the spec's own examples decode, the receiver's answers for every kind of delivery, and no
//! event acknowledged before it was handled. (The same over real HTTP:
//! `examples/tests/device_and_webhooks.rs`.)

use magicline_webhooks::models::{WebhookEvent, WebhookEventRequest};
use magicline_webhooks::runtime::HeaderMap;
use magicline_webhooks::runtime::StatusCode;
use magicline_webhooks::runtime::uuid::Uuid;
use magicline_webhooks::runtime::webhook::{Delivery, Reason, Receiver};
use magicline_webhooks::runtime::{self as rt};
use workspace_tests::examples::{component_examples, equivalent};
use workspace_tests::specs::WEBHOOKS;

const KEY: &str = "partner-key-from-integration-setup";

#[test]
fn the_specs_examples_decode_and_round_trip() {
    let examples = component_examples(&WEBHOOKS.json());
    assert!(examples.len() >= 2, "{}", examples.len());
    for example in &examples {
        let body = serde_json::to_vec(&example.value).expect("JSON serialises");
        let back = match example.key.as_str() {
            "WebhookEventRequest" => rt::decode_json::<WebhookEventRequest>(&body)
                .map(|v| serde_json::to_value(v).expect("serialises")),
            "WebhookEvent" => rt::decode_json::<WebhookEvent>(&body)
                .map(|v| serde_json::to_value(v).expect("serialises")),
            other => panic!("an unexpected component {other}"),
        }
        .unwrap_or_else(|e| panic!("{}: {e}", example.label));
        equivalent(&example.value, &back).unwrap_or_else(|e| panic!("{}: {e}", example.label));
    }
}

fn receiver() -> Receiver<WebhookEventRequest, Uuid> {
    Receiver::new(
        magicline_webhooks::API_KEY_HEADER,
        KEY,
        |request: &WebhookEventRequest| request.uuid,
    )
    .expect("the receiver is set up")
}

fn with_key(key: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        magicline_webhooks::API_KEY_HEADER,
        key.parse().expect("a header value"),
    );
    headers
}

fn body(uuid: &str, kind: &str) -> Vec<u8> {
    format!(
        r#"{{"entityId": 7893459, "uuid": "{uuid}", "payload": [{{"timestamp": 1642779144176, "type": "{kind}"}}]}}"#
    )
    .into_bytes()
}

#[test]
fn every_kind_of_delivery_gets_its_answer() {
    let receiver = receiver();
    let uuid = "1b4e28ba-2fa1-11d2-883f-0016d3cca427";

    // Right key: decoded, claimed for handling.
    let first = match receiver.receive(&with_key(KEY), &body(uuid, "CUSTOMER_CREATED")) {
        Ok(Delivery::New(claim)) => claim,
        other => panic!("not a first delivery: {other:?}"),
    };
    assert_eq!(first.event().entity_id, 7_893_459);
    assert_eq!(first.event().payload[0].type_, "CUSTOMER_CREATED");
    let id = *first.id();
    first.commit();

    // The same delivery after it was handled: acknowledged, not handed out again.
    match receiver.receive(&with_key(KEY), &body(uuid, "CUSTOMER_CREATED")) {
        Ok(Delivery::Handled { id: again, .. }) => assert_eq!(again, id),
        other => panic!("not taken for handled: {other:?}"),
    }

    // Wrong and missing key.
    let wrong = receiver
        .receive(&with_key("guess"), &body(uuid, "CUSTOMER_CREATED"))
        .unwrap_err();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(matches!(wrong.reason(), Reason::WrongKey(_)));
    let missing = receiver
        .receive(&HeaderMap::new(), &body(uuid, "CUSTOMER_CREATED"))
        .unwrap_err();
    assert_eq!(missing.status(), StatusCode::UNAUTHORIZED);
    assert!(matches!(missing.reason(), Reason::MissingKey(_)));

    // Malformed body: the timestamp is not a number.
    let malformed = receiver
        .receive(
            &with_key(KEY),
            br#"{"entityId": 1, "uuid": "1b4e28ba-2fa1-11d2-883f-0016d3cca428", "payload": [{"timestamp": "yesterday", "type": "X"}]}"#,
        )
        .unwrap_err();
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
    assert!(
        malformed
            .to_string()
            .starts_with("malformed body: at payload[0].timestamp"),
        "{malformed}"
    );

    // An unknown event type, with unknown extra fields: accepted and passed on as sent.
    let unknown = receiver
        .receive(
            &with_key(KEY),
            br#"{"entityId": 5, "uuid": "1b4e28ba-2fa1-11d2-883f-0016d3cca429", "payload": [{"timestamp": 1, "type": "BRAND_NEW_EVENT", "extra": true}], "version": 2}"#,
        )
        .expect("an unknown type is accepted");
    match unknown {
        Delivery::New(claim) => assert_eq!(claim.event().payload[0].type_, "BRAND_NEW_EVENT"),
        other => panic!("not a first delivery: {other:?}"),
    }
}

/// At-least-once delivery without losing an event: a handler that fails leaves the event
/// unhandled, so Magicline's next delivery is handled (exactly once); a delivery that arrives
/// while the event is being handled is answered with a status the webhooks spec documents and
/// that is not a success, so Magicline delivers it again instead of taking it for handled.
#[test]
fn an_event_is_acknowledged_only_once_its_handler_committed() {
    let receiver = receiver();
    let uuid = "6f9619ff-8b86-d011-b42d-00c04fc964ff";
    let delivery = body(uuid, "CUSTOMER_UPDATED");

    // First delivery: the handler fails, the claim is dropped uncommitted.
    match receiver.receive(&with_key(KEY), &delivery) {
        Ok(Delivery::New(claim)) => drop(claim),
        other => panic!("not a first delivery: {other:?}"),
    }
    // Second delivery: handled. Meanwhile a third arrives and is not acknowledged.
    let claim = match receiver.receive(&with_key(KEY), &delivery) {
        Ok(Delivery::New(claim)) => claim,
        other => panic!("the failed attempt counted: {other:?}"),
    };
    let during = receiver
        .receive(&with_key(KEY), &delivery)
        .expect_err("a duplicate during handling is not acknowledged");
    assert_eq!(during.reason(), &Reason::InProgress);
    let documented = documented_statuses();
    assert!(
        documented.contains(&during.status().as_u16()) && !during.status().is_success(),
        "{} is not an error status the spec documents ({documented:?})",
        during.status()
    );
    claim.commit();
    // Every later delivery: already handled.
    for _ in 0..2 {
        match receiver.receive(&with_key(KEY), &delivery) {
            Ok(Delivery::Handled { .. }) => {}
            other => panic!("handed out again: {other:?}"),
        }
    }
}

/// The statuses the webhooks spec documents for answering a delivery.
fn documented_statuses() -> Vec<u16> {
    let spec = WEBHOOKS.json();
    let responses = spec["paths"]["/webhook"]["post"]["responses"]
        .as_object()
        .expect("the webhooks spec documents the answers to a delivery");
    responses
        .keys()
        .filter_map(|status| status.parse().ok())
        .collect()
}
