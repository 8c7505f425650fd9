//! Communication preferences and messages (Open API).
//!
//! ```text
//! export MAGICLINE_API_KEY=...
//! communications --customer-id 42 preferences                                  # show
//! communications --customer-id 42 preferences --category newsletter --disable email
//! communications --customer-id 42 message --category contract --subject "Your registration" \
//!     --text "Thanks for registering."                                     # partner -> customer
//! communications --customer-id 42 message --category general --direction incoming \
//!     --subject "Two invoices" --text "I was charged twice this month." \
//!     --reply "Sorry, we refunded the second one."
//! communications --customer-id 42 message --category general --thread-id 7 \
//!     --subject "Two invoices" --text "The refund is on its way." --close   # follow-up
//! communications --customer-id 42 message --category general --thread-id 7 --direction incoming \
//!     --subject "Two invoices" --text "Still charged twice." --reply "Refunded again."
//! ```
//!
//! It follows the developer portal's guide "Working with customers communication":
//!
//! * `preferences` reads the customer's channels per message category, switches one channel on
//!   or off (if the studio lets the customer decide), and reads them again. The update carries
//!   only that change ("submit only intended changes"): the one channel of the one category,
//!   not the whole list read before, which would overwrite what changed since.
//! * `message` always reads the preferences first ("always read current communication
//!   preferences before outbound communication") and refuses to send an outgoing message by a
//!   channel that is not active for its `--category`. A message the customer sent
//!   (`--direction incoming`) is only logged, and needs no consent; `--reply` answers it in the
//!   same thread (a new one or `--thread-id`), as the partner's `OUTGOING` message.
//! * A new thread is opened for a new topic; a follow-up goes into the existing thread
//!   (`--thread-id`, or the id the server returned for the thread just opened). Messages are
//!   the partner's own (`OUTGOING`) unless `--direction incoming` says otherwise.
//!
//! On an error the server's message is shown once, with its `traceId` for Magicline support.

use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use magicline::models::{
    self, CommunicationChannelWrapperCommunicationChannel as SettingChannel,
    CommunicationPreferenceMessageCategory as Category,
    CommunicationThreadRequestCommunicationChannel as ThreadChannel,
    CommunicationThreadRequestCommunicationDirection as Direction,
    CommunicationThreadRequestCommunicationThreadStatus as ThreadStatus,
};
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
        category: Option<Category>,
        /// Switch this channel on for the category (`email`, `letter`, `text-message`, ...).
        #[arg(long, requires = "category", value_parser = parse_setting_channel)]
        enable: Option<SettingChannel>,
        /// Switch this channel off for the category.
        #[arg(
            long,
            requires = "category",
            conflicts_with = "enable",
            value_parser = parse_setting_channel
        )]
        disable: Option<SettingChannel>,
    },
    /// Send (or log) a message in a new thread or an existing one, after checking the
    /// customer's communication preferences.
    Message {
        /// Add to this existing thread instead of opening a new one.
        #[arg(long)]
        thread_id: Option<i64>,
        /// The message category, whose preferences decide whether the channel may be used
        /// (`contract`, `general`, `appointment`, `newsletter`, `loyalty-program`).
        #[arg(long, value_parser = parse_category)]
        category: Category,
        /// The subject of the thread.
        #[arg(long)]
        subject: String,
        /// The message.
        #[arg(long)]
        text: String,
        /// Who wrote --text: `outgoing`, the studio's or partner's own message to the customer,
        /// or `incoming`, a message the customer sent, logged in the thread.
        #[arg(long, default_value = "outgoing", value_parser = parse_direction)]
        direction: Direction,
        /// The studio's answer to an incoming message, logged as an outgoing follow-up in the
        /// same thread.
        #[arg(long)]
        reply: Option<String>,
        /// The channel the messages go through.
        #[arg(long, default_value = "email", value_parser = parse_thread_channel)]
        channel: ThreadChannel,
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
        Err(err) => magicline_examples::report(&err),
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
            category,
            subject,
            text,
            direction,
            reply,
            channel,
            agent,
            close,
        } => {
            if reply.is_some() && direction != Direction::Incoming {
                bail!("--reply answers a message of the customer: pass --direction incoming");
            }
            let mut message = models::CommunicationThreadRequest::new(
                ThreadStatus::Created,
                subject,
                text,
                direction,
                channel,
            );
            message.agent = agent;
            let outgoing = Outgoing { category, reply };
            messages(
                &client,
                args.customer_id,
                thread_id,
                message,
                outgoing,
                close,
            )
            .await
        }
    }
}

async fn preferences(
    client: &magicline::Client,
    customer: i64,
    change: Option<(Category, SettingChannel, bool)>,
) -> Result<()> {
    let service = client.customers_communication();
    let preferences = service.get_communication_preferences(customer).await?;
    print_preferences(customer, &preferences);
    let Some((category, channel, active)) = change else {
        return Ok(());
    };

    let setting = preferences
        .iter()
        .filter(|preference| preference.message_category.as_ref() == Some(&category))
        .flat_map(|preference| preference.channels.iter().flatten())
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
    // Only the intended change: the one channel of the one category. Sending back the whole
    // list read earlier would overwrite what the customer or the studio changed since.
    let change = vec![
        models::CommunicationPreference::default()
            .with_message_category(category.clone())
            .with_channels(vec![
                models::CommunicationChannelWrapper::new(channel.clone()).with_active(active),
            ]),
    ];
    service
        .update_communication_preferences(customer, change)
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

/// What decides about the messages to the customer: their category, and the reply, if any.
struct Outgoing {
    category: Category,
    reply: Option<String>,
}

async fn messages(
    client: &magicline::Client,
    customer: i64,
    thread_id: Option<i64>,
    message: models::CommunicationThreadRequest,
    outgoing: Outgoing,
    close: bool,
) -> Result<()> {
    let service = client.customers_communication();

    // Read the preferences before anything goes out, every time: they are the customer's
    // consent as it is now, and the studio or the customer may have changed it since.
    let preferences = service.get_communication_preferences(customer).await?;
    let channel = &message.communication_channel;
    let category = &outgoing.category;
    let active = preferences
        .iter()
        .filter(|preference| preference.message_category.as_ref() == Some(category))
        .flat_map(|preference| preference.channels.iter().flatten())
        // The thread's channel and the preference's are different types with the same values.
        .find(|setting| setting.communication_channel.as_str() == channel.as_str())
        .and_then(|setting| setting.active);
    println!(
        "preferences of customer {customer}: {category} by {channel} is {}",
        on_off(active)
    );
    let sends = message.communication_direction == Direction::Outgoing || outgoing.reply.is_some();
    // Only an explicit "on" is consent: a channel missing from the category is not active.
    if sends && active != Some(true) {
        bail!(
            "not sending: the customer's preferences do not allow {category} messages by \
             {channel} ({}); choose another --channel or ask the customer to switch it on",
            on_off(active)
        );
    }

    // What goes into the thread, in order: the message given, then the reply to it (the
    // partner's own, so OUTGOING).
    let mut sequence = vec![message];
    if let Some(reply) = outgoing.reply {
        let mut answer = sequence[0].clone();
        answer.content = reply;
        answer.communication_direction = Direction::Outgoing;
        sequence.push(answer);
    }
    // A new thread's first message creates it, every later one continues it; `--close` closes
    // the thread with the last one.
    let last = sequence.len() - 1;
    for (index, message) in sequence.iter_mut().enumerate() {
        message.communication_thread_status = match (index, thread_id) {
            _ if close && index == last => ThreadStatus::Closed,
            (0, None) => ThreadStatus::Created,
            _ => ThreadStatus::Ongoing,
        };
    }

    let mut thread = thread_id;
    for message in sequence {
        let direction = message.communication_direction.clone();
        match thread {
            // A follow-up goes into the thread: the one given, or the one the server just
            // created, by the id it returned.
            Some(thread_id) => {
                let added = service
                    .create_communication_in_existing_communication_thread(
                        customer, thread_id, message,
                    )
                    .await?;
                println!(
                    "added {direction} message {} to thread {} ({})",
                    added.communication_id, added.thread_id, added.communication_thread_status
                );
            }
            None => {
                let created = service
                    .create_communication_in_new_communication_thread(customer, message)
                    .await?;
                println!(
                    "opened thread {} with {direction} message {} ({}, {})",
                    created.thread_id,
                    created.communication_id,
                    created.communication_channel,
                    created.communication_thread_status
                );
                thread = Some(created.thread_id);
            }
        }
    }
    Ok(())
}

/// A command-line value in the API's spelling: `text-message` and `TEXT_MESSAGE` both give
/// `TEXT_MESSAGE`.
fn wire(value: &str) -> String {
    value.to_ascii_uppercase().replace('-', "_")
}

/// Parses a command-line value into a generated enum. The generated enums have an `Unknown`
/// fallback for values from the server; a typo on the command line is refused here instead of
/// being sent.
fn parse_known<T: StringEnum>(
    value: &str,
    is_unknown: fn(&T) -> bool,
    what: &str,
) -> Result<T, String> {
    let parsed = T::from_wire(&wire(value));
    if is_unknown(&parsed) {
        Err(format!("unknown {what} {value:?}"))
    } else {
        Ok(parsed)
    }
}

/// Parses `--enable` and `--disable` (see [`parse_known`]).
fn parse_setting_channel(value: &str) -> Result<SettingChannel, String> {
    parse_known(value, SettingChannel::is_unknown, "channel")
}

/// Parses `--channel` (see [`parse_known`]).
fn parse_thread_channel(value: &str) -> Result<ThreadChannel, String> {
    parse_known(value, ThreadChannel::is_unknown, "channel")
}

/// Parses `--category` (see [`parse_known`]).
fn parse_category(value: &str) -> Result<Category, String> {
    parse_known(value, Category::is_unknown, "message category")
}

/// Parses `--direction` (`incoming`, `outgoing`), refusing other values (see [`parse_known`]).
fn parse_direction(value: &str) -> Result<Direction, String> {
    parse_known(value, Direction::is_unknown, "direction")
}

fn on_off(active: Option<bool>) -> &'static str {
    match active {
        Some(true) => "on",
        Some(false) => "off",
        None => "(not set)",
    }
}
