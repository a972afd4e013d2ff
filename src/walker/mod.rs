//! The one walker every listing shares. A listing supplies only how to fetch one page
//! ([`Walk`]); the rest is here, one job a module:
//!
//! - [`resume`]: where a run starts (a fresh start, or a resume token checked against the
//!   listing, its filters and identifiers) and the tokens a run hands out;
//! - [`schedule`]: pages fetched ahead in order, loop guards, the no-progress guard and
//!   repeated entries (through [`crate::recent`]), the run deadline;
//! - [`task`]: a fetch on its own task, cancelled when dropped.

mod resume;
mod schedule;
mod task;
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;

use std::future::Future;
use std::sync::Arc;

use crate::{Client, Error, Page, ResumeToken};

pub(crate) use resume::Resumable;
use resume::{digest, start, token};
pub(crate) use schedule::walk;

/// What one fetch learned: the entries, where the next page starts (`None`: this was the
/// last), and the last position the server says exists, when it says.
pub(crate) struct Fetch<T, P> {
    pub(crate) entries: Vec<T>,
    pub(crate) total_count: Option<u64>,
    pub(crate) next: Option<P>,
    pub(crate) last: Option<P>,
    /// For a resource history, how the resource was identified.
    pub(crate) history_status: Option<crate::HistoryStatus>,
    /// The server refused this page in a way that, past the end of a listing, means "no such
    /// page" (see [`Walk::proven`]): the walker ends the listing there, unless the page is
    /// the run's first or one an earlier answer proved to exist, where this is the error.
    pub(crate) refused: Option<Error>,
}

impl<T, P> Fetch<T, P> {
    /// A page the server refused (see [`Fetch::refused`]).
    pub(crate) fn refused(error: Error) -> Self {
        Fetch {
            entries: Vec::new(),
            total_count: None,
            next: None,
            last: None,
            history_status: None,
            refused: Some(error),
        }
    }
}

/// The outcome of one fetch.
pub(crate) type Fetched<T, P> = Result<Fetch<T, P>, Error>;

/// What every request carries for its runs: the client, and the caller's resume token and
/// page limit.
#[derive(Clone, Debug)]
pub(crate) struct Run {
    pub(crate) client: Client,
    pub(crate) resume: Option<ResumeToken>,
    pub(crate) max_pages: Option<u64>,
    /// Pages in a row that may bring nothing new before the run ends.
    pub(crate) max_pages_without_progress: u32,
}

impl Run {
    pub(crate) fn new(client: Client) -> Self {
        Run {
            client,
            resume: None,
            max_pages: None,
            max_pages_without_progress: crate::recent::DEFAULT_MAX_PAGES_WITHOUT_PROGRESS,
        }
    }
}

/// One paginated listing: how to fetch a page from a position, and how to name an entry.
pub(crate) trait Walk: Clone + Send + Sync + Sized + 'static {
    /// What a page holds.
    type Entry: Send + 'static;
    /// Where a page starts: a page number or a cursor.
    type Position: Resumable;
    /// The listing's name, as its resume tokens carry it.
    fn listing(&self) -> &'static str;

    /// The client, resume token and page limit.
    fn run(&self) -> &Run;

    /// Checks the caller's input before any request.
    fn check(&self) -> Result<(), Error>;

    /// Where a run starts when it resumes from no token.
    fn first(&self) -> Result<Self::Position, Error>;

    /// What the filter digest covers: the path identifiers and the filters, as JSON.
    fn identity(&self) -> serde_json::Value;

    /// Fetches the page at `at`.
    fn fetch(
        self: Arc<Self>,
        at: Self::Position,
    ) -> impl Future<Output = Fetched<Self::Entry, Self::Position>> + Send + 'static;

    /// The position after `at`, when it can be known before `at` is fetched (page numbers),
    /// and not past `last`. Cursors cannot be predicted: `None`.
    fn predict(
        &self,
        _at: &Self::Position,
        _last: Option<&Self::Position>,
    ) -> Option<Self::Position> {
        None
    }

    /// Whether an earlier answer proved that `at` exists: it is not past `last`, the last
    /// position the server reported. Listings that never report one prove nothing.
    fn proven(_at: &Self::Position, _last: &Self::Position) -> bool {
        false
    }

    /// How many pages may be in flight at once (1: the next page is fetched while the
    /// caller works through the current one).
    fn in_flight(&self) -> usize {
        1
    }

    /// A fingerprint of the entry's ID, for dropping an entry the previous page already
    /// held (see [`id_fingerprint`]).
    fn key(entry: &Self::Entry) -> Option<u64>;
}

/// The first page of a run (what `send` returns).
pub(crate) async fn first_page<W: Walk>(walker: &W) -> Result<Page<W::Entry>, Error> {
    let digest = digest(&walker.identity());
    let at = start(walker, &digest)?;
    let fetched = Arc::new(walker.clone()).fetch(at).await?;
    // The run's first page exists, so a refusal of it is an error.
    if let Some(error) = fetched.refused {
        return Err(error);
    }
    Ok(Page {
        entries: fetched.entries,
        next: fetched.next.as_ref().map(|at| token(walker, at, &digest)),
        total_count: fetched.total_count,
        history_status: fetched.history_status,
    })
}

/// The methods every listing's request type has, over the shared walker: `resume`,
/// `max_pages`, `send`, `pages` and `stream`. The type needs a `run: Run` field.
macro_rules! run_methods {
    ($entry:ty) => {
        /// Goes on where a previous run stopped: the token of the last page it finished
        /// ([`Page::next`](crate::Page::next)). A token of another listing, or of this one with
        /// other filters or identifiers, is refused with [`Error::InvalidInput`](crate::Error::InvalidInput).
        pub fn resume(mut self, token: crate::ResumeToken) -> Self {
            self.run.resume = Some(token);
            self
        }

        /// Stops a run after this many pages with [`Error::Pagination`](crate::Error::Pagination)
        /// if more follow (default: no limit, so exports of millions of entries run to the end).
        pub fn max_pages(mut self, pages: u64) -> Self {
            self.run.max_pages = Some(pages);
            self
        }

        /// Ends a run with [`Error::Pagination`](crate::Error::Pagination)
        /// ([`PaginationError::NoProgress`](crate::PaginationError::NoProgress)) once this many
        /// pages in a row bring no entry that the run's last pages did not hold (default
        /// [`DEFAULT_MAX_PAGES_WITHOUT_PROGRESS`](crate::DEFAULT_MAX_PAGES_WITHOUT_PROGRESS); 0
        /// counts as 1): a server that sends the same entries under new page numbers or
        /// cursors is not followed forever. Entries a recent page held are dropped either way.
        pub fn max_pages_without_progress(mut self, pages: u32) -> Self {
            self.run.max_pages_without_progress = pages;
            self
        }

        /// Fetches the first page of a run (where [`resume`](Self::resume) says, if set).
        pub async fn send(&self) -> Result<crate::Page<$entry>, crate::Error> {
            crate::walker::first_page(self).await
        }

        /// Every page, in order.
        pub fn pages(self) -> crate::Pages<$entry> {
            crate::walker::walk(self)
        }

        /// Every entry of every page, in order.
        pub fn stream(self) -> crate::Entries<$entry> {
            self.pages().entries()
        }
    };
}
pub(crate) use run_methods;
