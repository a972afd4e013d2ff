//! What goes on the wire: paths, the literal dotted query names, time formats, enums, auth
//! headers and the headers the crate adds or leaves out.

use crate::common;

use chrono::{NaiveDate, TimeZone, Utc};
use cloudflare_audit_logs::{
    AuditLogsFilters, Client, Credentials, Direction, FieldChanged, InsightsScope, Order,
};
use common::*;
use httpmock::prelude::*;

#[tokio::test]
async fn account_filters_use_literal_wire_names_and_formats() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(ACCOUNT_PATH)
                .query_param("id", "f174be97-19b1-40d6-954d-70cd5fbd52db")
                .query_param("export", "false")
                .query_param("action.type", "add")
                .query_param("actor.ip", "17.168.228.0/24")
                .query_param("actor.email", "alice+audit@example.com")
                .query_param("since", "2026-01-02T03:04:05.500Z")
                .query_param("before", "2026-02-01")
                .query_param("zone.name", "example.com")
                .query_param("direction", "asc")
                .query_param("per_page", "1000")
                .query_param("page", "1")
                .query_param("hide_user_logs", "true")
                .query_param_missing("action[type]")
                .query_param_missing("actor[email]");
            then.status(200).json_body(envelope(vec![], None));
        })
        .await;

    let since =
        Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap() + chrono::Duration::milliseconds(500);
    let page = client(&server)
        .account_audit_logs(ACCOUNT)
        // `export` has no setter (its CSV answer does not decode); it is a filter all the same.
        .filters(AuditLogsFilters {
            export: Some(false),
            ..Default::default()
        })
        .id("f174be97-19b1-40d6-954d-70cd5fbd52db")
        .action_type("add")
        .actor_ip("17.168.228.0/24")
        .actor_email("alice+audit@example.com")
        .since(since)
        .before(NaiveDate::from_ymd_opt(2026, 2, 1).unwrap())
        .zone_name("example.com")
        .direction(Direction::Asc)
        .per_page(1000)
        .hide_user_logs(true)
        .send()
        .await
        .expect("the request matches");
    assert!(page.entries.is_empty());
    mock.assert_async().await;
}

#[tokio::test]
async fn account_time_with_offset_is_sent_in_utc_and_date_as_full_date() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(ACCOUNT_PATH)
                .query_param("since", "2026-03-01")
                .query_param("before", "2026-03-04T22:00:00Z");
            then.status(200).json_body(envelope(vec![], None));
        })
        .await;
    let before = chrono::DateTime::parse_from_rfc3339("2026-03-05T00:00:00+02:00").unwrap();
    client(&server)
        .account_audit_logs(ACCOUNT)
        .since(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap())
        .before(before.with_timezone(&Utc))
        .send()
        .await
        .expect("the request matches");
    mock.assert_async().await;
}

#[tokio::test]
async fn insights_filters_for_a_zone() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(INSIGHTS_ZONE_PATH)
                .query_param("field_changed", "user_classification")
                .query_param("changed_by", "system")
                .query_param("since", "2026-01-01T00:00:00Z")
                .query_param("before", "2026-01-31T23:59:59.123456Z")
                .query_param("order", "asc")
                .query_param("per_page", "500")
                .query_param("cursor", "abc/+=")
                .query_param_missing("page");
            then.status(200).json_body(envelope(vec![], None));
        })
        .await;
    let before = Utc.with_ymd_and_hms(2026, 1, 31, 23, 59, 59).unwrap()
        + chrono::Duration::microseconds(123_456);
    client(&server)
        .insights_audit_log(InsightsScope::Zone(ZONE.into()))
        .field_changed(FieldChanged::UserClassification)
        .changed_by("system")
        .since(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap())
        .before(before)
        .order(Order::Desc)
        .order(Order::Asc)
        .per_page(500)
        .cursor("abc/+=")
        .send()
        .await
        .expect("the request matches");
    mock.assert_async().await;
}

#[tokio::test]
async fn insights_for_an_account_use_the_account_path_and_send_no_unset_filters() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(INSIGHTS_ACCOUNT_PATH)
                .query_param_missing("cursor")
                .query_param_missing("order")
                .query_param_missing("per_page")
                .query_param_missing("since");
            then.status(200).json_body(envelope(vec![], None));
        })
        .await;
    client(&server)
        .insights_audit_log(InsightsScope::Account(ACCOUNT.into()))
        .send()
        .await
        .expect("the request matches");
    mock.assert_async().await;
}

#[tokio::test]
async fn api_token_goes_as_bearer_with_our_user_agent_and_no_api_version() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(ACCOUNT_PATH)
                .header("authorization", format!("Bearer {TOKEN}"))
                .header("accept", "application/json")
                .header(
                    "user-agent",
                    format!("cloudflare-audit-logs/{} (rust)", env!("CARGO_PKG_VERSION")),
                )
                .header_missing("x-auth-key")
                .header_missing("x-auth-email")
                .header_missing("api-version");
            then.status(200).json_body(envelope(vec![], None));
        })
        .await;
    client(&server)
        .account_audit_logs(ACCOUNT)
        .send()
        .await
        .expect("headers match");
    mock.assert_async().await;
}

#[tokio::test]
async fn global_key_goes_as_email_and_key_headers_without_authorization() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(INSIGHTS_ZONE_PATH)
                .header("x-auth-email", "me@example.com")
                .header("x-auth-key", "144c9defac04969c7bfad8efaa8ea194")
                .header_missing("authorization");
            then.status(200).json_body(envelope(vec![], None));
        })
        .await;
    let client = Client::builder()
        .credentials(Credentials::global_key(
            "me@example.com",
            "144c9defac04969c7bfad8efaa8ea194",
        ))
        .base_url(server.url("/client/v4/"))
        .user_agent("my-siem/2.0")
        .build()
        .unwrap();
    client
        .insights_audit_log(InsightsScope::Zone(ZONE.into()))
        .send()
        .await
        .expect("headers match");
    mock.assert_async().await;
}

#[tokio::test]
async fn a_custom_user_agent_replaces_ours() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.path(ACCOUNT_PATH).header("user-agent", "my-siem/2.0");
            then.status(200).json_body(envelope(vec![], None));
        })
        .await;
    let client = Client::builder()
        .credentials(Credentials::api_token(TOKEN))
        .base_url(server.url("/client/v4"))
        .user_agent("my-siem/2.0")
        .build()
        .unwrap();
    client
        .account_audit_logs(ACCOUNT)
        .send()
        .await
        .expect("user agent matches");
    mock.assert_async().await;
}

#[tokio::test]
async fn the_generated_client_shares_credentials_and_seam() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.path(ACCOUNT_PATH)
                .header("authorization", format!("Bearer {TOKEN}"))
                .header_missing("api-version")
                .query_param("page", "7");
            then.status(200).json_body(envelope(audit_logs(0, 1), None));
        })
        .await;
    let client = client(&server);
    let response = client
        .generated()
        .account_audit_logs()
        .account_id(ACCOUNT)
        .page(7u64)
        .send()
        .await
        .expect("generated call succeeds");
    assert_eq!(response.status(), 200);
    assert_eq!(response.into_inner().result.map(|r| r.len()), Some(1));
    mock.assert_async().await;
}
