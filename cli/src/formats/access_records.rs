//! What the exporter needs of the Access logs' entries (see [`crate::formats::records`]): their ID,
//! time, CSV columns and Logpush fields.

use chrono::{DateTime, Utc};
use cloudflare_audit_logs::{AccessRequest, ScimUpdate};

use crate::formats::records::{Record, text, time};

impl Record for AccessRequest {
    fn logpush() -> &'static [crate::formats::logpush::Field] {
        crate::formats::logpush::ACCESS_REQUESTS
    }

    /// An authentication event has no `id`: it is one request's, known by its Ray ID.
    fn id(&self) -> Option<String> {
        self.ray_id.clone()
    }

    fn at(&self) -> Option<DateTime<Utc>> {
        self.created_at
    }

    fn columns() -> &'static [&'static str] {
        &[
            "ray_id",
            "created_at",
            "action",
            "allowed",
            "user_email",
            "ip_address",
            "app_domain",
            "app_uid",
            "connection",
        ]
    }

    fn row(&self) -> Vec<String> {
        vec![
            text(self.ray_id.as_deref()),
            time(self.created_at),
            text(self.action.as_deref()),
            self.allowed.map(|a| a.to_string()).unwrap_or_default(),
            text(self.user_email.as_deref()),
            text(self.ip_address.as_deref()),
            text(self.app_domain.as_deref()),
            text(self.app_uid.as_deref()),
            text(self.connection.as_deref()),
        ]
    }
}

impl Record for ScimUpdate {
    fn logpush() -> &'static [crate::formats::logpush::Field] {
        crate::formats::logpush::SCIM_UPDATES
    }

    /// A SCIM update has no ID; the checkpoint knows it by its content.
    fn id(&self) -> Option<String> {
        None
    }

    fn at(&self) -> Option<DateTime<Utc>> {
        self.logged_at
    }

    fn columns() -> &'static [&'static str] {
        &[
            "logged_at",
            "idp_id",
            "status",
            "request_method",
            "resource_type",
            "cf_resource_id",
            "idp_resource_id",
            "resource_user_email",
            "resource_group_name",
            "error_description",
            "request_body",
        ]
    }

    fn row(&self) -> Vec<String> {
        vec![
            time(self.logged_at),
            text(self.idp_id.as_deref()),
            text(self.status.as_deref()),
            text(self.request_method.as_deref()),
            text(self.resource_type.as_deref()),
            text(self.cf_resource_id.as_deref()),
            text(self.idp_resource_id.as_deref()),
            text(self.resource_user_email.as_deref()),
            text(self.resource_group_name.as_deref()),
            text(self.error_description.as_deref()),
            text(self.request_body.as_deref()),
        ]
    }
}
