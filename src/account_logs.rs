//! [`AccountAuditLogs`]: the account audit logs, page by numbered page.

use chrono::Utc;

use crate::generated::types::{AuditLog, Direction};
use std::sync::Arc;

use crate::page::{Entries, Fetch, Fetched, Page, Pages, ResumeToken, Walk, count, id_fingerprint};
use crate::validate::{check_identifier, check_per_page};
use crate::{Client, Error, TimeBound, transport};

/// How many pages of the account audit logs are in flight by default (see
/// [`AccountAuditLogs::concurrency`]).
pub const DEFAULT_CONCURRENCY: usize = 4;

/// A request for the account audit logs (`GET /accounts/{account_id}/audit_logs`), made by
/// [`Client::account_audit_logs`]. Set filters, then take one page ([`send`](Self::send)),
/// every page ([`pages`](Self::pages)) or every entry ([`stream`](Self::stream)).
///
/// # What the stream guarantees
///
/// Each entry comes once, in the server's order, or the stream ends with an error. Pages are
/// numbered, so entries written during a run would shift them: unless you set
/// [`before`](Self::before), the run pins it to its start time (and carries it in every
/// [`ResumeToken`]), so new entries cannot push old ones across a page boundary. An entry the
/// previous page already held is not yielded again. The stream stops at `total_pages` when
/// the server reports it, else at a page shorter than the `per_page` the server reports, else
/// at an empty page; a server that quietly serves fewer entries than asked does not end it
/// early.
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
#[derive(Clone, Debug)]
#[must_use]
pub struct AccountAuditLogs {
    client: Client,
    account_id: String,
    filters: Filters,
    per_page: Option<u64>,
    page: Option<u64>,
    resume: Option<ResumeToken>,
    max_pages: Option<u64>,
    concurrency: usize,
}

#[derive(Clone, Debug, Default)]
struct Filters {
    id: Option<String>,
    export: Option<bool>,
    action_type: Option<String>,
    actor_ip: Option<String>,
    actor_email: Option<String>,
    since: Option<TimeBound>,
    before: Option<TimeBound>,
    zone_name: Option<String>,
    direction: Option<Direction>,
    hide_user_logs: Option<bool>,
}

/// Where a fetch starts.
#[derive(Clone, Debug, Hash, PartialEq)]
pub(crate) struct Position {
    page: u64,
    before: TimeBound,
}

macro_rules! string_filters {
    ($($(#[$doc:meta])* $name:ident;)+) => {$(
        $(#[$doc])*
        pub fn $name(mut self, value: impl Into<String>) -> Self {
            self.filters.$name = Some(value.into());
            self
        }
    )+};
}

impl AccountAuditLogs {
    pub(crate) fn new(client: Client, account_id: String) -> Self {
        AccountAuditLogs {
            client,
            account_id,
            filters: Filters::default(),
            per_page: None,
            page: None,
            resume: None,
            max_pages: None,
            concurrency: DEFAULT_CONCURRENCY,
        }
    }

    string_filters! {
        /// Only the entry with this ID (`id`).
        id;
        /// Only entries whose action has this type, such as `add` (`action.type`).
        action_type;
        /// Only entries made from this IP address or CIDR range (`actor.ip`).
        actor_ip;
        /// Only entries made by the actor with this email (`actor.email`).
        actor_email;
        /// Only entries about the zone with this name (`zone.name`).
        zone_name;
    }

    /// Only entries newer than this date or time (`since`); takes a
    /// `chrono::DateTime<Utc>`, a `chrono::NaiveDate` or a [`TimeBound`].
    pub fn since(mut self, value: impl Into<TimeBound>) -> Self {
        self.filters.since = Some(value.into());
        self
    }

    /// Only entries older than this date or time (`before`). When unset, a run pins it to its
    /// start time.
    pub fn before(mut self, value: impl Into<TimeBound>) -> Self {
        self.filters.before = Some(value.into());
        self
    }

    /// Chronological order (`direction`; the server's default is newest first).
    pub fn direction(mut self, value: Direction) -> Self {
        self.filters.direction = Some(value);
        self
    }

    /// Hides user-level audit logs (`hide_user_logs`).
    pub fn hide_user_logs(mut self, value: bool) -> Self {
        self.filters.hide_user_logs = Some(value);
        self
    }

    /// Marks the request as a CSV export (`export`). The server then answers in CSV, which
    /// this client does not decode; it is here for completeness of the API.
    pub fn export(mut self, value: bool) -> Self {
        self.filters.export = Some(value);
        self
    }

    /// Entries per page, 1 to 1000 (`per_page`; the server's default is 100). Larger pages
    /// mean fewer requests against the rate limit.
    pub fn per_page(mut self, value: u64) -> Self {
        self.per_page = Some(value);
        self
    }

    /// The page to start at, counting from 1 (`page`; default 1).
    pub fn page(mut self, value: u64) -> Self {
        self.page = Some(value);
        self
    }

    /// Goes on where a previous run stopped: the token of the last page it finished. Use the
    /// same filters as that run.
    pub fn resume(mut self, token: ResumeToken) -> Self {
        self.resume = Some(token);
        self
    }

    /// Fetches the first page (or the one [`page`](Self::page) or [`resume`](Self::resume)
    /// names).
    pub async fn send(&self) -> Result<Page<AuditLog>, Error> {
        let at = self.start()?;
        self.fetch_page(&at).await.map(|fetched| fetched.page)
    }

    /// How many pages may be in flight at once (default [`DEFAULT_CONCURRENCY`]; 1 fetches
    /// one page ahead of the caller). Entries still come out in order, each retried and paced
    /// as in a sequential run. The first page is fetched alone; when it reports `total_pages`
    /// exactly those are fetched, otherwise pages are fetched ahead until the first short or
    /// empty one, which wastes at most `k - 1` requests. A stream holds at most `k + 1` pages.
    pub fn concurrency(mut self, pages: usize) -> Self {
        self.concurrency = pages;
        self
    }

    /// Stops a run after this many pages with [`Error::Pagination`] if more follow (default:
    /// no limit, so exports of millions of entries run to the end).
    pub fn max_pages(mut self, pages: u64) -> Self {
        self.max_pages = Some(pages);
        self
    }

    /// Every page, in order, from the starting page on, with up to
    /// [`concurrency`](Self::concurrency) pages in flight.
    pub fn pages(self) -> Pages<AuditLog> {
        let start = self.start();
        Pages::walk(self, start)
    }

    /// Every entry of every page, in order.
    pub fn stream(self) -> Entries<AuditLog> {
        self.pages().entries()
    }

    /// Checks the input and works out where to start, before any request.
    fn start(&self) -> Result<Position, Error> {
        check_identifier("account_id", &self.account_id)?;
        check_per_page(self.per_page)?;
        let at = match &self.resume {
            Some(ResumeToken::Page { page, before }) => Position {
                page: *page,
                before: *before,
            },
            Some(other) => {
                return Err(Error::InvalidInput(format!(
                    "the account audit logs resume from a page token, not {other:?}"
                )));
            }
            None => Position {
                page: self.page.unwrap_or(1),
                before: self
                    .filters
                    .before
                    .unwrap_or_else(|| TimeBound::DateTime(pinned_now())),
            },
        };
        if at.page == 0 {
            return Err(Error::InvalidInput("page numbers start at 1".into()));
        }
        if self.concurrency == 0 {
            return Err(Error::InvalidInput(
                "concurrency must be at least 1 page".into(),
            ));
        }
        Ok(at)
    }

    /// Fetches one page and decides where the next one starts.
    async fn fetch_page(&self, at: &Position) -> Fetched<AuditLog, Position> {
        let f = &self.filters;
        let mut request = self
            .client
            .generated()
            .account_audit_logs()
            .account_id(self.account_id.as_str())
            .page(at.page)
            .before(at.before);
        if let Some(v) = &f.id {
            request = request.id(v.clone());
        }
        if let Some(v) = f.export {
            request = request.export(v);
        }
        if let Some(v) = &f.action_type {
            request = request.action_type(v.clone());
        }
        if let Some(v) = &f.actor_ip {
            request = request.actor_ip(v.clone());
        }
        if let Some(v) = &f.actor_email {
            request = request.actor_email(v.clone());
        }
        if let Some(v) = f.since {
            request = request.since(v);
        }
        if let Some(v) = &f.zone_name {
            request = request.zone_name(v.clone());
        }
        if let Some(v) = f.direction {
            request = request.direction(v);
        }
        if let Some(v) = f.hide_user_logs {
            request = request.hide_user_logs(v);
        }
        if let Some(v) = self.per_page {
            request = request.per_page(v);
        }
        let body = transport::call(request.send()).await?;

        let entries = body.result.unwrap_or_default();
        let info = body.result_info.unwrap_or_default();
        let total_pages = count(info.total_pages);
        let held = entries.len() as u64;
        let more = match (total_pages, count(info.per_page).filter(|&n| n > 0)) {
            _ if held == 0 => false,
            (Some(total), _) if at.page > total => {
                return Err(Error::Pagination(format!(
                    "page {} holds entries but the server counts only {total} pages",
                    at.page
                )));
            }
            (Some(total), _) => at.page < total,
            (None, Some(per_page)) => held >= per_page,
            (None, None) => true,
        };
        let next = match more {
            true => Some(
                at.following()
                    .ok_or_else(|| Error::Pagination("page numbers ran out of range".into()))?,
            ),
            false => None,
        };
        let page = Page {
            entries,
            next: next.as_ref().map(|n| ResumeToken::Page {
                page: n.page,
                before: n.before,
            }),
            total_count: count(info.total_count),
        };
        let last = total_pages.map(|page| Position {
            page,
            before: at.before,
        });
        Ok(Fetch { page, next, last })
    }
}

impl Position {
    /// The page after this one.
    fn following(&self) -> Option<Position> {
        Some(Position {
            page: self.page.checked_add(1)?,
            before: self.before,
        })
    }
}

impl Walk for AccountAuditLogs {
    type Entry = AuditLog;
    type Position = Position;

    async fn fetch(self: Arc<Self>, at: Position) -> Fetched<AuditLog, Position> {
        self.fetch_page(&at).await
    }

    fn predict(&self, at: &Position, last: Option<&Position>) -> Option<Position> {
        match last {
            Some(last) if at.page >= last.page => None,
            _ => at.following(),
        }
    }

    fn in_flight(&self) -> usize {
        self.concurrency
    }

    fn max_pages(&self) -> Option<u64> {
        self.max_pages
    }

    fn client(&self) -> &Client {
        &self.client
    }

    fn key(entry: &AuditLog) -> Option<u64> {
        entry.id.as_deref().map(id_fingerprint)
    }
}

/// The run's upper bound when the caller gives none: the next whole second, so that every
/// entry that exists when the run starts is included, in the plain `…:SSZ` form Cloudflare's
/// own examples use.
fn pinned_now() -> chrono::DateTime<Utc> {
    use chrono::SubsecRound;
    Utc::now().trunc_subsecs(0) + chrono::Duration::seconds(1)
}
