//! A run's schedule: the first page alone, then up to [`Listing::in_flight`] pages fetched
//! ahead, yielded strictly in order, with the loop guards and the run deadline.

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use futures::stream::{self, BoxStream, StreamExt};

use crate::paging::listing::Listing;
use crate::paging::listing::Mode;
use crate::paging::recent::{RecentEntries, id_fingerprint};
use crate::{Error, Page, PaginationError, Request, TimeoutKind};

use crate::paging::peek::Early;

use super::WalkedPage;
use super::resume::{digest, start, token};
use super::task::Task;
use crate::paging::listing::Fetch;

/// Walks a listing from where [`start`] says, keeping up to [`Listing::in_flight`] pages on
/// their way while the caller consumes earlier ones, and yielding pages strictly in order.
///
/// The first page is fetched alone; from it on, predictable positions (page numbers) are
/// fetched ahead, never past the last page the server reports, and a page that ends the
/// listing cancels those fetched ahead of it. A position the run already fetched (a cursor
/// the server sent before), or a page past the caller's `max_pages`, ends the stream with
/// [`Error::Pagination`] instead of looping or stopping silently. Only a hash of each
/// position is kept, so memory stays small however long the run; at most `in_flight + 1`
/// pages are held at once. The walk runs on a task of its own where a Tokio runtime is at
/// hand ([`super::driver`]), so that a request leaves the moment its position is known.
pub(crate) fn walk<L: Listing, M: Mode<L>>(
    request: Request<L>,
) -> BoxStream<'static, Result<WalkedPage<L, M>, Error>> {
    let digest = digest(&request.identity());
    let (next, error) = match start(&request, &digest) {
        Ok(at) => (Some(at), None),
        Err(e) => (None, Some(e)),
    };
    let deadline = request
        .run
        .client
        .run_timeout()
        .map(|limit| (tokio::time::Instant::now() + limit, limit));
    let limit = request.run.max_pages_without_progress;
    let state = WalkState::<L, M> {
        deadline,
        digest,
        request: Arc::new(request),
        queue: VecDeque::new(),
        next,
        last: None,
        error,
        started: false,
        committed: 0,
        seen: HashSet::new(),
        recent: RecentEntries::new(limit),
    };
    let inner = stream::try_unfold(state, |mut state| async move {
        state
            .step()
            .await
            .map(|page| page.map(|page| (page, state)))
    });
    super::driver::detached(inner.boxed())
}

/// A fetch under way, the position it fetches, and where its page's `result_info` may
/// arrive before the page is read ([`crate::paging::peek`]).
type InFlight<L, M> = (
    <L as Listing>::Position,
    Task<Fetch<<M as Mode<L>>::Item, <L as Listing>::Position, <L as Listing>::Info>>,
    Early,
);

/// The state of one walk.
struct WalkState<L: Listing, M: Mode<L>> {
    request: Arc<Request<L>>,
    /// Fetches under way, in page order.
    queue: VecDeque<InFlight<L, M>>,
    /// The next position to launch, when known.
    next: Option<L::Position>,
    /// The last position the server says exists.
    last: Option<L::Position>,
    /// An error to report once the pages before it are out.
    error: Option<Error>,
    /// Whether the first page has arrived (until then, nothing is fetched ahead).
    started: bool,
    /// Positions launched so far (for `max_pages`).
    committed: u64,
    seen: HashSet<u64>,
    recent: RecentEntries,
    /// When the run must end, and the limit that set it.
    deadline: Option<(tokio::time::Instant, Duration)>,
    /// The digest of the run's filters, for the tokens it hands out.
    digest: String,
}

impl<L: Listing, M: Mode<L>> WalkState<L, M> {
    /// The next page in order, `None` at the end.
    async fn step(&mut self) -> Result<Option<WalkedPage<L, M>>, Error> {
        self.launch()?;
        let Some((at, task, early)) = self.queue.pop_front() else {
            if let Some(e) = self.error.take() {
                return Err(e);
            }
            return match (&self.next, self.request.run.max_pages) {
                // More pages follow, but none may be fetched.
                (Some(_), Some(max)) => Err(Error::Pagination(PaginationError::PageLimit { max })),
                _ => Ok(None),
            };
        };
        let deadline = self.deadline;
        let arrival = self.arrival(task, early);
        let fetched = match deadline {
            Some((at, limit)) => tokio::time::timeout_at(at, arrival).await.map_err(|_| {
                self.queue.clear();
                Error::Timeout {
                    kind: TimeoutKind::Run,
                    limit,
                    attempts: 0,
                }
            })??,
            None => arrival.await?,
        };
        if let Some(error) = fetched.refused {
            let proven = self.last.as_ref().is_some_and(|last| L::proven(&at, last));
            if !self.started || proven {
                self.queue.clear();
                return Err(error);
            }
            // Past the end of the listing: nothing more to fetch, nothing lost.
            tracing::debug!(%error, "a page past the end was refused; the listing ends here");
            self.queue.clear();
            self.next = None;
            return Ok(None);
        }
        self.started = true;
        let next_token = fetched
            .next
            .as_ref()
            .map(|at| token(&self.request, at, &self.digest));
        if fetched.last.is_some() {
            self.last = fetched.last;
        }
        match fetched.next {
            // The listing ends here: whatever was fetched ahead is not needed.
            None => {
                self.queue.clear();
                self.next = None;
            }
            Some(next) => {
                let predicted = self
                    .queue
                    .front()
                    .map(|(at, ..)| at.clone())
                    .or_else(|| self.next.clone());
                if predicted.as_ref() != Some(&next) {
                    // Not what was fetched ahead (or nothing was): follow the server. The
                    // pages fetched ahead were never read, so their positions are not spent.
                    for (at, ..) in self.queue.drain(..) {
                        self.seen.remove(&id_fingerprint(&at));
                        self.committed -= 1;
                    }
                    self.next = Some(next);
                }
            }
        }
        // The next fetches leave before this page's entries are looked at, so that they
        // overlap that work and the caller's.
        if let Err(e) = self.launch() {
            self.queue.clear();
            self.error = Some(e);
        }
        // An entry is known by its ID and a digest of its bytes: the same ID with other
        // content is kept (and counted), the same entry again is dropped.
        let filtered = self.recent.filter(fetched.entries, M::key);
        let limit = self.request.run.max_pages_without_progress;
        // A page that ends the listing ends the run however little it brought.
        if next_token.is_some() && filtered.stalled >= limit.max(1) {
            self.queue.clear();
            return Err(Error::Pagination(PaginationError::NoProgress {
                pages: filtered.stalled,
            }));
        }
        let page = Page {
            entries: filtered.fresh,
            next: next_token,
            info: fetched.info,
            revised: filtered.revised,
        };
        Ok(Some(page))
    }

    /// The front fetch's outcome. When nothing else is under way and its page's
    /// `result_info` can be found before the page is read, the next page's request leaves as
    /// soon as the body is in: on the guess `result_info` gives, or at the predicted position
    /// when an earlier page proved it exists; `step` checks either against the page once it
    /// is read.
    async fn arrival(
        &mut self,
        mut task: Task<Fetch<M::Item, L::Position, L::Info>>,
        early: Early,
    ) -> Result<Fetch<M::Item, L::Position, L::Info>, Error> {
        use futures::future::{Either, select};
        if !self.queue.is_empty() {
            return task.await;
        }
        match select(&mut task, early.0).await {
            Either::Left((fetched, _)) => fetched,
            Either::Right((info, _)) => {
                // The body is in, so no request is under way: the next one leaves now, at
                // the position `result_info` gives, or at the predicted one when an earlier
                // page proved it exists (so that a run that ends at a short page asks for
                // nothing past it).
                let ready = match (&self.next, &self.last) {
                    (None, _) => {
                        self.next = info.ok().and_then(|info| L::guess(&info));
                        self.next.is_some()
                    }
                    (Some(next), Some(last)) => L::proven(next, last),
                    (Some(_), None) => false,
                };
                if ready && self.launch().is_err() {
                    // A position this run fetched before: the page itself says what
                    // follows, and `step` reports it then.
                    self.next = None;
                }
                task.await
            }
        }
    }

    /// Launches fetches up to the allowed number in flight (and never past `max_pages`).
    fn launch(&mut self) -> Result<(), Error> {
        let limit = if self.started {
            self.request.listing.in_flight().max(1)
        } else {
            1
        };
        while self.queue.len() < limit {
            if self
                .request
                .run
                .max_pages
                .is_some_and(|max| self.committed >= max)
            {
                // Fetch nothing past the caller's limit; `step` reports it if it is needed.
                break;
            }
            let Some(at) = self.next.take() else { break };
            if !self.seen.insert(id_fingerprint(&at)) {
                return Err(Error::Pagination(PaginationError::RepeatedPosition));
            }
            self.committed += 1;
            self.next = self.request.listing.predict(&at, self.last.as_ref());
            let (fetch, early) =
                crate::paging::peek::scoped(L::fetch::<M>(self.request.clone(), at.clone()));
            self.queue.push_back((at, Task::spawn(fetch), early));
        }
        Ok(())
    }
}
