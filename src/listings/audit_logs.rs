//! [`AuditLogsRequest`]: the v1 audit logs of an account or of the user, page by numbered page.
//!
//! The two operations take the same filters, generated from the spec (`AuditLogsFilters`, and
//! a setter on the request for each); this file holds the rest of the listing's API: where a
//! run starts, how many pages are in flight, how a page is fetched and where the next starts.

use std::sync::Arc;

use crate::generated::query::AuditLogsFilters;
use crate::generated::types::AuditLog;
use crate::http::validate::check_identifier;
use crate::paging::listing::Mode;
use crate::paging::listing::{Fetched, Listing, PerPage};
use crate::paging::numbered::{self, Position};
use crate::{Client, Error, NumberedInfo, Request};

/// How many pages of the account audit logs are in flight by default (see
/// [`AuditLogsRequest::concurrency`]).
pub const DEFAULT_CONCURRENCY: usize = 4;

/// A request for the v1 audit logs of an account (`GET /accounts/{account_id}/audit_logs`, made
/// by [`Client::account_audit_logs`]) or of the user the credentials belong to
/// (`GET /user/audit_logs`, made by [`Client::user_audit_logs`]). Set filters (one setter per query parameter), then take one
/// page ([`send`](Self::send)), every page ([`pages`](Self::pages)) or every entry
/// ([`stream`](Self::stream)).
///
/// # What the stream guarantees
///
/// Each entry comes once, in the server's order, or the stream ends with an error. Pages are
/// numbered, so entries written during a run would shift them: unless you set
/// [`before`](Self::before), the run pins it to the next whole second after its start (and
/// carries it in every [`ResumeToken`](crate::ResumeToken)), so new entries cannot push old
/// ones across a page boundary. An entry the previous page already held is not yielded again.
/// The stream stops at `total_pages` when the server reports it, else at a page shorter than
/// the `per_page` the server reports, else at an empty page; a server that quietly serves
/// fewer entries than asked does not end it early.
///
/// ```no_run
/// # async fn run() -> Result<(), cloudflare_audit_logs::Error> {
/// use chrono::{TimeZone, Utc};
/// use cloudflare_audit_logs::{Client, Credentials, Direction};
/// use futures::TryStreamExt;
///
/// let client = Client::builder().credentials(Credentials::api_token("...")).build()?;
/// let logs: Vec<_> = client
///     .account_audit_logs("023e105f4ecef8ad9ca31a8372d0c353")
///     .since(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap())
///     .direction(Direction::Asc)
///     .per_page(1000)
///     .stream()
///     .try_collect()
///     .await?;
/// # Ok(()) }
/// ```
pub type AuditLogsRequest = Request<AuditLogs>;

/// The v1 audit logs of an account or of the user (see [`AuditLogsRequest`]).
#[derive(Clone, Debug)]
pub struct AuditLogs {
    /// The account, or `None` for the user's log.
    account_id: Option<String>,
    page: Option<u64>,
    concurrency: usize,
}

impl AuditLogsRequest {
    pub(crate) fn v1(client: Client, account_id: Option<String>) -> Self {
        let listing = AuditLogs {
            account_id,
            page: None,
            concurrency: DEFAULT_CONCURRENCY,
        };
        Request::new(client, listing, AuditLogsFilters::default())
    }

    /// The page to start at, counting from 1 (`page`; default 1).
    pub fn page(mut self, value: u64) -> Self {
        self.listing.page = Some(value);
        self
    }

    /// How many pages may be in flight at once (default [`DEFAULT_CONCURRENCY`]; 1 fetches
    /// one page ahead of the caller). Entries still come out in order, each retried and paced
    /// as in a sequential run. The first page is fetched alone; when it reports `total_pages`
    /// exactly those are fetched, otherwise pages are fetched ahead until the first short or
    /// empty one, which wastes at most `k - 1` requests. A stream of raw entries holds at
    /// most `k + 2` pages (`k` on their way, one waiting for the caller, the one the caller
    /// reads); a typed stream two more, while they are decoded.
    pub fn concurrency(mut self, pages: usize) -> Self {
        self.listing.concurrency = pages;
        self
    }
}

impl Listing for AuditLogs {
    type Entry = AuditLog;
    type Filters = AuditLogsFilters;
    type Position = Position;
    type Info = NumberedInfo;
    type Size = PerPage;

    fn name(&self) -> &'static str {
        match self.account_id {
            Some(_) => "account_audit_logs",
            None => "user_audit_logs",
        }
    }

    fn identity(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut identity = serde_json::Map::new();
        identity.insert("account_id".into(), serde_json::json!(self.account_id));
        identity
    }

    fn check(request: &Request<Self>) -> Result<(), Error> {
        if let Some(id) = &request.listing.account_id {
            check_identifier("account_id", id)?;
        }
        if request.listing.concurrency == 0 {
            return Err(Error::InvalidInput(
                "concurrency must be at least 1 page".into(),
            ));
        }
        Ok(())
    }

    fn first(request: &Request<Self>) -> Result<Position, Error> {
        Position::first(request.listing.page.unwrap_or(1), request.filters.before)
    }

    async fn fetch<M: Mode<Self>>(request: Arc<Request<Self>>, at: Position) -> Fetched<Self, M> {
        let generated = request.run.client.generated();
        let (filters, size) = (&request.filters, request.size);
        // The account and user operations take the same parameters but are different types.
        let outcome = match &request.listing.account_id {
            Some(id) => {
                let builder = filters
                    .apply_account_audit_logs(generated.account_audit_logs())
                    .account_id(id.as_str())
                    .page(at.page())
                    .before(at.before())
                    .maybe_per_page(size);
                numbered::call::<Self, M, _>(builder.send()).await
            }
            None => {
                let builder = filters
                    .apply_user_audit_logs(generated.user_audit_logs())
                    .page(at.page())
                    .before(at.before())
                    .maybe_per_page(size);
                numbered::call::<Self, M, _>(builder.send()).await
            }
        };
        numbered::answer(&at, outcome)
    }

    fn proven(at: &Position, last: &Position) -> bool {
        at.within(last)
    }

    fn predict(&self, at: &Position, last: Option<&Position>) -> Option<Position> {
        at.predict(last)
    }

    fn in_flight(&self) -> usize {
        self.concurrency
    }
}

/// The client's way in to this listing.
impl crate::Client {
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
}
