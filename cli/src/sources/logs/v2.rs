//! Audit Logs v2 of an account or an organization (`v2`): cursors, and a window (`since`,
//! `before`) every listing asks for. Two listings, so two rows under one key.

use cloudflare_audit_logs::listings::{AccountAuditLogsV2, OrganizationAuditLogsV2};
use cloudflare_audit_logs::{
    AccountAuditLogsV2Filters, AccountAuditLogsV2Request, Client, OrganizationAuditLogsV2Filters,
    OrganizationAuditLogsV2Request, TimeBound,
};
use serde_json::{Map, Value};

use crate::sources::row::{Asked, Info, Owner, OwnerKind, Row, owner_origin};

/// An account's Audit Logs v2 (`since`/`before` in the filters are the first window).
#[derive(Clone, Debug)]
pub struct V2Account {
    pub account_id: String,
    pub filters: AccountAuditLogsV2Filters,
}

/// An organization's Audit Logs v2.
#[derive(Clone, Debug)]
pub struct V2Organization {
    pub organization_id: String,
    pub filters: OrganizationAuditLogsV2Filters,
}

/// The filter flags of Audit Logs v2, beside the `--v2-*` flags.
const FLAGS: &[(&str, &str)] = &[
    ("since", "since"),
    ("before", "before"),
    ("direction", "direction"),
];

/// The window the export set in the filters (every v2 listing has one).
fn window(
    since: Option<TimeBound>,
    before: Option<TimeBound>,
) -> Result<(TimeBound, TimeBound), String> {
    since
        .zip(before)
        .ok_or_else(|| "an Audit Logs v2 listing needs its window (since and before)".into())
}

impl Row for V2Account {
    type Listing = AccountAuditLogsV2;
    const INFO: Info = Info {
        key: "v2",
        help: "Audit Logs v2 of an account or an organization",
        owners: &[OwnerKind::Account],
        options: &[],
        flags: FLAGS,
        v2_flags: true,
        in_demo_tour: true,
    };

    fn new(asked: Asked) -> Result<Self, String> {
        Ok(V2Account {
            account_id: asked.owner_id(),
            filters: asked.filters()?,
        })
    }

    fn demo() -> Asked {
        Asked::of(Owner::Account(crate::demo::ACCOUNT.into()))
    }

    fn name(&self) -> &'static str {
        "account audit logs v2"
    }

    fn origin(&self) -> Map<String, Value> {
        owner_origin(&Owner::Account(self.account_id.clone()))
    }

    fn filters(&self) -> &AccountAuditLogsV2Filters {
        &self.filters
    }

    fn request(
        &self,
        client: &Client,
        window_of: &AccountAuditLogsV2Filters,
    ) -> Result<AccountAuditLogsV2Request, String> {
        let (since, before) = window(window_of.since, window_of.before)?;
        Ok(client.account_audit_logs_v2(self.account_id.as_str(), since, before))
    }
}

impl Row for V2Organization {
    type Listing = OrganizationAuditLogsV2;
    const INFO: Info = Info {
        owners: &[OwnerKind::Organization],
        ..V2Account::INFO
    };

    fn new(asked: Asked) -> Result<Self, String> {
        Ok(V2Organization {
            organization_id: asked.owner_id(),
            filters: asked.filters()?,
        })
    }

    fn demo() -> Asked {
        Asked::of(Owner::Organization(crate::demo::ORGANIZATION.into()))
    }

    fn name(&self) -> &'static str {
        "organization audit logs v2"
    }

    fn origin(&self) -> Map<String, Value> {
        owner_origin(&Owner::Organization(self.organization_id.clone()))
    }

    fn filters(&self) -> &OrganizationAuditLogsV2Filters {
        &self.filters
    }

    fn request(
        &self,
        client: &Client,
        window_of: &OrganizationAuditLogsV2Filters,
    ) -> Result<OrganizationAuditLogsV2Request, String> {
        let (since, before) = window(window_of.since, window_of.before)?;
        let id = self.organization_id.as_str();
        Ok(client.organization_audit_logs_v2(id, since, before))
    }
}
