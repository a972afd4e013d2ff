//! What the exporter needs of an entry: its ID, its time, and its CSV row, with the fields
//! no column holds.

use chrono::{DateTime, SecondsFormat, Utc};
use cloudflare_audit_logs::{AuditLog, AuditLogV2, InsightAuditLog};
use serde::Serialize;

/// An entry of any log.
pub trait Record: Serialize + crate::formats::ocsf::ToOcsf + Send + 'static {
    /// The entry's ID.
    fn id(&self) -> Option<String>;
    /// When the change happened.
    fn at(&self) -> Option<DateTime<Utc>>;
    /// CSV column names, in their stable order.
    fn columns() -> &'static [&'static str];
    /// The CSV row, in the order of [`Record::columns`]; nested values flattened, free-form
    /// values as JSON text.
    fn row(&self) -> Vec<String>;
    /// The fields of its Logpush record ([`crate::formats::logpush`]).
    fn logpush() -> &'static [crate::formats::logpush::Field];
}

pub use crate::formats::entry_text::rest;

pub(crate) fn text(value: Option<&str>) -> String {
    value.unwrap_or_default().to_owned()
}

pub(crate) fn time(value: Option<DateTime<Utc>>) -> String {
    value
        .map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
        .unwrap_or_default()
}

fn json(value: Option<&impl Serialize>) -> String {
    value
        .and_then(|v| serde_json::to_string(v).ok())
        .unwrap_or_default()
}

impl Record for AuditLog {
    fn logpush() -> &'static [crate::formats::logpush::Field] {
        crate::formats::logpush::AUDIT_LOGS
    }

    fn id(&self) -> Option<String> {
        self.id.clone()
    }

    fn at(&self) -> Option<DateTime<Utc>> {
        self.when
    }

    fn columns() -> &'static [&'static str] {
        &[
            "id",
            "when",
            "action.type",
            "action.result",
            "actor.id",
            "actor.email",
            "actor.ip",
            "actor.type",
            "interface",
            "resource.id",
            "resource.type",
            "owner.id",
            "oldValue",
            "newValue",
            "metadata",
        ]
    }

    fn row(&self) -> Vec<String> {
        let action = self.action.as_ref();
        let actor = self.actor.as_ref();
        let resource = self.resource.as_ref();
        vec![
            text(self.id.as_deref()),
            time(self.when),
            text(action.and_then(|a| a.type_.as_deref())),
            action
                .and_then(|a| a.result)
                .map(|r| r.to_string())
                .unwrap_or_default(),
            text(actor.and_then(|a| a.id.as_deref())),
            text(actor.and_then(|a| a.email.as_deref())),
            text(actor.and_then(|a| a.ip.as_deref())),
            actor
                .and_then(|a| a.type_.as_ref())
                .map(|t| t.to_string())
                .unwrap_or_default(),
            text(self.interface.as_deref()),
            text(resource.and_then(|r| r.id.as_deref())),
            text(resource.and_then(|r| r.type_.as_deref())),
            text(self.owner.as_ref().and_then(|o| o.id.as_deref())),
            json(self.old_value.as_ref()),
            json(self.new_value.as_ref()),
            json(self.metadata.as_ref()),
        ]
    }
}

impl Record for InsightAuditLog {
    fn logpush() -> &'static [crate::formats::logpush::Field] {
        crate::formats::logpush::INSIGHTS
    }

    fn id(&self) -> Option<String> {
        self.id.map(|id| id.to_string())
    }

    fn at(&self) -> Option<DateTime<Utc>> {
        self.changed_at
    }

    fn columns() -> &'static [&'static str] {
        &[
            "id",
            "changed_at",
            "changed_by",
            "field_changed",
            "previous_value",
            "current_value",
            "issue_id",
            "zone_id",
            "rationale",
        ]
    }

    fn row(&self) -> Vec<String> {
        vec![
            self.id.map(|id| id.to_string()).unwrap_or_default(),
            time(self.changed_at),
            text(self.changed_by.as_deref()),
            self.field_changed
                .as_ref()
                .map(|f| f.to_string())
                .unwrap_or_default(),
            text(self.previous_value.as_deref()),
            text(self.current_value.as_deref()),
            text(self.issue_id.as_deref()),
            self.zone_id.map(|z| z.to_string()).unwrap_or_default(),
            text(self.rationale.as_deref()),
        ]
    }
}

impl Record for AuditLogV2 {
    fn logpush() -> &'static [crate::formats::logpush::Field] {
        crate::formats::logpush::AUDIT_LOGS_V2
    }

    fn id(&self) -> Option<String> {
        self.id.clone()
    }

    fn at(&self) -> Option<DateTime<Utc>> {
        self.action.as_ref().and_then(|a| a.time)
    }

    fn columns() -> &'static [&'static str] {
        &[
            "id",
            "action.time",
            "action.type",
            "action.result",
            "action.description",
            "actor.id",
            "actor.email",
            "actor.type",
            "actor.context",
            "actor.ip_address",
            "actor.token_id",
            "actor.token_name",
            "account.id",
            "account.name",
            "organization.id",
            "zone.id",
            "zone.name",
            "resource.id",
            "resource.type",
            "resource.product",
            "resource.scope",
            "resource.request",
            "resource.response",
            "raw.method",
            "raw.uri",
            "raw.status_code",
            "raw.cf_ray_id",
            "raw.user_agent",
        ]
    }

    fn row(&self) -> Vec<String> {
        let action = self.action.as_ref();
        let actor = self.actor.as_ref();
        let resource = self.resource.as_ref();
        let raw = self.raw.as_ref();
        let shown = |v: Option<String>| v.unwrap_or_default();
        vec![
            text(self.id.as_deref()),
            time(action.and_then(|a| a.time)),
            shown(action.and_then(|a| a.type_.as_ref()).map(|t| t.to_string())),
            shown(
                action
                    .and_then(|a| a.result.as_ref())
                    .map(|r| r.to_string()),
            ),
            text(action.and_then(|a| a.description.as_deref())),
            text(actor.and_then(|a| a.id.as_deref())),
            text(actor.and_then(|a| a.email.as_deref())),
            shown(actor.and_then(|a| a.type_.as_ref()).map(|t| t.to_string())),
            shown(
                actor
                    .and_then(|a| a.context.as_ref())
                    .map(|c| c.to_string()),
            ),
            text(actor.and_then(|a| a.ip_address.as_deref())),
            text(actor.and_then(|a| a.token_id.as_deref())),
            text(actor.and_then(|a| a.token_name.as_deref())),
            text(self.account.as_ref().and_then(|a| a.id.as_deref())),
            text(self.account.as_ref().and_then(|a| a.name.as_deref())),
            text(self.organization.as_ref().and_then(|o| o.id.as_deref())),
            text(self.zone.as_ref().and_then(|z| z.id.as_deref())),
            text(self.zone.as_ref().and_then(|z| z.name.as_deref())),
            text(resource.and_then(|r| r.id.as_deref())),
            text(resource.and_then(|r| r.type_.as_deref())),
            text(resource.and_then(|r| r.product.as_deref())),
            json(resource.and_then(|r| r.scope.as_ref())),
            json(resource.and_then(|r| r.request.as_ref())),
            json(resource.and_then(|r| r.response.as_ref())),
            text(raw.and_then(|r| r.method.as_deref())),
            text(raw.and_then(|r| r.uri.as_deref())),
            shown(raw.and_then(|r| r.status_code).map(|c| c.to_string())),
            text(raw.and_then(|r| r.cf_ray_id.as_deref())),
            text(raw.and_then(|r| r.user_agent.as_deref())),
        ]
    }
}
