//! What a run remembers of the entries it has yielded: the IDs and content digests of its
//! last few pages, so that an entry the server sends again is yielded once, a changed
//! version of one is kept and counted, and a server that sends nothing new page after page
//! is told apart from one that advances. Memory stays at `window` pages of two 64-bit keys an
//! entry however long the run.

use std::collections::VecDeque;
use std::hash::Hash;

use foldhash::HashMap;

/// How many pages in a row may bring no entry the run has not seen before the run ends with
/// [`PaginationError::NoProgress`](crate::PaginationError::NoProgress), unless a request
/// sets another number.
pub const DEFAULT_MAX_PAGES_WITHOUT_PROGRESS: u32 = 5;

/// The entries of a run's last pages, each an ID fingerprint and a digest of its content.
#[derive(Debug)]
pub(crate) struct RecentEntries {
    pages: VecDeque<HashMap<u64, u64>>,
    window: usize,
    stalled: u32,
}

/// What a page brings: its entries less those a recent page held with the same content, how
/// many of those kept are changed versions of a recent entry, and how many pages in a row
/// have brought nothing new.
pub(crate) struct Filtered<T> {
    pub(crate) fresh: Vec<T>,
    pub(crate) revised: usize,
    pub(crate) stalled: u32,
}

impl RecentEntries {
    pub(crate) fn new(window: u32) -> Self {
        let window = usize::try_from(window).unwrap_or(usize::MAX).max(1);
        RecentEntries {
            pages: VecDeque::with_capacity(window.min(64)),
            window,
            stalled: 0,
        }
    }

    /// Drops the entries of `page` that a recent page held with the same content (by
    /// `key`: ID fingerprint and content digest); an entry with a recent ID but other content
    /// is kept and counted as revised; entries without a key are kept.
    pub(crate) fn filter<T>(
        &mut self,
        page: Vec<T>,
        key: impl Fn(&T) -> Option<(u64, u64)>,
    ) -> Filtered<T> {
        let mut current = HashMap::with_capacity_and_hasher(page.len(), Default::default());
        let mut revised = 0;
        let fresh: Vec<T> = page
            .into_iter()
            .filter(|entry| match key(entry) {
                Some((id, content)) => {
                    let held = self.pages.iter().rev().find_map(|p| p.get(&id).copied());
                    current.insert(id, content);
                    match held {
                        Some(before) if before == content => false,
                        Some(_) => {
                            revised += 1;
                            true
                        }
                        None => true,
                    }
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
            revised,
            stalled: self.stalled,
        }
    }
}

/// A 64-bit digest seeded at random once a process (foldhash's quality variant): an entry's
/// ID fingerprint, a digest of its bytes, a cursor's fingerprint. foldhash is fast and not
/// cryptographic. A digest only tells an entry sent again from a changed version of it with
/// the same ID: were two versions to collide (a chance of about one in 2^64 a pair), the
/// changed one would be dropped as a repeat and the version already yielded would stand. The
/// maps of these digests hash them again with foldhash's fast variant, which costs next to
/// nothing on a `u64`.
pub(crate) fn id_fingerprint(id: &(impl Hash + ?Sized)) -> u64 {
    use std::hash::BuildHasher;
    use std::sync::LazyLock;
    static KEYS: LazyLock<foldhash::quality::RandomState> =
        LazyLock::new(foldhash::quality::RandomState::default);
    KEYS.hash_one(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(recent: &mut RecentEntries, page: &[u32]) -> (Vec<u32>, u32) {
        let filtered = recent.filter(page.to_vec(), |n| Some((u64::from(*n), 0)));
        (filtered.fresh, filtered.stalled)
    }

    #[test]
    fn the_same_id_with_other_content_is_kept_and_counted() {
        let mut recent = RecentEntries::new(3);
        let key = |(id, content): &(u64, u64)| Some((*id, *content));
        let first = recent.filter(vec![(1, 10), (2, 20)], key);
        assert_eq!((first.fresh.len(), first.revised), (2, 0));
        // B again unchanged (dropped), A changed (kept, revised), C new.
        let second = recent.filter(vec![(2, 20), (1, 11), (3, 30)], key);
        assert_eq!(second.fresh, [(1, 11), (3, 30)]);
        assert_eq!(second.revised, 1);
        // The newest version is what a repeat is compared with.
        let third = recent.filter(vec![(1, 11), (1, 10)], key);
        assert_eq!(third.fresh, [(1, 10)]);
        assert_eq!(third.revised, 1);
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
        let mut recent = RecentEntries::new(1);
        let filtered = recent.filter(vec![7, 7], |_| None);
        assert_eq!((filtered.fresh, filtered.stalled), (vec![7, 7], 0));
    }
}
