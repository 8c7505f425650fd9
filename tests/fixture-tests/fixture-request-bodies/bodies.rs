//! Bodies beyond JSON go out as their media type says: the exact bytes and `Content-Type` a
//! server receives, read from the mock server underneath the typed mocks.

use std::collections::BTreeMap;

use fixture_request_bodies::mock::MockServer;
use fixture_request_bodies::models::{ChargeForm, Pet, Shipping};

/// The body and `Content-Type` of the one request the server received.
async fn received(server: &MockServer) -> (String, String) {
    let requests = server
        .runtime()
        .wiremock()
        .received_requests()
        .await
        .expect("requests are recorded");
    assert_eq!(requests.len(), 1, "exactly one request");
    let request = &requests[0];
    let content_type = request
        .headers
        .get("content-type")
        .map(|value| value.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (
        content_type,
        String::from_utf8_lossy(&request.body).into_owned(),
    )
}

#[tokio::test]
async fn a_form_body_is_encoded_in_each_property_s_style() {
    let server = MockServer::start().await;
    let form = ChargeForm::new(1999, "eur")
        .with_description("Größe M & L")
        .with_metadata(BTreeMap::from([("order".to_owned(), "42".to_owned())]))
        .with_expand(vec!["customer".to_owned()])
        .with_tags(vec!["a".to_owned(), "b".to_owned()])
        .with_ids(vec![1, 2])
        .with_channels(vec!["web".to_owned(), "app".to_owned()])
        .with_shipping(Shipping::default().with_city("Köln"));
    server
        .untagged()
        .create_charge(&form)
        .returns(&Default::default())
        .await;

    server
        .client()
        .untagged()
        .create_charge(form)
        .await
        .unwrap();

    let (content_type, body) = received(&server).await;
    assert_eq!(content_type, "application/x-www-form-urlencoded");
    assert_eq!(
        body,
        "amount=1999&currency=eur&description=Gr%C3%B6%C3%9Fe+M+%26+L\
         &metadata%5Border%5D=42&expand%5B0%5D=customer&tags=a&tags=b&ids=1%2C2\
         &channels=web%7Capp&city=K%C3%B6ln"
    );
    server.verify();
}

#[tokio::test]
async fn text_and_binary_bodies_are_sent_as_given_with_their_media_type() {
    let server = MockServer::start().await;
    server
        .untagged()
        .add_note()
        .body("Needs a vet visit.")
        .returns()
        .await;
    server
        .client()
        .untagged()
        .add_note()
        .body("Needs a vet visit.")
        .await
        .unwrap();
    assert_eq!(
        received(&server).await,
        ("text/plain".to_owned(), "Needs a vet visit.".to_owned())
    );
    server.verify();

    server.reset().await;
    let png = &b"\x89PNG\r\n"[..];
    server.untagged().upload_photo(7, png).returns().await;
    server
        .client()
        .untagged()
        .upload_photo(7, png)
        .await
        .unwrap();
    assert_eq!(received(&server).await.0, "image/png");
    server.verify();
}

#[tokio::test]
async fn a_wildcard_media_type_is_sent_as_octet_stream_unless_the_call_says_otherwise() {
    let server = MockServer::start().await;
    server
        .untagged()
        .upload_attachment(7, "%PDF")
        .returns()
        .await;
    server
        .client()
        .untagged()
        .upload_attachment(7, "%PDF")
        .header("Content-Type", "application/pdf")
        .await
        .unwrap();
    assert_eq!(received(&server).await.0, "application/pdf");

    server.reset().await;
    server
        .untagged()
        .upload_attachment(7, "raw")
        .returns()
        .await;
    server
        .client()
        .untagged()
        .upload_attachment(7, "raw")
        .await
        .unwrap();
    assert_eq!(received(&server).await.0, "application/octet-stream");
    server.verify();
}

#[tokio::test]
async fn json_is_picked_when_a_form_is_offered_too() {
    let server = MockServer::start().await;
    let pet = Pet::new("Rex");
    server.untagged().create_pet(&pet).returns().await;
    server.client().untagged().create_pet(pet).await.unwrap();
    assert_eq!(
        received(&server).await,
        (
            "application/json".to_owned(),
            r#"{"name":"Rex"}"#.to_owned()
        )
    );
}
