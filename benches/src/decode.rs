//! Decoding speed, and full typed iteration on loopback against the raw floor.
//!
//! Two decoding figures per log, in MB of JSON a second on one core:
//! - **entries**: each entry of the pages decoded into its generated type from its own text
//!   by serde_json, as [`RawEntry::decode_as`] does it (what a typed stream does for every
//!   entry);
//! - **pages**: each whole page decoded into its generated page type with
//!   `serde_json::from_slice` (what a caller of the generated client alone does).

use std::time::{Duration, Instant};

use bytes::Bytes;
use cloudflare_audit_logs::RawEntry;
use cloudflare_audit_logs::listings::{
    AccessAuthenticationLogs, AccessScimUpdateLogs, AccountAuditLogsV2, AuditLogHistory, AuditLogs,
    InsightsAuditLog, Listing, OrganizationAuditLogsV2,
};
use serde::de::DeserializeOwned;

use super::logs::{Log, fetch_raw, floor, typed};
use super::{Result, Server, median, ms};

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

/// Decodes every entry as listing `L`'s entry type, on this thread.
fn each<L: Listing>(entries: &[RawEntry]) -> Result<usize> {
    for entry in entries {
        drop(entry.decode_as::<L>()?);
    }
    Ok(entries.len())
}

/// Decodes every entry into the log's generated type, on this thread.
fn entries(entries: &[RawEntry], log: Log) -> Result<usize> {
    match log {
        Log::Account | Log::User => each::<AuditLogs>(entries),
        Log::Insights | Log::Insight => each::<InsightsAuditLog>(entries),
        Log::V2 => each::<AccountAuditLogsV2>(entries),
        Log::V2Organization => each::<OrganizationAuditLogsV2>(entries),
        Log::History => each::<AuditLogHistory>(entries),
        Log::Access => each::<AccessAuthenticationLogs>(entries),
        Log::Scim => each::<AccessScimUpdateLogs>(entries),
    }
}

/// The entries of a page decoded as page type `P`.
fn page<P: DeserializeOwned>(body: &[u8], result: impl Fn(P) -> Option<usize>) -> Result<usize> {
    Ok(result(serde_json::from_slice::<P>(body)?).unwrap_or(0))
}

/// Decodes every body into the generated page type, on this thread.
fn pages(bodies: &[Bytes], log: Log) -> Result<usize> {
    use cloudflare_audit_logs::generated::types::{
        AccessRequestPage, AuditLogPage, AuditLogV2Page, InsightAuditLogPage, ScimUpdatePage,
    };
    let mut n = 0;
    for body in bodies {
        n += match log {
            Log::Account | Log::User => page(body, |p: AuditLogPage| p.result.map(|r| r.len())),
            Log::Insights | Log::Insight => {
                page(body, |p: InsightAuditLogPage| p.result.map(|r| r.len()))
            }
            Log::V2 | Log::V2Organization | Log::History => {
                page(body, |p: AuditLogV2Page| p.result.map(|r| r.len()))
            }
            Log::Access => page(body, |p: AccessRequestPage| p.result.map(|r| r.len())),
            Log::Scim => page(body, |p: ScimUpdatePage| p.result.map(|r| r.len())),
        }?;
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
    println!("{}: {:.0} MB/s a core", log.name(), rate(bytes, took));
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
        "| log | raw floor | typed iteration | ratio | decoding entries, one core | decoding pages, one core |\n|---|---|---|---|---|---|"
    );
    for log in Log::ALL {
        let base = server.base.clone();
        let raw = median(|| floor(&base, log, count, per_page)).await?;
        let bodies = fetch_raw(&base, log, count, per_page).await?;
        let split = split(&bodies)?;
        let entry_bytes: usize = split.iter().map(|e| e.as_bytes().len()).sum();
        let page_bytes: usize = bodies.iter().map(|b| b.len()).sum();
        let direct = median(|| std::future::ready(entries(&split, log))).await?;
        let by_page = median(|| std::future::ready(pages(&bodies, log))).await?;

        let arrived = typed(&base, log, per_page, 4).await?;
        if arrived != count {
            return Err(format!("{}: {arrived} entries of {count} arrived", log.name()).into());
        }
        let full = median(|| typed(&base, log, per_page, 4)).await?;
        let ahead = match log.numbered() {
            true if matches!(log, Log::Account | Log::User) => "pages, 4 in flight",
            true => "pages, 1 ahead",
            false => "cursor, 1 ahead",
        };
        println!(
            "| {} ({ahead}) | {} | {} | {:.2}× | {:.0} MB/s | {:.0} MB/s |",
            log.name(),
            ms(raw),
            ms(full),
            full.as_secs_f64() / raw.as_secs_f64(),
            rate(entry_bytes, direct),
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
