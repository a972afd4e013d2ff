//! The Access SCIM update logs of an account (`scim`), for the identity providers of the
//! `idp` option.

use cloudflare_audit_logs::listings::AccessScimUpdateLogs;
use cloudflare_audit_logs::{AccessScimUpdateLogsFilters, AccessScimUpdateLogsRequest, Client};
use serde_json::{Map, Value};

use crate::sources::logs::access::ACCESS_FLAGS;
use crate::sources::row::{Asked, Info, Owner, OwnerKind, Row, owner_origin};

/// An account's Access SCIM update logs (the identity providers are in the filters).
#[derive(Clone, Debug)]
pub struct Scim {
    pub account_id: String,
    pub filters: AccessScimUpdateLogsFilters,
}

impl Row for Scim {
    type Listing = AccessScimUpdateLogs;
    const INFO: Info = Info {
        key: "scim",
        help: "The Access SCIM update logs of an account (for the identity providers of --idp)",
        owners: &[OwnerKind::Account],
        options: &["idp"],
        flags: ACCESS_FLAGS,
        v2_flags: false,
        in_demo_tour: true,
    };

    /// The identity providers of the `idp` option and of the `idp_id` filter, together.
    fn new(asked: Asked) -> Result<Self, String> {
        let mut filters: AccessScimUpdateLogsFilters = asked.filters()?;
        let mut idps = filters.idp_id.take().unwrap_or_default();
        idps.extend(asked.options.get("idp").into_iter().flatten().cloned());
        if idps.is_empty() {
            return Err(
                "log \"scim\" needs `idp = [\"IDP_ID\"]` (flags: --idp ID): the \
                        identity providers whose updates to export"
                    .into(),
            );
        }
        filters.idp_id = Some(idps);
        Ok(Scim {
            account_id: asked.owner_id(),
            filters,
        })
    }

    fn demo() -> Asked {
        let idps = crate::demo::IDPS.iter().map(|s| s.to_string()).collect();
        Asked {
            owner: Owner::Account(crate::demo::ACCOUNT.into()),
            filters: Map::new(),
            options: [("idp".to_owned(), idps)].into(),
        }
    }

    fn name(&self) -> &'static str {
        "access scim update logs"
    }

    fn origin(&self) -> Map<String, Value> {
        owner_origin(&Owner::Account(self.account_id.clone()))
    }

    fn filters(&self) -> &AccessScimUpdateLogsFilters {
        &self.filters
    }

    /// The identity providers are in the filters, which replace the request's.
    fn request(
        &self,
        client: &Client,
        _: &AccessScimUpdateLogsFilters,
    ) -> Result<AccessScimUpdateLogsRequest, String> {
        let first = self.filters.idp_id.iter().flatten().next().cloned();
        let id = self.account_id.as_str();
        Ok(client.access_scim_update_logs(id, first.unwrap_or_default()))
    }
}
