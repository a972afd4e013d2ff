//! Pages in flight of the account audit logs: exactly total_pages when reported, at most
//! k - 1 wasted without it, errors after every earlier entry, and a 400 past the end.

use crate::account_pagination::page_mock;
use crate::common;

use common::*;
use futures::TryStreamExt;
use httpmock::prelude::*;
use serde_json::json;

#[tokio::test]
async fn pages_in_flight_fetch_exactly_total_pages_when_the_server_reports_it() {
    let server = MockServer::start_async().await;
    let info = |page: u64| json!({"page": page, "per_page": 2, "total_pages": 9});
    let mut mocks = Vec::new();
    for page in 1..=9u64 {
        let from = (page as usize - 1) * 2;
        mocks.push(
            page_mock(
                &server,
                page,
                envelope(audit_logs(from, from + 2), Some(info(page))),
            )
            .await,
        );
    }
    let beyond = page_mock(&server, 10, envelope(audit_logs(18, 20), Some(info(10)))).await;
    let entries: Vec<_> = client(&server)
        .account_audit_logs(ACCOUNT)
        .per_page(2)
        .concurrency(4)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(numbers_of_logs(&entries), (0..18).collect::<Vec<_>>());
    for mock in &mocks {
        mock.assert_calls_async(1).await;
    }
    beyond.assert_calls_async(0).await;
}

#[tokio::test]
async fn pages_in_flight_without_total_pages_stop_at_the_short_page_wasting_under_k() {
    for k in [1usize, 2, 4, 8] {
        let server = MockServer::start_async().await;
        let info = json!({"per_page": 2});
        let mut mocks = Vec::new();
        for page in 1..=12u64 {
            let from = (page as usize - 1) * 2;
            // Page 6 is short: the listing ends there.
            let body = match page {
                ..6 => envelope(audit_logs(from, from + 2), Some(info.clone())),
                6 => envelope(audit_logs(from, from + 1), Some(info.clone())),
                _ => envelope(vec![], Some(info.clone())),
            };
            mocks.push(page_mock(&server, page, body).await);
        }
        let entries: Vec<_> = client(&server)
            .account_audit_logs(ACCOUNT)
            .per_page(2)
            .concurrency(k)
            .stream()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(
            numbers_of_logs(&entries),
            (0..11).collect::<Vec<_>>(),
            "k = {k}"
        );
        // Pages asked for. A page fetched ahead and then cancelled is now and then seen twice
        // by the server (the HTTP connection pool repeats a request cut off by the cancel; our
        // own retries log every retry, and none happen here). That is not a page fetched
        // ahead twice, and it is harmless for a GET.
        let mut asked = 0;
        for mock in &mocks {
            asked += usize::from(mock.calls_async().await > 0);
        }
        assert!(
            (6..6 + k).contains(&asked),
            "{asked} pages asked for with k = {k}"
        );
    }
}

#[tokio::test]
async fn an_error_mid_run_with_pages_in_flight_comes_after_every_earlier_entry() {
    let server = MockServer::start_async().await;
    let info = json!({"per_page": 2});
    for page in [1u64, 2, 4, 5] {
        let from = (page as usize - 1) * 2;
        page_mock(
            &server,
            page,
            envelope(audit_logs(from, from + 2), Some(info.clone())),
        )
        .await;
    }
    server
        .mock_async(|when, then| {
            when.path(ACCOUNT_PATH).query_param("page", "3");
            then.status(403).json_body(json!({"success": false, "errors": [{"code": 10000, "message": "no"}], "messages": []}));
        })
        .await;
    let mut stream = client(&server)
        .account_audit_logs(ACCOUNT)
        .concurrency(4)
        .stream();
    let (seen, error) = until_error(&mut stream).await;
    assert_eq!(numbers_of_logs(&seen), vec![0, 1, 2, 3]);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(403));
    assert!(stream.try_next().await.unwrap().is_none());
}

/// Answers every page above `from` with HTTP 400, as one integration reports the live API
/// does past the end of the log.
async fn refuse_from(server: &MockServer, from: u64) {
    for page in from..from + 8 {
        server
            .mock_async(|when, then| {
                when.method(GET)
                    .path(ACCOUNT_PATH)
                    .query_param("page", page.to_string());
                then.status(400).json_body(json!({
                    "success": false, "errors": [{"code": 1001, "message": "page out of range"}],
                    "messages": [], "result": null
                }));
            })
            .await;
    }
}

#[tokio::test]
async fn a_400_past_the_end_ends_the_listing_with_every_entry() {
    // Four entries at two a page: the stream cannot know page 2 is the last, asks for page 3,
    // and the server answers 400. With pages fetched ahead, several meet it.
    for concurrency in [1, 4] {
        let server = MockServer::start_async().await;
        let info = Some(json!({"per_page": 2}));
        page_mock(&server, 1, envelope(audit_logs(0, 2), info.clone())).await;
        page_mock(&server, 2, envelope(audit_logs(2, 4), info.clone())).await;
        refuse_from(&server, 3).await;
        let entries: Vec<_> = client(&server)
            .account_audit_logs(ACCOUNT)
            .per_page(2)
            .concurrency(concurrency)
            .stream()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(
            numbers_of_logs(&entries),
            vec![0, 1, 2, 3],
            "k = {concurrency}"
        );
    }
}

#[tokio::test]
async fn a_400_on_the_first_page_or_a_page_known_to_exist_stays_an_error() {
    // The first page.
    let server = MockServer::start_async().await;
    refuse_from(&server, 1).await;
    let error = client(&server)
        .account_audit_logs(ACCOUNT)
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400), "{error}");
    // The first page of a run that starts later (a resumed run, or `.page(n)`).
    let error = client(&server)
        .account_audit_logs(ACCOUNT)
        .page(3)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400), "{error}");

    // A page within the `total_pages` the server reported.
    let server = MockServer::start_async().await;
    let info = json!({"per_page": 2, "total_pages": 3, "total_count": 6});
    page_mock(&server, 1, envelope(audit_logs(0, 2), Some(info))).await;
    refuse_from(&server, 2).await;
    let mut stream = client(&server).account_audit_logs(ACCOUNT).stream();
    let (seen, error) = until_error(&mut stream).await;
    assert_eq!(numbers_of_logs(&seen), vec![0, 1]);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400), "{error}");
}
