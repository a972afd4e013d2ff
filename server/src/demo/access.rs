//! The demo server's Access logs and per-insight logs (see [`crate::demo`]): Access
//! authentication events and SCIM updates of the demo account, in numbered pages, and the
//! audit log of each of the zone's insights, in cursor pages; `since`/`until`, `direction`,
//! `email`/`emailOp`, `idp_id` and `status` honoured.

use crate::router::{Path, Request, Response, Router};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use crate::demo::data::{
    ACCOUNT, FUTURE_MARK, IDPS, ZONE, envelope, insight, insight_time, param, respond, start_time,
    time_param,
};

/// How many Access authentication events and SCIM updates the demo holds.
pub const ACCESS_EVENTS: usize = 120;
pub const SCIM_UPDATES: usize = 90;
const USERS: [&str; 3] = ["alice@example.com", "bob@example.com", "carol@example.org"];

fn event_time(i: usize) -> DateTime<Utc> {
    start_time() + Duration::seconds(i as i64 * 61)
}

fn update_time(i: usize) -> DateTime<Utc> {
    start_time() + Duration::seconds(i as i64 * 89)
}

fn event(i: usize) -> Value {
    json!({
        "action": if i % 10 == 9 { "logout" } else { "login" },
        "allowed": i % 4 != 3,
        "app_domain": format!("app{}.example.com/admin", i % 3),
        "app_uid": format!("df7e2w5f-02b7-4d9d-af26-{:012x}", i % 3),
        "connection": if i.is_multiple_of(2) { "saml" } else { "onetimepin" },
        "created_at": event_time(i).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "ip_address": if i.is_multiple_of(5) { "2001:db8::7".to_owned() } else { format!("198.51.100.{}", i % 250) },
        "ray_id": format!("{:016x}", 0x187d_944c_6194_0000_u64 + i as u64),
        "user_email": USERS[i % USERS.len()],
        "country": "de",
        "x_added": FUTURE_MARK,
    })
}

fn update(i: usize) -> Value {
    const METHODS: [&str; 4] = ["POST", "PATCH", "PUT", "DELETE"];
    let group = i % 3 == 2;
    let failed = i % 7 == 6;
    json!({
        "cf_resource_id": format!("bd97ef8d-7986-43e3-9ee0-{i:012x}"),
        "error_description": if failed { json!("Invalid SCIM request") } else { Value::Null },
        "idp_id": IDPS[i % IDPS.len()],
        "idp_resource_id": format!("idp-{i}"),
        "logged_at": update_time(i).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "request_body": format!("{{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"n\":{i}}}"),
        "request_method": METHODS[i % METHODS.len()],
        "resource_group_name": if group { json!("Engineering") } else { Value::Null },
        "resource_type": if group { "GROUP" } else { "USER" },
        "resource_user_email": if group { Value::Null } else { json!(USERS[i % USERS.len()]) },
        "status": if failed { "FAILURE" } else { "SUCCESS" },
        "x_added": FUTURE_MARK,
    })
}

/// The entries numbered below `count` in `[since, until]`, kept by `keep`, in order.
fn pick(
    count: usize,
    time: fn(usize) -> DateTime<Utc>,
    query: &[(String, String)],
    keep: impl Fn(usize) -> bool,
) -> Vec<usize> {
    let since = time_param(query, "since");
    let until = time_param(query, "until");
    let mut picked: Vec<usize> = (0..count)
        .filter(|&i| since.is_none_or(|s| time(i) >= s) && until.is_none_or(|u| time(i) <= u))
        .filter(|&i| keep(i))
        .collect();
    if param(query, "direction") != Some("asc") {
        picked.reverse();
    }
    picked
}

/// One numbered page of `picked`, with the `result_info` of Cloudflare's v4 lists.
fn numbered(query: &[(String, String)], picked: &[usize], entry: fn(usize) -> Value) -> Response {
    let page: usize = param(query, "page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1)
        .max(1);
    let per_page: usize = param(query, "per_page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(25)
        .clamp(1, 1000);
    let result: Vec<Value> = picked
        .iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .map(|&i| entry(i))
        .collect();
    let info = json!({"page": page, "per_page": per_page, "count": result.len(),
                      "total_count": picked.len(), "total_pages": picked.len().div_ceil(per_page)});
    respond(200, &envelope(result, info))
}

/// Mounts the Access logs and the per-insight logs on `server`; `insights` says how many
/// insights entries the zone's log holds now.
pub fn mount(router: &mut Router, insights: impl Fn() -> usize + Send + Sync + 'static) {
    router.route(
        Path::Exact(format!(
            "/client/v4/accounts/{ACCOUNT}/access/logs/access_requests"
        )),
        |request: &Request| {
            let query = request.query_params();
            let email = param(&query, "email");
            let exact = param(&query, "emailOp") == Some("eq")
                || param(&query, "email_exact") == Some("true");
            let picked = pick(ACCESS_EVENTS, event_time, &query, |i| {
                let user = USERS[i % USERS.len()];
                email.is_none_or(|e| if exact { user == e } else { user.contains(e) })
            });
            numbered(&query, &picked, event)
        },
    );
    router.route(
        Path::Exact(format!(
            "/client/v4/accounts/{ACCOUNT}/access/logs/scim/updates"
        )),
        |request: &Request| {
            let query = request.query_params();
            let values = |name: &str| -> Vec<&str> {
                query
                    .iter()
                    .filter(|(k, _)| k == name)
                    .map(|(_, v)| v.as_str())
                    .collect()
            };
            let idps = values("idp_id");
            if idps.is_empty() {
                let error = json!({"code": 10001, "message": "idp_id is required"});
                return respond(
                    400,
                    &json!({"success": false, "errors": [error], "messages": []}),
                );
            }
            let statuses = values("status");
            let picked = pick(SCIM_UPDATES, update_time, &query, |i| {
                let entry = update(i);
                idps.contains(&entry["idp_id"].as_str().unwrap_or_default())
                    && (statuses.is_empty()
                        || statuses.contains(&entry["status"].as_str().unwrap_or_default()))
            });
            numbered(&query, &picked, update)
        },
    );
    let issue_logs = Path::Segment {
        prefix: format!("/client/v4/zones/{ZONE}/security-center/insights/"),
        suffix: "/audit-log".into(),
    };
    router.route(issue_logs, move |request: &Request| {
        let query = request.query_params();
        let path = request.path().to_owned();
        let issue = path.rsplit('/').nth(1).unwrap_or_default().to_owned();
        let offset: usize = param(&query, "cursor")
            .and_then(|c| c.strip_prefix("issue-"))
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let per_page: usize = param(&query, "per_page")
            .and_then(|p| p.parse().ok())
            .unwrap_or(25)
            .clamp(1, 1000);
        let since = time_param(&query, "since");
        let mut picked: Vec<usize> = (0..insights())
            .filter(|&i| insight(i)["issue_id"] == issue.as_str())
            .filter(|&i| since.is_none_or(|s| insight_time(i) >= s))
            .collect();
        if param(&query, "order") != Some("asc") {
            picked.reverse();
        }
        let result: Vec<Value> = picked
            .iter()
            .skip(offset)
            .take(per_page)
            .map(|&i| insight(i))
            .collect();
        let next = offset + result.len();
        let cursor = (next < picked.len()).then(|| format!("issue-{next}"));
        let info = json!({"count": result.len(), "per_page": per_page, "cursor": cursor});
        respond(200, &envelope(result, info))
    });
}
