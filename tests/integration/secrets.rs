//! A canary secret must never show: not in `Debug`, not in `Display` of any error, not in
//! tracing output, whatever the server answers.

use crate::common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cloudflare_audit_logs::{
    Client, ClientBuilder, Credentials, Error, InsightsScope, RetryPolicy,
};
use common::scripted::{Reply, Request, Scripted};
use common::*;
use futures::TryStreamExt;
use serde_json::json;

const CANARY_TOKEN: &str = "canary-token-b1d7e0c4a9f2";
const CANARY_KEY: &str = "canary-key-5e8a2f61c03d";

/// Captures everything a tracing subscriber writes.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Capture {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

fn builder(base: String, credentials: Credentials) -> ClientBuilder {
    Client::builder()
        .credentials(credentials)
        .base_url(base)
        .retry_policy(
            RetryPolicy::default()
                .base_delay(Duration::from_millis(1))
                .max_retries(2),
        )
}

/// Set in the child process that runs [`no_secret_in_debug_errors_or_traces`] alone.
const CHILD: &str = "CLOUDFLARE_AUDIT_LOGS_TRACE_CHILD";

/// Runs [`traced_run`] in a child process of this test binary, as its only test.
///
/// tracing caches each callsite's interest process-wide. A subscriber set with `set_default`
/// in one test races the other tests of the binary: a callsite that another thread is
/// registering while the subscriber is installed keeps the interest computed before it (in
/// tracing-core, interest is computed from the dispatchers, then the callsite joins the
/// registry that the new subscriber's rebuild has already walked), so its spans never reach
/// the capture. Alone in a process, with the subscriber global before any callsite is hit,
/// nothing races.
#[test]
fn no_secret_in_debug_errors_or_traces() {
    if std::env::var_os(CHILD).is_some() {
        return traced_run();
    }
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "secrets::no_secret_in_debug_errors_or_traces"])
        .args(["--test-threads", "1", "--nocapture"])
        .env(CHILD, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "the traced run failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn traced_run() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(leak_nothing(capture));
}

async fn leak_nothing(capture: Capture) {
    // The server checks the credentials it got, then refuses, fails and rate-limits.
    let server = Scripted::start(|request: &Request| {
        let authorized = request.header("authorization") == Some(&format!("Bearer {CANARY_TOKEN}"))
            || request.header("x-auth-key") == Some(CANARY_KEY);
        assert!(authorized, "the credentials arrive intact");
        match request.param("per_page") {
            Some("1") => Reply::json(401, &json!({"success": false, "errors": [{"code": 10000, "message": "Authentication error"}], "messages": []})),
            Some("2") => Reply::text(502, "text/html", "<h1>bad gateway</h1>").with_header("cf-ray", "8a1b2c3d-LHR"),
            Some("3") => Reply::json(429, &json!({"success": false, "errors": [], "messages": []})).with_header("retry-after", "999"),
            _ => Reply::Close,
        }
    })
    .await
        .expect("the scripted server starts");

    let mut texts = Vec::new();
    for credentials in [
        Credentials::api_token(CANARY_TOKEN),
        Credentials::global_key("me@example.com", CANARY_KEY),
    ] {
        texts.push(format!("{credentials:?}"));
        let builder = builder(server.base_url(), credentials);
        texts.push(format!("{builder:?}"));
        let client = builder.build().unwrap();
        texts.push(format!("{client:?}"));
        for per_page in [1, 2, 3, 4] {
            let request = client
                .insights_audit_log(InsightsScope::Account(ACCOUNT.into()))
                .per_page(per_page);
            texts.push(format!("{request:?}"));
            let error: Error = request.stream().try_collect::<Vec<_>>().await.unwrap_err();
            texts.push(error.to_string());
            texts.push(format!("{error:?}"));
        }
    }
    // Credentials that cannot be sent fail without showing themselves either.
    let bad = Client::builder()
        .credentials(Credentials::api_token(format!("{CANARY_TOKEN}\n")))
        .build()
        .unwrap_err();
    texts.push(bad.to_string());
    texts.push(format!("{bad:?}"));

    let traces = capture.text();
    assert!(
        traces.contains("cloudflare_request"),
        "requests are traced:\n{traces}"
    );
    assert!(traces.contains("retrying"), "retries are traced:\n{traces}");
    assert!(
        traces.contains("status=502"),
        "statuses are traced:\n{traces}"
    );
    texts.push(traces);
    for text in &texts {
        assert!(
            !text.contains(CANARY_TOKEN) && !text.contains(CANARY_KEY),
            "a secret leaked:\n{text}"
        );
    }
}

/// A server that echoes the credentials it received, in every place an error shows: the
/// errors' messages and documentation links, the raw body, a body that does not decode (serde
/// quotes the value it refused), a `Location`.
#[tokio::test]
async fn credentials_a_server_echoes_are_redacted() {
    let server = Scripted::start(|request: &Request| {
        let echoed = request
            .header("authorization")
            .or(request.header("x-auth-key"))
            .unwrap_or_default()
            .to_owned();
        match request.param("per_page") {
            Some("1") => Reply::json(
                403,
                &json!({"success": false, "messages": [], "errors": [{
                    "code": 10000,
                    "message": format!("Authentication error for {echoed}"),
                    "documentation_url": format!("https://example.com/?key={echoed}"),
                    "source": {"pointer": format!("/{echoed}")}
                }], "echo": echoed}),
            ),
            Some("2") => Reply::text(502, "text/plain", &format!("upstream refused {echoed}")),
            Some("3") => Reply::json(
                200,
                &json!({"success": true, "errors": [], "messages": [],
                        "result": [{"id": "x", "zone_id": echoed}]}),
            ),
            _ => Reply::text(302, "text/plain", "").with_header(
                "location",
                &format!("https://elsewhere.example/?t={echoed}"),
            ),
        }
    })
    .await
    .expect("the scripted server starts");
    for credentials in [
        Credentials::api_token(CANARY_TOKEN),
        Credentials::global_key("me@example.com", CANARY_KEY),
    ] {
        let client = Client::builder()
            .credentials(credentials)
            .base_url(server.base_url())
            .retry_policy(RetryPolicy::none())
            .build()
            .unwrap();
        for per_page in [1, 2, 3, 4] {
            let request = client
                .insights_audit_log(InsightsScope::Account(ACCOUNT.into()))
                .per_page(per_page);
            let error: Error = request.stream().try_collect::<Vec<_>>().await.unwrap_err();
            let mut shown = vec![error.to_string(), format!("{error:?}")];
            let mut source = std::error::Error::source(&error);
            while let Some(e) = source {
                shown.push(e.to_string());
                source = e.source();
            }
            if let Error::Api(api) = &error {
                shown.push(String::from_utf8_lossy(api.body()).into_owned());
                assert_eq!(api.errors().is_empty(), per_page != 1);
            }
            for text in &shown {
                assert!(
                    !text.contains(CANARY_TOKEN) && !text.contains(CANARY_KEY),
                    "per_page {per_page}: a secret shows in\n{text}"
                );
            }
            assert!(
                shown.iter().any(|t| t.contains("[redacted]")),
                "per_page {per_page}: the echo is marked where it stood: {shown:?}"
            );
        }
    }
}

/// The retry hook hears every retry with its status or error and its wait, and never a
/// secret.
#[tokio::test]
async fn the_retry_hook_hears_every_retry() {
    let server = Scripted::start(|request: &Request| match request.index {
        0 => Reply::json(
            429,
            &json!({"success": false, "errors": [], "messages": []}),
        )
        .with_header("retry-after", "0"),
        1 => Reply::Close,
        _ => Reply::json(200, &envelope(insights(0, 1), None)),
    })
    .await
    .expect("the scripted server starts");
    let heard = Arc::new(Mutex::new(Vec::new()));
    let hook = heard.clone();
    let client = builder(server.base_url(), Credentials::api_token(CANARY_TOKEN))
        .on_retry(move |retry| hook.lock().unwrap().push(retry.clone()))
        .build()
        .unwrap();
    let entries: Vec<_> = client
        .insights_audit_log(InsightsScope::Zone(ZONE.into()))
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(entries.len(), 1);
    let heard = heard.lock().unwrap();
    assert_eq!(heard.len(), 2, "{heard:?}");
    assert_eq!(heard[0].status().map(|s| s.as_u16()), Some(429));
    assert_eq!(heard[0].wait(), Duration::ZERO);
    assert_eq!((heard[0].attempt(), heard[1].attempt()), (1, 2));
    assert!(heard[1].status().is_none() && heard[1].error().is_some());
    assert_eq!(heard[1].operation(), "zone_insights_audit_log");
    assert!(
        heard[1]
            .path()
            .ends_with("/security-center/insights/audit-log")
    );
    assert!(!format!("{heard:?}").contains(CANARY_TOKEN));
}
