//! [`LfuIter`]: the resident ids in eviction order.

use std::fmt;
use std::iter::FusedIterator;

use clientcache_policy_api::EntryId;
use slab::Slab;

use crate::bucket::Bucket;
use crate::list::{NIL, Node};

/// Iterator over an [`LfuPolicy`](crate::LfuPolicy)'s resident ids in the order successive
/// evictions would remove them: lowest frequency first, and within a frequency least recently
/// used first. Exact size.
///
/// Created by [`Policy::iter`](clientcache_policy_api::Policy::iter).
///
/// # Examples
///
/// ```
/// use clientcache_policy_api::{EntryId, Policy};
/// use clientcache_policy_lfu::LfuPolicy;
///
/// let mut lfu = LfuPolicy::default();
/// for i in 0..3 {
///     lfu.on_insert(EntryId::new(i), 0);
/// }
/// lfu.on_access(EntryId::new(0), 0);
/// let iter = lfu.iter();
/// assert_eq!(iter.len(), 3);
/// assert_eq!(iter.map(EntryId::get).collect::<Vec<_>>(), [1, 2, 0]);
/// ```
#[derive(Clone)]
pub struct LfuIter<'a> {
    /// The policy's node table.
    nodes: &'a [Node],
    /// The policy's buckets.
    buckets: &'a Slab<Bucket>,
    /// The bucket holding `node`; meaningless when `remaining == 0`.
    bucket: u32,
    /// The id `next` yields next; meaningless when `remaining == 0`.
    node: u32,
    /// Ids not yet yielded.
    remaining: usize,
}

impl<'a> LfuIter<'a> {
    /// Iterates the buckets from `first`, which hold `len` ids in all.
    #[inline]
    pub(crate) fn new(
        nodes: &'a [Node],
        buckets: &'a Slab<Bucket>,
        first: u32,
        len: usize,
    ) -> Self {
        let node = if first == NIL {
            NIL
        } else {
            buckets[first as usize].list.front().unwrap_or(NIL)
        };
        LfuIter {
            nodes,
            buckets,
            bucket: first,
            node,
            remaining: len,
        }
    }
}

impl Iterator for LfuIter<'_> {
    type Item = EntryId;

    #[inline]
    fn next(&mut self) -> Option<EntryId> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let id = self.node;
        let next = self.nodes[id as usize].links.next;
        let bucket = &self.buckets[self.bucket as usize];
        if Some(next) != bucket.list.front() {
            self.node = next;
        } else if self.remaining > 0 {
            // Wrapped around this bucket's circle: on to the next frequency.
            self.bucket = bucket.next;
            self.node = self.buckets[bucket.next as usize]
                .list
                .front()
                .unwrap_or(NIL);
        }
        Some(EntryId::new(id))
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl ExactSizeIterator for LfuIter<'_> {}

impl FusedIterator for LfuIter<'_> {}

impl fmt::Debug for LfuIter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LfuIter")
            .field("remaining", &self.remaining)
            .finish_non_exhaustive()
    }
}
