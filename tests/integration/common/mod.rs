//! Fixtures shared by the integration tests: sample entries, envelopes and a client pointed
//! at a local httpmock server.
#![allow(dead_code)]

pub mod python;
pub use cloudflare_audit_logs_server::scripted;

use std::time::Duration;

use cloudflare_audit_logs::{Client, Credentials, RetryPolicy};
use httpmock::MockServer;
use serde_json::{Value, json};

pub const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
pub const ZONE: &str = "9a7806061c88ada191ed06f989cc3dac";
pub const TOKEN: &str = "test-token-Sn3lZJTBX6kkg7OdcBUAxOO963GEIyGQ";

pub const ACCOUNT_PATH: &str = "/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/audit_logs";
pub const INSIGHTS_ACCOUNT_PATH: &str =
    "/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/security-center/insights/audit-log";
pub const INSIGHTS_ZONE_PATH: &str =
    "/client/v4/zones/9a7806061c88ada191ed06f989cc3dac/security-center/insights/audit-log";

/// The default retry policy with waits shrunk to milliseconds, so that tests stay fast.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .base_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(5))
        .max_retry_after(Duration::from_secs(2))
}

/// A client with an API token and fast retries, talking to `base_url`.
pub fn client_for(base_url: impl Into<String>) -> Client {
    Client::builder()
        .credentials(Credentials::api_token(TOKEN))
        .base_url(base_url)
        .retry_policy(fast_retries())
        .build()
        .expect("client builds")
}

/// A client with an API token and fast retries, talking to `server`.
pub fn client(server: &MockServer) -> Client {
    client_for(server.url("/client/v4"))
}

/// An account audit log entry numbered `i`, with every field upstream documents.
pub fn audit_log(i: usize) -> Value {
    json!({
        "id": format!("d5b0f326-1232-4452-8858-{i:012}"),
        "action": {"result": true, "type": "change_setting"},
        "actor": {
            "email": "michelle@example.com",
            "id": "f6b5de0326bb5182b8a4840ee01ec774",
            "ip": "198.41.129.166",
            "type": "user"
        },
        "interface": "API",
        "metadata": {"name": "security_level", "type": "firewall", "value": "high", "zone_name": "example.com"},
        "newValue": "low",
        "oldValue": "high",
        "owner": {"id": "023e105f4ecef8ad9ca31a8372d0c353"},
        "resource": {"id": "023e105f4ecef8ad9ca31a8372d0c353", "type": "zone"},
        "when": format!("2026-01-01T00:{:02}:{:02}Z", (i / 60) % 60, i % 60)
    })
}

/// An insights audit log entry numbered `i`, with every field upstream documents.
pub fn insight(i: usize) -> Value {
    json!({
        "id": format!("019b0000-0000-7000-8000-{i:012}"),
        "changed_at": format!("2026-01-01T00:{:02}:{:02}Z", (i / 60) % 60, i % 60),
        "changed_by": "system",
        "current_value": "resolved",
        "field_changed": "status",
        "issue_id": format!("issue-{i}"),
        "previous_value": "active",
        "rationale": null,
        "zone_id": 1234567
    })
}

/// A success envelope around `result`, with `result_info` when given.
pub fn envelope(result: Vec<Value>, result_info: Option<Value>) -> Value {
    let mut body = json!({"success": true, "errors": [], "messages": [], "result": result});
    if let Some(info) = result_info {
        body["result_info"] = info;
    }
    body
}

/// Account audit log entries numbered `from..to`.
pub fn audit_logs(from: usize, to: usize) -> Vec<Value> {
    (from..to).map(audit_log).collect()
}

/// Insights entries numbered `from..to`.
pub fn insights(from: usize, to: usize) -> Vec<Value> {
    (from..to).map(insight).collect()
}

/// The numbers of the account audit log entries, read back from their IDs.
pub fn numbers_of_logs(entries: &[cloudflare_audit_logs::AuditLog]) -> Vec<usize> {
    entries
        .iter()
        .map(|e| {
            let id = e.id.as_deref().expect("entry has an id");
            id.rsplit('-')
                .next()
                .and_then(|n| n.parse().ok())
                .expect("numbered id")
        })
        .collect()
}

/// The numbers of the insights entries, read back from their IDs.
pub fn numbers_of_insights(entries: &[cloudflare_audit_logs::InsightAuditLog]) -> Vec<usize> {
    entries
        .iter()
        .map(|e| {
            let id = e.id.expect("entry has an id").to_string();
            id.rsplit('-')
                .next()
                .and_then(|n| n.parse().ok())
                .expect("numbered id")
        })
        .collect()
}

/// Drives a stream until it fails, within a time bound: the entries it yielded first, and the
/// error. Panics if the stream ends without an error or hangs.
pub async fn until_error<T>(
    stream: &mut (impl futures::Stream<Item = Result<T, cloudflare_audit_logs::Error>> + Unpin),
) -> (Vec<T>, cloudflare_audit_logs::Error) {
    use futures::TryStreamExt;
    let mut seen = Vec::new();
    loop {
        let next = tokio::time::timeout(Duration::from_secs(20), stream.try_next());
        match next.await.expect("the stream does not hang") {
            Ok(Some(entry)) => seen.push(entry),
            Ok(None) => panic!("the stream ended without reporting an error"),
            Err(e) => return (seen, e),
        }
    }
}

/// An Audit Logs v2 entry numbered `i`, with every field upstream documents.
pub fn audit_log_v2(i: usize) -> Value {
    json!({
        "id": format!("2a3b4c5d-0000-4000-8000-{i:012}"),
        "audit_log_id": format!("2a3b4c5d-0000-4000-8000-{i:012}"),
        "account": {"id": ACCOUNT, "name": "Production"},
        "action": {
            "description": "Add DNS record",
            "result": "success",
            "time": format!("2026-01-01T00:{:02}:{:02}Z", (i / 60) % 60, i % 60),
            "type": "create"
        },
        "actor": {
            "id": "f6b5de0326bb5182b8a4840ee01ec774",
            "context": "api_token",
            "email": "alice@example.com",
            "ip_address": "198.51.100.7",
            "token_id": "b1946ac92492d2347c6235b4d2611184",
            "token_name": "ci",
            "type": "user"
        },
        "raw": {
            "cf_ray_id": "8f0c5f0e2a3b1c4d",
            "method": "POST",
            "status_code": 200,
            "uri": "/client/v4/zones/z/dns_records",
            "user_agent": "curl/8.5.0"
        },
        "resource": {
            "id": "r-1",
            "product": "dns",
            "request": {"type": "A", "name": "www"},
            "response": {"id": "r-1"},
            "scope": {"id": ZONE},
            "type": "dns_record"
        },
        "zone": {"id": ZONE, "name": "example.com"}
    })
}
