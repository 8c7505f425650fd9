//! The Connect API's typed mocks: its operations document different bodies per status, so
//! their error type is the status-keyed `ApiError` enum, and `fails` takes a variant and answers
//! with the status that decodes back into it.

use magicline_connect::mock::MockServer;
use magicline_connect::models::{
    ApiError, ConnectApiCreateLeadDto, ConnectApiCreateLeadResponseDto, ConnectApiErrorResponseDto,
    ConnectApiErrorResponseDtoErrorCodesItem as ErrorCode,
};

fn lead() -> ConnectApiCreateLeadDto {
    ConnectApiCreateLeadDto::new("Erika", "Mustermann", 1_210_005_170)
        .with_email("erika@example.com")
}

/// The integrator's code: signs a lead up, treating "already known" as success.
async fn sign_up(
    client: &magicline_connect::Client,
    lead: &ConnectApiCreateLeadDto,
) -> Result<Option<i64>, magicline_connect::Error<ApiError>> {
    match client.leads().create_lead(lead.clone()).await {
        Ok(created) => Ok(Some(created.id)),
        Err(error) if matches!(error.body(), Some(ApiError::Conflict(_))) => Ok(None),
        Err(error) => Err(error),
    }
}

#[tokio::test]
async fn enum_errors_answer_with_their_documented_status() {
    let mock = MockServer::start().await;
    let conflict = ConnectApiErrorResponseDto::default()
        .with_error_codes(vec![ErrorCode::Conflict])
        .with_message("lead exists");
    mock.leads()
        .create_lead(&lead())
        .fails(ApiError::Conflict(conflict.clone()))
        .up_to_n_times(1)
        .expect(1)
        .await;
    mock.leads()
        .create_lead(&lead())
        .returns(&ConnectApiCreateLeadResponseDto::default().with_id(5))
        .expect(1)
        .await;

    let client = mock.client();
    // The first answer is the conflict, decoded into the very variant the test gave.
    let error = client.leads().create_lead(lead()).await.unwrap_err();
    assert!(error.is_conflict());
    assert_eq!(error.body(), Some(&ApiError::Conflict(conflict)));
    assert_eq!(sign_up(&client, &lead()).await.unwrap(), Some(5));
    mock.verify();
}

#[tokio::test]
async fn a_variant_without_a_body_answers_with_its_status_only() {
    let mock = MockServer::start().await;
    mock.leads()
        .create_lead(&lead())
        .fails(ApiError::NotFound)
        .expect(1)
        .await;

    let error = mock.client().leads().create_lead(lead()).await.unwrap_err();
    assert!(error.is_not_found());
    assert_eq!(error.body(), Some(&ApiError::NotFound));
    mock.verify();
}
