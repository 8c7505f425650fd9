//! Online contract conclusion and trial sessions (Connect API, no API key).
//!
//! ```text
//! contract_conclusion studios --search Hamburg
//! contract_conclusion contract --studio-id 1 --term-id 7 \
//!     --first-name Erika --last-name Mustermann --email erika@example.com --date-of-birth 1990-04-01 \
//!     --street Raboisen --house-number 3-4 --zip-code 20095 --city Hamburg --country-code DE \
//!     --iban DE02120300000000202051 --account-holder "Erika Mustermann"   # shows the offer only
//! contract_conclusion contract --studio-id 1 --term-id 7 --accept-terms \
//!     --first-name Erika --last-name Mustermann --email erika@example.com --date-of-birth 1990-04-01 \
//!     --street Raboisen --house-number 3-4 --zip-code 20095 --city Hamburg --country-code DE \
//!     --iban DE02120300000000202051 --account-holder "Erika Mustermann" --signature-svg signature.svg
//! contract_conclusion trial-session --studio-id 1 --first-name Erika --last-name Mustermann --email erika@example.com
//! ```
//!
//! `contract` is the checkout of a studio's web site: list the studios, list the rate bundles
//! (offers) of the chosen one, and create the customer with a contract for the chosen term of a
//! bundle. `trial-session` books a free trial appointment: read which lead fields the studio
//! wants, find free slots in the next week, book one. Without `--studio-id` or `--term-id` the
//! first studio or term that fits is chosen, and the program says so.
//!
//! It follows the Connect API reference (contracts part):
//!
//! * Before the customer accepts anything, the offer is shown as the reference asks: each of
//!   `contractTextBlocks` ("show them to the customer before contract acceptance") with its
//!   title and text, the download link of its attached document and its external link ("you
//!   should display a link"), and the bundle's `footnote` ("to be displayed below the offer");
//!   for a direct debit, the studio's SEPA mandate text for the bundle. Only then are
//!   `--accept-terms` (needed when a block `isConfirmationRequired`) and the signatures sent.
//!   Without `--accept-terms` the offer is shown and nothing is sent.
//! * The contract is signed when `contractSignaturesRequired` (the signature also stands
//!   under the SEPA mandate), and under each text block that `hasSignature`.
//! * The payment is one of the bundle's `allowedPaymentChoices`, which the Connect API limits
//!   to `DIRECT_DEBIT` and `CREDIT_CARD`. This example pays by direct debit (`--iban` with
//!   `--account-holder`); a credit card needs the API's card tokenisation flow first, which
//!   it does not cover, so such a bundle is refused with a message saying so.
//!
//! On an error the `error:` line says what the response's `errorCodes` mean; its `message`
//! ("for developer integration and logging purposes. Do not show message in client!") goes to
//! a `log:` line with the codes and the `traceId` for Magicline support.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use base64::Engine;
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use magicline_connect::models::{
    self, ConnectApiCreatePublicCustomerDtoPaymentChoice as PaymentChoice,
    ConnectApiRateBundleDtoAllowedPaymentChoicesItem as AllowedPaymentChoice,
};
use magicline_connect::runtime::StringEnum;

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
    /// The customer has read the offer as shown (text blocks, links, footnote, SEPA mandate)
    /// and accepts it, confirming the text blocks that need it. Without it the offer is shown
    /// and nothing is sent.
    #[arg(long)]
    accept_terms: bool,
    /// The customer's signature (an SVG file), for offers that require signing.
    #[arg(long, value_name = "FILE")]
    signature_svg: Option<PathBuf>,
    /// Pay by direct debit from this account (the Connect API takes direct debit or a
    /// tokenised credit card; this example does direct debit).
    #[arg(long, requires = "account_holder")]
    iban: Option<String>,
    /// The holder of the --iban account.
    #[arg(long)]
    account_holder: Option<String>,
    /// The BIC of the --iban account, if the customer gave one.
    #[arg(long, requires = "iban")]
    bic: Option<String>,
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
        Err(err) => magicline_examples::report(&err),
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
    let (bundle, term) = choose_term(&bundles, studio.id, args.term_id)?;

    // What the customer agrees to, shown before anything is accepted or signed.
    show_offer(bundle);
    let (payment_choice, bank_account) = payment(bundle, &mut args)?;
    println!(
        "paying by {payment_choice} (bundle {} allows: {})",
        bundle.id,
        describe_choices(
            bundle
                .allowed_payment_choices
                .as_deref()
                .unwrap_or_default()
        )
    );
    if payment_choice == PaymentChoice::DirectDebit {
        let mandate = client
            .studios()
            .get_sepa_agreement_text_for_rate_bundle(studio.id, bundle.id)
            .await
            .context("reading the SEPA mandate text")?;
        println!("SEPA direct debit mandate, agreed to with the contract:");
        print_indented(&mandate);
    }
    let (signature, text_block_signatures) = signatures(bundle, &args)?;

    // Not before the studio opens: the API asks for at least its opening date.
    let start_date = args
        .start_date
        .or(term.default_contract_start_date)
        .unwrap_or_else(|| chrono::Local::now().date_naive())
        .max(studio.opening_date.unwrap_or(NaiveDate::MIN));

    // No `sepa_signature`: the contract signature is used for the SEPA mandate too.
    let mut contract = models::ConnectApiContractDataDto::new(term.id, start_date)
        .with_text_block_signatures(text_block_signatures);
    contract.contract_signature = signature.map(models::PublicApiSignatureDto::new);
    let request = models::ConnectApiCreateContractDto::new(
        contract,
        new_customer(args, payment_choice, bank_account),
        studio.id,
    );
    let created = client
        .contracts()
        .create_customer_and_contract(request)
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

/// The term `--term-id` names, else the first term of the first bundle that has one.
fn choose_term(
    bundles: &[models::ConnectApiRateBundleDto],
    studio_id: i64,
    term_id: Option<i64>,
) -> Result<(
    &models::ConnectApiRateBundleDto,
    &models::ConnectApiRateBundleTermDto,
)> {
    Ok(match term_id {
        Some(id) => bundles
            .iter()
            .find_map(|bundle| {
                bundle
                    .terms
                    .iter()
                    .find(|term| term.id == id)
                    .map(|term| (bundle, term))
            })
            .with_context(|| format!("studio {studio_id} has no rate bundle term {id}"))?,
        None => {
            let (bundle, term) = bundles
                .iter()
                .find_map(|bundle| bundle.terms.first().map(|term| (bundle, term)))
                .with_context(|| format!("studio {studio_id} has no rate bundle with a term"))?;
            println!(
                "choosing term {} of bundle {} (pass --term-id to choose another)",
                term.id, bundle.id
            );
            (bundle, term)
        }
    })
}

/// Shows the offer as the customer must see it before accepting it: each contract text block
/// (in the document's order) with its text and links, then the footnote.
fn show_offer(bundle: &models::ConnectApiRateBundleDto) {
    let mut blocks: Vec<&models::ConnectApiSignableTextBlockDto> =
        bundle.contract_text_blocks.iter().flatten().collect();
    blocks.sort_by_key(|block| block.order);
    for block in blocks {
        let needs = match (block.is_confirmation_required, block.has_signature) {
            (true, true) => " (needs the customer's confirmation and signature)",
            (true, false) => " (needs the customer's confirmation)",
            (false, true) => " (has a signature field)",
            (false, false) => "",
        };
        println!("text block {} {:?}{needs}:", block.id, block.title);
        print_indented(&block.text);
        if let Some(document) = &block.attached_document {
            println!("  document {:?}: {}", document.file_name, document.url);
        }
        if let Some(link) = &block.attached_external_url_dto {
            if let Some(url) = &link.link {
                println!(
                    "  link {:?}: {url}",
                    link.title.as_deref().unwrap_or(url.as_str())
                );
            }
        }
    }
    if let Some(footnote) = bundle.footnote.as_deref().filter(|f| !f.is_empty()) {
        println!("footnote of the offer:");
        print_indented(footnote);
    }
}

/// Prints `text` indented by two spaces, line by line.
fn print_indented(text: &str) {
    for line in text.lines() {
        println!("  {line}");
    }
}

/// The signatures the offer needs, once the customer has seen it (see [`show_offer`]): the
/// contract's and one under each text block with a signature field. Fails when the customer
/// has not accepted the offer (`--accept-terms`).
fn signatures(
    bundle: &models::ConnectApiRateBundleDto,
    args: &ContractArgs,
) -> Result<(Option<String>, Vec<models::PublicApiSignatureDto>)> {
    let text_blocks = bundle.contract_text_blocks.as_deref().unwrap_or_default();
    if !args.accept_terms {
        let confirm = if text_blocks
            .iter()
            .any(|block| block.is_confirmation_required)
        {
            ", confirming the text blocks that need it"
        } else {
            ""
        };
        bail!(
            "nothing was sent: once the customer has read the offer (above) and accepts it{confirm}, \
             pass --accept-terms"
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
            .map(|block| {
                models::PublicApiSignatureDto::new(svg.clone()).with_text_block_id(block.id)
            })
            .collect(),
        None => Vec::new(),
    };
    Ok((signature, text_block_signatures))
}

/// How the contract is paid.
fn payment(
    bundle: &models::ConnectApiRateBundleDto,
    args: &mut ContractArgs,
) -> Result<(PaymentChoice, Option<models::PublicApiBankAccountDto>)> {
    // The Connect API takes `DIRECT_DEBIT` and `CREDIT_CARD` only: its reference says the
    // bundle's `allowedPaymentChoices` holds these two at most, and a contract with any other
    // choice is refused. So there is no fallback to cash or bank transfer here.
    let allowed = bundle
        .allowed_payment_choices
        .as_deref()
        .unwrap_or_default();
    let direct_debit = allowed.contains(&AllowedPaymentChoice::DirectDebit);
    Ok(match (args.iban.take(), args.account_holder.take()) {
        (Some(iban), Some(account_holder)) if direct_debit => {
            let mut account = models::PublicApiBankAccountDto::new(account_holder, iban);
            account.bic = args.bic.take();
            (PaymentChoice::DirectDebit, Some(account))
        }
        (Some(_), _) if !direct_debit => bail!(
            "bundle {} cannot be paid by direct debit (it allows: {})",
            bundle.id,
            describe_choices(allowed)
        ),
        _ if direct_debit => bail!(
            "bundle {} is paid by direct debit: pass --iban and --account-holder",
            bundle.id
        ),
        _ => bail!(
            "bundle {} allows no direct debit (it allows: {}); a credit card needs the Connect \
             API's card tokenisation flow, which this example does not cover",
            bundle.id,
            describe_choices(allowed)
        ),
    })
}

/// The new customer. Only a few of the 48 fields apply to a German checkout; the constructor
/// takes the required ones and leaves the rest unset.
fn new_customer(
    args: ContractArgs,
    payment_choice: PaymentChoice,
    bank_account: Option<models::PublicApiBankAccountDto>,
) -> models::ConnectApiCreatePublicCustomerDto {
    let mut customer = models::ConnectApiCreatePublicCustomerDto::new(
        args.city,
        args.country_code,
        args.date_of_birth,
        args.email,
        args.first_name,
        args.house_number,
        args.last_name,
        payment_choice,
        args.street,
        args.zip_code,
    );
    customer.telephone_mobile = args.phone;
    customer.bank_account = bank_account;
    customer
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
    check_lead_fields(&config, &args, studio.id)?;

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

    let mut lead_customer =
        models::CommonTrialSessionLeadCustomerDto::new(args.first_name, args.last_name);
    lead_customer.email = args.email;
    lead_customer.phone = args.phone;
    lead_customer.date_of_birth = args.date_of_birth;
    let booking = models::ConnectApiBookTrialSessionDto::new(
        lead_customer,
        start.clone(),
        studio.id,
        // When the studio lets the customer go without a trainer, this customer does.
        item.booking_without_resources_allowed != Some(true),
    );
    match client.trial_sessions().book(booking).await {
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

/// Refuses to book when the studio insists on a lead field the command line did not give.
fn check_lead_fields(
    config: &models::ConnectApiTrialSessionLeadConfigDto,
    args: &TrialSessionArgs,
    studio_id: i64,
) -> Result<()> {
    for (required, given, flag) in [
        (
            mandatory(&config.email_mode),
            args.email.is_some(),
            "--email",
        ),
        (
            mandatory(&config.telephone_mode),
            args.phone.is_some(),
            "--phone",
        ),
        (
            mandatory(&config.date_of_birth_mode),
            args.date_of_birth.is_some(),
            "--date-of-birth",
        ),
    ] {
        if required && !given {
            bail!("studio {} needs {flag} to book a trial session", studio_id);
        }
    }
    for (required, field) in [
        (mandatory(&config.address_mode), "an address"),
        (mandatory(&config.zip_mode), "a zip code"),
        (mandatory(&config.tax_id_mode), "a tax id"),
        (mandatory(&config.place_of_birth_mode), "a place of birth"),
    ] {
        if required {
            bail!(
                "studio {} needs {field} to book a trial session, which this example does not ask for",
                studio_id
            );
        }
    }
    Ok(())
}

/// Whether the studio insists on a lead field. Each field's mode has its own enum type, all with
/// the same values, so the mode is read by its wire value.
fn mandatory(mode: &Option<impl StringEnum>) -> bool {
    mode.as_ref()
        .is_some_and(|mode| mode.as_wire() == "MANDATORY")
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

/// The payment choices, as the API spells them; `none` for an empty list.
fn describe_choices(choices: &[AllowedPaymentChoice]) -> String {
    if choices.is_empty() {
        return "none".to_owned();
    }
    let names: Vec<&str> = choices.iter().map(|choice| choice.as_str()).collect();
    names.join(", ")
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
