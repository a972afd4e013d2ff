//! The demo's data and the small pieces of its answers: the accounts and zones it serves, its
//! entries by number, the envelope and paging helpers every log of it shares.

use crate::router::Response;
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::{Value, json};

/// The demo's identity providers with SCIM enabled.
pub const IDPS: [&str; 2] = ["okta-demo", "azure-demo"];

pub const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
pub const ZONE: &str = "9a7806061c88ada191ed06f989cc3dac";
pub const ORGANIZATION: &str = "d1e2f3a4b5c6";

pub(crate) const ACTIONS: [(&str, &str, &str); 5] = [
    ("login", "account", ""),
    ("change_setting", "zone", "security_level"),
    ("add", "dns_record", "www"),
    ("delete", "firewall_rule", "block-bots"),
    ("rotate", "api_token", "ci-deploy"),
];
pub(crate) const ACTORS: [(&str, &str, &str); 3] = [
    ("alice@example.com", "user", "198.51.100.7"),
    ("bob@example.com", "user", "203.0.113.42"),
    ("automation@cloudflare.com", "Cloudflare", "192.0.2.1"),
];

pub(crate) fn start_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

/// How a server's entries are laid out: how many resources the v2 entries change, insights
/// the insights entries are of and identity providers the SCIM updates come from, in turn;
/// and how many entries in a row share each of the demo's times (1 for the demo's pace).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Shape {
    pub(crate) resources: usize,
    pub(crate) issues: usize,
    pub(crate) idps: usize,
    pub(crate) pace: usize,
}

impl Shape {
    /// The time of entry `i` of a log whose entry `n` happens at `time(n)` at the demo's pace.
    pub(crate) fn at(self, time: fn(usize) -> DateTime<Utc>, i: usize) -> DateTime<Utc> {
        time(i / self.pace.max(1))
    }
}

/// When account entry `i` happened (two entries share each tenth time, as real logs do).
pub(crate) fn account_time(i: usize) -> DateTime<Utc> {
    start_time() + Duration::seconds((i as i64 / 10 * 10 + i as i64 % 10 / 9) * 97)
}

pub(crate) fn insight_time(i: usize) -> DateTime<Utc> {
    start_time() + Duration::seconds(i as i64 * 131)
}

pub(crate) fn audit_log(i: usize, shape: Shape) -> Value {
    let (action, resource, name) = ACTIONS[i % ACTIONS.len()];
    let (email, actor_type, ip) = ACTORS[i % ACTORS.len()];
    let changed = action == "change_setting";
    json!({
        "id": format!("5d2c8a10-0b4e-4c1d-9d0e-{i:012x}"),
        "action": {"result": i % 7 != 3, "type": action},
        "actor": {"email": email, "id": format!("{:032x}", 0xa11ce + i % ACTORS.len()), "ip": ip, "type": actor_type},
        "interface": if i.is_multiple_of(2) { "API" } else { "UI" },
        "metadata": {"name": name, "zone_name": "example.com"},
        "newValue": if changed { json!("high") } else { Value::Null },
        "oldValue": if changed { json!("medium") } else { Value::Null },
        "owner": {"id": ACCOUNT},
        "resource": {"id": format!("{:032x}", 0xbeef + i), "type": resource},
        "when": shape.at(account_time, i).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        // The live API sends these too, though upstream's schema does not declare them.
        "newValueJson": if changed { json!({"level": "high"}) } else { Value::Null },
        "oldValueJson": if changed { json!({"level": "medium"}) } else { Value::Null },
        "x_added": FUTURE_MARK
    })
}

/// The field an insights entry changed, and who changed it.
pub(crate) fn insight_facts(i: usize) -> (&'static str, &'static str) {
    let field = if i.is_multiple_of(3) {
        "user_classification"
    } else {
        "status"
    };
    let by = if i.is_multiple_of(2) {
        "system"
    } else {
        "alice@example.com"
    };
    (field, by)
}

/// How many insights the demo's insights entries are of, in turn (`insight-0` to `insight-4`).
pub const INSIGHTS: usize = 5;

/// The insight insights entry `i` is of, when the entries are of `insights` insights in turn.
pub fn issue_of(i: usize, insights: usize) -> String {
    format!("insight-{}", i % insights.max(1))
}

pub(crate) fn insight(i: usize, shape: Shape) -> Value {
    let (field, by) = insight_facts(i);
    let (previous, current) = if field == "status" {
        (json!("active"), json!("resolved"))
    } else {
        (Value::Null, json!("false_positive"))
    };
    json!({
        "id": format!("019a8f00-0000-7000-8000-{i:012x}"),
        "changed_at": shape.at(insight_time, i).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "changed_by": by,
        "current_value": current,
        "field_changed": field,
        "issue_id": issue_of(i, shape.issues),
        "previous_value": previous,
        "rationale": if i % 4 == 1 { json!("accepted risk") } else { Value::Null },
        "zone_id": 8_675_309,
        "x_added": FUTURE_MARK
    })
}

pub(crate) fn param<'a>(query: &'a [(String, String)], name: &str) -> Option<&'a str> {
    query
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

pub(crate) fn time_param(query: &[(String, String)], name: &str) -> Option<DateTime<Utc>> {
    let text = param(query, name)?;
    // A time (RFC 3339) or a day (the day's start), as Cloudflare takes them.
    match DateTime::parse_from_rfc3339(text) {
        Ok(time) => Some(time.with_timezone(&Utc)),
        Err(_) => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .map(|day| day.and_time(chrono::NaiveTime::MIN).and_utc()),
    }
}

/// Where an entry holds a field no schema names yet, as Cloudflare may add at any time.
pub(crate) const FUTURE_MARK: &str = "\u{1}future\u{1}";

/// What the demo sends for it: every JSON kind, a number past 64 bits, a negative zero.
pub const FUTURE_FIELD: &str = r#"{"n":123456789012345678901234567890,"zero":-0,"none":null,"list":[1,"two",null],"deep":{"ok":true}}"#;

pub(crate) fn respond(status: u16, body: &Value) -> Response {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(body.to_string())
        .build()
}

/// How the demo's cursors start, by log; the rest of a cursor is the offset of the next page.
pub mod cursors {
    /// The insights log of a zone (`result_info.cursor`).
    pub const INSIGHTS: &str = "demo-";
    /// The log of one insight (`result_info.cursor`).
    pub const INSIGHT: &str = "issue-";
    /// Audit Logs v2 of the account or the organization (`result_info.cursors.after`).
    pub const V2: &str = "v2demo-";
    /// A resource's history (`result_info.cursors.after`).
    pub const HISTORY: &str = "history-";
}
