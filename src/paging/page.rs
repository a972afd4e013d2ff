//! What a listing hands out: [`Page`]s, the [`Pages`] and [`Entries`] streams, and the
//! [`ResumeToken`] that says where the next page starts.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::stream::{BoxStream, Stream, StreamExt};
use serde::{Deserialize, Serialize};

use crate::{Error, TimeBound};

/// Where the next page starts: save it (it is serde-able) and hand it to `.resume()` to go
/// on from there later.
///
/// A token names the listing that made it and carries a digest of that request's filters
/// and path identifiers (a hash of their canonical JSON form, the same in every version of
/// this crate that writes it): resuming another listing, or the same listing with other
/// filters, is an [`Error::InvalidInput`] before any request. Tokens saved before tokens
/// carried these load too, and are checked only for their kind (page or cursor).
///
/// ```
/// use cloudflare_audit_logs::ResumeToken;
///
/// let saved = r#"{"kind":"cursor","cursor":"c2","listing":"insights_audit_log","filters":"5e2a0c1d9b7f3e41"}"#;
/// let token: ResumeToken = serde_json::from_str(saved)?;
/// assert_eq!(token.cursor(), Some("c2"));
/// assert_eq!(token.listing(), Some("insights_audit_log"));
/// assert_eq!(serde_json::to_string(&token)?, saved);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ResumeToken {
    #[serde(flatten)]
    pub(crate) position: Position,
    /// The listing that made the token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) listing: Option<String>,
    /// The digest of the filters the token was made with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) filters: Option<String>,
}

/// Where a page starts, as a token stores it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Position {
    /// A numbered page, and the upper time bound of the run (pinned to its start when the
    /// caller gave none), so that page numbers keep meaning the same entries.
    Page { page: u64, before: TimeBound },
    /// The cursor the server gave for the next page.
    Cursor { cursor: String },
}

impl ResumeToken {
    /// The listing the token was made by (`None` for a token saved by an older version).
    pub fn listing(&self) -> Option<&str> {
        self.listing.as_deref()
    }

    /// The page number to fetch next, for a numbered listing.
    pub fn page(&self) -> Option<u64> {
        match &self.position {
            Position::Page { page, .. } => Some(*page),
            Position::Cursor { .. } => None,
        }
    }

    /// The cursor to fetch next, for a cursor listing.
    pub fn cursor(&self) -> Option<&str> {
        match &self.position {
            Position::Cursor { cursor } => Some(cursor),
            Position::Page { .. } => None,
        }
    }

    /// The kind of position, for messages.
    pub(crate) fn kind(&self) -> &'static str {
        match self.position {
            Position::Page { .. } => "page",
            Position::Cursor { .. } => "cursor",
        }
    }
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
pub struct Page<T, I = ()> {
    /// The entries, in the server's order.
    pub entries: Vec<T>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<ResumeToken>,
    /// What else the page said, where the listing says more: [`NumberedInfo`] for the v1
    /// audit logs, [`HistoryInfo`] for a resource's history, `()` for every other listing.
    pub info: I,
    /// How many of `entries` have an ID one of the run's recent pages held with other
    /// content: a changed version, kept, never dropped (the same entry again is dropped).
    pub revised: usize,
}

/// What a page of the v1 audit logs says beyond its entries ([`Page::info`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct NumberedInfo {
    /// How many entries the whole list holds, when the server says (`result_info.total_count`).
    pub total_count: Option<u64>,
}

/// What a page of a resource's history says beyond its entries ([`Page::info`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct HistoryInfo {
    /// How the resource was identified (`result_info.history_status`), when the server says.
    pub history_status: Option<crate::HistoryStatus>,
}

impl<T, I> Page<T, I> {
    /// Whether this is the last page.
    pub fn is_last(&self) -> bool {
        self.next.is_none()
    }
}

/// A stream of pages, in order. `Send`, `Unpin` and `'static`: store it, return it, drive it
/// anywhere.
#[must_use = "streams do nothing unless polled"]
pub struct Pages<T, I = ()> {
    pub(crate) inner: BoxStream<'static, Result<Page<T, I>, Error>>,
}

/// A stream of entries, in order. `Send`, `Unpin` and `'static`.
#[must_use = "streams do nothing unless polled"]
pub struct Entries<T> {
    inner: BoxStream<'static, Result<T, Error>>,
}

impl<T: Send + 'static, I: Send + 'static> Pages<T, I> {
    /// The entries of every page, in order.
    pub fn entries(self) -> Entries<T> {
        use futures::stream::{self, TryStreamExt};
        Entries {
            inner: self
                .inner
                .map_ok(|page| stream::iter(page.entries.into_iter().map(Ok)))
                .try_flatten()
                .boxed(),
        }
    }
}

impl<T, I> Stream for Pages<T, I> {
    type Item = Result<Page<T, I>, Error>;

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

impl<T, I> std::fmt::Debug for Pages<T, I> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pages")
    }
}

impl<T> std::fmt::Debug for Entries<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Entries")
    }
}
