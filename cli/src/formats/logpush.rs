//! Entries as Logpush records: one JSON object a line with the field names and types of
//! Cloudflare's Logpush datasets `audit_logs` (the v1 logs), `audit_logs_v2` and
//! `access_requests` (Access authentication events), so that the parsers SIEMs already have
//! for a Logpush bucket read them. The insights and SCIM update logs have no Logpush dataset;
//! their records take the same naming scheme (each field's name in `PascalCase`, `ID` for
//! `id`), field by field in [`INSIGHTS`] and [`SCIM_UPDATES`].
//!
//! Every value is the bytes Cloudflare sent, not a re-encoding; only the time field takes
//! the form `--timestamps` asks for (Logpush's `unixnano`, `unix` or `rfc3339`). What no
//! Logpush field holds is kept, as sent, in one more field, [`EXTRA`], so that a record loses
//! nothing its entry had.

use chrono::{DateTime, Utc};
use serde_json::value::RawValue;
use std::collections::BTreeMap;

/// The field that holds, as an object shaped like the entry, every value no other field
/// holds (absent when nothing is left).
pub const EXTRA: &str = "Extra";

/// How a record writes its time field, as Logpush's `timestamp_format` does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Timestamps {
    /// Nanoseconds since the Unix epoch, a number (Logpush's default).
    #[default]
    Unixnano,
    /// Seconds since the Unix epoch, a number.
    Unix,
    /// The RFC 3339 text Cloudflare sent.
    Rfc3339,
    /// RFC 3339 in UTC with milliseconds (`2026-11-01T00:00:01.000Z`), as Logpush's
    /// `rfc3339ms`.
    Rfc3339ms,
    /// RFC 3339 in UTC with nanoseconds (`2026-11-01T00:00:01.000000000Z`), as Logpush's
    /// `rfc3339ns`.
    Rfc3339ns,
}

/// One field of a record: its Logpush name and where in the entry its value is.
#[derive(Clone, Copy, Debug)]
pub struct Field {
    pub name: &'static str,
    /// The value's path in the entry, by object keys.
    pub path: &'static [&'static str],
    pub kind: Kind,
}

/// What a field's value is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The value as sent.
    Value,
    /// The entry's time, written as [`Timestamps`] says.
    Time,
}

const fn f(name: &'static str, path: &'static [&'static str]) -> Field {
    Field {
        name,
        path,
        kind: Kind::Value,
    }
}

const fn time(name: &'static str, path: &'static [&'static str]) -> Field {
    Field {
        name,
        path,
        kind: Kind::Time,
    }
}

/// Logpush's `audit_logs` fields from a v1 entry (account or user log). The object
/// `NewValue` and `OldValue` come from `newValueJson` and `oldValueJson`, the forms of the
/// values the API sends as JSON; v1's `newValue` and `oldValue` (the same values as text) stay
/// in [`EXTRA`].
pub const AUDIT_LOGS: &[Field] = &[
    f("ActionResult", &["action", "result"]),
    f("ActionType", &["action", "type"]),
    f("ActorEmail", &["actor", "email"]),
    f("ActorID", &["actor", "id"]),
    f("ActorIP", &["actor", "ip"]),
    f("ActorType", &["actor", "type"]),
    f("ID", &["id"]),
    f("Interface", &["interface"]),
    f("Metadata", &["metadata"]),
    f("NewValue", &["newValueJson"]),
    f("OldValue", &["oldValueJson"]),
    f("OwnerID", &["owner", "id"]),
    f("ResourceID", &["resource", "id"]),
    f("ResourceType", &["resource", "type"]),
    time("When", &["when"]),
];

/// Logpush's `audit_logs_v2` fields from a v2 entry, and `OrganizationID` (not a Logpush
/// field: Logpush has no organization-level v2 dataset) for an organization's entries.
/// `ActorTokenDetails` is the object of `actor.token_id` and `actor.token_name`, as
/// `{"id": …, "name": …}`.
pub const AUDIT_LOGS_V2: &[Field] = &[
    f("AccountID", &["account", "id"]),
    f("AccountName", &["account", "name"]),
    f("ActionDescription", &["action", "description"]),
    f("ActionResult", &["action", "result"]),
    time("ActionTimestamp", &["action", "time"]),
    f("ActionType", &["action", "type"]),
    f("ActorContext", &["actor", "context"]),
    f("ActorEmail", &["actor", "email"]),
    f("ActorID", &["actor", "id"]),
    f("ActorIPAddress", &["actor", "ip_address"]),
    f("ActorTokenDetails", &["actor", "token_"]),
    f("ActorType", &["actor", "type"]),
    f("AuditLogID", &["id"]),
    f("OrganizationID", &["organization", "id"]),
    f("Raw", &["raw"]),
    f("ResourceID", &["resource", "id"]),
    f("ResourceProduct", &["resource", "product"]),
    f("ResourceRequest", &["resource", "request"]),
    f("ResourceResponse", &["resource", "response"]),
    f("ResourceScope", &["resource", "scope"]),
    f("ResourceType", &["resource", "type"]),
    f("ResourceValue", &["resource", "value"]),
    f("ZoneID", &["zone", "id"]),
    f("ZoneName", &["zone", "name"]),
];

/// The insights log's fields, in Logpush's naming scheme (no Logpush dataset has them).
pub const INSIGHTS: &[Field] = &[
    time("ChangedAt", &["changed_at"]),
    f("ChangedBy", &["changed_by"]),
    f("CurrentValue", &["current_value"]),
    f("FieldChanged", &["field_changed"]),
    f("ID", &["id"]),
    f("IssueID", &["issue_id"]),
    f("PreviousValue", &["previous_value"]),
    f("Rationale", &["rationale"]),
    f("ZoneID", &["zone_id"]),
];

/// Logpush's `access_requests` fields from an Access authentication event. `Country` is
/// sent by the API though the SDK does not name it; Logpush's `PurposeJustification…`,
/// `TemporaryAccess…` and `UserUID` have no known API field yet (one sent stays in
/// [`EXTRA`]).
pub const ACCESS_REQUESTS: &[Field] = &[
    f("Action", &["action"]),
    f("Allowed", &["allowed"]),
    f("AppDomain", &["app_domain"]),
    f("AppUUID", &["app_uid"]),
    f("Connection", &["connection"]),
    f("Country", &["country"]),
    time("CreatedAt", &["created_at"]),
    f("Email", &["user_email"]),
    f("IPAddress", &["ip_address"]),
    f("RayID", &["ray_id"]),
];

/// The SCIM update logs' fields, in Logpush's naming scheme (no Logpush dataset has them).
pub const SCIM_UPDATES: &[Field] = &[
    f("CfResourceID", &["cf_resource_id"]),
    f("ErrorDescription", &["error_description"]),
    f("IdpID", &["idp_id"]),
    f("IdpResourceID", &["idp_resource_id"]),
    time("LoggedAt", &["logged_at"]),
    f("RequestBody", &["request_body"]),
    f("RequestMethod", &["request_method"]),
    f("ResourceGroupName", &["resource_group_name"]),
    f("ResourceType", &["resource_type"]),
    f("ResourceUserEmail", &["resource_user_email"]),
    f("Status", &["status"]),
];

/// The token fields `ActorTokenDetails` gathers, by their names in `actor` and in the object.
const TOKEN: [(&str, &str); 2] = [("token_id", "id"), ("token_name", "name")];

/// An entry's JSON object, each value kept as its text.
type Object<'a> = BTreeMap<String, &'a RawValue>;

/// The record of the entry `json` (one JSON object) with `fields`, ending in a newline.
pub fn record(
    fields: &[Field],
    json: &str,
    timestamps: Timestamps,
) -> Result<Vec<u8>, serde_json::Error> {
    let entry: Object = serde_json::from_str(json)?;
    let mut out = Vec::with_capacity(json.len() + 64);
    out.push(b'{');
    let mut mapped: Vec<String> = Vec::new();
    for field in fields {
        let value = match field.path {
            ["actor", "token_"] => token_details(&entry)?,
            path => lookup(&entry, path)?.map(|v| v.get().to_owned()),
        };
        let Some(value) = value else { continue };
        if field.path == ["actor", "token_"] {
            mapped.extend(TOKEN.iter().map(|(key, _)| format!("actor.{key}")));
        } else {
            mapped.push(field.path.join("."));
        }
        let value = match field.kind {
            Kind::Time => timestamp(&value, timestamps),
            Kind::Value => value,
        };
        push(&mut out, field.name, &value);
    }
    let mapped: Vec<&str> = mapped.iter().map(String::as_str).collect();
    let extra = crate::formats::entry_text::rest(json, &mapped);
    if !extra.is_empty() {
        push(&mut out, EXTRA, &extra);
    }
    out.extend_from_slice(b"}\n");
    Ok(out)
}

fn push(out: &mut Vec<u8>, name: &str, value: &str) {
    if out.len() > 1 {
        out.push(b',');
    }
    out.push(b'"');
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"\":");
    out.extend_from_slice(value.as_bytes());
}

/// The value at `path`, `None` when a key on the way is missing or not an object.
fn lookup<'a>(
    entry: &Object<'a>,
    path: &[&str],
) -> Result<Option<&'a RawValue>, serde_json::Error> {
    let Some((first, rest)) = path.split_first() else {
        return Ok(None);
    };
    let Some(value) = entry.get(*first).copied() else {
        return Ok(None);
    };
    if rest.is_empty() {
        return Ok(Some(value));
    }
    if !value.get().starts_with('{') {
        return Ok(None);
    }
    let inner: Object<'a> = serde_json::from_str(value.get())?;
    lookup(&inner, rest)
}

/// `ActorTokenDetails`: `{"id": <actor.token_id>, "name": <actor.token_name>}` with those
/// present, `None` when neither is.
fn token_details(entry: &Object) -> Result<Option<String>, serde_json::Error> {
    let mut parts = Vec::new();
    for (key, name) in TOKEN {
        if let Some(value) = lookup(entry, &["actor", key])? {
            parts.push(format!("\"{name}\":{}", value.get()));
        }
    }
    Ok((!parts.is_empty()).then(|| format!("{{{}}}", parts.join(","))))
}

/// The time `value` (its JSON text) as `timestamps` says; a value that is not an RFC 3339
/// string is kept as sent.
fn timestamp(value: &str, timestamps: Timestamps) -> String {
    let parsed = serde_json::from_str::<String>(value)
        .ok()
        .and_then(|text| DateTime::parse_from_rfc3339(&text).ok())
        .map(|t| t.with_timezone(&Utc));
    match (parsed, timestamps) {
        (Some(t), Timestamps::Unixnano) => match t.timestamp_nanos_opt() {
            Some(nanos) => nanos.to_string(),
            None => value.to_owned(),
        },
        (Some(t), Timestamps::Unix) => t.timestamp().to_string(),
        (Some(t), Timestamps::Rfc3339ms) => {
            let text = t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            serde_json::Value::from(text).to_string()
        }
        (Some(t), Timestamps::Rfc3339ns) => {
            let text = t.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true);
            serde_json::Value::from(text).to_string()
        }
        _ => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn as_value(fields: &[Field], entry: &Value, timestamps: Timestamps) -> Value {
        let bytes = record(fields, &entry.to_string(), timestamps).unwrap();
        assert_eq!(bytes.last(), Some(&b'\n'));
        serde_json::from_slice(&bytes).unwrap()
    }

    #[test]
    fn a_v1_entry_takes_logpush_names_and_keeps_the_rest() {
        let text = r#"{"id": "e1", "when": "2026-11-01T00:00:01.5Z", "interface": "API",
            "action": {"result": true, "type": "change_setting"},
            "actor": {"email": "a@example.com", "id": "u1", "ip": "192.0.2.1", "type": "user"},
            "newValue": "high", "newValueJson": {"level": "high"},
            "owner": {"id": "o1"}, "resource": {"id": "r1", "type": "zone", "extra": 1},
            "later": [1, 2.50]}"#;
        let bytes = record(AUDIT_LOGS, text, Timestamps::Unixnano).unwrap();
        let record: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(record["ID"], "e1");
        assert_eq!(record["ActionResult"], true);
        assert_eq!(record["NewValue"], json!({"level": "high"}));
        assert_eq!(record["When"], 1_793_491_201_500_000_000_i64);
        assert_eq!(record["OwnerID"], "o1");
        // Nothing is lost: what no field holds is in Extra, its bytes as sent.
        assert_eq!(record[EXTRA]["newValue"], "high");
        assert_eq!(record[EXTRA]["resource"], json!({"extra": 1}));
        assert_eq!(record[EXTRA].as_object().unwrap().len(), 3);
        let written = String::from_utf8(bytes).unwrap();
        assert!(written.contains(r#""later":[1, 2.50]"#), "{written}");
    }

    #[test]
    fn times_take_each_logpush_format_and_odd_times_stay_as_sent() {
        let entry = json!({"action": {"time": "2026-11-01T00:00:01Z"}, "actor": {"token_id": "t", "token_name": "ci"}});
        let at = |ts| as_value(AUDIT_LOGS_V2, &entry, ts)["ActionTimestamp"].clone();
        assert_eq!(at(Timestamps::Unix), 1_793_491_201_i64);
        assert_eq!(at(Timestamps::Rfc3339), "2026-11-01T00:00:01Z");
        assert_eq!(at(Timestamps::Rfc3339ms), "2026-11-01T00:00:01.000Z");
        assert_eq!(at(Timestamps::Rfc3339ns), "2026-11-01T00:00:01.000000000Z");
        let v2 = as_value(AUDIT_LOGS_V2, &entry, Timestamps::Unix);
        assert_eq!(v2["ActorTokenDetails"], json!({"id": "t", "name": "ci"}));
        assert!(v2.get(EXTRA).is_none(), "{v2}");
        let odd = json!({"changed_at": "yesterday", "id": 7});
        let insights = as_value(INSIGHTS, &odd, Timestamps::Unixnano);
        assert_eq!(insights["ChangedAt"], "yesterday");
        assert_eq!(insights["ID"], 7);
    }
}
