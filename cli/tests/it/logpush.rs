//! Logpush records, field by field against the entries the same export writes as JSON Lines:
//! Logpush's names for the fields its datasets have, values as sent, the time in each of
//! Logpush's formats, and the rest in `Extra`, so that the entry can be put back together
//! from its record with nothing missing or changed.

use std::process::Command;

use cloudflare_audit_logs_cli::logpush::{self, EXTRA, Field, Kind};
use serde_json::{Map, Value, json};

/// The lines of the command's standard output, as JSON.
fn export(args: &[&str]) -> Vec<Value> {
    let output = Command::new(env!("CARGO_BIN_EXE_cloudflare-audit-export"))
        .args(["--demo", "-q"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

fn set(object: &mut Map<String, Value>, path: &[&str], value: Value) {
    match path {
        [] => {}
        [last] => {
            object.insert((*last).to_owned(), value);
        }
        [first, rest @ ..] => {
            let inner = object
                .entry((*first).to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(inner) = inner {
                set(inner, rest, value);
            }
        }
    }
}

/// Fills `into` from `extra`, merging objects that both hold.
fn merge(into: &mut Map<String, Value>, extra: &Map<String, Value>) {
    for (key, value) in extra {
        match (into.get_mut(key), value) {
            (Some(Value::Object(inner)), Value::Object(more)) => merge(inner, more),
            _ => {
                into.insert(key.clone(), value.clone());
            }
        }
    }
}

/// The entry a record (with RFC 3339 times) was made from, put back together.
fn rebuilt(fields: &[Field], record: &Value) -> Value {
    let mut entry = Map::new();
    for field in fields {
        let Some(value) = record.get(field.name) else {
            continue;
        };
        if field.path == ["actor", "token_"] {
            set(&mut entry, &["actor", "token_id"], value["id"].clone());
            set(&mut entry, &["actor", "token_name"], value["name"].clone());
        } else {
            set(&mut entry, field.path, value.clone());
        }
    }
    if let Some(Value::Object(extra)) = record.get(EXTRA) {
        merge(&mut entry, extra);
    }
    Value::Object(entry)
}

/// Each log's Logpush records against its JSON Lines entries.
fn check(log: &[&str], fields: &[Field], time: &[&str]) -> Vec<(Value, Value)> {
    let entries: Vec<Value> = export(log)
        .into_iter()
        .map(|r| r["entry"].clone())
        .collect();
    let records = export(&[log, &["--format", "logpush", "--timestamps", "rfc3339"]].concat());
    assert_eq!(entries.len(), records.len());
    assert!(!entries.is_empty());
    for (entry, record) in entries.iter().zip(&records) {
        // Nothing lost and nothing changed: the record holds the whole entry.
        assert_eq!(&rebuilt(fields, record), entry);
    }
    // Logpush's default: nanoseconds since the epoch, a number.
    let nanos = export(&[log, &["--format", "logpush"]].concat());
    let unix = export(&[log, &["--format", "logpush", "--timestamps", "unix"]].concat());
    let name = fields.iter().find(|f| f.kind == Kind::Time).unwrap().name;
    for ((entry, n), u) in entries.iter().zip(&nanos).zip(&unix) {
        let at = time.iter().fold(entry, |v, key| &v[key]).as_str().unwrap();
        let at = chrono::DateTime::parse_from_rfc3339(at).unwrap();
        assert_eq!(n[name], json!(at.timestamp_nanos_opt().unwrap()));
        assert_eq!(u[name], json!(at.timestamp()));
    }
    entries.into_iter().zip(records).collect()
}

#[test]
fn v1_records_take_the_audit_logs_dataset_fields() {
    let pairs = check(&["--log", "account"], logpush::AUDIT_LOGS, &["when"]);
    for (entry, record) in &pairs {
        assert_eq!(record["ID"], entry["id"]);
        assert_eq!(record["ActionResult"], entry["action"]["result"]);
        assert!(record["ActionResult"].is_boolean());
        assert_eq!(record["ActorIP"], entry["actor"]["ip"]);
        assert_eq!(record["OwnerID"], entry["owner"]["id"]);
        // Logpush's object NewValue is the API's newValueJson; the text newValue stays.
        assert_eq!(record["NewValue"], entry["newValueJson"]);
        assert_eq!(record[EXTRA]["newValue"], entry["newValue"]);
        assert_eq!(record[EXTRA]["x_added"], entry["x_added"]);
    }
    assert!(pairs.iter().any(|(_, r)| r["NewValue"].is_object()));
    check(&["--log", "user"], logpush::AUDIT_LOGS, &["when"]);
}

#[test]
fn v2_and_insights_records_take_logpush_names() {
    let pairs = check(
        &["--log", "v2"],
        logpush::AUDIT_LOGS_V2,
        &["action", "time"],
    );
    for (entry, record) in &pairs {
        assert_eq!(record["AuditLogID"], entry["id"]);
        assert_eq!(record["ActionResult"], entry["action"]["result"]);
        assert_eq!(record["ActorIPAddress"], entry["actor"]["ip_address"]);
        assert_eq!(record["ResourceScope"], entry["resource"]["scope"]);
        assert_eq!(record["AccountID"], entry["account"]["id"]);
    }
    let organization = ["--log", "v2", "--organization", "x"];
    let pairs = check(&organization, logpush::AUDIT_LOGS_V2, &["action", "time"]);
    assert!(
        pairs
            .iter()
            .all(|(e, r)| r["OrganizationID"] == e["organization"]["id"])
    );
    let one = ["--insights", "--issue", "insight-3"];
    let pairs = check(&one, logpush::INSIGHTS, &["changed_at"]);
    assert!(pairs.iter().all(|(e, _)| e["issue_id"] == "insight-3"));
    let pairs = check(&["--log", "insights"], logpush::INSIGHTS, &["changed_at"]);
    for (entry, record) in &pairs {
        assert_eq!(record["IssueID"], entry["issue_id"]);
        assert_eq!(record["FieldChanged"], entry["field_changed"]);
    }
}

#[test]
fn access_records_take_the_access_requests_dataset_fields() {
    let pairs = check(
        &["--log", "access"],
        logpush::ACCESS_REQUESTS,
        &["created_at"],
    );
    for (entry, record) in &pairs {
        assert_eq!(record["RayID"], entry["ray_id"]);
        assert_eq!(record["Email"], entry["user_email"]);
        assert_eq!(record["AppUUID"], entry["app_uid"]);
        assert_eq!(record["Allowed"], entry["allowed"]);
        assert_eq!(record[EXTRA]["x_added"], entry["x_added"]);
    }
    let pairs = check(&["--log", "scim"], logpush::SCIM_UPDATES, &["logged_at"]);
    for (entry, record) in &pairs {
        assert_eq!(record["CfResourceID"], entry["cf_resource_id"]);
        // The SCIM body stays the JSON text it is.
        assert_eq!(record["RequestBody"], entry["request_body"]);
        assert!(record["RequestBody"].is_string());
    }
}
