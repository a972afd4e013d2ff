//! A local server with sample data for both audit logs, so the export runs with no account.
//!
//! It serves the account audit logs in numbered pages (with `result_info`) and a zone's
//! insights audit log in cursor-linked pages, the way Cloudflare does.

use httpmock::MockServer;
use serde_json::{Value, json};

pub const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
pub const ZONE: &str = "9a7806061c88ada191ed06f989cc3dac";
pub const PER_PAGE: u64 = 10;
const ACCOUNT_ENTRIES: usize = 25;
const INSIGHT_ENTRIES: usize = 23;

/// The running server; dropping it stops it.
pub struct DemoServer(MockServer);

impl DemoServer {
    /// The API root to give the client.
    pub fn base_url(&self) -> String {
        self.0.url("/client/v4")
    }
}

const ACTIONS: [(&str, &str, &str); 5] = [
    ("login", "account", ""),
    ("change_setting", "zone", "security_level"),
    ("add", "dns_record", "www"),
    ("delete", "firewall_rule", "block-bots"),
    ("rotate", "api_token", "ci-deploy"),
];
const ACTORS: [(&str, &str, &str); 3] = [
    ("alice@example.com", "user", "198.51.100.7"),
    ("bob@example.com", "user", "203.0.113.42"),
    ("automation@cloudflare.com", "Cloudflare", "192.0.2.1"),
];

fn audit_log(i: usize) -> Value {
    let (action, resource, name) = ACTIONS[i % ACTIONS.len()];
    let (email, actor_type, ip) = ACTORS[i % ACTORS.len()];
    json!({
        "id": format!("5d2c8a10-0b4e-4c1d-9d0e-{i:012x}"),
        "action": {"result": i % 7 != 3, "type": action},
        "actor": {"email": email, "id": format!("{:032x}", 0xa11ce + i % ACTORS.len()), "ip": ip, "type": actor_type},
        "interface": if i.is_multiple_of(2) { "API" } else { "UI" },
        "metadata": {"name": name, "zone_name": "example.com"},
        "newValue": if action == "change_setting" { json!("high") } else { Value::Null },
        "oldValue": if action == "change_setting" { json!("medium") } else { Value::Null },
        "owner": {"id": ACCOUNT},
        "resource": {"id": format!("{:032x}", 0xbeef + i), "type": resource},
        "when": format!("2026-11-{:02}T{:02}:{:02}:00Z", 1 + i / 24, i % 24, (i * 7) % 60)
    })
}

fn insight(i: usize) -> Value {
    let (field, previous, current) = if i.is_multiple_of(3) {
        ("user_classification", Value::Null, json!("false_positive"))
    } else {
        ("status", json!("active"), json!("resolved"))
    };
    json!({
        "id": format!("019a8f00-0000-7000-8000-{i:012x}"),
        "changed_at": format!("2026-11-{:02}T{:02}:30:00Z", 1 + i / 24, i % 24),
        "changed_by": if i.is_multiple_of(2) { "system" } else { "alice@example.com" },
        "current_value": current,
        "field_changed": field,
        "issue_id": format!("insight-{}", i % 5),
        "previous_value": previous,
        "rationale": if i % 4 == 1 { json!("accepted risk") } else { Value::Null },
        "zone_id": 8_675_309
    })
}

fn envelope(result: Vec<Value>, result_info: Value) -> Value {
    json!({"success": true, "errors": [], "messages": [], "result": result, "result_info": result_info})
}

/// Starts the server with both logs registered.
pub async fn start() -> DemoServer {
    let server = MockServer::start_async().await;
    let per_page = PER_PAGE as usize;
    let pages = ACCOUNT_ENTRIES.div_ceil(per_page);
    for page in 1..=pages {
        let from = (page - 1) * per_page;
        let entries: Vec<Value> = (from..ACCOUNT_ENTRIES.min(from + per_page))
            .map(audit_log)
            .collect();
        let info = json!({
            "page": page, "per_page": per_page, "count": entries.len(),
            "total_count": ACCOUNT_ENTRIES, "total_pages": pages
        });
        server
            .mock_async(|when, then| {
                when.path(format!("/client/v4/accounts/{ACCOUNT}/audit_logs"))
                    .query_param("page", page.to_string());
                then.status(200).json_body(envelope(entries, info));
            })
            .await;
    }
    let path = format!("/client/v4/zones/{ZONE}/security-center/insights/audit-log");
    let mut from = 0;
    while from < INSIGHT_ENTRIES {
        let to = INSIGHT_ENTRIES.min(from + per_page);
        let entries: Vec<Value> = (from..to).map(insight).collect();
        let next = (to < INSIGHT_ENTRIES).then(|| format!("demo-cursor-{to}"));
        let info = json!({"count": entries.len(), "per_page": per_page, "cursor": next});
        let cursor = (from > 0).then(|| format!("demo-cursor-{from}"));
        server
            .mock_async(|when, then| {
                let when = when.path(path.as_str());
                match &cursor {
                    Some(c) => when.query_param("cursor", c.as_str()),
                    None => when.query_param_missing("cursor"),
                };
                then.status(200).json_body(envelope(entries, info));
            })
            .await;
        from = to;
    }
    DemoServer(server)
}
