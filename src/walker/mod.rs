//! The one walker every listing shares. A listing supplies only how to fetch one page
//! ([`Listing`]); the rest is here, one job a module:
//!
//! - [`resume`]: where a run starts (a fresh start, or a resume token checked against the
//!   listing, its filters and identifiers) and the tokens a run hands out;
//! - [`schedule`]: pages fetched ahead in order, loop guards, the no-progress guard and
//!   repeated entries (through [`crate::recent`]), the run deadline;
//! - [`task`]: a fetch on its own task, cancelled when dropped.
//! - [`driver`]: the walk on a task of its own, so that the next request leaves from the
//!   fetch's worker the moment its position is known.

mod driver;
mod resume;
mod schedule;
mod task;
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;

use std::sync::Arc;

use crate::listing::Listing;
use crate::mode::Mode;
use crate::{Client, Error, Page, Request, ResumeToken};

pub use resume::Resumable;
use resume::{digest, start, token};
pub(crate) use schedule::walk;
pub(crate) use task::Task;

/// What one fetch learned: the entries, where the next page starts (`None`: this was the
/// last), and the last position the server says exists, when it says.
pub struct Fetch<T, P, I> {
    /// The entries, as the walk's mode reads them.
    pub(crate) entries: Vec<T>,
    pub(crate) next: Option<P>,
    pub(crate) last: Option<P>,
    /// What else the page said ([`Page::info`]).
    pub(crate) info: I,
    /// The server refused this page in a way that, past the end of a listing, means "no such
    /// page" (see [`Listing::proven`]): the walker ends the listing there, unless the page is
    /// the run's first or one an earlier answer proved to exist, where this is the error.
    pub(crate) refused: Option<Error>,
}

impl<T, P, I: Default> Fetch<T, P, I> {
    /// A page that holds `entries` and says where the next one starts.
    pub(crate) fn page(entries: Vec<T>, next: Option<P>) -> Self {
        Fetch {
            entries,
            next,
            last: None,
            info: I::default(),
            refused: None,
        }
    }

    /// A page the server refused (see [`Fetch::refused`]).
    pub(crate) fn refused(error: Error) -> Self {
        Fetch {
            refused: Some(error),
            ..Fetch::page(Vec::new(), None)
        }
    }
}

/// What every request carries for its runs: the client, and the caller's resume token and
/// page limits.
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

/// A page as the walker hands it out: its entries as mode `M` reads them.
pub(crate) type WalkedPage<L, M> = Page<<M as Mode<L>>::Item, <L as Listing>::Info>;

/// The first page of a run (what `send` returns).
pub(crate) async fn first_page<L: Listing, M: Mode<L>>(
    request: &Request<L>,
) -> Result<WalkedPage<L, M>, Error> {
    let digest = digest(&request.identity());
    let at = start(request, &digest)?;
    let fetched = L::fetch::<M>(Arc::new(request.clone()), at).await?;
    // The run's first page exists, so a refusal of it is an error.
    if let Some(error) = fetched.refused {
        return Err(error);
    }
    Ok(Page {
        entries: fetched.entries,
        next: fetched.next.as_ref().map(|at| token(request, at, &digest)),
        info: fetched.info,
        revised: 0,
    })
}
