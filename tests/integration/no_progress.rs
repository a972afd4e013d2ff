//! Servers that never advance: every page a new position (page number or cursor), every page
//! the same entries. Each listing kind ends with `PaginationError::NoProgress` after a few
//! requests, having yielded each entry once, instead of paging forever.

use crate::common;

use chrono::{TimeZone, Utc};
use cloudflare_audit_logs::{Error, InsightsScope, PaginationError};
use common::scripted::{Reply, Scripted};
use common::*;
use serde_json::json;

/// Drives `stream` to its end; returns the IDs it yielded and the error it ended with.
async fn ids_until_error<T>(
    stream: impl futures::Stream<Item = Result<T, Error>> + Unpin,
    id: impl Fn(&T) -> String,
) -> (Vec<String>, Error) {
    let mut stream = stream;
    let (entries, error) = until_error(&mut stream).await;
    (entries.iter().map(id).collect(), error)
}

fn assert_no_progress(error: &Error, pages: u32) {
    assert!(
        matches!(error, Error::Pagination(PaginationError::NoProgress { pages: p }) if *p == pages),
        "{error}"
    );
}

#[tokio::test]
async fn page_numbers_that_always_bring_the_same_entries_end_the_run() {
    // Pages 1, 2, 3, … each hold the same five entries, and claim 10^12 pages.
    let server = Scripted::start(|_| {
        Reply::json(
            200,
            &envelope(
                audit_logs(0, 5),
                Some(json!({"page": 1, "per_page": 5, "count": 5, "total_count": 5_000_000_000_000_u64, "total_pages": 1_000_000_000_000_u64})),
            ),
        )
    })
    .await
        .expect("the scripted server starts");
    let client = client_for(server.base_url());
    let request = client
        .account_audit_logs(ACCOUNT)
        .per_page(5)
        .concurrency(4);
    let (ids, error) = ids_until_error(request.stream(), |e| e.id.clone().unwrap()).await;
    assert_no_progress(&error, 5);
    assert_eq!(ids.len(), 5, "each entry once: {ids:?}");
    // The first page, five without progress, and what was in flight: a handful, not 10^12.
    let requests = server.requests().len();
    assert!((6..=10).contains(&requests), "{requests} requests");

    // Configurable: two pages without progress are enough.
    let before = server.requests().len();
    let request = client
        .user_audit_logs()
        .per_page(5)
        .concurrency(1)
        .max_pages_without_progress(2);
    let (_, error) = ids_until_error(request.stream(), |e| e.id.clone().unwrap()).await;
    assert_no_progress(&error, 2);
    assert_eq!(server.requests().len() - before, 3);
}

#[tokio::test]
async fn cursors_that_always_bring_the_same_entry_end_the_run() {
    // A new cursor on every page, and the same entry.
    let server = Scripted::start(|request| {
        let next = format!("c{}", request.index + 1);
        Reply::json(
            200,
            &envelope(
                insights(7, 8),
                Some(json!({"count": 1, "per_page": 1, "cursor": next})),
            ),
        )
    })
    .await
    .expect("the scripted server starts");
    let client = client_for(server.base_url());
    let request = client.insights_audit_log(InsightsScope::Zone(ZONE.into()));
    let (ids, error) = ids_until_error(request.stream(), |e| e.id.unwrap().to_string()).await;
    assert_no_progress(&error, 5);
    assert_eq!(ids.len(), 1);
    assert_eq!(server.requests().len(), 6);
}

#[tokio::test]
async fn v2_cursors_that_cycle_over_old_entries_end_the_run() {
    // Two pages of real progress, then pages that cycle over entries already sent, and empty
    // pages, each with a new `cursors.after`.
    let server = Scripted::start(|request| {
        let n = request.index;
        let entries = match n {
            0 => vec![audit_log_v2(0), audit_log_v2(1)],
            1 => vec![audit_log_v2(2)],
            n if n % 3 == 0 => vec![],
            n => vec![audit_log_v2(n % 3)],
        };
        Reply::json(
            200,
            &json!({"success": true, "errors": [], "result": entries,
                    "result_info": {"count": 1, "cursors": {"after": format!("a{n}")}}}),
        )
    })
    .await
    .expect("the scripted server starts");
    let client = client_for(server.base_url());
    let since = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let before = Utc.with_ymd_and_hms(2026, 2, 1, 0, 0, 0).unwrap();
    let request = client.account_audit_logs_v2(ACCOUNT, since, before);
    let (ids, error) = ids_until_error(request.stream(), |e| e.id.clone().unwrap()).await;
    assert_no_progress(&error, 5);
    assert_eq!(ids.len(), 3, "each entry once: {ids:?}");
    assert_eq!(server.requests().len(), 7);
}
