//! `bench export [FORMAT]`: the export command's throughput (JSON Lines by default) for each
//! log against the raw floor (the same pages fetched one after another into bytes), on
//! loopback and with 20 ms per request. The records go to an in-memory sink, so that the disk
//! is not measured.

use std::sync::Arc;

use cloudflare_audit_logs::{
    AccessAuthenticationLogsFilters, AccessScimUpdateLogsFilters, AccountAuditLogsV2Filters,
    AuditLogHistoryFilters, AuditLogsFilters, InsightsAuditLogFilters, InsightsScope,
    OrganizationAuditLogsV2Filters,
};
use cloudflare_audit_logs_cli::checkpoint::Checkpoint;
use cloudflare_audit_logs_cli::exporter::{self, Settings, Shutdown, Source, V2Owner};
use cloudflare_audit_logs_cli::logs::{
    Access, Account, History, Insights, Scim, User, V2Account, V2Organization,
};
use cloudflare_audit_logs_cli::sink::{Format, Sink};

use super::logs::{
    ACCOUNT, IDP, ISSUE, Log, ORGANIZATION, Read, ZONE, client, entry, history_time, window,
};
use super::logs::{floor, read};
use super::{Result, Server, median, ms};

/// The export command's source for a log.
pub fn source(log: Log) -> Result<Source> {
    let (since, before) = window();
    let (since, before) = (Some(since), Some(before));
    let insights = |issue: Option<&str>| {
        Source::Insights(Insights {
            scope: InsightsScope::Zone(ZONE.into()),
            issue: issue.map(str::to_owned),
            filters: InsightsAuditLogFilters::default(),
        })
    };
    Ok(match log {
        Log::Account => Source::Account(Account {
            account_id: ACCOUNT.into(),
            filters: AuditLogsFilters::default(),
        }),
        Log::User => Source::User(User {
            filters: AuditLogsFilters::default(),
        }),
        Log::Insights => insights(None),
        Log::Insight => insights(Some(ISSUE)),
        Log::V2 => Source::V2Account(V2Account {
            account_id: ACCOUNT.into(),
            filters: AccountAuditLogsV2Filters {
                since,
                before,
                ..Default::default()
            },
        }),
        Log::V2Organization => Source::V2Organization(V2Organization {
            organization_id: ORGANIZATION.into(),
            filters: OrganizationAuditLogsV2Filters {
                since,
                before,
                ..Default::default()
            },
        }),
        Log::History => Source::History(History {
            owner: V2Owner::Account(ACCOUNT.into()),
            entry_id: entry(),
            filters: AuditLogHistoryFilters {
                action_time: Some(history_time()),
                since,
                before,
                ..Default::default()
            },
        }),
        Log::Access => Source::Access(Access {
            account_id: ACCOUNT.into(),
            filters: AccessAuthenticationLogsFilters::default(),
        }),
        Log::Scim => Source::Scim(Scim {
            account_id: ACCOUNT.into(),
            filters: AccessScimUpdateLogsFilters {
                idp_id: Some(vec![IDP.into()]),
                ..Default::default()
            },
        }),
    })
}

/// One export of the whole log into `sink`, as the command runs it once; the entries written.
pub async fn export_into(
    base: &str,
    source: &Source,
    per_page: u64,
    sink: &mut Sink,
) -> Result<u64> {
    let outcome = exporter::run(
        &client(base)?,
        source,
        &Settings::once(per_page, None),
        sink,
        Checkpoint::new(source.fingerprint()),
        &Arc::new(Shutdown::default()),
        &mut exporter::Quiet,
    )
    .await
    .map_err(|e| e.to_string())?;
    Ok(outcome.written)
}

/// One export of the whole log into memory; the bytes written.
async fn export(base: &str, source: &Source, per_page: u64, format: Format) -> Result<usize> {
    let mut sink = Sink::memory(format);
    if export_into(base, source, per_page, &mut sink).await? == 0 {
        return Err("the export wrote nothing".into());
    }
    Ok(sink.bytes_written() as usize)
}

/// The export format of that name (`bench export FORMAT`; JSON Lines by default).
pub fn format_named(name: &str) -> Result<(Format, &'static str)> {
    Ok(match name {
        "" | "jsonl" => (Format::Jsonl, "JSON Lines"),
        "csv" => (Format::Csv, "CSV"),
        "ocsf" => (Format::Ocsf, "OCSF"),
        "logpush" => (Format::Logpush, "Logpush"),
        other => return Err(format!("no format {other:?}: jsonl, csv, ocsf or logpush").into()),
    })
}

pub async fn table(format: &str) -> Result<()> {
    let (format, format_name) = format_named(format)?;
    let (entries, per_page) = (100_000usize, 1000usize);
    for latency_ms in [0u64, 20] {
        let server = Server::start(entries, latency_ms, true)?;
        println!(
            "\n### The export command, {format_name} ({entries} entries, {per_page} per page, \
             {latency_ms} ms per request)\n"
        );
        println!(
            "| log | raw floor | raw entries (stream_raw) | export | export / floor |\n|---|---|---|---|---|"
        );
        for log in Log::ALL {
            let source = source(log)?;
            let name = match log {
                Log::Account | Log::User => format!("{} (4 in flight)", log.name()),
                _ => log.name().to_owned(),
            };
            let base = server.base.clone();
            let floor = median(|| floor(&base, log, entries, per_page)).await?;
            let entries = median(|| read(&base, log, per_page, 4, Read::Raw)).await?;
            let exported = median(|| export(&base, &source, per_page as u64, format)).await?;
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
