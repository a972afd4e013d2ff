//! Parity with the official Python SDK: on the same server, for both endpoints and with
//! filters, this crate yields the same entries in the same order.
//!
//! It runs the `cloudflare` package (5.9.0) in the environment `python` makes from
//! `tests/python/requirements.txt`.

use crate::python::python;
use cloudflare_audit_logs_cli::demo;

use std::process::Command;

use chrono::{TimeZone, Utc};
use cloudflare_audit_logs::{
    Client, Credentials, Direction, FieldChanged, InsightsScope, Order, RetryPolicy, TimeBound,
};
use futures::TryStreamExt;
use serde_json::json;

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/list_ids.py");

/// The IDs the official SDK lists. It blocks, so it runs off the async workers.
pub(crate) async fn python_ids(
    base: String,
    endpoint: &'static str,
    owner: &'static str,
    kwargs: serde_json::Value,
) -> Vec<String> {
    tokio::task::spawn_blocking(move || {
        let output = Command::new(python())
            .args([SCRIPT, &base, endpoint, owner, &kwargs.to_string()])
            .output()
            .expect("the Python test environment runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout)
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect()
    })
    .await
    .unwrap()
}

pub(crate) fn client(demo: &demo::Demo) -> Client {
    Client::builder()
        .credentials(Credentials::api_token("parity"))
        .base_url(demo.base_url())
        .retry_policy(RetryPolicy::default())
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_entries_in_the_same_order_as_the_python_sdk() {
    let demo = demo::Demo::start(137, 101)
        .await
        .expect("the demo server starts");
    let client = client(&demo);
    let since = Utc.with_ymd_and_hms(2026, 11, 1, 1, 0, 0).unwrap();
    let before = Utc.with_ymd_and_hms(2026, 11, 1, 3, 0, 0).unwrap();

    // The account audit logs: no filter, then filters.
    let cases = [
        (json!({"per_page": 20}), None, None, None, None),
        (
            json!({"per_page": 7, "direction": "asc"}),
            Some(Direction::Asc),
            None,
            None,
            None,
        ),
        (
            json!({"per_page": 9, "action": {"type": "add"}}),
            None,
            Some("add"),
            None,
            None,
        ),
        (
            json!({"per_page": 5, "actor": {"email": "bob@example.com"}, "since": since.to_rfc3339(), "before": before.to_rfc3339()}),
            None,
            None,
            Some("bob@example.com"),
            Some((since, before)),
        ),
    ];
    for (kwargs, direction, action, email, window) in cases {
        let per_page = kwargs["per_page"].as_u64().unwrap();
        let theirs = python_ids(demo.base_url(), "account", demo::ACCOUNT, kwargs.clone()).await;
        let mut request = client.account_audit_logs(demo::ACCOUNT).per_page(per_page);
        if let Some(d) = direction {
            request = request.direction(d);
        }
        if let Some(a) = action {
            request = request.action_type(a);
        }
        if let Some(e) = email {
            request = request.actor_email(e);
        }
        if let Some((s, b)) = window {
            request = request.since(s).before(TimeBound::from(b));
        }
        let ours: Vec<String> = request
            .stream()
            .map_ok(|e| e.id.unwrap_or_default())
            .try_collect()
            .await
            .unwrap();
        assert!(!ours.is_empty(), "{kwargs}");
        assert_eq!(ours, theirs, "account audit logs with {kwargs}");
    }

    // The insights audit log of a zone: no filter, then filters.
    let cases = [
        (json!({"per_page": 25}), None, None, None, None),
        (
            json!({"per_page": 8, "order": "asc"}),
            Some(Order::Asc),
            None,
            None,
            None,
        ),
        (
            json!({"per_page": 6, "field_changed": "status", "changed_by": "system"}),
            None,
            Some(FieldChanged::Status),
            Some("system"),
            None,
        ),
        (
            json!({"per_page": 4, "since": since.to_rfc3339(), "before": before.to_rfc3339(), "order": "asc"}),
            Some(Order::Asc),
            None,
            None,
            Some((since, before)),
        ),
    ];
    for (kwargs, order, field, changed_by, window) in cases {
        let per_page = kwargs["per_page"].as_u64().unwrap();
        let theirs = python_ids(demo.base_url(), "insights", demo::ZONE, kwargs.clone()).await;
        let mut request = client
            .insights_audit_log(InsightsScope::Zone(demo::ZONE.into()))
            .per_page(per_page);
        if let Some(o) = order {
            request = request.order(o);
        }
        if let Some(f) = field {
            request = request.field_changed(f);
        }
        if let Some(c) = changed_by {
            request = request.changed_by(c);
        }
        if let Some((s, b)) = window {
            request = request.since(s).before(b);
        }
        let ours: Vec<String> = request
            .stream()
            .map_ok(|e| e.id.map(|id| id.to_string()).unwrap_or_default())
            .try_collect()
            .await
            .unwrap();
        assert!(!ours.is_empty(), "{kwargs}");
        assert_eq!(ours, theirs, "insights audit log with {kwargs}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_entries_for_the_user_log_and_audit_logs_v2() {
    let demo = demo::Demo::start(137, 0)
        .await
        .expect("the demo server starts");
    let client = client(&demo);

    // The user log: no filter, then filters.
    for (kwargs, filtered) in [
        (json!({"per_page": 20}), false),
        (
            json!({"per_page": 9, "action": {"type": "add"}, "direction": "asc"}),
            true,
        ),
    ] {
        let theirs = python_ids(demo.base_url(), "user", "-", kwargs.clone()).await;
        let mut request = client
            .user_audit_logs()
            .per_page(kwargs["per_page"].as_u64().unwrap());
        if filtered {
            request = request.action_type("add").direction(Direction::Asc);
        }
        let ours: Vec<String> = request
            .stream()
            .map_ok(|e| e.id.unwrap_or_default())
            .try_collect()
            .await
            .unwrap();
        assert!(!ours.is_empty(), "{kwargs}");
        assert_eq!(ours, theirs, "user audit logs with {kwargs}");
    }

    // Audit Logs v2 of the account and of the organization: a window, then negations (the
    // only filters the SDK models) and the direction.
    let (since, before) = ("2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z");
    let window = |extra: serde_json::Value| {
        let mut kwargs = json!({"since": since, "before": before});
        kwargs
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        kwargs
    };
    let negations = json!({
        "action_type": {"not": ["delete"]},
        "actor_context": {"not": ["dash", "api"]},
        "direction": "asc"
    });
    for (log, owner) in [
        ("v2-account", demo::ACCOUNT),
        ("v2-organization", demo::ORGANIZATION),
    ] {
        for filtered in [false, true] {
            let kwargs = window(if filtered {
                negations.clone()
            } else {
                json!({})
            });
            let theirs = python_ids(demo.base_url(), log, owner, kwargs.clone()).await;
            let (s, b) = (
                since.parse::<TimeBound>().unwrap(),
                before.parse::<TimeBound>().unwrap(),
            );
            // The account and organization requests are different types with the same setters.
            macro_rules! ids {
                ($request:expr) => {{
                    let mut request = $request.limit(17);
                    if filtered {
                        request = request
                            .not_action_type("delete")
                            .not_actor_context("dash")
                            .not_actor_context("api")
                            .direction(Direction::Asc);
                    }
                    request
                        .stream()
                        .map_ok(|e| e.id.unwrap_or_default())
                        .try_collect::<Vec<String>>()
                        .await
                        .unwrap()
                }};
            }
            let ours = match log {
                "v2-account" => ids!(client.account_audit_logs_v2(owner, s, b)),
                _ => ids!(client.organization_audit_logs_v2(owner, s, b)),
            };
            assert!(!ours.is_empty(), "{log} {kwargs}");
            assert_eq!(ours, theirs, "{log} with {kwargs}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_entries_for_an_insight_and_the_access_logs() {
    use cloudflare_audit_logs::ScimStatus;
    let demo = demo::Demo::start(0, 101)
        .await
        .expect("the demo server starts");
    let client = client(&demo);

    // One insight's log, paged by cursor on both sides.
    let kwargs = json!({"issue_id": "insight-2", "per_page": 7});
    let theirs = python_ids(demo.base_url(), "insight", demo::ZONE, kwargs).await;
    let ours: Vec<String> = client
        .insight_audit_log(InsightsScope::Zone(demo::ZONE.into()), "insight-2")
        .per_page(7)
        .stream()
        .map_ok(|e| e.id.map(|id| id.to_string()).unwrap_or_default())
        .try_collect()
        .await
        .unwrap();
    assert!(ours.len() > 7, "several pages: {}", ours.len());
    assert_eq!(ours, theirs, "one insight's audit log");

    // SCIM updates: the SDK asks for page + 1 until a page is empty; this crate stops at
    // `total_pages`. The same updates, in the same order.
    let kwargs =
        json!({"idp_id": ["okta-demo", "azure-demo"], "per_page": 20, "status": ["SUCCESS"]});
    let theirs = python_ids(demo.base_url(), "scim", demo::ACCOUNT, kwargs).await;
    let ours: Vec<String> = client
        .access_scim_update_logs(demo::ACCOUNT, "okta-demo")
        .idp_id("azure-demo")
        .per_page(20)
        .status(ScimStatus::Success)
        .stream()
        .map_ok(|e| e.cf_resource_id.unwrap_or_default())
        .try_collect()
        .await
        .unwrap();
    assert!(ours.len() > 20, "several pages: {}", ours.len());
    assert_eq!(ours, theirs, "SCIM update logs");

    // Access authentication logs: the SDK returns one page and does not page; this crate
    // pages to the end, so its pages of 50 hold what the SDK's one page of 1000 holds.
    let all = python_ids(
        demo.base_url(),
        "access",
        demo::ACCOUNT,
        json!({"per_page": 1000}),
    )
    .await;
    let one_page = python_ids(
        demo.base_url(),
        "access",
        demo::ACCOUNT,
        json!({"per_page": 50}),
    )
    .await;
    assert_eq!(one_page.len(), 50, "the SDK stops after one page");
    let ours: Vec<String> = client
        .access_authentication_logs(demo::ACCOUNT)
        .per_page(50)
        .stream()
        .map_ok(|e| e.ray_id.unwrap_or_default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        ours.len(),
        cloudflare_audit_logs_cli::demo::access::ACCESS_EVENTS
    );
    assert_eq!(ours, all, "Access authentication logs");
}
