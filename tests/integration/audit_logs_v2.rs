//! Audit Logs v2, the user log, resource history and product categories against a recording
//! server: the wire form of every new parameter, every end form of the cursors, resume, history
//! status, open enums, faults, and hostile identifiers.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chrono::{NaiveDate, TimeZone, Utc};
use cloudflare_audit_logs::{
    ActionType, ActorContext, AuditLogV2, Client, Direction, Error, HistoryStatus, PaginationError,
    ResumeToken, V2ActorType,
};
use futures::TryStreamExt;
use serde_json::{Value, json};

use crate::common::scripted::{Reply, Request, Scripted};
use crate::common::{self, ACCOUNT, audit_log, audit_log_v2, client_for, envelope};

pub(crate) const ORGANIZATION: &str = "4f6a0c2e9b1d4e8f";
pub(crate) const ENTRY: &str = "2a3b4c5d-0000-4000-8000-000000000007";
const V2_PATH: &str = "/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/logs/audit";

pub(crate) fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, d).unwrap()
}

fn numbers(entries: &[AuditLogV2]) -> Vec<usize> {
    entries
        .iter()
        .map(|e| e.id.as_deref().unwrap()[24..].parse().unwrap())
        .collect()
}

pub(crate) fn v2_page(from: usize, to: usize, info: Value) -> Reply {
    let entries = (from..to).map(audit_log_v2).collect();
    Reply::json(200, &envelope(entries, Some(info)))
}

/// A chain of pages: the request's cursor (none for the first) picks the answer.
async fn chain(pages: Vec<(Option<&'static str>, Reply)>) -> Scripted {
    Scripted::start(move |request: &Request| {
        pages
            .iter()
            .find(|(cursor, _)| request.param("cursor") == *cursor)
            .map(|(_, reply)| reply.clone())
            .unwrap_or_else(|| Reply::json(404, &json!({"success": false})))
    })
    .await
    .expect("the scripted server starts")
}

pub(crate) fn v2(client: &Client) -> cloudflare_audit_logs::AccountAuditLogsV2Request {
    client.account_audit_logs_v2(ACCOUNT, day(1), day(31))
}

#[tokio::test]
async fn every_filter_goes_as_repeated_keys_and_negations_under_their_literal_names() {
    let server = chain(vec![(None, v2_page(0, 1, json!({})))]).await;
    let since = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
    client_for(server.base_url())
        .account_audit_logs_v2(ACCOUNT, since, day(31))
        .action_type("create")
        .action_type(ActionType::Delete)
        .not_action_type("view")
        .raw_status_code(403)
        .raw_status_code(429)
        .not_actor_context("dash")
        .actor_email("alice+audit@example.com")
        .product_category("dns")
        .resource_scope("zones")
        .direction(Direction::Asc)
        .limit(500)
        .send()
        .await
        .unwrap();
    let request = &server.requests()[0];
    assert_eq!(request.path, V2_PATH);
    let mut query = request.query.clone();
    query.sort();
    let expected: Vec<(String, String)> = [
        ("action_type", "create"),
        ("action_type", "delete"),
        ("action_type.not", "view"),
        ("actor_context.not", "dash"),
        ("actor_email", "alice+audit@example.com"),
        ("before", "2026-01-31"),
        ("direction", "asc"),
        ("limit", "500"),
        ("product_category", "dns"),
        ("raw_status_code", "403"),
        ("raw_status_code", "429"),
        ("resource_scope", "zones"),
        ("since", "2026-01-02T03:04:05Z"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(query, expected);
}

#[tokio::test]
async fn organization_history_and_user_paths_and_parameters() {
    let server = Scripted::start(|request: &Request| {
        if request.path.ends_with("/history") {
            Reply::json(
                200,
                &envelope(
                    vec![audit_log_v2(1)],
                    Some(json!({"history_status": "approximate"})),
                ),
            )
        } else if request.path.ends_with("/user/audit_logs") {
            Reply::json(
                200,
                &envelope(vec![audit_log(1)], Some(json!({"total_pages": 1}))),
            )
        } else {
            v2_page(0, 1, json!({}))
        }
    })
    .await
    .expect("the scripted server starts");
    let client = client_for(server.base_url());
    let time = Utc.with_ymd_and_hms(2026, 1, 5, 6, 7, 8).unwrap();
    client
        .organization_audit_logs_v2(ORGANIZATION, day(1), day(2))
        .not_actor_type("system")
        .send()
        .await
        .unwrap();
    let page = client
        .organization_audit_log_history(ORGANIZATION, ENTRY, time)
        .since(day(1))
        .before(day(9))
        .limit(10)
        .send()
        .await
        .unwrap();
    assert_eq!(page.info.history_status, Some(HistoryStatus::Approximate));
    let page = client
        .account_audit_log_history(ACCOUNT, ENTRY, time)
        .since(day(1))
        .before(day(9))
        .send()
        .await
        .unwrap();
    assert_eq!(page.entries.len(), 1);
    client
        .user_audit_logs()
        .actor_email("alice@example.com")
        .hide_user_logs(false)
        .per_page(50)
        .send()
        .await
        .unwrap();
    let requests = server.requests();
    let seen: Vec<(String, Vec<(String, String)>)> = requests
        .iter()
        .map(|r| {
            let mut q = r.query.clone();
            q.retain(|(k, _)| k != "before" || !r.path.ends_with("audit_logs"));
            (r.path.clone(), q)
        })
        .collect();
    let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    assert_eq!(
        seen[0].0,
        "/client/v4/organizations/4f6a0c2e9b1d4e8f/logs/audit"
    );
    assert!(seen[0].1.contains(&pair("actor_type.not", "system")));
    assert_eq!(
        seen[1].0,
        format!("/client/v4/organizations/{ORGANIZATION}/logs/audit/{ENTRY}/history")
    );
    for p in [
        pair("action_time", "2026-01-05T06:07:08Z"),
        pair("since", "2026-01-01"),
        pair("before", "2026-01-09"),
        pair("limit", "10"),
    ] {
        assert!(seen[1].1.contains(&p), "{p:?} in {:?}", seen[1].1);
    }
    assert_eq!(
        seen[2].0,
        format!("/client/v4/accounts/{ACCOUNT}/logs/audit/{ENTRY}/history")
    );
    assert_eq!(seen[3].0, "/client/v4/user/audit_logs");
    for p in [
        pair("actor.email", "alice@example.com"),
        pair("hide_user_logs", "false"),
        pair("per_page", "50"),
        pair("page", "1"),
    ] {
        assert!(seen[3].1.contains(&p), "{p:?} in {:?}", seen[3].1);
    }
    // The user log pins `before` as the account log does.
    assert!(requests[3].param("before").is_some());
}

#[tokio::test]
async fn every_end_form_of_the_cursor_ends_the_stream() {
    for last in [
        json!(null),
        json!({}),
        json!({"cursors": null}),
        json!({"cursors": {}}),
        json!({"cursors": {"after": null}}),
        json!({"cursors": {"after": ""}}),
        json!({"cursor": ""}),
        json!({"cursor": null, "cursors": {"after": null}}),
    ] {
        let server = chain(vec![
            (None, v2_page(0, 2, json!({"cursors": {"after": "c1"}}))),
            // The documentation example's form, followed too.
            (Some("c1"), v2_page(2, 3, json!({"cursor": "c2"}))),
            // An empty page that still carries a cursor goes on.
            (
                Some("c2"),
                v2_page(3, 3, json!({"cursors": {"after": "c3"}})),
            ),
            (Some("c3"), v2_page(3, 5, last.clone())),
        ])
        .await;
        let entries: Vec<_> = v2(&client_for(server.base_url()))
            .stream()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(numbers(&entries), [0, 1, 2, 3, 4], "{last}");
        assert_eq!(server.requests().len(), 4, "{last}");
    }
}

#[tokio::test]
async fn a_repeated_cursor_is_an_error_after_every_entry_once() {
    let server = chain(vec![
        (None, v2_page(0, 1, json!({"cursors": {"after": "c1"}}))),
        (
            Some("c1"),
            v2_page(1, 2, json!({"cursors": {"after": "c1"}})),
        ),
    ])
    .await;
    let mut stream = v2(&client_for(server.base_url())).stream();
    let (seen, error) = common::until_error(&mut stream).await;
    assert_eq!(numbers(&seen), [0, 1]);
    assert!(matches!(
        error,
        Error::Pagination(PaginationError::RepeatedPosition)
    ));
}

#[tokio::test]
async fn a_saved_token_resumes_its_own_v2_listing_only() {
    let server = chain(vec![
        (None, v2_page(0, 2, json!({"cursors": {"after": "c1"}}))),
        (Some("c1"), v2_page(2, 4, json!({}))),
    ])
    .await;
    let client = client_for(server.base_url());
    let first = v2(&client).action_type("create").send().await.unwrap();
    let token: ResumeToken =
        serde_json::from_str(&serde_json::to_string(&first.next).unwrap()).unwrap();
    assert_eq!(token.listing(), Some("account_audit_logs_v2"));
    assert_eq!(token.cursor(), Some("c1"));
    let rest: Vec<_> = v2(&client)
        .action_type("create")
        .resume(token.clone())
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(numbers(&rest), [2, 3]);
    let before = server.requests().len();
    for error in [
        v2(&client).resume(token.clone()).send().await.unwrap_err(),
        client
            .organization_audit_logs_v2(ORGANIZATION, day(1), day(31))
            .resume(token.clone())
            .send()
            .await
            .unwrap_err(),
        client
            .user_audit_logs()
            .resume(token)
            .send()
            .await
            .unwrap_err(),
    ] {
        assert!(matches!(error, Error::InvalidInput(_)), "{error}");
    }
    assert_eq!(server.requests().len(), before, "nothing was sent");
}

#[tokio::test]
async fn open_enums_any_json_and_the_deprecated_id_decode() {
    let mut entry = audit_log_v2(1);
    entry["actor"]["context"] = json!("mcp");
    entry["actor"]["type"] = json!("system");
    entry["action"]["type"] = json!("purge");
    entry["resource"]["response"] = json!([{"id": 1}, "two"]);
    entry["resource"]["scope"] = json!("zone");
    entry["brand_new_field"] = json!({"x": 1});
    let server = chain(vec![(
        None,
        Reply::json(
            200,
            &envelope(vec![entry], Some(json!({"history_status": "fuzzy"}))),
        ),
    )])
    .await;
    let client = client_for(server.base_url());
    // The same body as a page of a resource's history, whose pages say how it was found.
    let time = Utc.with_ymd_and_hms(2026, 1, 5, 6, 7, 8).unwrap();
    let page = client
        .account_audit_log_history(ACCOUNT, ENTRY, time)
        .since(day(1))
        .before(day(9))
        .send()
        .await
        .unwrap();
    let entry = &page.entries[0];
    let actor = entry.actor.as_ref().unwrap();
    assert_eq!(actor.context, Some(ActorContext::Unknown("mcp".into())));
    assert_eq!(actor.type_, Some(V2ActorType::System));
    assert_eq!(
        entry.action.as_ref().unwrap().type_,
        Some(ActionType::Unknown("purge".into()))
    );
    let resource = entry.resource.as_ref().unwrap();
    assert_eq!(resource.response, Some(json!([{"id": 1}, "two"])));
    assert_eq!(resource.scope, Some(json!("zone")));
    #[allow(deprecated)]
    let old_id = entry.audit_log_id.clone();
    assert_eq!(old_id, entry.id);
    assert_eq!(
        page.info.history_status,
        Some(HistoryStatus::Unknown("fuzzy".into()))
    );
}

#[tokio::test]
async fn product_categories_come_with_their_products() {
    let server = Scripted::start(|_| {
        Reply::json(
            200,
            &json!({"success": true, "errors": [], "messages": [], "result": [
                {"value": "dns", "label": "DNS", "products": [{"value": "dns_records", "label": "DNS Records"}]},
                {"value": "security", "label": "Security"}
            ]}),
        )
    })
    .await
        .expect("the scripted server starts");
    let categories = client_for(server.base_url())
        .account_audit_log_product_categories(ACCOUNT)
        .send()
        .await
        .unwrap();
    assert_eq!(categories.len(), 2);
    assert_eq!(categories[0].value.as_deref(), Some("dns"));
    assert_eq!(
        categories[0].products[0].value.as_deref(),
        Some("dns_records")
    );
    assert!(categories[1].products.is_empty());
    assert_eq!(
        server.requests()[0].path,
        format!("/client/v4/accounts/{ACCOUNT}/logs/audit/product_categories")
    );
}

#[tokio::test]
async fn v2_runs_survive_429_503_and_resets_with_every_entry_once() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let server = Scripted::start(move |request: &Request| {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        match (n, request.param("cursor")) {
            (0, _) => Reply::json(429, &json!({"success": false})).with_header("retry-after", "0"),
            (2, _) => Reply::text(503, "text/html", "<html>down</html>"),
            (4, _) => Reply::ResetMidBody {
                body: envelope(vec![audit_log_v2(9)], None)
                    .to_string()
                    .into_bytes(),
                sent: 10,
            },
            (_, None) => v2_page(0, 2, json!({"cursors": {"after": "c1"}})),
            (_, Some("c1")) => v2_page(2, 4, json!({"cursors": {"after": "c2"}})),
            (_, _) => v2_page(4, 5, json!({})),
        }
    })
    .await
    .expect("the scripted server starts");
    let entries: Vec<_> = tokio::time::timeout(
        Duration::from_secs(20),
        v2(&client_for(server.base_url())).stream().try_collect(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(numbers(&entries), [0, 1, 2, 3, 4]);
}
