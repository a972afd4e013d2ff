//! [`InsightsAuditLog`]: the Security Center insights audit log, page by cursor.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::generated::types::{FieldChanged, InsightAuditLog, InsightAuditLogPage, Order};
use crate::page::{Entries, Fetch, Fetched, Page, Pages, ResumeToken, Walk, id_fingerprint};
use crate::validate::{check_identifier, check_per_page};
use crate::{Client, Error, transport};

/// Whose insights audit log: an account's or one zone's. The two are separate endpoints.
///
/// ```
/// use cloudflare_audit_logs::Scope;
///
/// let account = Scope::Account("023e105f4ecef8ad9ca31a8372d0c353".into());
/// let zone = Scope::Zone("9a7806061c88ada191ed06f989cc3dac".into());
/// assert_ne!(account, zone);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// `/accounts/{account_id}/security-center/insights/audit-log`; the account ID (32
    /// hexadecimal characters, checked before any request).
    Account(String),
    /// `/zones/{zone_id}/security-center/insights/audit-log`; the zone's tag (32 hexadecimal
    /// characters, checked before any request), not its numeric ID.
    Zone(String),
}

/// A request for the insights audit log, made by [`Client::insights_audit_log`]. Set
/// filters, then take one page ([`send`](Self::send)), every page ([`pages`](Self::pages)) or
/// every entry ([`stream`](Self::stream)).
///
/// # What the stream guarantees
///
/// Each entry comes once, in the server's order, or the stream ends with an error. It follows
/// `result_info.cursor` and stops when the cursor is missing, null or empty; a page with no
/// entries but a new cursor does not end it. A cursor the server already sent in this run
/// ends it with [`Error::Pagination`] rather than a loop.
///
/// ```no_run
/// # async fn run() -> Result<(), cloudflare_audit_logs::Error> {
/// use cloudflare_audit_logs::{Client, Credentials, FieldChanged, Order, Scope};
/// use futures::TryStreamExt;
///
/// let client = Client::builder().credentials(Credentials::api_token("...")).build()?;
/// let mut entries = client
///     .insights_audit_log(Scope::Zone("023e105f4ecef8ad9ca31a8372d0c353".into()))
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
pub struct InsightsAuditLog {
    client: Client,
    scope: Scope,
    filters: Filters,
    per_page: Option<u64>,
    cursor: Option<String>,
    wrong_token: Option<ResumeToken>,
    max_pages: Option<u64>,
}

#[derive(Clone, Debug, Default)]
struct Filters {
    field_changed: Option<FieldChanged>,
    changed_by: Option<String>,
    since: Option<DateTime<Utc>>,
    before: Option<DateTime<Utc>>,
    order: Option<Order>,
}

/// Applies the filters to either generated builder (the account and zone operations take
/// the same parameters but are different types).
macro_rules! apply {
    ($request:expr, $this:expr, $cursor:expr) => {{
        let f = &$this.filters;
        let mut request = $request;
        if let Some(v) = f.field_changed {
            request = request.field_changed(v);
        }
        if let Some(v) = &f.changed_by {
            request = request.changed_by(v.clone());
        }
        if let Some(v) = f.since {
            request = request.since(v);
        }
        if let Some(v) = f.before {
            request = request.before(v);
        }
        if let Some(v) = f.order {
            request = request.order(v);
        }
        if let Some(v) = $this.per_page {
            request = request.per_page(v);
        }
        if let Some(v) = $cursor {
            request = request.cursor(v.clone());
        }
        transport::call(request.send()).await
    }};
}

impl InsightsAuditLog {
    pub(crate) fn new(client: Client, scope: Scope) -> Self {
        InsightsAuditLog {
            client,
            scope,
            filters: Filters::default(),
            per_page: None,
            cursor: None,
            wrong_token: None,
            max_pages: None,
        }
    }

    /// Only entries that changed this field (`field_changed`).
    pub fn field_changed(mut self, value: FieldChanged) -> Self {
        self.filters.field_changed = Some(value);
        self
    }

    /// Only entries made by this actor: `system` or a user identifier (`changed_by`).
    pub fn changed_by(mut self, value: impl Into<String>) -> Self {
        self.filters.changed_by = Some(value.into());
        self
    }

    /// Only entries changed at or after this time (`since`).
    pub fn since(mut self, value: DateTime<Utc>) -> Self {
        self.filters.since = Some(value);
        self
    }

    /// Only entries changed before this time (`before`).
    pub fn before(mut self, value: DateTime<Utc>) -> Self {
        self.filters.before = Some(value);
        self
    }

    /// Sort order (`order`): [`Order::Asc`] for oldest first, [`Order::Desc`] for newest first.
    pub fn order(mut self, value: Order) -> Self {
        self.filters.order = Some(value);
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

    /// Goes on where a previous run stopped: the token of the last page it finished. Use the
    /// same filters as that run.
    pub fn resume(mut self, token: ResumeToken) -> Self {
        match token {
            ResumeToken::Cursor { cursor } => self.cursor = Some(cursor),
            // Kept so that `start` reports the mismatch before any request.
            other => self.wrong_token = Some(other),
        }
        self
    }

    /// Fetches the first page (or the one [`cursor`](Self::cursor) or
    /// [`resume`](Self::resume) names).
    pub async fn send(&self) -> Result<Page<InsightAuditLog>, Error> {
        let at = self.start()?;
        self.fetch_page(&at).await.map(|fetched| fetched.page)
    }

    /// Stops a run after this many pages with [`Error::Pagination`] if more follow (default:
    /// no limit, so exports of millions of entries run to the end).
    pub fn max_pages(mut self, pages: u64) -> Self {
        self.max_pages = Some(pages);
        self
    }

    /// Every page, in order, following the cursors; the next page is fetched while the
    /// caller works through the current one.
    pub fn pages(self) -> Pages<InsightAuditLog> {
        let start = self.start();
        Pages::walk(self, start)
    }

    /// Every entry of every page, in order.
    pub fn stream(self) -> Entries<InsightAuditLog> {
        self.pages().entries()
    }

    /// Checks the input before any request; the position is the cursor (none at first).
    fn start(&self) -> Result<Option<String>, Error> {
        match &self.scope {
            Scope::Account(id) => check_identifier("account_id", id)?,
            Scope::Zone(id) => check_identifier("zone_id", id)?,
        }
        check_per_page(self.per_page)?;
        if let Some(wrong) = &self.wrong_token {
            return Err(Error::InvalidInput(format!(
                "the insights audit log resumes from a cursor token, not {wrong:?}"
            )));
        }
        Ok(self.cursor.clone())
    }

    /// Fetches one page and reads where the next one starts.
    async fn fetch_page(
        &self,
        cursor: &Option<String>,
    ) -> Fetched<InsightAuditLog, Option<String>> {
        let generated = self.client.generated();
        let body: InsightAuditLogPage = match &self.scope {
            Scope::Account(id) => apply!(
                generated
                    .account_insights_audit_log()
                    .account_id(id.as_str()),
                self,
                cursor
            )?,
            Scope::Zone(id) => apply!(
                generated.zone_insights_audit_log().zone_id(id.as_str()),
                self,
                cursor
            )?,
        };
        let info = body.result_info.unwrap_or_default();
        let next = info.cursor.filter(|c| !c.is_empty());
        let page = Page {
            entries: body.result.unwrap_or_default(),
            next: next.clone().map(|cursor| ResumeToken::Cursor { cursor }),
            total_count: None,
        };
        Ok(Fetch {
            page,
            next: next.map(Some),
            last: None,
        })
    }
}

impl Walk for InsightsAuditLog {
    type Entry = InsightAuditLog;
    type Position = Option<String>;

    async fn fetch(
        self: Arc<Self>,
        at: Option<String>,
    ) -> Fetched<InsightAuditLog, Option<String>> {
        self.fetch_page(&at).await
    }

    fn predict(&self, _: &Option<String>, _: Option<&Option<String>>) -> Option<Option<String>> {
        None
    }

    fn in_flight(&self) -> usize {
        1
    }

    fn max_pages(&self) -> Option<u64> {
        self.max_pages
    }

    fn client(&self) -> &Client {
        &self.client
    }

    fn key(entry: &InsightAuditLog) -> Option<u64> {
        entry.id.as_ref().map(id_fingerprint)
    }
}
