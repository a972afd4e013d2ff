//! Pages, resume tokens, and the streams both endpoints share.

use std::collections::HashSet;
use std::future::Future;
use std::hash::Hash;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::stream::{self, BoxStream, Stream, StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};

use crate::{Error, TimeBound};

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

/// A fetched page and where the next one starts (`None`: it was the last).
pub(crate) type Fetched<T, P> = Result<(Page<T>, Option<P>), Error>;

/// One paginated listing: how to fetch a page from a position, and how to name an entry.
pub(crate) trait Walk: Send + Sync + Sized + 'static {
    /// What a page holds.
    type Entry: Send + 'static;
    /// Where a page starts: a page number or a cursor.
    type Position: Hash + Send + 'static;

    /// Fetches the page at `at`, and says where the next one starts (`None`: it was the last).
    fn fetch<'a>(
        &'a self,
        at: &'a Self::Position,
    ) -> impl Future<Output = Fetched<Self::Entry, Self::Position>> + Send + 'a;

    /// The entry's ID, for dropping an entry the previous page already held.
    fn key(entry: &Self::Entry) -> Option<String>;

    /// The most pages one run may fetch, if the caller set a limit.
    fn max_pages(&self) -> Option<u64>;
}

impl<T: Send + 'static> Pages<T> {
    /// Walks a listing page by page from `start`. A position the run already fetched (a
    /// cursor the server sent before), or a page past the caller's `max_pages`, ends the
    /// stream with [`Error::Pagination`] instead of looping or stopping silently. Only a hash of each position is kept, so memory stays small however long the
    /// run.
    pub(crate) fn walk<W: Walk<Entry = T>>(walker: W, start: Result<W::Position, Error>) -> Self {
        struct State<W: Walk> {
            walker: W,
            next: Option<Result<W::Position, Error>>,
            seen: HashSet<u64>,
            dedupe: BoundaryDedupe<String>,
        }
        impl<W: Walk> State<W> {
            /// Refuses a page past the caller's limit or one this run already fetched.
            fn guard(&mut self, at: &W::Position) -> Result<(), Error> {
                let fetched = self.seen.len() as u64;
                if let Some(max) = self.walker.max_pages().filter(|&max| fetched >= max) {
                    return Err(Error::Pagination(format!(
                        "more pages follow, but the run stops at its limit of {max} (max_pages)"
                    )));
                }
                if !self.seen.insert(fingerprint(at)) {
                    return Err(Error::Pagination(
                        "the server pointed back to a page this run already fetched".into(),
                    ));
                }
                Ok(())
            }
        }
        let state = State {
            walker,
            next: Some(start),
            seen: HashSet::new(),
            dedupe: BoundaryDedupe::default(),
        };
        let inner = stream::try_unfold(state, |mut state| async move {
            let at = match state.next.take() {
                None => return Ok(None),
                Some(at) => at?,
            };
            state.guard(&at)?;
            let (mut page, next) = state.walker.fetch(&at).await?;
            page.entries = state.dedupe.filter(page.entries, W::key);
            state.next = next.map(Ok);
            Ok(Some((page, state)))
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

fn fingerprint(position: &impl Hash) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
    BuildHasherDefault::<DefaultHasher>::default().hash_one(position)
}

/// A `result_info` count as an unsigned number; negative counts mean nothing.
pub(crate) fn count(value: Option<i64>) -> Option<u64> {
    value.and_then(|v| u64::try_from(v).ok())
}
