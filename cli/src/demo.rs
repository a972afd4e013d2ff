//! A local stand-in for Cloudflare with realistic sample data for every log, so the export
//! runs with no account: numbered pages with `result_info` for the account and user audit
//! logs, cursor pages for a zone's insights log (and each insight's, [`crate::demo_access`]),
//! Audit Logs v2 of an account and an organization with each resource's history and the
//! product categories ([`crate::demo_v2`]), numbered pages of Access authentication and SCIM
//! update logs; `since`/`before`/order and some filters honoured (`action.type`,
//! `actor.email`, `field_changed`, `changed_by`, and v2's own); a few failures injected (a 503,
//! a 502 and a 429 the client retries), and logs that can grow while it runs (for follow
//! mode).

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, TimeZone, Utc};
use httpmock::{HttpMockRequest, HttpMockResponse, MockServer};
use serde_json::{Value, json};

pub const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
pub const ZONE: &str = "9a7806061c88ada191ed06f989cc3dac";
pub const ORGANIZATION: &str = "d1e2f3a4b5c6";
pub use crate::demo_access::IDPS;

const ACTIONS: [(&str, &str, &str); 5] = [
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

/// When account entry `i` happened (two entries share each tenth time, as real logs do).
fn account_time(i: usize) -> DateTime<Utc> {
    start_time() + Duration::seconds((i as i64 / 10 * 10 + i as i64 % 10 / 9) * 97)
}

pub(crate) fn insight_time(i: usize) -> DateTime<Utc> {
    start_time() + Duration::seconds(i as i64 * 131)
}

fn audit_log(i: usize) -> Value {
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
        "when": account_time(i).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        // The live API sends these too, though upstream's schema does not declare them.
        "newValueJson": if changed { json!({"level": "high"}) } else { Value::Null },
        "oldValueJson": if changed { json!({"level": "medium"}) } else { Value::Null },
        "x_added": FUTURE_MARK
    })
}

/// The field an insights entry changed, and who changed it.
fn insight_facts(i: usize) -> (&'static str, &'static str) {
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

pub(crate) fn insight(i: usize) -> Value {
    let (field, by) = insight_facts(i);
    let (previous, current) = if field == "status" {
        (json!("active"), json!("resolved"))
    } else {
        (Value::Null, json!("false_positive"))
    };
    json!({
        "id": format!("019a8f00-0000-7000-8000-{i:012x}"),
        "changed_at": insight_time(i).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "changed_by": by,
        "current_value": current,
        "field_changed": field,
        "issue_id": format!("insight-{}", i % 5),
        "previous_value": previous,
        "rationale": if i % 4 == 1 { json!("accepted risk") } else { Value::Null },
        "zone_id": 8_675_309,
        "x_added": FUTURE_MARK
    })
}

/// The logs as they stand; they grow with [`Demo::append`].
#[derive(Debug)]
pub(crate) struct Logs {
    account: usize,
    insights: usize,
    pub(crate) v2: usize,
    /// Requests that fail once before they succeed (an injected 503, 502 and 429).
    pub(crate) fail_once: HashSet<String>,
    /// When each request of the log endpoints arrived.
    pub(crate) requests: Vec<std::time::Instant>,
}

/// The running demo server; dropping it stops it.
pub struct Demo {
    server: MockServer,
    logs: Arc<Mutex<Logs>>,
}

pub(crate) fn param<'a>(query: &'a [(String, String)], name: &str) -> Option<&'a str> {
    query
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

pub(crate) fn time_param(query: &[(String, String)], name: &str) -> Option<DateTime<Utc>> {
    let text = param(query, name)?;
    match text.parse::<cloudflare_audit_logs::TimeBound>().ok()? {
        cloudflare_audit_logs::TimeBound::DateTime(t) => Some(t),
        cloudflare_audit_logs::TimeBound::Date(d) => {
            Some(d.and_time(chrono::NaiveTime::MIN).and_utc())
        }
    }
}

/// Where an entry holds a field no schema names yet, as Cloudflare may add at any time.
pub(crate) const FUTURE_MARK: &str = "\u{1}future\u{1}";

/// What the demo sends for it: every JSON kind, a number past 64 bits, a negative zero.
pub const FUTURE_FIELD: &str = r#"{"n":123456789012345678901234567890,"zero":-0,"none":null,"list":[1,"two",null],"deep":{"ok":true}}"#;

pub(crate) fn respond(status: u16, body: &Value) -> HttpMockResponse {
    let mark = Value::from(FUTURE_MARK).to_string();
    HttpMockResponse::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(body.to_string().replace(&mark, FUTURE_FIELD))
        .build()
}

/// The entries numbered below `count` whose time is in `[since, before)`, in order.
pub(crate) fn select(
    count: usize,
    time: fn(usize) -> DateTime<Utc>,
    query: &[(String, String)],
    descending: bool,
    keep: impl Fn(usize) -> bool,
) -> Vec<usize> {
    let since = time_param(query, "since");
    let before = time_param(query, "before");
    let mut picked: Vec<usize> = (0..count)
        .filter(|&i| since.is_none_or(|s| time(i) >= s) && before.is_none_or(|b| time(i) < b))
        .filter(|&i| keep(i))
        .collect();
    if descending {
        picked.reverse();
    }
    picked
}

pub(crate) fn envelope(result: Vec<Value>, info: Value) -> Value {
    json!({"success": true, "errors": [], "messages": [], "result": result, "result_info": info})
}

impl Demo {
    /// Starts the server with `account` and `insights` entries.
    pub async fn start(account: usize, insights: usize) -> Demo {
        let server = MockServer::start_async().await;
        let logs = Arc::new(Mutex::new(Logs {
            account,
            insights,
            v2: account,
            requests: Vec::new(),
            fail_once: ["account page 2", "insights page 2", "v2 page 2"]
                .into_iter()
                .map(String::from)
                .collect(),
        }));

        let state = logs.clone();
        server
            .mock_async(|when, then| {
                when.path_matches(format!("^/client/v4/(accounts/{ACCOUNT}|user)/audit_logs$"));
                then.respond_with(move |request: &HttpMockRequest| {
                    let query = request.query_params();
                    let Ok(mut logs) = state.lock() else {
                        return respond(500, &json!({"success": false}));
                    };
                    logs.requests.push(std::time::Instant::now());
                    let page: usize = param(&query, "page").and_then(|p| p.parse().ok()).unwrap_or(1).max(1);
                    let per_page: usize = param(&query, "per_page").and_then(|p| p.parse().ok()).unwrap_or(100).clamp(1, 1000);
                    if page > 1 && logs.fail_once.remove(&format!("account page {page}")) {
                        return HttpMockResponse::builder()
                            .status(503)
                            .header("content-type", "text/html")
                            .body("<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>")
                            .build();
                    }
                    let descending = param(&query, "direction") != Some("asc");
                    let action = param(&query, "action.type");
                    let email = param(&query, "actor.email");
                    let picked = select(logs.account, account_time, &query, descending, |i| {
                        action.is_none_or(|a| ACTIONS[i % ACTIONS.len()].0 == a)
                            && email.is_none_or(|e| ACTORS[i % ACTORS.len()].0 == e)
                    });
                    let total_pages = picked.len().div_ceil(per_page);
                    let result: Vec<Value> = picked.iter().skip((page - 1) * per_page).take(per_page).map(|&i| audit_log(i)).collect();
                    let info = json!({"page": page, "per_page": per_page, "count": result.len(),
                                      "total_count": picked.len(), "total_pages": total_pages});
                    respond(200, &envelope(result, info))
                });
            })
            .await;

        crate::demo_v2::mount(&server, &logs).await;

        let state = logs.clone();
        server
            .mock_async(|when, then| {
                when.path(format!("/client/v4/zones/{ZONE}/security-center/insights/audit-log"));
                then.respond_with(move |request: &HttpMockRequest| {
                    let query = request.query_params();
                    let Ok(mut logs) = state.lock() else {
                        return respond(500, &json!({"success": false}));
                    };
                    logs.requests.push(std::time::Instant::now());
                    let offset: usize = param(&query, "cursor")
                        .and_then(|c| c.strip_prefix("demo-"))
                        .and_then(|c| c.parse().ok())
                        .unwrap_or(0);
                    if offset > 0 && logs.fail_once.remove("insights page 2") {
                        let body = json!({"success": false, "errors": [{"code": 10000, "message": "Rate limited"}], "messages": []});
                        return HttpMockResponse::builder()
                            .status(429)
                            .header("content-type", "application/json")
                            .header("retry-after", "1")
                            .body(body.to_string())
                            .build();
                    }
                    let per_page: usize = param(&query, "per_page").and_then(|p| p.parse().ok()).unwrap_or(25).clamp(1, 1000);
                    let descending = param(&query, "order") != Some("asc");
                    let field = param(&query, "field_changed");
                    let changed_by = param(&query, "changed_by");
                    let picked = select(logs.insights, insight_time, &query, descending, |i| {
                        let (f, by) = insight_facts(i);
                        field.is_none_or(|x| x == f) && changed_by.is_none_or(|x| x == by)
                    });
                    let result: Vec<Value> = picked.iter().skip(offset).take(per_page).map(|&i| insight(i)).collect();
                    let next = offset + result.len();
                    let cursor = (next < picked.len()).then(|| format!("demo-{next}"));
                    let info = json!({"count": result.len(), "per_page": per_page, "cursor": cursor});
                    respond(200, &envelope(result, info))
                });
            })
            .await;

        let state = logs.clone();
        crate::demo_access::mount(&server, move || {
            state.lock().map(|l| l.insights).unwrap_or(0)
        })
        .await;
        Demo { server, logs }
    }

    /// The API root to give the client.
    pub fn base_url(&self) -> String {
        self.server.url("/client/v4")
    }

    /// New entries arrive in both logs.
    pub fn append(&self, account: usize, insights: usize) {
        self.appender().append(account, insights);
    }

    /// When each request to a log arrived, in order (to check a rate budget against).
    pub fn request_times(&self) -> Vec<std::time::Instant> {
        self.logs
            .lock()
            .map(|l| l.requests.clone())
            .unwrap_or_default()
    }

    /// A handle that adds entries from anywhere (for a background task).
    pub fn appender(&self) -> Appender {
        Appender(self.logs.clone())
    }
}

/// Adds entries to a running demo.
#[derive(Clone)]
pub struct Appender(Arc<Mutex<Logs>>);

impl Appender {
    /// New entries arrive in both logs.
    pub fn append(&self, account: usize, insights: usize) {
        if let Ok(mut logs) = self.0.lock() {
            logs.account += account;
            logs.insights += insights;
            logs.v2 += account;
        }
    }
}
