//! The Access authentication logs of an account (`access`): every login to an Access
//! application, allowed or not.

use cloudflare_audit_logs::listings::AccessAuthenticationLogs;
use cloudflare_audit_logs::{
    AccessAuthenticationLogsFilters, AccessAuthenticationLogsRequest, Client,
};
use serde_json::{Map, Value};

use crate::sources::row::{Asked, Info, Owner, OwnerKind, Row, owner_origin};

/// The filter flags of the Access logs: their upper bound is `until`.
pub(crate) const ACCESS_FLAGS: &[(&str, &str)] = &[
    ("direction", "direction"),
    ("since", "since"),
    ("before", "until"),
];

/// An account's Access authentication logs.
#[derive(Clone, Debug)]
pub struct Access {
    pub account_id: String,
    pub filters: AccessAuthenticationLogsFilters,
}

impl Row for Access {
    type Listing = AccessAuthenticationLogs;
    const INFO: Info = Info {
        key: "access",
        help: "The Access authentication logs of an account",
        owners: &[OwnerKind::Account],
        options: &[],
        flags: ACCESS_FLAGS,
        v2_flags: false,
        in_demo_tour: true,
    };

    fn new(asked: Asked) -> Result<Self, String> {
        Ok(Access {
            account_id: asked.owner_id(),
            filters: asked.filters()?,
        })
    }

    fn demo() -> Asked {
        Asked::of(Owner::Account(crate::demo::ACCOUNT.into()))
    }

    fn name(&self) -> &'static str {
        "access authentication logs"
    }

    fn origin(&self) -> Map<String, Value> {
        owner_origin(&Owner::Account(self.account_id.clone()))
    }

    fn filters(&self) -> &AccessAuthenticationLogsFilters {
        &self.filters
    }

    fn request(
        &self,
        client: &Client,
        _: &AccessAuthenticationLogsFilters,
    ) -> Result<AccessAuthenticationLogsRequest, String> {
        Ok(client.access_authentication_logs(self.account_id.as_str()))
    }
}
