//! A `readOnly` property is not needed to build a request body and is not sent unless set; a
//! `writeOnly` one is not needed to decode a response.

use fixture_read_only_write_only::models::Account;
use fixture_read_only_write_only::runtime::serde_json::{self, json};

#[test]
fn a_request_body_is_built_and_sent_without_the_servers_fields() {
    let account = Account::new("ada").with_password("s3cret");
    assert_eq!(
        serde_json::to_value(&account).unwrap(),
        json!({"name": "ada", "password": "s3cret"})
    );
}

#[test]
fn a_response_decodes_without_the_clients_fields() {
    let account: Account = fixture_read_only_write_only::from_json(
        br#"{"id": 7, "name": "ada", "createdAt": "2026-12-07T23:30:00Z"}"#,
    )
    .unwrap();
    assert_eq!(account.id, Some(7));
    assert_eq!(account.password, None);
    assert!(account.created_at.is_some());
}
