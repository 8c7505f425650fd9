//! Communication preferences and messages (Open API).
//!
//! ```text
//! export MAGICLINE_API_KEY=...
//! communications --customer-id 42 preferences                                  # show
//! communications --customer-id 42 preferences --category newsletter --disable email
//! communications --customer-id 42 message --subject "Two invoices" \
//!     --text "I was charged twice this month." --reply "Sorry, we refunded the second one."
//! communications --customer-id 42 message --thread-id 7 --subject "Two invoices" --text "Refund sent." --close
//! ```
//!
//! `preferences` reads the customer's channels per message category, switches one channel on or
//! off (if the studio lets the customer decide), and reads them again. `message` opens a new
//! thread with the customer's message and, with `--reply`, answers in that same thread, keeping
//! the thread id the server assigned; `--thread-id` adds to a thread that already exists.

use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use magicline::models;
use magicline::runtime::StringEnum;

/// Read and change a customer's communication preferences, or log messages in threads.
#[derive(Debug, Parser)]
struct Args {
    /// The API's base URL: your tenant's, or a mock server's.
    #[arg(long, default_value = magicline::SERVERS[0])]
    base_url: String,
    /// The customer.
    #[arg(long)]
    customer_id: i64,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Show the communication preferences; switch one channel of one category on or off.
    Preferences {
        /// The message category to change (`contract`, `general`, `appointment`,
        /// `newsletter`, `loyalty-program`).
        #[arg(long, value_parser = parse_category)]
        category: Option<models::MessageCategory>,
        /// Switch this channel on for the category (`email`, `letter`, `text-message`, ...).
        #[arg(long, requires = "category", value_parser = parse_channel)]
        enable: Option<models::CommunicationChannel>,
        /// Switch this channel off for the category.
        #[arg(
            long,
            requires = "category",
            conflicts_with = "enable",
            value_parser = parse_channel
        )]
        disable: Option<models::CommunicationChannel>,
    },
    /// Log the customer's message in a new thread, and optionally the studio's reply in it.
    Message {
        /// Add to this existing thread instead of opening a new one.
        #[arg(long)]
        thread_id: Option<i64>,
        /// The subject of the thread.
        #[arg(long)]
        subject: String,
        /// The customer's message (or, with --thread-id, the message to add).
        #[arg(long)]
        text: String,
        /// The studio's answer, logged as a follow-up in the same thread.
        #[arg(long)]
        reply: Option<String>,
        /// The channel the messages went through.
        #[arg(long, default_value = "email", value_parser = parse_channel)]
        channel: models::CommunicationChannel,
        /// The employee handling the thread.
        #[arg(long)]
        agent: Option<String>,
        /// Close the thread with the last message.
        #[arg(long)]
        close: bool,
    },
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
    match args.command {
        Command::Preferences {
            category,
            enable,
            disable,
        } => {
            let change = match (category, enable, disable) {
                (Some(category), Some(channel), None) => Some((category, channel, true)),
                (Some(category), None, Some(channel)) => Some((category, channel, false)),
                (Some(_), None, None) => {
                    bail!("--category needs --enable CHANNEL or --disable CHANNEL")
                }
                _ => None,
            };
            preferences(&client, args.customer_id, change).await
        }
        Command::Message {
            thread_id,
            subject,
            text,
            reply,
            channel,
            agent,
            close,
        } => {
            let message = models::CommunicationThreadRequest {
                communication_thread_status: models::CommunicationThreadStatus::Created,
                subject,
                content: text,
                communication_direction: models::CommunicationDirection::Incoming,
                communication_channel: channel,
                agent,
                ticket_number: None,
                ticket_link: None,
                communication_date_time: None,
            };
            messages(&client, args.customer_id, thread_id, message, reply, close).await
        }
    }
}

async fn preferences(
    client: &magicline::Client,
    customer: i64,
    change: Option<(models::MessageCategory, models::CommunicationChannel, bool)>,
) -> Result<()> {
    let service = client.customers_communication();
    let mut preferences = service.get_communication_preferences(customer).await?;
    print_preferences(customer, &preferences);
    let Some((category, channel, active)) = change else {
        return Ok(());
    };

    // The PUT takes the whole list: change the one channel in what we read and send it back.
    let setting = preferences
        .iter_mut()
        .filter(|preference| preference.message_category.as_ref() == Some(&category))
        .flat_map(|preference| preference.channels.iter_mut().flatten())
        .find(|setting| setting.communication_channel == channel)
        .with_context(|| {
            format!("the customer has no {channel} setting for {category} messages")
        })?;
    if setting.customer_overridable == Some(false) {
        bail!("the studio does not let customers change {channel} for {category} messages");
    }
    if setting.active == Some(active) {
        println!(
            "{category} by {channel} is already {}: nothing to change",
            on_off(Some(active))
        );
        return Ok(());
    }
    setting.active = Some(active);
    service
        .update_communication_preferences(customer, preferences.clone())
        .await?;
    println!(
        "updated: {category} by {channel} is now {}",
        on_off(Some(active))
    );

    let after = service.get_communication_preferences(customer).await?;
    print_preferences(customer, &after);
    let now = after
        .iter()
        .filter(|preference| preference.message_category.as_ref() == Some(&category))
        .flat_map(|preference| preference.channels.iter().flatten())
        .find(|setting| setting.communication_channel == channel)
        .and_then(|setting| setting.active);
    if now != Some(active) {
        // Not an error of this program: a mock server answers with fixed data, and a real one
        // may apply the change with a delay.
        println!(
            "note: the server still reports {category} by {channel} as {}",
            on_off(now)
        );
    }
    Ok(())
}

fn print_preferences(customer: i64, preferences: &[models::CommunicationPreference]) {
    println!("communication preferences of customer {customer}:");
    for preference in preferences {
        let category = preference
            .message_category
            .as_ref()
            .map_or("(no category)", |c| c.as_str());
        for setting in preference.channels.iter().flatten() {
            let fixed = if setting.customer_overridable == Some(false) {
                " (set by the studio)"
            } else {
                ""
            };
            println!(
                "  {category}: {} {}{fixed}",
                setting.communication_channel,
                on_off(setting.active)
            );
        }
    }
}

async fn messages(
    client: &magicline::Client,
    customer: i64,
    thread_id: Option<i64>,
    message: models::CommunicationThreadRequest,
    reply: Option<String>,
    close: bool,
) -> Result<()> {
    let service = client.customers_communication();
    let closing = |mut message: models::CommunicationThreadRequest| {
        if close {
            message.communication_thread_status = models::CommunicationThreadStatus::Closed;
        }
        message
    };

    if let Some(thread_id) = thread_id {
        let message = closing(models::CommunicationThreadRequest {
            communication_thread_status: models::CommunicationThreadStatus::Ongoing,
            ..message
        });
        let added = service
            .create_communication_in_existing_communication_thread(
                customer,
                thread_id,
                message.clone(),
            )
            .await?;
        println!(
            "added message {} to thread {}",
            added.communication_id, added.thread_id
        );
        return Ok(());
    }

    // Without a reply, this first message is also the last one.
    let first = if reply.is_some() {
        message
    } else {
        closing(message)
    };
    let created = service
        .create_communication_in_new_communication_thread(customer, first.clone())
        .await?;
    let thread_id = created.thread_id;
    println!(
        "opened thread {thread_id} with message {} ({}, {})",
        created.communication_id,
        created.communication_channel,
        created.communication_thread_status
    );

    if let Some(reply) = reply {
        // The answer goes into the thread the server just created, by the id it returned.
        let answer = closing(models::CommunicationThreadRequest {
            communication_thread_status: models::CommunicationThreadStatus::Ongoing,
            content: reply,
            communication_direction: models::CommunicationDirection::Outgoing,
            ..first
        });
        let added = service
            .create_communication_in_existing_communication_thread(
                customer,
                thread_id,
                answer.clone(),
            )
            .await?;
        println!(
            "replied in thread {thread_id} with message {} ({})",
            added.communication_id, added.communication_thread_status
        );
    }
    Ok(())
}

/// A command-line value in the API's spelling: `text-message` and `TEXT_MESSAGE` both give
/// `TEXT_MESSAGE`.
fn wire(value: &str) -> String {
    value.to_ascii_uppercase().replace('-', "_")
}

/// Parses `--channel` and friends. The generated enums have an `Unknown` fallback for values
/// from the server; a typo on the command line is refused here instead of being sent.
fn parse_channel(value: &str) -> Result<models::CommunicationChannel, String> {
    match models::CommunicationChannel::from_wire(&wire(value)) {
        models::CommunicationChannel::Unknown(_) => Err(format!("unknown channel {value:?}")),
        channel => Ok(channel),
    }
}

/// Parses `--category`, refusing values the client does not know (see [`parse_channel`]).
fn parse_category(value: &str) -> Result<models::MessageCategory, String> {
    match models::MessageCategory::from_wire(&wire(value)) {
        models::MessageCategory::Unknown(_) => Err(format!("unknown message category {value:?}")),
        category => Ok(category),
    }
}

fn on_off(active: Option<bool>) -> &'static str {
    match active {
        Some(true) => "on",
        Some(false) => "off",
        None => "(not set)",
    }
}

/// The message of the server's error body, if the error is one the server explained.
fn server_message(err: &anyhow::Error) -> Option<&str> {
    err.chain()
        .find_map(|cause| cause.downcast_ref::<magicline::Error<models::ErrorResponse>>())
        .and_then(|err| err.body())
        .map(|body| body.error_message.as_str())
}
