//! [`AuditLogHistoryRequest`]: the history of the resource an Audit Logs v2 entry changed,
//! page by cursor, each page saying how the resource was identified ([`HistoryInfo`]).
//!
//! The filters and their setters are generated from the spec (`AuditLogHistoryFilters`); this
//! file holds the rest of the listing's API: whose history, how a page is fetched and where
//! the next one starts.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::generated::query::AuditLogHistoryFilters;
use crate::generated::types::AuditLogV2;
use crate::http::validate::{check_identifier, check_segment};
use crate::listings::audit_logs_v2::{
    MAX_ORGANIZATION_ID, check_window, guess_cursor, next_cursor,
};
use crate::paging::listing::Fetch;
use crate::paging::listing::Mode;
use crate::paging::listing::{CursorListing, Fetched, Limit, Listing};
use crate::{Client, Error, HistoryInfo, Request};

/// The longest entry ID the client sends (its form is undocumented).
const MAX_ENTRY_ID: usize = 128;

/// Whose resource history: an account's or an organization's.
#[derive(Clone, Debug)]
pub(crate) enum HistoryOwner {
    Account(String),
    Organization(String),
}

/// A request for the history of the resource an Audit Logs v2 entry changed
/// (`GET /{accounts|organizations}/{id}/logs/audit/{entry}/history`), made by
/// [`Client::account_audit_log_history`] or [`Client::organization_audit_log_history`] from
/// the entry's ID and its `action.time`: the resource's entries in chronological order, each
/// page carrying [`HistoryInfo::history_status`] (how the resource was identified) in
/// [`Page::info`](crate::Page::info). The window to look in is set by name with
/// [`since`](Self::since) and [`before`](Self::before), both required (a request without
/// them, or with `since` not before `before`, is refused before it is sent).
///
/// ```no_run
/// # async fn run(client: cloudflare_audit_logs::Client, entry: cloudflare_audit_logs::AuditLogV2) -> Result<(), cloudflare_audit_logs::Error> {
/// use chrono::{Duration, Utc};
///
/// let time = entry.action.as_ref().and_then(|a| a.time).expect("the entry has a time");
/// let page = client
///     .account_audit_log_history(
///         "023e105f4ecef8ad9ca31a8372d0c353",
///         entry.id.as_deref().unwrap_or_default(),
///         time,
///     )
///     .since(time - Duration::days(30))
///     .before(Utc::now())
///     .send()
///     .await?;
/// println!("{:?}: {} entries", page.info.history_status, page.entries.len());
/// # Ok(()) }
/// ```
pub type AuditLogHistoryRequest = Request<AuditLogHistory>;

/// A resource's history (see [`AuditLogHistoryRequest`]).
#[derive(Clone, Debug)]
pub struct AuditLogHistory {
    owner: HistoryOwner,
    entry_id: String,
    cursor: Option<String>,
}

impl AuditLogHistoryRequest {
    pub(crate) fn history(
        client: Client,
        owner: HistoryOwner,
        entry_id: String,
        action_time: DateTime<Utc>,
    ) -> Self {
        let filters = AuditLogHistoryFilters {
            action_time: Some(action_time),
            ..Default::default()
        };
        let listing = AuditLogHistory {
            owner,
            entry_id,
            cursor: None,
        };
        Request::new(client, listing, filters)
    }
}

impl Listing for AuditLogHistory {
    type Entry = AuditLogV2;
    type Filters = AuditLogHistoryFilters;
    type Position = Option<String>;
    type Info = HistoryInfo;
    type Size = Limit;

    fn name(&self) -> &'static str {
        "audit_log_history"
    }

    fn identity(&self) -> serde_json::Map<String, serde_json::Value> {
        let (kind, id) = match &self.owner {
            HistoryOwner::Account(id) => ("account_id", id),
            HistoryOwner::Organization(id) => ("organization_id", id),
        };
        let mut identity = serde_json::Map::new();
        identity.insert(kind.into(), id.clone().into());
        identity.insert("id".into(), self.entry_id.clone().into());
        identity
    }

    fn check(request: &Request<Self>) -> Result<(), Error> {
        match &request.listing.owner {
            HistoryOwner::Account(id) => check_identifier("account_id", id)?,
            HistoryOwner::Organization(id) => {
                check_segment("organization_id", id, MAX_ORGANIZATION_ID)?
            }
        }
        check_segment("id", &request.listing.entry_id, MAX_ENTRY_ID)?;
        check_window(request.filters.since, request.filters.before)
    }

    fn first(request: &Request<Self>) -> Result<Option<String>, Error> {
        Ok(request.listing.cursor.clone())
    }

    fn guess(result_info: &[u8]) -> Option<Option<String>> {
        guess_cursor(result_info)
    }

    async fn fetch<M: Mode<Self>>(
        request: Arc<Request<Self>>,
        cursor: Option<String>,
    ) -> Fetched<Self, M> {
        let generated = request.run.client.generated();
        let (filters, entry) = (&request.filters, request.listing.entry_id.as_str());
        // The account and organization operations take the same parameters but are
        // different types.
        let (info, entries) = match &request.listing.owner {
            HistoryOwner::Account(id) => {
                let builder = filters
                    .apply_account_audit_log_history(generated.account_audit_log_history())
                    .account_id(id.as_str())
                    .id(entry)
                    .maybe_limit(request.size)
                    .maybe_cursor(cursor);
                M::call(builder.send()).await?
            }
            HistoryOwner::Organization(id) => {
                let operation = generated.organization_audit_log_history();
                let builder = filters
                    .apply_organization_audit_log_history(operation)
                    .organization_id(id.as_str())
                    .id(entry)
                    .maybe_limit(request.size)
                    .maybe_cursor(cursor);
                M::call(builder.send()).await?
            }
        };
        let next = next_cursor(info.as_ref());
        let info = HistoryInfo {
            history_status: info.and_then(|info| info.history_status),
        };
        Ok(Fetch {
            info,
            ..Fetch::page(entries, next)
        })
    }
}

impl CursorListing for AuditLogHistory {
    fn start(&mut self) -> &mut Option<String> {
        &mut self.cursor
    }
}

/// The client's way in to this listing.
impl crate::Client {
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
}
