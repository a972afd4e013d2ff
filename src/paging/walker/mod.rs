//! The one walker every listing shares. A listing supplies only how to fetch one page
//! ([`Listing`]); the rest is here, one job a module:
//!
//! - [`resume`]: where a run starts (a fresh start, or a resume token checked against the
//!   listing, its filters and identifiers) and the tokens a run hands out;
//! - [`schedule`]: pages fetched ahead in order, loop guards, the no-progress guard and
//!   repeated entries (through [`crate::paging::recent`]), the run deadline;
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

use crate::paging::listing::Listing;
use crate::paging::listing::Mode;
use crate::{Client, Error, Page, Request, ResumeToken};

use resume::{digest, start, token};
pub(crate) use schedule::walk;
pub(crate) use task::Task;

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
            max_pages_without_progress: crate::paging::recent::DEFAULT_MAX_PAGES_WITHOUT_PROGRESS,
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
