//! Receiving Magicline's webhooks with axum: check the key, handle each event once, and fetch
//! the customer an event is about through the Open API.
//!
//! ```text
//! MAGICLINE_API_KEY=... MAGICLINE_WEBHOOK_KEY=... webhook_receiver --listen 0.0.0.0:8080
//! ```
//!
//! Magicline POSTs a `WebhookEventRequest` to `/webhook` with the key agreed at integration
//! setup in `X-API-KEY`. The receiver (`runtime::webhook::Receiver`) answers `401` for a missing
//! or wrong key and `400` for a body that does not decode, each with the reason as text.
//! Magicline may deliver an event more than once, so an event is handled once, and counts as
//! handled only when its handling succeeded:
//!
//! * a first delivery is claimed, handled, and then committed and answered `200`;
//! * when handling fails (fetching the customer failed), the claim is dropped uncommitted and
//!   the answer is `500`, which the webhooks spec documents: Magicline delivers the event
//!   again, and that delivery is handled afresh;
//! * a delivery of an event that is being handled right now is answered `500` too, not taken
//!   for handled: Magicline delivers it again later;
//! * a delivery of an event handled before is acknowledged (`200`) and not handled again.
//!
//! Event types are open: a type this program does not know is acknowledged and printed, never
//! refused. A failed lookup is printed with the `traceId` Magicline support asks for.

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
use magicline_webhooks::runtime::webhook::{Delivery, Receiver};

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
        Err(err) => magicline_examples::report(&err),
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
    let claim = match app.receiver.receive(&headers, &body) {
        Ok(Delivery::New(claim)) => claim,
        Ok(Delivery::Handled { id, .. }) => {
            println!("delivery of {id}: already handled");
            return (StatusCode::OK, "already handled".into());
        }
        // A wrong key, a malformed body, or the event is being handled right now (answered
        // with an error status, so that Magicline delivers it again later).
        Err(rejection) => {
            println!("not accepted: {rejection}");
            return (rejection.status(), rejection.to_string());
        }
    };
    let request = claim.event();
    // The payload holds one event today; if one of several failed, all are handled again on
    // the next delivery, so handling must not mind seeing an event twice.
    for event in &request.payload {
        if let Err(error) = handle(&app, request.entity_id, event).await {
            println!("event {} not handled:", claim.id());
            for line in magicline_examples::error_lines(&error) {
                println!("  {line}");
            }
            // `claim` is dropped uncommitted: the next delivery is handled afresh.
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                "could not handle the event: deliver it again later".into(),
            );
        }
    }
    println!("event {} handled", claim.id());
    claim.commit();
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
