//! Audit Logs v2: the account and organization lists ([`AccountAuditLogsV2Request`],
//! [`OrganizationAuditLogsV2Request`]), a resource's history ([`AuditLogHistoryRequest`]) and
//! the product categories ([`ProductCategoriesRequest`]).
//!
//! Filters and their setters are generated from the spec (`*Filters`; every filter takes one
//! value per call and has a `not_` twin); this file says how a page is fetched and where the
//! next one starts: `result_info.cursors.after`, or `result_info.cursor` as Cloudflare's own
//! documentation example shows it.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::generated::query::{
    AccountAuditLogsV2Filters, AuditLogHistoryFilters, OrganizationAuditLogsV2Filters,
};
use crate::generated::types::{AuditLogV2, AuditLogV2Page, ProductCategory};
use crate::recent::id_fingerprint;
use crate::validate::{check_identifier, check_segment};
use crate::walker::{Fetch, Fetched, Run, Walk, run_methods};
use crate::{Client, Error, TimeBound, transport};

/// The longest organization ID and entry ID the client sends (their form is undocumented).
const MAX_ORGANIZATION_ID: usize = 64;
const MAX_ENTRY_ID: usize = 128;

/// Where the next v2 page starts: `cursors.after`, else `cursor`; missing, null or empty ends.
fn next_cursor(page: &AuditLogV2Page) -> Option<String> {
    let info = page.result_info.as_ref()?;
    info.cursors
        .as_ref()
        .and_then(|c| c.after.clone())
        .filter(|c| !c.is_empty())
        .or_else(|| info.cursor.clone().filter(|c| !c.is_empty()))
}

/// A fetched v2 page as the walker takes it.
fn fetched(page: AuditLogV2Page) -> Fetched<AuditLogV2, Option<String>> {
    let next = next_cursor(&page);
    Ok(Fetch {
        history_status: page.result_info.and_then(|info| info.history_status),
        entries: page.result.unwrap_or_default(),
        total_count: None,
        next: next.map(Some),
        last: None,
        refused: None,
    })
}

/// Refuses `limit(0)` before any request (its maximum is not documented).
fn check_limit(limit: Option<u64>) -> Result<(), Error> {
    match limit {
        Some(0) => Err(Error::InvalidInput("limit must be at least 1".into())),
        _ => Ok(()),
    }
}

/// One v2 list (account or organization): the struct, its paging setters and its walk.
macro_rules! v2_list {
    (
        $(#[$doc:meta])*
        $name:ident, $filters:ident, $listing:literal, $owner:ident, $check:expr,
        $operation:ident, $apply:ident
    ) => {
        $(#[$doc])*
        #[derive(Clone, Debug)]
        #[must_use]
        pub struct $name {
            pub(crate) run: Run,
            $owner: String,
            pub(crate) query: $filters,
            limit: Option<u64>,
            cursor: Option<String>,
        }

        impl $name {
            pub(crate) fn new(client: Client, $owner: String, since: TimeBound, before: TimeBound) -> Self {
                let query = $filters {
                    since: Some(since),
                    before: Some(before),
                    ..Default::default()
                };
                $name { run: Run::new(client), $owner, query, limit: None, cursor: None }
            }

            /// Replaces every filter at once, `since` and `before` included.
            pub fn filters(mut self, filters: $filters) -> Self {
                self.query = filters;
                self
            }

            /// Entries per page (`limit`; the server's default is 100, its maximum is not
            /// documented).
            pub fn limit(mut self, value: u64) -> Self {
                self.limit = Some(value);
                self
            }

            /// Starts at this cursor (a previous page's `result_info.cursors.after`).
            pub fn cursor(mut self, value: impl Into<String>) -> Self {
                self.cursor = Some(value.into());
                self
            }

            run_methods!(AuditLogV2);
        }

        impl Walk for $name {
            type Entry = AuditLogV2;
            type Position = Option<String>;

            fn listing(&self) -> &'static str {
                $listing
            }

            fn run(&self) -> &Run {
                &self.run
            }

            fn check(&self) -> Result<(), Error> {
                $check(stringify!($owner), &self.$owner)?;
                check_limit(self.limit)?;
                if self.query.since.is_none() || self.query.before.is_none() {
                    return Err(Error::InvalidInput("Audit Logs v2 need both since and before".into()));
                }
                Ok(())
            }

            fn first(&self) -> Result<Option<String>, Error> {
                Ok(self.cursor.clone())
            }

            fn identity(&self) -> serde_json::Value {
                serde_json::json!({stringify!($owner): self.$owner, "limit": self.limit, "filters": self.query})
            }

            async fn fetch(self: Arc<Self>, cursor: Option<String>) -> Fetched<AuditLogV2, Option<String>> {
                let generated = self.run.client.generated();
                let mut request = self.query.$apply(generated.$operation()).$owner(self.$owner.as_str());
                if let Some(n) = self.limit {
                    request = request.limit(n);
                }
                if let Some(cursor) = cursor {
                    request = request.cursor(cursor);
                }
                fetched(transport::call(request.send()).await?)
            }

            fn key(entry: &AuditLogV2) -> Option<u64> {
                entry.id.as_deref().map(id_fingerprint)
            }
        }
    };
}

v2_list! {
    /// A request for an account's Audit Logs v2 (`GET /accounts/{account_id}/logs/audit`), made
    /// by [`Client::account_audit_logs_v2`]. Every filter setter adds one value
    /// (`.action_type("create").action_type("delete")`), each has a `not_` twin that leaves values
    /// out (`.not_action_type("view")`); then take one page ([`send`](Self::send)), every page
    /// ([`pages`](Self::pages)) or every entry ([`stream`](Self::stream)).
    ///
    /// # What the stream guarantees
    ///
    /// Each entry comes once, in the server's order, or the stream ends with an error. It
    /// follows `result_info.cursors.after` (or `result_info.cursor`) and stops when it is
    /// missing, null or empty; a page with no entries but a new cursor does not end it; a
    /// cursor the server already sent ends it with [`Error::Pagination`]. The next page is
    /// fetched while the caller works through the current one.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), cloudflare_audit_logs::Error> {
    /// use chrono::{Duration, Utc};
    /// use cloudflare_audit_logs::{Client, Credentials, Direction};
    /// use futures::TryStreamExt;
    ///
    /// let client = Client::builder().credentials(Credentials::api_token("...")).build()?;
    /// let now = Utc::now();
    /// let entries: Vec<_> = client
    ///     .account_audit_logs_v2("023e105f4ecef8ad9ca31a8372d0c353", now - Duration::days(7), now)
    ///     .action_type("create")
    ///     .action_type("delete")
    ///     .not_actor_context("dash")
    ///     .raw_status_code(403)
    ///     .direction(Direction::Asc)
    ///     .limit(1000)
    ///     .stream()
    ///     .try_collect()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    AccountAuditLogsV2Request, AccountAuditLogsV2Filters, "account_audit_logs_v2", account_id,
    check_identifier, account_audit_logs_v2, apply_account_audit_logs_v2
}

v2_list! {
    /// A request for an organization's Audit Logs v2
    /// (`GET /organizations/{organization_id}/logs/audit`), made by
    /// [`Client::organization_audit_logs_v2`]: the account list's filters but `account_name`,
    /// `audit_log_id`, `product_category`, `zone_id` and `zone_name`, and the same guarantees
    /// (see [`AccountAuditLogsV2Request`]).
    OrganizationAuditLogsV2Request, OrganizationAuditLogsV2Filters, "organization_audit_logs_v2",
    organization_id, |what, id| check_segment(what, id, MAX_ORGANIZATION_ID),
    organization_audit_logs_v2, apply_organization_audit_logs_v2
}

/// Whose resource history: an account's or an organization's.
#[derive(Clone, Debug)]
pub(crate) enum HistoryOwner {
    Account(String),
    Organization(String),
}

/// A request for the history of the resource an Audit Logs v2 entry changed
/// (`GET /{accounts|organizations}/{id}/logs/audit/{entry}/history`), made by
/// [`Client::account_audit_log_history`] or [`Client::organization_audit_log_history`]: the
/// resource's entries in chronological order, each page carrying
/// [`Page::history_status`](crate::Page::history_status) (how the resource was identified).
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
///         time - Duration::days(30),
///         Utc::now(),
///     )
///     .send()
///     .await?;
/// println!("{:?}: {} entries", page.history_status, page.entries.len());
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct AuditLogHistoryRequest {
    pub(crate) run: Run,
    owner: HistoryOwner,
    entry_id: String,
    pub(crate) query: AuditLogHistoryFilters,
    limit: Option<u64>,
    cursor: Option<String>,
}

impl AuditLogHistoryRequest {
    pub(crate) fn new(
        client: Client,
        owner: HistoryOwner,
        entry_id: String,
        action_time: DateTime<Utc>,
        (since, before): (TimeBound, TimeBound),
    ) -> Self {
        let query = AuditLogHistoryFilters {
            action_time: Some(action_time),
            since: Some(since),
            before: Some(before),
            ..Default::default()
        };
        AuditLogHistoryRequest {
            run: Run::new(client),
            owner,
            entry_id,
            query,
            limit: None,
            cursor: None,
        }
    }

    /// Entries per page (`limit`; the server's default is 100).
    pub fn limit(mut self, value: u64) -> Self {
        self.limit = Some(value);
        self
    }

    /// Starts at this cursor (a previous page's `result_info.cursors.after`).
    pub fn cursor(mut self, value: impl Into<String>) -> Self {
        self.cursor = Some(value.into());
        self
    }

    run_methods!(AuditLogV2);
}

impl Walk for AuditLogHistoryRequest {
    type Entry = AuditLogV2;
    type Position = Option<String>;

    fn listing(&self) -> &'static str {
        "audit_log_history"
    }

    fn run(&self) -> &Run {
        &self.run
    }

    fn check(&self) -> Result<(), Error> {
        match &self.owner {
            HistoryOwner::Account(id) => check_identifier("account_id", id)?,
            HistoryOwner::Organization(id) => {
                check_segment("organization_id", id, MAX_ORGANIZATION_ID)?
            }
        }
        check_segment("id", &self.entry_id, MAX_ENTRY_ID)?;
        check_limit(self.limit)
    }

    fn first(&self) -> Result<Option<String>, Error> {
        Ok(self.cursor.clone())
    }

    fn identity(&self) -> serde_json::Value {
        let (kind, id) = match &self.owner {
            HistoryOwner::Account(id) => ("account_id", id),
            HistoryOwner::Organization(id) => ("organization_id", id),
        };
        serde_json::json!({kind: id, "id": self.entry_id, "limit": self.limit, "filters": self.query})
    }

    async fn fetch(self: Arc<Self>, cursor: Option<String>) -> Fetched<AuditLogV2, Option<String>> {
        let generated = self.run.client.generated();
        // The account and organization operations take the same parameters but are
        // different types.
        macro_rules! paged {
            ($request:expr) => {{
                let mut request = $request.id(self.entry_id.as_str());
                if let Some(n) = self.limit {
                    request = request.limit(n);
                }
                if let Some(cursor) = &cursor {
                    request = request.cursor(cursor.clone());
                }
                transport::call(request.send()).await?
            }};
        }
        let page = match &self.owner {
            HistoryOwner::Account(id) => paged!(
                self.query
                    .apply_account_audit_log_history(generated.account_audit_log_history())
                    .account_id(id.as_str())
            ),
            HistoryOwner::Organization(id) => paged!(
                self.query
                    .apply_organization_audit_log_history(
                        generated.organization_audit_log_history()
                    )
                    .organization_id(id.as_str())
            ),
        };
        fetched(page)
    }

    fn key(entry: &AuditLogV2) -> Option<u64> {
        entry.id.as_deref().map(id_fingerprint)
    }
}

/// A request for the product categories of Audit Logs v2
/// (`GET /accounts/{account_id}/logs/audit/product_categories`), made by
/// [`Client::account_audit_log_product_categories`]: one answer, no pages.
#[derive(Clone, Debug)]
#[must_use]
pub struct ProductCategoriesRequest {
    client: Client,
    account_id: String,
}

impl ProductCategoriesRequest {
    pub(crate) fn new(client: Client, account_id: String) -> Self {
        ProductCategoriesRequest { client, account_id }
    }

    /// Fetches the categories, each with its products; a category's `value` is what
    /// [`AccountAuditLogsV2Request::product_category`] takes.
    pub async fn send(&self) -> Result<Vec<ProductCategory>, Error> {
        check_identifier("account_id", &self.account_id)?;
        let request = self
            .client
            .generated()
            .account_audit_log_product_categories()
            .account_id(self.account_id.as_str());
        Ok(transport::call(request.send())
            .await?
            .result
            .unwrap_or_default())
    }
}
