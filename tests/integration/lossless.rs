//! Every field Cloudflare sends reaches the caller: against a server that adds fields no
//! schema names at every level (every JSON kind, nulls, numbers past 64 bits, `-0`), raw
//! entries come out byte for byte and typed entries keep every value they can hold; an entry
//! sent again with other content is kept and counted, never dropped.

use cloudflare_audit_logs::{Client, InsightsScope, RawEntry, TimeBound};
use futures::TryStreamExt;
use serde::Serialize;
use serde_json::{Value, json};

use crate::common::scripted::{Reply, Scripted};
use crate::common::{self, ACCOUNT, ZONE, audit_log, audit_log_v2, client_for, insight};

const ORGANIZATION: &str = "4f6a0c2e9b1d4e8f";

/// Adds fields no schema names to every object in `value`, of every JSON kind.
fn with_unknown_fields(value: &mut Value, depth: usize) {
    match value {
        Value::Object(map) => {
            for child in map.values_mut() {
                with_unknown_fields(child, depth + 1);
            }
            map.insert("x_text".into(), json!(format!("level {depth}")));
            map.insert("x_number".into(), json!(-12.5));
            map.insert("x_null".into(), Value::Null);
            map.insert("x_list".into(), json!([1, "two", null, {"k": false}]));
            map.insert("x_object".into(), json!({"deep": {"deeper": [true]}}));
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| with_unknown_fields(item, depth + 1)),
        _ => {}
    }
}

/// An entry's text as a server might write it: its fields (with unknown ones), then numbers
/// no 64-bit type holds and a negative zero, in an order serde would not choose.
fn entry_text(mut entry: Value, v1: bool) -> (Value, String) {
    if v1 {
        // The real v1 API sends these; upstream's schema does not declare them.
        entry["newValueJson"] = json!({"level": "low", "n": 3});
        entry["oldValueJson"] = json!({"level": "high"});
    }
    with_unknown_fields(&mut entry, 0);
    let text = entry.to_string();
    let text = format!(
        r#"{{"zz_first":1,"big":123456789012345678901234567890,"past_u64":18446744073709551616,"neg_zero":-0,"nested":{{"n":-0.0e0,"m":1.50}},{}"#,
        &text[1..]
    );
    (entry, text)
}

/// The path of a listing's requests, and its entries' texts and values.
fn listing(path: &str) -> Vec<(Value, String)> {
    (1..=3)
        .map(|i| match path {
            p if p.contains("security-center") => entry_text(insight(i), false),
            p if p.contains("/logs/audit") => entry_text(audit_log_v2(i), false),
            _ => entry_text(audit_log(i), true),
        })
        .collect()
}

fn page_body(entries: &[(Value, String)], info: &str) -> String {
    let texts: Vec<&str> = entries.iter().map(|(_, text)| text.as_str()).collect();
    format!(
        r#"{{"success":true,"errors":[],"messages":[],"result":[{}],"result_info":{info}}}"#,
        texts.join(",")
    )
}

async fn server() -> Scripted {
    Scripted::start(|request| {
        let info = r#"{"page":1,"per_page":3,"count":3,"total_count":3,"total_pages":1}"#;
        Reply::text(
            200,
            "application/json",
            &page_body(&listing(&request.path), info),
        )
    })
    .await
    .expect("the scripted server starts")
}

/// Every leaf of `value` that is not null, with its path.
fn leaves(value: &Value, path: String, out: &mut Vec<(String, Value)>) {
    match value {
        Value::Object(map) => map
            .iter()
            .for_each(|(k, v)| leaves(v, format!("{path}/{k}"), out)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, v)| leaves(v, format!("{path}/{i}"), out)),
        Value::Null => {}
        leaf => out.push((path, leaf.clone())),
    }
}

/// Checks one listing: raw entries byte for byte, typed ones keeping every value.
async fn check<T: Serialize>(path: &str, raw: Vec<RawEntry>, typed: Vec<T>) -> Result<(), String> {
    let sent = listing(path);
    let texts: Vec<&str> = raw.iter().map(RawEntry::json).collect();
    let expected: Vec<&str> = sent.iter().map(|(_, text)| text.as_str()).collect();
    if texts != expected {
        return Err(format!(
            "{path}: raw entries differ:\n{texts:#?}\n{expected:#?}"
        ));
    }
    for ((value, _), entry) in sent.iter().zip(&typed) {
        // Numbers no 64-bit type holds, and a negative zero, come back exactly (serde_json
        // writes an exponent with its sign: `-0.0e0` as `-0.0e+0`, the same number).
        let text = serde_json::to_string(entry).map_err(|e| e.to_string())?;
        for exact in [
            r#""big":123456789012345678901234567890"#,
            r#""past_u64":18446744073709551616"#,
            r#""neg_zero":-0"#,
            r#""n":-0.0e+0"#,
            r#""m":1.50"#,
        ] {
            if !text.contains(exact) {
                return Err(format!("{path}: the typed entry lost {exact}: {text}"));
            }
        }
        let again = serde_json::to_value(entry).map_err(|e| e.to_string())?;
        let mut held = Vec::new();
        leaves(value, String::new(), &mut held);
        for (at, leaf) in held {
            if again.pointer(&at) != Some(&leaf) {
                return Err(format!("{path}: typed entry lost {at} = {leaf}: {again}"));
            }
        }
    }
    Ok(())
}

#[tokio::test]
async fn every_listing_hands_out_entries_byte_for_byte_and_typed_ones_keep_every_value() {
    let server = server().await;
    let client: Client = client_for(server.base_url());
    let mut failures = Vec::new();
    let v1 = client.account_audit_logs(ACCOUNT);
    let outcome = check(
        common::ACCOUNT_PATH,
        v1.clone().stream_raw().try_collect().await.unwrap(),
        v1.stream().try_collect().await.unwrap(),
    );
    failures.extend(outcome.await.err());
    let user = client.user_audit_logs();
    let outcome = check(
        "/client/v4/user/audit_logs",
        user.clone().stream_raw().try_collect().await.unwrap(),
        user.stream().try_collect().await.unwrap(),
    );
    failures.extend(outcome.await.err());
    let insights = client.insights_audit_log(InsightsScope::Zone(ZONE.into()));
    let outcome = check(
        common::INSIGHTS_ZONE_PATH,
        insights.clone().stream_raw().try_collect().await.unwrap(),
        insights.stream().try_collect().await.unwrap(),
    );
    failures.extend(outcome.await.err());
    let (since, before): (TimeBound, TimeBound) =
        ("2026-01-01".parse().unwrap(), "2026-02-01".parse().unwrap());
    let v2 = client.account_audit_logs_v2(ACCOUNT, since, before);
    let outcome = check(
        "/logs/audit",
        v2.clone().stream_raw().try_collect().await.unwrap(),
        v2.stream().try_collect().await.unwrap(),
    );
    failures.extend(outcome.await.err());
    let organization = client.organization_audit_logs_v2(ORGANIZATION, since, before);
    let outcome = check(
        "/logs/audit",
        organization
            .clone()
            .stream_raw()
            .try_collect()
            .await
            .unwrap(),
        organization.stream().try_collect().await.unwrap(),
    );
    failures.extend(outcome.await.err());
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[tokio::test]
async fn a_raw_entry_gives_its_id_and_time_and_decodes_on_request() {
    let server = server().await;
    let client = client_for(server.base_url());
    let entries: Vec<RawEntry> = client
        .account_audit_logs(ACCOUNT)
        .stream_raw()
        .try_collect()
        .await
        .unwrap();
    let first = &entries[0];
    assert_eq!(first.id(), audit_log(1)["id"].as_str());
    assert_eq!(
        first.time().map(|t| t.to_rfc3339()),
        Some("2026-01-01T00:00:01+00:00".into())
    );
    let typed: cloudflare_audit_logs::AuditLog = first.decode().unwrap();
    assert_eq!(typed.id.as_deref(), first.id());
    // Read back from a saved export, the same.
    assert_eq!(&RawEntry::from_json(first.json()).unwrap(), first);
}

/// Page 1: A, B; page 2: B changed, C; page 3: A changed, D (by cursor).
fn revised_pages(cursor: Option<&str>) -> String {
    let entry = |i: usize, note: &str| {
        let mut entry = audit_log_v2(i);
        entry["action"]["description"] = json!(note);
        entry.to_string()
    };
    let (entries, next) = match cursor {
        None => (
            vec![entry(1, "A"), entry(2, "B")],
            r#"{"cursors":{"after":"c2"}}"#,
        ),
        Some("c2") => (
            vec![entry(2, "B changed"), entry(3, "C")],
            r#"{"cursors":{"after":"c3"}}"#,
        ),
        _ => (vec![entry(1, "A changed"), entry(4, "D")], "{}"),
    };
    format!(
        r#"{{"success":true,"errors":[],"messages":[],"result":[{}],"result_info":{next}}}"#,
        entries.join(",")
    )
}

#[tokio::test]
async fn an_entry_sent_again_with_other_content_is_kept_and_counted() {
    let server = Scripted::start(|request| {
        Reply::text(
            200,
            "application/json",
            &revised_pages(request.param("cursor")),
        )
    })
    .await
    .expect("the scripted server starts");
    let client = client_for(server.base_url());
    let (since, before): (TimeBound, TimeBound) =
        ("2026-01-01".parse().unwrap(), "2026-02-01".parse().unwrap());
    let pages: Vec<_> = client
        .account_audit_logs_v2(ACCOUNT, since, before)
        .pages()
        .try_collect()
        .await
        .unwrap();
    let seen: Vec<String> = pages
        .iter()
        .flat_map(|page| &page.entries)
        .map(|entry| entry.action.as_ref().unwrap().description.clone().unwrap())
        .collect();
    assert_eq!(seen, ["A", "B", "B changed", "C", "A changed", "D"]);
    let revised: Vec<usize> = pages.iter().map(|page| page.revised).collect();
    assert_eq!(revised, [0, 1, 1]);
}

#[tokio::test]
async fn raw_entries_report_what_stream_reports_and_survive_what_it_survives() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let calls = std::sync::Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    // A 429 first, then the page; a `success: false` page for the zone log.
    let server = Scripted::start(move |request| {
        if request.path.contains("security-center") {
            let body = r#"{"success":false,"errors":[{"code":10000,"message":"no"}],"messages":[],"result":[]}"#;
            return Reply::text(200, "application/json", body);
        }
        if seen.fetch_add(1, Ordering::SeqCst) == 0 {
            return Reply::json(429, &json!({"success": false})).with_header("retry-after", "0");
        }
        let info = r#"{"page":1,"per_page":3,"count":3,"total_count":3,"total_pages":1}"#;
        Reply::text(200, "application/json", &page_body(&listing(&request.path), info))
    })
    .await
        .expect("the scripted server starts");
    let client = client_for(server.base_url());
    let entries: Vec<RawEntry> = client
        .account_audit_logs(ACCOUNT)
        .stream_raw()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(entries.len(), 3);
    assert_eq!(calls.load(Ordering::SeqCst), 2, "retried once");
    let error = client
        .insights_audit_log(InsightsScope::Zone(ZONE.into()))
        .stream_raw()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(
        matches!(&error, cloudflare_audit_logs::Error::Api(api) if api.errors().first().is_some_and(|e| e.code == 10000)),
        "{error:?}"
    );
}
