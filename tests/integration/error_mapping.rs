//! Error answers become errors that keep the status, Cloudflare's codes and messages, the
//! `cf-ray` header and the raw body, whatever the body looks like.

use crate::common;

use cloudflare_audit_logs::{Error, InsightsScope};
use common::*;
use futures::TryStreamExt;
use httpmock::prelude::*;
use serde_json::json;

fn failure(code: u64, message: &str) -> serde_json::Value {
    json!({
        "success": false,
        "errors": [{"code": code, "message": message,
                    "documentation_url": "https://developers.cloudflare.com/api/",
                    "source": {"pointer": "/per_page"}}],
        "messages": [],
        "result": null
    })
}

const _: () = {
    const fn assert_error_traits<T: std::error::Error + Send + Sync + 'static>() {}
    assert_error_traits::<Error>();
};

#[tokio::test]
async fn envelope_errors_keep_status_code_message_and_ray() {
    let cases = [
        (400, 10001, "per_page must be at most 1000"),
        (401, 10000, "Authentication error"),
        (403, 10000, "Authentication error"),
        (404, 7003, "Could not route to /accounts/x/audit_logs"),
        (
            429,
            971,
            "Please wait and consider throttling your request speed",
        ),
        (500, 10002, "An unknown error has occurred"),
    ];
    for (status, code, message) in cases {
        let server = MockServer::start_async().await;
        server
            .mock_async(|when, then| {
                when.path(ACCOUNT_PATH);
                then.status(status)
                    .header("cf-ray", "8f1e2d3c4b5a6978-LHR")
                    .json_body(failure(code, message));
            })
            .await;
        let err = client(&server)
            .account_audit_logs(ACCOUNT)
            .send()
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(err.cf_ray(), Some("8f1e2d3c4b5a6978-LHR"));
        let api = err
            .as_api()
            .unwrap_or_else(|| panic!("{status}: not an API error: {err}"));
        assert_eq!(api.errors().len(), 1);
        assert_eq!(api.errors()[0].code, code as i64);
        assert_eq!(api.errors()[0].message, message);
        assert_eq!(
            api.errors()[0].source.as_ref().unwrap().pointer.as_deref(),
            Some("/per_page")
        );
        assert!(String::from_utf8_lossy(api.body()).contains(message));
        let text = err.to_string();
        assert!(
            text.contains(&status.to_string()) && text.contains(message),
            "{text}"
        );
        assert!(text.contains("8f1e2d3c4b5a6978-LHR"), "{text}");
        assert_eq!(
            err.is_retryable(),
            status == 429 || status == 500,
            "{status}"
        );
    }
}

#[tokio::test]
async fn html_from_a_proxy_keeps_its_status() {
    for status in [502, 503, 403] {
        let server = MockServer::start_async().await;
        let html =
            "<html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>";
        server
            .mock_async(|when, then| {
                when.path(INSIGHTS_ZONE_PATH);
                then.status(status)
                    .header("content-type", "text/html")
                    .body(html);
            })
            .await;
        let err = client(&server)
            .insights_audit_log(InsightsScope::Zone(ZONE.into()))
            .stream()
            .try_collect::<Vec<_>>()
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{err}");
        let api = err.as_api().expect("an API error");
        assert!(api.errors().is_empty());
        assert_eq!(api.body(), html.as_bytes());
        assert!(err.to_string().contains("Bad Gateway"), "{err}");
    }
}

#[tokio::test]
async fn an_error_status_with_an_empty_body_keeps_its_status() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path(ACCOUNT_PATH);
            then.status(404);
        })
        .await;
    let err = client(&server)
        .account_audit_logs(ACCOUNT)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404), "{err}");
}

#[tokio::test]
async fn success_false_in_a_200_is_an_api_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path(INSIGHTS_ACCOUNT_PATH);
            then.status(200)
                .json_body(failure(1003, "Invalid or missing zone id"));
        })
        .await;
    let err = client(&server)
        .insights_audit_log(InsightsScope::Account(ACCOUNT.into()))
        .send()
        .await
        .unwrap_err();
    let api = err.as_api().expect("an API error");
    assert_eq!(api.status(), 200);
    assert_eq!(api.errors()[0].code, 1003);
    assert!(err.to_string().contains("Invalid or missing zone id"));
}

#[tokio::test]
async fn a_body_that_does_not_decode_is_a_decode_error_with_a_snippet() {
    let server = MockServer::start_async().await;
    let truncated =
        r#"{"success":true,"errors":[],"messages":[],"result":[{"id":"abc","when":"2026-01"#;
    server
        .mock_async(|when, then| {
            when.path(ACCOUNT_PATH);
            then.status(200).body(truncated);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path(INSIGHTS_ZONE_PATH);
            then.status(200)
                .json_body(envelope(vec![json!({"id": "not-a-uuid"})], None));
        })
        .await;
    let client = client(&server);

    let err = client.account_audit_logs(ACCOUNT).send().await.unwrap_err();
    let Error::Decode(decode) = &err else {
        panic!("not a decode error: {err}")
    };
    assert_eq!(decode.status(), 200);
    assert!(decode.snippet().starts_with(r#"{"success":true"#));
    assert!(std::error::Error::source(decode.as_ref()).is_some());

    let err = client
        .insights_audit_log(InsightsScope::Zone(ZONE.into()))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err}");
    assert!(err.to_string().contains("not-a-uuid"), "{err}");
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let base = format!("http://127.0.0.1:{port}/client/v4");
    let client = cloudflare_audit_logs::Client::builder()
        .credentials(cloudflare_audit_logs::Credentials::api_token(TOKEN))
        .base_url(base.as_str())
        .retry_policy(cloudflare_audit_logs::RetryPolicy::none())
        .build()
        .unwrap();
    let err = client.account_audit_logs(ACCOUNT).send().await.unwrap_err();
    assert!(matches!(err, Error::Transport { attempts: 1, .. }), "{err}");
    assert!(err.is_retryable());
    assert!(!err.to_string().contains(TOKEN));

    // With retries, every attempt is counted.
    let err = client_for(base)
        .account_audit_logs(ACCOUNT)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { attempts: 6, .. }), "{err}");
}
