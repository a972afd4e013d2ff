//! [`AccessScimUpdateLogsRequest`]: the Access SCIM update logs of an account, page by
//! numbered page.
//!
//! The filters and their setters are generated from the spec (`AccessScimUpdateLogsFilters`);
//! this file holds the rest of the listing's API: whose log, which identity providers, how a
//! page is fetched and where the next one starts ([`crate::paging::numbered`]).

use std::sync::Arc;

use crate::generated::query::AccessScimUpdateLogsFilters;
use crate::generated::types::ScimUpdate;
use crate::http::validate::check_identifier;
use crate::paging::listing::Mode;
use crate::paging::listing::{Fetched, Listing, PerPage};
use crate::paging::numbered::{self, Position};
use crate::{Client, Error, NumberedInfo, Request};

/// A request for the Access SCIM update logs of an account
/// (`GET /accounts/{account_id}/access/logs/scim/updates`, made by
/// [`Client::access_scim_update_logs`]): what identity providers changed in the users and
/// groups synced over SCIM. The API requires at least one identity provider: the first is the
/// call's argument, more come by [`idp_id`](Self::idp_id). Set filters (one setter per query
/// parameter), then take one page ([`send`](Self::send)), every page
/// ([`pages`](Self::pages)) or every entry ([`stream`](Self::stream)).
///
/// # What the stream guarantees
///
/// Each update comes once, in the server's order, or the stream ends with an error. Pages are
/// numbered: unless you set [`until`](Self::until), the run pins it to the next whole second
/// after its start, so new updates cannot shift the pages. The stream stops at `total_pages`
/// when the server reports it, else at a page shorter than the `per_page` it reports, else at
/// an empty page (the official SDK asks for one page more until one comes back empty).
///
/// ```no_run
/// # async fn run() -> Result<(), cloudflare_audit_logs::Error> {
/// use cloudflare_audit_logs::{Client, Credentials, ScimStatus};
/// use futures::TryStreamExt;
///
/// let client = Client::builder().credentials(Credentials::api_token("...")).build()?;
/// let failed: Vec<_> = client
///     .access_scim_update_logs("023e105f4ecef8ad9ca31a8372d0c353", "okta-idp")
///     .idp_id("azure-idp")
///     .status(ScimStatus::Failure)
///     .stream()
///     .try_collect()
///     .await?;
/// # Ok(()) }
/// ```
pub type AccessScimUpdateLogsRequest = Request<AccessScimUpdateLogs>;

/// The Access SCIM update logs of an account (see [`AccessScimUpdateLogsRequest`]).
#[derive(Clone, Debug)]
pub struct AccessScimUpdateLogs {
    account_id: String,
    page: Option<u64>,
}

impl AccessScimUpdateLogsRequest {
    pub(crate) fn scim(client: Client, account_id: String, idp_id: String) -> Self {
        let listing = AccessScimUpdateLogs {
            account_id,
            page: None,
        };
        let filters = AccessScimUpdateLogsFilters {
            idp_id: Some(vec![idp_id]),
            ..AccessScimUpdateLogsFilters::default()
        };
        Request::new(client, listing, filters)
    }

    /// One more identity provider whose updates to list (`idp_id`, repeated).
    pub fn idp_id(mut self, idp_id: impl Into<String>) -> Self {
        self.filters
            .idp_id
            .get_or_insert_with(Vec::new)
            .push(idp_id.into());
        self
    }

    /// The page to start at, counting from 1 (`page`; default 1).
    pub fn page(mut self, value: u64) -> Self {
        self.listing.page = Some(value);
        self
    }
}

impl Listing for AccessScimUpdateLogs {
    type Entry = ScimUpdate;
    type Filters = AccessScimUpdateLogsFilters;
    type Position = Position;
    type Info = NumberedInfo;
    type Size = PerPage;

    fn name(&self) -> &'static str {
        "access_scim_update_logs"
    }

    fn identity(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut identity = serde_json::Map::new();
        identity.insert("account_id".into(), self.account_id.clone().into());
        identity
    }

    fn check(request: &Request<Self>) -> Result<(), Error> {
        check_identifier("account_id", &request.listing.account_id)?;
        let ids = request.filters.idp_id.as_deref().unwrap_or_default();
        if ids.is_empty() || ids.iter().any(String::is_empty) {
            return Err(Error::InvalidInput(
                "idp_id: the SCIM update logs need at least one identity provider, none empty"
                    .into(),
            ));
        }
        Ok(())
    }

    fn first(request: &Request<Self>) -> Result<Position, Error> {
        Position::first(request.listing.page.unwrap_or(1), request.filters.until)
    }

    async fn fetch<M: Mode<Self>>(request: Arc<Request<Self>>, at: Position) -> Fetched<Self, M> {
        let operation = request.run.client.generated().access_scim_update_logs();
        let builder = request
            .filters
            .apply_access_scim_update_logs(operation)
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
    /// The Access SCIM update logs of an account for the identity provider `idp_id` (more by
    /// [`idp_id`](crate::AccessScimUpdateLogsRequest::idp_id)), with page-number pagination.
    pub fn access_scim_update_logs(
        &self,
        account_id: impl Into<String>,
        idp_id: impl Into<String>,
    ) -> crate::AccessScimUpdateLogsRequest {
        crate::AccessScimUpdateLogsRequest::scim(self.clone(), account_id.into(), idp_id.into())
    }
}
