//! Entries as OCSF **API Activity** events (class 6003, OCSF 1.5.0 with the `cloud` profile),
//! for SIEMs that take OCSF. No published mapping of Cloudflare's audit logs to OCSF exists;
//! this one is documented field by field in guides/exporter.md ("OCSF"), and follows the choices of
//! Elastic's Cloudflare integration (to ECS) where the two overlap. The original entry is kept
//! as `raw_data` (its JSON text), and the source (log, account, zone or organization) under
//! `unmapped.source`.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use cloudflare_audit_logs::{AuditLog, AuditLogV2, InsightAuditLog};
use serde_json::{Map, Value, json};

use crate::formats::ocsf_event::OcsfEvent;

pub use crate::formats::ocsf_event::VERSION;
const CLASS_UID: u32 = 6003;
const CATEGORY_UID: u32 = 6;
/// The HTTP methods OCSF 1.5.0's `http_request.http_method` takes.
const OCSF_METHODS: [&str; 8] = [
    "CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT", "TRACE",
];

/// An entry that maps to an OCSF event.
pub trait ToOcsf: serde::Serialize {
    /// The event, from the entry, its source (see `Source::origin`) and the entry's text as
    /// the server sent it (kept as `raw_data`).
    fn ocsf<'a>(&'a self, origin: &'a Value, raw: &'a str) -> OcsfEvent<'a>;
}

/// OCSF's CRUD activity for an action's name: Create 1, Read 2, Update 3, Delete 4, else
/// Other 99 (with the name kept in `api.operation`).
fn activity(action: &str) -> (u32, &'static str) {
    let action = action.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| action.contains(w));
    if has(&["create", "add", "new", "enable"]) {
        (1, "Create")
    } else if has(&["view", "read", "get", "list", "export"]) {
        (2, "Read")
    } else if has(&["delete", "remove", "revoke", "purge"]) {
        (4, "Delete")
    } else if has(&[
        "update", "change", "edit", "modify", "rotate", "set", "patch", "disable",
    ]) {
        (3, "Update")
    } else {
        (99, "Other")
    }
}

/// What the audit logs' events have in common beyond the envelope: when, whether it
/// succeeded, and the entry's ID, log and account.
struct Event<'a> {
    time: Option<DateTime<Utc>>,
    /// `Some(true)` success, `Some(false)` failure, `None` unknown.
    succeeded: Option<bool>,
    id: Option<Cow<'a, str>>,
    log_name: &'a str,
    account: Option<&'a str>,
    origin: &'a Value,
    raw: &'a str,
}

impl<'a> Event<'a> {
    /// The API Activity event of `action`: `extra`'s `unmapped_NAME` fields go to
    /// `unmapped.NAME`.
    fn build(
        self,
        action: &str,
        actor: Value,
        api: Value,
        src_endpoint: Value,
        extra: Map<String, Value>,
    ) -> OcsfEvent<'a> {
        let (activity_id, activity_name) = activity(action);
        let status = match self.succeeded {
            Some(true) => (1, "Success"),
            Some(false) => (2, "Failure"),
            None => (0, "Unknown"),
        };
        let mut rest = Map::new();
        rest.insert("actor".into(), actor);
        rest.insert("api".into(), api);
        rest.insert("src_endpoint".into(), src_endpoint);
        let mut unmapped = Map::new();
        for (key, value) in extra {
            match key.strip_prefix("unmapped_") {
                Some(name) => drop(unmapped.insert(name.to_owned(), value)),
                None => drop(rest.insert(key, value)),
            }
        }
        if !unmapped.is_empty() {
            rest.insert("unmapped".into(), Value::Object(unmapped));
        }
        OcsfEvent {
            class: (CLASS_UID, "API Activity"),
            category: (CATEGORY_UID, "Application Activity"),
            activity: (activity_id, Cow::Borrowed(activity_name)),
            status: (status.0, Cow::Borrowed(status.1)),
            time: self.time,
            product: "Cloudflare Audit Logs",
            log_name: self.log_name,
            uid: self.id,
            account: self.account.or(self.origin["account_id"].as_str()),
            origin: self.origin,
            raw: self.raw,
            rest,
        }
    }
}

/// `{"user": {...}}` from what is known of the actor, else Cloudflare's own systems.
fn actor(uid: Option<&str>, email: Option<&str>, name: Option<&str>) -> Value {
    let mut user = Map::new();
    if let Some(uid) = uid {
        user.insert("uid".into(), json!(uid));
    }
    if let Some(email) = email {
        user.insert("email_addr".into(), json!(email));
        user.entry("name").or_insert(json!(email));
    }
    if let Some(name) = name {
        user.entry("name").or_insert(json!(name));
    }
    if user.is_empty() {
        return json!({"app_name": "Cloudflare"});
    }
    json!({"user": user})
}

/// Where the action came from: its IP address, else the interface it came through.
fn endpoint(ip: Option<&str>, interface: Option<&str>) -> Value {
    match ip {
        Some(ip) if ip.parse::<std::net::IpAddr>().is_ok() => json!({"ip": ip}),
        _ => json!({"name": interface.unwrap_or("Cloudflare")}),
    }
}

/// `resources: [{uid, type, name}]` for the resource an action changed, when it is known.
fn resources(extra: &mut Map<String, Value>, id: Option<&str>, kind: Option<&str>) {
    let mut r = Map::new();
    if let Some(id) = id {
        r.insert("uid".into(), json!(id));
    }
    if let Some(kind) = kind {
        r.insert("type".into(), json!(kind));
        r.insert("name".into(), json!(kind));
    }
    if !r.is_empty() {
        extra.insert("resources".into(), json!([r]));
    }
}

impl ToOcsf for AuditLog {
    fn ocsf<'a>(&'a self, origin: &'a Value, raw: &'a str) -> OcsfEvent<'a> {
        let action = self.action.as_ref();
        let actor_ = self.actor.as_ref();
        let operation = action.and_then(|a| a.type_.as_deref()).unwrap_or("unknown");
        let mut extra = Map::new();
        if let Some(resource) = &self.resource {
            resources(
                &mut extra,
                resource.id.as_deref(),
                resource.type_.as_deref(),
            );
        }
        Event {
            time: self.when,
            succeeded: action.and_then(|a| a.result),
            id: self.id.as_deref().map(Cow::Borrowed),
            log_name: origin["log"].as_str().unwrap_or("account"),
            account: self.owner.as_ref().and_then(|o| o.id.as_deref()),
            origin,
            raw,
        }
        .build(
            operation,
            actor(
                actor_.and_then(|a| a.id.as_deref()),
                actor_.and_then(|a| a.email.as_deref()),
                None,
            ),
            json!({"operation": operation, "service": {"name": self.interface.as_deref().unwrap_or("Cloudflare")}}),
            endpoint(actor_.and_then(|a| a.ip.as_deref()), self.interface.as_deref()),
            extra,
        )
    }
}

impl ToOcsf for AuditLogV2 {
    fn ocsf<'a>(&'a self, origin: &'a Value, raw: &'a str) -> OcsfEvent<'a> {
        let action = self.action.as_ref();
        let actor_ = self.actor.as_ref();
        let resource = self.resource.as_ref();
        let raw_ = self.raw.as_ref();
        let operation = action
            .and_then(|a| a.type_.as_ref())
            .map_or("unknown".to_owned(), |t| t.to_string());
        let mut api = json!({
            "operation": operation,
            "service": {"name": resource.and_then(|r| r.product.as_deref()).unwrap_or("Cloudflare")},
        });
        if let Some(ray) = raw_.and_then(|r| r.cf_ray_id.as_deref()) {
            api["request"] = json!({"uid": ray});
        }
        let mut extra = Map::new();
        if let Some(raw_) = raw_ {
            let mut request = Map::new();
            if let Some(method) = &raw_.method {
                // OCSF's list of methods has no PATCH: such a method goes to
                // `unmapped.http_method` rather than making the event invalid.
                match OCSF_METHODS.contains(&method.as_str()) {
                    true => request.insert("http_method".into(), json!(method)),
                    false => extra.insert("unmapped_http_method".into(), json!(method)),
                };
            }
            if let Some(uri) = &raw_.uri {
                request.insert("url".into(), json!({"path": uri}));
            }
            if let Some(agent) = &raw_.user_agent {
                request.insert("user_agent".into(), json!(agent));
            }
            if !request.is_empty() {
                extra.insert("http_request".into(), Value::Object(request));
            }
            if let Some(code) = raw_.status_code {
                extra.insert("http_response".into(), json!({"code": code}));
            }
        }
        if let Some(resource) = resource {
            resources(
                &mut extra,
                resource.id.as_deref(),
                resource.type_.as_deref(),
            );
        }
        let succeeded = action
            .and_then(|a| a.result.as_ref())
            .and_then(|r| match r.as_str() {
                "success" => Some(true),
                "failure" => Some(false),
                _ => None,
            });
        Event {
            time: action.and_then(|a| a.time),
            succeeded,
            id: self.id.as_deref().map(Cow::Borrowed),
            log_name: "v2",
            account: self.account.as_ref().and_then(|a| a.id.as_deref()),
            origin,
            raw,
        }
        .build(
            &operation,
            actor(
                actor_.and_then(|a| a.id.as_deref()),
                actor_.and_then(|a| a.email.as_deref()),
                actor_.and_then(|a| a.token_name.as_deref()),
            ),
            api,
            endpoint(actor_.and_then(|a| a.ip_address.as_deref()), None),
            extra,
        )
    }
}

impl ToOcsf for InsightAuditLog {
    fn ocsf<'a>(&'a self, origin: &'a Value, raw: &'a str) -> OcsfEvent<'a> {
        let field = self
            .field_changed
            .as_ref()
            .map_or("insight".to_owned(), |f| f.to_string());
        let operation = format!("update {field}");
        let by = self.changed_by.as_deref();
        let mut extra = Map::new();
        if let Some(issue) = &self.issue_id {
            extra.insert(
                "resources".into(),
                json!([{"uid": issue, "type": "security_center_insight", "name": issue}]),
            );
        }
        Event {
            time: self.changed_at,
            succeeded: Some(true),
            id: self.id.map(|id| Cow::Owned(id.to_string())),
            log_name: "insights",
            account: None,
            origin,
            raw,
        }
        .build(
            &operation,
            match by {
                Some("system") | None => json!({"app_name": "Cloudflare"}),
                Some(user) => actor(Some(user), None, None),
            },
            json!({"operation": operation, "service": {"name": "Security Center"}}),
            endpoint(None, None),
            extra,
        )
    }
}
