//! The inheritance pattern: `Pet` has a discriminator and its children extend it with `allOf`;
//! where `Pet` is used it means one of the children, chosen by the `petType` tag: an explicit
//! `mapping` entry (`dog`), the one value a child's tag property allows (`lizard`), or the
//! child's name (`Cat`).

use fixture_discriminator_inheritance::models::{Cat, Dog, Lizard, Pet};
use fixture_discriminator_inheritance::runtime::{decode_json, serde_json};
use serde_json::json;

fn encoded<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap()
}

#[test]
fn the_base_decodes_as_the_child_its_tag_names() {
    let pets: Vec<Pet> = decode_json(
        br#"[
            {"petType": "Cat", "name": "Tom", "indoor": true},
            {"petType": "dog", "name": "Rex", "barks": true},
            {"petType": "lizard", "name": "Liz", "scales": 300}
        ]"#,
    )
    .unwrap();
    assert_eq!(
        pets,
        [
            Pet::Cat(Cat::default().with_name("Tom").with_indoor(true)),
            Pet::Dog(Dog::default().with_name("Rex").with_barks(true)),
            Pet::Lizard(Lizard::default().with_name("Liz").with_scales(300)),
        ]
    );
    assert_eq!(
        pets.iter().map(Pet::tag).collect::<Vec<_>>(),
        [Some("Cat"), Some("dog"), Some("lizard")]
    );
}

#[test]
fn the_tag_alone_chooses_not_the_fields() {
    // A cat's fields, a dog's tag: the tag wins, so the dog's required `barks` is missing.
    let error =
        decode_json::<Pet>(br#"{"petType": "dog", "name": "Tom", "indoor": true}"#).unwrap_err();
    assert!(error.to_string().contains("barks"), "{error}");
    // The mapping names the dog `dog`; its schema name is not a second tag for it.
    let other: Pet = decode_json(br#"{"petType": "Dog", "name": "Rex", "barks": true}"#).unwrap();
    assert!(other.is_unknown(), "decoded as {other:?}");
    // Every child of `Pet` carries the tag: without one, nothing can be chosen.
    let error = decode_json::<Pet>(br#"{"name": "Tom"}"#).unwrap_err();
    assert!(
        error.to_string().contains("missing field `petType`"),
        "{error}"
    );
}

#[test]
fn an_unknown_tag_keeps_the_json_as_sent() {
    let raw = json!({"petType": "parrot", "name": "Polly", "talks": true});
    let parrot: Pet = decode_json(raw.to_string().as_bytes()).unwrap();
    assert_eq!(parrot, Pet::Unknown(raw.clone()));
    assert!(parrot.is_unknown());
    assert_eq!(parrot.tag(), Some("parrot"));
    assert_eq!(encoded(&parrot), raw);
}

#[test]
fn a_child_is_encoded_with_its_tag() {
    assert_eq!(
        encoded(&Pet::Dog(Dog::default().with_name("Rex").with_barks(false))),
        json!({"petType": "dog", "name": "Rex", "barks": false})
    );
    assert_eq!(
        encoded(&Pet::Lizard(Lizard::default().with_name("Liz"))),
        json!({"petType": "lizard", "name": "Liz"})
    );
    // A child used on its own, not through the base, writes its tag too.
    assert_eq!(
        encoded(&Cat::default().with_name("Tom")),
        json!({"petType": "Cat", "name": "Tom"})
    );
}

#[test]
fn what_is_encoded_decodes_as_the_same_child() {
    let pets = [
        Pet::Cat(Cat::default().with_name("Tom").with_indoor(false)),
        Pet::Dog(Dog::default().with_name("Rex").with_barks(true)),
        Pet::Lizard(Lizard::default().with_name("Liz").with_scales(12)),
    ];
    let text = serde_json::to_string(&pets).unwrap();
    let back: Vec<Pet> = decode_json(text.as_bytes()).unwrap();
    assert_eq!(back, pets);
}
