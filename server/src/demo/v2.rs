//! The demo server's Audit Logs v2 (see [`crate::demo`]): the lists of the demo account and
//! organization in `result_info.cursors.after` pages, each resource's history, and the
//! account's product categories.
//!
//! - The lists honour `since`/`before` (both required; a `since` older than the retention is
//!   refused), `direction`, `limit`, and the filters `action_type`, `action_result`,
//!   `actor_email`, `actor_context`, `resource_product` with their `.not` twins, and
//!   `product_category` (expanded into its products; an unknown category is refused).
//! - Entries change [`RESOURCES`] resources in turn, so each resource has a history: the
//!   entries of the same resource in the window, by `direction`, in cursor pages. The source
//!   entry is found by its ID and its `action_time`; an entry that is not found (or a time
//!   that is not its time) gives an empty history with `history_status: unavailable`, a
//!   deletion's history is `approximate`, any other `exact`.

use std::sync::{Arc, Mutex};

use crate::router::{Path, Request, Response, Router};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use crate::demo::data::{
    ACCOUNT, ACTORS, ORGANIZATION, Shape, ZONE, cursors, param, respond, start_time, time_param,
};
use crate::demo::logs::Logs;
use crate::demo::pages::{Picked, Rendered, select};

/// Audit Logs v2 facts the demo varies: action, result, actor context and product.
const V2_ACTIONS: [&str; 3] = ["create", "update", "delete"];
const V2_CONTEXTS: [&str; 4] = ["dash", "api_token", "api_key", "api"];
const V2_PRODUCTS: [&str; 3] = ["dns", "firewall", "access"];

/// How many resources the v2 entries change, in turn.
pub const RESOURCES: usize = 7;

/// The entry whose resource's history `--demo --log history` exports.
pub const HISTORY_ENTRY: usize = 40;

/// A product or a category: its value and its label.
type Named = (&'static str, &'static str);

/// The product categories: value, label, and the products each expands to.
const CATEGORIES: [(&str, &str, &[Named]); 2] = [
    ("dns", "DNS", &[("dns", "DNS")]),
    (
        "security",
        "Security",
        &[("firewall", "Firewall"), ("access", "Access")],
    ),
];

/// The ID of v2 entry `i`.
pub fn entry_id(i: usize) -> String {
    format!("2b6e0c1a-0000-4000-8000-{i:012x}")
}

/// When v2 entry `i` happened (pairs share a time).
pub fn v2_time(i: usize) -> DateTime<Utc> {
    start_time() + Duration::seconds((i as i64 / 2) * 113)
}

/// The filterable facts of v2 entry `i`, by filter name.
fn v2_facts(i: usize) -> [(&'static str, String); 5] {
    [
        ("action_type", V2_ACTIONS[i % V2_ACTIONS.len()].to_owned()),
        (
            "action_result",
            if i % 7 == 3 { "failure" } else { "success" }.to_owned(),
        ),
        ("actor_email", ACTORS[i % ACTORS.len()].0.to_owned()),
        (
            "actor_context",
            V2_CONTEXTS[i % V2_CONTEXTS.len()].to_owned(),
        ),
        (
            "resource_product",
            V2_PRODUCTS[i % V2_PRODUCTS.len()].to_owned(),
        ),
    ]
}

/// V2 entry `i`, of an organization or the account, when the entries change `resources`
/// resources in turn.
fn audit_log_v2(i: usize, organization: bool, shape: Shape) -> Value {
    let facts = v2_facts(i);
    let fact = |name: &str| {
        facts
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    };
    let (email, actor_type, ip) = ACTORS[i % ACTORS.len()];
    let mut entry = json!({
        "id": entry_id(i),
        "action": {"description": "Changed a setting", "result": fact("action_result"),
                   "time": shape.at(v2_time, i).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                   "type": fact("action_type")},
        "actor": {"id": format!("{:032x}", 0xa11ce + i % ACTORS.len()), "context": fact("actor_context"),
                  "email": email, "ip_address": ip, "token_id": null, "token_name": null,
                  "type": if actor_type == "user" { "user" } else { "system" }},
        "raw": {"cf_ray_id": format!("{:016x}", 0x8f0c + i), "method": "PATCH",
                "status_code": if i % 7 == 3 { 403 } else { 200 },
                "uri": "/client/v4/zones/settings/security_level", "user_agent": "demo"},
        "resource": {"id": format!("{:032x}", 0xbeef + i % shape.resources.max(1)), "product": fact("resource_product"),
                     "request": {"value": "high"}, "response": [{"value": "high"}],
                     "scope": {"id": ZONE}, "type": "zone_setting"}
    });
    if organization {
        entry["organization"] = json!({"id": ORGANIZATION});
    } else {
        entry["account"] = json!({"id": ACCOUNT, "name": "Demo account"});
        entry["zone"] = json!({"id": ZONE, "name": "example.com"});
    }
    entry["actor"]["x_added"] = json!(crate::demo::data::FUTURE_MARK);
    entry
}

/// Whether the query filters the entries (any filter, negation or category).
fn filtered(query: &[(String, String)], products: &[&str]) -> bool {
    let names = v2_facts(0).map(|(name, _)| name);
    !products.is_empty()
        || query.iter().any(|(key, _)| {
            let name = key.strip_suffix(".not").unwrap_or(key);
            names.contains(&name)
        })
}

/// Whether v2 entry `i` passes every filter and negation of the query.
fn v2_keeps(i: usize, query: &[(String, String)], products: &[&str]) -> bool {
    let facts = v2_facts(i);
    let in_category = products.is_empty() || products.contains(&facts[4].1.as_str());
    in_category
        && facts.iter().all(|(name, value)| {
            let wanted: Vec<&str> = query
                .iter()
                .filter(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
                .collect();
            let not = format!("{name}.not");
            let refused = query.iter().any(|(k, v)| *k == not && v == value);
            (wanted.is_empty() || wanted.contains(&value.as_str())) && !refused
        })
}

/// The products the query's `product_category` values expand to (none: no such filter), or
/// the category that does not exist.
fn category_products(query: &[(String, String)]) -> Result<Vec<&'static str>, String> {
    let mut products = Vec::new();
    for (_, wanted) in query.iter().filter(|(k, _)| k == "product_category") {
        let Some((_, _, members)) = CATEGORIES.iter().find(|(value, ..)| value == wanted) else {
            return Err(wanted.clone());
        };
        products.extend(members.iter().map(|(value, _)| *value));
    }
    Ok(products)
}

fn refused(code: u32, message: &str) -> Response {
    let error = json!({"code": code, "message": message});
    respond(
        400,
        &json!({"success": false, "errors": [error], "messages": []}),
    )
}

/// The window of a v2 request, or why it is refused.
fn window(query: &[(String, String)]) -> Result<(), Response> {
    let (Some(since), Some(_)) = (time_param(query, "since"), time_param(query, "before")) else {
        return Err(refused(1001, "since and before are required"));
    };
    if since < Utc::now() - Duration::days(548) {
        return Err(refused(1002, "since is outside the retention period"));
    }
    Ok(())
}

/// Which v2 log's entries these are (an organization's differ from the account's).
fn log_name(organization: bool) -> &'static str {
    if organization {
        "v2 organization"
    } else {
        "v2 account"
    }
}

/// One cursor page of `picked` (cursors `{prefix}{offset}`), with `info` added to its
/// `result_info`.
fn cursor_page(
    query: &[(String, String)],
    picked: &Picked,
    prefix: &str,
    (rendered, log): (&mut Rendered, &'static str),
    make: impl Fn(usize) -> Value,
    info: Value,
) -> Response {
    let offset: usize = param(query, "cursor")
        .and_then(|c| c.strip_prefix(prefix))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let limit: usize = param(query, "limit")
        .and_then(|p| p.parse().ok())
        .unwrap_or(100)
        .max(1);
    let numbers = picked.page(offset, limit);
    let next = offset + numbers.len();
    let after = (next < picked.len()).then(|| format!("{prefix}{next}"));
    let mut info_out = json!({"count": next - offset, "cursors": {"after": after}});
    if let (Some(out), Value::Object(extra)) = (info_out.as_object_mut(), info) {
        out.extend(extra);
    }
    rendered.page(log, &numbers, info_out, make)
}

/// The history of the resource v2 entry `id` changed, as the demo answers it: the source
/// entry (found by its ID and `action_time`), and how the resource was identified.
fn history(logs: &mut Logs, query: &[(String, String)], id: &str, organization: bool) -> Response {
    let (count, shape) = (logs.v2, logs.shape);
    let resources = shape.resources.max(1);
    if param(query, "action_time").is_none() {
        return refused(1001, "action_time is required");
    }
    let source = id
        .strip_prefix("2b6e0c1a-0000-4000-8000-")
        .and_then(|hex| usize::from_str_radix(hex, 16).ok())
        .filter(|&i| i < count && entry_id(i) == id)
        .filter(|&i| time_param(query, "action_time") == Some(shape.at(v2_time, i)));
    let Some(source) = source else {
        return cursor_page(
            query,
            &Picked::none(),
            cursors::HISTORY,
            (&mut logs.rendered, log_name(organization)),
            |_| Value::Null,
            json!({"history_status": "unavailable"}),
        );
    };
    let status = match V2_ACTIONS[source % V2_ACTIONS.len()] {
        "delete" => "approximate",
        _ => "exact",
    };
    let descending = param(query, "direction") != Some("asc");
    let picked = select(
        count,
        |i| shape.at(v2_time, i),
        query,
        descending,
        (resources > 1).then_some(|i: usize| i % resources == source % resources),
    );
    cursor_page(
        query,
        &picked,
        cursors::HISTORY,
        (&mut logs.rendered, log_name(organization)),
        |i| audit_log_v2(i, organization, shape),
        json!({"history_status": status}),
    )
}

/// Mounts the v2 lists, histories and product categories on `server`.
pub(crate) fn mount(router: &mut Router, logs: &Arc<Mutex<Logs>>) {
    let owners = [
        (format!("accounts/{ACCOUNT}"), false),
        (format!("organizations/{ORGANIZATION}"), true),
    ];
    for (owner, organization) in owners.clone() {
        let state = logs.clone();
        router.route(
            Path::Exact(format!("/client/v4/{owner}/logs/audit")),
            move |request: &Request| {
                let query = request.query_params();
                let Ok(mut logs) = state.lock() else {
                    return respond(500, &json!({"success": false}));
                };
                logs.requests.push(std::time::Instant::now());
                if let Err(refusal) = window(&query) {
                    return refusal;
                }
                let products = match category_products(&query) {
                    Ok(products) => products,
                    Err(unknown) => {
                        return refused(1003, &format!("unknown product category {unknown}"));
                    }
                };
                if param(&query, "cursor").is_some() && logs.fail_once.remove("v2 page 2") {
                    return Response::builder()
                        .status(502)
                        .header("content-type", "text/html")
                        .body("<html>502 Bad Gateway</html>")
                        .build();
                }
                let descending = param(&query, "direction") != Some("asc");
                let shape = logs.shape;
                let picked = select(
                    logs.v2,
                    |i| shape.at(v2_time, i),
                    &query,
                    descending,
                    filtered(&query, &products)
                        .then_some(|i: usize| v2_keeps(i, &query, &products)),
                );
                let entries = (&mut logs.rendered, log_name(organization));
                let entry = |i| audit_log_v2(i, organization, shape);
                cursor_page(&query, &picked, cursors::V2, entries, entry, json!({}))
            },
        );
    }
    for (owner, organization) in owners {
        let state = logs.clone();
        let histories = Path::Segment {
            prefix: format!("/client/v4/{owner}/logs/audit/"),
            suffix: "/history".into(),
        };
        router.route(histories, move |request: &Request| {
            let query = request.query_params();
            let path = request.path().to_owned();
            let id = path.rsplit('/').nth(1).unwrap_or_default();
            let Ok(mut logs) = state.lock() else {
                return respond(500, &json!({"success": false}));
            };
            logs.requests.push(std::time::Instant::now());
            match window(&query) {
                Ok(()) => history(&mut logs, &query, id, organization),
                Err(refusal) => refusal,
            }
        });
    }
    router.route(
        Path::Exact(format!(
            "/client/v4/accounts/{ACCOUNT}/logs/audit/product_categories"
        )),
        |_: &Request| {
            let categories = CATEGORIES.map(|(value, label, products)| {
                let products: Vec<Value> = products
                    .iter()
                    .map(|(value, label)| json!({"value": value, "label": label}))
                    .collect();
                json!({"value": value, "label": label, "products": products})
            });
            let body = json!({"success": true, "errors": [], "messages": [], "result": categories});
            respond(200, &body)
        },
    );
}
