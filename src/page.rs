//! Pages, resume tokens, and the streams both endpoints share.

use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::hash::Hash;
use std::pin::Pin;
use std::task::{Context, Poll};

use std::sync::Arc;

use futures::FutureExt;
use futures::future::BoxFuture;
use futures::stream::{self, BoxStream, Stream, StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};

use std::time::Duration;

use crate::{Error, TimeBound, TimeoutKind};

/// Where the next page starts: save it (it is serde-able) and hand it to `.resume()` to go
/// on from there later, with the same filters.
///
/// ```
/// use cloudflare_audit_logs::ResumeToken;
///
/// let token = ResumeToken::Cursor { cursor: "c2".into() };
/// let saved = serde_json::to_string(&token)?;
/// assert_eq!(saved, r#"{"kind":"cursor","cursor":"c2"}"#);
/// assert_eq!(serde_json::from_str::<ResumeToken>(&saved)?, token);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ResumeToken {
    /// The account audit logs: the next page number, and the `before` bound the run used
    /// (pinned to its start time when the caller gave none), so that page numbers keep
    /// meaning the same entries.
    Page {
        /// The page to fetch next, counting from 1.
        page: u64,
        /// The upper time bound of the run.
        before: TimeBound,
    },
    /// The insights audit log: the cursor the server gave for the next page.
    Cursor {
        /// The opaque cursor.
        cursor: String,
    },
}

/// One page of entries and where the next one starts.
///
/// Walk pages when you keep a checkpoint: write the entries, then save `next`.
///
/// ```no_run
/// use cloudflare_audit_logs::{Client, ResumeToken};
/// use futures::TryStreamExt;
///
/// # async fn run(client: Client, saved: Option<ResumeToken>) -> Result<(), cloudflare_audit_logs::Error> {
/// let mut request = client.account_audit_logs("023e105f4ecef8ad9ca31a8372d0c353");
/// if let Some(token) = saved {
///     request = request.resume(token);
/// }
/// let mut pages = request.pages();
/// while let Some(page) = pages.try_next().await? {
///     // write page.entries somewhere durable, then remember where to go on:
///     let checkpoint = serde_json::to_string(&page.next).expect("a token serializes");
///     # let _ = checkpoint;
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The entries, in the server's order.
    pub entries: Vec<T>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<ResumeToken>,
    /// How many entries the whole list holds, when the server says.
    pub total_count: Option<u64>,
}

impl<T> Page<T> {
    /// Whether this is the last page.
    pub fn is_last(&self) -> bool {
        self.next.is_none()
    }
}

/// A stream of pages. `Send`, `Unpin` and `'static`: store it, return it, drive it anywhere.
#[must_use = "streams do nothing unless polled"]
pub struct Pages<T> {
    inner: BoxStream<'static, Result<Page<T>, Error>>,
}

/// A stream of entries, one page fetched at a time. `Send`, `Unpin` and `'static`.
#[must_use = "streams do nothing unless polled"]
pub struct Entries<T> {
    inner: BoxStream<'static, Result<T, Error>>,
}

/// What one fetch learned: the page, where the next one starts (`None`: it was the last),
/// and the last position the server says exists, when it says.
pub(crate) struct Fetch<T, P> {
    pub(crate) page: Page<T>,
    pub(crate) next: Option<P>,
    pub(crate) last: Option<P>,
}

/// The outcome of one fetch.
pub(crate) type Fetched<T, P> = Result<Fetch<T, P>, Error>;

/// One paginated listing: how to fetch a page from a position, and how to name an entry.
pub(crate) trait Walk: Send + Sync + Sized + 'static {
    /// What a page holds.
    type Entry: Send + 'static;
    /// Where a page starts: a page number or a cursor.
    type Position: Hash + Clone + PartialEq + Send + Sync + 'static;

    /// Fetches the page at `at`.
    fn fetch(
        self: Arc<Self>,
        at: Self::Position,
    ) -> impl Future<Output = Fetched<Self::Entry, Self::Position>> + Send + 'static;

    /// The position after `at`, when it can be known before `at` is fetched (page numbers),
    /// and not past `last`. Cursors cannot be predicted: `None`.
    fn predict(&self, at: &Self::Position, last: Option<&Self::Position>)
    -> Option<Self::Position>;

    /// How many pages may be in flight at once (1: the next page is fetched while the
    /// caller works through the current one).
    fn in_flight(&self) -> usize;

    /// A fingerprint of the entry's ID, for dropping an entry the previous page already
    /// held (see [`id_fingerprint`]).
    fn key(entry: &Self::Entry) -> Option<u64>;

    /// The most pages one run may fetch, if the caller set a limit.
    fn max_pages(&self) -> Option<u64>;

    /// The client the pages come from (for its run deadline).
    fn client(&self) -> &crate::Client;
}

impl<T: Send + 'static> Pages<T> {
    /// Walks a listing from `start`, keeping up to [`Walk::in_flight`] pages on their way
    /// while the caller consumes earlier ones, and yielding pages strictly in order.
    ///
    /// The first page is fetched alone; from it on, predictable positions (page numbers) are
    /// fetched ahead, never past the last page the server reports, and a page that ends the
    /// listing cancels those fetched ahead of it. A position the run already fetched (a cursor
    /// the server sent before), or a page past the caller's `max_pages`, ends the stream with
    /// [`Error::Pagination`] instead of looping or stopping silently. Only a hash of each
    /// position is kept, so memory stays small however long the run; at most `in_flight + 1`
    /// pages are held at once.
    pub(crate) fn walk<W: Walk<Entry = T>>(walker: W, start: Result<W::Position, Error>) -> Self {
        let (next, error) = match start {
            Ok(at) => (Some(at), None),
            Err(e) => (None, Some(e)),
        };
        let deadline = walker
            .client()
            .run_timeout()
            .map(|limit| (tokio::time::Instant::now() + limit, limit));
        let state = WalkState {
            deadline,
            walker: Arc::new(walker),
            queue: VecDeque::new(),
            next,
            last: None,
            error,
            started: false,
            committed: 0,
            seen: HashSet::new(),
            dedupe: BoundaryDedupe::default(),
        };
        let inner = stream::try_unfold(state, |mut state| async move {
            state
                .step()
                .await
                .map(|page| page.map(|page| (page, state)))
        });
        Pages {
            inner: inner.boxed(),
        }
    }

    /// The entries of every page, in order.
    pub fn entries(self) -> Entries<T> {
        Entries {
            inner: self
                .inner
                .map_ok(|page| stream::iter(page.entries.into_iter().map(Ok)))
                .try_flatten()
                .boxed(),
        }
    }
}

impl<T> Stream for Pages<T> {
    type Item = Result<Page<T>, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}

impl<T> Stream for Entries<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}

impl<T> std::fmt::Debug for Pages<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pages")
    }
}

impl<T> std::fmt::Debug for Entries<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Entries")
    }
}

/// A fetch under way and the position it fetches.
type InFlight<W> = (
    <W as Walk>::Position,
    Task<Fetch<<W as Walk>::Entry, <W as Walk>::Position>>,
);

/// The state of one walk.
struct WalkState<W: Walk> {
    walker: Arc<W>,
    /// Fetches under way, in page order.
    queue: VecDeque<InFlight<W>>,
    /// The next position to launch, when known.
    next: Option<W::Position>,
    /// The last position the server says exists.
    last: Option<W::Position>,
    /// An error to report once the pages before it are out.
    error: Option<Error>,
    /// Whether the first page has arrived (until then, nothing is fetched ahead).
    started: bool,
    /// Positions launched so far (for `max_pages`).
    committed: u64,
    seen: HashSet<u64>,
    dedupe: BoundaryDedupe<u64>,
    /// When the run must end, and the limit that set it.
    deadline: Option<(tokio::time::Instant, Duration)>,
}

impl<W: Walk> WalkState<W> {
    /// The next page in order, `None` at the end.
    async fn step(&mut self) -> Result<Option<Page<W::Entry>>, Error> {
        self.launch()?;
        let Some((_, task)) = self.queue.pop_front() else {
            if let Some(e) = self.error.take() {
                return Err(e);
            }
            return match (&self.next, self.walker.max_pages()) {
                // More pages follow, but none may be fetched.
                (Some(_), Some(max)) => Err(Error::Pagination(format!(
                    "more pages follow, but the run stops at its limit of {max} (max_pages)"
                ))),
                _ => Ok(None),
            };
        };
        let fetched = match self.deadline {
            Some((at, limit)) => tokio::time::timeout_at(at, task).await.map_err(|_| {
                self.queue.clear();
                Error::Timeout {
                    kind: TimeoutKind::Run,
                    limit,
                    attempts: 0,
                }
            })??,
            None => task.await?,
        };
        self.started = true;
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
                    .map(|(at, _)| at.clone())
                    .or_else(|| self.next.clone());
                if predicted.as_ref() != Some(&next) {
                    // Not what was fetched ahead (or nothing was): follow the server.
                    self.queue.clear();
                    self.next = Some(next);
                }
            }
        }
        let mut page = fetched.page;
        page.entries = self.dedupe.filter(page.entries, W::key);
        // Start the next fetches before handing the page over, so they overlap its use.
        if let Err(e) = self.launch() {
            self.queue.clear();
            self.error = Some(e);
        }
        Ok(Some(page))
    }

    /// Launches fetches up to the allowed number in flight (and never past `max_pages`).
    fn launch(&mut self) -> Result<(), Error> {
        let limit = if self.started {
            self.walker.in_flight().max(1)
        } else {
            1
        };
        while self.queue.len() < limit {
            if self
                .walker
                .max_pages()
                .is_some_and(|max| self.committed >= max)
            {
                // Fetch nothing past the caller's limit; `step` reports it if it is needed.
                break;
            }
            let Some(at) = self.next.take() else { break };
            if !self.seen.insert(fingerprint(&at)) {
                return Err(Error::Pagination(
                    "the server pointed back to a page this run already fetched".into(),
                ));
            }
            self.committed += 1;
            self.next = self.walker.predict(&at, self.last.as_ref());
            let task = Task::spawn(self.walker.clone().fetch(at.clone()));
            self.queue.push_back((at, task));
        }
        Ok(())
    }
}

/// A fetch running on its own task where a Tokio runtime is at hand (so it progresses while
/// the caller is busy), or in place otherwise. Dropping it cancels the fetch.
enum Task<T> {
    Spawned(tokio::task::JoinHandle<Result<T, Error>>),
    Inline(BoxFuture<'static, Result<T, Error>>),
}

impl<T: Send + 'static> Task<T> {
    fn spawn(fetch: impl Future<Output = Result<T, Error>> + Send + 'static) -> Self {
        use tracing::Instrument;
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => Task::Spawned(runtime.spawn(fetch.instrument(tracing::Span::current()))),
            Err(_) => Task::Inline(fetch.boxed()),
        }
    }
}

impl<T> Future for Task<T> {
    type Output = Result<T, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.get_mut() {
            Task::Inline(fetch) => fetch.as_mut().poll(cx),
            Task::Spawned(handle) => match Pin::new(handle).poll(cx) {
                Poll::Pending => Poll::Pending,
                Poll::Ready(Ok(outcome)) => Poll::Ready(outcome),
                Poll::Ready(Err(e)) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                Poll::Ready(Err(_)) => Poll::Ready(Err(Error::Pagination(
                    "the runtime shut down while a page was being fetched".into(),
                ))),
            },
        }
    }
}

impl<T> Drop for Task<T> {
    fn drop(&mut self) {
        if let Task::Spawned(handle) = self {
            handle.abort();
        }
    }
}

/// Drops entries the previous page already held: when entries shift between two requests,
/// the one at the boundary comes back on the next page, and is yielded only once.
#[derive(Debug, Default)]
pub(crate) struct BoundaryDedupe<K> {
    previous: HashSet<K>,
}

impl<K: Hash + Eq> BoundaryDedupe<K> {
    /// Keeps the entries of `page` the previous page did not hold, and remembers this page.
    pub(crate) fn filter<T>(&mut self, page: Vec<T>, key: impl Fn(&T) -> Option<K>) -> Vec<T> {
        let mut current = HashSet::with_capacity(page.len());
        let kept = page
            .into_iter()
            .filter(|entry| match key(entry) {
                Some(k) => {
                    let fresh = !self.previous.contains(&k);
                    current.insert(k);
                    fresh
                }
                None => true,
            })
            .collect();
        self.previous = current;
        kept
    }
}

/// A 64-bit fingerprint of an entry ID, so that the boundary check neither copies IDs nor
/// keeps them. It uses keyed SipHash, so two different IDs meet by chance one time in 2^64.
pub(crate) fn id_fingerprint(id: &(impl Hash + ?Sized)) -> u64 {
    use std::hash::BuildHasher;
    use std::sync::LazyLock;
    static KEYS: LazyLock<std::hash::RandomState> = LazyLock::new(std::hash::RandomState::new);
    KEYS.hash_one(id)
}

fn fingerprint(position: &impl Hash) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
    BuildHasherDefault::<DefaultHasher>::default().hash_one(position)
}

/// A `result_info` count as an unsigned number; negative counts mean nothing.
pub(crate) fn count(value: Option<i64>) -> Option<u64> {
    value.and_then(|v| u64::try_from(v).ok())
}
