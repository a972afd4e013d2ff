//! [`Request`]: the one request type every paginated listing shares. It is the query (the
//! filters, the page size, where to start) and it runs it (`send`, `pages`, `stream`).

use crate::paging::listing::Raw;
use crate::paging::listing::{CursorListing, Limit, Listing, PageSize, PerPage};
use crate::paging::walker::{Run, first_page, walk};
use crate::{Client, Entries, Error, Page, Pages, RawEntry, ResumeToken};

/// A request for one paginated listing, made by a [`Client`] method; `L` says which (see
/// [`crate::listings`]), and each listing has a name for its request:
/// [`AuditLogsRequest`](crate::AuditLogsRequest),
/// [`AccountAuditLogsV2Request`](crate::AccountAuditLogsV2Request),
/// [`OrganizationAuditLogsV2Request`](crate::OrganizationAuditLogsV2Request),
/// [`AuditLogHistoryRequest`](crate::AuditLogHistoryRequest) and
/// [`InsightsAuditLogRequest`](crate::InsightsAuditLogRequest).
///
/// Set filters (one setter per query parameter, generated from the spec, or all at once with
/// [`filters`](Self::filters)), the page size and where to start; then take one page
/// ([`send`](Self::send)), every page ([`pages`](Self::pages)) or every entry
/// ([`stream`](Self::stream)). Each entry comes once, in the server's order, or the stream
/// ends with an error.
///
/// ```no_run
/// # async fn run() -> Result<(), cloudflare_audit_logs::Error> {
/// use cloudflare_audit_logs::{AuditLogsRequest, Client, Credentials, Direction};
/// use futures::TryStreamExt;
///
/// let client = Client::builder().credentials(Credentials::api_token("...")).build()?;
/// let request: AuditLogsRequest = client
///     .account_audit_logs("023e105f4ecef8ad9ca31a8372d0c353")
///     .direction(Direction::Asc)
///     .per_page(1000);
/// let entries: Vec<_> = request.stream().try_collect().await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct Request<L: Listing> {
    pub(crate) run: Run,
    pub(crate) listing: L,
    pub(crate) filters: L::Filters,
    /// The page size (`per_page` or `limit`, as [`Listing::Size`] names it).
    pub(crate) size: Option<u64>,
}

impl<L: Listing> Request<L> {
    pub(crate) fn new(client: Client, listing: L, filters: L::Filters) -> Self {
        Request {
            run: Run::new(client),
            listing,
            filters,
            size: None,
        }
    }

    /// Replaces every filter at once (for filters kept in a configuration file).
    pub fn filters(mut self, filters: L::Filters) -> Self {
        self.filters = filters;
        self
    }

    /// Changes the filters in place (what the generated setters do).
    pub(crate) fn with_filters(mut self, change: impl FnOnce(&mut L::Filters)) -> Self {
        change(&mut self.filters);
        self
    }

    /// Entries per page, whatever the listing calls it (`per_page` or `limit`; see
    /// [`per_page`](Self::per_page) and [`limit`](Self::limit) for their bounds), for code
    /// generic over listings.
    pub fn page_size(mut self, value: u64) -> Self {
        self.size = Some(value);
        self
    }

    /// Goes on where a previous run stopped: the token of the last page it finished
    /// ([`Page::next`]). A token of another listing, or of this one with other filters or
    /// identifiers, is refused with [`Error::InvalidInput`].
    pub fn resume(mut self, token: ResumeToken) -> Self {
        self.run.resume = Some(token);
        self
    }

    /// Stops a run after this many pages with [`Error::Pagination`] if more follow (default:
    /// no limit, so exports of millions of entries run to the end).
    pub fn max_pages(mut self, pages: u64) -> Self {
        self.run.max_pages = Some(pages);
        self
    }

    /// Ends a run with [`Error::Pagination`]
    /// ([`PaginationError::NoProgress`](crate::PaginationError::NoProgress)) once this many
    /// pages in a row bring no entry that the run's last pages did not hold (default
    /// [`DEFAULT_MAX_PAGES_WITHOUT_PROGRESS`](crate::DEFAULT_MAX_PAGES_WITHOUT_PROGRESS); 0
    /// counts as 1): a server that sends the same entries under new page numbers or cursors
    /// is not followed forever. Only pages that point to a further page count toward the
    /// error: empty pages that end the listing end the run as usual. Entries a recent page
    /// held are dropped either way.
    pub fn max_pages_without_progress(mut self, pages: u32) -> Self {
        self.run.max_pages_without_progress = pages;
        self
    }

    /// Fetches the first page of a run (where [`resume`](Self::resume) says, if set).
    pub async fn send(&self) -> Result<Page<L::Entry, L::Info>, Error> {
        let secrets = self.run.client.transport().secrets().clone();
        decoded::<L>(first_page::<L, Raw>(self).await?, &secrets)
    }

    /// Every page, in order.
    pub fn pages(self) -> Pages<L::Entry, L::Info> {
        use futures::StreamExt;
        // Each page is decoded off the task that drives the requests (on a blocking thread),
        // while the walker sends the next request and the caller works through the page
        // before; pages still come out in order.
        let secrets = self.run.client.transport().secrets().clone();
        let pages = walk::<L, Raw>(self)
            .map(move |page| {
                let secrets = secrets.clone();
                crate::paging::walker::Task::blocking(move || {
                    page.and_then(|p| decoded::<L>(p, &secrets))
                })
            })
            .buffered(DECODING_AHEAD);
        Pages {
            inner: Box::pin(pages),
        }
    }

    /// Every entry of every page, in order.
    pub fn stream(self) -> Entries<L::Entry> {
        self.pages().entries()
    }

    /// The first page of a run, each entry as the exact bytes the server sent ([`RawEntry`]).
    pub async fn send_raw(&self) -> Result<Page<RawEntry, L::Info>, Error> {
        first_page::<L, Raw>(self).await
    }

    /// Every page, each entry as the exact bytes the server sent: what [`pages`](Self::pages)
    /// gives, with the same order, stop rules, loop guards, resume tokens and pages in flight,
    /// but every field kept as it came (unknown ones, `null`s, numbers of any size).
    pub fn pages_raw(self) -> Pages<RawEntry, L::Info> {
        Pages {
            inner: walk::<L, Raw>(self),
        }
    }

    /// Every entry of every page as the exact bytes the server sent (see
    /// [`pages_raw`](Self::pages_raw)).
    ///
    /// ```no_run
    /// # async fn run(client: cloudflare_audit_logs::Client) -> Result<(), cloudflare_audit_logs::Error> {
    /// use futures::TryStreamExt;
    ///
    /// let mut entries = client.account_audit_logs("023e105f4ecef8ad9ca31a8372d0c353").stream_raw();
    /// while let Some(entry) = entries.try_next().await? {
    ///     println!("{:?} {}", entry.id(), entry.json());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn stream_raw(self) -> Entries<RawEntry> {
        self.pages_raw().entries()
    }

    /// Checks the caller's input before any request.
    pub(crate) fn check(&self) -> Result<(), Error> {
        L::Size::check(self.size)?;
        L::check(self)
    }

    /// What a resume token's filter digest covers: the listing's identifiers and paging
    /// settings, the page size and the filters, as JSON.
    pub(crate) fn identity(&self) -> serde_json::Value {
        let mut identity = self.listing.identity();
        identity.insert(L::Size::NAME.into(), serde_json::json!(self.size));
        identity.insert("filters".into(), serde_json::json!(self.filters));
        serde_json::Value::Object(identity)
    }
}

impl<L: Listing<Size = PerPage>> Request<L> {
    /// Entries per page, 1 to [`MAX_PER_PAGE`](crate::MAX_PER_PAGE) (`per_page`; the
    /// server's default is 100). Larger pages mean fewer requests against the rate limit.
    pub fn per_page(mut self, value: u64) -> Self {
        self.size = Some(value);
        self
    }
}

impl<L: Listing<Size = Limit>> Request<L> {
    /// Entries per page (`limit`; the server's default is 100, its maximum is not
    /// documented). Larger pages mean fewer requests against the rate limit.
    pub fn limit(mut self, value: u64) -> Self {
        self.size = Some(value);
        self
    }
}

impl<L: CursorListing> Request<L> {
    /// Starts at this cursor (what a previous page said comes next).
    pub fn cursor(mut self, value: impl Into<String>) -> Self {
        *self.listing.start() = Some(value.into());
        self
    }
}

/// Pages decoded at once ahead of the caller: the one the caller waits for and the next.
const DECODING_AHEAD: usize = 2;

/// A page of raw entries decoded into the listing's typed entries: all of them, or the
/// first error (no page is handed out half decoded), which shows none of the client's secrets.
fn decoded<L: Listing>(
    page: Page<RawEntry, L::Info>,
    secrets: &crate::http::redact::Secrets,
) -> Result<Page<L::Entry, L::Info>, Error> {
    let entries = crate::model::raw_entry::decode_all(&page.entries, secrets)?;
    Ok(Page {
        entries,
        next: page.next,
        info: page.info,
        revised: page.revised,
    })
}
