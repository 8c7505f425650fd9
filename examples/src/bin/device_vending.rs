//! A vending machine's sale (Device API), with the device's one-time activation (Open API).
//!
//! ```text
//! MAGICLINE_API_KEY=... device_vending --device-id 26 --token-file device-26.token \
//!     --card-number 1233588160 --product-id 1 --price 1.29
//! device_vending --device-id 26 --token-file device-26.token --card-number 1233588160 \
//!     --product-id 1 --price 1.29 --dispense-command ./dispense   # the machine's own step
//! ```
//!
//! It follows the Device API reference:
//!
//! * The Device API authenticates with a bearer token that the Open API's `activateDevice`
//!   hands out. Activation is a one-time step for a device that is not active yet
//!   (`Device.active` of `GET /v1/devices`: "if the value is false then the device is inactive
//!   and must be activated before use"); the token is kept in `--token-file` and read from
//!   there on every later run, which then needs no Open API key. A device that is already
//!   active is not activated again: its token is the one kept from its activation. The program
//!   never prints the token.
//! * A sale is a sequence (`vendingSale`): identify the card, check the sale with
//!   `shouldExecuteAction = false` ("ensuring that customers can obtain the product, for
//!   example has enough credit"), dispense the product, and only after it "was successfully
//!   dispensed" call again with `shouldExecuteAction = true`, "which will subsequently lead to
//!   the customer being charged". All three calls carry the same transaction id.
//! * Dispensing is the machine's own step: `--dispense-command` runs a program with the
//!   product id (the shelf) as its argument, exit status 0 meaning the product came out;
//!   without it, dispensing is only printed. A product that did not come out is not charged.
//! * `--dry-run` identifies and checks the sale, then stops: nothing dispensed, nothing charged.
//! * A charge whose outcome is unknown (the connection broke after sending it, a `503`) is not
//!   sent again behind the customer's back: the program says so and names the transaction id.
//!
//! On an error the server's message is shown once, with its `traceId` for Magicline support.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use clap::Parser;
use magicline_device::api::VendingSaleSuccess;
use magicline_device::models;

/// Activate a vending device once, then identify a card, check the sale, dispense, charge.
#[derive(Debug, Parser)]
struct Args {
    /// The Open API's base URL (activation): your tenant's, or a mock server's.
    #[arg(long, default_value = magicline::SERVERS[0])]
    open_api_base_url: String,
    /// The Device API's base URL: your tenant's, or a mock server's.
    #[arg(long, default_value = magicline_device::SERVERS[0])]
    device_base_url: String,
    /// The device (as configured in Magicline).
    #[arg(long)]
    device_id: i64,
    /// Where the device's bearer token is kept: read when the file exists; otherwise the
    /// device is activated (once, if it is inactive) and its token written here.
    #[arg(long, value_name = "FILE")]
    token_file: PathBuf,
    /// The card number read from the customer's card (decimal).
    #[arg(long)]
    card_number: String,
    /// The shelf of the product sold.
    #[arg(long)]
    product_id: String,
    /// The product's price as the machine knows it (the server refuses a different one).
    #[arg(long)]
    price: f64,
    /// The machine's id for this sale, sent with every call of it (default: a new one).
    #[arg(long)]
    transaction_id: Option<String>,
    /// The program that dispenses the product, run with the product id; exit status 0 means
    /// it came out (default: dispensing is only printed).
    #[arg(long, value_name = "PROGRAM")]
    dispense_command: Option<PathBuf>,
    /// Identify and check the sale only: nothing is dispensed, the customer is not charged.
    #[arg(long)]
    dry_run: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => magicline_examples::report(&err),
    }
}

async fn run(args: Args) -> Result<()> {
    let token = device_token(&args).await?;
    let device = magicline_device::Client::builder()
        .base_url(&args.device_base_url)
        .bearer_token(token)
        .build()?;
    let card = models::CardNumberContent::new(args.card_number.clone());

    // 1. Identify the card.
    let Some(transaction) = identify(&device, &args, &card).await? else {
        return Ok(());
    };
    let sale = |execute: bool| {
        let mut sale = models::VendingReaderSaleRequest::new(
            models::VendingReaderSaleRequestIdentification::Number(card.clone()),
            transaction.clone(),
            args.product_id.clone(),
            args.price,
        );
        sale.should_execute_action = Some(execute);
        sale
    };

    // 2. Check the sale: nothing is charged yet.
    let check = device
        .vending()
        .vending_sale(sale(false))
        .await
        .context("checking the sale")?;
    // A check is answered `200` with its outcome; an answer without one refused nothing.
    if let VendingSaleSuccess::Ok(check) = &check {
        if check.authorized == Some(false) {
            println!(
                "sale {transaction} refused: {}",
                reason(check.text.as_deref())
            );
            return Ok(());
        }
    }
    println!(
        "sale {transaction} checked: the customer can buy product {} at {}",
        args.product_id, args.price
    );
    if args.dry_run {
        println!("dry run: nothing dispensed, nothing charged");
        return Ok(());
    }

    // 3. Dispense. A product that did not come out is not charged.
    dispense(&args.product_id, args.dispense_command.as_deref()).with_context(|| {
        format!(
            "product {} was not dispensed, so the customer is not charged (sale {transaction})",
            args.product_id
        )
    })?;

    // 4. Charge: the product is out.
    charge(&device, sale(true), &args).await
}

/// Identifies the card; the transaction id of the sale when the customer is authorized.
async fn identify(
    device: &magicline_device::Client,
    args: &Args,
    card: &models::CardNumberContent,
) -> Result<Option<String>> {
    let ours = args.transaction_id.clone().unwrap_or_else(|| {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        format!("vend-{}-{nanos}", args.device_id)
    });
    let identification = device
        .vending()
        .vending_identification(models::VendingReaderIdentificationRequest::new(
            models::VendingReaderIdentificationRequestIdentification::Number(card.clone()),
            ours.clone(),
        ))
        .await
        .context("identifying the card")?;
    let authorized = identification.authorized == Some(true);
    println!(
        "card {}: {}{}",
        args.card_number,
        if authorized {
            "authorized"
        } else {
            "not authorized"
        },
        identification
            .consumption_credit
            .map(|credit| format!(", consumption credit {credit}"))
            .unwrap_or_default()
    );
    if !authorized {
        println!("no sale: {}", reason(identification.text.as_deref()));
        return Ok(None);
    }
    // The server may answer with its own id for the transaction, which then counts.
    Ok(Some(
        identification
            .transaction_id
            .filter(|id| !id.is_empty())
            .unwrap_or(ours),
    ))
}

/// Charges the dispensed product: `sale` with `shouldExecuteAction = true`, sent once.
async fn charge(
    device: &magicline_device::Client,
    sale: models::VendingReaderSaleRequest,
    args: &Args,
) -> Result<()> {
    let (product, transaction) = (&args.product_id, sale.transaction_id.clone());
    // The spec answers the charge with `204 No Content` ("customer has been charged"), or
    // with a `200` body saying whether it was authorized.
    match device.vending().vending_sale(sale).await {
        Ok(VendingSaleSuccess::Ok(charged)) if charged.authorized == Some(false) => bail!(
            "product {product} was dispensed, but the server refused to charge sale \
             {transaction}: {}",
            reason(charged.text.as_deref())
        ),
        Ok(_) => {
            println!(
                "charged: sale {transaction} of product {product} at {}",
                args.price
            );
            Ok(())
        }
        // Refused with a 4xx: nothing was charged.
        Err(err) if err.status().is_some_and(|status| status.is_client_error()) => Err(err)
            .with_context(|| {
                format!("product {product} was dispensed, but sale {transaction} was not charged")
            }),
        // No answer, or a 5xx: the charge may have been booked. It is not sent again.
        Err(err) => Err(err).with_context(|| {
            format!(
                "product {product} was dispensed; whether sale {transaction} was charged is \
                 unknown: check the transaction before charging it again"
            )
        }),
    }
}

/// The device's bearer token: the one kept in `--token-file`, or, when there is none, the one
/// the activation of the (inactive) device hands out, which is then kept there.
async fn device_token(args: &Args) -> Result<String> {
    match std::fs::read_to_string(&args.token_file) {
        Ok(token) if !token.trim().is_empty() => {
            println!(
                "device {}: using its token from {}",
                args.device_id,
                args.token_file.display()
            );
            return Ok(token.trim().to_owned());
        }
        Ok(_) => bail!(
            "{} is empty: put the device's token there, or remove the file to activate an \
             inactive device",
            args.token_file.display()
        ),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(err) => {
            return Err(err).with_context(|| format!("cannot read {}", args.token_file.display()));
        }
    }

    let open_api = magicline::Client::builder()
        .base_url(&args.open_api_base_url)
        .api_key(std::env::var("MAGICLINE_API_KEY").context(
            "no token kept yet: set MAGICLINE_API_KEY to the Open API key to activate the device",
        )?)
        .build()?;
    let devices = open_api
        .devices()
        .get_devices()
        .await
        .context("listing the devices")?;
    let device = devices
        .iter()
        .find(|device| device.id == Some(args.device_id))
        .with_context(|| format!("there is no device {}", args.device_id))?;
    if device.active {
        bail!(
            "device {} is already active: it was activated before, and its token is the one \
             handed out then; put it into {} (activating is a one-time step)",
            args.device_id,
            args.token_file.display()
        );
    }
    // The file is created before activating, so that the token can be kept once it exists.
    let mut file = create_private(&args.token_file)?;
    let activation = open_api
        .devices()
        .activate_device(args.device_id)
        .await
        .with_context(|| format!("activating device {}", args.device_id))?;
    let token = activation
        .access_token
        .filter(|token| !token.is_empty())
        .context("the activation answer carries no access token")?;
    file.write_all(token.as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| {
            format!(
                "device {} is activated, but its token could not be written to {}",
                args.device_id,
                args.token_file.display()
            )
        })?;
    println!(
        "device {} was inactive: activated it, its token is kept in {}",
        activation.id.unwrap_or(args.device_id),
        args.token_file.display()
    );
    Ok(token)
}

/// A new file only the current user can read (the token is a credential).
fn create_private(path: &Path) -> Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .with_context(|| format!("cannot create {} for the device's token", path.display()))
}

/// The machine's dispensing step: `command` run with the product id, or, without one, a
/// simulation that says what a machine would do here.
fn dispense(product_id: &str, command: Option<&Path>) -> Result<()> {
    let Some(command) = command else {
        println!("dispensing product {product_id} (simulated: pass --dispense-command)");
        return Ok(());
    };
    println!("dispensing product {product_id}");
    let status = std::process::Command::new(command)
        .arg(product_id)
        .status()
        .with_context(|| format!("cannot run {}", command.display()))?;
    if !status.success() {
        bail!("{} failed ({status})", command.display());
    }
    Ok(())
}

fn reason(text: Option<&str>) -> &str {
    text.filter(|text| !text.is_empty())
        .unwrap_or("(no reason given)")
}
