//! Query parameters go out in their document's `style` and `explode`: the exact pairs a server
//! receives, read from the mock server underneath the typed mocks, which match them too.

use std::collections::BTreeMap;

use fixture_parameters_query_styles::mock::MockServer;
use fixture_parameters_query_styles::models::{
    ListChargesCreated, ListChargesCreatedVariant0, ListChargesFilter, ListChargesPoint,
    ListChargesRange,
};

/// The decoded query pairs of the one request the server received.
async fn received_pairs(server: &MockServer) -> Vec<(String, String)> {
    let requests = server
        .runtime()
        .wiremock()
        .received_requests()
        .await
        .expect("requests are recorded");
    assert_eq!(requests.len(), 1, "exactly one request");
    requests[0].url.query_pairs().into_owned().collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    (expected.iter())
        .map(|(key, value)| (key.to_string(), value.to_string()))
        .collect()
}

#[tokio::test]
async fn every_style_is_written_as_the_document_says_and_matched_by_the_mock() {
    let server = MockServer::start().await;
    let range = ListChargesRange::new(1).with_to(9);
    let created = ListChargesCreated::ListChargesCreatedVariant0(
        ListChargesCreatedVariant0::default()
            .with_gte(10)
            .with_lt(20),
    );
    let metadata = BTreeMap::from([("order".to_owned(), "42".to_owned())]);
    let filter = ListChargesFilter::default()
        .with_city("Köln")
        .with_open(true);
    let point = ListChargesPoint::default().with_x(1).with_y(2);
    server
        .untagged()
        .list_charges(range.clone())
        .created(created.clone())
        .expand(vec!["customer".to_owned(), "invoice".to_owned()])
        .metadata(metadata.clone())
        .filter(filter.clone())
        .point(point.clone())
        .ids(vec![1, 2])
        .tags(vec!["a".to_owned(), "b".to_owned()])
        .words(vec!["x".to_owned(), "y".to_owned()])
        .plain(vec!["p".to_owned(), "q".to_owned()])
        .returns(&Vec::new())
        .expect(1)
        .await;

    server
        .client()
        .untagged()
        .list_charges(range)
        .created(created)
        .expand(vec!["customer".to_owned(), "invoice".to_owned()])
        .metadata(metadata)
        .filter(filter)
        .point(point)
        .ids(vec![1, 2])
        .tags(vec!["a".to_owned(), "b".to_owned()])
        .words(vec!["x".to_owned(), "y".to_owned()])
        .plain(vec!["p".to_owned(), "q".to_owned()])
        .await
        .unwrap();

    assert_eq!(
        received_pairs(&server).await,
        pairs(&[
            ("range[from]", "1"),
            ("range[to]", "9"),
            ("created[gte]", "10"),
            ("created[lt]", "20"),
            ("expand[0]", "customer"),
            ("expand[1]", "invoice"),
            ("metadata[order]", "42"),
            ("city", "Köln"),
            ("open", "true"),
            ("point", "x,1,y,2"),
            ("ids", "1,2"),
            ("tags", "a|b"),
            ("words", "x y"),
            ("plain", "p"),
            ("plain", "q"),
        ])
    );
    server.verify();
}

#[tokio::test]
async fn a_union_is_written_as_the_alternative_it_holds_and_absent_ones_send_nothing() {
    let server = MockServer::start().await;
    server
        .untagged()
        .list_charges(ListChargesRange::new(1))
        .created(ListChargesCreated::Integer(1_700_000_000))
        .without_expand()
        .returns(&Vec::new())
        .expect(1)
        .await;

    server
        .client()
        .untagged()
        .list_charges(ListChargesRange::new(1))
        .created(ListChargesCreated::Integer(1_700_000_000))
        .await
        .unwrap();

    assert_eq!(
        received_pairs(&server).await,
        pairs(&[("range[from]", "1"), ("created", "1700000000")])
    );
    server.verify();
}

#[tokio::test]
async fn the_mock_explains_a_deep_object_that_differs() {
    let server = MockServer::start().await;
    server
        .untagged()
        .list_charges(ListChargesRange::new(1))
        .returns(&Vec::new())
        .await;

    let error = server
        .client()
        .untagged()
        .list_charges(ListChargesRange::new(2))
        .await
        .unwrap_err();
    let answer = String::from_utf8_lossy(error.raw_body().unwrap_or_default()).into_owned();
    assert!(
        answer.contains(r#"query `range`: expected "range[from]=1", received "range[from]=2""#),
        "{answer}"
    );
    // The mismatch was the point; without a reset the server would report it when dropped.
    server.reset().await;
}
