//! Runs every example program, as built by cargo, against the Prism mock server of its spec
//! (static mode: the spec's own examples), and checks that it exits 0 and says what it did;
//! and checks each rule of the developer-portal page an example follows (`../shared/seeds/`),
//! against Prism or, where the exact request or an answer Prism cannot give matters, against
//! the typed mock servers (`magicline::mock`, `magicline_connect::mock`).
//!
//! Prism validates each request against the spec, so an example that sends a wrong body or
//! leaves out the API key fails here. Needs Prism: `cargo xtask install-prism` (`cargo xtask
//! test` runs it first); the harness is `workspace_tests::prism`.
//!
//! Prism's examples fix what the server says: for self-service `READ` with a pending amendment
//! in every domain, which the documented rules answer with "submit nothing"; for the Connect
//! API (no examples in its spec) values made up from the schema, such as a rate bundle paid
//! only in `CASH` and a contract that is already cancelled. Two more setups reach the other
//! paths:
//!
//! * the recording proxy of `workspace_tests::proxy` in front of Prism rewrites those answers
//!   (changes allowed and nothing pending; the payment choices the Connect reference promises;
//!   a contract not cancelled yet), so the request goes on, to Prism, which validates it;
//! * the typed mock servers answer what Prism cannot be made to answer for one request of a
//!   run (a `409`, an error with a trace id, a studio's own dates and reasons) and match the
//!   exact request sent, so a test sees what the example put into it.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use bytes::Bytes;
use magicline::mock::MockServer;
use magicline::models;
use magicline_connect::mock::MockServer as ConnectMockServer;
use magicline_connect::models as connect_models;
use workspace_tests::prism::{Mode, Prism};
use workspace_tests::proxy::{Proxy, Tamper};
use workspace_tests::specs::{ApiSpec, CONNECT, OPENAPI, write_prism_copy};

const SELF_SERVICE: &str = env!("CARGO_BIN_EXE_self_service");
const COMMUNICATIONS: &str = env!("CARGO_BIN_EXE_communications");
const EXPORT_CUSTOMERS: &str = env!("CARGO_BIN_EXE_export_customers");
const CONTRACT_CONCLUSION: &str = env!("CARGO_BIN_EXE_contract_conclusion");
const CONTRACT_CANCELLATION: &str = env!("CARGO_BIN_EXE_contract_cancellation");

/// How long one example run may take before the test gives up on it.
const RUN_TIMEOUT: Duration = Duration::from_secs(120);

// ---------------------------------------------------------------------------------------------
// Self-service

/// Each domain, with a change to propose.
const DOMAINS: [(&str, &[&str]); 4] = [
    ("contact", &["--email", "new@example.com"]),
    (
        "address",
        &[
            "--street",
            "Raboisen",
            "--house-number",
            "3",
            "--zip-code",
            "20095",
        ],
    ),
    (
        "master-data",
        &["--last-name", "Mustermann", "--date-of-birth", "1990-04-01"],
    ),
    (
        "payment",
        &[
            "--account-holder",
            "Erika Mustermann",
            "--bank-name",
            "Commerzbank",
            "--iban",
            "DE02120300000000202051",
            "--bic",
            "BYLADEM1001",
        ],
    ),
];

#[test]
fn self_service_shows_the_pending_amendment_and_submits_nothing() {
    for (domain, change) in DOMAINS {
        let run = run_example(
            SELF_SERVICE,
            &open_api_args(&["--customer-id", "1", domain], change),
        );
        run.assert_success();
        run.assert_stdout_contains("(amendment configuration: READ)");
        run.assert_stdout_contains("pending amendment ");
        run.assert_stdout_contains("not submitting: the studio offers no changes");
        assert!(!run.stdout.contains("submitted amendment"), "{run}");
    }
}

/// Against Prism, through the proxy: with the studio's status set to
/// `CHANGES_REQUIRE_VERIFICATION` and Prism's pending amendment kept, the withdrawal is sent
/// (Prism answers a request that breaks the spec with an error) and the data read again; with
/// Prism's own `READ`, it is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn self_service_withdraws_against_prism() {
    let prism = tokio::task::spawn_blocking(|| open_api_prism().url())
        .await
        .expect("Prism starts");
    let proxy = Proxy::start(prism).await;
    let args = |domain: &str| {
        [
            "--base-url",
            &proxy.url(),
            "--customer-id",
            "1",
            domain,
            "--withdraw",
        ]
        .iter()
        .map(|arg| arg.to_string())
        .collect::<Vec<_>>()
    };
    let run = run_example_async(SELF_SERVICE, args("contact")).await;
    assert_eq!(run.status.code(), Some(1), "{run}");
    run.assert_stderr_contains("the studio offers no changes to the contact data (READ)");

    proxy.set_tamper(Some(studio_allows_changes(
        "CHANGES_REQUIRE_VERIFICATION",
        Pending::Keep,
    )));
    let run = run_example_async(SELF_SERVICE, args("address")).await;
    run.assert_success();
    run.assert_stdout_contains("withdrew amendment ");
    // Read again after the withdrawal.
    assert_eq!(
        run.stdout.matches("address data of customer 1").count(),
        2,
        "{run}"
    );
}

/// The contact data of customer 7 in `status`, with amendment 99 pending or none.
fn contact_data_with(
    status: models::AmendableContactDataStatus,
    pending: bool,
) -> models::AmendableContactData {
    let mut data = models::AmendableContactData::new(status).with_email("old@example.com");
    if pending {
        data.pending_amendment = Some(
            models::PendingContactDataAmendment::default()
                .with_id(99)
                .with_email("new@example.com"),
        );
    }
    data
}

/// The DELETE requests `mock` received, as `DELETE path`.
async fn deletes(mock: &MockServer) -> Vec<String> {
    mock.runtime()
        .wiremock()
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|request| request.method.as_str() == "DELETE")
        .map(|request| format!("DELETE {}", request.url.path()))
        .collect()
}

/// The guide: `DELETE` cancels an amendment "before it is processed", by the `id` of the
/// `pendingAmendment`. So the withdrawal is sent only for that amendment, and only while it
/// waits for the studio (`CHANGES_REQUIRE_VERIFICATION`); anything else is refused with the
/// reason before a request is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn self_service_withdraws_only_the_amendment_waiting_for_the_studio() {
    use models::AmendableContactDataStatus as Status;

    let mock = MockServer::start().await;
    let service = mock.customers_self_service();
    service
        .get_customer_contact_data(7)
        .returns(&contact_data_with(Status::ChangesRequireVerification, true))
        .expect(5)
        .await;
    // Only amendment 99 may be withdrawn: a DELETE of any other matches nothing.
    service.withdraw_amendment(7, 99).returns().expect(2).await;
    let withdraw = |more: &[&str]| {
        let mut args: Vec<String> = ["--base-url", &mock.uri(), "--customer-id", "7", "contact"]
            .iter()
            .map(|arg| arg.to_string())
            .collect();
        args.extend(more.iter().map(|arg| arg.to_string()));
        run_example_async(SELF_SERVICE, args)
    };
    for given in [&["--withdraw"][..], &["--withdraw", "99"]] {
        let run = withdraw(given).await;
        run.assert_success();
        run.assert_stdout_contains("withdrew amendment 99");
    }
    let run = withdraw(&["--withdraw", "4711"]).await;
    assert_eq!(run.status.code(), Some(1), "{run}");
    run.assert_stderr_contains(
        "amendment 4711 is not the one waiting for the studio (that is 99): nothing was withdrawn",
    );
    assert_eq!(
        deletes(&mock).await,
        [
            "DELETE /v1/customers/7/self-service/amendment/99",
            "DELETE /v1/customers/7/self-service/amendment/99"
        ]
    );
    mock.verify();

    // Nothing waits for the studio: refused, nothing sent.
    for (status, pending, says) in [
        (
            Status::Read,
            true,
            "the studio offers no changes to the contact data (READ), so no amendment of it can \
             be withdrawn",
        ),
        (
            Status::ChangesWithoutVerification,
            true,
            "changes to the contact data apply at once, so no amendment waits for the studio",
        ),
        (
            Status::ChangesRequireVerification,
            false,
            "no amendment of the contact data waits for the studio",
        ),
    ] {
        mock.reset().await;
        mock.customers_self_service()
            .get_customer_contact_data(7)
            .returns(&contact_data_with(status, pending))
            .expect(2)
            .await;
        for given in [&["--withdraw"][..], &["--withdraw", "99"]] {
            let run = withdraw(given).await;
            assert_eq!(run.status.code(), Some(1), "{run}");
            run.assert_stderr_contains(says);
            run.assert_stderr_contains("nothing was withdrawn");
        }
        assert!(deletes(&mock).await.is_empty());
        mock.verify();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn self_service_submits_when_the_studio_allows_changes() {
    // Starting Prism blocks for seconds: not on a runtime worker.
    let prism = tokio::task::spawn_blocking(|| open_api_prism().url())
        .await
        .expect("Prism starts");
    let proxy = Proxy::start(prism).await;
    let signature = signature_file();
    let signature = signature
        .path()
        .to_str()
        .expect("temporary paths are UTF-8");
    let args = |domain: &str, change: &[&str], signed: bool| {
        let mut args = vec![
            "--base-url".to_owned(),
            proxy.url(),
            "--customer-id".into(),
            "1".into(),
        ];
        args.push(domain.into());
        args.extend(change.iter().map(|arg| arg.to_string()));
        if signed {
            args.extend(["--signature-svg".into(), signature.into()]);
        }
        args
    };

    for (status, says, submitted) in [
        (
            "CHANGES_REQUIRE_VERIFICATION",
            "are queued for the studio's approval",
            "waiting for the studio's approval (withdraw it with --withdraw ",
        ),
        ("CHANGES_WITHOUT_VERIFICATION", "apply at once", ": applied"),
    ] {
        proxy.set_tamper(Some(studio_allows_changes(status, Pending::Drop)));
        for (domain, change) in DOMAINS {
            let run =
                run_example_async(SELF_SERVICE, args(domain, change, domain == "payment")).await;
            run.assert_success();
            run.assert_stdout_contains(says);
            run.assert_stdout_contains("no pending amendment");
            run.assert_stdout_contains("submitted amendment ");
            run.assert_stdout_contains(submitted);
            // A change applied at once waits for nothing: no withdrawal is offered.
            if status == "CHANGES_WITHOUT_VERIFICATION" {
                assert!(!run.stdout.contains("--withdraw"), "{run}");
            }
            // Fetched again after the submission.
            let reads = run
                .stdout
                .matches(" of customer 1 (amendment configuration")
                .count();
            assert_eq!(reads, 2, "{run}");
        }
    }

    // The studio wants a signature with payment data changes (Prism's example says
    // `requireSignature: true`): without one, nothing is sent and the program says why.
    let (_, change) = DOMAINS[3];
    let run = run_example_async(SELF_SERVICE, args("payment", change, false)).await;
    assert!(!run.status.success(), "{run}");
    run.assert_stderr_contains("pass --signature-svg FILE");
    assert!(!run.stdout.contains("submitted amendment"), "{run}");

    // Changes allowed, but one is still waiting: shown, nothing new submitted.
    proxy.set_tamper(Some(studio_allows_changes(
        "CHANGES_REQUIRE_VERIFICATION",
        Pending::Keep,
    )));
    let (_, change) = DOMAINS[0];
    let run = run_example_async(SELF_SERVICE, args("contact", change, false)).await;
    run.assert_success();
    run.assert_stdout_contains("pending amendment ");
    run.assert_stdout_contains("is still waiting for the studio (withdraw it with --withdraw");
    assert!(!run.stdout.contains("submitted amendment"), "{run}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn self_service_handles_a_409_by_showing_what_is_pending() {
    use models::AmendableContactDataStatus as ContactStatus;

    let mock = MockServer::start().await;
    let contact_data = |pending| {
        let mut data = models::AmendableContactData::new(ContactStatus::ChangesRequireVerification)
            .with_email("old@example.com")
            .with_phone_private_mobile("+49 151 0000000");
        data.pending_amendment = pending;
        data
    };
    let service = mock.customers_self_service();
    // First read: nothing pending. Meanwhile another device submits a change, so the POST is
    // refused and the second read shows that change.
    service
        .get_customer_contact_data(7)
        .returns(&contact_data(None))
        .up_to_n_times(1)
        .expect(1)
        .await;
    let expected_change = models::CustomerContactData::default()
        .with_email("new@example.com")
        .with_phone_private_mobile("+49 151 0000000");
    service
        .create_customer_contact_data_amendment(7, &expected_change)
        .fails(
            409,
            &models::ErrorResponse::default()
                .with_error_message("An amendment is already pending")
                .with_trace_id("trace-409-abc"),
        )
        .expect(1)
        .await;
    let pending = models::PendingContactDataAmendment::default()
        .with_id(99)
        .with_email("other@example.com");
    service
        .get_customer_contact_data(7)
        .returns(&contact_data(Some(pending)))
        .expect(1)
        .await;

    let args = [
        "--base-url",
        &mock.uri(),
        "--customer-id",
        "7",
        "contact",
        "--email",
        "new@example.com",
    ];
    let run = run_example_async(
        SELF_SERVICE,
        args.iter().map(|arg| arg.to_string()).collect(),
    )
    .await;
    // The change was not made as asked: the program says why and fails.
    assert_eq!(run.status.code(), Some(1), "{run}");
    run.assert_stdout_contains(
        "not submitted: an amendment of the contact data is already pending",
    );
    run.assert_stderr_contains("the change was not submitted");
    run.assert_stdout_contains("pending amendment 99, waiting for the studio:");
    run.assert_stdout_contains("  email: other@example.com");
    // The server's message once, and the trace id support asks for.
    run.assert_says_once("An amendment is already pending");
    run.assert_stderr_contains("trace id: trace-409-abc");
    mock.verify();
}

/// The payment data on file: a complete account of another bank.
fn payment_data_on_file() -> models::AmendablePaymentData {
    use models::AmendablePaymentDataStatus as PaymentStatus;

    models::AmendablePaymentData::new(PaymentStatus::ChangesRequireVerification)
        .with_account_holder("Erika Mustermann")
        .with_bank_name("Deutsche Bank")
        .with_iban("DE91100000000123456789")
        .with_bic("DEUTDEFFXXX")
        .with_require_signature(false)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn self_service_refuses_a_partial_bank_account() {
    // Nothing is mounted: any request would be answered 501 and fail `verify`.
    let mock = MockServer::start().await;
    for (change, missing) in [
        (
            &["--iban", "DE02120300000000202051", "--bic", "BYLADEM1001"][..],
            "--account-holder, --bank-name",
        ),
        (
            &["--iban", "DE02120300000000202051"][..],
            "--account-holder, --bank-name, --bic",
        ),
    ] {
        let args = [
            &["--base-url", &mock.uri(), "--customer-id", "7", "payment"][..],
            change,
        ]
        .concat()
        .iter()
        .map(|arg| arg.to_string())
        .collect();
        let run = run_example_async(SELF_SERVICE, args).await;
        assert_eq!(run.status.code(), Some(1), "{run}");
        run.assert_stderr_contains("a payment change is one complete bank account");
        run.assert_stderr_contains(&format!("also pass {missing}"));
        assert!(!run.stdout.contains("submitted amendment"), "{run}");
    }
    mock.verify();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn self_service_sends_the_bank_account_as_given() {
    let mock = MockServer::start().await;
    let service = mock.customers_self_service();
    service
        .get_customer_payment_data(7)
        .returns(&payment_data_on_file())
        .expect(2)
        .await;
    // Exactly the customer's new account: none of the account on file.
    let new_account = models::CustomerPaymentAmendment::new(
        "Erika Musterfrau",
        "Commerzbank",
        "DE02120300000000202051",
        "COBADEFFXXX",
    );
    service
        .create_customer_payment_data_amendment(7, &new_account)
        .returns(&models::PendingPaymentDataAmendment::default().with_id(5))
        .expect(1)
        .await;
    let args = [
        "--base-url",
        &mock.uri(),
        "--customer-id",
        "7",
        "payment",
        "--account-holder",
        "Erika Musterfrau",
        "--bank-name",
        "Commerzbank",
        "--iban",
        "DE02120300000000202051",
        "--bic",
        "COBADEFFXXX",
    ];
    let run = run_example_async(SELF_SERVICE, args.iter().map(|a| a.to_string()).collect()).await;
    run.assert_success();
    run.assert_stdout_contains(
        "submitted amendment 5, waiting for the studio's approval (withdraw it with --withdraw 5)",
    );
    mock.verify();
}

/// The guide: "for payment amendments where `requireSignature` is true, the POST request must
/// include `signature.base64SvgSignature`": the SVG file, base64-encoded, with the account.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn self_service_signs_a_payment_change_when_the_studio_requires_it() {
    use base64::Engine;

    let mock = MockServer::start().await;
    let service = mock.customers_self_service();
    service
        .get_customer_payment_data(7)
        .returns(&payment_data_on_file().with_require_signature(true))
        .expect(2)
        .await;
    let file = signature_file();
    let svg = std::fs::read(file.path()).expect("the signature file");
    let mut signed = models::CustomerPaymentAmendment::new(
        "Erika Musterfrau",
        "Commerzbank",
        "DE02120300000000202051",
        "COBADEFFXXX",
    );
    signed.signature = Some(models::Signature::new(
        base64::engine::general_purpose::STANDARD.encode(svg),
    ));
    service
        .create_customer_payment_data_amendment(7, &signed)
        .returns(&models::PendingPaymentDataAmendment::default().with_id(6))
        .expect(1)
        .await;
    let args = [
        "--base-url",
        &mock.uri(),
        "--customer-id",
        "7",
        "payment",
        "--account-holder",
        "Erika Musterfrau",
        "--bank-name",
        "Commerzbank",
        "--iban",
        "DE02120300000000202051",
        "--bic",
        "COBADEFFXXX",
        "--signature-svg",
        file.path().to_str().expect("temporary paths are UTF-8"),
    ];
    let run = run_example_async(SELF_SERVICE, args.iter().map(|a| a.to_string()).collect()).await;
    run.assert_success();
    mock.verify();
}

/// A value for each field, different from what is on file, for the flag of that field.
const CONTACT_FLAGS: &[(&str, &str)] = &[
    ("--email", "new@example.com"),
    ("--phone-private", "+49 30 1111"),
    ("--phone-private-mobile", "+49 151 2222"),
    ("--phone-business", "+49 40 3333"),
    ("--phone-business-mobile", "+49 171 4444"),
];

const ADDRESS_FLAGS: &[(&str, &str)] = &[
    ("--street", "Calle Mayor"),
    ("--house-number", "5"),
    ("--zip-code", "28013"),
    ("--city", "Madrid"),
    ("--country-code", "ES"),
    ("--province", "Madrid"),
    ("--province-code", "MD"),
    ("--second-street", "Edificio Sol"),
    ("--city-part", "Centro"),
    ("--district", "Sol"),
    ("--street-type", "Calle"),
    ("--street-block", "B"),
    ("--portal", "2"),
    ("--stairway", "Izquierda"),
    ("--door", "A"),
    ("--additional-address-information", "Timbre 3"),
    ("--floor", "4"),
    ("--building-name", "Casa Sol"),
];

const MASTER_DATA_FLAGS: &[(&str, &str)] = &[
    ("--first-name", "Erika"),
    ("--last-name", "Musterfrau"),
    ("--date-of-birth", "1990-04-01"),
    ("--gender", "female"),
    ("--title", "dr"),
    ("--country-of-birth", "AT"),
];

/// Every field the spec lets a customer change (each amendment body's fields) is reachable
/// from the command line: the bodies below set every field, which `assert_names_every_field`
/// checks against the spec (the models are `#[non_exhaustive]`, so a struct expression cannot
/// name them all), so a field added to the spec breaks this test until the example and its
/// flags cover it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn self_service_reaches_every_field_a_customer_may_change() {
    use models::{
        AmendableAddressDataStatus as AddressStatus, AmendableContactDataStatus as ContactStatus,
        AmendableMasterDataGender as OnFileGender, AmendableMasterDataStatus as MasterDataStatus,
        AmendableMasterDataTitle as OnFileTitle, CustomerMasterDataCustomerTitle as AmendmentTitle,
        CustomerMasterDataGender as AmendmentGender,
        PendingMasterDataAmendmentGender as PendingGender,
        PendingMasterDataAmendmentTitle as PendingTitle,
    };

    let mock = MockServer::start().await;
    let service = mock.customers_self_service();

    service
        .get_customer_contact_data(7)
        .returns(
            &models::AmendableContactData::new(ContactStatus::ChangesWithoutVerification)
                .with_email("old@example.com"),
        )
        .expect(2)
        .await;
    let mut contact = models::CustomerContactData::default();
    contact.email = Some("new@example.com".into());
    contact.phone_private = Some("+49 30 1111".into());
    contact.phone_private_mobile = Some("+49 151 2222".into());
    contact.phone_business = Some("+49 40 3333".into());
    contact.phone_business_mobile = Some("+49 171 4444".into());
    assert_names_every_field(&OPENAPI, "CustomerContactData", &contact);
    service
        .create_customer_contact_data_amendment(7, &contact)
        .returns(&models::PendingContactDataAmendment::default().with_id(21))
        .expect(1)
        .await;

    service
        .get_customer_address_data(7)
        .returns(
            &models::AmendableAddressData::new(AddressStatus::ChangesWithoutVerification)
                .with_street("Raboisen")
                .with_house_number("3")
                .with_zip_code("20095")
                .with_city("Hamburg")
                .with_country_code("DE"),
        )
        .expect(2)
        .await;
    let mut address = models::CustomerAddressData::new("Calle Mayor", "28013", "Madrid", "ES");
    address.house_number = Some("5".into());
    address.province = Some("Madrid".into());
    address.province_code = Some("MD".into());
    address.second_street = Some("Edificio Sol".into());
    address.city_part = Some("Centro".into());
    address.district = Some("Sol".into());
    address.street_type = Some("Calle".into());
    address.street_block = Some("B".into());
    address.portal = Some("2".into());
    address.stairway = Some("Izquierda".into());
    address.door = Some("A".into());
    address.additional_address_information = Some("Timbre 3".into());
    address.floor = Some("4".into());
    address.building_name = Some("Casa Sol".into());
    assert_names_every_field(&OPENAPI, "CustomerAddressData", &address);
    service
        .create_customer_address_data_amendment(7, &address)
        .returns(&models::PendingAddressDataAmendment::default().with_id(22))
        .expect(1)
        .await;

    service
        .get_customer_master_data(7)
        .returns(
            &models::AmendableMasterData::new(
                OnFileGender::Unisex,
                OnFileTitle::None,
                MasterDataStatus::ChangesWithoutVerification,
            )
            .with_first_name("Erika")
            .with_last_name("Mustermann")
            .with_date_of_birth("1980-01-01".parse().expect("a date"))
            .with_country_of_birth("DE"),
        )
        .expect(2)
        .await;
    let mut master_data = models::CustomerMasterData::new(
        "Erika",
        "Musterfrau",
        AmendmentGender::Female,
        "1990-04-01".parse().expect("a date"),
        AmendmentTitle::Dr,
    );
    master_data.country_of_birth = Some("AT".into());
    assert_names_every_field(&OPENAPI, "CustomerMasterData", &master_data);
    service
        .create_customer_master_data_amendment(7, &master_data)
        .returns(
            &models::PendingMasterDataAmendment::new(PendingGender::Female, PendingTitle::Dr)
                .with_id(23)
                .with_first_name("Erika")
                .with_last_name("Musterfrau")
                .with_date_of_birth("1990-04-01".parse().expect("a date"))
                .with_country_of_birth("AT"),
        )
        .expect(1)
        .await;

    for (domain, flags, id) in [
        ("contact", CONTACT_FLAGS, 21),
        ("address", ADDRESS_FLAGS, 22),
        ("master-data", MASTER_DATA_FLAGS, 23),
    ] {
        let mut args: Vec<String> = ["--base-url", &mock.uri(), "--customer-id", "7", domain]
            .iter()
            .map(|arg| arg.to_string())
            .collect();
        for (flag, value) in flags {
            args.extend([flag.to_string(), value.to_string()]);
        }
        let run = run_example_async(SELF_SERVICE, args).await;
        run.assert_success();
        // Applied at once (CHANGES_WITHOUT_VERIFICATION): nothing is pending to withdraw.
        run.assert_stdout_contains(&format!("submitted amendment {id}: applied"));
        assert!(!run.stdout.contains("--withdraw"), "{run}");
    }
    mock.verify();
}

#[test]
fn open_api_examples_need_the_api_key() {
    let args = open_api_args(&["--customer-id", "1", "contact"], &[]);
    let run = run_with_env(SELF_SERVICE, &args, None);
    assert!(!run.status.success(), "{run}");
    run.assert_stderr_contains("set MAGICLINE_API_KEY");
}

// ---------------------------------------------------------------------------------------------
// Communications

#[test]
fn communications_changes_a_preference_and_reads_it_again() {
    let run = run_example(
        COMMUNICATIONS,
        &open_api_args(
            &["--customer-id", "1", "preferences"],
            &["--category", "contract", "--disable", "letter"],
        ),
    );
    run.assert_success();
    run.assert_stdout_contains("  CONTRACT: LETTER on");
    run.assert_stdout_contains("updated: CONTRACT by LETTER is now off");
    assert_eq!(
        run.stdout
            .matches("communication preferences of customer 1:")
            .count(),
        2,
        "{run}"
    );
}

/// Against Prism: a logged customer message with its reply, and a follow-up in an existing
/// thread; Prism answers a request that breaks the spec with an error.
#[test]
fn communications_sends_messages_prism_accepts() {
    // Prism's preferences: CONTRACT by LETTER is on.
    let message = [
        "--category",
        "contract",
        "--channel",
        "letter",
        "--subject",
        "Two invoices",
        "--text",
        "I was charged twice.",
        "--agent",
        "Peter Meyer",
    ];
    let run = run_example(
        COMMUNICATIONS,
        &open_api_args(
            &["--customer-id", "1", "message", "--direction", "incoming"],
            &[&message[..], &["--reply", "We refunded one."]].concat(),
        ),
    );
    run.assert_success();
    let run = run_example(
        COMMUNICATIONS,
        &open_api_args(
            &[
                "--customer-id",
                "1",
                "message",
                "--thread-id",
                "1",
                "--close",
            ],
            &message,
        ),
    );
    run.assert_success();
}

/// Customer 7's preferences: CONTRACT by LETTER on (the customer may change it) and by EMAIL
/// off; NEWSLETTER by EMAIL on, fixed by the studio.
fn preferences_of_customer_7() -> Vec<models::CommunicationPreference> {
    use models::CommunicationChannelWrapperCommunicationChannel as Channel;
    use models::CommunicationPreferenceMessageCategory as Category;
    let setting = |channel, overridable, active| {
        models::CommunicationChannelWrapper::new(channel)
            .with_customer_overridable(overridable)
            .with_active(active)
    };
    vec![
        models::CommunicationPreference::default()
            .with_message_category(Category::Contract)
            .with_channels(vec![
                setting(Channel::Letter, true, true),
                setting(Channel::Email, true, false),
            ]),
        models::CommunicationPreference::default()
            .with_message_category(Category::Newsletter)
            .with_channels(vec![setting(Channel::Email, false, true)]),
    ]
}

/// The guide: "submit only intended changes". Switching CONTRACT by LETTER off sends exactly
/// that one channel of that one category, not the list read before; a channel the studio
/// fixed is not sent at all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn communications_submits_only_the_intended_preference_change() {
    use models::CommunicationChannelWrapperCommunicationChannel as Channel;
    use models::CommunicationPreferenceMessageCategory as Category;

    let mock = MockServer::start().await;
    let service = mock.customers_communication();
    service
        .get_communication_preferences(7)
        .returns(&preferences_of_customer_7())
        .expect(3)
        .await;
    let change = vec![
        models::CommunicationPreference::default()
            .with_message_category(Category::Contract)
            .with_channels(vec![
                models::CommunicationChannelWrapper::new(Channel::Letter).with_active(false),
            ]),
    ];
    service
        .update_communication_preferences(7, &change)
        .returns(&change)
        .expect(1)
        .await;
    let preferences = |change: &[&str]| {
        let mut args: Vec<String> = [
            "--base-url",
            &mock.uri(),
            "--customer-id",
            "7",
            "preferences",
        ]
        .iter()
        .map(|arg| arg.to_string())
        .collect();
        args.extend(change.iter().map(|arg| arg.to_string()));
        run_example_async(COMMUNICATIONS, args)
    };
    let run = preferences(&["--category", "contract", "--disable", "letter"]).await;
    run.assert_success();
    let run = preferences(&["--category", "newsletter", "--disable", "email"]).await;
    assert_eq!(run.status.code(), Some(1), "{run}");
    run.assert_stderr_contains("the studio does not let customers change EMAIL for NEWSLETTER");
    mock.verify();
}

/// The messages of customer 7's thread 12 about "Two invoices" by LETTER, category CONTRACT.
fn invoice_message(
    status: models::CommunicationThreadRequestCommunicationThreadStatus,
    direction: models::CommunicationThreadRequestCommunicationDirection,
    text: &str,
) -> models::CommunicationThreadRequest {
    models::CommunicationThreadRequest::new(
        status,
        "Two invoices",
        text,
        direction,
        models::CommunicationThreadRequestCommunicationChannel::Letter,
    )
}

/// The server's answer: message `id` in thread 12.
fn in_thread_12(id: i64) -> models::CommunicationThreadResponse {
    use models::{
        CommunicationThreadResponseCommunicationChannel as Channel,
        CommunicationThreadResponseCommunicationDirection as Direction,
        CommunicationThreadResponseCommunicationThreadStatus as Status,
    };
    models::CommunicationThreadResponse::new(Status::Ongoing, Direction::Outgoing, Channel::Letter)
        .with_customer_id(7)
        .with_communication_id(id)
        .with_thread_id(12)
}

/// `--reply` answers the customer's message in the same thread, as the partner's OUTGOING
/// message: in the thread the first message opened (by the id the server returned), or in
/// the existing thread `--thread-id` names; `--close` closes the thread with the reply.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn communications_sends_the_reply_in_the_thread() {
    use models::CommunicationThreadRequestCommunicationDirection::{Incoming, Outgoing};
    use models::CommunicationThreadRequestCommunicationThreadStatus::{Closed, Created, Ongoing};

    let mock = MockServer::start().await;
    let service = mock.customers_communication();
    service
        .get_communication_preferences(7)
        .returns(&preferences_of_customer_7())
        .expect(2)
        .await;
    // A new thread: the customer's message opens it, the reply continues it.
    service
        .create_communication_in_new_communication_thread(
            7,
            &invoice_message(Created, Incoming, "I was charged twice."),
        )
        .returns(&in_thread_12(31))
        .expect(1)
        .await;
    service
        .create_communication_in_existing_communication_thread(
            7,
            12,
            &invoice_message(Ongoing, Outgoing, "We refunded one."),
        )
        .returns(&in_thread_12(32))
        .expect(1)
        .await;
    // The existing thread: the customer's message, then the reply, which closes it.
    service
        .create_communication_in_existing_communication_thread(
            7,
            12,
            &invoice_message(Ongoing, Incoming, "Still charged twice."),
        )
        .returns(&in_thread_12(33))
        .expect(1)
        .await;
    service
        .create_communication_in_existing_communication_thread(
            7,
            12,
            &invoice_message(Closed, Outgoing, "Refunded again."),
        )
        .returns(&in_thread_12(34))
        .expect(1)
        .await;

    let message = |text: &str, reply: &str, more: &[&str]| {
        let mut args: Vec<String> = [
            "--base-url",
            &mock.uri(),
            "--customer-id",
            "7",
            "message",
            "--category",
            "contract",
            "--channel",
            "letter",
            "--direction",
            "incoming",
            "--subject",
            "Two invoices",
            "--text",
            text,
            "--reply",
            reply,
        ]
        .iter()
        .map(|arg| arg.to_string())
        .collect();
        args.extend(more.iter().map(|arg| arg.to_string()));
        run_example_async(COMMUNICATIONS, args)
    };
    let run = message("I was charged twice.", "We refunded one.", &[]).await;
    run.assert_success();
    let run = message(
        "Still charged twice.",
        "Refunded again.",
        &["--thread-id", "12", "--close"],
    )
    .await;
    run.assert_success();

    // In this order: each message before its reply.
    let sent: Vec<String> = mock
        .runtime()
        .wiremock()
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|request| request.method.as_str() != "GET")
        .map(|request| {
            let body: serde_json::Value =
                serde_json::from_slice(&request.body).expect("a JSON body");
            format!(
                "{} {} {}",
                request.method,
                request.url.path(),
                body["content"]
            )
        })
        .collect();
    assert_eq!(
        sent,
        [
            "POST /v1/communications/7/threads \"I was charged twice.\"",
            "PUT /v1/communications/7/threads/12 \"We refunded one.\"",
            "PUT /v1/communications/7/threads/12 \"Still charged twice.\"",
            "PUT /v1/communications/7/threads/12 \"Refunded again.\"",
        ]
    );
    mock.verify();
}

#[test]
fn communications_refuses_a_channel_the_preferences_do_not_allow() {
    // Prism's preferences hold CONTRACT by LETTER only: EMAIL is not active for CONTRACT, and
    // GENERAL has no channel at all.
    for (category, channel) in [("contract", "email"), ("general", "letter")] {
        let run = run_example(
            COMMUNICATIONS,
            &open_api_args(
                &["--customer-id", "1", "message"],
                &[
                    "--category",
                    category,
                    "--channel",
                    channel,
                    "--subject",
                    "Your registration",
                    "--text",
                    "Thanks for registering.",
                ],
            ),
        );
        assert_eq!(run.status.code(), Some(1), "{run}");
        run.assert_stdout_contains("is (not set)");
        run.assert_stderr_contains("not sending: the customer's preferences do not allow");
        assert!(!run.stdout.contains("opened thread"), "{run}");
    }

    // `--reply` answers a customer's message: with the default direction it is refused.
    let run = run_example(
        COMMUNICATIONS,
        &open_api_args(
            &["--customer-id", "1", "message"],
            &[
                "--category",
                "contract",
                "--channel",
                "letter",
                "--subject",
                "Two invoices",
                "--text",
                "We refunded one.",
                "--reply",
                "again",
            ],
        ),
    );
    assert_eq!(run.status.code(), Some(1), "{run}");
    run.assert_stderr_contains("pass --direction incoming");
}

/// The guide: read the preferences before any outbound message, refuse a channel that is
/// switched off for the category; the partner's messages are OUTGOING by default, and a
/// message of the customer can be logged INCOMING (no consent needed to record it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn communications_reads_preferences_first_and_sends_in_the_chosen_direction() {
    use models::{
        CommunicationChannelWrapperCommunicationChannel as SettingChannel,
        CommunicationPreferenceMessageCategory as Category,
        CommunicationThreadRequestCommunicationChannel as ThreadChannel,
        CommunicationThreadRequestCommunicationDirection as Direction,
        CommunicationThreadRequestCommunicationThreadStatus as ThreadStatus,
        CommunicationThreadResponseCommunicationChannel as ResponseChannel,
        CommunicationThreadResponseCommunicationDirection as ResponseDirection,
        CommunicationThreadResponseCommunicationThreadStatus as ResponseStatus,
    };

    let mock = MockServer::start().await;
    let service = mock.customers_communication();
    let channel = |channel, active| {
        models::CommunicationChannelWrapper::new(channel)
            .with_customer_overridable(true)
            .with_active(active)
    };
    let preferences = vec![
        models::CommunicationPreference::default()
            .with_message_category(Category::General)
            .with_channels(vec![channel(SettingChannel::Email, true)]),
        models::CommunicationPreference::default()
            .with_message_category(Category::Newsletter)
            .with_channels(vec![channel(SettingChannel::Email, false)]),
    ];
    // Read once per run: four runs.
    service
        .get_communication_preferences(7)
        .returns(&preferences)
        .expect(4)
        .await;
    let follow_up = |direction: Direction, category_text: &str| {
        models::CommunicationThreadRequest::new(
            ThreadStatus::Ongoing,
            "Your request",
            category_text,
            direction,
            ThreadChannel::Email,
        )
    };
    let answer = |direction| {
        models::CommunicationThreadResponse::new(
            ResponseStatus::Ongoing,
            direction,
            ResponseChannel::Email,
        )
        .with_customer_id(7)
        .with_communication_id(31)
        .with_thread_id(12)
        .with_subject("Your request")
        .with_content("")
    };
    service
        .create_communication_in_existing_communication_thread(
            7,
            12,
            &follow_up(Direction::Outgoing, "We completed the change."),
        )
        .returns(&answer(ResponseDirection::Outgoing))
        .expect(1)
        .await;
    service
        .create_communication_in_existing_communication_thread(
            7,
            12,
            &follow_up(Direction::Incoming, "Please unsubscribe me."),
        )
        .returns(&answer(ResponseDirection::Incoming))
        .expect(1)
        .await;

    let run_message = |category: &str, text: &str, more: &[&str]| {
        let mut args: Vec<String> = [
            "--base-url",
            &mock.uri(),
            "--customer-id",
            "7",
            "message",
            "--thread-id",
            "12",
            "--category",
            category,
            "--subject",
            "Your request",
            "--text",
            text,
        ]
        .iter()
        .map(|arg| arg.to_string())
        .collect();
        args.extend(more.iter().map(|arg| arg.to_string()));
        run_example_async(COMMUNICATIONS, args)
    };

    // The partner's follow-up, OUTGOING without being asked, by a channel that is on.
    let run = run_message("general", "We completed the change.", &[]).await;
    run.assert_success();
    run.assert_stdout_contains("GENERAL by EMAIL is on");
    run.assert_stdout_contains("added OUTGOING message 31 to thread 12");

    // EMAIL is off for NEWSLETTER: nothing is sent (a POST would not match and fail `verify`).
    let run = run_message("newsletter", "Our new courses", &[]).await;
    assert_eq!(run.status.code(), Some(1), "{run}");
    run.assert_stderr_contains(
        "not sending: the customer's preferences do not allow NEWSLETTER messages by EMAIL (off)",
    );
    let run = run_message(
        "newsletter",
        "Our new courses",
        &["--direction", "outgoing"],
    )
    .await;
    assert_eq!(run.status.code(), Some(1), "{run}");

    // The customer's own message is logged as INCOMING, whatever the preferences say.
    let run = run_message(
        "newsletter",
        "Please unsubscribe me.",
        &["--direction", "incoming"],
    )
    .await;
    run.assert_success();
    run.assert_stdout_contains("added INCOMING message 31 to thread 12");
    mock.verify();
}

/// What support needs when the Open API refuses a request: the message once, the trace id.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn communications_shows_the_trace_id_and_the_message_once() {
    let mock = MockServer::start().await;
    mock.customers_communication()
        .get_communication_preferences(7)
        .fails(
            403,
            &models::ErrorResponse::default()
                .with_error_message("The API key may not read communication data")
                .with_trace_id("trace-403-def"),
        )
        .expect(1)
        .await;
    let args = [
        "--base-url",
        &mock.uri(),
        "--customer-id",
        "7",
        "preferences",
    ];
    let run = run_example_async(
        COMMUNICATIONS,
        args.iter().map(|arg| arg.to_string()).collect(),
    )
    .await;
    assert_eq!(run.status.code(), Some(1), "{run}");
    run.assert_says_once("The API key may not read communication data");
    run.assert_stderr_contains("trace id: trace-403-def");
    mock.verify();
}

// ---------------------------------------------------------------------------------------------
// Sliced export

#[test]
fn export_writes_json_lines_and_stops_on_a_repeated_cursor() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("customers.jsonl");
    let output = file.to_str().expect("temporary paths are UTF-8");

    // Prism's example slice says `hasNext: true` with the same `offset` every time. Two
    // customers take two requests: the second one sent with the first slice's offset.
    let run = run_example(
        EXPORT_CUSTOMERS,
        &open_api_args(&["--limit", "2", "--output", output], &[]),
    );
    run.assert_success();
    run.assert_stderr_contains("exported 2 customers");
    assert_json_lines(&file, 2);

    // Without a limit the third request would repeat the second: the stream stops with an
    // error instead of looping, and the program fails, keeping what it wrote.
    let run = run_example(
        EXPORT_CUSTOMERS,
        &open_api_args(&["--output", output, "--status", "prospect"], &[]),
    );
    assert!(!run.status.success(), "{run}");
    run.assert_stderr_contains("the export stopped after 2 customers");
    run.assert_stderr_contains("a second time");
    assert_json_lines(&file, 2);
}

/// A slice that fails mid-way: the lines written stay, and the error says how many, with the
/// server's message once and the trace id support asks for.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_stops_with_the_trace_id_when_a_slice_fails() {
    let mock = MockServer::start().await;
    let customer = |id| {
        let mut customer = models::Customer::new(models::CustomerStatus::Member);
        customer.id = id;
        customer
    };
    let customers = mock.customers();
    customers
        .get_customers()
        .customer_status(models::GetCustomersCustomerStatus::Member)
        .slice_size(200)
        .without_offset()
        .returns(
            &models::CustomerSlicedResult::default()
                .with_result(vec![customer(1), customer(2)])
                .with_has_next(true)
                .with_offset("2"),
        )
        .expect(1)
        .await;
    customers
        .get_customers()
        .customer_status(models::GetCustomersCustomerStatus::Member)
        .slice_size(200)
        .offset("2")
        .fails(
            500,
            &models::ErrorResponse::default()
                .with_error_message("Unexpected system error")
                .with_trace_id("trace-export-500"),
        )
        .expect(1)
        .await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("customers.jsonl");
    let args = [
        "--base-url",
        &mock.uri(),
        "--output",
        file.to_str().expect("temporary paths are UTF-8"),
    ];
    let run = run_example_async(
        EXPORT_CUSTOMERS,
        args.iter().map(|arg| arg.to_string()).collect(),
    )
    .await;
    assert_eq!(run.status.code(), Some(1), "{run}");
    run.assert_stderr_contains(
        "error: the export stopped after 2 customers: getCustomers: the server answered 500 \
         Internal Server Error: Unexpected system error",
    );
    run.assert_says_once("Unexpected system error");
    run.assert_stderr_contains("trace id: trace-export-500 (quote it to Magicline support)");
    assert_json_lines(&file, 2);
    mock.verify();
}

fn assert_json_lines(file: &Path, count: usize) {
    let text = std::fs::read_to_string(file)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), count, "{text}");
    for line in lines {
        let customer: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(customer["id"].is_i64(), "{line}");
    }
}

// ---------------------------------------------------------------------------------------------
// Contract conclusion (Connect API)

const CUSTOMER: &[&str] = &[
    "--first-name",
    "Erika",
    "--last-name",
    "Mustermann",
    "--email",
    "erika@example.com",
];

const ADDRESS: &[&str] = &[
    "--date-of-birth",
    "1990-04-01",
    "--street",
    "Raboisen",
    "--house-number",
    "3-4",
    "--zip-code",
    "20095",
    "--city",
    "Hamburg",
    "--country-code",
    "DE",
];

const DIRECT_DEBIT: &[&str] = &[
    "--iban",
    "DE02120300000000202051",
    "--account-holder",
    "Erika Mustermann",
];

#[test]
fn contract_conclusion_lists_studios() {
    let run = run_example(
        CONTRACT_CONCLUSION,
        &connect_args(&["studios", "--search", "Ham"]),
    );
    run.assert_success();
    run.assert_stdout_contains("studios:");
}

/// The Connect reference: `allowedPaymentChoices` holds `DIRECT_DEBIT` and `CREDIT_CARD` at
/// most, and no other choice is accepted. Prism's bundle (generated from the schema) offers
/// `CASH`, which a real tenant never does: the example refuses it instead of falling back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contract_conclusion_pays_only_as_the_connect_api_allows() {
    let prism = tokio::task::spawn_blocking(|| connect_prism().url())
        .await
        .expect("Prism starts");
    let proxy = Proxy::start(prism).await;
    let signature = signature_file();
    let signature = signature
        .path()
        .to_str()
        .expect("temporary paths are UTF-8");
    let contract = |more: &[&str]| {
        let mut args = vec!["--base-url".to_owned(), proxy.url()];
        args.extend(
            [
                &["contract", "--signature-svg", signature][..],
                CUSTOMER,
                ADDRESS,
                more,
            ]
            .concat()
            .iter()
            .map(|arg| arg.to_string()),
        );
        args
    };

    // As Prism says: CASH only.
    for (payment, says) in [
        (&[][..], "allows no direct debit (it allows: CASH)"),
        (
            DIRECT_DEBIT,
            "cannot be paid by direct debit (it allows: CASH)",
        ),
    ] {
        let run = run_example_async(
            CONTRACT_CONCLUSION,
            contract(&[&["--accept-terms"][..], payment].concat()),
        )
        .await;
        assert_eq!(run.status.code(), Some(1), "{run}");
        run.assert_stderr_contains(says);
        assert!(!run.stdout.contains("created customer"), "{run}");
    }

    // As the reference says a bundle looks.
    proxy.set_tamper(Some(set_in_list_items(
        "allowedPaymentChoices",
        serde_json::json!(["DIRECT_DEBIT", "CREDIT_CARD"]),
    )));
    let run = run_example_async(
        CONTRACT_CONCLUSION,
        contract(&[&["--accept-terms"][..], DIRECT_DEBIT].concat()),
    )
    .await;
    run.assert_success();
    run.assert_stdout_contains("rate bundles of studio ");
    run.assert_stdout_contains("choosing term ");
    run.assert_stdout_contains("paying by DIRECT_DEBIT");
    run.assert_stdout_contains("created customer ");

    let run = run_example_async(CONTRACT_CONCLUSION, contract(&["--accept-terms"])).await;
    assert_eq!(run.status.code(), Some(1), "{run}");
    run.assert_stderr_contains("is paid by direct debit: pass --iban and --account-holder");
    assert!(!run.stdout.contains("created customer"), "{run}");

    // Prism's offer has a text block that needs the customer's confirmation.
    let run = run_example_async(CONTRACT_CONCLUSION, contract(DIRECT_DEBIT)).await;
    assert_eq!(run.status.code(), Some(1), "{run}");
    run.assert_stderr_contains("pass --accept-terms");
    assert!(!run.stdout.contains("created customer"), "{run}");

    // A credit-card-only bundle needs the tokenisation flow this example does not cover.
    proxy.set_tamper(Some(set_in_list_items(
        "allowedPaymentChoices",
        serde_json::json!(["CREDIT_CARD"]),
    )));
    let run = run_example_async(CONTRACT_CONCLUSION, contract(&["--accept-terms"])).await;
    assert_eq!(run.status.code(), Some(1), "{run}");
    run.assert_stderr_contains("allows no direct debit (it allows: CREDIT_CARD)");
    run.assert_stderr_contains("card tokenisation flow");
    assert!(!run.stdout.contains("created customer"), "{run}");
}

/// The Connect API's error `message` is "for developer integration and logging purposes. Do not
/// show message in client!": the error line says what the `errorCodes` mean, and each message
/// is written once, on a `log:` line with its codes and trace id.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contract_conclusion_shows_error_codes_and_logs_the_message() {
    use connect_models::ConnectApiErrorResponseDtoErrorCodesItem as ErrorCode;

    let mock = ConnectMockServer::start().await;
    let error = |code, message: &str, trace_id: &str| {
        connect_models::ConnectApiErrorResponseDto::default()
            .with_error_codes(vec![code])
            .with_message(message)
            .with_trace_id(trace_id)
    };
    mock.studios()
        .get_studio_list()
        .fails(connect_models::ApiError::BadRequest(
            magicline_connect::runtime::OneOrMany::Many(vec![
                error(
                    ErrorCode::ValidationFailed,
                    "addressSearchQuery is too short",
                    "trace-a",
                ),
                error(ErrorCode::BadRequest, "unknown studio tag", "trace-b"),
            ]),
        ))
        .expect(1)
        .await;
    let args = ["--base-url", &mock.uri(), "studios"];
    let run = run_example_async(
        CONTRACT_CONCLUSION,
        args.iter().map(|arg| arg.to_string()).collect(),
    )
    .await;
    assert_eq!(run.status.code(), Some(1), "{run}");
    assert_eq!(
        run.stderr.lines().next(),
        Some(
            "error: getStudioList: the server answered 400 Bad Request: some details are not \
             valid; the request was not understood"
        ),
        "{run}"
    );
    run.assert_stderr_contains(
        "log: error codes: VALIDATION_FAILED; trace id: trace-a (quote it to Magicline \
         support); message: addressSearchQuery is too short",
    );
    run.assert_stderr_contains(
        "log: error codes: BAD_REQUEST; trace id: trace-b (quote it to Magicline support); \
         message: unknown studio tag",
    );
    for message in ["addressSearchQuery is too short", "unknown studio tag"] {
        run.assert_says_once(message);
    }
    mock.verify();
}

/// A studio with one offer: bundle 5, term 7 (12 months), paid by direct debit or credit card,
/// signed, with two text blocks (one to confirm and sign, with a document; one with a link)
/// and a footnote.
async fn contract_offer_mock() -> ConnectMockServer {
    use connect_models::ConnectApiRateBundleDtoAllowedPaymentChoicesItem as Choice;

    let mock = ConnectMockServer::start().await;
    let mut studio = connect_models::ConnectApiStudioDtoV2::default().with_has_rate_bundles(true);
    studio.id = 1;
    studio.studio_name = "Hamburg City".into();
    mock.studios().get_studio_list().returns(&[studio]).await;

    let mut term = connect_models::ConnectApiRateBundleTermDto::new(
        connect_models::ConnectApiPaymentFrequencyDto::new(
            connect_models::ConnectApiPaymentFrequencyDtoType::Recurring,
        ),
        connect_models::TermDto::new(connect_models::TermDtoTermUnit::Month),
        connect_models::ConnectApiRateBundleTermDtoTermUnit::Month,
    );
    term.id = 7;
    term.term.term = 12;
    let mut privacy = connect_models::ConnectApiSignableTextBlockDto::default()
        .with_attached_document({
            let mut document = connect_models::ConnectApiDocumentDto::default();
            document.file_name = "privacy.pdf".into();
            document.url = "https://files.example.com/privacy.pdf".into();
            document
        });
    privacy.id = 11;
    privacy.order = 2;
    privacy.title = "Privacy".into();
    privacy.text = "We keep your data safe.\nYou may object at any time.".into();
    privacy.is_confirmation_required = true;
    privacy.has_signature = true;
    let mut conditions = connect_models::ConnectApiSignableTextBlockDto::default()
        .with_attached_external_url_dto(
            connect_models::AttachedExternalUrlDto::default()
                .with_title("Price list")
                .with_link("https://example.com/prices"),
        );
    conditions.id = 12;
    conditions.order = 1;
    conditions.title = "Special conditions".into();
    conditions.text = "No fee in the first month.".into();
    let mut bundle = connect_models::ConnectApiRateBundleDto::default()
        .with_allowed_payment_choices(vec![Choice::DirectDebit, Choice::CreditCard])
        .with_contract_signatures_required(true)
        .with_contract_text_blocks(vec![privacy, conditions])
        .with_footnote("All prices include VAT.");
    bundle.id = 5;
    bundle.name = "Premium".into();
    bundle.terms = vec![term];
    mock.contracts()
        .get_rate_bundle_list(1)
        .returns(&[bundle])
        .await;
    mock.studios()
        .get_sepa_agreement_text_for_rate_bundle(1, 5)
        .returns(&"I authorise Hamburg City to collect payments by direct debit.".to_owned())
        .await;
    mock
}

/// The Connect reference: the text blocks are "important contract details ... Show them to
/// the customer before contract acceptance", with a link for an attached document or URL; the
/// footnote "to be displayed below the offer"; and the SEPA mandate of a direct debit. All of
/// it is shown before anything is sent; without `--accept-terms` nothing is; with it, the
/// customer and contract are created with exactly the signatures and bank account given.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contract_conclusion_shows_the_offer_before_sending_the_exact_contract() {
    use base64::Engine;

    let mock = contract_offer_mock().await;
    let file = signature_file();
    let svg = base64::engine::general_purpose::STANDARD
        .encode(std::fs::read(file.path()).expect("the signature file"));
    let start: chrono::NaiveDate = "2027-01-01".parse().expect("a date");
    let mut contract = connect_models::ConnectApiContractDataDto::new(7, start)
        .with_text_block_signatures(vec![
            connect_models::PublicApiSignatureDto::new(svg.clone()).with_text_block_id(11),
        ]);
    contract.contract_signature = Some(connect_models::PublicApiSignatureDto::new(svg));
    let mut customer = connect_models::ConnectApiCreatePublicCustomerDto::new(
        "Hamburg",
        "DE",
        "1990-04-01".parse().expect("a date"),
        "erika@example.com",
        "Erika",
        "3-4",
        "Mustermann",
        connect_models::ConnectApiCreatePublicCustomerDtoPaymentChoice::DirectDebit,
        "Raboisen",
        "20095",
    );
    customer.bank_account = Some(connect_models::PublicApiBankAccountDto::new(
        "Erika Mustermann",
        "DE02120300000000202051",
    ));
    let mut created = connect_models::ConnectApiCreateContractResponseDto::default();
    created.id = 900;
    created.customer_id = 901;
    created.customer_member_number = "M-901".into();
    mock.contracts()
        .create_customer_and_contract(&connect_models::ConnectApiCreateContractDto::new(
            contract, customer, 1,
        ))
        .returns(&created)
        .expect(1)
        .await;

    let signature = file.path().to_str().expect("temporary paths are UTF-8");
    let contract = |more: &[&str]| {
        let mut args = vec!["--base-url".to_owned(), mock.uri()];
        args.extend(
            [
                &[
                    "contract",
                    "--start-date",
                    "2027-01-01",
                    "--signature-svg",
                    signature,
                ][..],
                CUSTOMER,
                ADDRESS,
                DIRECT_DEBIT,
                more,
            ]
            .concat()
            .iter()
            .map(|arg| arg.to_string()),
        );
        run_example_async(CONTRACT_CONCLUSION, args)
    };
    let offer = [
        "text block 12 \"Special conditions\":",
        "  No fee in the first month.",
        "  link \"Price list\": https://example.com/prices",
        "text block 11 \"Privacy\" (needs the customer's confirmation and signature):",
        "  We keep your data safe.",
        "  You may object at any time.",
        "  document \"privacy.pdf\": https://files.example.com/privacy.pdf",
        "footnote of the offer:",
        "  All prices include VAT.",
    ]
    .join("\n");
    let mandate = [
        "SEPA direct debit mandate, agreed to with the contract:",
        "  I authorise Hamburg City to collect payments by direct debit.",
    ]
    .join("\n");

    // Not accepted yet: the offer is shown, nothing is sent.
    let run = contract(&[]).await;
    assert_eq!(run.status.code(), Some(1), "{run}");
    run.assert_stdout_contains(&offer);
    run.assert_stdout_contains(&mandate);
    run.assert_stderr_contains("once the customer has read the offer (above) and accepts it");
    assert!(!run.stdout.contains("created customer"), "{run}");

    // Accepted: the same offer and mandate first, then the contract.
    let run = contract(&["--accept-terms"]).await;
    run.assert_success();
    let shown = run.stdout.find(&offer).expect("the offer is shown");
    let agreed = run.stdout.find(&mandate).expect("the mandate is shown");
    let sent = run
        .stdout
        .find("created customer 901 (member number M-901) with contract 900 for term 7")
        .expect("the contract is created");
    assert!(shown < agreed && agreed < sent, "{run}");
    let calls: Vec<String> = mock
        .runtime()
        .wiremock()
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|request| format!("{} {}", request.method, request.url.path()))
        .collect();
    let post = "POST /connect/v1/rate-bundle".to_owned();
    assert_eq!(
        calls.iter().filter(|call| **call == post).count(),
        1,
        "{calls:?}"
    );
    assert_eq!(calls.last(), Some(&post), "{calls:?}");
    mock.verify();
}

#[test]
fn contract_conclusion_books_a_trial_session() {
    let run = run_example(
        CONTRACT_CONCLUSION,
        &connect_args(&[&["trial-session"][..], CUSTOMER].concat()),
    );
    run.assert_success();
    run.assert_stdout_contains("free slots from ");
    run.assert_stdout_contains("choosing the first slot");
    run.assert_stdout_contains("booked trial session ");
}

// ---------------------------------------------------------------------------------------------
// Contract cancellation (Connect API)

const IDENTITY: &[&str] = &[
    "--first-name",
    "Erika",
    "--last-name",
    "Mustermann",
    "--date-of-birth",
    "1990-04-01",
];

/// Against Prism: the requests the example sends are valid for the spec.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contract_cancellation_runs_against_prism() {
    let prism = tokio::task::spawn_blocking(|| connect_prism().url())
        .await
        .expect("Prism starts");
    let proxy = Proxy::start(prism).await;
    let args = |more: &[&str]| {
        let mut args = vec!["--base-url".to_owned(), proxy.url()];
        args.extend(more.iter().map(|arg| arg.to_string()));
        args
    };

    let run = run_example_async(
        CONTRACT_CANCELLATION,
        args(&[&["contracts", "--recaptcha-token", "token"][..], IDENTITY].concat()),
    )
    .await;
    run.assert_success();
    run.assert_stdout_contains("1 active contracts:");
    run.assert_stdout_contains("cancellable on one of [2019-08-24]");
    run.assert_stdout_contains("cancellation reasons of studio ");

    let run = run_example_async(
        CONTRACT_CANCELLATION,
        args(&["reasons", "--studio-id", "1"]),
    )
    .await;
    run.assert_success();
    run.assert_stdout_contains("cancellation reasons of studio 1:");
    run.assert_stdout_contains("  reason ");

    // Prism's only contract says `cancelled: true`: it is not cancelled again.
    let cancel = [
        &[
            "cancel",
            "--recaptcha-token",
            "token",
            "--customer-number",
            "1-123",
        ][..],
        IDENTITY,
    ]
    .concat();
    let run = run_example_async(CONTRACT_CANCELLATION, args(&cancel)).await;
    assert_eq!(run.status.code(), Some(1), "{run}");
    run.assert_stderr_contains("no contract that is not cancelled yet");

    proxy.set_tamper(Some(set_in_list_items("cancelled", false.into())));
    let run = run_example_async(CONTRACT_CANCELLATION, args(&cancel)).await;
    run.assert_success();
    run.assert_stdout_contains("cancellation reasons of studio ");
    run.assert_stdout_contains(
        "(ORDINARY_CANCELLATION, NEXT_POSSIBLE_CANCELLATION_DATE) to 2019-08-24",
    );

    let request = [
        &[
            "request",
            "--recaptcha-token",
            "token",
            "--studio-id",
            "1",
            "--date",
            "2027-03-31",
            "--extraordinary",
        ][..],
        IDENTITY,
    ]
    .concat();
    let run = run_example_async(CONTRACT_CANCELLATION, args(&request)).await;
    run.assert_success();
}

/// The customer's contract 7 of studio 3, cancellable on fixed dates or any day after the
/// first; the studio's one reason is 11.
async fn cancellation_mock(
    cancellation_type: connect_models::GetActiveContractsResponseDtoCancellationType,
) -> ConnectMockServer {
    let mock = ConnectMockServer::start().await;
    let contracts = mock.contracts();
    contracts
        .get_active_contracts(
            "token",
            &connect_models::GetActiveContractsRequestDto::new(
                "1990-04-01".parse().expect("a date"),
                "Erika",
                "Mustermann",
            )
            .with_customer_number("1-123"),
        )
        .returns(&[connect_models::GetActiveContractsResponseDto::default()
            .with_cancellation_dates(vec![
                "2027-06-30".parse().expect("a date"),
                "2027-03-31".parse().expect("a date"),
            ])
            .with_cancellation_type(cancellation_type)
            .with_cancelled(false)
            .with_contract_id(7)
            .with_contract_name("Premium")
            .with_studio_id(3)])
        .await;
    contracts
        .get_studio_info(3)
        .returns(
            &connect_models::ConnectApiContractCancellationStudioDto::default()
                .with_cancellation_reasons(vec![
                    connect_models::CancelationReasonDto::default()
                        .with_database_id(11)
                        .with_fk_organization_unit(3)
                        .with_name("Moving away"),
                ]),
        )
        .await;
    mock
}

/// The cancellation the example should send for contract 7.
fn cancellation(
    date: &str,
    date_type: connect_models::CancelContractRequestDtoCancellationDateType,
    cancellation_type: connect_models::CancelContractRequestDtoCancellationType,
    reason: Option<i64>,
) -> connect_models::CancelContractRequestDto {
    let mut body = connect_models::CancelContractRequestDto::new(
        date.parse().expect("a date"),
        cancellation_type,
        7,
        "1-123",
        "1990-04-01".parse().expect("a date"),
        "Erika",
        "Mustermann",
    )
    .with_cancellation_date_type(date_type);
    body.cancelation_reason_id = reason;
    body
}

async fn run_cancel(mock: &ConnectMockServer, more: &[&str]) -> Run {
    let mut args: Vec<String> = [
        "--base-url",
        &mock.uri(),
        "cancel",
        "--recaptcha-token",
        "token",
        "--customer-number",
        "1-123",
    ]
    .iter()
    .chain(IDENTITY)
    .map(|arg| arg.to_string())
    .collect();
    args.extend(more.iter().map(|arg| arg.to_string()));
    run_example_async(CONTRACT_CANCELLATION, args).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contract_cancellation_follows_the_date_types_and_reasons() {
    use connect_models::CancelContractRequestDtoCancellationDateType::{
        AbsoluteCancellationDate, NextPossibleCancellationDate,
    };
    use connect_models::CancelContractRequestDtoCancellationType::{
        ExtraordinaryCancellation, OrdinaryCancellation,
    };
    use connect_models::GetActiveContractsResponseDtoCancellationType::{
        AnyAfterFirstDate, FixedDates,
    };
    let received =
        connect_models::CancelContractResponseDto::default().with_contract_name("Premium");

    // Fixed dates: the next possible one is the earliest offered; an absolute date must be
    // one of them; a reason must be one of the studio's.
    let mock = cancellation_mock(FixedDates).await;
    let contracts = mock.contracts();
    contracts
        .cancel_contract(
            "token",
            &cancellation(
                "2027-03-31",
                NextPossibleCancellationDate,
                OrdinaryCancellation,
                Some(11),
            ),
        )
        .returns(&received)
        .expect(1)
        .await;
    contracts
        .cancel_contract(
            "token",
            &cancellation(
                "2027-06-30",
                AbsoluteCancellationDate,
                ExtraordinaryCancellation,
                None,
            ),
        )
        .returns(&received)
        .expect(1)
        .await;

    let run = run_cancel(&mock, &["--reason-id", "11"]).await;
    run.assert_success();
    run.assert_stdout_contains("  reason 11 \"Moving away\"");
    run.assert_stdout_contains(
        "cancelled contract 7 \"Premium\" (ORDINARY_CANCELLATION, NEXT_POSSIBLE_CANCELLATION_DATE) to 2027-03-31",
    );
    let run = run_cancel(&mock, &["--date", "2027-06-30", "--extraordinary"]).await;
    run.assert_success();
    run.assert_stdout_contains(
        "(EXTRAORDINARY_CANCELLATION, ABSOLUTE_CANCELLATION_DATE) to 2027-06-30",
    );

    // Refused before anything is sent (a cancellation that matches nothing fails `verify`).
    let run = run_cancel(&mock, &["--date", "2027-05-01"]).await;
    assert_eq!(run.status.code(), Some(1), "{run}");
    run.assert_stderr_contains(
        "contract 7 cannot be cancelled to 2027-05-01: it can end on one of [2027-06-30, 2027-03-31]",
    );
    let run = run_cancel(&mock, &["--reason-id", "12"]).await;
    assert_eq!(run.status.code(), Some(1), "{run}");
    run.assert_stderr_contains("12 is not one of the cancellation reasons of studio 3");
    mock.verify();

    // Any day after the first date: a day between the offered ones is fine, one before is not.
    let mock = cancellation_mock(AnyAfterFirstDate).await;
    mock.contracts()
        .cancel_contract(
            "token",
            &cancellation(
                "2027-05-01",
                AbsoluteCancellationDate,
                OrdinaryCancellation,
                None,
            ),
        )
        .returns(&received)
        .expect(1)
        .await;
    let run = run_cancel(&mock, &["--date", "2027-05-01"]).await;
    run.assert_success();
    let run = run_cancel(&mock, &["--date", "2027-03-30"]).await;
    assert_eq!(run.status.code(), Some(1), "{run}");
    run.assert_stderr_contains("it can end on or after the first of");
    mock.verify();
}

/// The error line says what the error codes mean; the message ("Do not show message in
/// client!") goes once to the `log:` line, with the codes and the trace id.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contract_cancellation_shows_error_codes_and_logs_the_message() {
    let mock = cancellation_mock(
        connect_models::GetActiveContractsResponseDtoCancellationType::FixedDates,
    )
    .await;
    mock.contracts()
        .cancel_contract(
            "token",
            &cancellation(
                "2027-03-31",
                connect_models::CancelContractRequestDtoCancellationDateType::NextPossibleCancellationDate,
                connect_models::CancelContractRequestDtoCancellationType::OrdinaryCancellation,
                None,
            ),
        )
        .fails(connect_models::ApiError::Conflict(
            connect_models::ConnectApiErrorResponseDto::default()
                .with_error_codes(vec![
                    connect_models::ConnectApiErrorResponseDtoErrorCodesItem::Conflict,
                ])
                .with_message("The contract is already being cancelled")
                .with_trace_id("trace-connect-77"),
        ))
        .expect(1)
        .await;
    let run = run_cancel(&mock, &[]).await;
    assert_eq!(run.status.code(), Some(1), "{run}");
    assert_eq!(
        run.stderr.lines().next(),
        Some(
            "error: cancelling contract 7: cancelContract: the server answered 409 Conflict: \
             this conflicts with what is already there (it may be done already)"
        ),
        "{run}"
    );
    run.assert_says_once("The contract is already being cancelled");
    run.assert_stderr_contains(
        "log: error codes: CONFLICT; trace id: trace-connect-77 (quote it to Magicline \
         support); message: The contract is already being cancelled",
    );
    mock.verify();
}

/// `reasons` reads `GET /connect/v1/contracts/studios/{studioId}`, which takes no reCAPTCHA
/// token: none is asked for, none is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contract_cancellation_lists_reasons_without_a_recaptcha_token() {
    let mock = cancellation_mock(
        connect_models::GetActiveContractsResponseDtoCancellationType::FixedDates,
    )
    .await;
    let args = ["--base-url", &mock.uri(), "reasons", "--studio-id", "3"];
    let run = run_example_async(
        CONTRACT_CANCELLATION,
        args.iter().map(|arg| arg.to_string()).collect(),
    )
    .await;
    run.assert_success();
    run.assert_stdout_contains("  reason 11 \"Moving away\"");
    let received = mock
        .runtime()
        .wiremock()
        .received_requests()
        .await
        .unwrap_or_default();
    let calls: Vec<String> = received
        .iter()
        .map(|request| format!("{} {}", request.method, request.url))
        .collect();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert!(
        calls[0].ends_with("/connect/v1/contracts/studios/3") && calls[0].starts_with("GET "),
        "{calls:?}"
    );
    mock.verify();
}

/// `request` sends the studio a cancellation request: exactly the customer, the date the
/// customer chose (an absolute one; none for the next possible date, which is the studio's
/// to find), the type, and a reason that is one of the studio's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contract_cancellation_sends_the_exact_cancellation_request() {
    use connect_models::CancelContractManualRequestDtoCancellationDateType as DateType;
    use connect_models::CancelContractManualRequestDtoCancellationType as Type;

    let mock = cancellation_mock(
        connect_models::GetActiveContractsResponseDtoCancellationType::FixedDates,
    )
    .await;
    let request = |date_type, kind| {
        connect_models::CancelContractManualRequestDto::new(
            date_type,
            kind,
            "1990-04-01".parse().expect("a date"),
            "Erika",
            "Mustermann",
        )
        .with_studio_id(3)
        .with_customer_number("1-123")
        .with_cancelation_reason_id(11)
    };
    let mut absolute = request(
        DateType::AbsoluteCancellationDate,
        Type::ExtraordinaryCancellation,
    );
    absolute.cancellation_date = Some("2027-03-31".parse().expect("a date"));
    absolute.confirmation_email = Some("erika@example.com".into());
    let received = connect_models::CancelContractManualResponseDto::default().with_studio_id(3);
    let contracts = mock.contracts();
    contracts
        .cancel_contract_manual("token", &absolute)
        .returns(&received)
        .expect(1)
        .await;
    contracts
        .cancel_contract_manual(
            "token",
            &request(
                DateType::NextPossibleCancellationDate,
                Type::OrdinaryCancellation,
            ),
        )
        .returns(&received)
        .expect(1)
        .await;
    let run_request = |more: &[&str]| {
        let mut args: Vec<String> = [
            "--base-url",
            &mock.uri(),
            "request",
            "--recaptcha-token",
            "token",
            "--studio-id",
            "3",
            "--customer-number",
            "1-123",
            "--reason-id",
            "11",
        ]
        .iter()
        .chain(IDENTITY)
        .map(|arg| arg.to_string())
        .collect();
        args.extend(more.iter().map(|arg| arg.to_string()));
        run_example_async(CONTRACT_CANCELLATION, args)
    };
    let run = run_request(&[
        "--date",
        "2027-03-31",
        "--extraordinary",
        "--confirmation-email",
        "erika@example.com",
    ])
    .await;
    run.assert_success();
    let run = run_request(&[]).await;
    run.assert_success();
    // A reason the studio does not have: nothing is sent (it would match nothing).
    let mut args: Vec<String> = [
        "--base-url",
        &mock.uri(),
        "request",
        "--recaptcha-token",
        "token",
    ]
    .iter()
    .chain(&["--studio-id", "3", "--reason-id", "12"])
    .chain(IDENTITY)
    .map(|arg| arg.to_string())
    .collect();
    args.push("--extraordinary".into());
    let run = run_example_async(CONTRACT_CANCELLATION, args).await;
    assert_eq!(run.status.code(), Some(1), "{run}");
    run.assert_stderr_contains("12 is not one of the cancellation reasons of studio 3");
    mock.verify();
}

// ---------------------------------------------------------------------------------------------
// Support

/// One static Prism per API for all tests of this binary. Statics are never dropped: the
/// servers stop when this process exits, through the watchdog `Prism::start` puts around each.
fn open_api_prism() -> &'static Prism {
    static PRISM: OnceLock<Prism> = OnceLock::new();
    PRISM.get_or_init(|| start_prism(&OPENAPI))
}

fn connect_prism() -> &'static Prism {
    static PRISM: OnceLock<Prism> = OnceLock::new();
    PRISM.get_or_init(|| start_prism(&CONNECT))
}

fn start_prism(spec: &ApiSpec) -> Prism {
    // A folder of its own: the contract tests write copies of the same name to the target's
    // temporary folder.
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("examples");
    let copy = write_prism_copy(spec, &dir);
    Prism::start(
        &copy,
        Mode::Static,
        &dir,
        &format!("examples-{}", spec.name),
    )
}

/// Checks that `body` has a value for every property of the spec's schema `schema`. The models
/// are `#[non_exhaustive]`: a test cannot name every field in a struct expression to be broken
/// by a field added to the spec, so the body's JSON is compared with the spec instead.
fn assert_names_every_field(spec: &ApiSpec, schema: &str, body: &impl serde::Serialize) {
    let document = spec.json();
    let properties = document["components"]["schemas"][schema]["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("the {} spec has no schema {schema}", spec.name));
    let body = serde_json::to_value(body).expect("a model serialises");
    let missing: Vec<&str> = properties
        .keys()
        .map(String::as_str)
        .filter(|name| body.get(name).is_none_or(serde_json::Value::is_null))
        .collect();
    assert!(
        missing.is_empty(),
        "{schema}: the test sets no value for {missing:?}"
    );
}

/// `--base-url <Open API Prism>`, then `args`, then `more`.
fn open_api_args(args: &[&str], more: &[&str]) -> Vec<String> {
    let mut all = vec!["--base-url".to_owned(), open_api_prism().url().to_owned()];
    all.extend(args.iter().chain(more).map(|arg| arg.to_string()));
    all
}

/// `--base-url <Connect API Prism>`, then `args`.
fn connect_args(args: &[&str]) -> Vec<String> {
    let mut all = vec!["--base-url".to_owned(), connect_prism().url().to_owned()];
    all.extend(args.iter().map(|arg| arg.to_string()));
    all
}

/// What [`studio_allows_changes`] does with Prism's pending amendment.
#[derive(Clone, Copy, PartialEq)]
enum Pending {
    Keep,
    Drop,
}

/// Turns Prism's self-service answers into those of a studio that allows changes (`status`),
/// with or without the pending amendment. Other bodies pass unchanged.
fn studio_allows_changes(status: &'static str, pending: Pending) -> Tamper {
    Arc::new(move |_call: &str, _status: u16, body: &Bytes| {
        let Ok(serde_json::Value::Object(mut fields)) = serde_json::from_slice(body) else {
            return body.clone();
        };
        if !fields.contains_key("amendmentConfigurationStatus") {
            return body.clone();
        }
        fields.insert("amendmentConfigurationStatus".into(), status.into());
        if pending == Pending::Drop {
            fields.remove("pendingAmendment");
        }
        Bytes::from(serde_json::to_vec(&fields).expect("a JSON object serialises"))
    })
}

/// Sets `key` to `value` in each object of a JSON array that has `key` (a list of rate bundles,
/// of contracts, ...). Other bodies pass unchanged.
fn set_in_list_items(key: &'static str, value: serde_json::Value) -> Tamper {
    Arc::new(move |_call: &str, _status: u16, body: &Bytes| {
        let Ok(serde_json::Value::Array(mut items)) = serde_json::from_slice(body) else {
            return body.clone();
        };
        let mut changed = false;
        for item in &mut items {
            if let Some(fields) = item.as_object_mut().filter(|f| f.contains_key(key)) {
                fields.insert(key.to_owned(), value.clone());
                changed = true;
            }
        }
        if !changed {
            return body.clone();
        }
        Bytes::from(serde_json::to_vec(&items).expect("a JSON array serialises"))
    })
}

/// A small SVG signature in a temporary file.
fn signature_file() -> tempfile::NamedTempFile {
    let mut file = tempfile::Builder::new()
        .suffix(".svg")
        .tempfile()
        .expect("a temporary file");
    std::io::Write::write_all(
        &mut file,
        br#"<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20"><path d="M2 18 C 20 0, 40 20, 58 2"/></svg>"#,
    )
    .expect("the signature is written");
    file
}

/// What one example run did.
struct Run {
    program: String,
    args: Vec<String>,
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

impl Run {
    #[track_caller]
    fn assert_success(&self) {
        assert!(self.status.success(), "{self}");
    }

    #[track_caller]
    fn assert_stdout_contains(&self, expected: &str) {
        assert!(
            self.stdout.contains(expected),
            "stdout lacks {expected:?}\n{self}"
        );
    }

    /// `expected` appears exactly once in all the program wrote.
    #[track_caller]
    fn assert_says_once(&self, expected: &str) {
        let count = self.stdout.matches(expected).count() + self.stderr.matches(expected).count();
        assert_eq!(count, 1, "{expected:?} said {count} times\n{self}");
    }

    #[track_caller]
    fn assert_stderr_contains(&self, expected: &str) {
        assert!(
            self.stderr.contains(expected),
            "stderr lacks {expected:?}\n{self}"
        );
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{} {} -> {}",
            self.program,
            self.args.join(" "),
            self.status
        )?;
        writeln!(f, "--- stdout\n{}", self.stdout)?;
        write!(f, "--- stderr\n{}", self.stderr)
    }
}

const API_KEY: &str = "examples-test-key";

/// Runs `program` with `args` and the API key in the environment.
fn run_example(program: &str, args: &[String]) -> Run {
    run_with_env(program, args, Some(API_KEY))
}

/// [`run_example`] for a test that keeps a server in its own tokio runtime busy meanwhile.
async fn run_example_async(program: &'static str, args: Vec<String>) -> Run {
    tokio::task::spawn_blocking(move || run_example(program, &args))
        .await
        .expect("the example run does not panic")
}

/// Runs `program` to completion (or [`RUN_TIMEOUT`]), with `MAGICLINE_API_KEY` set to `api_key`
/// or unset.
fn run_with_env(program: &str, args: &[String], api_key: Option<&str>) -> Run {
    let mut command = Command::new(program);
    command
        .args(args)
        .env_remove("MAGICLINE_API_KEY")
        // The servers are local; a proxy configured for the machine must not be asked for them.
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(key) = api_key {
        command.env("MAGICLINE_API_KEY", key);
    }
    let mut child = command
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {program}: {e}"));
    // Read both pipes while waiting, so that a chatty program cannot block on a full pipe.
    let stdout = drain(child.stdout.take().expect("stdout is piped"));
    let stderr = drain(child.stderr.take().expect("stderr is piped"));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("the child can be waited for") {
            break status;
        }
        if started.elapsed() > RUN_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{program} {} did not finish within {RUN_TIMEOUT:?}\n--- stdout\n{}\n--- stderr\n{}",
                args.join(" "),
                stdout.join().unwrap_or_default(),
                stderr.join().unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        program: PathBuf::from(program)
            .file_name()
            .map_or_else(|| program.to_owned(), |n| n.to_string_lossy().into_owned()),
        args: args.to_vec(),
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    }
}

fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = pipe.read_to_end(&mut text);
        String::from_utf8_lossy(&text).into_owned()
    })
}
