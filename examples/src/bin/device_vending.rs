//! A vending machine's day: activate the device (Open API), then identify a customer's card
//! and book a sale (Device API).
//!
//! ```text
//! MAGICLINE_API_KEY=... device_vending --device-id 26 --card-number 1233588160 --product-id 1 --price 1.29
//! ```
//!
//! The Device API authenticates with a bearer token that the Open API's `activateDevice` hands
//! out for one device; the program never prints it. `--dry-run` asks the server to validate
//! the sale without charging the customer.

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use clap::Parser;
use magicline_device::models;

/// Activate a vending device, identify a card and book a sale.
#[derive(Debug, Parser)]
struct Args {
    /// The Open API's base URL (activation): your tenant's, or a mock server's.
    #[arg(long, default_value = magicline::SERVERS[0])]
    open_api_base_url: String,
    /// The Device API's base URL: your tenant's, or a mock server's.
    #[arg(long, default_value = magicline_device::SERVERS[0])]
    device_base_url: String,
    /// The device to activate (as configured in Magicline).
    #[arg(long)]
    device_id: i64,
    /// The card number read from the customer's card (decimal).
    #[arg(long)]
    card_number: String,
    /// The shelf of the product sold.
    #[arg(long)]
    product_id: String,
    /// The product's price as the machine knows it (the server refuses a different one).
    #[arg(long)]
    price: f64,
    /// Validate only: the customer is not charged.
    #[arg(long)]
    dry_run: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<()> {
    let open_api = magicline::Client::builder()
        .base_url(&args.open_api_base_url)
        .api_key(
            std::env::var("MAGICLINE_API_KEY")
                .context("set MAGICLINE_API_KEY to the Open API key")?,
        )
        .build()?;
    let activation = open_api
        .devices()
        .activate_device(args.device_id)
        .await
        .with_context(|| format!("activating device {}", args.device_id))?;
    let token = activation
        .access_token
        .context("the activation answer carries no access token")?;
    println!(
        "activated device {}",
        activation.id.unwrap_or(args.device_id)
    );

    let device = magicline_device::Client::builder()
        .base_url(&args.device_base_url)
        .bearer_token(token)
        .build()?;
    let card = models::CardNumberContent::new("NUMBER", args.card_number.clone());

    // Our id for this transaction; the server may answer with its own, which then counts.
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let our_transaction = format!("vend-{}-{nanos}", args.device_id);
    let identification = device
        .vending()
        .vending_identification(models::VendingReaderIdentificationRequest::new(
            models::VendingReaderIdentificationRequestIdentification::CardNumberContent(
                card.clone(),
            ),
            our_transaction.clone(),
        ))
        .await
        .context("identifying the card")?;
    let authorized = identification.authorized.unwrap_or(false);
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
        println!(
            "no sale: {}",
            identification
                .text
                .as_deref()
                .unwrap_or("(no reason given)")
        );
        return Ok(());
    }

    let transaction = identification
        .transaction_id
        .filter(|id| !id.is_empty())
        .unwrap_or(our_transaction);
    let mut sale = models::VendingReaderSaleRequest::new(
        models::VendingReaderSaleRequestIdentification::CardNumberContent(card),
        transaction.clone(),
        args.product_id.clone(),
        args.price,
    );
    sale.should_execute_action = Some(!args.dry_run);
    let booked = device
        .vending()
        .vending_sale(sale.clone())
        .await
        .context("booking the sale")?;
    let verb = if args.dry_run { "validated" } else { "booked" };
    match booked.authorized {
        Some(false) => println!(
            "sale refused: {}",
            booked.text.as_deref().unwrap_or("(no reason given)")
        ),
        _ => println!(
            "{verb} sale {transaction}: product {} at {}",
            args.product_id, args.price
        ),
    }
    Ok(())
}
