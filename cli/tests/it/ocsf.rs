//! `--format ocsf`: every record of every audit log is an OCSF 1.5.0 API Activity event, every
//! Access authentication event an Authentication event and every SCIM update an Account Change
//! event, each checked against the JSON Schema of its class as OCSF publishes it (vendored in
//! `cli/ocsf/`).

use std::sync::Arc;

use cloudflare_audit_logs::{
    AccountAuditLogsV2Filters, AuditLogsFilters, Client, Credentials, InsightsAuditLogFilters,
    InsightsScope, OrganizationAuditLogsV2Filters,
};
use cloudflare_audit_logs_cli::checkpoint::Checkpoint;
use cloudflare_audit_logs_cli::demo::{self, Demo};
use cloudflare_audit_logs_cli::exporter::{self, Settings, Shutdown, Source};
use cloudflare_audit_logs_cli::logs::{Account, Insights, User, V2Account, V2Organization};
use cloudflare_audit_logs_cli::sink::{Format, Sink};
use serde_json::Value;

const SCHEMA: &str = include_str!("../../ocsf/api_activity-1.5.0-cloud.schema.json");

fn sources() -> Vec<Source> {
    vec![
        Source::Account(Account {
            account_id: demo::ACCOUNT.into(),
            filters: AuditLogsFilters::default(),
        }),
        Source::User(User {
            filters: AuditLogsFilters::default(),
        }),
        Source::Insights(Insights {
            scope: InsightsScope::Zone(demo::ZONE.into()),
            issue: None,
            filters: InsightsAuditLogFilters::default(),
        }),
        Source::V2Account(V2Account {
            account_id: demo::ACCOUNT.into(),
            filters: AccountAuditLogsV2Filters::default(),
        }),
        Source::V2Organization(V2Organization {
            organization_id: demo::ORGANIZATION.into(),
            filters: OrganizationAuditLogsV2Filters::default(),
        }),
    ]
}

#[tokio::test]
async fn every_record_of_every_log_is_a_valid_ocsf_api_activity_event() {
    let schema: Value = serde_json::from_str(SCHEMA).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let demo = Demo::start(60, 40).await.expect("the demo server starts");
    let client = Client::builder()
        .credentials(Credentials::api_token("demo"))
        .base_url(demo.base_url())
        .build()
        .unwrap();
    let none = Arc::new(Shutdown::default());
    for source in sources() {
        let mut sink = Sink::memory(Format::Ocsf);
        let outcome = exporter::run(
            &client,
            &source,
            &Settings::once(50, None),
            &mut sink,
            Checkpoint::new(source.fingerprint()),
            &none,
            &mut exporter::Quiet,
        )
        .await
        .unwrap();
        let text = String::from_utf8(sink.contents().unwrap().to_vec()).unwrap();
        let events: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(events.len() as u64, outcome.written);
        assert!(!events.is_empty(), "{}", source.name());
        for event in &events {
            let errors: Vec<String> = validator
                .iter_errors(event)
                .map(|e| e.to_string())
                .collect();
            assert!(
                errors.is_empty(),
                "{}: {errors:#?}\n{event:#}",
                source.name()
            );
            // The source and the original entry travel with the event.
            assert_eq!(event["unmapped"]["source"], source.origin());
            let entry: Value = serde_json::from_str(event["raw_data"].as_str().unwrap()).unwrap();
            assert!(entry.is_object());
            assert_eq!(
                event["type_uid"],
                event["activity_id"].as_u64().unwrap() + 600_300
            );
        }
    }
}

#[tokio::test]
async fn the_mapping_keeps_what_a_siem_searches_on() {
    let demo = Demo::start(20, 0).await.expect("the demo server starts");
    let client = Client::builder()
        .credentials(Credentials::api_token("demo"))
        .base_url(demo.base_url())
        .build()
        .unwrap();
    let none = Arc::new(Shutdown::default());
    let mut sink = Sink::memory(Format::Ocsf);
    let v2 = &sources()[3];
    exporter::run(
        &client,
        v2,
        &Settings::once(50, None),
        &mut sink,
        Checkpoint::new(v2.fingerprint()),
        &none,
        &mut exporter::Quiet,
    )
    .await
    .unwrap();
    let text = String::from_utf8(sink.contents().unwrap().to_vec()).unwrap();
    for line in text.lines() {
        let event: Value = serde_json::from_str(line).unwrap();
        let entry: Value = serde_json::from_str(event["raw_data"].as_str().unwrap()).unwrap();
        // action.type → activity (create 1, update 3, delete 4) and api.operation.
        let expected = match entry["action"]["type"].as_str().unwrap() {
            "create" => 1,
            "update" => 3,
            "delete" => 4,
            other => panic!("unexpected action {other}"),
        };
        assert_eq!(event["activity_id"], expected);
        assert_eq!(event["api"]["operation"], entry["action"]["type"]);
        // action.result → status; action.time → time (epoch milliseconds).
        let failed = entry["action"]["result"] == "failure";
        assert_eq!(event["status_id"], if failed { 2 } else { 1 });
        let time = chrono::DateTime::parse_from_rfc3339(entry["action"]["time"].as_str().unwrap())
            .unwrap();
        assert_eq!(event["time"], time.timestamp_millis());
        // actor.ip_address → src_endpoint.ip; actor.email → actor.user.email_addr.
        assert_eq!(event["src_endpoint"]["ip"], entry["actor"]["ip_address"]);
        assert_eq!(
            event["actor"]["user"]["email_addr"],
            entry["actor"]["email"]
        );
        // raw.* → http_request / http_response / api.request.uid; account → cloud.account.
        // OCSF's method list has no PATCH, which the demo sends: it goes to `unmapped`.
        assert_eq!(event["unmapped"]["http_method"], entry["raw"]["method"]);
        assert_eq!(event["http_request"]["url"]["path"], entry["raw"]["uri"]);
        assert_eq!(event["http_response"]["code"], entry["raw"]["status_code"]);
        assert_eq!(event["api"]["request"]["uid"], entry["raw"]["cf_ray_id"]);
        assert_eq!(event["cloud"]["account"]["uid"], demo::ACCOUNT);
        assert_eq!(event["metadata"]["uid"], entry["id"]);
    }
}

const AUTHENTICATION: &str = include_str!("../../ocsf/authentication-1.5.0-cloud.schema.json");
const ACCOUNT_CHANGE: &str = include_str!("../../ocsf/account_change-1.5.0-cloud.schema.json");

/// The events of `source`, each checked against `schema`.
async fn valid_events(client: &Client, source: &Source, schema: &str) -> Vec<Value> {
    let schema: Value = serde_json::from_str(schema).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut sink = Sink::memory(Format::Ocsf);
    exporter::run(
        client,
        source,
        &Settings::once(50, None),
        &mut sink,
        Checkpoint::new(source.fingerprint()),
        &Arc::new(Shutdown::default()),
        &mut exporter::Quiet,
    )
    .await
    .unwrap();
    let text = String::from_utf8(sink.contents().unwrap().to_vec()).unwrap();
    let events: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!events.is_empty(), "{}", source.name());
    for event in &events {
        let errors: Vec<String> = validator
            .iter_errors(event)
            .map(|e| e.to_string())
            .collect();
        assert!(
            errors.is_empty(),
            "{}: {errors:#?}\n{event:#}",
            source.name()
        );
        assert_eq!(event["unmapped"]["source"], source.origin());
    }
    events
}

#[tokio::test]
async fn access_events_are_ocsf_authentication_and_scim_updates_account_change() {
    let demo = Demo::start(0, 0).await.expect("the demo server starts");
    let client = Client::builder()
        .credentials(Credentials::api_token("demo"))
        .base_url(demo.base_url())
        .build()
        .unwrap();
    let access = crate::export::access();
    let events = valid_events(&client, &access, AUTHENTICATION).await;
    for event in &events {
        let entry: Value = serde_json::from_str(event["raw_data"].as_str().unwrap()).unwrap();
        assert_eq!(event["class_uid"], 3002);
        assert_eq!(
            event["type_uid"],
            event["activity_id"].as_u64().unwrap() + 300_200
        );
        let logon = entry["action"] == "login";
        assert_eq!(event["activity_id"], if logon { 1 } else { 2 });
        assert_eq!(
            event["status_id"],
            if entry["allowed"] == true { 1 } else { 2 }
        );
        assert_eq!(event["user"]["email_addr"], entry["user_email"]);
        assert_eq!(event["src_endpoint"]["ip"], entry["ip_address"]);
        assert_eq!(event["service"]["uid"], entry["app_uid"]);
        assert_eq!(event["metadata"]["uid"], entry["ray_id"]);
        let saml = entry["connection"] == "saml";
        assert_eq!(event["auth_protocol_id"], if saml { 5 } else { 99 });
    }
    let scim = crate::export::scim();
    let events = valid_events(&client, &scim, ACCOUNT_CHANGE).await;
    for event in &events {
        let entry: Value = serde_json::from_str(event["raw_data"].as_str().unwrap()).unwrap();
        assert_eq!(event["class_uid"], 3001);
        let activity = match entry["request_method"].as_str().unwrap() {
            "POST" => 1,
            "DELETE" => 6,
            _ => 99,
        };
        assert_eq!(event["activity_id"], activity);
        assert_eq!(
            event["status_id"],
            if entry["status"] == "SUCCESS" { 1 } else { 2 }
        );
        assert_eq!(event["user"]["uid"], entry["cf_resource_id"]);
        assert_eq!(event["unmapped"]["scim"]["idp_id"], entry["idp_id"]);
    }
    assert!(events.iter().any(|e| e["status_detail"].is_string()));
}
