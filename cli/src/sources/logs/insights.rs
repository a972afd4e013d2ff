//! The Security Center insights audit log of an account or a zone, or of one insight
//! (`insights`, with the `issue` option).

use cloudflare_audit_logs::listings::InsightsAuditLog;
use cloudflare_audit_logs::{
    Client, InsightsAuditLogFilters, InsightsAuditLogRequest, InsightsScope,
};
use serde_json::{Map, Value};

use crate::sources::row::{Asked, Info, Owner, OwnerKind, Row, owner_origin};

/// The insights log of an account or zone, or with `issue` the log of one insight.
#[derive(Clone, Debug)]
pub struct Insights {
    pub scope: InsightsScope,
    pub issue: Option<String>,
    pub filters: InsightsAuditLogFilters,
}

impl Row for Insights {
    type Listing = InsightsAuditLog;
    const INFO: Info = Info {
        key: "insights",
        help: "The Security Center insights audit log of an account or a zone (or of one insight, with its issue ID)",
        owners: &[OwnerKind::Account, OwnerKind::Zone],
        options: &["issue"],
        flags: &[
            ("changed_by", "changed_by"),
            ("field_changed", "field_changed"),
            ("order", "order"),
            ("since", "since"),
            ("before", "before"),
        ],
        v2_flags: false,
        in_demo_tour: true,
    };

    fn new(asked: Asked) -> Result<Self, String> {
        let scope = match &asked.owner {
            Owner::Zone(zone) => InsightsScope::Zone(zone.clone()),
            _ => InsightsScope::Account(asked.owner_id()),
        };
        Ok(Insights {
            scope,
            issue: asked.option("issue").map(str::to_owned),
            filters: asked.filters()?,
        })
    }

    fn demo() -> Asked {
        Asked::of(Owner::Zone(crate::demo::ZONE.into()))
    }

    fn name(&self) -> &'static str {
        match self.issue {
            None => "insights audit log",
            Some(_) => "insight audit log",
        }
    }

    fn origin(&self) -> Map<String, Value> {
        let mut origin = owner_origin(&match &self.scope {
            InsightsScope::Account(id) => Owner::Account(id.clone()),
            InsightsScope::Zone(id) => Owner::Zone(id.clone()),
        });
        if let Some(issue) = &self.issue {
            origin.insert("issue_id".into(), issue.as_str().into());
        }
        origin
    }

    fn filters(&self) -> &InsightsAuditLogFilters {
        &self.filters
    }

    fn request(
        &self,
        client: &Client,
        _: &InsightsAuditLogFilters,
    ) -> Result<InsightsAuditLogRequest, String> {
        Ok(match &self.issue {
            Some(issue) => client.insight_audit_log(self.scope.clone(), issue.as_str()),
            None => client.insights_audit_log(self.scope.clone()),
        })
    }
}
