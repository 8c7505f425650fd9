//! Online contract conclusion and trial sessions (Connect API, no API key).
//!
//! ```text
//! contract_conclusion studios --search Hamburg
//! contract_conclusion contract --studio-id 1 --term-id 7 --accept-terms \
//!     --first-name Erika --last-name Mustermann --email erika@example.com --date-of-birth 1990-04-01 \
//!     --street Raboisen --house-number 3-4 --zip-code 20095 --city Hamburg --country-code DE \
//!     --iban DE02120300000000202051 --signature-svg signature.svg
//! contract_conclusion trial-session --studio-id 1 --first-name Erika --last-name Mustermann --email erika@example.com
//! ```
//!
//! `contract` is the checkout of a studio's web site: list the studios, list the rate bundles
//! (offers) of the chosen one, and create the customer with a contract for the chosen term of a
//! bundle. `trial-session` books a free trial appointment: read which lead fields the studio
//! wants, find free slots in the next week, book one. Without `--studio-id` or `--term-id` the
//! first studio or term that fits is chosen, and the program says so.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use base64::Engine;
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use magicline_connect::models;

/// Conclude a membership contract online, or book a trial session.
#[derive(Debug, Parser)]
struct Args {
    /// The API's base URL: your tenant's, or a mock server's.
    #[arg(long, default_value = magicline_connect::SERVERS[0])]
    base_url: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List the studios.
    Studios {
        /// Only studios whose zip code or city starts with this.
        #[arg(long)]
        search: Option<String>,
    },
    /// Create a customer with a contract for a rate bundle term.
    Contract(ContractArgs),
    /// Book a trial session.
    TrialSession(TrialSessionArgs),
}

#[derive(Debug, clap::Args)]
struct ContractArgs {
    /// The studio (default: the first one with online offers).
    #[arg(long)]
    studio_id: Option<i64>,
    /// The rate bundle term (default: the first term of the first rate bundle).
    #[arg(long)]
    term_id: Option<i64>,
    /// The customer has read and accepts the offer's text blocks that need a confirmation.
    #[arg(long)]
    accept_terms: bool,
    /// The customer's signature (an SVG file), for offers that require signing.
    #[arg(long, value_name = "FILE")]
    signature_svg: Option<PathBuf>,
    /// Pay by direct debit from this account (otherwise: a payment choice that needs no data).
    #[arg(long, requires = "account_holder")]
    iban: Option<String>,
    /// The holder of the --iban account.
    #[arg(long)]
    account_holder: Option<String>,
    /// Start of the contract (default: the term's default start, or today).
    #[arg(long)]
    start_date: Option<NaiveDate>,
    #[arg(long)]
    first_name: String,
    #[arg(long)]
    last_name: String,
    #[arg(long)]
    email: String,
    /// `YYYY-MM-DD`.
    #[arg(long)]
    date_of_birth: NaiveDate,
    #[arg(long)]
    street: String,
    #[arg(long)]
    house_number: String,
    #[arg(long)]
    zip_code: String,
    #[arg(long)]
    city: String,
    /// ISO 3166-1 alpha-2, e.g. `DE`.
    #[arg(long)]
    country_code: String,
    #[arg(long)]
    phone: Option<String>,
}

#[derive(Debug, clap::Args)]
struct TrialSessionArgs {
    /// The studio (default: the first one with bookable trial sessions).
    #[arg(long)]
    studio_id: Option<i64>,
    /// Book the slot starting at this time (default: the first free slot).
    #[arg(long, value_name = "DATE_TIME")]
    slot: Option<magicline_connect::DateTime>,
    /// Look for slots from this day on, for a week (default: today).
    #[arg(long)]
    from: Option<NaiveDate>,
    #[arg(long)]
    first_name: String,
    #[arg(long)]
    last_name: String,
    #[arg(long)]
    email: Option<String>,
    #[arg(long)]
    phone: Option<String>,
    /// `YYYY-MM-DD`.
    #[arg(long)]
    date_of_birth: Option<NaiveDate>,
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            for message in server_messages(&err) {
                eprintln!("the server said: {message}");
            }
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<()> {
    let client = magicline_connect::Client::builder()
        .base_url(&args.base_url)
        .build()?;
    match args.command {
        Command::Studios { search } => {
            let studios = match search {
                Some(query) => {
                    client
                        .studios()
                        .get_studio_list()
                        .address_search_query(query)
                        .await?
                }
                None => client.studios().get_studio_list().await?,
            };
            print_studios(&studios);
            Ok(())
        }
        Command::Contract(args) => conclude_contract(&client, args).await,
        Command::TrialSession(args) => book_trial_session(&client, args).await,
    }
}

async fn conclude_contract(
    client: &magicline_connect::Client,
    mut args: ContractArgs,
) -> Result<()> {
    let studios = client.studios().get_studio_list().await?;
    print_studios(&studios);
    let studio = choose_studio(&studios, args.studio_id, "online offers", |studio| {
        studio.has_rate_bundles == Some(true)
    })?;

    let bundles = client.contracts().get_rate_bundle_list(studio.id).await?;
    println!("rate bundles of studio {}:", studio.id);
    for bundle in &bundles {
        println!("  bundle {} {:?}", bundle.id, bundle.name);
        for term in &bundle.terms {
            println!("    term {}: {}", term.id, describe_term(term));
        }
    }
    let (bundle, term) = match args.term_id {
        Some(id) => bundles
            .iter()
            .find_map(|bundle| {
                bundle
                    .terms
                    .iter()
                    .find(|term| term.id == id)
                    .map(|term| (bundle, term))
            })
            .with_context(|| format!("studio {} has no rate bundle term {id}", studio.id))?,
        None => {
            let (bundle, term) = bundles
                .iter()
                .find_map(|bundle| bundle.terms.first().map(|term| (bundle, term)))
                .with_context(|| format!("studio {} has no rate bundle with a term", studio.id))?;
            println!(
                "choosing term {} of bundle {} (pass --term-id to choose another)",
                term.id, bundle.id
            );
            (bundle, term)
        }
    };

    // The offer's text blocks are shown to the customer before they accept it.
    let text_blocks = bundle.contract_text_blocks.as_deref().unwrap_or_default();
    for block in text_blocks {
        let confirm = if block.is_confirmation_required {
            " (needs the customer's confirmation)"
        } else {
            ""
        };
        println!("text block {} {:?}{confirm}", block.id, block.title);
    }
    if text_blocks
        .iter()
        .any(|block| block.is_confirmation_required)
        && !args.accept_terms
    {
        bail!(
            "the offer has text blocks the customer must confirm: show them, then pass --accept-terms"
        );
    }
    let signature = args
        .signature_svg
        .as_deref()
        .map(read_signature)
        .transpose()?;
    if bundle.contract_signatures_required == Some(true) && signature.is_none() {
        bail!("the offer must be signed: pass --signature-svg FILE");
    }
    // The same signature goes under each text block that has a signature field.
    let text_block_signatures: Vec<models::PublicApiSignatureDto> = match &signature {
        Some(svg) => text_blocks
            .iter()
            .filter(|block| block.has_signature)
            .map(|block| models::PublicApiSignatureDto {
                base64_svg: svg.clone(),
                text_block_id: Some(block.id),
            })
            .collect(),
        None => Vec::new(),
    };

    let allowed = bundle
        .allowed_payment_choices
        .as_deref()
        .unwrap_or_default();
    let (payment_choice, bank_account) = match (args.iban.take(), args.account_holder.take()) {
        (Some(iban), Some(account_holder))
            if allowed.contains(&models::PaymentChoice::DirectDebit) =>
        {
            (
                models::PaymentChoice::DirectDebit,
                Some(models::PublicApiBankAccountDto {
                    account_holder,
                    iban,
                    bic: None,
                }),
            )
        }
        (Some(_), _) => bail!("bundle {} cannot be paid by direct debit", bundle.id),
        // Credit cards need the tokenisation flow first; this example leaves them out.
        (None, _) => {
            let choice = allowed
                .iter()
                .find(|choice| {
                    matches!(
                        choice,
                        models::PaymentChoice::Cash | models::PaymentChoice::BankTransfer
                    )
                })
                .with_context(|| {
                    format!(
                        "bundle {} needs payment data: pass --iban and --account-holder",
                        bundle.id
                    )
                })?;
            (choice.clone(), None)
        }
    };

    // Not before the studio opens: the API asks for at least its opening date.
    let start_date = args
        .start_date
        .or(term.default_contract_start_date)
        .unwrap_or_else(|| chrono::Local::now().date_naive())
        .max(studio.opening_date.unwrap_or(NaiveDate::MIN));

    let request = models::ConnectApiCreateContractDto {
        studio_id: studio.id,
        contract: models::ConnectApiContractDataDto {
            rate_bundle_term_id: term.id,
            start_date,
            contract_signature: signature.map(|svg| models::PublicApiSignatureDto {
                base64_svg: svg,
                text_block_id: None,
            }),
            // Unset: the contract signature is used for the SEPA mandate too.
            sepa_signature: None,
            text_block_signatures: Some(text_block_signatures),
            notes: None,
            optional_rate_bundle_term_modules: None,
            preuse_date: None,
            selected_rate_bundle_modules: None,
        },
        customer: new_customer(args, payment_choice, bank_account),
        landing_page_configuration_id: None,
        offer_uuid: None,
        voucher_code: None,
    };
    let created = client
        .contracts()
        .create_customer_and_contract(request.clone())
        .await?;
    println!(
        "created customer {} (member number {}) with contract {} for term {}",
        created.customer_id, created.customer_member_number, created.id, term.id
    );
    if let Some(url) = &created.optional_payment_url_where_the_user_needs_to_be_redirected_to {
        println!("send the customer to {url} to pay");
    }
    Ok(())
}

/// The new customer. Only a few of the 48 fields apply to a German checkout; the rest are set to
/// `None` one by one, as the type has no constructor or `Default`.
#[allow(deprecated)] // `identification` and `privacy_configuration` must be named to be left out.
fn new_customer(
    args: ContractArgs,
    payment_choice: models::PaymentChoice,
    bank_account: Option<models::PublicApiBankAccountDto>,
) -> models::ConnectApiCreatePublicCustomerDto {
    models::ConnectApiCreatePublicCustomerDto {
        firstname: args.first_name,
        lastname: args.last_name,
        email: args.email,
        date_of_birth: args.date_of_birth,
        street: args.street,
        house_number: args.house_number,
        zip_code: args.zip_code,
        city: args.city,
        country_code: args.country_code,
        telephone_mobile: args.phone,
        payment_choice,
        bank_account,
        additional_address_information: None,
        building_name: None,
        city_part: None,
        communication_preferences: None,
        country_of_birth: None,
        credit_card: None,
        district: None,
        document_identification: None,
        door: None,
        floor: None,
        gender: None,
        identification: None,
        identity_token: None,
        image_object_key: None,
        language: None,
        locale: None,
        place_of_birth: None,
        portal: None,
        privacy_configuration: None,
        province: None,
        province_code: None,
        public_gender: None,
        referral_code: None,
        second_firstname: None,
        second_last_name: None,
        second_street: None,
        stairway: None,
        street_block: None,
        street_type: None,
        studio_country_code: None,
        tax_id: None,
        telephone_private: None,
    }
}

async fn book_trial_session(
    client: &magicline_connect::Client,
    args: TrialSessionArgs,
) -> Result<()> {
    let studios = client.studios().get_studio_list().await?;
    print_studios(&studios);
    let studio = choose_studio(
        &studios,
        args.studio_id,
        "bookable trial sessions",
        |studio| studio.trial_session_bookable == Some(true),
    )?;

    // Which lead fields the studio insists on.
    let config = client.trial_sessions().get_lead_config(studio.id).await?;
    let mandatory =
        |mode: &Option<models::AddressMode>| *mode == Some(models::AddressMode::Mandatory);
    for (mode, given, flag) in [
        (&config.email_mode, args.email.is_some(), "--email"),
        (&config.telephone_mode, args.phone.is_some(), "--phone"),
        (
            &config.date_of_birth_mode,
            args.date_of_birth.is_some(),
            "--date-of-birth",
        ),
    ] {
        if mandatory(mode) && !given {
            bail!("studio {} needs {flag} to book a trial session", studio.id);
        }
    }
    for (mode, field) in [
        (&config.address_mode, "an address"),
        (&config.zip_mode, "a zip code"),
        (&config.tax_id_mode, "a tax id"),
        (&config.place_of_birth_mode, "a place of birth"),
    ] {
        if mandatory(mode) {
            bail!(
                "studio {} needs {field} to book a trial session, which this example does not ask for",
                studio.id
            );
        }
    }

    let from = args
        .from
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let to = from + chrono::Days::new(6);
    let item = client
        .trial_sessions()
        .get_bookable_item(studio.id, from, to)
        .await?;
    let slots = item.slots.unwrap_or_default();
    println!(
        "trial session {:?} of studio {}: {} free slots from {from} to {to}",
        item.name.as_deref().unwrap_or("(unnamed)"),
        studio.id,
        slots.len()
    );
    for slot in &slots {
        println!(
            "  {} - {}",
            show(&slot.start_date_time),
            show(&slot.end_date_time)
        );
    }
    let start = match &args.slot {
        Some(wanted) => slots
            .iter()
            .find_map(|slot| {
                slot.start_date_time
                    .as_ref()
                    .filter(|start| *start == wanted)
            })
            .with_context(|| format!("no free slot starts at {wanted}"))?,
        None => {
            let start = slots
                .iter()
                .find_map(|slot| slot.start_date_time.as_ref())
                .context("no free slot in that week: try another --from")?;
            println!("choosing the first slot, {start} (pass --slot to choose another)");
            start
        }
    };

    let booking = models::ConnectApiBookTrialSessionDto {
        studio_id: studio.id,
        start_date_time: start.clone(),
        // When the studio lets the customer go without a trainer, this customer does.
        trainer_required: item.booking_without_resources_allowed != Some(true),
        lead_customer: models::CommonTrialSessionLeadCustomerDto {
            firstname: args.first_name,
            lastname: args.last_name,
            email: args.email,
            phone: args.phone,
            date_of_birth: args.date_of_birth,
            address: None,
            communication_preferences: None,
            country_of_birth: None,
            customer_uuid: None,
            gender: None,
            place_of_birth: None,
            privacy_configuration: None,
            second_firstname: None,
            second_lastname: None,
            studio_id: None,
            tax_id: None,
        },
        note: None,
        participants: None,
        referral_code: None,
        referrer_id: None,
        source_campaign_id: None,
    };
    match client.trial_sessions().book(booking.clone()).await {
        Ok(booked) => {
            println!(
                "booked trial session {} at {start} for customer {}",
                booked.id,
                booked.customer_number.as_deref().unwrap_or("(no number)")
            );
            if let Some(uuid) = booked.uuid {
                println!("follow-up actions for this lead use {uuid}");
            }
            Ok(())
        }
        // The API's advice: someone took the slot (or its trainer) meanwhile; reload the slots
        // and let the customer choose again.
        Err(err) if err.is_conflict() => {
            Err(err).context("the slot was taken meanwhile: run again to see the free slots")
        }
        Err(err) => Err(err.into()),
    }
}

fn print_studios(studios: &[models::ConnectApiStudioDtoV2]) {
    println!("{} studios:", studios.len());
    for studio in studios {
        let city = studio
            .address
            .as_ref()
            .and_then(|address| address.city.as_deref())
            .unwrap_or("");
        println!(
            "  studio {} {:?} {city} (online offers: {}, trial sessions: {})",
            studio.id,
            studio.studio_name,
            yes_no(studio.has_rate_bundles),
            yes_no(studio.trial_session_bookable)
        );
    }
}

/// The studio with `id`, or else the first one that `fits`.
fn choose_studio<'a>(
    studios: &'a [models::ConnectApiStudioDtoV2],
    id: Option<i64>,
    what: &str,
    fits: impl Fn(&models::ConnectApiStudioDtoV2) -> bool,
) -> Result<&'a models::ConnectApiStudioDtoV2> {
    match id {
        Some(id) => studios
            .iter()
            .find(|studio| studio.id == id)
            .with_context(|| format!("there is no studio {id}")),
        None => {
            let studio = studios
                .iter()
                .find(|studio| fits(studio))
                .with_context(|| format!("no studio has {what}"))?;
            println!(
                "choosing studio {} (pass --studio-id to choose another)",
                studio.id
            );
            Ok(studio)
        }
    }
}

fn describe_term(term: &models::ConnectApiRateBundleTermDto) -> String {
    let price = match &term.payment_frequency_dto.money {
        Some(money) => format!("{:.2} {}", money.amount, money.currency_code),
        None => "price on request".to_owned(),
    };
    format!(
        "{} {} for {price} per payment",
        term.term.term, term.term.term_unit
    )
}

/// The SVG in `path`, base64-encoded as the API wants it.
fn read_signature(path: &Path) -> Result<String> {
    let svg = std::fs::read(path)
        .with_context(|| format!("cannot read the signature {}", path.display()))?;
    Ok(base64::engine::general_purpose::STANDARD.encode(svg))
}

fn show(time: &Option<magicline_connect::DateTime>) -> String {
    time.as_ref()
        .map_or_else(|| "?".to_owned(), ToString::to_string)
}

fn yes_no(flag: Option<bool>) -> &'static str {
    match flag {
        Some(true) => "yes",
        Some(false) => "no",
        None => "unknown",
    }
}

/// What the server said in its error body, if the error is one it explained. The Connect API
/// answers a 400 with one error or a list of them.
fn server_messages(err: &anyhow::Error) -> Vec<String> {
    let Some(body) = err
        .chain()
        .find_map(|cause| cause.downcast_ref::<magicline_connect::Error<models::ApiError>>())
        .and_then(|err| err.body())
    else {
        return Vec::new();
    };
    let explained: Vec<&models::ConnectApiErrorResponseDto> = match body {
        models::ApiError::BadRequest(errors) => errors.iter().collect(),
        models::ApiError::Forbidden(error)
        | models::ApiError::Conflict(error)
        | models::ApiError::InternalServerError(error) => vec![error],
        models::ApiError::NotFound => Vec::new(),
    };
    explained
        .into_iter()
        .map(|error| {
            let codes: Vec<String> = error.error_codes.iter().map(ToString::to_string).collect();
            format!(
                "{} {}",
                codes.join(", "),
                error.message.as_deref().unwrap_or("")
            )
        })
        .collect()
}
