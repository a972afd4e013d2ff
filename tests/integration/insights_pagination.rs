//! Cursor iteration of the insights audit log: every end form, empty pages mid-stream,
//! repeated cursors, both scopes and resuming.

use crate::common;

use cloudflare_audit_logs::{Error, InsightsScope, PaginationError, ResumeToken};
use common::*;
use futures::TryStreamExt;
use httpmock::prelude::*;
use serde_json::{Value, json};

/// Serves `body` at `path` for the request carrying `cursor` (or none).
async fn cursor_mock<'a>(
    server: &'a MockServer,
    path: &str,
    cursor: Option<&str>,
    body: Value,
) -> httpmock::Mock<'a> {
    server
        .mock_async(|when, then| {
            let when = when.method(GET).path(path);
            match cursor {
                Some(c) => when.query_param("cursor", c),
                None => when.query_param_missing("cursor"),
            };
            then.status(200).json_body(body);
        })
        .await
}

/// Serves one page per `(cursor, body)`, in order: the first for the request without a cursor.
async fn chain<'a, const N: usize>(
    server: &'a MockServer,
    path: &str,
    pages: [(Option<&str>, Value); N],
) -> [httpmock::Mock<'a>; N] {
    let mut mocks = Vec::with_capacity(pages.len());
    for (cursor, body) in pages {
        mocks.push(cursor_mock(server, path, cursor, body).await);
    }
    mocks
        .try_into()
        .unwrap_or_else(|m: Vec<_>| panic!("{} pages, {N} expected", m.len()))
}

fn info(cursor: Value) -> Option<Value> {
    Some(json!({"count": 2, "per_page": 2, "cursor": cursor}))
}

#[tokio::test]
async fn follows_cursors_to_the_end_in_every_end_form() {
    let end_forms: [(&str, Option<Value>); 4] = [
        ("cursor absent", Some(json!({"count": 1, "per_page": 2}))),
        ("cursor null", info(Value::Null)),
        ("cursor empty", info(json!(""))),
        ("result_info absent", None),
    ];
    for (form, last_info) in end_forms {
        let server = MockServer::start_async().await;
        let [p1, p2, p3] = chain(
            &server,
            INSIGHTS_ZONE_PATH,
            [
                (None, envelope(insights(0, 2), info(json!("c1")))),
                (Some("c1"), envelope(insights(2, 4), info(json!("c2")))),
                (Some("c2"), envelope(insights(4, 5), last_info)),
            ],
        )
        .await;
        let entries: Vec<_> = client(&server)
            .insights_audit_log(InsightsScope::Zone(ZONE.into()))
            .per_page(2)
            .stream()
            .try_collect()
            .await
            .unwrap_or_else(|e| panic!("{form}: {e}"));
        assert_eq!(numbers_of_insights(&entries), vec![0, 1, 2, 3, 4], "{form}");
        for mock in [&p1, &p2, &p3] {
            mock.assert_calls_async(1).await;
        }
    }
}

#[tokio::test]
async fn an_empty_page_that_still_carries_a_cursor_does_not_end_the_stream() {
    let server = MockServer::start_async().await;
    chain(
        &server,
        INSIGHTS_ACCOUNT_PATH,
        [
            (None, envelope(insights(0, 2), info(json!("c1")))),
            (Some("c1"), envelope(vec![], info(json!("c2")))),
            (Some("c2"), envelope(insights(2, 3), None)),
        ],
    )
    .await;
    let pages: Vec<_> = client(&server)
        .insights_audit_log(InsightsScope::Account(ACCOUNT.into()))
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        pages.iter().map(|p| p.entries.len()).collect::<Vec<_>>(),
        vec![2, 0, 1]
    );
    let token = pages[1].next.as_ref().expect("a token");
    assert_eq!(token.cursor(), Some("c2"));
    assert_eq!(token.listing(), Some("insights_audit_log"));
    assert!(pages[2].is_last());
}

#[tokio::test]
async fn a_repeated_cursor_ends_with_an_error_after_every_entry_once() {
    let server = MockServer::start_async().await;
    let [first, p2, p3] = chain(
        &server,
        INSIGHTS_ZONE_PATH,
        [
            (None, envelope(insights(0, 2), info(json!("c1")))),
            (Some("c1"), envelope(insights(2, 4), info(json!("c2")))),
            // The server points back to c1.
            (Some("c2"), envelope(insights(4, 6), info(json!("c1")))),
        ],
    )
    .await;

    let mut stream = client(&server)
        .insights_audit_log(InsightsScope::Zone(ZONE.into()))
        .stream();
    let (seen, error) = until_error(&mut stream).await;
    assert_eq!(numbers_of_insights(&seen), (0..6).collect::<Vec<_>>());
    assert!(
        matches!(error, Error::Pagination(PaginationError::RepeatedPosition)),
        "{error}"
    );
    assert!(
        stream.try_next().await.unwrap().is_none(),
        "the stream ends after the error"
    );
    first.assert_calls_async(1).await;
    p2.assert_calls_async(1).await;
    p3.assert_calls_async(1).await;
}

#[tokio::test]
async fn resumes_from_a_saved_cursor_token() {
    let server = MockServer::start_async().await;
    chain(
        &server,
        INSIGHTS_ZONE_PATH,
        [
            (None, envelope(insights(0, 2), info(json!("c1")))),
            (Some("c1"), envelope(insights(2, 4), info(json!("c2")))),
            (Some("c2"), envelope(insights(4, 5), None)),
        ],
    )
    .await;
    let client = client(&server);

    let first = client
        .insights_audit_log(InsightsScope::Zone(ZONE.into()))
        .send()
        .await
        .unwrap();
    let saved = serde_json::to_string(&first.next.clone().expect("more")).unwrap();
    let token: ResumeToken = serde_json::from_str(&saved).unwrap();
    let rest: Vec<_> = client
        .insights_audit_log(InsightsScope::Zone(ZONE.into()))
        .resume(token)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let mut all = first.entries;
    all.extend(rest);
    assert_eq!(numbers_of_insights(&all), vec![0, 1, 2, 3, 4]);

    let wrong = client
        .insights_audit_log(InsightsScope::Zone(ZONE.into()))
        .resume(
            // A page token as an older version saved it: no listing, no filters.
            serde_json::from_str::<ResumeToken>(
                r#"{"kind":"page","page":2,"before":"2026-01-01"}"#,
            )
            .unwrap(),
        )
        .send()
        .await
        .unwrap_err();
    assert!(matches!(wrong, Error::InvalidInput(_)), "{wrong}");
}

#[tokio::test]
async fn an_entry_repeated_across_a_cursor_boundary_is_yielded_once() {
    let server = MockServer::start_async().await;
    chain(
        &server,
        INSIGHTS_ZONE_PATH,
        [
            (None, envelope(insights(0, 3), info(json!("c1")))),
            (Some("c1"), envelope(insights(2, 5), None)),
        ],
    )
    .await;
    let entries: Vec<_> = client(&server)
        .insights_audit_log(InsightsScope::Zone(ZONE.into()))
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(numbers_of_insights(&entries), vec![0, 1, 2, 3, 4]);
}
