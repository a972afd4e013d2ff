//! Audit Logs v2 of an account or an organization ([`AccountAuditLogsV2Request`],
//! [`OrganizationAuditLogsV2Request`]) and the product categories
//! ([`ProductCategoriesRequest`]); a resource's history is in `audit_log_history.rs`.
//!
//! Filters and their setters are generated from the spec (`*Filters`; every filter takes one
//! value per call and has a `not_` twin); this file holds the rest of each listing's API: how
//! a page is fetched and where the next one starts: `result_info.cursors.after`, or
//! `result_info.cursor` as Cloudflare's own documentation example shows it.

use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;

use crate::generated::query::{AccountAuditLogsV2Filters, OrganizationAuditLogsV2Filters};
use crate::generated::types::{AuditLogV2, ProductCategory, V2ResultInfo};
use crate::http::validate::{check_identifier, check_segment};
use crate::paging::listing::Fetch;
use crate::paging::listing::Mode;
use crate::paging::listing::{CursorListing, Fetched, Limit, Listing};
use crate::{Client, Error, Filters, Request, TimeBound};

/// The longest organization ID the client sends (its form is undocumented).
pub(crate) const MAX_ORGANIZATION_ID: usize = 64;

/// Where the next v2 page starts: `cursors.after`, else `cursor`; missing, null or empty ends.
pub(crate) fn next_cursor(info: Option<&V2ResultInfo>) -> Option<Option<String>> {
    let info = info?;
    let cursor = info
        .cursors
        .as_ref()
        .and_then(|c| c.after.clone())
        .filter(|c| !c.is_empty())
        .or_else(|| info.cursor.clone().filter(|c| !c.is_empty()))?;
    Some(Some(cursor))
}

/// The next cursor, guessed from the text of a page's `result_info` ([`Listing::guess`]).
pub(crate) fn guess_cursor(result_info: &[u8]) -> Option<Option<String>> {
    next_cursor(serde_json::from_slice(result_info).ok().as_ref())
}

/// Refuses a window whose `since` is later than its `before` (swapped arguments), and one
/// that lacks either (both are required by the API).
pub(crate) fn check_window(
    since: Option<TimeBound>,
    before: Option<TimeBound>,
) -> Result<(), Error> {
    match (since, before) {
        (Some(since), Some(before)) if since.start() > before.start() => Err(Error::InvalidInput(
            format!("since ({since}) is later than before ({before}): were they swapped?"),
        )),
        (Some(_), Some(_)) => Ok(()),
        _ => Err(Error::InvalidInput(
            "Audit Logs v2 need both since and before".into(),
        )),
    }
}

/// Whose Audit Logs v2: all that differs between an account's list and an organization's
/// (the filters type, the identifier, and the operation a page is fetched with).
pub trait Owner: Clone + std::fmt::Debug + Send + Sync + 'static {
    /// The list's filters.
    type Filters: Filters;
    /// The listing's name in resume tokens.
    const LISTING: &'static str;
    /// The path identifier's name.
    const ID: &'static str;
    /// Checks the identifier before any request.
    fn check(id: &str) -> Result<(), Error>;
    /// The filters with this window and nothing else.
    fn window(since: TimeBound, before: TimeBound) -> Self::Filters;
    /// The window the filters hold.
    fn bounds(filters: &Self::Filters) -> (Option<TimeBound>, Option<TimeBound>);
    /// Fetches the page at `cursor`: its `result_info` and its entries, as `M` reads them.
    fn page<M: Mode<AuditLogsV2<Self>>>(
        request: Arc<Request<AuditLogsV2<Self>>>,
        cursor: Option<String>,
    ) -> impl Future<Output = Result<(Option<V2ResultInfo>, Vec<M::Item>), Error>> + Send + 'static;
}

/// Audit Logs v2 of an account or an organization: [`AccountAuditLogsV2`] or
/// [`OrganizationAuditLogsV2`].
#[derive(Clone, Debug)]
pub struct AuditLogsV2<O> {
    id: String,
    cursor: Option<String>,
    owner: PhantomData<O>,
}

impl<O: Owner> Request<AuditLogsV2<O>> {
    pub(crate) fn v2(client: Client, id: String, since: TimeBound, before: TimeBound) -> Self {
        let listing = AuditLogsV2 {
            id,
            cursor: None,
            owner: PhantomData,
        };
        Request::new(client, listing, O::window(since, before))
    }
}

impl<O: Owner> Listing for AuditLogsV2<O> {
    type Entry = AuditLogV2;
    type Filters = O::Filters;
    type Position = Option<String>;
    type Info = ();
    type Size = Limit;

    fn name(&self) -> &'static str {
        O::LISTING
    }

    fn identity(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut identity = serde_json::Map::new();
        identity.insert(O::ID.into(), self.id.clone().into());
        identity
    }

    fn check(request: &Request<Self>) -> Result<(), Error> {
        O::check(&request.listing.id)?;
        let (since, before) = O::bounds(&request.filters);
        check_window(since, before)
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
        let (info, entries) = O::page::<M>(request, cursor).await?;
        Ok(Fetch::page(entries, next_cursor(info.as_ref())))
    }
}

impl<O: Owner> CursorListing for AuditLogsV2<O> {
    fn start(&mut self) -> &mut Option<String> {
        &mut self.cursor
    }
}

/// The account's list (see [`AccountAuditLogsV2Request`]).
#[derive(Clone, Debug)]
pub struct OfAccount;

/// An account's Audit Logs v2 (see [`AccountAuditLogsV2Request`]).
pub type AccountAuditLogsV2 = AuditLogsV2<OfAccount>;

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
pub type AccountAuditLogsV2Request = Request<AccountAuditLogsV2>;

impl Owner for OfAccount {
    type Filters = AccountAuditLogsV2Filters;
    const LISTING: &'static str = "account_audit_logs_v2";
    const ID: &'static str = "account_id";

    fn check(id: &str) -> Result<(), Error> {
        check_identifier(Self::ID, id)
    }

    fn window(since: TimeBound, before: TimeBound) -> Self::Filters {
        AccountAuditLogsV2Filters {
            since: Some(since),
            before: Some(before),
            ..Default::default()
        }
    }

    fn bounds(filters: &Self::Filters) -> (Option<TimeBound>, Option<TimeBound>) {
        (filters.since, filters.before)
    }

    async fn page<M: Mode<AuditLogsV2<Self>>>(
        request: Arc<Request<AuditLogsV2<Self>>>,
        cursor: Option<String>,
    ) -> Result<(Option<V2ResultInfo>, Vec<M::Item>), Error> {
        let builder = request
            .filters
            .apply_account_audit_logs_v2(request.run.client.generated().account_audit_logs_v2())
            .account_id(request.listing.id.as_str())
            .maybe_limit(request.size)
            .maybe_cursor(cursor);
        M::call(builder.send()).await
    }
}

/// The organization's list (see [`OrganizationAuditLogsV2Request`]).
#[derive(Clone, Debug)]
pub struct OfOrganization;

/// An organization's Audit Logs v2 (see [`OrganizationAuditLogsV2Request`]).
pub type OrganizationAuditLogsV2 = AuditLogsV2<OfOrganization>;

/// A request for an organization's Audit Logs v2
/// (`GET /organizations/{organization_id}/logs/audit`), made by
/// [`Client::organization_audit_logs_v2`]: the account list's filters but `account_name`,
/// `audit_log_id`, `product_category`, `zone_id` and `zone_name`, and the same guarantees
/// (see [`AccountAuditLogsV2Request`]).
pub type OrganizationAuditLogsV2Request = Request<OrganizationAuditLogsV2>;

impl Owner for OfOrganization {
    type Filters = OrganizationAuditLogsV2Filters;
    const LISTING: &'static str = "organization_audit_logs_v2";
    const ID: &'static str = "organization_id";

    fn check(id: &str) -> Result<(), Error> {
        check_segment(Self::ID, id, MAX_ORGANIZATION_ID)
    }

    fn window(since: TimeBound, before: TimeBound) -> Self::Filters {
        OrganizationAuditLogsV2Filters {
            since: Some(since),
            before: Some(before),
            ..Default::default()
        }
    }

    fn bounds(filters: &Self::Filters) -> (Option<TimeBound>, Option<TimeBound>) {
        (filters.since, filters.before)
    }

    async fn page<M: Mode<AuditLogsV2<Self>>>(
        request: Arc<Request<AuditLogsV2<Self>>>,
        cursor: Option<String>,
    ) -> Result<(Option<V2ResultInfo>, Vec<M::Item>), Error> {
        let generated = request.run.client.generated();
        let builder = request
            .filters
            .apply_organization_audit_logs_v2(generated.organization_audit_logs_v2())
            .organization_id(request.listing.id.as_str())
            .maybe_limit(request.size)
            .maybe_cursor(cursor);
        M::call(builder.send()).await
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
        Ok(crate::http::call::call(request.send())
            .await?
            .result
            .unwrap_or_default())
    }
}

/// The client's way in to this listing.
impl crate::Client {
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

    /// The product categories of Audit Logs v2 and their products
    /// (`GET /accounts/{account_id}/logs/audit/product_categories`).
    pub fn account_audit_log_product_categories(
        &self,
        account_id: impl Into<String>,
    ) -> crate::ProductCategoriesRequest {
        crate::ProductCategoriesRequest::new(self.clone(), account_id.into())
    }
}
