//! The exporter writes what Cloudflare sent: every JSON Lines record embeds the entry's bytes
//! verbatim, OCSF `raw_data` holds the same text, for every log, with fields no schema names
//! (numbers past 64 bits, negative zero, nulls) on the demo server's entries.

use std::collections::BTreeMap;
use std::sync::Arc;

use cloudflare_audit_logs::{Client, RawEntry, TimeBound};
use cloudflare_audit_logs_cli::checkpoint::Checkpoint;
use cloudflare_audit_logs_cli::logs::{
    Access, Account, History, Insights, Scim, User, V2Account, V2Organization,
};
use cloudflare_audit_logs_cli::{demo, exporter, sink};
use exporter::{Shutdown, Source, V2Owner};
use futures::TryStreamExt;
use sink::{Format, Sink};

use crate::export::*;

/// Every entry of `source`'s log as the library's raw stream hands it out, by ID.
async fn sent(client: &Client, source: &Source) -> BTreeMap<String, String> {
    let now = chrono::Utc::now();
    let since = TimeBound::from(now - chrono::Duration::days(500));
    let before = TimeBound::from(now + chrono::Duration::days(1));
    let entries: Vec<RawEntry> = match source {
        Source::Account(Account { account_id, .. }) => {
            client.account_audit_logs(account_id).stream_raw()
        }
        Source::User(User { .. }) => client.user_audit_logs().stream_raw(),
        Source::Insights(Insights { scope, .. }) => {
            client.insights_audit_log(scope.clone()).stream_raw()
        }
        Source::Access(Access { account_id, .. }) => {
            client.access_authentication_logs(account_id).stream_raw()
        }
        Source::Scim(Scim {
            account_id,
            filters,
        }) => {
            let idps = filters.idp_id.clone().unwrap_or_default();
            let first = client.access_scim_update_logs(account_id, idps[0].as_str());
            idps[1..]
                .iter()
                .fold(first, |request, idp| request.idp_id(idp))
                .stream_raw()
        }
        Source::V2Account(V2Account { account_id, .. }) => client
            .account_audit_logs_v2(account_id, since, before)
            .stream_raw(),
        Source::V2Organization(V2Organization {
            organization_id, ..
        }) => client
            .organization_audit_logs_v2(organization_id, since, before)
            .stream_raw(),
        Source::History(History {
            owner,
            entry_id,
            filters,
        }) => {
            let time = filters.action_time.unwrap();
            match owner {
                V2Owner::Account(id) => client.account_audit_log_history(id, entry_id, time),
                V2Owner::Organization(id) => {
                    client.organization_audit_log_history(id, entry_id, time)
                }
            }
            .since(since)
            .before(before)
            .stream_raw()
        }
    }
    .try_collect()
    .await
    .unwrap();
    entries
        .into_iter()
        .map(|e| (key(e.json()), e.json().to_owned()))
        .collect()
}

/// How the exporter knows an entry: its ID (a Ray ID for an Access event), else its content.
fn key(json: &str) -> String {
    let entry = RawEntry::from_json(json).unwrap();
    match entry.id() {
        Some(id) => id.to_owned(),
        None => format!(
            "digest:{:016x}",
            cloudflare_audit_logs_cli::entry_text::identity(entry.json()).unwrap()
        ),
    }
}

async fn run(client: &Client, source: &Source, format: Format) -> String {
    let mut sink = Sink::memory(format);
    exporter::run(
        client,
        source,
        &settings(None, 7),
        &mut sink,
        Checkpoint::new(source.fingerprint()),
        &Arc::new(Shutdown::default()),
        &mut exporter::Quiet,
    )
    .await
    .unwrap();
    String::from_utf8(sink.contents().unwrap().to_vec()).unwrap()
}

#[tokio::test]
async fn every_log_is_exported_byte_for_byte() {
    let demo = demo::Demo::start(40, 16)
        .await
        .expect("the demo server starts");
    let client = client(&demo);
    for source in [
        account(),
        user(),
        insights(),
        v2_account(),
        v2_organization(),
        access(),
        scim(),
        crate::history::history(3),
    ] {
        let sent = sent(&client, &source).await;
        let lines = run(&client, &source, Format::Jsonl).await;
        let prefix = format!(r#"{{"source":{},"entry":"#, source.origin());
        let mut exported = 0;
        for line in lines.lines() {
            let entry = line
                .strip_prefix(&prefix)
                .and_then(|rest| rest.strip_suffix('}'))
                .unwrap_or_else(|| panic!("{}: {line}", source.name()));
            assert_eq!(
                Some(entry),
                sent.get(&key(entry)).map(String::as_str),
                "{}",
                source.name()
            );
            // What no schema names, exactly as sent.
            assert!(entry.contains(demo::FUTURE_FIELD), "{entry}");
            exported += 1;
        }
        assert!(exported > 0 && exported <= sent.len(), "{}", source.name());
        // OCSF keeps the same bytes as its raw data.
        let events = run(&client, &source, Format::Ocsf).await;
        for event in events.lines() {
            let event: serde_json::Value = serde_json::from_str(event).unwrap();
            let raw = event["raw_data"].as_str().unwrap();
            assert_eq!(
                Some(raw),
                sent.get(&key(raw)).map(String::as_str),
                "{}",
                source.name()
            );
        }
    }
}
