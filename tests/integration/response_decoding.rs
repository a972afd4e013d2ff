//! Forward compatibility and leniency: unknown fields and enum values, nulls, and values of
//! other types than upstream documents.

use crate::common;

use cloudflare_audit_logs::{ActorType, ChangedField, FieldChanged, InsightsScope};
use common::*;
use futures::TryStreamExt;
use httpmock::prelude::*;
use serde_json::json;

#[tokio::test]
async fn every_documented_field_decodes_into_its_typed_form() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path(ACCOUNT_PATH);
            then.status(200)
                .json_body(envelope(vec![audit_log(7)], None));
        })
        .await;
    let page = client(&server)
        .account_audit_logs(ACCOUNT)
        .send()
        .await
        .unwrap();
    let log = &page.entries[0];
    assert_eq!(
        log.id.as_deref(),
        Some("d5b0f326-1232-4452-8858-000000000007")
    );
    let action = log.action.as_ref().unwrap();
    assert_eq!(
        (action.result, action.type_.as_deref()),
        (Some(true), Some("change_setting"))
    );
    let actor = log.actor.as_ref().unwrap();
    assert_eq!(actor.type_, Some(ActorType::User));
    assert_eq!(actor.email.as_deref(), Some("michelle@example.com"));
    assert_eq!(actor.ip.as_deref(), Some("198.41.129.166"));
    assert_eq!(log.interface.as_deref(), Some("API"));
    assert_eq!(log.metadata.as_ref().unwrap()["zone_name"], "example.com");
    assert_eq!(log.new_value, Some(json!("low")));
    assert_eq!(log.old_value, Some(json!("high")));
    assert_eq!(
        log.resource.as_ref().unwrap().type_.as_deref(),
        Some("zone")
    );
    assert_eq!(log.when.unwrap().to_rfc3339(), "2026-01-01T00:00:07+00:00");

    // Serializing gives the wire form back, camelCase values and all.
    let back = serde_json::to_value(log).unwrap();
    assert_eq!(back["newValue"], "low");
    assert_eq!(back["actor"]["type"], "user");
    assert_eq!(back["action"]["type"], "change_setting");
}

#[tokio::test]
async fn unknown_fields_and_enum_values_decode() {
    let server = MockServer::start_async().await;
    let mut log = audit_log(1);
    log["actor"]["type"] = json!("api_token");
    log["brand_new_field"] = json!({"nested": [1, 2]});
    let mut body = envelope(vec![log], Some(json!({"page": 1, "next_page": 2})));
    body["unexpected"] = json!(true);
    server
        .mock_async(|when, then| {
            when.path(ACCOUNT_PATH);
            then.status(200).json_body(body);
        })
        .await;
    let mut insight = insight(1);
    insight["field_changed"] = json!("severity");
    insight["brand_new_field"] = json!("x");
    server
        .mock_async(|when, then| {
            when.path(INSIGHTS_ZONE_PATH);
            then.status(200).json_body(envelope(vec![insight], None));
        })
        .await;
    let client = client(&server);

    let logs = client
        .account_audit_logs(ACCOUNT)
        .page(1)
        .send()
        .await
        .unwrap()
        .entries;
    let actor_type = logs[0].actor.as_ref().unwrap().type_.clone().unwrap();
    assert_eq!(actor_type, ActorType::Unknown("api_token".into()));
    assert_eq!(serde_json::to_value(&actor_type).unwrap(), "api_token");

    let entries: Vec<_> = client
        .insights_audit_log(InsightsScope::Zone(ZONE.into()))
        .stream()
        .try_collect()
        .await
        .unwrap();
    let field = entries[0].field_changed.clone().unwrap();
    assert_eq!(field, ChangedField::Unknown("severity".into()));
    assert_ne!(field, FieldChanged::Status);
}

#[tokio::test]
async fn nulls_everywhere_decode_as_absent() {
    let server = MockServer::start_async().await;
    let log = json!({
        "id": null, "action": null, "actor": {"email": null, "id": null, "ip": null, "type": null},
        "interface": null, "metadata": null, "newValue": null, "oldValue": null, "owner": null,
        "resource": {"id": null, "type": null}, "when": null
    });
    server
        .mock_async(|when, then| {
            when.path(ACCOUNT_PATH);
            then.status(200).json_body(json!({
                "success": true, "errors": null, "messages": null, "result": [log], "result_info": null
            }));
        })
        .await;
    let insight = json!({
        "id": null, "changed_at": null, "changed_by": null, "current_value": null,
        "field_changed": null, "issue_id": null, "previous_value": null, "rationale": null,
        "zone_id": null
    });
    server
        .mock_async(|when, then| {
            when.path(INSIGHTS_ACCOUNT_PATH);
            then.status(200).json_body(json!({
                "success": true, "errors": [], "messages": [], "result": [insight, {}],
                "result_info": {"count": null, "cursor": null, "per_page": null}
            }));
        })
        .await;
    let client = client(&server);

    let page = client.account_audit_logs(ACCOUNT).send().await.unwrap();
    assert_eq!(page.entries.len(), 1);
    let log = &page.entries[0];
    assert!(log.id.is_none() && log.action.is_none() && log.metadata.is_none());
    assert!(log.new_value.is_none() && log.when.is_none());
    assert!(
        !page.is_last(),
        "without result_info only an empty page proves the end, so a page 2 is still due"
    );

    let entries: Vec<_> = client
        .insights_audit_log(InsightsScope::Account(ACCOUNT.into()))
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        entries.len(),
        2,
        "entries without ids are never taken for repeats"
    );
    assert!(entries[0].current_value.is_none() && entries[0].zone_id.is_none());
}

#[tokio::test]
async fn values_that_are_not_strings_still_decode() {
    let server = MockServer::start_async().await;
    let mut log = audit_log(1);
    log["newValue"] = json!({"mode": "on", "rules": [1, 2]});
    log["oldValue"] = json!(42);
    let mut other = audit_log(2);
    other["newValue"] = json!(true);
    other["oldValue"] = json!(["a"]);
    server
        .mock_async(|when, then| {
            when.path(ACCOUNT_PATH);
            then.status(200).json_body(envelope(vec![log, other], None));
        })
        .await;
    let logs = client(&server)
        .account_audit_logs(ACCOUNT)
        .page(1)
        .send()
        .await
        .unwrap()
        .entries;
    assert_eq!(
        logs[0].new_value,
        Some(json!({"mode": "on", "rules": [1, 2]}))
    );
    assert_eq!(logs[0].old_value, Some(json!(42)));
    assert_eq!(logs[1].new_value, Some(json!(true)));
    assert_eq!(logs[1].old_value, Some(json!(["a"])));
}

#[tokio::test]
async fn zone_id_is_a_64_bit_number_and_ids_are_uuids() {
    let server = MockServer::start_async().await;
    let mut entry = insight(3);
    entry["zone_id"] = json!(9_007_199_254_740_993_i64);
    server
        .mock_async(|when, then| {
            when.path(INSIGHTS_ZONE_PATH);
            then.status(200).json_body(envelope(vec![entry], None));
        })
        .await;
    let page = client(&server)
        .insights_audit_log(InsightsScope::Zone(ZONE.into()))
        .send()
        .await
        .unwrap();
    assert_eq!(page.entries[0].zone_id, Some(9_007_199_254_740_993));
    assert_eq!(page.entries[0].id.unwrap().get_version_num(), 7);
}

/// Found by the fuzzer: a float in free-form metadata must come out as it went in, or an
/// archive would hold numbers the audit log never had.
#[tokio::test]
async fn floats_in_free_form_values_survive_exactly() {
    let server = MockServer::start_async().await;
    let mut log = audit_log(1);
    log["metadata"] = json!({"ratio": 1.1111111111111111e73, "small": 0.1, "tiny": 5e-324});
    log["newValue"] = json!(1.1111111111111111e73);
    let body = envelope(vec![log], None).to_string();
    server
        .mock_async(|when, then| {
            when.path(ACCOUNT_PATH);
            then.status(200).body(body);
        })
        .await;
    let page = client(&server)
        .account_audit_logs(ACCOUNT)
        .send()
        .await
        .unwrap();
    let log = &page.entries[0];
    let metadata = log.metadata.as_ref().unwrap();
    assert_eq!(metadata["ratio"].as_f64(), Some(1.1111111111111111e73));
    assert_eq!(metadata["small"].as_f64(), Some(0.1));
    assert_eq!(metadata["tiny"].as_f64(), Some(5e-324));
    assert_eq!(
        log.new_value.as_ref().and_then(|v| v.as_f64()),
        Some(1.1111111111111111e73)
    );
}

#[tokio::test]
async fn an_account_page_without_success_is_a_success_and_success_false_is_not() {
    // Upstream's schema admits a 2xx page with no `success` at all (a oneOf whose first
    // branch requires nothing).
    for (body, ok) in [
        (json!({"result": [audit_log(1), audit_log(2)]}), true),
        (json!({"result": [audit_log(1)], "success": true}), true),
        (
            json!({"result": [], "success": false, "errors": [{"code": 1000, "message": "no"}]}),
            false,
        ),
    ] {
        let server = MockServer::start_async().await;
        server
            .mock_async(|when, then| {
                when.path(ACCOUNT_PATH);
                then.status(200).json_body(body.clone());
            })
            .await;
        let outcome = client(&server).account_audit_logs(ACCOUNT).send().await;
        match ok {
            true => {
                let page = outcome.unwrap();
                assert_eq!(page.entries.len(), body["result"].as_array().unwrap().len());
            }
            false => {
                let error = outcome.unwrap_err();
                assert_eq!(
                    error.as_api().map(|a| a.errors()[0].code),
                    Some(1000),
                    "{error}"
                );
            }
        }
    }
}
