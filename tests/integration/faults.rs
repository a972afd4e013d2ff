//! Fault injection against a real local server: rate limits, server errors, resets, cut
//! bodies, slow servers and refusals. For each, every entry comes once and in order, or the
//! call ends with a typed error; never a panic or a hang.

use crate::common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use cloudflare_audit_logs::{
    Client, Credentials, Entries, Error, InsightAuditLog, InsightsScope, RateLimit, RetryPolicy,
    TimeoutKind,
};
use common::scripted::{Reply, Request, Scripted};
use common::*;
use futures::TryStreamExt;
use serde_json::json;

/// Every test must finish well within this, whatever the server does.
const BOUND: Duration = Duration::from_secs(20);

/// The insights log of a zone in three pages (entries 0..5), cursors `c1` and `c2`.
fn insights_page(request: &Request) -> Reply {
    let (entries, next) = match request.param("cursor") {
        None => (insights(0, 2), Some("c1")),
        Some("c1") => (insights(2, 4), Some("c2")),
        Some("c2") => (insights(4, 5), None),
        Some(other) => panic!("unexpected cursor {other}"),
    };
    Reply::json(
        200,
        &envelope(
            entries,
            Some(json!({"count": entries_len(next), "cursor": next})),
        ),
    )
}

fn entries_len(next: Option<&str>) -> usize {
    if next.is_some() { 2 } else { 1 }
}

/// Fails the first `failures` requests for `cursor` with `fault`, then serves the page.
fn failing(
    cursor: Option<&'static str>,
    failures: usize,
    fault: Reply,
) -> impl Fn(&Request) -> Reply {
    let count = Arc::new(AtomicUsize::new(0));
    move |request: &Request| {
        if request.param("cursor") == cursor && count.fetch_add(1, Ordering::SeqCst) < failures {
            return fault.clone();
        }
        insights_page(request)
    }
}

async fn collect(entries: Entries<InsightAuditLog>) -> Result<Vec<InsightAuditLog>, Error> {
    tokio::time::timeout(BOUND, entries.try_collect())
        .await
        .expect("the stream finished in time")
}

fn zone_log(client: &Client) -> Entries<InsightAuditLog> {
    client
        .insights_audit_log(InsightsScope::Zone(ZONE.into()))
        .per_page(2)
        .stream()
}

/// Runs the three-page export against a server that fails as told, and checks that every
/// entry comes exactly once and in order, after the expected number of requests.
async fn survives(cursor: Option<&'static str>, failures: usize, fault: Reply) {
    let server = Scripted::start(failing(cursor, failures, fault.clone()))
        .await
        .expect("the scripted server starts");
    let entries = collect(zone_log(&client_for(server.base_url())))
        .await
        .unwrap_or_else(|e| panic!("{fault:?}: {e}"));
    assert_eq!(
        numbers_of_insights(&entries),
        vec![0, 1, 2, 3, 4],
        "{fault:?}"
    );
    assert_eq!(server.requests().len(), 3 + failures, "{fault:?}");
}

#[tokio::test]
async fn rate_limits_with_and_without_retry_after_are_waited_out() {
    let envelope_429 = json!({"success": false, "errors": [{"code": 971, "message": "Please wait"}], "messages": []});
    survives(Some("c1"), 2, Reply::json(429, &envelope_429)).await;
    survives(
        Some("c1"),
        1,
        Reply::json(429, &envelope_429).with_header("retry-after", "0"),
    )
    .await;
    survives(
        None,
        1,
        Reply::json(429, &envelope_429).with_header("retry-after-ms", "30"),
    )
    .await;
    survives(
        Some("c2"),
        1,
        Reply::json(429, &envelope_429).with_header("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"),
    )
    .await;
}

#[tokio::test]
async fn retry_after_as_a_date_in_the_future_is_honoured() {
    let soon = chrono::Utc::now() + chrono::Duration::milliseconds(1500);
    let date = soon.to_rfc2822().replace("+0000", "GMT");
    let started = std::time::Instant::now();
    survives(
        Some("c1"),
        1,
        Reply::text(429, "text/plain", "slow down").with_header("retry-after", &date),
    )
    .await;
    // An HTTP date has whole seconds: the wait is at least what is left of the next one.
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_wait_beyond_the_cap_is_a_rate_limit_error_carrying_it() {
    let server = Scripted::start(failing(
        Some("c1"),
        usize::MAX,
        Reply::json(429, &json!({"success": false, "errors": [{"code": 10100, "message": "More than 1200 requests per 300 seconds"}], "messages": []}))
            .with_header("retry-after", "3600")
            .with_header("cf-ray", "7d1e-LHR"),
    ))
    .await
        .expect("the scripted server starts");
    let mut stream = zone_log(&client_for(server.base_url()));
    let (seen, error) = until_error(&mut stream).await;
    assert_eq!(
        numbers_of_insights(&seen),
        vec![0, 1],
        "the first page arrived before"
    );
    let Error::RateLimited(limited) = &error else {
        panic!("not a rate-limit error: {error}")
    };
    assert_eq!(limited.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(error.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(error.cf_ray(), Some("7d1e-LHR"));
    assert_eq!(limited.api().errors()[0].code, 10100);
    assert_eq!(
        limited.api().attempts(),
        1,
        "a wait that long is not taken, nor retried"
    );
    assert!(error.to_string().contains("3600"), "{error}");
    assert_eq!(server.requests().len(), 2);

    // A policy that allows the wait would take it; one that allows none still reports it.
    let none = Client::builder()
        .credentials(Credentials::api_token(TOKEN))
        .base_url(server.base_url())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = collect(zone_log(&none)).await.unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)), "{err}");
}

#[tokio::test]
async fn server_errors_with_html_bodies_are_retried() {
    for status in [500, 502, 503] {
        let html = format!("<html><body><h1>{status}</h1>cloudflare</body></html>");
        survives(Some("c1"), 2, Reply::text(status, "text/html", &html)).await;
    }
}

#[tokio::test]
async fn resets_closes_and_cut_bodies_are_retried() {
    let page = envelope(insights(2, 4), Some(json!({"cursor": "c2"})))
        .to_string()
        .into_bytes();
    survives(
        Some("c1"),
        1,
        Reply::ResetMidBody {
            body: page.clone(),
            sent: 40,
        },
    )
    .await;
    survives(
        Some("c1"),
        2,
        Reply::Truncated {
            status: 200,
            body: page.clone(),
            sent: page.len() / 2,
        },
    )
    .await;
    survives(None, 1, Reply::Close).await;
}

#[tokio::test]
async fn a_whole_body_of_truncated_json_is_a_decode_error_not_retried() {
    let cut = r#"{"success":true,"errors":[],"messages":[],"result":[{"id":"019b0000-0000-7000-8000-0000"#;
    let server = Scripted::start(failing(
        Some("c1"),
        usize::MAX,
        Reply::text(200, "application/json", cut),
    ))
    .await
    .expect("the scripted server starts");
    let error = collect(zone_log(&client_for(server.base_url())))
        .await
        .unwrap_err();
    let Error::Decode(decode) = &error else {
        panic!("not a decode error: {error}")
    };
    assert!(decode.snippet().starts_with(r#"{"success":true"#));
    assert_eq!(
        server.requests().len(),
        2,
        "one request for each page, no retry"
    );
}

#[tokio::test]
async fn success_false_in_a_200_is_an_error_not_retried() {
    let refused = json!({"success": false, "errors": [{"code": 1003, "message": "Invalid zone"}], "messages": []});
    let server = Scripted::start(failing(None, usize::MAX, Reply::json(200, &refused)))
        .await
        .expect("the scripted server starts");
    let error = collect(zone_log(&client_for(server.base_url())))
        .await
        .unwrap_err();
    assert_eq!(
        error.as_api().map(|a| a.errors()[0].code),
        Some(1003),
        "{error}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_server_slower_than_the_timeout_is_a_request_timeout() {
    let slow = Reply::Delayed(Duration::from_secs(5), Box::new(Reply::Close));
    let server = Scripted::start(failing(None, usize::MAX, slow))
        .await
        .expect("the scripted server starts");
    let client = Client::builder()
        .credentials(Credentials::api_token(TOKEN))
        .base_url(server.base_url())
        .timeout(Duration::from_millis(200))
        .retry_policy(fast_retries().max_retries(2))
        .build()
        .unwrap();
    let error = collect(zone_log(&client)).await.unwrap_err();
    let Error::Timeout {
        kind,
        limit,
        attempts,
    } = &error
    else {
        panic!("not a timeout: {error}")
    };
    assert_eq!(*kind, TimeoutKind::Request);
    assert_eq!(*limit, Duration::from_millis(200));
    assert_eq!(*attempts, 3);
    assert!(error.to_string().contains("request timeout"), "{error}");
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn refusals_are_not_retried() {
    for (status, code) in [(401, 10000), (403, 9109), (400, 10001), (404, 7003)] {
        let body = json!({"success": false, "errors": [{"code": code, "message": "refused"}], "messages": []});
        let server = Scripted::start(failing(None, usize::MAX, Reply::json(status, &body)))
            .await
            .expect("the scripted server starts");
        let error = collect(zone_log(&client_for(server.base_url())))
            .await
            .unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(error.as_api().map(|a| a.attempts()), Some(1));
        assert!(!error.is_retryable());
        assert_eq!(server.requests().len(), 1, "{status}");
    }
}

#[tokio::test]
async fn exhausted_retries_say_so_with_the_attempts_and_the_last_status() {
    let server = Scripted::start(failing(
        Some("c2"),
        usize::MAX,
        Reply::text(503, "text/html", "<h1>down</h1>"),
    ))
    .await
    .expect("the scripted server starts");
    let error = collect(zone_log(&client_for(server.base_url())))
        .await
        .unwrap_err();
    let api = error.as_api().expect("an API error");
    assert_eq!(api.status(), 503);
    assert_eq!(api.attempts(), 6);
    assert!(error.to_string().contains("after 6 attempts"), "{error}");
    assert_eq!(server.requests().len(), 2 + 6);
}

#[tokio::test]
async fn the_rate_limit_paces_requests_across_clones() {
    let server = Scripted::start(insights_page)
        .await
        .expect("the scripted server starts");
    let client = Client::builder()
        .credentials(Credentials::api_token(TOKEN))
        .base_url(server.base_url())
        .rate_limit(RateLimit::new(10, Duration::from_secs(1)).unwrap())
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let (a, b) = tokio::join!(
        collect(zone_log(&client)),
        collect(zone_log(&client.clone()))
    );
    assert_eq!(numbers_of_insights(&a.unwrap()), vec![0, 1, 2, 3, 4]);
    assert_eq!(numbers_of_insights(&b.unwrap()), vec![0, 1, 2, 3, 4]);
    // Six requests, one every 100 ms, from one shared budget: at least 500 ms.
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "{:?}",
        started.elapsed()
    );
    assert!(RateLimit::new(0, Duration::from_secs(1)).is_err());
    assert!(RateLimit::new(5, Duration::ZERO).is_err());
    assert_eq!(
        RateLimit::cloudflare().interval(),
        Duration::from_millis(250)
    );
}

#[tokio::test]
async fn a_failure_mid_stream_after_retries_loses_nothing() {
    // Each page fails differently once before it is served.
    let count = Arc::new(AtomicUsize::new(0));
    let server = Scripted::start(move |request: &Request| {
        let n = count.fetch_add(1, Ordering::SeqCst);
        match n {
            0 => Reply::json(
                429,
                &json!({"success": false, "errors": [], "messages": []}),
            ),
            2 => Reply::text(502, "text/html", "<h1>bad gateway</h1>"),
            4 => Reply::Close,
            _ => insights_page(request),
        }
    })
    .await
    .expect("the scripted server starts");
    let entries = collect(zone_log(&client_for(server.base_url())))
        .await
        .unwrap();
    assert_eq!(numbers_of_insights(&entries), vec![0, 1, 2, 3, 4]);
    assert_eq!(server.requests().len(), 6);
}

#[tokio::test]
async fn a_body_larger_than_the_limit_is_an_error_not_a_memory_blow_up() {
    let page = envelope(insights(0, 40), None).to_string().into_bytes();
    for (name, reply) in [
        (
            "declared length",
            Reply::json(200, &envelope(insights(0, 40), None)),
        ),
        (
            "chunked",
            Reply::Chunked {
                body: page.clone(),
                chunk: 512,
            },
        ),
    ] {
        let server = Scripted::start(move |_: &Request| reply.clone())
            .await
            .expect("the scripted server starts");
        let client = Client::builder()
            .credentials(Credentials::api_token(TOKEN))
            .base_url(server.base_url())
            .retry_policy(fast_retries())
            .max_response_bytes(4096)
            .build()
            .unwrap();
        let error = collect(zone_log(&client)).await.unwrap_err();
        assert!(
            matches!(error, Error::ResponseTooLarge { limit: 4096, .. }),
            "{name}: {error}"
        );
        assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
        assert_eq!(server.requests().len(), 1, "{name}: not retried");

        // The same answer under a limit it fits in decodes as usual.
        let roomy = client_for(server.base_url());
        assert_eq!(collect(zone_log(&roomy)).await.unwrap().len(), 40, "{name}");
    }
    assert!(page.len() > 4096);
}
