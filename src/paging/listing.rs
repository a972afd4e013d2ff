//! What a listing supplies to the shared [`Request`](crate::Request) and walker: its path
//! identifiers and paging settings, how one page is fetched, and where the next one starts.
//! Everything else (filters, resume tokens, loop guards, prefetch, streams) is shared.
//!
//! The trait is public (as [`crate::listings::Listing`]) so that programs can be generic over
//! listings; only the crate's own listings can implement it (a fetch returns a type no other
//! crate can build), and its methods are the walker's, hidden from the documentation.

use std::fmt::Debug;
use std::future::Future;
use std::sync::Arc;

use std::hash::Hash;

use crate::RawEntry;
use crate::http::call::Call;
use crate::http::envelope::PageParts;
use crate::paging::page::Position as TokenPosition;
use crate::paging::recent::id_fingerprint;
use crate::{Error, Request};

/// The outcome of one fetch of listing `L`, its entries read as `M` reads them.
pub type Fetched<L, M> =
    Result<Fetch<<M as Mode<L>>::Item, <L as Listing>::Position, <L as Listing>::Info>, Error>;

/// One paginated listing: the `L` of [`Request<L>`](crate::Request). Its associated types
/// say what a page holds, which filters the listing takes and what its pages say beyond
/// their entries; code generic over listings bounds on them.
///
/// ```no_run
/// use cloudflare_audit_logs::listings::Listing;
/// use cloudflare_audit_logs::{Error, Request};
/// use futures::TryStreamExt;
///
/// /// How many entries any listing holds.
/// async fn count<L: Listing>(request: Request<L>) -> Result<usize, Error> {
///     request.stream().try_fold(0, |n, _| async move { Ok(n + 1) }).await
/// }
/// ```
pub trait Listing: Clone + Debug + Send + Sync + Sized + 'static {
    /// What a page holds.
    type Entry: serde::de::DeserializeOwned + Send + 'static;
    /// The filters, generated from the spec's query parameters.
    type Filters: crate::Filters;
    /// Where a page starts: a page number or a cursor.
    #[doc(hidden)]
    type Position: Resumable;
    /// What a page says beyond its entries (`()` for most listings).
    type Info: Default + Send + 'static;
    /// What the page size is called, and its bounds.
    #[doc(hidden)]
    type Size: PageSize;

    /// The listing's name, as its resume tokens carry it.
    #[doc(hidden)]
    fn name(&self) -> &'static str;

    /// The path identifiers and the listing's own paging settings, as the filter digest of
    /// its resume tokens covers them (the request adds the page size and the filters).
    #[doc(hidden)]
    fn identity(&self) -> serde_json::Map<String, serde_json::Value>;

    /// Checks the caller's input before any request (the page size is checked already).
    #[doc(hidden)]
    fn check(request: &Request<Self>) -> Result<(), Error>;

    /// Where a run starts when it resumes from no token.
    #[doc(hidden)]
    fn first(request: &Request<Self>) -> Result<Self::Position, Error>;

    /// Fetches the page at `at`.
    #[doc(hidden)]
    fn fetch<M: Mode<Self>>(
        request: Arc<Request<Self>>,
        at: Self::Position,
    ) -> impl Future<Output = Fetched<Self, M>> + Send + 'static;

    /// The position after `at`, when it can be known before `at` is fetched (page numbers),
    /// and not past `last`. Cursors cannot be predicted: `None`.
    #[doc(hidden)]
    fn predict(
        &self,
        _at: &Self::Position,
        _last: Option<&Self::Position>,
    ) -> Option<Self::Position> {
        None
    }

    /// Where the next page starts, guessed from the text of a page's `result_info` before
    /// the page is read (see [`crate::paging::peek`]); `None`: no guess (page numbers are predicted
    /// instead).
    #[doc(hidden)]
    fn guess(_result_info: &[u8]) -> Option<Self::Position> {
        None
    }

    /// Whether an earlier answer proved that `at` exists: it is not past `last`, the last
    /// position the server reported. Listings that never report one prove nothing.
    #[doc(hidden)]
    fn proven(_at: &Self::Position, _last: &Self::Position) -> bool {
        false
    }

    /// How many pages may be in flight at once (1: the next page is fetched while the
    /// caller works through the current one).
    #[doc(hidden)]
    fn in_flight(&self) -> usize {
        1
    }
}

/// A listing whose pages start at an opaque cursor the server hands out.
pub trait CursorListing: Listing<Position = Option<String>> {
    /// The cursor the caller asked the run to start at.
    #[doc(hidden)]
    fn start(&mut self) -> &mut Option<String>;
}

/// What a listing's page size is called on the wire, and what it may be.
pub trait PageSize: Debug + Send + Sync + 'static {
    /// The parameter's name (`per_page` or `limit`).
    const NAME: &'static str;
    /// Checks a size before any request.
    #[doc(hidden)]
    fn check(size: Option<u64>) -> Result<(), Error>;
}

/// A page size called `per_page`, 1 to [`MAX_PER_PAGE`](crate::MAX_PER_PAGE).
#[derive(Debug)]
pub struct PerPage;

impl PageSize for PerPage {
    const NAME: &'static str = "per_page";
    fn check(size: Option<u64>) -> Result<(), Error> {
        crate::http::validate::check_per_page(size)
    }
}

/// A page size called `limit`, at least 1 (its maximum is not documented).
#[derive(Debug)]
pub struct Limit;

impl PageSize for Limit {
    const NAME: &'static str = "limit";
    fn check(size: Option<u64>) -> Result<(), Error> {
        match size {
            Some(0) => Err(Error::InvalidInput("limit must be at least 1".into())),
            _ => Ok(()),
        }
    }
}

/// What a page read gives: its `result_info`, and its entries as the mode reads them.
pub type Read<I, T> = Result<(Option<I>, Vec<T>), Error>;

/// A way to read pages (typed or raw), and how the walker knows an entry it read.
pub trait Mode<L: Listing>: Send + Sync + 'static {
    /// One entry as this mode reads it.
    type Item: Send + 'static;

    /// Runs one generated call and reads its page: `result_info`, and the entries.
    fn call<P: PageParts<Entry = L::Entry>>(
        request: impl Future<Output = Call<P>> + Send,
    ) -> impl Future<Output = Read<P::Info, Self::Item>> + Send;

    /// The entry's ID fingerprint and a digest of its bytes.
    fn key(item: &Self::Item) -> Option<(u64, u64)>;

    /// Entries already read (a listing held in memory).
    fn from_raw(entries: Vec<RawEntry>) -> Vec<Self::Item>;
}

/// Entries as the bytes the server sent, their ID and time read out, nothing else decoded.
#[derive(Debug)]
pub struct Raw;

impl<L: Listing> Mode<L> for Raw {
    type Item = RawEntry;

    async fn call<P: PageParts<Entry = L::Entry>>(
        request: impl Future<Output = Call<P>> + Send,
    ) -> Read<P::Info, Self::Item> {
        crate::http::call::call_page::<P>(request).await
    }

    fn key(entry: &RawEntry) -> Option<(u64, u64)> {
        entry
            .id()
            .map(|id| (id_fingerprint(id), id_fingerprint(entry.as_bytes())))
    }

    fn from_raw(entries: Vec<RawEntry>) -> Vec<Self::Item> {
        entries
    }
}

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

/// A position a resume token can carry.
pub trait Resumable: Hash + Clone + PartialEq + Send + Sync + 'static {
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

/// Decoding an entry as a listing's, here beside [`Listing`] (so that the entry's own file
/// needs nothing of the listings).
impl RawEntry {
    /// The entry decoded into listing `L`'s typed entry, as that listing's typed streams
    /// decode it: [`decode`](Self::decode) with the type named by the listing.
    ///
    /// ```
    /// use cloudflare_audit_logs::{RawEntry, listings::AuditLogs};
    ///
    /// let entry = RawEntry::from_json(r#"{"id":"e1","when":"2026-01-01T00:00:00Z","metadata":{"n":1.50}}"#)?;
    /// let typed = entry.decode_as::<AuditLogs>()?;
    /// assert_eq!(typed.metadata.as_ref().map(|m| m["n"].to_string()), Some("1.50".into()));
    /// assert_eq!(typed, entry.decode()?);
    /// # Ok::<(), cloudflare_audit_logs::Error>(())
    /// ```
    pub fn decode_as<L: Listing>(&self) -> Result<L::Entry, Error> {
        self.decode()
    }
}
