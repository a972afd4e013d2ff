//! [`Source`]: one log of one owner, with its filters (the library's own filter types), and
//! how records and checkpoints name it.

use cloudflare_audit_logs::{
    AccessAuthenticationLogsFilters, AccessScimUpdateLogsFilters, AccountAuditLogsV2Filters,
    AuditLogHistoryFilters, AuditLogsFilters, InsightsAuditLogFilters, InsightsScope,
    OrganizationAuditLogsV2Filters,
};

use crate::sources::logs::Log;

/// Which log, with which filters (the library's own filter types).
// A handful of sources live for a whole run; boxing the larger filters would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub enum Source {
    Account {
        account_id: String,
        filters: AuditLogsFilters,
    },
    /// The insights log of an account or zone, or with `issue` the log of one insight.
    Insights {
        scope: InsightsScope,
        issue: Option<String>,
        filters: InsightsAuditLogFilters,
    },
    /// The v1 log of the user the credentials belong to.
    User { filters: AuditLogsFilters },
    /// An account's Audit Logs v2 (`since`/`before` in the filters are the first window).
    V2Account {
        account_id: String,
        filters: AccountAuditLogsV2Filters,
    },
    /// An organization's Audit Logs v2.
    V2Organization {
        organization_id: String,
        filters: OrganizationAuditLogsV2Filters,
    },
    /// The history of the resource that Audit Logs v2 entry `entry_id` (of an account or an
    /// organization) changed; its `action.time` is the filters' `action_time`.
    History {
        owner: V2Owner,
        entry_id: String,
        filters: AuditLogHistoryFilters,
    },
    /// An account's Access authentication logs.
    Access {
        account_id: String,
        filters: AccessAuthenticationLogsFilters,
    },
    /// An account's Access SCIM update logs (the identity providers are in the filters).
    Scim {
        account_id: String,
        filters: AccessScimUpdateLogsFilters,
    },
}

/// Whose Audit Logs v2 entry a history is of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum V2Owner {
    Account(String),
    Organization(String),
}

/// How long Audit Logs v2 keep entries (18 months since general availability).
pub const V2_RETENTION_DAYS: i64 = 548;

impl Source {
    /// Which log of whose this is, as every output record names it: `log` (`account`,
    /// `user`, `insights`, `v2`, `history`, `access`, `scim`) and the account, zone or
    /// organization ID (and the insight's issue ID, or the entry whose resource's history it
    /// is).
    pub fn origin(&self) -> serde_json::Value {
        use serde_json::json;
        let log = self.log().key();
        match self {
            Source::Account { account_id, .. }
            | Source::V2Account { account_id, .. }
            | Source::Access { account_id, .. }
            | Source::Scim { account_id, .. } => {
                json!({"log": log, "account_id": account_id})
            }
            Source::Insights { scope, issue, .. } => {
                let mut origin = match scope {
                    InsightsScope::Account(id) => json!({"log": log, "account_id": id}),
                    InsightsScope::Zone(id) => json!({"log": log, "zone_id": id}),
                };
                if let Some(issue) = issue {
                    origin["issue_id"] = json!(issue);
                }
                origin
            }
            Source::User { .. } => json!({"log": log}),
            Source::History {
                owner, entry_id, ..
            } => match owner {
                V2Owner::Account(id) => json!({"log": log, "account_id": id, "entry_id": entry_id}),
                V2Owner::Organization(id) => {
                    json!({"log": log, "organization_id": id, "entry_id": entry_id})
                }
            },
            Source::V2Organization {
                organization_id, ..
            } => json!({"log": log, "organization_id": organization_id}),
        }
    }

    /// Which log this is.
    pub fn log(&self) -> Log {
        match self {
            Source::Account { .. } => Log::Account,
            Source::User { .. } => Log::User,
            Source::Insights { .. } => Log::Insights,
            Source::V2Account { .. } | Source::V2Organization { .. } => Log::V2,
            Source::History { .. } => Log::History,
            Source::Access { .. } => Log::Access,
            Source::Scim { .. } => Log::Scim,
        }
    }

    /// A stable description (JSON) that changes when the log, its identifier or a filter
    /// does.
    pub fn fingerprint(&self) -> String {
        let filters = match self {
            Source::Account { filters, .. } | Source::User { filters } => {
                serde_json::json!(filters)
            }
            Source::Insights { filters, .. } => serde_json::json!(filters),
            Source::V2Account { filters, .. } => serde_json::json!(filters),
            Source::V2Organization { filters, .. } => serde_json::json!(filters),
            Source::History { filters, .. } => serde_json::json!(filters),
            Source::Access { filters, .. } => serde_json::json!(filters),
            Source::Scim { filters, .. } => serde_json::json!(filters),
        };
        let mut described = self.origin();
        described["filters"] = filters;
        described.to_string()
    }

    /// A short name for messages.
    pub fn name(&self) -> &'static str {
        match self {
            Source::Account { .. } => "account audit logs",
            Source::Insights { issue: None, .. } => "insights audit log",
            Source::Insights { .. } => "insight audit log",
            Source::User { .. } => "user audit logs",
            Source::V2Account { .. } => "account audit logs v2",
            Source::V2Organization { .. } => "organization audit logs v2",
            Source::History { .. } => "resource history",
            Source::Access { .. } => "access authentication logs",
            Source::Scim { .. } => "access scim update logs",
        }
    }
}
