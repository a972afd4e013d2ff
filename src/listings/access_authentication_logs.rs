//! [`AccessAuthenticationLogsRequest`]: the Access authentication logs of an account, page by
//! numbered page.
//!
//! The filters and their setters are generated from the spec
//! (`AccessAuthenticationLogsFilters`); this file holds the rest of the listing's API: whose
//! log, how a page is fetched and where the next one starts ([`crate::paging::numbered`]).

use std::sync::Arc;

use crate::generated::query::AccessAuthenticationLogsFilters;
use crate::generated::types::AccessRequest;
use crate::http::validate::check_identifier;
use crate::paging::listing::Mode;
use crate::paging::listing::{Fetched, Listing, PerPage};
use crate::paging::numbered::{self, Position};
use crate::{Client, Error, NumberedInfo, Request};

/// A request for the Access authentication logs of an account
/// (`GET /accounts/{account_id}/access/logs/access_requests`, made by
/// [`Client::access_authentication_logs`]): every login to an Access application, allowed or
/// not. Set filters (one setter per query parameter), then take one page
/// ([`send`](Self::send)), every page ([`pages`](Self::pages)) or every entry
/// ([`stream`](Self::stream)).
///
/// # What the stream guarantees
///
/// Each event comes once, in the server's order, or the stream ends with an error. Pages are
/// numbered: unless you set [`until`](Self::until), the run pins it to the next whole second
/// after its start (and carries it in every [`ResumeToken`](crate::ResumeToken)), so new
/// events cannot shift the pages. The stream stops at `total_pages` when the server reports
/// it, else at a page shorter than the `per_page` it reports, else at an empty page (the
/// official SDK returns one page and does not page at all).
///
/// ```no_run
/// # async fn run() -> Result<(), cloudflare_audit_logs::Error> {
/// use cloudflare_audit_logs::{AccessEmailOp, Client, Credentials};
/// use futures::TryStreamExt;
///
/// let client = Client::builder().credentials(Credentials::api_token("...")).build()?;
/// let mut events = client
///     .access_authentication_logs("023e105f4ecef8ad9ca31a8372d0c353")
///     .email("@example.com")
///     .email_op(AccessEmailOp::Contains)
///     .per_page(1000)
///     .stream();
/// while let Some(event) = events.try_next().await? {
///     println!("{:?} {:?} {:?}", event.created_at, event.user_email, event.allowed);
/// }
/// # Ok(()) }
/// ```
pub type AccessAuthenticationLogsRequest = Request<AccessAuthenticationLogs>;

/// The Access authentication logs of an account (see [`AccessAuthenticationLogsRequest`]).
#[derive(Clone, Debug)]
pub struct AccessAuthenticationLogs {
    account_id: String,
    page: Option<u64>,
}

impl AccessAuthenticationLogsRequest {
    pub(crate) fn access(client: Client, account_id: String) -> Self {
        let listing = AccessAuthenticationLogs {
            account_id,
            page: None,
        };
        Request::new(client, listing, AccessAuthenticationLogsFilters::default())
    }

    /// The page to start at, counting from 1 (`page`; default 1).
    pub fn page(mut self, value: u64) -> Self {
        self.listing.page = Some(value);
        self
    }
}

impl Listing for AccessAuthenticationLogs {
    type Entry = AccessRequest;
    type Filters = AccessAuthenticationLogsFilters;
    type Position = Position;
    type Info = NumberedInfo;
    type Size = PerPage;

    fn name(&self) -> &'static str {
        "access_authentication_logs"
    }

    fn identity(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut identity = serde_json::Map::new();
        identity.insert("account_id".into(), self.account_id.clone().into());
        identity
    }

    fn check(request: &Request<Self>) -> Result<(), Error> {
        check_identifier("account_id", &request.listing.account_id)
    }

    fn first(request: &Request<Self>) -> Result<Position, Error> {
        Position::first(request.listing.page.unwrap_or(1), request.filters.until)
    }

    async fn fetch<M: Mode<Self>>(request: Arc<Request<Self>>, at: Position) -> Fetched<Self, M> {
        let operation = request.run.client.generated().access_authentication_logs();
        let builder = request
            .filters
            .apply_access_authentication_logs(operation)
            .account_id(request.listing.account_id.as_str())
            .page(at.page())
            .until(at.before())
            .maybe_per_page(request.size);
        numbered::answer(&at, numbered::call::<Self, M, _>(builder.send()).await)
    }

    fn proven(at: &Position, last: &Position) -> bool {
        at.within(last)
    }

    fn predict(&self, at: &Position, last: Option<&Position>) -> Option<Position> {
        at.predict(last)
    }
}

/// The client's way in to this listing.
impl crate::Client {
    /// The Access authentication logs of an account (every login to an Access application,
    /// allowed or not), with page-number pagination.
    pub fn access_authentication_logs(
        &self,
        account_id: impl Into<String>,
    ) -> crate::AccessAuthenticationLogsRequest {
        crate::AccessAuthenticationLogsRequest::access(self.clone(), account_id.into())
    }
}
