//! `bench export`: the export command's JSON Lines throughput for each log against the raw
//! floor (the same pages fetched one after another into bytes), on loopback and with 20 ms per
//! request. The records go to an in-memory sink, so that the disk is not measured.

use std::sync::Arc;

use cloudflare_audit_logs::{
    AccessAuthenticationLogsFilters, AccountAuditLogsV2Filters, AuditLogsFilters,
    InsightsAuditLogFilters,
};
use cloudflare_audit_logs::{InsightsScope, TimeBound};
use cloudflare_audit_logs_cli::checkpoint::Checkpoint;
use cloudflare_audit_logs_cli::exporter::{self, Settings, Shutdown, Source};
use cloudflare_audit_logs_cli::sink::{Format, Sink};

use super::{ACCOUNT, Log, Result, Server, ZONE, chrono_day, client, floor, median, ms};

fn source(log: Log) -> Source {
    match log {
        Log::Account => Source::Account {
            account_id: ACCOUNT.into(),
            filters: AuditLogsFilters::default(),
        },
        Log::Access => Source::Access {
            account_id: ACCOUNT.into(),
            filters: AccessAuthenticationLogsFilters::default(),
        },
        Log::Insights => Source::Insights {
            scope: InsightsScope::Zone(ZONE.into()),
            issue: None,
            filters: InsightsAuditLogFilters::default(),
        },
        Log::V2 => {
            let (since, before): (TimeBound, TimeBound) = (chrono_day(1), chrono_day(2));
            Source::V2Account {
                account_id: ACCOUNT.into(),
                filters: AccountAuditLogsV2Filters {
                    since: Some(since),
                    before: Some(before),
                    ..Default::default()
                },
            }
        }
    }
}

/// One export of the whole log into memory; the bytes written.
async fn export(base: &str, log: Log, per_page: u64) -> Result<usize> {
    let client = client(base)?;
    let source = source(log);
    let mut sink = Sink::memory(Format::Jsonl);
    let outcome = exporter::run(
        &client,
        &source,
        &Settings::once(per_page, None),
        &mut sink,
        Checkpoint::new(source.fingerprint()),
        &Arc::new(Shutdown::default()),
        &mut exporter::Quiet,
    )
    .await
    .map_err(|e| e.to_string())?;
    if outcome.written == 0 {
        return Err("the export wrote nothing".into());
    }
    Ok(sink.bytes_written() as usize)
}

/// The raw entries of the whole log, nothing written: what the export builds on.
async fn raw(base: &str, log: Log, per_page: u64) -> Result<usize> {
    use futures::TryStreamExt;
    let client = client(base)?;
    let (since, before) = (chrono_day(1), chrono_day(2));
    let entries = match log {
        Log::Account => client
            .account_audit_logs(ACCOUNT)
            .per_page(per_page)
            .stream_raw(),
        Log::Insights => client
            .insights_audit_log(InsightsScope::Zone(ZONE.into()))
            .per_page(per_page)
            .stream_raw(),
        Log::V2 => client
            .account_audit_logs_v2(ACCOUNT, since, before)
            .limit(per_page)
            .stream_raw(),
        Log::Access => client
            .access_authentication_logs(ACCOUNT)
            .per_page(per_page)
            .stream_raw(),
    };
    Ok(entries
        .try_fold(0, |n, e| async move { Ok(n + e.as_bytes().len()) })
        .await?)
}

pub async fn table() -> Result<()> {
    let (entries, per_page) = (100_000usize, 1000usize);
    for latency_ms in [0u64, 20] {
        let server = Server::start(entries, latency_ms, true)?;
        println!(
            "\n### The export command, JSON Lines ({entries} entries, {per_page} per page, \
             {latency_ms} ms per request)\n"
        );
        println!(
            "| log | raw floor | raw entries (stream_raw) | export | export / floor |\n|---|---|---|---|---|"
        );
        for (name, log) in [
            ("account (4 in flight)", Log::Account),
            ("insights", Log::Insights),
            ("v2", Log::V2),
            ("access", Log::Access),
        ] {
            let base = server.base.clone();
            let floor = median(|| floor(&base, log, entries, per_page)).await?;
            let entries = median(|| self::raw(&base, log, per_page as u64)).await?;
            let exported = median(|| export(&base, log, per_page as u64)).await?;
            println!(
                "| {name} | {} | {} | {} | {:.2}× |",
                ms(floor),
                ms(entries),
                ms(exported),
                exported.as_secs_f64() / floor.as_secs_f64()
            );
        }
    }
    Ok(())
}
