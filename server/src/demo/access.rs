//! The demo server's Access logs and per-insight logs (see [`crate::demo`]): Access
//! authentication events and SCIM updates of the demo account, in numbered pages, and the
//! audit log of each of the zone's insights, in cursor pages; `since`/`until`, `direction`,
//! `email`/`emailOp`, `idp_id` and `status` honoured.

use std::sync::{Arc, Mutex};

use crate::router::{Path, Request, Response, Router};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use crate::demo::data::{
    ACCOUNT, FUTURE_MARK, IDPS, Shape, ZONE, cursors, insight, insight_time, issue_of, param,
    respond, start_time, time_param,
};
use crate::demo::logs::Logs;
use crate::demo::pages::{Picked, Rendered, first, in_order};

/// How many Access authentication events and SCIM updates [`crate::demo::Demo::start`]'s
/// demo holds.
pub const ACCESS_EVENTS: usize = 120;
pub const SCIM_UPDATES: usize = 90;
const USERS: [&str; 3] = ["alice@example.com", "bob@example.com", "carol@example.org"];

fn event_time(i: usize) -> DateTime<Utc> {
    start_time() + Duration::seconds(i as i64 * 61)
}

fn update_time(i: usize) -> DateTime<Utc> {
    start_time() + Duration::seconds(i as i64 * 89)
}

fn event(i: usize, shape: Shape) -> Value {
    json!({
        "action": if i % 10 == 9 { "logout" } else { "login" },
        "allowed": i % 4 != 3,
        "app_domain": format!("app{}.example.com/admin", i % 3),
        "app_uid": format!("df7e2w5f-02b7-4d9d-af26-{:012x}", i % 3),
        "connection": if i.is_multiple_of(2) { "saml" } else { "onetimepin" },
        "created_at": shape.at(event_time, i).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "ip_address": if i.is_multiple_of(5) { "2001:db8::7".to_owned() } else { format!("198.51.100.{}", i % 250) },
        "ray_id": format!("{:016x}", 0x187d_944c_6194_0000_u64 + i as u64),
        "user_email": USERS[i % USERS.len()],
        "country": "de",
        "x_added": FUTURE_MARK,
    })
}

/// The identity provider of SCIM update `i` (from the first `providers` of [`IDPS`] in
/// turn), and whether the update failed.
fn update_facts(i: usize, providers: usize) -> (&'static str, bool) {
    (IDPS[i % providers.clamp(1, IDPS.len())], i % 7 == 6)
}

fn update(i: usize, shape: Shape) -> Value {
    const METHODS: [&str; 4] = ["POST", "PATCH", "PUT", "DELETE"];
    let group = i % 3 == 2;
    let (idp, failed) = update_facts(i, shape.idps);
    json!({
        "cf_resource_id": format!("bd97ef8d-7986-43e3-9ee0-{i:012x}"),
        "error_description": if failed { json!("Invalid SCIM request") } else { Value::Null },
        "idp_id": idp,
        "idp_resource_id": format!("idp-{i}"),
        "logged_at": shape.at(update_time, i).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
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
    time: impl Fn(usize) -> DateTime<Utc>,
    query: &[(String, String)],
    keep: Option<impl Fn(usize) -> bool>,
) -> Picked {
    let from = time_param(query, "since").map_or(0, |s| first(count, |i| time(i) >= s));
    let to = time_param(query, "until").map_or(count, |u| first(count, |i| time(i) > u));
    let descending = param(query, "direction") != Some("asc");
    in_order(from..to.max(from), descending, keep)
}

/// One numbered page of `picked`, with the `result_info` of Cloudflare's v4 lists.
fn numbered(
    query: &[(String, String)],
    picked: &Picked,
    (rendered, log): (&mut Rendered, &'static str),
    make: impl Fn(usize) -> Value,
) -> Response {
    let page: usize = param(query, "page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1)
        .max(1);
    let per_page: usize = param(query, "per_page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(25)
        .clamp(1, 1000);
    let numbers = picked.page((page - 1) * per_page, per_page);
    let info = json!({"page": page, "per_page": per_page, "count": numbers.len(),
                      "total_count": picked.len(), "total_pages": picked.len().div_ceil(per_page)});
    rendered.page(log, &numbers, info, make)
}

/// Mounts the Access logs and the per-insight logs on `router`, holding as many entries as
/// `logs` says.
pub(crate) fn mount(router: &mut Router, logs: &Arc<Mutex<Logs>>) {
    let (access, scim, insights) = (logs.clone(), logs.clone(), logs.clone());
    router.route(
        Path::Exact(format!(
            "/client/v4/accounts/{ACCOUNT}/access/logs/access_requests"
        )),
        move |request: &Request| {
            let query = request.query_params();
            let email = param(&query, "email");
            let exact = param(&query, "emailOp") == Some("eq")
                || param(&query, "email_exact") == Some("true");
            let Ok(mut logs) = access.lock() else {
                return respond(500, &json!({"success": false}));
            };
            let (count, shape) = (logs.access, logs.shape);
            let picked = pick(
                count,
                |i| shape.at(event_time, i),
                &query,
                email.map(|e| {
                    move |i: usize| {
                        let user = USERS[i % USERS.len()];
                        if exact { user == e } else { user.contains(e) }
                    }
                }),
            );
            numbered(&query, &picked, (&mut logs.rendered, "access"), |i| {
                event(i, shape)
            })
        },
    );
    router.route(
        Path::Exact(format!(
            "/client/v4/accounts/{ACCOUNT}/access/logs/scim/updates"
        )),
        move |request: &Request| {
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
            let Ok(mut logs) = scim.lock() else {
                return respond(500, &json!({"success": false}));
            };
            let (count, shape) = (logs.scim, logs.shape);
            let every_idp = IDPS[..shape.idps.clamp(1, IDPS.len())]
                .iter()
                .all(|idp| idps.contains(idp));
            let picked = pick(
                count,
                |i| shape.at(update_time, i),
                &query,
                (!every_idp || !statuses.is_empty()).then_some(|i: usize| {
                    let (idp, failed) = update_facts(i, shape.idps);
                    let status = if failed { "FAILURE" } else { "SUCCESS" };
                    idps.contains(&idp) && (statuses.is_empty() || statuses.contains(&status))
                }),
            );
            numbered(&query, &picked, (&mut logs.rendered, "scim"), |i| {
                update(i, shape)
            })
        },
    );
    let issue_logs = Path::OneOf(
        [format!("zones/{ZONE}"), format!("accounts/{ACCOUNT}")]
            .map(|owner| Path::Segment {
                prefix: format!("/client/v4/{owner}/security-center/insights/"),
                suffix: "/audit-log".into(),
            })
            .into(),
    );
    router.route(issue_logs, move |request: &Request| {
        let query = request.query_params();
        let path = request.path().to_owned();
        let issue = path.rsplit('/').nth(1).unwrap_or_default().to_owned();
        let offset: usize = param(&query, "cursor")
            .and_then(|c| c.strip_prefix(cursors::INSIGHT))
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let per_page: usize = param(&query, "per_page")
            .and_then(|p| p.parse().ok())
            .unwrap_or(25)
            .clamp(1, 1000);
        let Ok(mut logs) = insights.lock() else {
            return respond(500, &json!({"success": false}));
        };
        let (count, shape) = (logs.insights, logs.shape);
        let from = time_param(&query, "since")
            .map_or(0, |s| first(count, |i| shape.at(insight_time, i) >= s));
        let descending = param(&query, "order") != Some("asc");
        let only_issue = shape.issues == 1 && issue == issue_of(0, 1);
        let picked = in_order(
            from..count,
            descending,
            (!only_issue).then_some(|i: usize| issue_of(i, shape.issues) == issue),
        );
        let numbers = picked.page(offset, per_page);
        let next = offset + numbers.len();
        let cursor = (next < picked.len()).then(|| format!("{}{next}", cursors::INSIGHT));
        let info = json!({"count": numbers.len(), "per_page": per_page, "cursor": cursor});
        logs.rendered
            .page("insights", &numbers, info, |i| insight(i, shape))
    });
}
