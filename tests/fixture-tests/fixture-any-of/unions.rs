//! A string field inside a union's alternative is as lenient as anywhere else: serde's own
//! `#[serde(untagged)]` would not let the runtime's adapter reach it.

use fixture_any_of::models::{Person, Place, SearchHit};

#[test]
fn a_number_for_a_string_inside_an_alternative_is_its_text() {
    let hit: SearchHit = fixture_any_of::runtime::decode_json(br#"{"city": 10115}"#).unwrap();
    assert_eq!(hit, SearchHit::Place(Place::default().with_city("10115")));
    let hit: SearchHit = fixture_any_of::runtime::decode_json(br#"{"name": "Ada"}"#).unwrap();
    assert_eq!(hit, SearchHit::Person(Person::default().with_name("Ada")));
}

#[test]
fn inside_a_list_of_responses_too() {
    let hits: Vec<SearchHit> =
        fixture_any_of::runtime::decode_json(br#"[{"name": 7}, {"city": "Berlin"}]"#).unwrap();
    assert_eq!(
        hits,
        [
            SearchHit::Person(Person::default().with_name("7")),
            SearchHit::Place(Place::default().with_city("Berlin")),
        ]
    );
}
