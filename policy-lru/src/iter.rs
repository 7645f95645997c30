//! [`LruIter`]: the resident ids from the next victim to the most recently used.

use std::fmt;
use std::iter::FusedIterator;

use clientcache_policy_api::EntryId;

use clientcache_policy_api::list::{Links, List};

/// Iterator over an [`LruPolicy`](crate::LruPolicy)'s resident ids, least recently used (the
/// next victim) first. Double-ended: `.rev()` runs from the most recently used. Exact size.
///
/// Created by [`Policy::iter`](clientcache_policy_api::Policy::iter).
///
/// # Examples
///
/// ```
/// use clientcache_policy_api::{EntryId, Policy};
/// use clientcache_policy_lru::LruPolicy;
///
/// let mut lru = LruPolicy::default();
/// for i in 0..3 {
///     lru.on_insert(EntryId::new(i), 0);
/// }
/// let iter = lru.iter();
/// assert_eq!(iter.len(), 3);
/// assert_eq!(iter.rev().map(EntryId::get).collect::<Vec<_>>(), [2, 1, 0]);
/// ```
#[derive(Clone)]
pub struct LruIter<'a> {
    /// The policy's node table.
    nodes: &'a [Links],
    /// The id `next` yields next; meaningless when `remaining == 0`.
    front: u32,
    /// The id `next_back` yields next; meaningless when `remaining == 0`.
    back: u32,
    /// Ids not yet yielded from either end. Bounds the walk, so the circular list needs no
    /// end marker.
    remaining: usize,
}

impl<'a> LruIter<'a> {
    /// Iterates `list`, which holds `len` ids.
    #[inline]
    pub(crate) fn new(nodes: &'a [Links], list: List, len: usize) -> Self {
        let front = list.front().unwrap_or(clientcache_policy_api::list::NIL);
        let back = list.back(nodes).unwrap_or(front);
        LruIter {
            nodes,
            front,
            back,
            remaining: len,
        }
    }
}

impl Iterator for LruIter<'_> {
    type Item = EntryId;

    #[inline]
    fn next(&mut self) -> Option<EntryId> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let id = self.front;
        self.front = self.nodes[id as usize].next;
        Some(EntryId::new(id))
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl DoubleEndedIterator for LruIter<'_> {
    #[inline]
    fn next_back(&mut self) -> Option<EntryId> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let id = self.back;
        self.back = self.nodes[id as usize].prev;
        Some(EntryId::new(id))
    }
}

impl ExactSizeIterator for LruIter<'_> {}

impl FusedIterator for LruIter<'_> {}

impl fmt::Debug for LruIter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LruIter")
            .field("remaining", &self.remaining)
            .finish_non_exhaustive()
    }
}
