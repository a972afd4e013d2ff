//! Network failures name their cause, and what waiting cannot heal is not retried.

use std::time::{Duration, Instant};

use cloudflare_audit_logs::{Client, Credentials, Error, RetryPolicy};
use httpmock::prelude::*;

const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";

fn client(base: &str) -> Client {
    Client::builder()
        .credentials(Credentials::api_token("t"))
        .base_url(base)
        .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(1)))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_refused_connection_says_so() {
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let error = client(&format!("http://127.0.0.1:{port}/client/v4"))
        .account_audit_logs(ACCOUNT)
        .send()
        .await
        .unwrap_err();
    let Error::Transport { source, attempts } = &error else {
        panic!("{error:?}");
    };
    assert!(source.is_connect() && !source.is_tls(), "{error}");
    assert!(attempts > &1, "a refused connection may heal: retried");
    assert!(
        error.to_string().to_lowercase().contains("refused"),
        "{error}"
    );
}

#[tokio::test]
async fn https_to_a_plain_http_server_fails_at_once_as_tls() {
    let server = MockServer::start_async().await;
    let base = server.url("/client/v4").replace("http://", "https://");
    let started = Instant::now();
    let error = client(&base)
        .account_audit_logs(ACCOUNT)
        .send()
        .await
        .unwrap_err();
    let Error::Transport { source, attempts } = &error else {
        panic!("{error:?}");
    };
    assert!(source.is_tls(), "{error}");
    assert_eq!(*attempts, 1, "not retried: {error}");
    assert!(!error.is_retryable());
    assert!(error.to_string().contains("TLS failed"), "{error}");
    assert!(started.elapsed() < Duration::from_secs(5));
}
