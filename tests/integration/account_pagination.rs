//! Page-number iteration of the account audit logs: every end form, capped pages, a live log,
//! boundary repeats, resuming, and input checks.

use crate::common;

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use cloudflare_audit_logs::{Error, PaginationError, ResumeToken, TimeBound};
use common::*;
use futures::TryStreamExt;
use httpmock::prelude::*;
use serde_json::{Value, json};

/// Serves `body` for page `page` of the account audit logs.
pub(crate) async fn page_mock<'a>(
    server: &'a MockServer,
    page: u64,
    body: Value,
) -> httpmock::Mock<'a> {
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path(ACCOUNT_PATH)
                .query_param("page", page.to_string());
            then.status(200).json_body(body);
        })
        .await
}

#[tokio::test]
async fn ends_at_total_pages_without_asking_for_more() {
    let server = MockServer::start_async().await;
    let info = |page: u64| json!({"page": page, "per_page": 2, "count": 2, "total_count": 6, "total_pages": 3});
    let p1 = page_mock(&server, 1, envelope(audit_logs(0, 2), Some(info(1)))).await;
    let p2 = page_mock(&server, 2, envelope(audit_logs(2, 4), Some(info(2)))).await;
    let p3 = page_mock(&server, 3, envelope(audit_logs(4, 6), Some(info(3)))).await;
    let p4 = page_mock(&server, 4, envelope(audit_logs(6, 8), Some(info(4)))).await;

    let entries: Vec<_> = client(&server)
        .account_audit_logs(ACCOUNT)
        .per_page(2)
        .stream()
        .try_collect()
        .await
        .expect("three pages");
    assert_eq!(numbers_of_logs(&entries), vec![0, 1, 2, 3, 4, 5]);
    for mock in [&p1, &p2, &p3] {
        mock.assert_calls_async(1).await;
    }
    p4.assert_calls_async(0).await;
}

#[tokio::test]
async fn ends_at_a_page_shorter_than_the_per_page_the_server_reports() {
    let server = MockServer::start_async().await;
    let info = json!({"per_page": 3});
    let p1 = page_mock(&server, 1, envelope(audit_logs(0, 3), Some(info.clone()))).await;
    let p2 = page_mock(&server, 2, envelope(audit_logs(3, 6), Some(info.clone()))).await;
    let p3 = page_mock(&server, 3, envelope(audit_logs(6, 7), Some(info.clone()))).await;
    let p4 = page_mock(&server, 4, envelope(vec![], Some(info))).await;

    // One page at a time: nothing is fetched past the short page.
    let pages: Vec<_> = client(&server)
        .account_audit_logs(ACCOUNT)
        .concurrency(1)
        .pages()
        .try_collect()
        .await
        .expect("three pages");
    assert_eq!(
        pages.iter().map(|p| p.entries.len()).collect::<Vec<_>>(),
        vec![3, 3, 1]
    );
    assert!(pages[2].is_last());
    assert!(!pages[0].is_last());
    for mock in [&p1, &p2, &p3] {
        mock.assert_calls_async(1).await;
    }
    p4.assert_calls_async(0).await;
}

#[tokio::test]
async fn without_result_info_ends_on_the_first_empty_page() {
    let server = MockServer::start_async().await;
    let p1 = page_mock(&server, 1, envelope(audit_logs(0, 3), None)).await;
    let p2 = page_mock(&server, 2, envelope(audit_logs(3, 6), None)).await;
    let p3 = page_mock(&server, 3, envelope(audit_logs(6, 7), None)).await;
    let p4 = page_mock(
        &server,
        4,
        json!({"success": true, "errors": [], "messages": [], "result": null}),
    )
    .await;
    let p5 = page_mock(&server, 5, envelope(audit_logs(7, 8), None)).await;

    let entries: Vec<_> = client(&server)
        .account_audit_logs(ACCOUNT)
        .per_page(3)
        .concurrency(1)
        .stream()
        .try_collect()
        .await
        .expect("pages until an empty one");
    assert_eq!(numbers_of_logs(&entries), (0..7).collect::<Vec<_>>());
    for mock in [&p1, &p2, &p3, &p4] {
        mock.assert_calls_async(1).await;
    }
    p5.assert_calls_async(0).await;
}

#[tokio::test]
async fn a_server_that_caps_per_page_below_the_request_does_not_end_the_run_early() {
    // Asked for 1000, the server serves 2 a page and says so in result_info.
    let server = MockServer::start_async().await;
    let info = json!({"per_page": 2});
    page_mock(&server, 1, envelope(audit_logs(0, 2), Some(info.clone()))).await;
    page_mock(&server, 2, envelope(audit_logs(2, 4), Some(info.clone()))).await;
    page_mock(&server, 3, envelope(audit_logs(4, 5), Some(info))).await;
    let entries: Vec<_> = client(&server)
        .account_audit_logs(ACCOUNT)
        .per_page(1000)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(numbers_of_logs(&entries), vec![0, 1, 2, 3, 4]);

    // The same server saying nothing about its page size: only an empty page ends the run.
    let server = MockServer::start_async().await;
    page_mock(&server, 1, envelope(audit_logs(0, 2), None)).await;
    page_mock(&server, 2, envelope(audit_logs(2, 4), None)).await;
    let last = page_mock(&server, 3, envelope(vec![], None)).await;
    let entries: Vec<_> = client(&server)
        .account_audit_logs(ACCOUNT)
        .per_page(1000)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(numbers_of_logs(&entries), vec![0, 1, 2, 3]);
    last.assert_calls_async(1).await;
}

/// A live log, newest first: entries 100 and 101 arrive after the run started, so a server
/// asked without `before` would shift page 2 by two entries. With `before` it does not.
#[tokio::test]
async fn entries_arriving_mid_run_neither_shift_nor_repeat_pages() {
    let server = MockServer::start_async().await;
    let started = Utc::now();
    let seen_before: Arc<Mutex<Vec<String>>> = Arc::default();
    let record = {
        let seen = seen_before.clone();
        move |req: &HttpMockRequest| {
            let before = req.query_params().into_iter().find(|(k, _)| k == "before");
            if let Some((_, v)) = before {
                seen.lock().unwrap().push(v);
            }
            true
        }
    };
    // Newest first: 9, 8, 7 | 6, 5, 4 | 3, 2, 1 | 0
    let desc = |from: usize, to: usize| (from..to).rev().map(audit_log).collect::<Vec<_>>();
    server
        .mock_async(|when, then| {
            when.path(ACCOUNT_PATH)
                .query_param("page", "1")
                .is_true(record.clone());
            then.status(200).json_body(envelope(desc(7, 10), None));
        })
        .await;
    for (page, from, to) in [(2, 4, 7), (3, 1, 4), (4, 0, 1)] {
        // With `before`, the pages the run started with.
        server
            .mock_async(|when, then| {
                when.path(ACCOUNT_PATH)
                    .query_param("page", page.to_string())
                    .query_param_exists("before")
                    .is_true(record.clone());
                then.status(200).json_body(envelope(desc(from, to), None));
            })
            .await;
        // Without it, the live log: two new entries push everything two places on.
        server
            .mock_async(|when, then| {
                when.path(ACCOUNT_PATH)
                    .query_param("page", page.to_string())
                    .query_param_missing("before");
                then.status(200)
                    .json_body(envelope(desc(from + 2, to + 2), None));
            })
            .await;
    }
    page_mock(&server, 5, envelope(vec![], None)).await;

    let entries: Vec<_> = client(&server)
        .account_audit_logs(ACCOUNT)
        .per_page(3)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(numbers_of_logs(&entries), (0..10).rev().collect::<Vec<_>>());

    let seen = seen_before.lock().unwrap().clone();
    assert_eq!(
        seen.len(),
        4,
        "every non-empty page carried `before`: {seen:?}"
    );
    assert!(
        seen.iter().all(|b| *b == seen[0]),
        "one pinned value: {seen:?}"
    );
    let pinned: DateTime<Utc> = seen[0].parse().expect("RFC 3339");
    assert!(pinned >= started && pinned <= Utc::now() + chrono::Duration::seconds(1));
    assert!(!seen[0].contains('.'), "whole seconds: {}", seen[0]);
}

#[tokio::test]
async fn an_entry_repeated_at_a_page_boundary_is_yielded_once() {
    let server = MockServer::start_async().await;
    page_mock(&server, 1, envelope(audit_logs(0, 3), None)).await;
    page_mock(&server, 2, envelope(audit_logs(2, 5), None)).await;
    page_mock(&server, 3, envelope(audit_logs(5, 6), None)).await;
    page_mock(&server, 4, envelope(vec![], None)).await;
    let entries: Vec<_> = client(&server)
        .account_audit_logs(ACCOUNT)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(numbers_of_logs(&entries), vec![0, 1, 2, 3, 4, 5]);
}

#[tokio::test]
async fn resumes_from_a_saved_token_with_the_same_pinned_before() {
    let server = MockServer::start_async().await;
    let before = "2026-05-01T12:00:00Z";
    for (page, from, to) in [(1, 0, 2), (2, 2, 4), (3, 4, 5)] {
        server
            .mock_async(|when, then| {
                when.path(ACCOUNT_PATH)
                    .query_param("page", page.to_string())
                    .query_param("before", before)
                    .query_param("actor.email", "a@example.com");
                then.status(200)
                    .json_body(envelope(audit_logs(from, to), Some(json!({"per_page": 2}))));
            })
            .await;
    }
    let client = client(&server);
    let request = client
        .account_audit_logs(ACCOUNT)
        .actor_email("a@example.com")
        .before(before.parse::<TimeBound>().unwrap());

    // A first run stops after one page and saves where it was.
    let mut pages = request.clone().pages();
    let first = pages.try_next().await.unwrap().expect("a first page");
    drop(pages);
    let saved = serde_json::to_string(&first.next).unwrap();
    // The digest is of the filters' JSON text: the same in every process and version.
    assert_eq!(
        saved,
        r#"{"kind":"page","page":2,"before":"2026-05-01T12:00:00Z","listing":"account_audit_logs","filters":"6da4273b94cbe053"}"#
    );

    // A later run picks up from the saved token.
    let token: Option<ResumeToken> = serde_json::from_str(&saved).unwrap();
    let rest: Vec<_> = request
        .resume(token.expect("more pages"))
        .stream()
        .try_collect()
        .await
        .unwrap();
    let mut all = first.entries;
    all.extend(rest);
    assert_eq!(numbers_of_logs(&all), vec![0, 1, 2, 3, 4]);
}

#[tokio::test]
async fn a_token_resumes_only_its_own_listing_filters_and_identifiers() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(envelope(vec![], None));
        })
        .await;
    let client = client(&server);
    let token: ResumeToken = serde_json::from_str(
        r#"{"kind":"page","page":2,"before":"2026-05-01T12:00:00Z","listing":"account_audit_logs","filters":"6da4273b94cbe053"}"#,
    )
    .unwrap();
    let same = || {
        client
            .account_audit_logs(ACCOUNT)
            .actor_email("a@example.com")
            .before("2026-05-01T12:00:00Z".parse::<TimeBound>().unwrap())
    };
    let refused = [
        (same().actor_email("b@example.com"), "other filters"),
        (same().action_type("add"), "other filters"),
        (same().per_page(50), "other filters"),
        (
            client
                .account_audit_logs(ZONE)
                .actor_email("a@example.com")
                .before("2026-05-01T12:00:00Z".parse::<TimeBound>().unwrap()),
            "other filters or identifiers",
        ),
    ];
    for (request, words) in refused {
        let error = request.resume(token.clone()).send().await.unwrap_err();
        assert!(
            matches!(error, Error::InvalidInput(ref m) if m.contains(words) && m.contains("6da4273b94cbe053")),
            "{error}"
        );
    }
    let error = client
        .insights_audit_log(cloudflare_audit_logs::InsightsScope::Zone(ZONE.into()))
        .resume(token.clone())
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::InvalidInput(ref m) if m.contains("account_audit_logs listing")),
        "{error}"
    );
    any.assert_calls_async(0).await;

    // The same listing, filters and account: accepted.
    same().resume(token).send().await.unwrap();
    any.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_full_1000_entry_page() {
    let server = MockServer::start_async().await;
    let info =
        json!({"page": 1, "per_page": 1000, "count": 1000, "total_count": 1000, "total_pages": 1});
    page_mock(&server, 1, envelope(audit_logs(0, 1000), Some(info))).await;
    let pages: Vec<_> = client(&server)
        .account_audit_logs(ACCOUNT)
        .per_page(1000)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].info.total_count, Some(1000));
    assert_eq!(
        numbers_of_logs(&pages[0].entries),
        (0..1000).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn entries_on_a_page_past_total_pages_are_an_error_not_a_loop() {
    let server = MockServer::start_async().await;
    page_mock(
        &server,
        5,
        envelope(audit_logs(0, 2), Some(json!({"total_pages": 3}))),
    )
    .await;
    let result: Result<Vec<_>, _> = client(&server)
        .account_audit_logs(ACCOUNT)
        .page(5)
        .stream()
        .try_collect()
        .await;
    assert!(
        matches!(
            result,
            Err(Error::Pagination(PaginationError::PastLastPage { .. }))
        ),
        "{result:?}"
    );
}

#[tokio::test]
async fn bad_page_size_page_number_or_token_is_refused_before_any_request() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.path_includes("/");
            then.status(200).json_body(envelope(vec![], None));
        })
        .await;
    let client = client(&server);
    for per_page in [0, 1001] {
        let err = client
            .account_audit_logs(ACCOUNT)
            .per_page(per_page)
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::InvalidInput(ref m) if m.contains("per_page")),
            "{err}"
        );
    }
    let err = client
        .account_audit_logs(ACCOUNT)
        .page(0)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err}");
    let err = client
        .account_audit_logs("x".repeat(33))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::InvalidInput(ref m) if m.contains("account_id")),
        "{err}"
    );
    let err = client
        .account_audit_logs(ACCOUNT)
        .resume(serde_json::from_str::<ResumeToken>(r#"{"kind":"cursor","cursor":"c"}"#).unwrap())
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err}");
    any.assert_calls_async(0).await;
}

#[tokio::test]
async fn an_optional_page_limit_stops_with_an_error_when_more_pages_follow() {
    let server = MockServer::start_async().await;
    page_mock(&server, 1, envelope(audit_logs(0, 2), None)).await;
    page_mock(&server, 2, envelope(audit_logs(2, 4), None)).await;
    let p3 = page_mock(&server, 3, envelope(audit_logs(4, 6), None)).await;
    page_mock(&server, 4, envelope(vec![], None)).await;
    let client = client(&server);

    let mut stream = client.account_audit_logs(ACCOUNT).max_pages(2).stream();
    let (seen, error) = until_error(&mut stream).await;
    assert_eq!(numbers_of_logs(&seen), vec![0, 1, 2, 3]);
    assert!(
        matches!(
            &error,
            Error::Pagination(PaginationError::PageLimit { max: 2 })
        ),
        "{error}"
    );
    p3.assert_calls_async(0).await;

    // A limit the run stays within changes nothing.
    let all: Vec<_> = client
        .account_audit_logs(ACCOUNT)
        .max_pages(4)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(numbers_of_logs(&all), (0..6).collect::<Vec<_>>());
}
