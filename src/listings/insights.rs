//! [`InsightsAuditLogRequest`]: the Security Center insights audit log, page by cursor.
//!
//! The filters and their setters are generated from the spec (`InsightsAuditLogFilters`);
//! this file holds the rest of the listing's API: whose log, how a page is fetched and where
//! the next one starts.

use std::sync::Arc;

use crate::generated::query::InsightsAuditLogFilters;
use crate::generated::types::InsightAuditLog;
use crate::http::validate::{check_identifier, check_segment};
use crate::paging::listing::Fetch;
use crate::paging::listing::Mode;
use crate::paging::listing::{CursorListing, Fetched, Listing, PerPage};
use crate::{Client, Error, Request};

/// Whose insights audit log: an account's or one zone's. The two are separate endpoints.
///
/// ```
/// use cloudflare_audit_logs::InsightsScope;
///
/// let account = InsightsScope::Account("023e105f4ecef8ad9ca31a8372d0c353".into());
/// let zone = InsightsScope::Zone("9a7806061c88ada191ed06f989cc3dac".into());
/// assert_ne!(account, zone);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum InsightsScope {
    /// `/accounts/{account_id}/security-center/insights/audit-log`; the account ID (32
    /// hexadecimal characters, checked before any request).
    Account(String),
    /// `/zones/{zone_id}/security-center/insights/audit-log`; the zone's tag (32 hexadecimal
    /// characters, checked before any request), not its numeric ID.
    Zone(String),
}

/// A request for the insights audit log, made by [`Client::insights_audit_log`]. Set
/// filters (one setter per query parameter), then take one page ([`send`](Self::send)), every
/// page ([`pages`](Self::pages)) or every entry ([`stream`](Self::stream)).
///
/// # What the stream guarantees
///
/// Each entry comes once, in the server's order, or the stream ends with an error. It follows
/// `result_info.cursor` and stops when the cursor is missing, null or empty; a page with no
/// entries but a new cursor does not end it. A cursor the server already sent in this run
/// ends it with [`Error::Pagination`] rather than a loop. The next page is fetched while the
/// caller works through the current one.
///
/// ```no_run
/// # async fn run() -> Result<(), cloudflare_audit_logs::Error> {
/// use cloudflare_audit_logs::{Client, Credentials, FieldChanged, InsightsScope, Order};
/// use futures::TryStreamExt;
///
/// let client = Client::builder().credentials(Credentials::api_token("...")).build()?;
/// let mut entries = client
///     .insights_audit_log(InsightsScope::Zone("9a7806061c88ada191ed06f989cc3dac".into()))
///     .field_changed(FieldChanged::Status)
///     .order(Order::Asc)
///     .per_page(500)
///     .stream();
/// while let Some(entry) = entries.try_next().await? {
///     println!("{:?} {:?}", entry.changed_at, entry.current_value);
/// }
/// # Ok(()) }
/// ```
pub type InsightsAuditLogRequest = Request<InsightsAuditLog>;

/// The insights audit log of an account or a zone (see [`InsightsAuditLogRequest`]).
#[derive(Clone, Debug)]
pub struct InsightsAuditLog {
    scope: InsightsScope,
    /// One insight's log ([`Client::insight_audit_log`]), or `None` for every insight's.
    issue_id: Option<String>,
    cursor: Option<String>,
}

impl InsightsAuditLogRequest {
    pub(crate) fn insights(client: Client, scope: InsightsScope) -> Self {
        let listing = InsightsAuditLog {
            scope,
            issue_id: None,
            cursor: None,
        };
        Request::new(client, listing, InsightsAuditLogFilters::default())
    }

    pub(crate) fn of_insight(client: Client, scope: InsightsScope, issue_id: String) -> Self {
        let mut request = Self::insights(client, scope);
        request.listing.issue_id = Some(issue_id);
        request
    }
}

impl Listing for InsightsAuditLog {
    type Entry = InsightAuditLog;
    type Filters = InsightsAuditLogFilters;
    type Position = Option<String>;
    type Info = ();
    type Size = PerPage;

    fn name(&self) -> &'static str {
        match self.issue_id {
            Some(_) => "insight_audit_log",
            None => "insights_audit_log",
        }
    }

    fn identity(&self) -> serde_json::Map<String, serde_json::Value> {
        let (scope, id) = match &self.scope {
            InsightsScope::Account(id) => ("account_id", id),
            InsightsScope::Zone(id) => ("zone_id", id),
        };
        let mut identity = serde_json::Map::new();
        identity.insert(scope.into(), id.clone().into());
        if let Some(issue) = &self.issue_id {
            identity.insert("issue_id".into(), issue.clone().into());
        }
        identity
    }

    fn check(request: &Request<Self>) -> Result<(), Error> {
        match &request.listing.scope {
            InsightsScope::Account(id) => check_identifier("account_id", id)?,
            InsightsScope::Zone(id) => check_identifier("zone_id", id)?,
        }
        match &request.listing.issue_id {
            Some(issue) => check_segment("issue_id", issue, 128),
            None => Ok(()),
        }
    }

    fn first(request: &Request<Self>) -> Result<Option<String>, Error> {
        Ok(request.listing.cursor.clone())
    }

    fn guess(result_info: &[u8]) -> Option<Option<String>> {
        next_cursor(serde_json::from_slice(result_info).ok())
    }

    async fn fetch<M: Mode<Self>>(
        request: Arc<Request<Self>>,
        cursor: Option<String>,
    ) -> Fetched<Self, M> {
        let generated = request.run.client.generated();
        let (filters, size) = (&request.filters, request.size);
        // The four operations (every insight's log or one's, of an account or a zone) take
        // the same parameters but are different types.
        let listing = &request.listing;
        let (info, entries) = match (&listing.scope, listing.issue_id.as_deref()) {
            (InsightsScope::Account(id), None) => {
                let operation = generated.account_insights_audit_log();
                let builder = filters
                    .apply_account_insights_audit_log(operation)
                    .account_id(id.as_str())
                    .maybe_per_page(size)
                    .maybe_cursor(cursor);
                M::call(builder.send()).await?
            }
            (InsightsScope::Zone(id), None) => {
                let operation = generated.zone_insights_audit_log();
                let builder = filters
                    .apply_zone_insights_audit_log(operation)
                    .zone_id(id.as_str())
                    .maybe_per_page(size)
                    .maybe_cursor(cursor);
                M::call(builder.send()).await?
            }
            (InsightsScope::Account(id), Some(issue)) => {
                let operation = generated.account_insight_audit_log();
                let builder = filters
                    .apply_account_insight_audit_log(operation)
                    .account_id(id.as_str())
                    .issue_id(issue)
                    .maybe_per_page(size)
                    .maybe_cursor(cursor);
                M::call(builder.send()).await?
            }
            (InsightsScope::Zone(id), Some(issue)) => {
                let operation = generated.zone_insight_audit_log();
                let builder = filters
                    .apply_zone_insight_audit_log(operation)
                    .zone_id(id.as_str())
                    .issue_id(issue)
                    .maybe_per_page(size)
                    .maybe_cursor(cursor);
                M::call(builder.send()).await?
            }
        };
        Ok(Fetch::page(entries, next_cursor(info)))
    }
}

/// Where the page after one with this `result_info` starts: its non-empty `cursor`.
fn next_cursor(info: Option<crate::generated::types::CursorResultInfo>) -> Option<Option<String>> {
    info.and_then(|info| info.cursor)
        .filter(|c| !c.is_empty())
        .map(Some)
}

impl CursorListing for InsightsAuditLog {
    fn start(&mut self) -> &mut Option<String> {
        &mut self.cursor
    }
}

/// The client's way in to this listing.
impl crate::Client {
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
}
