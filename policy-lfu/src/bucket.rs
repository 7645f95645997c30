//! [`Bucket`]: one frequency and the entries that have it.

use clientcache_policy_api::list::List;

/// All resident ids with one access frequency, in a circular LRU list, and the links of the
/// ascending bucket list. Buckets live in a [`slab::Slab`]; keys are stored as `u32`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Bucket {
    /// The frequency (1 + accesses since insertion) of every id in this bucket.
    /// Invariant: at least 1, and strictly between the neighbouring buckets' frequencies.
    pub(crate) freq: u64,
    /// The bucket's ids, least recently used (first evicted among them) at the front.
    /// Invariant: never empty between events (empty buckets are removed at once).
    pub(crate) list: List,
    /// The bucket with the next lower frequency, `NIL` for the first (lowest) bucket.
    /// Invariant: `buckets[prev].next == self`.
    pub(crate) prev: u32,
    /// The bucket with the next higher frequency, `NIL` for the last.
    /// Invariant: `buckets[next].prev == self`.
    pub(crate) next: u32,
}
