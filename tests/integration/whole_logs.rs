//! Every listing walked whole against the local Cloudflare server (the
//! `cloudflare-audit-logs-server` crate), with its real paging rules and its injected faults
//! (a 503 on the account log's second page, a 429 with `Retry-After` on the insights log's, a
//! 502 on v2's): every entry arrives exactly once, in the log's order, raw and typed alike.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use cloudflare_audit_logs::listings::Listing;
use cloudflare_audit_logs::{InsightsScope, RawEntry, Request, TimeBound};
use cloudflare_audit_logs_server::demo::{
    self, ACCOUNT, Demo, IDPS, ORGANIZATION, Options, ZONE, v2 as demo_v2,
};
use futures::TryStreamExt;

use crate::common::client_for;

/// The v1 and v2 logs' entries, and the insights log's.
const ENTRIES: usize = 250;
const INSIGHTS: usize = 230;

/// Walks `request` raw and typed; checks both give the same entries, each once, newest
/// first; returns how many.
async fn walk<L: Listing>(request: Request<L>) -> usize {
    let raw: Vec<RawEntry> = request.clone().stream_raw().try_collect().await.unwrap();
    let typed: Vec<L::Entry> = request.stream().try_collect().await.unwrap();
    assert_eq!(raw.len(), typed.len(), "raw and typed streams agree");
    let ids: Vec<&str> = raw.iter().map(|e| e.id().unwrap_or(e.json())).collect();
    let distinct: HashSet<&&str> = ids.iter().collect();
    assert_eq!(distinct.len(), ids.len(), "each entry once");
    let times: Vec<DateTime<Utc>> = raw.iter().map(|e| e.time().unwrap()).collect();
    assert!(
        times.windows(2).all(|w| w[0] >= w[1]),
        "newest first, as the server sends them"
    );
    raw.len()
}

#[tokio::test]
async fn every_listing_walked_whole_through_the_faults_gives_each_entry_once() {
    let server = Demo::with(Options::new(ENTRIES, INSIGHTS)).await.unwrap();
    let client = client_for(server.base_url());
    let day = |text: &str| -> TimeBound { text.parse().unwrap() };
    let (since, before) = (day("2026-11-01"), day("2026-12-01"));
    let source = demo_v2::HISTORY_ENTRY;
    let (entry, time) = (demo_v2::entry_id(source), demo_v2::v2_time(source));
    // The entries of the resource the source entry changed: every RESOURCES-th.
    let history = (0..ENTRIES)
        .filter(|i| i % demo_v2::RESOURCES == source % demo_v2::RESOURCES)
        .count();
    let issue = demo::issue_of(2, demo::INSIGHTS);
    let of_issue = (0..INSIGHTS).filter(|&i| demo::issue_of(i, demo::INSIGHTS) == issue);
    let zone = || InsightsScope::Zone(ZONE.into());
    let account = || InsightsScope::Account(ACCOUNT.into());

    let walked = [
        (
            "account",
            walk(client.account_audit_logs(ACCOUNT).per_page(40)).await,
            ENTRIES,
        ),
        (
            "user",
            walk(client.user_audit_logs().per_page(40)).await,
            ENTRIES,
        ),
        (
            "insights of a zone",
            walk(client.insights_audit_log(zone()).per_page(40)).await,
            INSIGHTS,
        ),
        (
            "insights of an account",
            walk(client.insights_audit_log(account()).per_page(40)).await,
            INSIGHTS,
        ),
        (
            "an insight of a zone",
            walk(client.insight_audit_log(zone(), &issue).per_page(10)).await,
            of_issue.clone().count(),
        ),
        (
            "an insight of an account",
            walk(client.insight_audit_log(account(), &issue).per_page(10)).await,
            of_issue.count(),
        ),
        (
            "v2 of an account",
            walk(
                client
                    .account_audit_logs_v2(ACCOUNT, since, before)
                    .limit(40),
            )
            .await,
            ENTRIES,
        ),
        (
            "v2 of an organization",
            walk(
                client
                    .organization_audit_logs_v2(ORGANIZATION, since, before)
                    .limit(40),
            )
            .await,
            ENTRIES,
        ),
        (
            "history in an account",
            walk(
                client
                    .account_audit_log_history(ACCOUNT, &entry, time)
                    .since(since)
                    .before(before)
                    .limit(10),
            )
            .await,
            history,
        ),
        (
            "history in an organization",
            walk(
                client
                    .organization_audit_log_history(ORGANIZATION, &entry, time)
                    .since(since)
                    .before(before)
                    .limit(10),
            )
            .await,
            history,
        ),
        (
            "access",
            walk(client.access_authentication_logs(ACCOUNT).per_page(25)).await,
            demo::access::ACCESS_EVENTS,
        ),
        (
            "scim",
            walk(
                client
                    .access_scim_update_logs(ACCOUNT, IDPS[0])
                    .idp_id(IDPS[1])
                    .per_page(25),
            )
            .await,
            demo::access::SCIM_UPDATES,
        ),
    ];
    for (log, got, expected) in walked {
        assert_eq!(got, expected, "{log}: every entry");
    }
    let categories = client
        .account_audit_log_product_categories(ACCOUNT)
        .send()
        .await
        .unwrap();
    assert!(!categories.is_empty(), "product categories are listed");
    assert_eq!(server.faults_left(), 0, "every injected fault was served");
}
