//! Customer self-service (Open API): show one data domain of a customer, propose a change the
//! way the studio's configuration allows it, or withdraw a change that waits for the studio.
//!
//! ```text
//! export MAGICLINE_API_KEY=...
//! self_service --customer-id 42 contact                                # show only
//! self_service --customer-id 42 contact --email new@example.com        # propose a change
//! self_service --customer-id 42 payment --iban DE02... --signature-svg signature.svg
//! self_service --customer-id 42 address --withdraw                     # withdraw the pending change
//! self_service --customer-id 42 address --withdraw 1234                # withdraw change 1234
//! ```
//!
//! The rules it follows, from the API's documentation:
//!
//! * `amendmentConfigurationStatus` says what the customer may do: `READ` means no edit is
//!   offered; with `CHANGES_REQUIRE_VERIFICATION` a change is queued for the studio's approval;
//!   with `CHANGES_WITHOUT_VERIFICATION` it applies at once.
//! * While a `pendingAmendment` is present, nothing new is submitted: it is shown instead.
//! * A `409` on submitting means an amendment is already pending (created since we looked).
//! * After every change (submit or withdraw) the data is fetched again, so what is printed last
//!   is what the server has now.
//! * A payment data change carries the customer's signature when `requireSignature` is true.
//!
//! Exit status 0 when the program did what the rules say (including "nothing may be changed"),
//! 1 when a request failed or a change could not be made as asked.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use base64::Engine;
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use magicline::models::{self, AmendmentConfigurationStatus as AmendmentStatus};

/// Show a customer's data of one domain, propose a change to it, or withdraw a proposed change.
#[derive(Debug, Parser)]
struct Args {
    /// The API's base URL: your tenant's, or a mock server's.
    #[arg(long, default_value = magicline::SERVERS[0])]
    base_url: String,
    /// The customer whose data to show or change.
    #[arg(long)]
    customer_id: i64,
    /// Withdraw an amendment instead of proposing one: the given id, or without one the
    /// amendment that is pending for the domain.
    #[arg(long, global = true, num_args = 0..=1, value_name = "AMENDMENT_ID")]
    withdraw: Option<Option<i64>>,
    #[command(subcommand)]
    domain: Domain,
}

/// The data domain, with the changes to propose for it (none: only show the data).
#[derive(Debug, Subcommand)]
enum Domain {
    /// Email address and phone numbers.
    Contact(ContactChange),
    /// Postal address.
    Address(AddressChange),
    /// Name and date of birth.
    MasterData(MasterDataChange),
    /// The bank account debited for the membership.
    Payment(PaymentChange),
}

#[derive(Debug, Clone, Default, clap::Args)]
struct ContactChange {
    /// New email address.
    #[arg(long)]
    email: Option<String>,
    /// New private phone number.
    #[arg(long)]
    phone_private: Option<String>,
    /// New private mobile phone number.
    #[arg(long)]
    phone_mobile: Option<String>,
}

#[derive(Debug, Clone, Default, clap::Args)]
struct AddressChange {
    /// New street.
    #[arg(long)]
    street: Option<String>,
    /// New house number.
    #[arg(long)]
    house_number: Option<String>,
    /// New zip code.
    #[arg(long)]
    zip_code: Option<String>,
    /// New city.
    #[arg(long)]
    city: Option<String>,
    /// New country (ISO 3166-1 alpha-2, e.g. `DE`).
    #[arg(long)]
    country_code: Option<String>,
}

#[derive(Debug, Clone, Default, clap::Args)]
struct MasterDataChange {
    /// New first name.
    #[arg(long)]
    first_name: Option<String>,
    /// New last name.
    #[arg(long)]
    last_name: Option<String>,
    /// New date of birth (`YYYY-MM-DD`).
    #[arg(long)]
    date_of_birth: Option<NaiveDate>,
}

#[derive(Debug, Clone, Default, clap::Args)]
struct PaymentChange {
    /// Account holder of the new bank account.
    #[arg(long)]
    account_holder: Option<String>,
    /// Name of the bank.
    #[arg(long)]
    bank_name: Option<String>,
    /// IBAN of the new bank account.
    #[arg(long)]
    iban: Option<String>,
    /// BIC of the new bank account.
    #[arg(long)]
    bic: Option<String>,
    /// The customer's signature (an SVG file), sent when the studio requires one.
    #[arg(long, value_name = "FILE")]
    signature_svg: Option<PathBuf>,
}

impl Domain {
    fn name(&self) -> &'static str {
        match self {
            Domain::Contact(_) => "contact data",
            Domain::Address(_) => "address data",
            Domain::MasterData(_) => "master data",
            Domain::Payment(_) => "payment data",
        }
    }

    /// Whether any change was given on the command line.
    fn has_change(&self) -> bool {
        match self {
            Domain::Contact(c) => {
                c.email.is_some() || c.phone_private.is_some() || c.phone_mobile.is_some()
            }
            Domain::Address(c) => {
                c.street.is_some()
                    || c.house_number.is_some()
                    || c.zip_code.is_some()
                    || c.city.is_some()
                    || c.country_code.is_some()
            }
            Domain::MasterData(c) => {
                c.first_name.is_some() || c.last_name.is_some() || c.date_of_birth.is_some()
            }
            Domain::Payment(c) => {
                c.account_holder.is_some()
                    || c.bank_name.is_some()
                    || c.iban.is_some()
                    || c.bic.is_some()
            }
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            if let Some(message) = server_message(&err) {
                eprintln!("the server said: {message}");
            }
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<()> {
    let client = magicline::Client::builder()
        .base_url(&args.base_url)
        .api_key(
            std::env::var("MAGICLINE_API_KEY").context("set MAGICLINE_API_KEY to your API key")?,
        )
        .build()?;
    let customer = args.customer_id;
    let domain = &args.domain;

    let current = Current::fetch(&client, customer, domain).await?;
    current.print(customer, domain);

    if let Some(requested) = args.withdraw {
        // Withdrawing is allowed whatever the status: it takes back the customer's own request
        // and changes no data.
        let amendment_id = match requested {
            Some(id) => id,
            None => match current.pending() {
                Some((Some(id), _)) => id,
                Some((None, _)) => {
                    bail!("the pending amendment has no id, so it cannot be withdrawn")
                }
                None => bail!(
                    "no amendment of the {} is pending: nothing to withdraw",
                    domain.name()
                ),
            },
        };
        client
            .customers_self_service()
            .withdraw_amendment(customer, amendment_id)
            .await
            .with_context(|| format!("withdrawing amendment {amendment_id}"))?;
        println!("withdrew amendment {amendment_id}");
        Current::fetch(&client, customer, domain)
            .await?
            .print(customer, domain);
        return Ok(());
    }

    match current.status() {
        AmendmentStatus::Read => {
            println!(
                "not submitting: the studio offers no changes to the {} (READ)",
                domain.name()
            );
            return Ok(());
        }
        AmendmentStatus::ChangesRequireVerification => {
            println!(
                "changes to the {} are queued for the studio's approval",
                domain.name()
            );
        }
        AmendmentStatus::ChangesWithoutVerification => {
            println!("changes to the {} apply at once", domain.name());
        }
        // A status this client does not know yet: offering no edit is the safe reading.
        AmendmentStatus::Unknown(other) => {
            println!("not submitting: unknown amendment configuration status {other:?}");
            return Ok(());
        }
    }
    if let Some((id, _)) = current.pending() {
        println!(
            "not submitting: amendment {} is still waiting for the studio (withdraw it with --withdraw)",
            describe_id(id)
        );
        return Ok(());
    }
    if !domain.has_change() {
        println!("no change given: nothing to submit");
        return Ok(());
    }

    // Build the whole amendment before sending anything: a missing signature is found here.
    let amendment = Amendment::new(current, domain)?;
    match amendment.submit(&client, customer).await {
        Ok(id) => println!(
            "submitted amendment {} (withdraw it with --withdraw {})",
            describe_id(id),
            id.map_or_else(|| "<id>".to_owned(), |id| id.to_string())
        ),
        // Someone (another device, the studio) created an amendment since we looked: show it
        // below instead of failing.
        Err(err) if err.is_conflict() => {
            println!("not submitted: the server answered 409, an amendment is already pending");
            if let Some(body) = err.body() {
                println!("  the server said: {}", body.error_message);
            }
        }
        Err(err) => return Err(err).context("submitting the amendment"),
    }
    Current::fetch(&client, customer, domain)
        .await?
        .print(customer, domain);
    Ok(())
}

/// One domain's data as the server returned it: the data, the amendment configuration status
/// and any pending amendment. The four domains have four unrelated types; this enum lets one
/// flow handle them.
// One value lives at a time, on the stack of `run`: boxing the large variant would buy nothing.
#[allow(clippy::large_enum_variant)]
enum Current {
    Contact(models::OpenApiV1CustomerDataDtoCustomerContactData),
    Address(models::OpenApiV1CustomerDataDtoCustomerAddressData),
    MasterData(models::OpenApiV1CustomerDataDtoCustomerMasterData),
    Payment(models::OpenApiV1CustomerDataDtoCustomerPaymentData),
}

impl Current {
    async fn fetch(
        client: &magicline::Client,
        customer: i64,
        domain: &Domain,
    ) -> Result<Current, magicline::Error<models::ErrorResponse>> {
        let service = client.customers_self_service();
        Ok(match domain {
            Domain::Contact(_) => {
                Current::Contact(service.get_customer_contact_data(customer).await?)
            }
            Domain::Address(_) => {
                Current::Address(service.get_customer_address_data(customer).await?)
            }
            Domain::MasterData(_) => {
                Current::MasterData(service.get_customer_master_data(customer).await?)
            }
            Domain::Payment(_) => {
                Current::Payment(service.get_customer_payment_data(customer).await?)
            }
        })
    }

    fn status(&self) -> &AmendmentStatus {
        match self {
            Current::Contact(data) => &data.amendment_configuration_status,
            Current::Address(data) => &data.amendment_configuration_status,
            Current::MasterData(data) => &data.amendment_configuration_status,
            Current::Payment(data) => &data.amendment_configuration_status,
        }
    }

    /// The pending amendment's id (the spec does not promise one) and its data, for printing.
    fn pending(&self) -> Option<(Option<i64>, serde_json::Value)> {
        fn json(value: &impl serde::Serialize) -> serde_json::Value {
            serde_json::to_value(value).unwrap_or_default()
        }
        match self {
            Current::Contact(data) => data.pending_amendment.as_ref().map(|p| (p.id, json(p))),
            Current::Address(data) => data.pending_amendment.as_ref().map(|p| (p.id, json(p))),
            Current::MasterData(data) => data.pending_amendment.as_ref().map(|p| (p.id, json(p))),
            Current::Payment(data) => data.pending_amendment.as_ref().map(|p| (p.id, json(p))),
        }
    }

    fn print(&self, customer: i64, domain: &Domain) {
        // The models serialise to the API's JSON; printing that keeps the display generic.
        let data = match self {
            Current::Contact(data) => serde_json::to_value(data),
            Current::Address(data) => serde_json::to_value(data),
            Current::MasterData(data) => serde_json::to_value(data),
            Current::Payment(data) => serde_json::to_value(data),
        }
        .unwrap_or_default();
        println!(
            "{} of customer {customer} (amendment configuration: {}):",
            domain.name(),
            self.status()
        );
        print_fields(&data, &["amendmentConfigurationStatus", "pendingAmendment"]);
        match self.pending() {
            Some((id, pending)) => {
                println!(
                    "pending amendment {}, waiting for the studio:",
                    describe_id(id)
                );
                print_fields(&pending, &["id"]);
            }
            None => println!("no pending amendment"),
        }
    }
}

/// The body of a new amendment: the current data with the requested changes applied, so that
/// fields the customer did not touch keep their values.
#[allow(clippy::large_enum_variant)] // As for `Current`: one short-lived value.
enum Amendment {
    Contact(models::CustomerContactData),
    Address(models::CustomerAddressData),
    MasterData(models::CustomerMasterData),
    Payment(models::OpenApiV1CustomerPaymentAmendment),
}

impl Amendment {
    fn new(current: Current, domain: &Domain) -> Result<Amendment> {
        Ok(match (current, domain) {
            (Current::Contact(now), Domain::Contact(change)) => {
                let change = change.clone();
                Amendment::Contact(models::CustomerContactData {
                    email: change.email.or(now.email),
                    phone_private: change.phone_private.or(now.phone_private),
                    phone_private_mobile: change.phone_mobile.or(now.phone_private_mobile),
                    phone_business: now.phone_business,
                    phone_business_mobile: now.phone_business_mobile,
                })
            }
            (Current::Address(now), Domain::Address(change)) => {
                let change = change.clone();
                Amendment::Address(models::CustomerAddressData {
                    street: change.street.unwrap_or(now.street),
                    house_number: change.house_number.or(now.house_number),
                    zip_code: change.zip_code.unwrap_or(now.zip_code),
                    city: change.city.unwrap_or(now.city),
                    country_code: change.country_code.unwrap_or(now.country_code),
                    province: now.province,
                    province_code: now.province_code,
                    second_street: now.second_street,
                    city_part: now.city_part,
                    district: now.district,
                    street_type: now.street_type,
                    street_block: now.street_block,
                    portal: now.portal,
                    stairway: now.stairway,
                    door: now.door,
                    additional_address_information: now.additional_address_information,
                    floor: now.floor,
                    building_name: now.building_name,
                })
            }
            (Current::MasterData(now), Domain::MasterData(change)) => {
                let change = change.clone();
                Amendment::MasterData(models::CustomerMasterData {
                    first_name: change.first_name.unwrap_or(now.first_name),
                    last_name: change.last_name.unwrap_or(now.last_name),
                    gender: now.gender,
                    date_of_birth: change.date_of_birth.unwrap_or(now.date_of_birth),
                    country_of_birth: now.country_of_birth,
                    customer_title: now.customer_title,
                })
            }
            (Current::Payment(now), Domain::Payment(change)) => {
                let change = change.clone();
                // A bank account is all or nothing: every part must come from the command
                // line or from the account on file.
                let missing = |flag: &str| {
                    format!("{flag} is required: the customer has no such value on file")
                };
                let signature = match (&change.signature_svg, now.require_signature) {
                    (Some(path), _) => Some(models::Signature {
                        base64_svg_signature: read_signature(path)?,
                    }),
                    (None, Some(true)) => bail!(
                        "the studio requires the customer's signature for payment data changes: \
                         pass --signature-svg FILE"
                    ),
                    (None, _) => None,
                };
                Amendment::Payment(models::OpenApiV1CustomerPaymentAmendment {
                    account_holder: change
                        .account_holder
                        .or(now.account_holder)
                        .with_context(|| missing("--account-holder"))?,
                    bank_name: change
                        .bank_name
                        .or(now.bank_name)
                        .with_context(|| missing("--bank-name"))?,
                    iban: change
                        .iban
                        .or(now.iban)
                        .with_context(|| missing("--iban"))?,
                    bic: change.bic.or(now.bic).with_context(|| missing("--bic"))?,
                    signature,
                })
            }
            _ => unreachable!("Current::fetch returns the domain it was asked for"),
        })
    }

    /// Sends the amendment; the id of the created amendment on success.
    async fn submit(
        &self,
        client: &magicline::Client,
        customer: i64,
    ) -> Result<Option<i64>, magicline::Error<models::ErrorResponse>> {
        let service = client.customers_self_service();
        Ok(match self {
            Amendment::Contact(body) => {
                service
                    .create_customer_contact_data_amendment(customer, body.clone())
                    .await?
                    .id
            }
            Amendment::Address(body) => {
                service
                    .create_customer_address_data_amendment(customer, body.clone())
                    .await?
                    .id
            }
            Amendment::MasterData(body) => {
                service
                    .create_customer_master_data_amendment(customer, body.clone())
                    .await?
                    .id
            }
            Amendment::Payment(body) => {
                service
                    .create_customer_payment_data_amendment(customer, body.clone())
                    .await?
                    .id
            }
        })
    }
}

/// The SVG in `path`, base64-encoded as the API wants it.
fn read_signature(path: &Path) -> Result<String> {
    let svg = std::fs::read(path)
        .with_context(|| format!("cannot read the signature {}", path.display()))?;
    Ok(base64::engine::general_purpose::STANDARD.encode(svg))
}

fn describe_id(id: Option<i64>) -> String {
    id.map_or_else(|| "(without id)".to_owned(), |id| id.to_string())
}

/// Prints the fields of a JSON object as `  name: value`, leaving out `skip`.
fn print_fields(value: &serde_json::Value, skip: &[&str]) {
    let Some(fields) = value.as_object() else {
        return;
    };
    for (name, value) in fields
        .iter()
        .filter(|(name, _)| !skip.contains(&name.as_str()))
    {
        match value {
            serde_json::Value::String(text) => println!("  {name}: {text}"),
            other => println!("  {name}: {other}"),
        }
    }
}

/// The message of the server's error body, if the error is one the server explained.
fn server_message(err: &anyhow::Error) -> Option<&str> {
    err.chain()
        .find_map(|cause| cause.downcast_ref::<magicline::Error<models::ErrorResponse>>())
        .and_then(|err| err.body())
        .map(|body| body.error_message.as_str())
}
