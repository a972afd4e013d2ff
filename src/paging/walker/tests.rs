//! The walker on its own, with a listing held in memory: no HTTP, exact control over
//! where each page says the next one starts and how long each fetch takes.

use std::collections::BTreeMap;
use std::sync::Mutex;

use futures::TryStreamExt;

use super::*;
use std::time::Duration;

use crate::paging::listing::Fetch;
use crate::{Credentials, PaginationError};

/// A page: its entries and the page it says comes next.
type FakePage = (Vec<u32>, Option<u64>);

#[derive(Clone, Debug)]
struct Fake {
    pages: Arc<BTreeMap<u64, FakePage>>,
    in_flight: usize,
    /// Whether the next page can be predicted (page numbers) or not (cursors).
    predictable: bool,
    started: Arc<Mutex<Vec<u64>>>,
    finished: Arc<Mutex<Vec<u64>>>,
}

fn fake(pages: &[(u64, FakePage)], in_flight: usize, predictable: bool) -> Request<Fake> {
    let client = Client::builder()
        .credentials(Credentials::api_token("t"))
        .base_url("http://127.0.0.1:9/client/v4")
        .build()
        .unwrap();
    let listing = Fake {
        pages: Arc::new(pages.iter().cloned().collect()),
        in_flight,
        predictable,
        started: Arc::default(),
        finished: Arc::default(),
    };
    Request::new(client, listing, ())
}

fn number(at: &Option<String>) -> u64 {
    at.as_deref().map_or(1, |n| n.parse().unwrap())
}

impl crate::Filters for () {
    const FIELDS: &'static [crate::FilterField] = &[];
}

impl Listing for Fake {
    type Entry = u32;
    type Filters = ();
    type Position = Option<String>;
    type Info = ();
    type Size = crate::paging::listing::PerPage;

    fn name(&self) -> &'static str {
        "fake"
    }

    fn identity(&self) -> serde_json::Map<String, serde_json::Value> {
        serde_json::Map::new()
    }

    fn check(_: &Request<Self>) -> Result<(), Error> {
        Ok(())
    }

    fn first(_: &Request<Self>) -> Result<Option<String>, Error> {
        Ok(None)
    }

    async fn fetch<M: crate::paging::listing::Mode<Self>>(
        request: Arc<Request<Self>>,
        at: Option<String>,
    ) -> crate::paging::listing::Fetched<Self, M> {
        let listing = &request.listing;
        let page = number(&at);
        listing.started.lock().unwrap().push(page);
        // Later pages take longer, so that pages fetched ahead are still under way when
        // an earlier page ends the listing (with a Tokio runtime at hand).
        if tokio::runtime::Handle::try_current().is_ok() {
            tokio::time::sleep(Duration::from_millis(5 * page)).await;
        }
        listing.finished.lock().unwrap().push(page);
        let (entries, next) = listing.pages.get(&page).cloned().unwrap_or_default();
        let entries = entries
            .into_iter()
            .map(|entry| {
                let text = entry.to_string();
                crate::RawEntry::new(text.clone().into(), Some(text), None)
            })
            .collect();
        Ok(Fetch::page(
            M::from_raw(entries),
            next.map(|n| Some(n.to_string())),
        ))
    }

    fn predict(&self, at: &Option<String>, _: Option<&Option<String>>) -> Option<Option<String>> {
        self.predictable.then(|| Some((number(at) + 1).to_string()))
    }

    fn in_flight(&self) -> usize {
        self.in_flight
    }
}

async fn all(listing: Request<Fake>) -> (Result<Vec<u32>, Error>, Vec<u32>) {
    let mut entries = listing.stream();
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
    let (started, finished) = (
        listing.listing.started.clone(),
        listing.listing.finished.clone(),
    );
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
    let started = listing.listing.started.clone();
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
    let mut pages: Vec<(u64, FakePage)> = vec![(1, (vec![1, 2], Some(2))), (2, (vec![3], Some(3)))];
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
        let started = listing.listing.started.clone();
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
async fn pages_without_progress_up_to_the_end_are_the_end() {
    // One page of entries, then four empty pages pointing on, then an empty last page: the
    // fifth page without progress is the listing's end, not a stalled server.
    let mut pages: Vec<(u64, FakePage)> = vec![(1, (vec![1, 2], Some(2)))];
    for n in 2..=6 {
        pages.push((n, (vec![], (n < 6).then_some(n + 1))));
    }
    for predictable in [false, true] {
        let (result, _) = all(fake(&pages, 2, predictable)).await;
        assert_eq!(result.unwrap(), [1, 2]);
    }
    // One more empty page pointing on: the fifth without progress is not the end.
    pages[5].1.1 = Some(7);
    pages.push((7, (vec![], None)));
    let (result, _) = all(fake(&pages, 2, false)).await;
    assert!(
        matches!(
            result,
            Err(Error::Pagination(PaginationError::NoProgress { pages: 5 }))
        ),
        "{result:?}"
    );
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

#[test]
fn a_run_is_driven_in_place_where_no_runtime_is_at_hand() {
    // No Tokio runtime: each fetch runs in place as the caller polls, with every guarantee
    // of a spawned one (order, repeated entries dropped, pages fetched ahead on demand).
    let listing = fake(
        &[
            (1, (vec![1, 2], Some(2))),
            (2, (vec![2, 3], Some(3))),
            (3, (vec![4], None)),
        ],
        3,
        true,
    );
    let started = listing.listing.started.clone();
    let entries: Vec<u32> = futures::executor::block_on(listing.stream().try_collect()).unwrap();
    assert_eq!(entries, [1, 2, 3, 4]);
    assert_eq!(*started.lock().unwrap(), [1, 2, 3]);
}
