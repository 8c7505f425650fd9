//! Customer self-service (Open API): show one data domain of a customer, propose a change the
//! way the studio's configuration allows it, or withdraw a change that waits for the studio.
//!
//! ```text
//! export MAGICLINE_API_KEY=...
//! self_service --customer-id 42 contact                                # show only
//! self_service --customer-id 42 contact --email new@example.com        # propose a change
//! self_service --customer-id 42 payment --account-holder "Erika Mustermann" --bank-name "Commerzbank" \
//!     --iban DE02... --bic COBADEFFXXX --signature-svg signature.svg
//! self_service --customer-id 42 address --withdraw                     # withdraw the pending change
//! self_service --customer-id 42 address --withdraw 1234                # the same, if its id is 1234
//! ```
//!
//! It follows the developer portal's guide "Working with customer self-service"
//! (<https://developer.sportalliance.com/>, use cases). The rules it follows:
//!
//! * `amendmentConfigurationStatus` says what the customer may do: `READ` means no edit is
//!   offered; with `CHANGES_REQUIRE_VERIFICATION` a change is queued for the studio's approval;
//!   with `CHANGES_WITHOUT_VERIFICATION` it applies at once.
//! * While a `pendingAmendment` is present, nothing new is submitted: it is shown instead.
//! * A `409` on submitting means an amendment is already pending (created since we looked): the
//!   data is read again to show it, and the program fails, as the change was not made.
//! * After every change (submit or withdraw) the data is fetched again, so what is printed last
//!   is what the server has now.
//! * A payment data change carries the customer's signature when `requireSignature` is true.
//! * A payment data change is one complete bank account, exactly as the customer gave it:
//!   account holder, bank name, IBAN and BIC. Nothing is taken from the account on file, so a
//!   new IBAN never goes out with the old bank's BIC; a partial account is refused.
//! * The other domains send the data on file with the given fields changed: an amendment is
//!   the domain's whole new state, and the customer changed only those fields.
//! * A withdrawal is offered only for an amendment that waits for the studio, and `--withdraw`
//!   takes back only that one: the domain's `pendingAmendment`, while the status is
//!   `CHANGES_REQUIRE_VERIFICATION` (with `CHANGES_WITHOUT_VERIFICATION` a change is applied at
//!   once, with `READ` nothing can be changed). Any other id, or any other status, is refused
//!   with the reason, and nothing is sent.
//!
//! On an error the server's message is shown once, with its `traceId` for Magicline support.
//!
//! Exit status 0 when the program did what the rules say (including "nothing may be changed"),
//! 1 when a request failed or a change could not be made as asked (a `409` included).

use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::str::FromStr;

use anyhow::{Context, Result, bail};
use base64::Engine;
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
// Each domain's data has its own status enum, all with the same values; the flow reads every
// domain's status as the contact data's (see `Current::status`). The gender and title given on
// the command line are the master data amendment's.
use magicline::models::{
    self, AmendableContactDataStatus as AmendmentStatus, CustomerMasterDataCustomerTitle as Title,
    CustomerMasterDataGender as Gender,
};
use magicline::runtime::StringEnum;

/// Show a customer's data of one domain, propose a change to it, or withdraw a proposed change.
#[derive(Debug, Parser)]
struct Args {
    /// The API's base URL: your tenant's, or a mock server's.
    #[arg(long, default_value = magicline::SERVERS[0])]
    base_url: String,
    /// The customer whose data to show or change.
    #[arg(long)]
    customer_id: i64,
    /// Withdraw the domain's pending amendment instead of proposing one, while it waits for
    /// the studio (an id given must be its id).
    #[arg(long, global = true, num_args = 0..=1, value_name = "AMENDMENT_ID")]
    withdraw: Option<Option<i64>>,
    #[command(subcommand)]
    domain: Domain,
}

/// The data domain, with the changes to propose for it (none: only show the data).
#[derive(Debug, Subcommand)]
// One value, parsed once from the command line: boxing the address would buy nothing.
#[allow(clippy::large_enum_variant)]
enum Domain {
    /// Email address and phone numbers.
    Contact(ContactChange),
    /// Postal address.
    Address(AddressChange),
    /// Name, gender, title, date and country of birth.
    MasterData(MasterDataChange),
    /// The bank account debited for the membership.
    Payment(PaymentChange),
}

#[derive(Debug, Clone, Default, PartialEq, clap::Args)]
struct ContactChange {
    /// New email address.
    #[arg(long)]
    email: Option<String>,
    /// New private phone number.
    #[arg(long)]
    phone_private: Option<String>,
    /// New private mobile phone number.
    #[arg(long, alias = "phone-mobile")]
    phone_private_mobile: Option<String>,
    /// New business phone number.
    #[arg(long)]
    phone_business: Option<String>,
    /// New business mobile phone number.
    #[arg(long)]
    phone_business_mobile: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, clap::Args)]
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
    /// New province (southern Europe, US).
    #[arg(long)]
    province: Option<String>,
    /// New province code (US states, e.g. `CA`).
    #[arg(long)]
    province_code: Option<String>,
    /// New second street line.
    #[arg(long)]
    second_street: Option<String>,
    /// New city part.
    #[arg(long)]
    city_part: Option<String>,
    /// New district.
    #[arg(long)]
    district: Option<String>,
    /// New street type (e.g. `Calle`).
    #[arg(long)]
    street_type: Option<String>,
    /// New street block.
    #[arg(long)]
    street_block: Option<String>,
    /// New portal.
    #[arg(long)]
    portal: Option<String>,
    /// New stairway.
    #[arg(long)]
    stairway: Option<String>,
    /// New door.
    #[arg(long)]
    door: Option<String>,
    /// New additional address information.
    #[arg(long)]
    additional_address_information: Option<String>,
    /// New floor.
    #[arg(long)]
    floor: Option<String>,
    /// New building name.
    #[arg(long)]
    building_name: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, clap::Args)]
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
    /// New gender (`male`, `female`, `unisex`).
    #[arg(long, value_parser = parse_gender)]
    gender: Option<Gender>,
    /// New title (`none`, `dr`, `prof`).
    #[arg(long, value_parser = parse_title)]
    title: Option<Title>,
    /// New country of birth (ISO 3166-1 alpha-2, e.g. `DE`).
    #[arg(long)]
    country_of_birth: Option<String>,
}

/// A new bank account: all four parts, or none (then only the data is shown).
#[derive(Debug, Clone, Default, PartialEq, clap::Args)]
struct PaymentChange {
    /// Account holder of the new bank account.
    #[arg(long)]
    account_holder: Option<String>,
    /// Name of the bank of the new bank account.
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

    /// Whether any change was given on the command line. (A signature alone is no change: it
    /// signs a bank account.)
    fn has_change(&self) -> bool {
        match self {
            Domain::Contact(change) => *change != ContactChange::default(),
            Domain::Address(change) => *change != AddressChange::default(),
            Domain::MasterData(change) => *change != MasterDataChange::default(),
            Domain::Payment(change) => {
                change.account_holder.is_some()
                    || change.bank_name.is_some()
                    || change.iban.is_some()
                    || change.bic.is_some()
            }
        }
    }

    /// Refuses a change that cannot be sent as given, before anything is asked of the server.
    fn check(&self) -> Result<()> {
        if let Domain::Payment(change) = self {
            change.account()?;
        }
        Ok(())
    }
}

/// The parts of a bank account, as the customer gave them.
struct BankAccount {
    account_holder: String,
    bank_name: String,
    iban: String,
    bic: String,
}

impl PaymentChange {
    /// The new bank account; `None` when none was given. A payment change is one complete
    /// bank account: filling a missing part from the account on file could send a new IBAN
    /// with the old bank's BIC, name or holder, so a partial account is refused instead.
    fn account(&self) -> Result<Option<BankAccount>> {
        let parts = [
            ("--account-holder", &self.account_holder),
            ("--bank-name", &self.bank_name),
            ("--iban", &self.iban),
            ("--bic", &self.bic),
        ];
        let missing: Vec<&str> = parts
            .iter()
            .filter(|(_, value)| value.is_none())
            .map(|(flag, _)| *flag)
            .collect();
        if missing.len() == parts.len() {
            return Ok(None);
        }
        match (&self.account_holder, &self.bank_name, &self.iban, &self.bic) {
            (Some(account_holder), Some(bank_name), Some(iban), Some(bic)) => {
                Ok(Some(BankAccount {
                    account_holder: account_holder.clone(),
                    bank_name: bank_name.clone(),
                    iban: iban.clone(),
                    bic: bic.clone(),
                }))
            }
            _ => bail!(
                "a payment change is one complete bank account: also pass {} (nothing is taken \
                 from the account on file, so that parts of two accounts are never mixed)",
                missing.join(", ")
            ),
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => magicline_examples::report(&err),
    }
}

async fn run(args: Args) -> Result<()> {
    args.domain.check()?;
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
        let amendment_id = withdrawable(&current, domain, requested)?;
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
        other => {
            println!(
                "not submitting: unknown amendment configuration status {:?}",
                other.as_str()
            );
            return Ok(());
        }
    }
    if let Some((id, _)) = current.pending() {
        println!(
            "not submitting: amendment {} is still waiting for the studio (withdraw it with {})",
            describe_id(id),
            withdraw_flag(id)
        );
        return Ok(());
    }
    if !domain.has_change() {
        println!("no change given: nothing to submit");
        return Ok(());
    }

    // Build the whole amendment before sending anything: a missing signature is found here.
    let applies_at_once = current.status() == AmendmentStatus::ChangesWithoutVerification;
    let amendment = Amendment::new(current, domain)?;
    match amendment.submit(&client, customer).await {
        // Applied at once: nothing waits for the studio, so there is nothing to withdraw.
        Ok(id) if applies_at_once => println!("submitted amendment {}: applied", describe_id(id)),
        Ok(id) => println!(
            "submitted amendment {}, waiting for the studio's approval (withdraw it with {})",
            describe_id(id),
            withdraw_flag(id)
        ),
        // Someone (another device, the studio) created an amendment since we looked: show it,
        // then fail, as the change the customer asked for was not made.
        Err(err) if err.is_conflict() => {
            println!(
                "not submitted: an amendment of the {} is already pending",
                domain.name()
            );
            Current::fetch(&client, customer, domain)
                .await?
                .print(customer, domain);
            return Err(err).context(format!(
                "the change was not submitted: an amendment of the {} is already pending",
                domain.name()
            ));
        }
        Err(err) => return Err(err).context("submitting the amendment"),
    }
    Current::fetch(&client, customer, domain)
        .await?
        .print(customer, domain);
    Ok(())
}

/// The amendment `--withdraw` may take back: the domain's pending amendment, while it waits
/// for the studio (`CHANGES_REQUIRE_VERIFICATION`), and only that one (`requested`, if given,
/// must be its id). Anything else is refused before a request is sent, saying why.
fn withdrawable(current: &Current, domain: &Domain, requested: Option<i64>) -> Result<i64> {
    let name = domain.name();
    let not = "nothing was withdrawn";
    match current.status() {
        AmendmentStatus::ChangesRequireVerification => {}
        AmendmentStatus::ChangesWithoutVerification => bail!(
            "changes to the {name} apply at once, so no amendment waits for the studio: {not}"
        ),
        AmendmentStatus::Read => bail!(
            "the studio offers no changes to the {name} (READ), so no amendment of it can be \
             withdrawn: {not}"
        ),
        other => bail!(
            "unknown amendment configuration status {:?}: {not}",
            other.as_str()
        ),
    }
    let pending = match current.pending() {
        Some((Some(id), _)) => id,
        Some((None, _)) => bail!("the pending amendment has no id, so it cannot be withdrawn"),
        None => bail!("no amendment of the {name} waits for the studio: {not}"),
    };
    match requested {
        Some(id) if id != pending => {
            bail!("amendment {id} is not the one waiting for the studio (that is {pending}): {not}")
        }
        _ => Ok(pending),
    }
}

/// How to withdraw amendment `id`: by its id, or, without one, as the domain's pending one.
fn withdraw_flag(id: Option<i64>) -> String {
    id.map_or_else(|| "--withdraw".to_owned(), |id| format!("--withdraw {id}"))
}

/// One domain's data as the server returned it: the data, the amendment configuration status
/// and any pending amendment. The four domains have four unrelated types; this enum lets one
/// flow handle them.
// One value lives at a time, on the stack of `run`: boxing the large variant would buy nothing.
#[allow(clippy::large_enum_variant)]
enum Current {
    Contact(models::AmendableContactData),
    Address(models::AmendableAddressData),
    MasterData(models::AmendableMasterData),
    Payment(models::AmendablePaymentData),
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

    fn status(&self) -> AmendmentStatus {
        match self {
            Current::Contact(data) => data.amendment_configuration_status.clone(),
            Current::Address(data) => same_value(data.amendment_configuration_status.as_str()),
            Current::MasterData(data) => same_value(data.amendment_configuration_status.as_str()),
            Current::Payment(data) => same_value(data.amendment_configuration_status.as_str()),
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
    Payment(models::CustomerPaymentAmendment),
}

impl Amendment {
    fn new(current: Current, domain: &Domain) -> Result<Amendment> {
        Ok(match (current, domain) {
            (Current::Contact(now), Domain::Contact(change)) => {
                let change = change.clone();
                let mut body = models::CustomerContactData::default();
                body.email = change.email.or(now.email);
                body.phone_private = change.phone_private.or(now.phone_private);
                body.phone_private_mobile =
                    change.phone_private_mobile.or(now.phone_private_mobile);
                body.phone_business = change.phone_business.or(now.phone_business);
                body.phone_business_mobile =
                    change.phone_business_mobile.or(now.phone_business_mobile);
                Amendment::Contact(body)
            }
            (Current::Address(now), Domain::Address(change)) => {
                let change = change.clone();
                let mut body = models::CustomerAddressData::new(
                    change.street.unwrap_or(now.street),
                    change.zip_code.unwrap_or(now.zip_code),
                    change.city.unwrap_or(now.city),
                    change.country_code.unwrap_or(now.country_code),
                );
                body.house_number = change.house_number.or(now.house_number);
                body.province = change.province.or(now.province);
                body.province_code = change.province_code.or(now.province_code);
                body.second_street = change.second_street.or(now.second_street);
                body.city_part = change.city_part.or(now.city_part);
                body.district = change.district.or(now.district);
                body.street_type = change.street_type.or(now.street_type);
                body.street_block = change.street_block.or(now.street_block);
                body.portal = change.portal.or(now.portal);
                body.stairway = change.stairway.or(now.stairway);
                body.door = change.door.or(now.door);
                body.additional_address_information = change
                    .additional_address_information
                    .or(now.additional_address_information);
                body.floor = change.floor.or(now.floor);
                body.building_name = change.building_name.or(now.building_name);
                Amendment::Address(body)
            }
            (Current::MasterData(now), Domain::MasterData(change)) => {
                let change = change.clone();
                let mut body = models::CustomerMasterData::new(
                    change.first_name.unwrap_or(now.first_name),
                    change.last_name.unwrap_or(now.last_name),
                    change
                        .gender
                        .unwrap_or_else(|| same_value(now.gender.as_str())),
                    change.date_of_birth.unwrap_or(now.date_of_birth),
                    change
                        .title
                        .unwrap_or_else(|| same_value(now.customer_title.as_str())),
                );
                body.country_of_birth = change.country_of_birth.or(now.country_of_birth);
                Amendment::MasterData(body)
            }
            (Current::Payment(now), Domain::Payment(change)) => {
                // Exactly the account the customer gave; `check` refused a partial one.
                let account = change
                    .account()?
                    .context("a payment change needs a bank account")?;
                let signature = match (&change.signature_svg, now.require_signature) {
                    (Some(path), _) => Some(models::Signature::new(read_signature(path)?)),
                    (None, Some(true)) => bail!(
                        "the studio requires the customer's signature for payment data changes: \
                         pass --signature-svg FILE"
                    ),
                    (None, _) => None,
                };
                let mut body = models::CustomerPaymentAmendment::new(
                    account.account_holder,
                    account.bank_name,
                    account.iban,
                    account.bic,
                );
                body.signature = signature;
                Amendment::Payment(body)
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

/// The value of a generated enum with the wire value `value`. Each place in the API has its own
/// enum type, so a value read in one place (the customer's data) is carried to another (the
/// amendment, or the flow's one status type) by its wire value, unknown values included.
fn same_value<T: FromStr<Err = Infallible>>(value: &str) -> T {
    let Ok(converted) = value.parse();
    converted
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

/// Parses an enum value given on the command line in any case, `-` for `_`. The generated
/// enums accept values they do not know (from a newer server); a typo on the command line is
/// refused here instead of being sent.
fn parse_enum<T: StringEnum>(value: &str, known: &[&str]) -> Result<T, String> {
    let wire = value.to_ascii_uppercase().replace('-', "_");
    if known.contains(&wire.as_str()) {
        Ok(T::from_wire(&wire))
    } else {
        let choices: Vec<String> = known
            .iter()
            .map(|known| known.to_ascii_lowercase().replace('_', "-"))
            .collect();
        Err(format!(
            "unknown value {value:?} (one of: {})",
            choices.join(", ")
        ))
    }
}

fn parse_gender(value: &str) -> Result<Gender, String> {
    parse_enum(value, Gender::KNOWN_VALUES)
}

fn parse_title(value: &str) -> Result<Title, String> {
    parse_enum(value, Title::KNOWN_VALUES)
}
