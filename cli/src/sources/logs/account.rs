//! The v1 account audit log (`account`): page numbers, an account's changes.

use cloudflare_audit_logs::listings::AuditLogs;
use cloudflare_audit_logs::{AuditLogsFilters, AuditLogsRequest, Client};
use serde_json::{Map, Value};

use crate::sources::row::{Asked, Info, Owner, OwnerKind, Row, owner_origin};

/// An account's v1 audit log.
#[derive(Clone, Debug)]
pub struct Account {
    pub account_id: String,
    pub filters: AuditLogsFilters,
}

/// The filter flags of the v1 logs (the account's and the user's).
pub(crate) const V1_FLAGS: &[(&str, &str)] = &[
    ("id", "id"),
    ("action_type", "action_type"),
    ("actor_ip", "actor_ip"),
    ("actor_email", "actor_email"),
    ("zone_name", "zone_name"),
    ("direction", "direction"),
    ("hide_user_logs", "hide_user_logs"),
    ("since", "since"),
    ("before", "before"),
];

impl Row for Account {
    type Listing = AuditLogs;
    const INFO: Info = Info {
        key: "account",
        help: "The v1 account audit log",
        owners: &[OwnerKind::Account],
        options: &[],
        flags: V1_FLAGS,
        v2_flags: false,
        in_demo_tour: true,
    };

    fn new(asked: Asked) -> Result<Self, String> {
        Ok(Account {
            account_id: asked.owner_id(),
            filters: asked.filters()?,
        })
    }

    fn demo() -> Asked {
        Asked::of(Owner::Account(crate::demo::ACCOUNT.into()))
    }

    fn name(&self) -> &'static str {
        "account audit logs"
    }

    fn origin(&self) -> Map<String, Value> {
        owner_origin(&Owner::Account(self.account_id.clone()))
    }

    fn filters(&self) -> &AuditLogsFilters {
        &self.filters
    }

    fn request(&self, client: &Client, _: &AuditLogsFilters) -> Result<AuditLogsRequest, String> {
        Ok(client.account_audit_logs(self.account_id.as_str()))
    }
}
