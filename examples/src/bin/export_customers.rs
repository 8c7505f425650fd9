//! Sliced export (Open API): every customer, as JSON lines.
//!
//! ```text
//! export MAGICLINE_API_KEY=...
//! export_customers --output customers.jsonl                  # all members
//! export_customers --status prospect --slice-size 500 > prospects.jsonl
//! export_customers --limit 10                                # a first look
//! ```
//!
//! `GET /v1/customers` hands out customers in slices: each answer has `result`, `hasNext` and
//! the `offset` to ask for the next slice with. The client's `items()` follows the offsets
//! lazily, so this program only sees a stream of customers, one slice in memory at a time.
//! Progress goes to stderr, so stdout stays a clean JSON lines file.
//!
//! Exit status 1 when a request fails mid-way; the lines written until then stay in the output,
//! and the error says how many there are, with the server's message and the `traceId` for
//! Magicline support.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, ValueEnum};
use futures::TryStreamExt;
use magicline::models;

/// Write every customer as one JSON object per line.
#[derive(Debug, Parser)]
struct Args {
    /// The API's base URL: your tenant's, or a mock server's.
    #[arg(long, default_value = magicline::SERVERS[0])]
    base_url: String,
    /// Which customers.
    #[arg(long, value_enum, default_value_t = Status::Member)]
    status: Status,
    /// Customers per request (the API allows 50 to 500).
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(i32).range(50..=500))]
    slice_size: i32,
    /// Stop after this many customers.
    #[arg(long)]
    limit: Option<u64>,
    /// Write to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Status {
    Member,
    Prospect,
    FormerMember,
}

impl From<Status> for models::GetCustomersCustomerStatus {
    fn from(status: Status) -> Self {
        match status {
            Status::Member => models::GetCustomersCustomerStatus::Member,
            Status::Prospect => models::GetCustomersCustomerStatus::Prospect,
            Status::FormerMember => models::GetCustomersCustomerStatus::FormerMember,
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
    let client = magicline::Client::builder()
        .base_url(&args.base_url)
        .api_key(
            std::env::var("MAGICLINE_API_KEY").context("set MAGICLINE_API_KEY to your API key")?,
        )
        .build()?;
    let mut output: BufWriter<Box<dyn Write>> = BufWriter::new(match &args.output {
        Some(path) => Box::new(
            File::create(path).with_context(|| format!("cannot create {}", path.display()))?,
        ),
        None => Box::new(io::stdout().lock()),
    });
    let mut progress = Progress::new();

    let customers = client
        .customers()
        .get_customers()
        .customer_status(args.status.into())
        .slice_size(args.slice_size)
        .items();
    // The stream holds the request future of the slice being fetched, which is not `Unpin`.
    let mut customers = std::pin::pin!(customers);
    let limit = args.limit.unwrap_or(u64::MAX);
    while progress.count < limit {
        let customer = match customers.try_next().await {
            Ok(Some(customer)) => customer,
            Ok(None) => break,
            Err(err) => {
                output.flush()?;
                progress.finish();
                return Err(err).with_context(|| {
                    format!("the export stopped after {} customers", progress.count)
                });
            }
        };
        serde_json::to_writer(&mut output, &customer)?;
        output.write_all(b"\n")?;
        progress.tick();
    }
    output.flush()?;
    progress.finish();
    Ok(())
}

/// A customer count on stderr: rewritten in place on a terminal, a line every few thousand
/// customers otherwise (a CI log should not get a line per customer).
struct Progress {
    count: u64,
    terminal: bool,
}

impl Progress {
    fn new() -> Self {
        Progress {
            count: 0,
            terminal: io::stderr().is_terminal(),
        }
    }

    fn tick(&mut self) {
        self.count += 1;
        if self.terminal && self.count % 50 == 0 {
            eprint!("\rexported {} customers", self.count);
        } else if !self.terminal && self.count % 5000 == 0 {
            eprintln!("exported {} customers", self.count);
        }
    }

    fn finish(&self) {
        if self.terminal {
            eprint!("\r");
        }
        eprintln!("exported {} customers", self.count);
    }
}
