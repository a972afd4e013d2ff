//! Exports Cloudflare audit logs as JSON Lines on standard output.
//!
//! ```text
//! cargo run --example export -- --demo                       # no account needed
//! CLOUDFLARE_API_TOKEN=... cargo run --example export -- --account ACCOUNT_ID
//! CLOUDFLARE_API_TOKEN=... cargo run --example export -- --insights --zone ZONE_ID
//! ```
//!
//! `--demo` starts a local server with sample data for both logs, in this process, and exports
//! both from it. Otherwise the credentials come from the environment (`CLOUDFLARE_API_TOKEN`,
//! or `CLOUDFLARE_EMAIL` with `CLOUDFLARE_API_KEY`) and `CLOUDFLARE_BASE_URL` may point
//! elsewhere than the real API.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use cloudflare_audit_logs::{Client, Credentials, Direction, Error, Scope};
use futures::{Stream, TryStreamExt};
use serde::Serialize;

mod demo;

const USAGE: &str = "usage: export (--demo | --account ID | --insights (--account ID | --zone ID))";

enum Job {
    Demo,
    Account(String),
    Insights(Scope),
}

fn parse_args() -> Result<Job, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut demo = false;
    let mut insights = false;
    let mut account = None;
    let mut zone = None;
    let mut iter = args.into_iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--demo" => demo = true,
            "--insights" => insights = true,
            "--account" => account = Some(iter.next().ok_or("--account needs an ID")?),
            "--zone" => zone = Some(iter.next().ok_or("--zone needs an ID")?),
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    match (demo, insights, account, zone) {
        (true, false, None, None) => Ok(Job::Demo),
        (false, false, Some(account), None) => Ok(Job::Account(account)),
        (false, true, Some(account), None) => Ok(Job::Insights(Scope::Account(account))),
        (false, true, None, Some(zone)) => Ok(Job::Insights(Scope::Zone(zone))),
        _ => Err(USAGE.into()),
    }
}

/// Writes every entry of `entries` as one JSON line; returns how many.
async fn write_lines<T: Serialize>(
    entries: impl Stream<Item = Result<T, Error>> + Unpin,
    out: &mut impl Write,
) -> Result<u64, Box<dyn std::error::Error>> {
    let mut entries = entries;
    let mut written = 0;
    while let Some(entry) = entries.try_next().await? {
        serde_json::to_writer(&mut *out, &entry)?;
        out.write_all(b"\n")?;
        written += 1;
    }
    out.flush()?;
    Ok(written)
}

async fn run(job: Job) -> Result<(), Box<dyn std::error::Error>> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match job {
        Job::Demo => {
            let server = demo::start().await;
            let client = Client::builder()
                .credentials(Credentials::api_token("demo-token"))
                .base_url(server.base_url())
                .build()?;
            let account = client
                .account_audit_logs(demo::ACCOUNT)
                .direction(Direction::Asc)
                .per_page(demo::PER_PAGE)
                .stream();
            let n = write_lines(account, &mut out).await?;
            eprintln!("account audit logs: {n} entries");
            let insights = client
                .insights_audit_log(Scope::Zone(demo::ZONE.into()))
                .per_page(demo::PER_PAGE)
                .stream();
            let n = write_lines(insights, &mut out).await?;
            eprintln!("insights audit log: {n} entries");
        }
        Job::Account(account) => {
            let client = Client::from_env()?;
            let entries = client.account_audit_logs(account).per_page(1000).stream();
            let n = write_lines(entries, &mut out).await?;
            eprintln!("account audit logs: {n} entries");
        }
        Job::Insights(scope) => {
            let client = Client::from_env()?;
            let entries = client.insights_audit_log(scope).per_page(1000).stream();
            let n = write_lines(entries, &mut out).await?;
            eprintln!("insights audit log: {n} entries");
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let job = match parse_args() {
        Ok(job) => job,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    match run(job).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
