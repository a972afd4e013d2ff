//! Access logs as OCSF Identity & Access Management events (OCSF 1.5.0 with the `cloud`
//! profile, category 3): an Access authentication event as **Authentication** (class 3002), a
//! SCIM update as **Account Change** (class 3001). Documented field by field in guides/exporter.md
//! ("OCSF"); the entry is kept as `raw_data` and its source under `unmapped.source`, as for
//! the audit logs' API Activity events ([`crate::formats::ocsf`]).

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use cloudflare_audit_logs::{AccessRequest, ScimUpdate};
use serde_json::{Map, Value, json};

use crate::formats::ocsf::ToOcsf;
use crate::formats::ocsf_event::OcsfEvent;

const CATEGORY_UID: u32 = 3;
const AUTHENTICATION: u32 = 3002;
const ACCOUNT_CHANGE: u32 = 3001;

/// What every IAM event holds beyond its class's own fields.
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

impl<'a> Common<'a> {
    /// The event, with the class's own fields (`rest`; an `unmapped` object there joins the
    /// event's `unmapped`).
    fn event(self, raw: &'a str, rest: Map<String, Value>) -> OcsfEvent<'a> {
        OcsfEvent {
            class: self.class,
            category: (CATEGORY_UID, "Identity & Access Management"),
            activity: (self.activity.0, Cow::Borrowed(self.activity.1)),
            status: (self.status.0, Cow::Borrowed(self.status.1)),
            time: self.time,
            product: "Cloudflare Access",
            log_name: self.log_name,
            uid: self.uid.map(Cow::Borrowed),
            account: self.origin["account_id"].as_str(),
            origin: self.origin,
            raw,
            rest,
        }
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
    fn ocsf<'a>(&'a self, origin: &'a Value, raw: &'a str) -> OcsfEvent<'a> {
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
    fn ocsf<'a>(&'a self, origin: &'a Value, raw: &'a str) -> OcsfEvent<'a> {
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
