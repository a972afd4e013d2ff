//! Access logs as OCSF Identity & Access Management events (OCSF 1.5.0 with the `cloud`
//! profile, category 3): an Access authentication event as **Authentication** (class 3002), a
//! SCIM update as **Account Change** (class 3001). Documented field by field in the README
//! ("OCSF"); the entry is kept as `raw_data` and its source under `unmapped.source`, as for
//! the audit logs' API Activity events ([`crate::ocsf`]).

use chrono::{DateTime, Utc};
use cloudflare_audit_logs::{AccessRequest, ScimUpdate};
use serde_json::{Map, Value, json};

use crate::ocsf::{ToOcsf, VERSION};

const CATEGORY_UID: u32 = 3;
const AUTHENTICATION: u32 = 3002;
const ACCOUNT_CHANGE: u32 = 3001;

/// What every IAM event holds: class, activity, status, time, metadata, cloud, source.
struct Common<'a> {
    class: (u32, &'static str),
    activity: (u32, &'a str),
    /// `status_id` and `status`.
    status: (u32, &'a str),
    time: Option<DateTime<Utc>>,
    uid: Option<&'a str>,
    log_name: &'static str,
    origin: &'a Value,
}

impl Common<'_> {
    fn event(self, raw: &str, rest: Map<String, Value>) -> Value {
        let (class_uid, class_name) = self.class;
        let (activity_id, activity_name) = self.activity;
        let mut metadata = json!({
            "version": VERSION,
            "product": {"name": "Cloudflare Access", "vendor_name": "Cloudflare"},
            "log_name": self.log_name,
        });
        if let Some(uid) = self.uid {
            metadata["uid"] = json!(uid);
        }
        let mut cloud = json!({"provider": "Cloudflare"});
        if let Some(account) = self.origin["account_id"].as_str() {
            cloud["account"] = json!({"uid": account});
        }
        let mut event = json!({
            "class_uid": class_uid,
            "class_name": class_name,
            "category_uid": CATEGORY_UID,
            "category_name": "Identity & Access Management",
            "activity_id": activity_id,
            "activity_name": activity_name,
            "type_uid": class_uid * 100 + activity_id,
            "type_name": format!("{class_name}: {activity_name}"),
            "severity_id": 1,
            "severity": "Informational",
            "status_id": self.status.0,
            "status": self.status.1,
            "time": self.time.map_or(0, |t| t.timestamp_millis()),
            "metadata": metadata,
            "cloud": cloud,
            "raw_data": raw,
            "unmapped": {"source": self.origin},
        });
        if let Some(map) = event.as_object_mut() {
            for (key, value) in rest {
                match (key.as_str(), value) {
                    ("unmapped", Value::Object(more)) => {
                        if let Some(Value::Object(unmapped)) = map.get_mut("unmapped") {
                            unmapped.extend(more);
                        }
                    }
                    (_, value) => {
                        map.insert(key, value);
                    }
                }
            }
        }
        event
    }
}

/// OCSF's `auth_protocol_id` for an identity provider's kind of connection.
fn protocol(connection: &str) -> u32 {
    match connection.to_ascii_lowercase().as_str() {
        "saml" => 5,
        "oidc" | "openid" | "openid_connect" => 4,
        "oauth" | "oauth2" => 6,
        "ldap" => 12,
        _ => 99,
    }
}

impl ToOcsf for AccessRequest {
    fn ocsf(&self, origin: &Value, raw: &str) -> Value {
        let action = self.action.as_deref().unwrap_or("unknown");
        let activity = match action {
            "login" => (1, "Logon"),
            "logout" => (2, "Logoff"),
            _ => (99, "Other"),
        };
        let status = match self.allowed {
            Some(true) => (1, "Success"),
            Some(false) => (2, "Failure"),
            None => (0, "Unknown"),
        };
        let mut rest = Map::new();
        let email = self.user_email.as_deref();
        let mut user = json!({"name": email.unwrap_or("unknown")});
        if let Some(email) = email {
            user["email_addr"] = json!(email);
        }
        rest.insert("user".into(), user);
        let mut service = Map::new();
        if let Some(domain) = &self.app_domain {
            service.insert("name".into(), json!(domain));
        }
        if let Some(uid) = &self.app_uid {
            service.insert("uid".into(), json!(uid));
        }
        if !service.is_empty() {
            rest.insert("service".into(), Value::Object(service));
        }
        if let Some(ip) = self
            .ip_address
            .as_deref()
            .filter(|ip| ip.parse::<std::net::IpAddr>().is_ok())
        {
            rest.insert("src_endpoint".into(), json!({"ip": ip}));
        }
        if let Some(connection) = &self.connection {
            rest.insert("auth_protocol_id".into(), json!(protocol(connection)));
            rest.insert("auth_protocol".into(), json!(connection));
        }
        if activity.0 == 99 {
            rest.insert("unmapped".into(), json!({"action": action}));
        }
        Common {
            class: (AUTHENTICATION, "Authentication"),
            activity,
            status,
            time: self.created_at,
            uid: self.ray_id.as_deref(),
            log_name: "access",
            origin,
        }
        .event(raw, rest)
    }
}

impl ToOcsf for ScimUpdate {
    fn ocsf(&self, origin: &Value, raw: &str) -> Value {
        let method = self.request_method.as_deref().unwrap_or("");
        let activity = match method {
            "POST" => (1, "Create"),
            "DELETE" => (6, "Delete"),
            _ => (99, "Other"),
        };
        let status_text = self.status.as_deref();
        let status = match status_text {
            Some("SUCCESS") => (1, "Success"),
            Some("FAILURE" | "ERROR") => (2, "Failure"),
            Some(other) => (99, other),
            None => (0, "Unknown"),
        };
        let mut rest = Map::new();
        let mut user = Map::new();
        if let Some(uid) = self
            .cf_resource_id
            .as_ref()
            .or(self.idp_resource_id.as_ref())
        {
            user.insert("uid".into(), json!(uid));
        }
        if let Some(email) = &self.resource_user_email {
            user.insert("email_addr".into(), json!(email));
            user.insert("name".into(), json!(email));
        }
        if let Some(group) = &self.resource_group_name {
            user.entry("name").or_insert(json!(group));
        }
        user.entry("name").or_insert(json!("unknown"));
        rest.insert("user".into(), Value::Object(user));
        if let Some(detail) = &self.error_description {
            rest.insert("status_detail".into(), json!(detail));
        }
        let scim: Map<String, Value> = [
            ("idp_id", &self.idp_id),
            ("idp_resource_id", &self.idp_resource_id),
            ("resource_type", &self.resource_type),
            ("resource_group_name", &self.resource_group_name),
            ("request_method", &self.request_method),
            ("request_body", &self.request_body),
        ]
        .into_iter()
        .filter_map(|(key, value)| value.as_ref().map(|v| (key.to_owned(), json!(v))))
        .collect();
        rest.insert("unmapped".into(), json!({"scim": scim}));
        Common {
            class: (ACCOUNT_CHANGE, "Account Change"),
            activity,
            status,
            time: self.logged_at,
            uid: None,
            log_name: "scim",
            origin,
        }
        .event(raw, rest)
    }
}
