//! The per-insight audit log, Access authentication logs and Access SCIM update logs: every
//! parameter on the wire under its own name, every end form, resume tokens, and input checks
//! before any request.

use crate::common;

use cloudflare_audit_logs::{
    AccessEmailOp, AccessOp, Error, InsightsScope, Order, ScimRequestMethod, ScimStatus,
};
use common::*;
use futures::TryStreamExt;
use httpmock::prelude::*;
use serde_json::{Value, json};

const ACCESS_PATH: &str =
    "/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/access/logs/access_requests";
const SCIM_PATH: &str =
    "/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/access/logs/scim/updates";

fn event(i: usize) -> Value {
    json!({
        "action": "login", "allowed": !i.is_multiple_of(3), "app_domain": "app.example.com",
        "app_uid": "df7e2w5f-02b7-4d9d-af26-8d1988fca630", "connection": "saml",
        "created_at": format!("2026-11-01T00:{:02}:00Z", i % 60), "ip_address": "198.51.100.7",
        "ray_id": format!("{i:016x}"), "user_email": "user@example.com", "country": "de"
    })
}

fn update(i: usize) -> Value {
    json!({
        "cf_resource_id": format!("r{i}"), "idp_id": "okta", "idp_resource_id": "x",
        "logged_at": format!("2026-11-01T00:{:02}:00Z", i % 60), "request_body": "{\"op\":\"add\"}",
        "request_method": "PATCH", "resource_type": "USER", "resource_user_email": "u@example.com",
        "status": if i == 1 { "ERROR" } else { "SUCCESS" }
    })
}

/// Serves `body` for `page` (the first page is asked for as `page=1`).
async fn page<'a>(
    server: &'a MockServer,
    path: &str,
    page: u64,
    body: Value,
) -> httpmock::Mock<'a> {
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path(path)
                .query_param("page", page.to_string());
            then.status(200).json_body(body);
        })
        .await
}

#[tokio::test]
async fn access_authentication_logs_page_to_an_empty_page_when_nothing_says_more() {
    let server = MockServer::start_async().await;
    // No result_info at all (the SDK drops it): the pages end at the first empty one.
    let bodies = [
        envelope((0..2).map(event).collect(), None),
        envelope((2..4).map(event).collect(), None),
        envelope(vec![event(4)], None),
        envelope(vec![], None),
    ];
    let mut mocks = Vec::new();
    for (i, body) in bodies.into_iter().enumerate() {
        // Every filter goes out under its wire name on every page.
        let mock = server
            .mock_async(|when, then| {
                when.method(GET)
                    .path(ACCESS_PATH)
                    .query_param("page", (i + 1).to_string())
                    .query_param("emailOp", "contains")
                    .query_param("allowedOp", "neq")
                    .query_param("ray_idOp", "eq")
                    .query_param("email", "@example.com")
                    .query_param("direction", "asc")
                    .query_param("per_page", "2")
                    .query_param_exists("until");
                then.status(200).json_body(body);
            })
            .await;
        mocks.push(mock);
    }
    let entries: Vec<_> = client(&server)
        .access_authentication_logs(ACCOUNT)
        .email("@example.com")
        .email_op(AccessEmailOp::Contains)
        .allowed_op(AccessOp::Neq)
        .ray_id_op(AccessOp::Eq)
        .direction(Order::Asc)
        .per_page(2)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let rays: Vec<_> = entries.iter().map(|e| e.ray_id.clone().unwrap()).collect();
    assert_eq!(
        rays,
        (0..5).map(|i| format!("{i:016x}")).collect::<Vec<_>>()
    );
    // What no schema names yet is kept.
    assert_eq!(entries[0].extra["country"], "de");
    for mock in &mocks {
        mock.assert_calls_async(1).await;
    }
}

#[tokio::test]
async fn access_authentication_logs_stop_at_total_pages_and_resume_from_a_token() {
    let server = MockServer::start_async().await;
    let info = |page: u64| Some(json!({"page": page, "per_page": 2, "total_pages": 2}));
    let first = page(
        &server,
        ACCESS_PATH,
        1,
        envelope(vec![event(0), event(1)], info(1)),
    )
    .await;
    let second = page(
        &server,
        ACCESS_PATH,
        2,
        envelope(vec![event(2), event(3)], info(2)),
    )
    .await;
    let third = page(&server, ACCESS_PATH, 3, envelope(vec![event(9)], info(3))).await;
    let request = || {
        client(&server)
            .access_authentication_logs(ACCOUNT)
            .per_page(2)
    };
    let mut pages = request().pages();
    let one = pages.try_next().await.unwrap().unwrap();
    assert_eq!(one.entries.len(), 2);
    let token = one.next.clone().expect("a second page");
    drop(pages);
    let rest: Vec<_> = request()
        .resume(token)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rest.len(), 2);
    assert_eq!(rest[0].ray_id.as_deref(), Some("0000000000000002"));
    // The resumed run starts at page 2 (fetched ahead by the first run too), and stops at
    // `total_pages` without asking for page 3.
    first.assert_calls_async(1).await;
    assert!(second.calls_async().await >= 1);
    third.assert_calls_async(0).await;
}

#[tokio::test]
async fn scim_update_logs_send_every_identity_provider_and_keep_open_values() {
    let server = MockServer::start_async().await;
    let info = Some(json!({"page": 1, "per_page": 3, "total_pages": 1}));
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(SCIM_PATH)
                .query_param("idp_id", "okta")
                .query_param("idp_id", "azure")
                .query_param("status", "FAILURE")
                .query_param("request_method", "PATCH")
                .query_param("request_method", "POST")
                .query_param("page", "1");
            then.status(200)
                .json_body(envelope((0..3).map(update).collect(), info));
        })
        .await;
    let entries: Vec<_> = client(&server)
        .access_scim_update_logs(ACCOUNT, "okta")
        .idp_id("azure")
        .status(ScimStatus::Failure)
        .request_method(ScimRequestMethod::Patch)
        .request_method(ScimRequestMethod::Post)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(entries.len(), 3);
    // The docs' `ERROR` beside the SDK's `FAILURE`: a plain string, either way.
    assert_eq!(entries[1].status.as_deref(), Some("ERROR"));
    assert_eq!(entries[0].request_body.as_deref(), Some("{\"op\":\"add\"}"));
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn insight_audit_logs_follow_cursors_on_the_insights_path() {
    let server = MockServer::start_async().await;
    let path = format!("/client/v4/zones/{ZONE}/security-center/insights/issue-7/audit-log");
    let cursor = |c: Value| Some(json!({"count": 2, "per_page": 2, "cursor": c}));
    let one = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(&path)
                .query_param_missing("cursor")
                .query_param("order", "asc");
            then.status(200)
                .json_body(envelope(insights(0, 2), cursor(json!("c1"))));
        })
        .await;
    let two = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(&path)
                .query_param("cursor", "c1")
                .query_param("order", "asc");
            then.status(200)
                .json_body(envelope(insights(2, 3), cursor(json!(""))));
        })
        .await;
    let entries: Vec<_> = client(&server)
        .insight_audit_log(InsightsScope::Zone(ZONE.into()), "issue-7")
        .order(Order::Asc)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(numbers_of_insights(&entries), vec![0, 1, 2]);
    one.assert_calls_async(1).await;
    two.assert_calls_async(1).await;
}

#[tokio::test]
async fn bad_identifiers_are_refused_before_any_request() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(envelope(vec![], None));
        })
        .await;
    let c = client(&server);
    for issue in ["..", "a/b", "", "x?y"] {
        let scope = InsightsScope::Account(ACCOUNT.into());
        let error = c.insight_audit_log(scope, issue).send().await.unwrap_err();
        assert!(
            matches!(error, Error::InvalidInput(_)),
            "{issue:?}: {error}"
        );
    }
    let error = c
        .access_scim_update_logs(ACCOUNT, "")
        .send()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("idp_id"), "{error}");
    let error = c
        .access_authentication_logs("../x")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidInput(_)), "{error}");
    any.assert_calls_async(0).await;
}
