//! Receiving Magicline's webhooks with axum: check the key, drop duplicate deliveries, and fetch
//! the customer an event is about through the Open API.
//!
//! ```text
//! MAGICLINE_API_KEY=... MAGICLINE_WEBHOOK_KEY=... webhook_receiver --listen 0.0.0.0:8080
//! ```
//!
//! Magicline POSTs a `WebhookEventRequest` to `/webhook` with the key agreed at integration
//! setup in `X-API-KEY`. The receiver (`runtime::webhook::Receiver`) answers `401` for a missing
//! or wrong key and `400` for a body that does not decode, each with the reason as text.
//! Magicline may deliver an event more than once: a repeated `uuid` is acknowledged (`200`)
//! and not handled again. Event types are open: a type this program does not know is
//! acknowledged and printed, never refused. When fetching the customer fails, the answer is
//! `502` and the delivery is forgotten, so Magicline's next attempt is handled afresh.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use clap::Parser;
use magicline_webhooks::models::{WebhookEvent, WebhookEventRequest};
use magicline_webhooks::runtime::uuid::Uuid;
use magicline_webhooks::runtime::webhook::Receiver;

/// Receive Magicline webhook events and look up the customers they concern.
#[derive(Debug, Parser)]
struct Args {
    /// Where to listen (`127.0.0.1:0` picks a free port; the address is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: String,
    /// The Open API's base URL: your tenant's, or a mock server's.
    #[arg(long, default_value = magicline::SERVERS[0])]
    base_url: String,
}

struct App {
    receiver: Receiver<WebhookEventRequest, Uuid>,
    open_api: magicline::Client,
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
        .base_url(&args.base_url)
        .api_key(
            std::env::var("MAGICLINE_API_KEY")
                .context("set MAGICLINE_API_KEY to the Open API key")?,
        )
        .build()?;
    let key = std::env::var("MAGICLINE_WEBHOOK_KEY")
        .context("set MAGICLINE_WEBHOOK_KEY to the key Magicline sends with each event")?;
    // The Magicline side of the general receiver: the header from the webhooks spec, and the
    // field that identifies a delivery.
    let receiver = Receiver::new(
        magicline_webhooks::API_KEY_HEADER,
        key,
        |request: &WebhookEventRequest| request.uuid,
    )?;
    let app = Arc::new(App { receiver, open_api });
    let router = Router::new()
        .route("/webhook", post(receive))
        .with_state(app);
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    println!("listening on http://{}/webhook", listener.local_addr()?);
    axum::serve(listener, router).await?;
    Ok(())
}

async fn receive(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    let delivery = match app.receiver.receive(&headers, &body) {
        Ok(delivery) => delivery,
        Err(rejection) => {
            println!("refused a delivery: {rejection}");
            return (rejection.status(), rejection.to_string());
        }
    };
    if delivery.duplicate {
        println!("duplicate delivery {}: already handled", delivery.id);
        return (StatusCode::OK, "duplicate: already handled".into());
    }
    let request = &delivery.event;
    for event in &request.payload {
        if let Err(error) = handle(&app, request.entity_id, event).await {
            println!("event {} not handled: {error:#}", delivery.id);
            app.receiver.forget(&delivery.id);
            return (StatusCode::BAD_GATEWAY, "could not handle the event".into());
        }
    }
    (StatusCode::OK, "handled".into())
}

/// One event: customer events fetch the customer, every other type is acknowledged as is.
async fn handle(app: &App, entity_id: i64, event: &WebhookEvent) -> Result<()> {
    let kind = event.type_.as_str();
    if kind.starts_with("CUSTOMER_") && kind != "CUSTOMER_DELETED" {
        let customer = app
            .open_api
            .customers()
            .get_customer_by_id(entity_id)
            .await
            .with_context(|| format!("fetching customer {entity_id}"))?;
        println!(
            "{kind} at {}: customer {entity_id} is {} {}",
            event.timestamp,
            customer.first_name.as_deref().unwrap_or("?"),
            customer.last_name.as_deref().unwrap_or("?"),
        );
    } else {
        println!(
            "{kind} at {} for entity {entity_id}: nothing to fetch",
            event.timestamp
        );
    }
    Ok(())
}
