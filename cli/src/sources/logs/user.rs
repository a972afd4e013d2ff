//! The v1 audit log of the user the credentials belong to (`user`).

use cloudflare_audit_logs::listings::AuditLogs;
use cloudflare_audit_logs::{AuditLogsFilters, AuditLogsRequest, Client};
use serde_json::{Map, Value};

use crate::sources::logs::account::V1_FLAGS;
use crate::sources::row::{Asked, Info, Owner, OwnerKind, Row};

/// The v1 log of the user the credentials belong to.
#[derive(Clone, Debug)]
pub struct User {
    pub filters: AuditLogsFilters,
}

impl Row for User {
    type Listing = AuditLogs;
    const INFO: Info = Info {
        key: "user",
        help: "The v1 audit log of the credentials' user",
        owners: &[OwnerKind::Credentials],
        options: &[],
        flags: V1_FLAGS,
        v2_flags: false,
        in_demo_tour: true,
    };

    fn new(asked: Asked) -> Result<Self, String> {
        Ok(User {
            filters: asked.filters()?,
        })
    }

    fn demo() -> Asked {
        Asked::of(Owner::Credentials)
    }

    fn name(&self) -> &'static str {
        "user audit logs"
    }

    fn origin(&self) -> Map<String, Value> {
        Map::new()
    }

    fn filters(&self) -> &AuditLogsFilters {
        &self.filters
    }

    fn request(&self, client: &Client, _: &AuditLogsFilters) -> Result<AuditLogsRequest, String> {
        Ok(client.user_audit_logs())
    }
}
