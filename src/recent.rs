//! What a run remembers of the entries it has yielded: the IDs of its last few pages, so that
//! an entry the server sends again is yielded once, and a server that sends nothing new page
//! after page is told apart from one that advances.

use std::collections::{HashSet, VecDeque};
use std::hash::Hash;

/// How many pages in a row may bring no entry the run has not seen before the run ends with
/// [`PaginationError::NoProgress`](crate::PaginationError::NoProgress), unless a request
/// sets another number.
pub const DEFAULT_MAX_PAGES_WITHOUT_PROGRESS: u32 = 5;

/// The keys of the entries of the last `window` pages.
///
/// When entries shift between two requests, one at the boundary comes back on the next
/// page; a server that loops sends the same ones again and again. Either way an entry whose
/// key one of the last `window` pages held is dropped, and a page with nothing left counts
/// as no progress. Memory stays at `window` pages of 64-bit keys however long the run.
#[derive(Debug)]
pub(crate) struct RecentEntries<K> {
    pages: VecDeque<HashSet<K>>,
    window: usize,
    /// Pages in a row that brought no new entry.
    stalled: u32,
}

/// What [`RecentEntries::filter`] made of a page.
pub(crate) struct Filtered<T> {
    /// The entries no recent page held, in the page's order.
    pub(crate) fresh: Vec<T>,
    /// Pages in a row, this one included, that brought no new entry (0: this one did).
    pub(crate) stalled: u32,
}

impl<K: Hash + Eq> RecentEntries<K> {
    /// Remembers the last `window` pages (at least one).
    pub(crate) fn new(window: u32) -> Self {
        let window = usize::try_from(window).unwrap_or(usize::MAX).max(1);
        RecentEntries {
            pages: VecDeque::with_capacity(window.min(64)),
            window,
            stalled: 0,
        }
    }

    /// Keeps the entries of `page` that no recent page held, and remembers this page. An
    /// entry without a key cannot be compared: it is kept, and counts as new.
    pub(crate) fn filter<T>(&mut self, page: Vec<T>, key: impl Fn(&T) -> Option<K>) -> Filtered<T> {
        let mut current = HashSet::with_capacity(page.len());
        let fresh: Vec<T> = page
            .into_iter()
            .filter(|entry| match key(entry) {
                Some(k) => {
                    let seen = self.pages.iter().any(|p| p.contains(&k));
                    current.insert(k);
                    !seen
                }
                None => true,
            })
            .collect();
        self.stalled = if fresh.is_empty() {
            self.stalled + 1
        } else {
            0
        };
        if self.pages.len() == self.window {
            self.pages.pop_front();
        }
        self.pages.push_back(current);
        Filtered {
            fresh,
            stalled: self.stalled,
        }
    }
}

/// A 64-bit fingerprint of an entry ID, so that the run's memory of its recent pages neither copies IDs nor
/// keeps them. It uses keyed SipHash, so two different IDs meet by chance one time in 2^64.
pub(crate) fn id_fingerprint(id: &(impl Hash + ?Sized)) -> u64 {
    use std::hash::BuildHasher;
    use std::sync::LazyLock;
    static KEYS: LazyLock<std::hash::RandomState> = LazyLock::new(std::hash::RandomState::new);
    KEYS.hash_one(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(recent: &mut RecentEntries<u32>, page: &[u32]) -> (Vec<u32>, u32) {
        let filtered = recent.filter(page.to_vec(), |n| Some(*n));
        (filtered.fresh, filtered.stalled)
    }

    #[test]
    fn an_entry_any_recent_page_held_is_dropped() {
        let mut recent = RecentEntries::new(3);
        assert_eq!(run(&mut recent, &[1, 2]), (vec![1, 2], 0));
        assert_eq!(run(&mut recent, &[2, 3]), (vec![3], 0));
        // A cycle over two pages is caught too.
        assert_eq!(run(&mut recent, &[1, 4]), (vec![4], 0));
        assert_eq!(run(&mut recent, &[5]), (vec![5], 0));
        assert_eq!(run(&mut recent, &[6]), (vec![6], 0));
        // Page [2, 3] is now four pages back, past the window of three.
        assert_eq!(run(&mut recent, &[2, 3]), (vec![2, 3], 0));
    }

    #[test]
    fn pages_without_anything_new_are_counted_in_a_row() {
        let mut recent = RecentEntries::new(2);
        assert_eq!(run(&mut recent, &[1, 2]), (vec![1, 2], 0));
        assert_eq!(run(&mut recent, &[1, 2]), (vec![], 1));
        assert_eq!(run(&mut recent, &[]), (vec![], 2));
        assert_eq!(run(&mut recent, &[2]), (vec![], 3));
        assert_eq!(run(&mut recent, &[3]), (vec![3], 0));
    }

    #[test]
    fn entries_without_a_key_are_kept_and_count_as_new() {
        let mut recent = RecentEntries::<u32>::new(1);
        let filtered = recent.filter(vec![7, 7], |_| None);
        assert_eq!((filtered.fresh, filtered.stalled), (vec![7, 7], 0));
    }
}
