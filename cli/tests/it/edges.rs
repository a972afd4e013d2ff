//! What a hostile or unlucky server can send, against local servers: entries spaced over
//! many lines, entries dated in the future, cursors that expire, outputs edited by others.

use std::sync::Arc;

use cloudflare_audit_logs::{AccountAuditLogsV2Filters, AuditLogsFilters, TimeBound};
use cloudflare_audit_logs_cli::checkpoint::Checkpoint;
use cloudflare_audit_logs_cli::exporter::{self, Outcome, Settings, Shutdown, Source};
use cloudflare_audit_logs_cli::logs::{Account, Scim, V2Account};
use cloudflare_audit_logs_cli::sink::{Format, Sink};
use httpmock::prelude::*;
use serde_json::{Value, json};

use crate::export::{StopAfter, scratch, settings};

const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";

fn client(server: &MockServer) -> cloudflare_audit_logs::Client {
    cloudflare_audit_logs::Client::builder()
        .credentials(cloudflare_audit_logs::Credentials::api_token("t"))
        .base_url(server.url("/client/v4"))
        .retry_policy(
            cloudflare_audit_logs::RetryPolicy::default()
                .base_delay(std::time::Duration::from_millis(1)),
        )
        .build()
        .unwrap()
}

fn account() -> Source {
    Source::Account(Account {
        account_id: ACCOUNT.into(),
        filters: AuditLogsFilters::default(),
    })
}

/// A v1 page of `entries` (their text as given), the only page.
fn v1_page(entries: &[&str]) -> String {
    let info = json!({"page": 1, "per_page": 1000, "count": entries.len(),
                      "total_count": entries.len(), "total_pages": 1});
    format!(
        "{{\"success\":true,\"errors\":[],\"messages\":[],\"result\":[{}],\"result_info\":{info}}}",
        entries.join(",")
    )
}

async fn run_into(client: &cloudflare_audit_logs::Client, format: Format) -> (String, Outcome) {
    let source = account();
    let mut sink = Sink::memory(format);
    let outcome = exporter::run(
        client,
        &source,
        &settings(None, 1000),
        &mut sink,
        Checkpoint::new(source.fingerprint()),
        &Arc::new(Shutdown::default()),
        &mut exporter::Quiet,
    )
    .await
    .unwrap();
    (
        String::from_utf8(sink.contents().unwrap().to_vec()).unwrap(),
        outcome,
    )
}

#[tokio::test]
async fn an_entry_spread_over_lines_is_one_record_a_line_in_every_format() {
    // Legal JSON: a pretty-printed entry, and one whose `metadata` stands on a line of its
    // own that reads as a record of another account.
    let pretty = "{\n  \"id\": \"e1\",\n  \"when\": \"2026-01-01T00:00:01Z\",\n  \"action\": \
                  {\"type\": \"login\", \"result\": true},\n  \"interface\": \"UI\"\n}";
    let forging = "{\"id\":\"e2\",\"when\":\"2026-01-01T00:00:00Z\",\"metadata\":\n\
                   {\"source\":{\"log\":\"account\",\"account_id\":\"another\"},\"entry\":\
                   {\"id\":\"forged\",\"action\":{\"type\":\"delete\"}}}\n}";
    let compact = r#"{"id":"e3","when":"2025-12-31T23:59:59Z","interface":"a b  c"}"#;
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/client/v4/accounts/{ACCOUNT}/audit_logs"));
            then.status(200)
                .header("content-type", "application/json")
                .body(v1_page(&[pretty, forging, compact]));
        })
        .await;
    let client = client(&server);
    let sent: Vec<Value> = [pretty, forging, compact]
        .iter()
        .map(|t| serde_json::from_str(t).unwrap())
        .collect();

    let (jsonl, _) = run_into(&client, Format::Jsonl).await;
    let lines: Vec<&str> = jsonl.lines().collect();
    assert_eq!(lines.len(), 3, "{jsonl}");
    for (line, sent) in lines.iter().zip(&sent) {
        let record: Value = serde_json::from_str(line).unwrap();
        assert_eq!(&record["entry"], sent, "every value as sent");
        assert_eq!(record["source"]["account_id"], ACCOUNT);
    }
    // An entry with no whitespace between its tokens is written byte for byte.
    assert!(
        lines[2].ends_with(&format!("\"entry\":{compact}}}")),
        "{}",
        lines[2]
    );

    for format in [Format::Logpush, Format::Ocsf] {
        let (out, _) = run_into(&client, format).await;
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 3, "{format:?}: {out}");
        assert!(
            lines
                .iter()
                .all(|l| serde_json::from_str::<Value>(l).is_ok())
        );
        assert!(!out.contains("forged\",\"action\":{\"type\":\"delete\"}}}\n"));
    }
    let (csv, _) = run_into(&client, Format::Csv).await;
    assert_eq!(csv.lines().count(), 4, "a header and three rows: {csv}");
}

#[tokio::test]
async fn an_entry_dated_in_the_future_does_not_hold_back_later_listings() {
    let server = MockServer::start_async().await;
    let now = chrono::Utc::now();
    let recent = (now - chrono::Duration::minutes(1)).to_rfc3339();
    let entries = [
        r#"{"id":"far","when":"2099-01-01T00:00:00Z"}"#.to_string(),
        format!(r#"{{"id":"now","when":"{recent}"}}"#),
    ];
    let refs: Vec<&str> = entries.iter().map(String::as_str).collect();
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/client/v4/accounts/{ACCOUNT}/audit_logs"));
            then.status(200)
                .header("content-type", "application/json")
                .body(v1_page(&refs));
        })
        .await;
    let dir = scratch("future");
    let checkpoint = dir.join("k.json");
    let source = account();
    let opened = crate::export::export(
        &client(&server),
        &source,
        &settings(Some(checkpoint.clone()), 1000),
        &dir.join("out.jsonl"),
        &mut exporter::Quiet,
        &Arc::new(Shutdown::default()),
    )
    .await;
    assert_eq!((opened.written, opened.future), (2, 1));
    let saved = Checkpoint::load(&checkpoint).unwrap().unwrap();
    let recent: chrono::DateTime<chrono::Utc> = recent.parse().unwrap();
    assert_eq!(saved.high_water, Some(recent), "not 2099");
    assert_eq!(
        saved.cycle_since,
        Some(recent - chrono::Duration::hours(1)),
        "the next listing starts an overlap before the latest entry of now"
    );
}

/// A v2 page: `entries` by ID and time, and the cursor of the next page.
fn v2_page(entries: &[(&str, &str)], next: Option<&str>) -> Value {
    let result: Vec<Value> = entries
        .iter()
        .map(|(id, at)| json!({"id": id, "action": {"time": at, "type": "update"}}))
        .collect();
    json!({"success": true, "errors": [], "result": result,
           "result_info": {"count": entries.len(), "cursors": {"after": next}}})
}

#[tokio::test]
async fn an_expired_v2_cursor_starts_the_listing_again_from_where_it_stood() {
    let server = MockServer::start_async().await;
    let path = format!("/client/v4/accounts/{ACCOUNT}/logs/audit");
    let first = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(path.clone())
                .query_param_missing("cursor")
                .query_param("before", "2026-01-02T00:00:00Z");
            then.status(200).json_body(v2_page(
                &[("c", "2026-01-01T00:00:30Z"), ("b", "2026-01-01T00:00:20Z")],
                Some("page-2"),
            ));
        })
        .await;
    let expired = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(path.clone())
                .query_param("cursor", "page-2");
            then.status(400).json_body(json!({"success": false,
                "errors": [{"code": 10001, "message": "cursor expired"}], "messages": []}));
        })
        .await;
    // Started again: up to just past the oldest entry written, newest first.
    let again = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(path.clone())
                .query_param_missing("cursor")
                .query_param("before", "2026-01-01T00:00:21Z");
            then.status(200).json_body(v2_page(
                &[("b", "2026-01-01T00:00:20Z"), ("a", "2026-01-01T00:00:10Z")],
                None,
            ));
        })
        .await;
    let source = Source::V2Account(V2Account {
        account_id: ACCOUNT.into(),
        filters: AccountAuditLogsV2Filters {
            since: Some("2026-01-01T00:00:00Z".parse::<TimeBound>().unwrap()),
            before: Some("2026-01-02T00:00:00Z".parse::<TimeBound>().unwrap()),
            ..Default::default()
        },
    });
    let dir = scratch("expired-cursor");
    let checkpoint = dir.join("k.json");
    let out = dir.join("out.jsonl");
    let client = client(&server);
    let settings: Settings = settings(Some(checkpoint.clone()), 2);
    // The first run stops after its first page: the checkpoint holds the cursor.
    let shutdown = Arc::new(Shutdown::default());
    let mut stop = StopAfter {
        pages: 1,
        shutdown: shutdown.clone(),
    };
    let run = crate::export::export(&client, &source, &settings, &out, &mut stop, &shutdown).await;
    assert!(run.interrupted);
    // The rerun finds the cursor expired, and goes on from the checkpoint's position.
    let rest = crate::export::export(
        &client,
        &source,
        &settings,
        &out,
        &mut exporter::Quiet,
        &Arc::new(Shutdown::default()),
    )
    .await;
    assert!(!rest.interrupted);
    let ids = crate::export::ids(&out);
    assert_eq!(ids, ["c", "b", "a"], "each once, in the server's order");
    assert!(expired.calls_async().await >= 1);
    assert_eq!(again.calls_async().await, 1);
    assert!(first.calls_async().await >= 1);
}

#[tokio::test]
async fn bytes_added_to_or_edited_in_an_output_are_refused_with_what_to_do() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/client/v4/accounts/{ACCOUNT}/audit_logs"));
            then.status(200)
                .header("content-type", "application/json")
                .body(v1_page(&[r#"{"id":"e1","when":"2026-01-01T00:00:00Z"}"#]));
        })
        .await;
    let dir = scratch("edited");
    let checkpoint = dir.join("k.json");
    let out = dir.join("out.jsonl");
    let source = account();
    let client = client(&server);
    let settings = settings(Some(checkpoint.clone()), 1000);
    crate::export::export(
        &client,
        &source,
        &settings,
        &out,
        &mut exporter::Quiet,
        &Arc::new(Shutdown::default()),
    )
    .await;
    let written = std::fs::read(&out).unwrap();
    let open = || {
        let destination = cloudflare_audit_logs_cli::state::Destination {
            out: Some(out.clone()),
            checkpoint: Some(checkpoint.clone()),
            format: Format::Jsonl,
            wait_for_lock: false,
            timestamps: Default::default(),
            lease: std::time::Duration::from_secs(30),
            standby: false,
        };
        let source = source.clone();
        async move {
            cloudflare_audit_logs_cli::state::open(&source, &destination, &Shutdown::default())
                .await
                .map(drop)
                .map_err(|e| e.to_string())
        }
    };
    assert_eq!(open().await, Ok(()));
    // Appended by something else: refused, the file left as it is.
    let mut appended = written.clone();
    appended.extend_from_slice(b"{\"appended\":true}\n");
    std::fs::write(&out, &appended).unwrap();
    let refused = open().await.unwrap_err();
    assert!(refused.contains("which no interrupted page"), "{refused}");
    assert_eq!(std::fs::read(&out).unwrap(), appended);
    // Edited in place, the same length: refused.
    let mut edited = written.clone();
    let at = edited.len() - 5;
    edited[at] = b'X';
    std::fs::write(&out, &edited).unwrap();
    let refused = open().await.unwrap_err();
    assert!(refused.contains("the file was edited"), "{refused}");
    std::fs::write(&out, &written).unwrap();
    assert_eq!(open().await, Ok(()));
}

#[test]
fn a_lease_too_short_or_too_long_is_refused_with_the_bounds() {
    for lease in ["0s", "4s", "2h"] {
        let output = crate::flags::command(&[
            "--demo",
            "--lease",
            lease,
            "--out",
            "s3://b/p/",
            "--checkpoint",
            "s3://b/k.json",
        ]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{lease}: {stderr}");
        assert!(stderr.contains("between 5 s and 3600 s"), "{stderr}");
    }
}

/// Follows the account log through `polls` listings (a reconciliation every listing after
/// the first, when `reconcile`), against a server that shows an entry 30 minutes late: only
/// to listings that reach back past it. What was written, and the outcome.
async fn follow_with_a_late_entry(reconcile: bool) -> (Vec<String>, Outcome) {
    let server = MockServer::start_async().await;
    let now = chrono::Utc::now();
    let recent = format!(
        r#"{{"id":"recent","when":"{}"}}"#,
        (now - chrono::Duration::minutes(2)).to_rfc3339()
    );
    let late = format!(
        r#"{{"id":"late","when":"{}"}}"#,
        (now - chrono::Duration::minutes(30)).to_rfc3339()
    );
    let reaches_back = move |req: &httpmock::HttpMockRequest| {
        req.query_params().iter().any(|(name, value)| {
            name == "since"
                && value
                    .parse::<chrono::DateTime<chrono::Utc>>()
                    .is_ok_and(|since| since < now - chrono::Duration::minutes(31))
        })
    };
    let path = format!("/client/v4/accounts/{ACCOUNT}/audit_logs");
    server
        .mock_async(|when, then| {
            when.method(GET).path(path.clone()).is_true(reaches_back);
            then.status(200)
                .header("content-type", "application/json")
                .body(v1_page(&[&recent, &late]));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(path.clone());
            then.status(200)
                .header("content-type", "application/json")
                .body(v1_page(&[&recent]));
        })
        .await;
    struct StopAfterPolls(usize, Arc<Shutdown>);
    impl exporter::Observer for StopAfterPolls {
        fn idle(&mut self, _: std::time::Duration) {
            self.0 -= 1;
            if self.0 == 0 {
                self.1.request();
            }
        }
    }
    let dir = scratch(&format!("late-{reconcile}"));
    let out = dir.join("out.jsonl");
    let mut settings = settings(Some(dir.join("k.json")), 1000);
    settings.overlap = std::time::Duration::from_secs(300);
    settings.follow = Some(std::time::Duration::from_millis(10));
    settings.reconcile = reconcile.then_some(exporter::Reconcile {
        every: std::time::Duration::ZERO,
        window: std::time::Duration::from_secs(3600),
    });
    let shutdown = Arc::new(Shutdown::default());
    let mut stop = StopAfterPolls(3, shutdown.clone());
    let source = account();
    let outcome = crate::export::export(
        &client(&server),
        &source,
        &settings,
        &out,
        &mut stop,
        &shutdown,
    )
    .await;
    (crate::export::ids(&out), outcome)
}

#[tokio::test]
async fn a_reconciling_listing_writes_an_entry_that_arrived_later_than_the_overlap() {
    let (ids, outcome) = follow_with_a_late_entry(false).await;
    assert_eq!(ids, ["recent"], "the overlap alone does not reach it");
    assert_eq!(outcome.late, 0);
    let (ids, outcome) = follow_with_a_late_entry(true).await;
    assert_eq!(ids, ["recent", "late"], "each once");
    assert_eq!(outcome.late, 1);
}

#[tokio::test]
async fn byte_identical_scim_updates_are_each_written_once_across_listings() {
    // SCIM updates have no ID: three distinct events that happen to be the same text, and
    // another. The next listing sends them again, with a fourth of the same text, respaced
    // and with its keys in another order.
    let at = (chrono::Utc::now() - chrono::Duration::minutes(1)).to_rfc3339();
    let same = format!(r#"{{"logged_at":"{at}","status":"SUCCESS","request_method":"PATCH"}}"#);
    let respaced =
        format!(r#"{{ "request_method": "PATCH", "status": "SUCCESS", "logged_at": "{at}" }}"#);
    let other = format!(r#"{{"logged_at":"{at}","status":"FAILURE","request_method":"POST"}}"#);
    let path = format!("/client/v4/accounts/{ACCOUNT}/access/logs/scim/updates");
    let server = MockServer::start_async().await;
    let first = server
        .mock_async(|when, then| {
            when.method(GET).path(&path);
            then.status(200)
                .header("content-type", "application/json")
                .body(v1_page(&[&same, &same, &other, &same]));
        })
        .await;
    let dir = scratch("scim-identical");
    let out = dir.join("out.jsonl");
    let source = Source::Scim(Scim {
        account_id: ACCOUNT.into(),
        filters: cloudflare_audit_logs::AccessScimUpdateLogsFilters {
            idp_id: Some(vec!["okta".into()]),
            ..Default::default()
        },
    });
    let settings = settings(Some(dir.join("k.json")), 1000);
    let run = || async {
        crate::export::export(
            &client(&server),
            &source,
            &settings,
            &out,
            &mut exporter::Quiet,
            &Arc::new(Shutdown::default()),
        )
        .await
    };
    assert_eq!(run().await.written, 4, "each of the three, and the other");
    first.delete_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(&path);
            then.status(200)
                .header("content-type", "application/json")
                .body(v1_page(&[&same, &other, &respaced, &same, &same]));
        })
        .await;
    assert_eq!(run().await.written, 1, "only the fourth");
    let text = std::fs::read_to_string(&out).unwrap();
    let entries: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap()["entry"].clone())
        .collect();
    let status = |s: &str| entries.iter().filter(|e| e["status"] == s).count();
    assert_eq!(
        (entries.len(), status("SUCCESS"), status("FAILURE")),
        (5, 4, 1)
    );
}
