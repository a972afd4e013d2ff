//! [`InsightsAuditLogRequest`]: the Security Center insights audit log, page by cursor.
//!
//! The filters and their setters are generated from the spec (`InsightsAuditLogFilters`);
//! this file says how a page is fetched and where the next one starts.

use std::sync::Arc;

use crate::generated::query::InsightsAuditLogFilters;
use crate::generated::types::InsightAuditLog;
use crate::recent::id_fingerprint;
use crate::validate::{check_identifier, check_per_page};
use crate::walker::{Fetch, Fetched, Run, Walk, run_methods};
use crate::{Client, Error, transport};

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
#[derive(Clone, Debug)]
#[must_use]
pub struct InsightsAuditLogRequest {
    pub(crate) run: Run,
    scope: InsightsScope,
    pub(crate) query: InsightsAuditLogFilters,
    per_page: Option<u64>,
    cursor: Option<String>,
}

impl InsightsAuditLogRequest {
    pub(crate) fn new(client: Client, scope: InsightsScope) -> Self {
        InsightsAuditLogRequest {
            run: Run::new(client),
            scope,
            query: InsightsAuditLogFilters::default(),
            per_page: None,
            cursor: None,
        }
    }

    /// Replaces every filter at once (for filters kept in a configuration file).
    pub fn filters(mut self, filters: InsightsAuditLogFilters) -> Self {
        self.query = filters;
        self
    }

    /// Entries per page, 1 to 1000 (`per_page`).
    pub fn per_page(mut self, value: u64) -> Self {
        self.per_page = Some(value);
        self
    }

    /// Starts at this cursor (a previous page's `result_info.cursor`).
    pub fn cursor(mut self, value: impl Into<String>) -> Self {
        self.cursor = Some(value.into());
        self
    }

    run_methods!(InsightAuditLog);
}

impl Walk for InsightsAuditLogRequest {
    type Entry = InsightAuditLog;
    /// The cursor of the page (none for the first).
    type Position = Option<String>;
    fn listing(&self) -> &'static str {
        "insights_audit_log"
    }

    fn run(&self) -> &Run {
        &self.run
    }

    fn check(&self) -> Result<(), Error> {
        match &self.scope {
            InsightsScope::Account(id) => check_identifier("account_id", id)?,
            InsightsScope::Zone(id) => check_identifier("zone_id", id)?,
        }
        check_per_page(self.per_page)
    }

    fn first(&self) -> Result<Option<String>, Error> {
        Ok(self.cursor.clone())
    }

    fn identity(&self) -> serde_json::Value {
        let (scope, id) = match &self.scope {
            InsightsScope::Account(id) => ("account_id", id),
            InsightsScope::Zone(id) => ("zone_id", id),
        };
        serde_json::json!({scope: id, "per_page": self.per_page, "filters": self.query})
    }

    async fn fetch(
        self: Arc<Self>,
        cursor: Option<String>,
    ) -> Fetched<InsightAuditLog, Option<String>> {
        let generated = self.run.client.generated();
        // The account and zone operations take the same parameters but are different types.
        macro_rules! paged {
            ($request:expr) => {{
                let mut request = $request;
                if let Some(n) = self.per_page {
                    request = request.per_page(n);
                }
                if let Some(cursor) = &cursor {
                    request = request.cursor(cursor.clone());
                }
                transport::call(request.send()).await?
            }};
        }
        let body = match &self.scope {
            InsightsScope::Account(id) => paged!(
                self.query
                    .apply_account_insights_audit_log(generated.account_insights_audit_log())
                    .account_id(id.as_str())
            ),
            InsightsScope::Zone(id) => paged!(
                self.query
                    .apply_zone_insights_audit_log(generated.zone_insights_audit_log())
                    .zone_id(id.as_str())
            ),
        };
        let next = body
            .result_info
            .and_then(|info| info.cursor)
            .filter(|c| !c.is_empty());
        Ok(Fetch {
            entries: body.result.unwrap_or_default(),
            total_count: None,
            next: next.map(Some),
            last: None,
            history_status: None,
            refused: None,
        })
    }

    fn key(entry: &InsightAuditLog) -> Option<u64> {
        entry.id.as_ref().map(id_fingerprint)
    }
}
