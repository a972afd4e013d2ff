//! [`Client`]: one method per listing, each returning the request that is the query.

use std::sync::Arc;
use std::time::Duration;

use crate::{
    AuditLogsRequest, ClientBuilder, Error, InsightsAuditLogRequest, InsightsScope, generated,
};

/// A client for Cloudflare's audit logs.
///
/// Cheap to clone (the state is shared behind an [`Arc`]); clones share connections. Streams
/// own a clone, so they can be stored, returned or moved to another task.
///
/// ```no_run
/// use cloudflare_audit_logs::{Client, Credentials};
///
/// # fn main() -> Result<(), cloudflare_audit_logs::Error> {
/// let client = Client::builder()
///     .credentials(Credentials::api_token("..."))
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Client {
    pub(crate) generated: Arc<generated::Client>,
}

impl Client {
    /// Starts configuring a client. The builder reads no setting of its own from the
    /// environment; the HTTP layer does read proxy variables (see
    /// [`ClientBuilder::no_proxy`]) and, through the platform verifier, the system's
    /// certificate settings.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client from the environment: credentials as [`Credentials::from_env`](crate::Credentials::from_env) reads them,
    /// and the API root from `CLOUDFLARE_BASE_URL` when it is set.
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env()?.build()
    }

    /// The v1 audit logs of `account_id` (`GET /accounts/{account_id}/audit_logs`), with
    /// page-number pagination.
    pub fn account_audit_logs(&self, account_id: impl Into<String>) -> AuditLogsRequest {
        AuditLogsRequest::v1(self.clone(), Some(account_id.into()))
    }

    /// The v1 audit logs of the user the credentials belong to (`GET /user/audit_logs`): the
    /// same filters, entries and pagination as [`account_audit_logs`](Self::account_audit_logs).
    pub fn user_audit_logs(&self) -> AuditLogsRequest {
        AuditLogsRequest::v1(self.clone(), None)
    }

    /// An account's Audit Logs v2 (`GET /accounts/{account_id}/logs/audit`) between `since`
    /// and `before` (both required by the API; a `chrono::DateTime<Utc>`, a
    /// `chrono::NaiveDate` or a [`TimeBound`](crate::TimeBound)), with cursor pagination.
    pub fn account_audit_logs_v2(
        &self,
        account_id: impl Into<String>,
        since: impl Into<crate::TimeBound>,
        before: impl Into<crate::TimeBound>,
    ) -> crate::AccountAuditLogsV2Request {
        crate::AccountAuditLogsV2Request::v2(
            self.clone(),
            account_id.into(),
            since.into(),
            before.into(),
        )
    }

    /// An organization's Audit Logs v2 (`GET /organizations/{organization_id}/logs/audit`)
    /// between `since` and `before`, with cursor pagination.
    pub fn organization_audit_logs_v2(
        &self,
        organization_id: impl Into<String>,
        since: impl Into<crate::TimeBound>,
        before: impl Into<crate::TimeBound>,
    ) -> crate::OrganizationAuditLogsV2Request {
        crate::OrganizationAuditLogsV2Request::v2(
            self.clone(),
            organization_id.into(),
            since.into(),
            before.into(),
        )
    }

    /// The history of the resource that the account's Audit Logs v2 entry `entry_id` changed
    /// (`GET /accounts/{account_id}/logs/audit/{id}/history`): `action_time` is the entry's
    /// `action.time`. Set the window to look in with `.since(..)` and `.before(..)` (both
    /// required; see [`AuditLogHistoryRequest`](crate::AuditLogHistoryRequest)).
    pub fn account_audit_log_history(
        &self,
        account_id: impl Into<String>,
        entry_id: impl Into<String>,
        action_time: chrono::DateTime<chrono::Utc>,
    ) -> crate::AuditLogHistoryRequest {
        let owner = crate::listings::audit_log_history::HistoryOwner::Account(account_id.into());
        crate::AuditLogHistoryRequest::history(self.clone(), owner, entry_id.into(), action_time)
    }

    /// The history of the resource that the organization's Audit Logs v2 entry `entry_id`
    /// changed (`GET /organizations/{organization_id}/logs/audit/{id}/history`), as
    /// [`account_audit_log_history`](Self::account_audit_log_history).
    pub fn organization_audit_log_history(
        &self,
        organization_id: impl Into<String>,
        entry_id: impl Into<String>,
        action_time: chrono::DateTime<chrono::Utc>,
    ) -> crate::AuditLogHistoryRequest {
        let owner =
            crate::listings::audit_log_history::HistoryOwner::Organization(organization_id.into());
        crate::AuditLogHistoryRequest::history(self.clone(), owner, entry_id.into(), action_time)
    }

    /// The product categories of Audit Logs v2 and their products
    /// (`GET /accounts/{account_id}/logs/audit/product_categories`).
    pub fn account_audit_log_product_categories(
        &self,
        account_id: impl Into<String>,
    ) -> crate::ProductCategoriesRequest {
        crate::ProductCategoriesRequest::new(self.clone(), account_id.into())
    }

    /// The Security Center insights audit log of an account or a zone, with cursor pagination.
    pub fn insights_audit_log(&self, scope: InsightsScope) -> InsightsAuditLogRequest {
        InsightsAuditLogRequest::insights(self.clone(), scope)
    }

    /// The audit log of one Security Center insight (its `issue_id`) of an account or a zone:
    /// the insights log's filters, cursor and entries, narrowed to that insight.
    pub fn insight_audit_log(
        &self,
        scope: InsightsScope,
        issue_id: impl Into<String>,
    ) -> InsightsAuditLogRequest {
        InsightsAuditLogRequest::of_insight(self.clone(), scope, issue_id.into())
    }

    /// The Access authentication logs of an account (every login to an Access application,
    /// allowed or not), with page-number pagination.
    pub fn access_authentication_logs(
        &self,
        account_id: impl Into<String>,
    ) -> crate::AccessAuthenticationLogsRequest {
        crate::AccessAuthenticationLogsRequest::access(self.clone(), account_id.into())
    }

    /// The Access SCIM update logs of an account for the identity provider `idp_id` (more by
    /// [`idp_id`](crate::AccessScimUpdateLogsRequest::idp_id)), with page-number pagination.
    pub fn access_scim_update_logs(
        &self,
        account_id: impl Into<String>,
        idp_id: impl Into<String>,
    ) -> crate::AccessScimUpdateLogsRequest {
        crate::AccessScimUpdateLogsRequest::scim(self.clone(), account_id.into(), idp_id.into())
    }

    /// The generated client, for anything this wrapper does not cover. Its calls go through
    /// the same credentials and execution seam.
    pub fn generated(&self) -> &crate::generated::Client {
        &self.generated
    }

    /// What this client (with all its clones) has done so far: requests, retries, and the
    /// time spent waiting before retries.
    pub fn stats(&self) -> crate::ClientStats {
        progenitor_client::ClientInfo::inner(&*self.generated).stats()
    }

    /// The API root requests go to.
    pub fn base_url(&self) -> &str {
        progenitor_client::ClientInfo::baseurl(&*self.generated)
    }

    /// The transport every call of this client goes through.
    pub(crate) fn transport(&self) -> &crate::http::transport::Transport {
        progenitor_client::ClientInfo::inner(&*self.generated)
    }

    /// The deadline of a whole run of pages, if one is set.
    pub(crate) fn run_timeout(&self) -> Option<Duration> {
        progenitor_client::ClientInfo::inner(&*self.generated).run_timeout()
    }
}
