//! The integrator flows of the usage sketch, tested offline against the typed mocks of
//! `magicline::mock`, the way a downstream crate tests its own code: each flow is written as the
//! integrator's function (taking a `Client`), and each test mounts the answers it expects.
//!
//! 1. Customer self-service, contact data: read, request a change (keep its id), a second
//!    request answered `409` and handled as "already pending", withdraw; every re-read shows the
//!    state after the last change (a `Scenario` orders the answers).
//! 2. Communications: read preferences, change them, read again (ordered with `up_to_n_times`);
//!    open a thread with a message and add a follow-up to it.
//! 3. Sliced export: `get_customers().slice_size(..).items()` over three slices, each served by
//!    an expectation matching the `offset` the previous slice handed out.

use futures::TryStreamExt;
use magicline::mock::{MockServer, Scenario};
use magicline::models::{
    AmendableContactData as ContactData, AmendableContactDataStatus as ContactStatus,
    CommunicationChannelWrapper, CommunicationChannelWrapperCommunicationChannel as SettingChannel,
    CommunicationPreference, CommunicationPreferenceMessageCategory as Category,
    CommunicationThreadRequest, CommunicationThreadRequestCommunicationChannel as RequestChannel,
    CommunicationThreadRequestCommunicationDirection as RequestDirection,
    CommunicationThreadRequestCommunicationThreadStatus as RequestStatus,
    CommunicationThreadResponse,
    CommunicationThreadResponseCommunicationChannel as ResponseChannel,
    CommunicationThreadResponseCommunicationDirection as ResponseDirection,
    CommunicationThreadResponseCommunicationThreadStatus as ResponseStatus, Customer,
    CustomerContactData, CustomerSlicedResult, ErrorResponse,
    PendingContactDataAmendment as PendingContactData,
};
use magicline::{Client, Error};

type Result<T> = std::result::Result<T, Error<ErrorResponse>>;

// ---------------------------------------------------------------------------------------------
// 1. Customer self-service: contact data amendments

/// What asking for a contact data change led to.
#[derive(Debug, PartialEq)]
enum ChangeRequest {
    /// The studio will review amendment `id`.
    Requested { id: i64 },
    /// An earlier change is still waiting; the server's message says which.
    AlreadyPending { message: String },
    /// The studio lets this customer only read their contact data.
    ReadOnly,
}

/// The integrator's code: the pending amendment's id, if there is one.
async fn pending_contact_change(client: &Client, customer_id: i64) -> Result<Option<i64>> {
    let current = client
        .customers_self_service()
        .get_customer_contact_data(customer_id)
        .await?;
    Ok(current.pending_amendment.and_then(|pending| pending.id))
}

/// The integrator's code: asks for a new e-mail address, handling a pending change (409).
async fn request_email_change(
    client: &Client,
    customer_id: i64,
    email: &str,
) -> Result<ChangeRequest> {
    let current = client
        .customers_self_service()
        .get_customer_contact_data(customer_id)
        .await?;
    if current.amendment_configuration_status == ContactStatus::Read {
        return Ok(ChangeRequest::ReadOnly);
    }
    let change = CustomerContactData::default().with_email(email);
    match client
        .customers_self_service()
        .create_customer_contact_data_amendment(customer_id, change.clone())
        .await
    {
        Ok(created) => Ok(ChangeRequest::Requested {
            id: created.id.unwrap_or_default(),
        }),
        Err(e) if e.is_conflict() => {
            let message = e
                .body()
                .map(|body| body.error_message.clone())
                .unwrap_or_default();
            Ok(ChangeRequest::AlreadyPending { message })
        }
        Err(e) => Err(e),
    }
}

/// The integrator's code: takes a requested change back.
async fn withdraw_change(client: &Client, customer_id: i64, amendment_id: i64) -> Result<()> {
    client
        .customers_self_service()
        .withdraw_amendment(customer_id, amendment_id)
        .await
}

fn contact_data(pending: Option<PendingContactData>) -> ContactData {
    let mut data = ContactData::new(ContactStatus::ChangesRequireVerification)
        .with_email("old@example.com")
        .with_phone_private_mobile("+49 170 0000000");
    data.pending_amendment = pending;
    data
}

#[tokio::test]
async fn self_service_amendment_conflict_and_withdrawal() {
    const CUSTOMER: i64 = 1_210_005_170;
    const AMENDMENT: i64 = 77;
    let mock = MockServer::start().await;
    let contact = mock.customers_self_service();
    let amendment = Scenario::new("contact data amendment");
    let change = CustomerContactData::default().with_email("new@example.com");
    let mut pending = PendingContactData::default().with_id(AMENDMENT);
    pending.email = change.email.clone();

    // Nothing pending yet: reads show the current data, the change is accepted.
    contact
        .get_customer_contact_data(CUSTOMER)
        .returns(&contact_data(None))
        .in_state(&amendment, Scenario::STARTED)
        .expect(1)
        .await;
    contact
        .create_customer_contact_data_amendment(CUSTOMER, &change)
        .returns(&pending)
        .in_state(&amendment, Scenario::STARTED)
        .sets_state(&amendment, "pending")
        .expect(1)
        .await;
    // Pending: reads show it, a second change conflicts, withdrawing ends it.
    contact
        .get_customer_contact_data(CUSTOMER)
        .returns(&contact_data(Some(pending.clone())))
        .in_state(&amendment, "pending")
        .expect(2)
        .await;
    let conflict = ErrorResponse::default()
        .with_error_message("There is already a pending amendment for this customer")
        .with_error_code("AMENDMENT_ALREADY_PENDING");
    contact
        .create_customer_contact_data_amendment(CUSTOMER, &change)
        .fails(409, &conflict)
        .in_state(&amendment, "pending")
        .expect(1)
        .await;
    contact
        .withdraw_amendment(CUSTOMER, AMENDMENT)
        .returns()
        .in_state(&amendment, "pending")
        .sets_state(&amendment, "withdrawn")
        .expect(1)
        .await;
    // Withdrawn: nothing pending any more.
    contact
        .get_customer_contact_data(CUSTOMER)
        .returns(&contact_data(None))
        .in_state(&amendment, "withdrawn")
        .expect(1)
        .await;

    let client = mock.client();
    let first = request_email_change(&client, CUSTOMER, "new@example.com")
        .await
        .unwrap();
    assert_eq!(first, ChangeRequest::Requested { id: AMENDMENT });
    assert_eq!(
        pending_contact_change(&client, CUSTOMER).await.unwrap(),
        Some(AMENDMENT)
    );

    let second = request_email_change(&client, CUSTOMER, "new@example.com")
        .await
        .unwrap();
    assert_eq!(
        second,
        ChangeRequest::AlreadyPending {
            message: "There is already a pending amendment for this customer".to_owned()
        }
    );

    withdraw_change(&client, CUSTOMER, AMENDMENT).await.unwrap();
    assert_eq!(
        pending_contact_change(&client, CUSTOMER).await.unwrap(),
        None
    );
    assert_eq!(amendment.state(), "withdrawn");
    mock.verify();
}

#[tokio::test]
async fn self_service_read_only_customers_are_not_asked() {
    let mock = MockServer::start().await;
    let mut read_only = contact_data(None);
    read_only.amendment_configuration_status = ContactStatus::Read;
    mock.customers_self_service()
        .get_customer_contact_data(5)
        .returns(&read_only)
        .expect(1)
        .await;
    let any_change = CustomerContactData::default().with_email("new@example.com");
    mock.customers_self_service()
        .create_customer_contact_data_amendment(5, &any_change)
        .returns(&PendingContactData::default())
        .never()
        .await;

    let outcome = request_email_change(&mock.client(), 5, "new@example.com")
        .await
        .unwrap();
    assert_eq!(outcome, ChangeRequest::ReadOnly);
    mock.verify();
}

// ---------------------------------------------------------------------------------------------
// 2. Communications: preferences and threads

/// The integrator's code: turns the newsletter off on every channel; returns the new preferences.
async fn unsubscribe_from_newsletter(
    client: &Client,
    customer_id: i64,
) -> Result<Vec<CommunicationPreference>> {
    let communication = client.customers_communication();
    let mut preferences = communication
        .get_communication_preferences(customer_id)
        .await?;
    for preference in &mut preferences {
        if preference.message_category == Some(Category::Newsletter) {
            for channel in preference.channels.iter_mut().flatten() {
                channel.active = Some(false);
            }
        }
    }
    communication
        .update_communication_preferences(customer_id, preferences.clone())
        .await?;
    communication
        .get_communication_preferences(customer_id)
        .await
}

/// The integrator's code: logs a support chat as a new thread, then a follow-up message in it.
async fn log_support_chat(
    client: &Client,
    customer_id: i64,
    question: &str,
    answer: &str,
) -> Result<(i64, i64)> {
    let communication = client.customers_communication();
    let message = |content: &str, direction, status| {
        CommunicationThreadRequest::new(
            status,
            "Membership pause",
            content,
            direction,
            RequestChannel::Chat,
        )
        .with_ticket_number("T-1001")
        .with_agent("support-bot")
    };
    let opened = communication
        .create_communication_in_new_communication_thread(
            customer_id,
            message(question, RequestDirection::Incoming, RequestStatus::Created),
        )
        .await?;
    let follow_up = communication
        .create_communication_in_existing_communication_thread(
            customer_id,
            opened.thread_id,
            message(answer, RequestDirection::Outgoing, RequestStatus::Closed),
        )
        .await?;
    Ok((opened.thread_id, follow_up.communication_id))
}

fn preferences(newsletter_by_email: bool) -> Vec<CommunicationPreference> {
    let channel = |channel, active| {
        CommunicationChannelWrapper::new(channel)
            .with_customer_overridable(true)
            .with_active(active)
    };
    vec![
        CommunicationPreference::default()
            .with_message_category(Category::Contract)
            .with_channels(vec![channel(SettingChannel::Email, true)]),
        CommunicationPreference::default()
            .with_message_category(Category::Newsletter)
            .with_channels(vec![channel(SettingChannel::Email, newsletter_by_email)]),
    ]
}

#[tokio::test]
async fn communication_preferences_are_changed_and_read_back() {
    let mock = MockServer::start().await;
    let communication = mock.customers_communication();
    // Answered in the order mounted: the first read once, then the read after the change.
    communication
        .get_communication_preferences(42)
        .returns(&preferences(true))
        .up_to_n_times(1)
        .expect(1)
        .await;
    communication
        .get_communication_preferences(42)
        .returns(&preferences(false))
        .expect(1)
        .await;
    // Matches only the body the code is meant to send (compared as `Vec<CommunicationPreference>`).
    communication
        .update_communication_preferences(42, &preferences(false))
        .returns(&preferences(false))
        .expect(1)
        .await;

    let after = unsubscribe_from_newsletter(&mock.client(), 42)
        .await
        .unwrap();
    assert_eq!(after, preferences(false));
    mock.verify();
}

#[tokio::test]
async fn support_chat_opens_a_thread_and_follows_up_in_it() {
    let mock = MockServer::start().await;
    let communication = mock.customers_communication();
    let response = |communication_id, status, direction, content: &str| {
        CommunicationThreadResponse::new(status, direction, ResponseChannel::Chat)
            .with_customer_id(42)
            .with_communication_id(communication_id)
            .with_thread_id(900)
            .with_ticket_number("T-1001")
            .with_subject("Membership pause")
            .with_content(content)
            .with_agent("support-bot")
    };
    let request = |content: &str, direction, status| {
        CommunicationThreadRequest::new(
            status,
            "Membership pause",
            content,
            direction,
            RequestChannel::Chat,
        )
        .with_ticket_number("T-1001")
        .with_agent("support-bot")
    };
    let question = "Can I pause in August?";
    let answer = "Yes, from the 1st.";
    communication
        .create_communication_in_new_communication_thread(
            42,
            &request(question, RequestDirection::Incoming, RequestStatus::Created),
        )
        .returns(&response(
            1,
            ResponseStatus::Created,
            ResponseDirection::Incoming,
            question,
        ))
        .expect(1)
        .await;
    communication
        .create_communication_in_existing_communication_thread(
            42,
            900,
            &request(answer, RequestDirection::Outgoing, RequestStatus::Closed),
        )
        .returns(&response(
            2,
            ResponseStatus::Closed,
            ResponseDirection::Outgoing,
            answer,
        ))
        .expect(1)
        .await;

    let (thread, follow_up) = log_support_chat(&mock.client(), 42, question, answer)
        .await
        .unwrap();
    assert_eq!((thread, follow_up), (900, 2));
    mock.verify();
}

// ---------------------------------------------------------------------------------------------
// 3. Sliced export

/// The integrator's code: every customer's id, slice by slice.
async fn export_customer_ids(client: &Client, slice_size: i32) -> Result<Vec<i64>> {
    client
        .customers()
        .get_customers()
        .slice_size(slice_size)
        .items()
        .map_ok(|customer| customer.id)
        .try_collect()
        .await
}

fn customer(id: i64) -> Customer {
    serde_json::from_value(
        serde_json::json!({"id": id, "status": "MEMBER", "accessRefusal": false}),
    )
    .expect("a minimal customer decodes")
}

fn slice(ids: &[i64], next: Option<&str>) -> CustomerSlicedResult {
    CustomerSlicedResult::default()
        .with_result(ids.iter().copied().map(customer).collect())
        .with_has_next(next.is_some())
        .with_offset(next.unwrap_or_default())
}

#[tokio::test]
async fn sliced_export_follows_the_offsets() {
    let mock = MockServer::start().await;
    let customers = mock.customers();
    // The first request carries no offset; each later one the offset the previous slice gave.
    customers
        .get_customers()
        .slice_size(2)
        .without_offset()
        .returns(&slice(&[1, 2], Some("2")))
        .expect(1)
        .await;
    customers
        .get_customers()
        .slice_size(2)
        .offset("2")
        .returns(&slice(&[3, 4], Some("4")))
        .expect(1)
        .await;
    customers
        .get_customers()
        .slice_size(2)
        .offset("4")
        .returns(&slice(&[5], None))
        .expect(1)
        .await;

    let ids = export_customer_ids(&mock.client(), 2).await.unwrap();
    assert_eq!(ids, [1, 2, 3, 4, 5]);
    mock.verify();
}

#[tokio::test]
async fn sliced_export_stops_at_a_failing_slice() {
    let mock = MockServer::start().await;
    let customers = mock.customers();
    customers
        .get_customers()
        .slice_size(2)
        .without_offset()
        .returns(&slice(&[1, 2], Some("2")))
        .expect(1)
        .await;
    let unavailable = ErrorResponse::default().with_error_message("export window closed");
    customers
        .get_customers()
        .slice_size(2)
        .offset("2")
        .fails(403, &unavailable)
        .expect(1)
        .await;

    let error = export_customer_ids(&mock.client(), 2).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(
        error.body().map(|body| body.error_message.as_str()),
        Some("export window closed")
    );
    mock.verify();
}
