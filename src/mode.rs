//! How the walker reads a listing's pages: [`Raw`] reads each page for its `result_info`, its
//! entries' bytes and each entry's ID and time (serde_json splits the page), decoding
//! nothing else. Typed entries are
//! decoded from these afterwards ([`Request::pages`](crate::Request::pages)), while the next
//! page is on its way.

use std::future::Future;

use crate::call::Call;
use crate::envelope::PageParts;
use crate::listing::Listing;
use crate::recent::id_fingerprint;
use crate::{Error, RawEntry};

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
        crate::call::call_page::<P>(request).await
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
