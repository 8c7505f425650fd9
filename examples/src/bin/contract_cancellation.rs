//! Online contract cancellation (Connect API, no API key; the requests about a customer's
//! contracts carry the Google reCAPTCHA token of the page the customer filled in).
//!
//! ```text
//! contract_cancellation reasons --studio-id 1
//! contract_cancellation contracts --recaptcha-token TOKEN \
//!     --customer-number 1-123 --first-name Erika --last-name Mustermann --date-of-birth 1990-04-01
//! contract_cancellation cancel --recaptcha-token TOKEN --contract-id 7 \
//!     --customer-number 1-123 --first-name Erika --last-name Mustermann --date-of-birth 1990-04-01 \
//!     --reason-id 3 --confirmation-email erika@example.com                # next possible date
//! contract_cancellation cancel --recaptcha-token TOKEN --date 2027-03-31 \
//!     --customer-number 1-123 --first-name Erika --last-name Mustermann --date-of-birth 1990-04-01
//! contract_cancellation request --recaptcha-token TOKEN --studio-id 1 \
//!     --first-name Erika --last-name Mustermann --date-of-birth 1990-04-01    # studio handles it
//! ```
//!
//! It follows the contracts part of the Connect API reference:
//!
//! * The customer identifies themselves (customer number, name, date of birth); `POST
//!   /connect/v1/contracts` lists their active contracts, each with the dates it can be
//!   cancelled to: with `cancellationType` `FIXED_DATES` only one of `cancellationDates`, with
//!   `ANY_AFTER_FIRST_DATE` any day from the first of them on. A contract already `cancelled`
//!   is not cancelled again.
//! * Reasons: the studio's cancellation reasons come from `GET
//!   /connect/v1/contracts/studios/{studioId}`, which needs no reCAPTCHA token; a
//!   `--reason-id` must be one of them. The three `POST`s (contracts, cancel, request) require
//!   `recaptchaToken`, so those commands take `--recaptcha-token`.
//! * Cancellation date types: without `--date` the contract ends at the
//!   `NEXT_POSSIBLE_CANCELLATION_DATE` (sent with the first date the contract offers, as
//!   `cancellationDate` is required); with `--date` at that `ABSOLUTE_CANCELLATION_DATE`,
//!   which must be one the contract offers. Nothing is sent for a date the contract refuses.
//! * `cancel` is ordinary unless `--extraordinary` (`EXTRAORDINARY_CANCELLATION`).
//! * `request` sends a cancellation request for the studio to handle (`POST
//!   /connect/v1/contracts/cancel-request`), for a customer who cannot name the contract: with
//!   the next possible date no date is sent, with `--date` that absolute date.
//!
//! On an error the `error:` line says what the response's `errorCodes` mean; its `message`
//! ("for developer integration and logging purposes. Do not show message in client!") goes to
//! a `log:` line with the codes and the `traceId` for Magicline support. Exit status 0 when the cancellation (or request) was received or the
//! contracts were listed, 1 otherwise.

use std::convert::Infallible;
use std::process::ExitCode;
use std::str::FromStr;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
// Each request has its own enums for the date type and the cancellation type, with the same
// values; the flow uses the cancellation's and carries them to the request (see `same_value`).
use magicline_connect::models::{
    self, CancelContractRequestDtoCancellationDateType as CancellationDateType,
    CancelContractRequestDtoCancellationType as CancellationType,
};
// How a contract's `cancellationDates` are read: `FIXED_DATES` or `ANY_AFTER_FIRST_DATE`.
use magicline_connect::models::GetActiveContractsResponseDtoCancellationType as DateRule;

/// List a customer's contracts with their cancellation dates, cancel one, or send a
/// cancellation request to the studio.
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
    /// List a studio's cancellation reasons.
    Reasons {
        /// The studio.
        #[arg(long)]
        studio_id: i64,
    },
    /// List the customer's active contracts, the dates each can be cancelled to, and the
    /// cancellation reasons of their studios.
    Contracts {
        #[command(flatten)]
        recaptcha: Recaptcha,
        #[command(flatten)]
        customer: Customer,
        /// The customer number, if the customer knows it.
        #[arg(long)]
        customer_number: Option<String>,
    },
    /// Cancel one of the customer's contracts.
    Cancel {
        #[command(flatten)]
        recaptcha: Recaptcha,
        #[command(flatten)]
        customer: Customer,
        /// The customer number (required to cancel).
        #[arg(long)]
        customer_number: String,
        /// The contract (default: the customer's only contract that is not cancelled yet).
        #[arg(long)]
        contract_id: Option<i64>,
        #[command(flatten)]
        cancellation: Cancellation,
    },
    /// Ask the studio to cancel the customer's contract (when the contract cannot be named).
    Request {
        #[command(flatten)]
        recaptcha: Recaptcha,
        #[command(flatten)]
        customer: Customer,
        /// The customer number, if the customer knows it.
        #[arg(long)]
        customer_number: Option<String>,
        /// The customer's studio.
        #[arg(long)]
        studio_id: i64,
        #[command(flatten)]
        cancellation: Cancellation,
    },
}

/// The reCAPTCHA token the requests about a customer's contracts carry.
#[derive(Debug, clap::Args)]
struct Recaptcha {
    /// The Google reCAPTCHA token your page obtained for this customer's submission.
    #[arg(long = "recaptcha-token", value_name = "TOKEN")]
    token: String,
}

/// Who the customer is; the API matches these against its records.
#[derive(Debug, clap::Args)]
struct Customer {
    #[arg(long)]
    first_name: String,
    #[arg(long)]
    last_name: String,
    /// `YYYY-MM-DD`.
    #[arg(long)]
    date_of_birth: NaiveDate,
}

/// What the customer chose for the cancellation.
#[derive(Debug, clap::Args)]
struct Cancellation {
    /// End the contract on this day (an absolute cancellation date); without it, on the next
    /// possible one.
    #[arg(long)]
    date: Option<NaiveDate>,
    /// An extraordinary cancellation (default: ordinary).
    #[arg(long)]
    extraordinary: bool,
    /// One of the studio's cancellation reasons (`reasons` and `contracts` list them).
    #[arg(long)]
    reason_id: Option<i64>,
    /// Where the confirmation goes.
    #[arg(long)]
    confirmation_email: Option<String>,
    /// Anything the customer adds.
    #[arg(long)]
    note: Option<String>,
}

impl Cancellation {
    fn date_type(&self) -> CancellationDateType {
        match self.date {
            Some(_) => CancellationDateType::AbsoluteCancellationDate,
            None => CancellationDateType::NextPossibleCancellationDate,
        }
    }

    fn cancellation_type(&self) -> CancellationType {
        if self.extraordinary {
            CancellationType::ExtraordinaryCancellation
        } else {
            CancellationType::OrdinaryCancellation
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
    let client = magicline_connect::Client::builder()
        .base_url(&args.base_url)
        .build()?;
    match args.command {
        Command::Reasons { studio_id } => {
            checked_reason(&client, studio_id, None).await?;
            Ok(())
        }
        Command::Contracts {
            recaptcha,
            customer,
            customer_number,
        } => {
            let contracts =
                active_contracts(&client, &recaptcha.token, &customer, customer_number).await?;
            let mut studios: Vec<i64> = contracts.iter().filter_map(|c| c.studio_id).collect();
            studios.sort_unstable();
            studios.dedup();
            for studio_id in studios {
                checked_reason(&client, studio_id, None).await?;
            }
            Ok(())
        }
        Command::Cancel {
            recaptcha,
            customer,
            customer_number,
            contract_id,
            cancellation,
        } => {
            cancel(
                &client,
                &recaptcha.token,
                customer,
                customer_number,
                contract_id,
                cancellation,
            )
            .await
        }
        Command::Request {
            recaptcha,
            customer,
            customer_number,
            studio_id,
            cancellation,
        } => {
            request(
                &client,
                &recaptcha.token,
                customer,
                customer_number,
                studio_id,
                cancellation,
            )
            .await
        }
    }
}

/// The customer's active contracts, printed with the dates each can be cancelled to.
async fn active_contracts(
    client: &magicline_connect::Client,
    token: &str,
    customer: &Customer,
    customer_number: Option<String>,
) -> Result<Vec<models::GetActiveContractsResponseDto>> {
    let mut query = models::GetActiveContractsRequestDto::new(
        customer.date_of_birth,
        customer.first_name.clone(),
        customer.last_name.clone(),
    );
    query.customer_number = customer_number;
    let contracts = client
        .contracts()
        .get_active_contracts(token, query)
        .await
        .context("looking up the customer's contracts")?;
    println!("{} active contracts:", contracts.len());
    for contract in &contracts {
        let dates: Vec<String> = contract
            .cancellation_dates
            .iter()
            .flatten()
            .map(ToString::to_string)
            .collect();
        let rule = describe_rule(contract.cancellation_type.as_ref());
        println!(
            "  contract {} {:?} of studio {}: {}, cancellable {rule} [{}]",
            describe_id(contract.contract_id),
            contract.contract_name.as_deref().unwrap_or(""),
            describe_id(contract.studio_id),
            if contract.cancelled == Some(true) {
                "already cancelled"
            } else {
                "not cancelled"
            },
            dates.join(", ")
        );
    }
    Ok(contracts)
}

async fn cancel(
    client: &magicline_connect::Client,
    token: &str,
    customer: Customer,
    customer_number: String,
    contract_id: Option<i64>,
    cancellation: Cancellation,
) -> Result<()> {
    let contracts =
        active_contracts(client, token, &customer, Some(customer_number.clone())).await?;
    let contract = match contract_id {
        Some(id) => contracts
            .iter()
            .find(|contract| contract.contract_id == Some(id))
            .with_context(|| {
                format!("the customer has no active contract {id}: nothing was cancelled")
            })?,
        None => {
            let open: Vec<_> = contracts
                .iter()
                .filter(|contract| contract.cancelled != Some(true))
                .collect();
            match open.as_slice() {
                [only] => *only,
                [] => bail!(
                    "the customer has no contract that is not cancelled yet; if the customer \
                     names one, send a `request` for the studio to handle"
                ),
                _ => bail!("the customer has several contracts: choose one with --contract-id"),
            }
        }
    };
    let id = contract
        .contract_id
        .context("the server listed a contract without an id")?;
    if contract.cancelled == Some(true) {
        bail!("contract {id} is already cancelled: nothing was sent");
    }

    // The date: the contract says which days it can end on.
    let offered = contract.cancellation_dates.as_deref().unwrap_or_default();
    let first = offered.iter().min().copied().with_context(|| {
        format!(
            "contract {id} offers no cancellation date: send a `request` for the studio to handle"
        )
    })?;
    let date = match cancellation.date {
        None => first,
        Some(date) => {
            let fits = match &contract.cancellation_type {
                Some(DateRule::AnyAfterFirstDate) => date >= first,
                // `FIXED_DATES`, and a rule this client does not know: only the dates offered
                // are safe.
                _ => offered.contains(&date),
            };
            if !fits {
                let dates: Vec<String> = offered.iter().map(ToString::to_string).collect();
                bail!(
                    "contract {id} cannot be cancelled to {date}: it can end {} [{}]; nothing \
                     was sent",
                    describe_rule(contract.cancellation_type.as_ref()),
                    dates.join(", ")
                );
            }
            date
        }
    };

    let reason = match contract.studio_id {
        Some(studio_id) => checked_reason(client, studio_id, cancellation.reason_id).await?,
        None if cancellation.reason_id.is_some() => {
            bail!("the server names no studio for contract {id}, so --reason-id cannot be checked")
        }
        None => None,
    };

    let mut body = models::CancelContractRequestDto::new(
        date,
        cancellation.cancellation_type(),
        id,
        customer_number,
        customer.date_of_birth,
        customer.first_name,
        customer.last_name,
    )
    .with_cancellation_date_type(cancellation.date_type());
    body.additional_information = cancellation.note.clone();
    body.cancelation_reason_id = reason;
    body.confirmation_email = cancellation.confirmation_email.clone();
    let done = client
        .contracts()
        .cancel_contract(token, body.clone())
        .await
        .with_context(|| format!("cancelling contract {id}"))?;
    println!(
        "cancelled contract {id} {:?} ({}, {}) to {}; received {}",
        done.contract_name.as_deref().unwrap_or(""),
        body.cancellation_type,
        cancellation.date_type(),
        done.cancellation_date.unwrap_or(date),
        done.cancellation_received_date_time
            .as_ref()
            .map_or_else(|| "(no time given)".to_owned(), ToString::to_string)
    );
    if let Some(email) = &done.confirmation_email {
        println!("the confirmation goes to {email}");
    }
    Ok(())
}

async fn request(
    client: &magicline_connect::Client,
    token: &str,
    customer: Customer,
    customer_number: Option<String>,
    studio_id: i64,
    cancellation: Cancellation,
) -> Result<()> {
    let reason = checked_reason(client, studio_id, cancellation.reason_id).await?;
    let mut body = models::CancelContractManualRequestDto::new(
        same_value(cancellation.date_type().as_str()),
        same_value(cancellation.cancellation_type().as_str()),
        customer.date_of_birth,
        customer.first_name,
        customer.last_name,
    )
    .with_studio_id(studio_id);
    body.additional_information = cancellation.note.clone();
    body.cancelation_reason_id = reason;
    // The next possible date is the studio's to find; only an absolute date is sent.
    body.cancellation_date = cancellation.date;
    body.confirmation_email = cancellation.confirmation_email.clone();
    body.customer_number = customer_number;
    let done = client
        .contracts()
        .cancel_contract_manual(token, body.clone())
        .await
        .context("sending the cancellation request")?;
    println!(
        "studio {studio_id} received the cancellation request ({}, {}{}); received {}",
        body.cancellation_type,
        body.cancellation_date_type,
        cancellation
            .date
            .map_or_else(String::new, |date| format!(" {date}")),
        done.request_received_date
            .as_ref()
            .map_or_else(|| "(no time given)".to_owned(), ToString::to_string)
    );
    Ok(())
}

/// Prints the studio's cancellation reasons and returns `wanted` if it is one of them.
async fn checked_reason(
    client: &magicline_connect::Client,
    studio_id: i64,
    wanted: Option<i64>,
) -> Result<Option<i64>> {
    let info = client
        .contracts()
        .get_studio_info(studio_id)
        .await
        .with_context(|| format!("reading the cancellation reasons of studio {studio_id}"))?;
    let reasons = info.cancellation_reasons.unwrap_or_default();
    println!("cancellation reasons of studio {studio_id}:");
    for reason in &reasons {
        println!(
            "  reason {} {:?}",
            describe_id(reason.database_id),
            reason.name.as_deref().unwrap_or("")
        );
    }
    match wanted {
        None => Ok(None),
        Some(id) if reasons.iter().any(|reason| reason.database_id == Some(id)) => Ok(Some(id)),
        Some(id) => bail!(
            "{id} is not one of the cancellation reasons of studio {studio_id}: nothing was sent"
        ),
    }
}

/// How the dates of a contract are to be read, in words (see the date check in `cancel`).
fn describe_rule(rule: Option<&DateRule>) -> &'static str {
    match rule {
        Some(DateRule::AnyAfterFirstDate) => "on or after the first of",
        _ => "on one of",
    }
}

/// The value of a generated enum with the wire value `value`. Each place in the API has its own
/// enum type, so a value chosen for one request (the cancellation) is carried to another (the
/// cancellation request to the studio) by its wire value.
fn same_value<T: FromStr<Err = Infallible>>(value: &str) -> T {
    let Ok(converted) = value.parse();
    converted
}

fn describe_id(id: Option<i64>) -> String {
    id.map_or_else(|| "(without id)".to_owned(), |id| id.to_string())
}
