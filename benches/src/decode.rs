//! Decoding speed, and full typed iteration on loopback against the raw floor.
//!
//! Two decoding figures per log, in MB of JSON a second on one core:
//! - **entries**: each entry of the pages decoded into its generated type from its own text,
//!   as [`RawEntry::decode_as`] does it (what a typed stream does for every entry);
//! - **pages**: each whole page decoded into its generated page type with
//!   `serde_json::from_slice` (what a caller of the generated client alone does).

use std::time::{Duration, Instant};

use bytes::Bytes;
use cloudflare_audit_logs::RawEntry;
use cloudflare_audit_logs::listings::{
    AccessAuthenticationLogs, AccountAuditLogsV2, AuditLogs, InsightsAuditLog,
};

use super::{Log, Result, Server, fetch_raw, floor, median, ms, typed};

/// The entries of each page, each as its own text.
fn split(bodies: &[Bytes]) -> Result<Vec<RawEntry>> {
    #[derive(serde::Deserialize)]
    struct Page<'a> {
        #[serde(borrow)]
        result: Vec<&'a serde_json::value::RawValue>,
    }
    let mut entries = Vec::new();
    for body in bodies {
        let page: Page<'_> = serde_json::from_slice(body)?;
        for entry in page.result {
            entries.push(RawEntry::from_json(entry.get())?);
        }
    }
    Ok(entries)
}

/// Decodes every entry into the log's generated type, on this thread.
fn entries(entries: &[RawEntry], log: Log) -> Result<usize> {
    for entry in entries {
        match log {
            Log::Insights => drop(entry.decode_as::<InsightsAuditLog>()?),
            Log::V2 => drop(entry.decode_as::<AccountAuditLogsV2>()?),
            Log::Account => drop(entry.decode_as::<AuditLogs>()?),
            Log::Access => drop(entry.decode_as::<AccessAuthenticationLogs>()?),
        }
    }
    Ok(entries.len())
}

/// Decodes every body into the generated page type, on this thread.
fn pages(bodies: &[Bytes], log: Log) -> Result<usize> {
    use cloudflare_audit_logs::{
        AccessRequestPage, AuditLogPage, AuditLogV2Page, InsightAuditLogPage,
    };
    let mut n = 0;
    for body in bodies {
        n += match log {
            Log::Insights => serde_json::from_slice::<InsightAuditLogPage>(body)?
                .result
                .map_or(0, |r| r.len()),
            Log::V2 => serde_json::from_slice::<AuditLogV2Page>(body)?
                .result
                .map_or(0, |r| r.len()),
            Log::Account => serde_json::from_slice::<AuditLogPage>(body)?
                .result
                .map_or(0, |r| r.len()),
            Log::Access => serde_json::from_slice::<AccessRequestPage>(body)?
                .result
                .map_or(0, |r| r.len()),
        };
    }
    Ok(n)
}

fn rate(bytes: usize, took: Duration) -> f64 {
    bytes as f64 / took.as_secs_f64() / 1e6
}

/// `bench decode LOG ROUNDS`: the log's entries decoded `rounds` times over (for a
/// profiler), and the rate.
pub async fn profile(log: Log, rounds: usize) -> Result<()> {
    let server = Server::start(100_000, 0, true)?;
    let split = split(&fetch_raw(&server.base, log, 100_000, 1000).await?)?;
    let bytes: usize = split.iter().map(|e| e.as_bytes().len()).sum();
    let started = Instant::now();
    for _ in 0..rounds {
        entries(&split, log)?;
    }
    let took = started.elapsed() / rounds as u32;
    println!("{log:?}: {:.0} MB/s a core", rate(bytes, took));
    Ok(())
}

/// The table `bench throughput` prints.
pub async fn throughput() -> Result<()> {
    let (count, per_page) = (100_000, 1000);
    let server = Server::start(count, 0, true)?;
    println!(
        "### Full typed iteration against the raw floor ({count} entries, {per_page} per page, no added latency)\n"
    );
    println!(
        "| endpoint | raw floor | typed iteration | ratio | decoding entries, one core | decoding pages, one core |\n|---|---|---|---|---|---|"
    );
    for log in [Log::Account, Log::Insights, Log::V2, Log::Access] {
        let base = server.base.clone();
        let raw = median(|| floor(&base, log, count, per_page)).await?;
        let bodies = fetch_raw(&base, log, count, per_page).await?;
        let split = split(&bodies)?;
        let entry_bytes: usize = split.iter().map(|e| e.as_bytes().len()).sum();
        let page_bytes: usize = bodies.iter().map(|b| b.len()).sum();
        let by_entry = median(|| std::future::ready(entries(&split, log))).await?;
        let by_page = median(|| std::future::ready(pages(&bodies, log))).await?;

        let name = match log {
            Log::Insights => "insights (cursor, 1 ahead)",
            Log::V2 => "v2 (cursors.after, 1 ahead)",
            Log::Account => "account (pages, 4 in flight)",
            Log::Access => "access (pages, 1 ahead)",
        };
        let n = typed(&base, log, per_page, 4).await?;
        assert_eq!(n, count, "every entry arrived");
        let full = median(|| typed(&base, log, per_page, 4)).await?;
        println!(
            "| {name} | {} | {} | {:.2}× | {:.0} MB/s | {:.0} MB/s |",
            ms(raw),
            ms(full),
            full.as_secs_f64() / raw.as_secs_f64(),
            rate(entry_bytes, by_entry),
            rate(page_bytes, by_page),
        );
        if log == Log::Account {
            let one = median(|| typed(&base, log, per_page, 1)).await?;
            println!(
                "| account (pages, 1 ahead) | {} | {} | {:.2}× | | |",
                ms(raw),
                ms(one),
                one.as_secs_f64() / raw.as_secs_f64()
            );
        }
    }
    Ok(())
}
