//! Audit Logs v2 input the client refuses before any request: hostile identifiers, a window
//! missing or swapped, a zero limit.

use chrono::{TimeZone, Utc};
use cloudflare_audit_logs::Error;
use serde_json::json;

use crate::audit_logs_v2::{ENTRY, ORGANIZATION, day, v2, v2_page};
use crate::common::scripted::Scripted;
use crate::common::{ACCOUNT, client_for};

#[tokio::test]
async fn hostile_organization_and_entry_ids_are_refused_before_any_request() {
    let server = Scripted::start(|_| v2_page(0, 1, json!({})))
        .await
        .expect("the scripted server starts");
    let client = client_for(server.base_url());
    let time = Utc.with_ymd_and_hms(2026, 1, 5, 6, 7, 8).unwrap();
    for id in [
        "", "..", ".", "a/b", "a\\b", "..\\user", "%2e%2e", "a?b", "a b", "é",
    ] {
        let errors = [
            client
                .organization_audit_logs_v2(id, day(1), day(2))
                .send()
                .await
                .unwrap_err(),
            client
                .organization_audit_log_history(ORGANIZATION, id, time)
                .since(day(1))
                .before(day(2))
                .send()
                .await
                .unwrap_err(),
            client
                .account_audit_log_history(ACCOUNT, id, time)
                .since(day(1))
                .before(day(2))
                .send()
                .await
                .unwrap_err(),
            client
                .account_audit_logs_v2(id, day(1), day(2))
                .send()
                .await
                .unwrap_err(),
            client
                .account_audit_log_product_categories(id)
                .send()
                .await
                .unwrap_err(),
        ];
        for error in errors {
            assert!(matches!(error, Error::InvalidInput(_)), "{id:?}: {error}");
        }
    }
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

#[tokio::test]
async fn since_and_before_cannot_be_dropped_or_swapped_and_limit_zero_is_refused() {
    let server = Scripted::start(|_| v2_page(0, 1, json!({})))
        .await
        .expect("the scripted server starts");
    let client = client_for(server.base_url());
    let error = v2(&client)
        .filters(Default::default())
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::InvalidInput(ref m) if m.contains("since and before")),
        "{error}"
    );
    let error = v2(&client).limit(0).send().await.unwrap_err();
    assert!(
        matches!(error, Error::InvalidInput(ref m) if m.contains("limit")),
        "{error}"
    );
    // Bounds given the wrong way round, to a list or to a history, are refused by name.
    let time = Utc.with_ymd_and_hms(2026, 1, 5, 6, 7, 8).unwrap();
    let swapped = [
        client
            .account_audit_logs_v2(ACCOUNT, day(9), day(1))
            .send()
            .await
            .unwrap_err(),
        client
            .account_audit_log_history(ACCOUNT, ENTRY, time)
            .since(day(9))
            .before(time)
            .send()
            .await
            .unwrap_err(),
    ];
    for error in swapped {
        assert!(
            matches!(error, Error::InvalidInput(ref m) if m.contains("were they swapped")),
            "{error}"
        );
    }
    // A history needs its window too.
    let error = client
        .account_audit_log_history(ACCOUNT, ENTRY, time)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::InvalidInput(ref m) if m.contains("since and before")),
        "{error}"
    );
    assert!(server.requests().is_empty());
}
