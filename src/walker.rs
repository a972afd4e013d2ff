//! The one walker every listing shares: where a run starts (a fresh start or a checked
//! resume token), pages fetched ahead in order, loop guards, boundary dedupe and the run
//! deadline. A listing supplies only how to fetch one page ([`Walk`]).

use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::hash::Hash;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::FutureExt;
use futures::future::BoxFuture;
use futures::stream::{self, StreamExt};

use crate::page::Position as TokenPosition;
use crate::recent::RecentEntries;
use crate::{Client, Error, Page, Pages, PaginationError, ResumeToken, TimeoutKind};

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
    fn filters(&self) -> serde_json::Value;

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

/// The stable digest of a listing's filters: FNV-1a (64 bits) of their JSON text, which
/// serde writes with fields in declaration order, so equal filters give equal digests in
/// every process and version.
pub(crate) fn digest(filters: &serde_json::Value) -> String {
    let text = filters.to_string();
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{hash:016x}")
}

/// A position a resume token can carry.
pub(crate) trait Resumable: Hash + Clone + PartialEq + Send + Sync + 'static {
    /// The position as a token stores it.
    fn to_token(&self) -> TokenPosition;
    /// The position a token names (`None`: a token of the other kind).
    fn from_token(token: &TokenPosition) -> Option<Self>;
}

/// A cursor position: the cursor of the page, none for the first page of a run.
impl Resumable for Option<String> {
    fn to_token(&self) -> TokenPosition {
        TokenPosition::Cursor {
            cursor: self.clone().unwrap_or_default(),
        }
    }

    fn from_token(token: &TokenPosition) -> Option<Self> {
        match token {
            TokenPosition::Cursor { cursor } => Some(Some(cursor.clone())),
            TokenPosition::Page { .. } => None,
        }
    }
}

fn token<W: Walk>(walker: &W, at: &W::Position, digest: &str) -> ResumeToken {
    ResumeToken {
        position: at.to_token(),
        listing: Some(walker.listing().to_owned()),
        filters: Some(digest.to_owned()),
    }
}

/// Checks the input and works out where a run starts: the caller's token, checked against
/// this listing and its filters, or the listing's first position.
pub(crate) fn start<W: Walk>(walker: &W, digest: &str) -> Result<W::Position, Error> {
    walker.check()?;
    let Some(token) = &walker.run().resume else {
        return walker.first();
    };
    if let Some(listing) = token.listing.as_deref().filter(|l| *l != walker.listing()) {
        return Err(Error::InvalidInput(format!(
            "the resume token was made by the {listing} listing; this request is the {} listing",
            walker.listing()
        )));
    }
    if let Some(filters) = token.filters.as_deref().filter(|f| *f != digest) {
        return Err(Error::InvalidInput(format!(
            "the resume token was made with other filters or identifiers (digest {filters}) than \
             this request's (digest {digest}: {})",
            walker.filters()
        )));
    }
    W::Position::from_token(&token.position).ok_or_else(|| {
        Error::InvalidInput(format!(
            "the {} listing cannot resume from a {} token",
            walker.listing(),
            token.kind()
        ))
    })
}

/// The first page of a run (what `send` returns).
pub(crate) async fn first_page<W: Walk>(walker: &W) -> Result<Page<W::Entry>, Error> {
    let digest = digest(&walker.filters());
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

/// Walks a listing from where [`start`] says, keeping up to [`Walk::in_flight`] pages on
/// their way while the caller consumes earlier ones, and yielding pages strictly in order.
///
/// The first page is fetched alone; from it on, predictable positions (page numbers) are
/// fetched ahead, never past the last page the server reports, and a page that ends the
/// listing cancels those fetched ahead of it. A position the run already fetched (a cursor
/// the server sent before), or a page past the caller's `max_pages`, ends the stream with
/// [`Error::Pagination`] instead of looping or stopping silently. Only a hash of each
/// position is kept, so memory stays small however long the run; at most `in_flight + 1`
/// pages are held at once.
pub(crate) fn walk<W: Walk>(walker: W) -> Pages<W::Entry> {
    let digest = digest(&walker.filters());
    let (next, error) = match start(&walker, &digest) {
        Ok(at) => (Some(at), None),
        Err(e) => (None, Some(e)),
    };
    let deadline = walker
        .run()
        .client
        .run_timeout()
        .map(|limit| (tokio::time::Instant::now() + limit, limit));
    let walker_limit = walker.run().max_pages_without_progress;
    let state = WalkState {
        deadline,
        digest,
        walker: Arc::new(walker),
        queue: VecDeque::new(),
        next,
        last: None,
        error,
        started: false,
        committed: 0,
        seen: HashSet::new(),
        recent: RecentEntries::new(walker_limit),
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
    recent: RecentEntries<u64>,
    /// When the run must end, and the limit that set it.
    deadline: Option<(tokio::time::Instant, Duration)>,
    /// The digest of the run's filters, for the tokens it hands out.
    digest: String,
}

impl<W: Walk> WalkState<W> {
    /// The next page in order, `None` at the end.
    async fn step(&mut self) -> Result<Option<Page<W::Entry>>, Error> {
        self.launch()?;
        let Some((at, task)) = self.queue.pop_front() else {
            if let Some(e) = self.error.take() {
                return Err(e);
            }
            return match (&self.next, self.walker.run().max_pages) {
                // More pages follow, but none may be fetched.
                (Some(_), Some(max)) => Err(Error::Pagination(PaginationError::PageLimit { max })),
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
        if let Some(error) = fetched.refused {
            let proven = self.last.as_ref().is_some_and(|last| W::proven(&at, last));
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
            .map(|at| token(&*self.walker, at, &self.digest));
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
        let filtered = self.recent.filter(fetched.entries, W::key);
        let limit = self.walker.run().max_pages_without_progress;
        if filtered.stalled >= limit.max(1) {
            self.queue.clear();
            return Err(Error::Pagination(PaginationError::NoProgress {
                pages: filtered.stalled,
            }));
        }
        let page = Page {
            entries: filtered.fresh,
            next: next_token,
            total_count: fetched.total_count,
            history_status: fetched.history_status,
        };
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
                .run()
                .max_pages
                .is_some_and(|max| self.committed >= max)
            {
                // Fetch nothing past the caller's limit; `step` reports it if it is needed.
                break;
            }
            let Some(at) = self.next.take() else { break };
            if !self.seen.insert(fingerprint(&at)) {
                return Err(Error::Pagination(PaginationError::RepeatedPosition));
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
                Poll::Ready(Err(_)) => Poll::Ready(Err(Error::RuntimeShutdown)),
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    //! The walker on its own, with a listing held in memory: no HTTP, exact control over
    //! where each page says the next one starts and how long each fetch takes.

    use std::collections::BTreeMap;
    use std::sync::Mutex;

    use futures::TryStreamExt;

    use super::*;
    use crate::Credentials;

    /// A page: its entries and the page it says comes next.
    type FakePage = (Vec<u32>, Option<u64>);

    #[derive(Clone)]
    struct Fake {
        run: Run,
        pages: Arc<BTreeMap<u64, FakePage>>,
        in_flight: usize,
        /// Whether the next page can be predicted (page numbers) or not (cursors).
        predictable: bool,
        started: Arc<Mutex<Vec<u64>>>,
        finished: Arc<Mutex<Vec<u64>>>,
    }

    fn fake(pages: &[(u64, FakePage)], in_flight: usize, predictable: bool) -> Fake {
        let client = Client::builder()
            .credentials(Credentials::api_token("t"))
            .base_url("http://127.0.0.1:9/client/v4")
            .build()
            .unwrap();
        Fake {
            run: Run::new(client),
            pages: Arc::new(pages.iter().cloned().collect()),
            in_flight,
            predictable,
            started: Arc::default(),
            finished: Arc::default(),
        }
    }

    fn number(at: &Option<String>) -> u64 {
        at.as_deref().map_or(1, |n| n.parse().unwrap())
    }

    impl Walk for Fake {
        type Entry = u32;
        type Position = Option<String>;
        fn listing(&self) -> &'static str {
            "fake"
        }

        fn run(&self) -> &Run {
            &self.run
        }

        fn check(&self) -> Result<(), Error> {
            Ok(())
        }

        fn first(&self) -> Result<Option<String>, Error> {
            Ok(None)
        }

        fn filters(&self) -> serde_json::Value {
            serde_json::json!({})
        }

        async fn fetch(self: Arc<Self>, at: Option<String>) -> Fetched<u32, Option<String>> {
            let page = number(&at);
            self.started.lock().unwrap().push(page);
            // Later pages take longer, so that pages fetched ahead are still under way when
            // an earlier page ends the listing.
            tokio::time::sleep(Duration::from_millis(5 * page)).await;
            self.finished.lock().unwrap().push(page);
            let (entries, next) = self.pages.get(&page).cloned().unwrap_or_default();
            Ok(Fetch {
                entries,
                total_count: None,
                next: next.map(|n| Some(n.to_string())),
                last: None,
                history_status: None,
                refused: None,
            })
        }

        fn predict(
            &self,
            at: &Option<String>,
            _: Option<&Option<String>>,
        ) -> Option<Option<String>> {
            self.predictable.then(|| Some((number(at) + 1).to_string()))
        }

        fn in_flight(&self) -> usize {
            self.in_flight
        }

        fn key(entry: &u32) -> Option<u64> {
            Some(id_fingerprint(entry))
        }
    }

    async fn all(listing: Fake) -> (Result<Vec<u32>, Error>, Vec<u32>) {
        let mut entries = walk(listing).entries();
        let mut seen = Vec::new();
        loop {
            match entries.try_next().await {
                Ok(Some(entry)) => seen.push(entry),
                Ok(None) => return (Ok(seen.clone()), seen),
                Err(e) => return (Err(e), seen),
            }
        }
    }

    #[tokio::test]
    async fn pages_fetched_ahead_of_the_last_page_are_cancelled() {
        let listing = fake(
            &[
                (1, (vec![1], Some(2))),
                (2, (vec![2], None)),
                (3, (vec![3], Some(4))),
            ],
            4,
            true,
        );
        let (started, finished) = (listing.started.clone(), listing.finished.clone());
        let (result, _) = all(listing).await;
        assert_eq!(result.unwrap(), [1, 2]);
        // Page 2 ended the listing: 3, 4 and 5 were launched ahead and cancelled.
        assert_eq!(*started.lock().unwrap(), [1, 2, 3, 4, 5]);
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(*finished.lock().unwrap(), [1, 2]);
    }

    #[tokio::test]
    async fn max_pages_fetches_no_further_and_ends_with_an_error() {
        let mut listing = fake(
            &[
                (1, (vec![1], Some(2))),
                (2, (vec![2], Some(3))),
                (3, (vec![3], None)),
            ],
            4,
            true,
        );
        listing.run.max_pages = Some(2);
        let started = listing.started.clone();
        let (result, seen) = all(listing).await;
        assert!(matches!(
            result,
            Err(Error::Pagination(PaginationError::PageLimit { max: 2 }))
        ));
        assert_eq!(seen, [1, 2]);
        assert_eq!(*started.lock().unwrap(), [1, 2]);
    }

    #[tokio::test]
    async fn a_next_page_other_than_the_predicted_one_is_followed() {
        // Page 1 says page 5 comes next, not the predicted 2: what was fetched ahead is
        // dropped and the server is followed.
        let listing = fake(
            &[
                (1, (vec![1], Some(5))),
                (2, (vec![99], None)),
                (5, (vec![5], None)),
            ],
            3,
            true,
        );
        let (result, _) = all(listing).await;
        assert_eq!(result.unwrap(), [1, 5]);
    }

    #[tokio::test]
    async fn an_entry_a_recent_page_held_is_yielded_once() {
        let pages = [
            (1, (vec![1, 2], Some(2))),
            (2, (vec![2, 3], Some(3))),
            (3, (vec![3, 1], None)),
        ];
        let (result, _) = all(fake(&pages, 1, false)).await;
        assert_eq!(result.unwrap(), [1, 2, 3]);
        // The window is as many pages as may pass without progress: with one, only the
        // previous page is remembered, and 1 on page 3 is no longer a repeat.
        let mut listing = fake(&pages, 1, false);
        listing.run.max_pages_without_progress = 1;
        let (result, _) = all(listing).await;
        assert_eq!(result.unwrap(), [1, 2, 3, 1]);
    }

    #[tokio::test]
    async fn pages_that_bring_nothing_new_end_the_run() {
        // Every page is a new position, but after the first two they hold only what came
        // before, or nothing.
        let mut pages: Vec<(u64, FakePage)> =
            vec![(1, (vec![1, 2], Some(2))), (2, (vec![3], Some(3)))];
        for n in 3..100 {
            let entries = if n % 3 == 0 {
                vec![]
            } else {
                vec![(n % 2) as u32 + 1, 3]
            };
            pages.push((n, (entries, Some(n + 1))));
        }
        for predictable in [false, true] {
            let listing = fake(&pages, 2, predictable);
            let started = listing.started.clone();
            let (result, _) = all(listing).await;
            let error = result.unwrap_err();
            assert!(
                matches!(
                    error,
                    Error::Pagination(PaginationError::NoProgress { pages: 5 })
                ),
                "{error}"
            );
            // Two pages of progress, then the five without: nothing near the hundred.
            let started = started.lock().unwrap();
            assert!(started.len() <= 9, "{started:?}");
        }
        // A run that advances again in time goes on.
        pages[5].1.0 = vec![4];
        pages.truncate(8);
        pages[7].1.1 = None;
        let (result, _) = all(fake(&pages, 1, false)).await;
        assert_eq!(result.unwrap(), [1, 2, 3, 4]);
    }

    #[tokio::test]
    async fn a_cursor_seen_before_ends_the_run_after_every_entry_once() {
        let listing = fake(
            &[
                (1, (vec![1], Some(2))),
                (2, (vec![2], Some(3))),
                (3, (vec![3], Some(2))),
            ],
            1,
            false,
        );
        let (result, seen) = all(listing).await;
        assert!(matches!(
            result,
            Err(Error::Pagination(PaginationError::RepeatedPosition))
        ));
        assert_eq!(seen, [1, 2, 3]);
    }

    #[test]
    fn the_filter_digest_is_stable() {
        // Pinned (FNV-1a of `{"a":1}`): a digest saved by one version must match in the next.
        assert_eq!(digest(&serde_json::json!({"a": 1})), "9c3e82dd6fcae8b1");
        assert_ne!(
            digest(&serde_json::json!({"a": 1})),
            digest(&serde_json::json!({"a": 2}))
        );
    }
}
