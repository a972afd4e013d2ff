//! The history of the resource an Audit Logs v2 entry changed (`history`, with the `entry`
//! option and the entry's `action_time` in the filters), of an account's or an
//! organization's entry.

use cloudflare_audit_logs::listings::AuditLogHistory;
use cloudflare_audit_logs::{AuditLogHistoryFilters, AuditLogHistoryRequest, Client};
use serde_json::{Map, Value};

use crate::demo::v2 as demo_v2;
use crate::sources::row::{Asked, Info, Owner, OwnerKind, Row, owner_origin};

/// The history of the resource that Audit Logs v2 entry `entry_id` (of an account or an
/// organization) changed; its `action.time` is the filters' `action_time`.
#[derive(Clone, Debug)]
pub struct History {
    pub owner: V2Owner,
    pub entry_id: String,
    pub filters: AuditLogHistoryFilters,
}

/// Whose Audit Logs v2 entry a history is of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum V2Owner {
    Account(String),
    Organization(String),
}

impl V2Owner {
    fn owner(&self) -> Owner {
        match self {
            V2Owner::Account(id) => Owner::Account(id.clone()),
            V2Owner::Organization(id) => Owner::Organization(id.clone()),
        }
    }
}

impl Row for History {
    type Listing = AuditLogHistory;
    const INFO: Info = Info {
        key: "history",
        help: "The history of the resource an Audit Logs v2 entry changed",
        owners: &[OwnerKind::Account, OwnerKind::Organization],
        options: &["entry"],
        flags: &[
            ("action_time", "action_time"),
            ("since", "since"),
            ("before", "before"),
            ("direction", "direction"),
        ],
        v2_flags: false,
        // A resource's history only when asked for.
        in_demo_tour: false,
    };

    /// The entry's ID and its `action_time` are required.
    fn new(asked: Asked) -> Result<Self, String> {
        let filters: AuditLogHistoryFilters = asked.filters()?;
        let (Some(entry), Some(_)) = (asked.option("entry"), filters.action_time) else {
            return Err(
                "log \"history\" needs `entry = \"ENTRY_ID\"` and `action_time` in `filters` \
                 (the entry's action.time; flags: --history ID --action-time T)"
                    .into(),
            );
        };
        let owner = match &asked.owner {
            Owner::Organization(id) => V2Owner::Organization(id.clone()),
            _ => V2Owner::Account(asked.owner_id()),
        };
        Ok(History {
            owner,
            entry_id: entry.to_owned(),
            filters,
        })
    }

    fn demo() -> Asked {
        let time = demo_v2::v2_time(demo_v2::HISTORY_ENTRY);
        Asked {
            owner: Owner::Account(crate::demo::ACCOUNT.into()),
            filters: [("action_time".to_owned(), serde_json::json!(time))]
                .into_iter()
                .collect(),
            options: [(
                "entry".to_owned(),
                vec![demo_v2::entry_id(demo_v2::HISTORY_ENTRY)],
            )]
            .into(),
        }
    }

    fn name(&self) -> &'static str {
        "resource history"
    }

    fn origin(&self) -> Map<String, Value> {
        let mut origin = owner_origin(&self.owner.owner());
        origin.insert("entry_id".into(), self.entry_id.as_str().into());
        origin
    }

    fn filters(&self) -> &AuditLogHistoryFilters {
        &self.filters
    }

    /// The filters hold the entry's time (checked when the source was made); they replace
    /// the request's, with the window the export sets.
    fn request(
        &self,
        client: &Client,
        _: &AuditLogHistoryFilters,
    ) -> Result<AuditLogHistoryRequest, String> {
        let time = self
            .filters
            .action_time
            .ok_or("a history needs its entry's time")?;
        let entry = self.entry_id.as_str();
        Ok(match &self.owner {
            V2Owner::Account(id) => client.account_audit_log_history(id.as_str(), entry, time),
            V2Owner::Organization(id) => {
                client.organization_audit_log_history(id.as_str(), entry, time)
            }
        })
    }
}
