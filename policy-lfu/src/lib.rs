//! Least-frequently-used (LFU) eviction in O(1) for clientcache.
//!
//! # The problem
//!
//! Recency is a poor guide when a few keys are read over and over while many others are read
//! once: a burst of one-off lookups flushes an LRU cache. LFU instead evicts the entry read the
//! fewest times since it was inserted, and among those the least recently used. The textbook
//! way (a heap keyed by count) costs O(log n) per hit; the cache calls its policy on every hit,
//! so [`LfuPolicy`] does every event in O(1) worst case and never sees keys or values: it orders
//! the caller's [`EntryId`]s (the cache's slab indices).
//!
//! Semantics, exactly (they match the Python `boto3-client-cache` LFU event for event):
//!
//! - a new entry starts at frequency 1; each access adds 1;
//! - the victim is the least recently used (inserted or accessed) entry among those with the
//!   lowest frequency;
//! - an entry that is removed or evicted is forgotten: inserted again, it starts at 1.
//!
//! # Examples
//!
//! ```
//! use clientcache_policy_api::{EntryId, Policy};
//! use clientcache_policy_lfu::LfuPolicy;
//!
//! let mut lfu = LfuPolicy::with_capacity(3);
//! let [a, b, c] = [0, 1, 2].map(EntryId::new);
//! lfu.on_insert(a, 0xA); // LFU ignores the key hashes.
//! lfu.on_insert(b, 0xB);
//! lfu.on_access(a, 0xA); // a: 2
//! lfu.on_access(b, 0xB); // b: 2, used after a
//! lfu.on_insert(c, 0xC); // c: 1
//!
//! assert_eq!(lfu.frequency(a), Some(2));
//! assert_eq!(lfu.iter().collect::<Vec<_>>(), [c, a, b]);
//! assert_eq!(lfu.evict(), Some(c));
//! lfu.on_insert(c, 0xC); // forgotten: back at frequency 1
//! assert_eq!(lfu.frequency(c), Some(1));
//! ```
//!
//! # Implementation
//!
//! The structure follows K. Shah, A. Mitra, D. Matani, "An O(1) algorithm for implementing the
//! LFU cache eviction scheme" (2010): a list of *frequency buckets* in ascending frequency, each
//! holding the entries with that count, and on every entry a pointer to its bucket. An access
//! moves the entry from its bucket to the next one if that has frequency + 1, or to a new
//! bucket linked right after it; buckets left empty are unlinked. Unlike the paper, which keeps
//! each bucket as an unordered set, every bucket here is an LRU list (the tie-break above), and
//! all links are `u32` indices instead of pointers:
//!
//! - entries: one 12-byte node (`prev`, `next`, `bucket`) per id, in a `Vec` indexed by
//!   [`EntryId::index`]; each bucket's entries form a circular list threaded through it (head =
//!   the bucket's least recently used, `nodes[head].prev` its most recently used);
//! - buckets: a [`slab::Slab`] of `{freq, head, prev, next}`, doubly linked in ascending
//!   frequency from `first`; slots of removed buckets are reused.
//!
//! Invariants (written on the fields they govern, checked with `debug_assert!` at each splice
//! and from scratch by [`Policy::validate`]):
//!
//! 1. A node is vacant (all fields `NIL = u32::MAX`) iff its id is not resident.
//! 2. Entry links are symmetric, and each bucket's list, walked from its head, returns to it;
//!    every node on it names that bucket.
//! 3. Buckets are linked symmetrically from `first`, with strictly ascending frequencies ≥ 1;
//!    none is empty; every bucket in the slab is on that list.
//! 4. The buckets' lists hold exactly the `len` resident ids.
//!
//! So the victim is `first`'s head, and [`Policy::iter`] (lowest bucket first, each from least
//! to most recently used) is exactly the order of successive evictions.
//!
//! | Operation                 | Cost                                                        |
//! |---------------------------|-------------------------------------------------------------|
//! | `on_insert`               | O(1); the table grows (amortised O(1)) only for a new largest id |
//! | `on_access`               | O(1) worst case: one unlink, one append, at most one bucket created and one removed |
//! | `on_remove`, `evict`      | O(1) worst case                                             |
//! | `victim`, `len`           | O(1)                                                        |
//! | `iter`                    | O(1) per id                                                 |
//! | `clear`                   | O(1); keeps both allocations                                |
//! | `validate`                | O(table size + buckets)                                     |
//!
//! An access that leaves its bucket empty when no bucket holds frequency + 1 just raises the
//! bucket's frequency in place. The node table never shrinks (only [`Policy::clear`] empties
//! it, keeping the allocation) and the slab reuses freed slots, so once every id has been seen
//! and the bucket count has peaked, no event allocates.
//!
//! Frequencies are `u64`: one access at a time, they cannot overflow in practice.
#![forbid(unsafe_code)]

mod bucket;
mod iter;
mod list;
#[cfg(test)]
mod tests;
mod validate;

use std::fmt;

use clientcache_policy_api::{EntryId, InvariantViolation, Policy};
use slab::Slab;

use bucket::Bucket;
use clientcache_policy_api::list::List;
pub use iter::LfuIter;
use list::{NIL, Node};

/// O(1) LFU with least-recently-used tie-break: evicts the least recently used of the ids with
/// the lowest frequency.
///
/// See the [crate docs](crate) for the exact semantics, the structure and the costs. Key hashes
/// are ignored; `admit` always admits (the [`Policy`] default).
///
/// # Examples
///
/// ```
/// use clientcache_policy_api::{EntryId, Policy};
/// use clientcache_policy_lfu::LfuPolicy;
///
/// let mut lfu = LfuPolicy::default();
/// assert_eq!(lfu.name(), "LFU");
/// lfu.on_insert(EntryId::new(4), 0);
/// lfu.on_insert(EntryId::new(9), 0);
/// lfu.on_access(EntryId::new(4), 0);
/// assert_eq!(lfu.victim(), Some(EntryId::new(9)));
/// ```
#[derive(Clone)]
pub struct LfuPolicy {
    /// The place of every id seen since the last `clear`, indexed by `EntryId::index()`.
    /// Invariant: node `i` is resident (non-`NIL` fields) iff `i` is on the list of the bucket
    /// its `bucket` field names; vacant nodes are all `NIL`. Grows to the largest id inserted;
    /// never shrinks except on `clear`, which keeps the allocation.
    nodes: Vec<Node>,
    /// The frequency buckets. Invariant: every bucket here is non-empty and on the ascending
    /// list from `first`.
    buckets: Slab<Bucket>,
    /// The key of the lowest-frequency bucket; its list head is the victim.
    /// Invariant: `NIL` iff `len == 0`.
    first: u32,
    /// Number of resident ids. Invariant: the total length of the buckets' lists.
    len: usize,
}

impl Default for LfuPolicy {
    /// An empty policy with nothing reserved (capacity-agnostic).
    fn default() -> Self {
        LfuPolicy {
            nodes: Vec::new(),
            buckets: Slab::new(),
            first: NIL,
            len: 0,
        }
    }
}

impl LfuPolicy {
    /// An empty policy whose node table has room for ids `0..capacity` without reallocating.
    ///
    /// Usable as a factory: `conformance::check(LfuPolicy::with_capacity)`. When the
    /// reservation fails (an absurd `capacity`) the table simply grows on demand.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache_policy_api::Policy;
    /// use clientcache_policy_lfu::LfuPolicy;
    ///
    /// let lfu = LfuPolicy::with_capacity(1024);
    /// assert!(lfu.is_empty());
    /// ```
    #[must_use]
    pub fn with_capacity(capacity: usize) -> Self {
        let mut policy = Self::default();
        policy.set_capacity(capacity);
        policy
    }

    /// Whether `id` is resident.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache_policy_api::{EntryId, Policy};
    /// use clientcache_policy_lfu::LfuPolicy;
    ///
    /// let mut lfu = LfuPolicy::default();
    /// lfu.on_insert(EntryId::new(2), 0);
    /// assert!(lfu.contains(EntryId::new(2)));
    /// assert!(!lfu.contains(EntryId::new(3)));
    /// ```
    #[inline]
    #[must_use]
    pub fn contains(&self, id: EntryId) -> bool {
        self.nodes.get(id.index()).is_some_and(|n| n.is_resident())
    }

    /// The frequency of `id` (1 + accesses since it was inserted), or `None` when it is not
    /// resident. Records nothing.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache_policy_api::{EntryId, Policy};
    /// use clientcache_policy_lfu::LfuPolicy;
    ///
    /// let mut lfu = LfuPolicy::default();
    /// let id = EntryId::new(0);
    /// lfu.on_insert(id, 0);
    /// lfu.on_access(id, 0);
    /// assert_eq!(lfu.frequency(id), Some(2));
    /// lfu.on_remove(id);
    /// assert_eq!(lfu.frequency(id), None);
    /// ```
    #[must_use]
    pub fn frequency(&self, id: EntryId) -> Option<u64> {
        let node = self.nodes.get(id.index()).filter(|n| n.is_resident())?;
        Some(self.buckets[node.bucket as usize].freq)
    }

    /// Grows the table so that `index` is in it. Called once per new largest id.
    #[cold]
    #[inline(never)]
    fn grow(&mut self, index: usize) {
        self.nodes.resize(index + 1, Node::VACANT);
    }

    /// Links a new, empty bucket of frequency `freq` right after bucket `after` (`NIL`: first)
    /// and returns its key. The caller fills it before the event ends.
    #[inline]
    fn link_bucket(&mut self, after: u32, freq: u64) -> u32 {
        let next = if after == NIL {
            self.first
        } else {
            self.buckets[after as usize].next
        };
        let key = self.buckets.insert(Bucket {
            freq,
            list: List::EMPTY,
            prev: after,
            next,
        });
        // There are at most `len + 1` buckets, and `len` ids are below `u32::MAX`.
        debug_assert!(key < NIL as usize, "bucket key {key} does not fit in u32");
        let key = key as u32;
        if after == NIL {
            self.first = key;
        } else {
            debug_assert!(self.buckets[after as usize].freq < freq);
            self.buckets[after as usize].next = key;
        }
        if next != NIL {
            debug_assert!(freq < self.buckets[next as usize].freq);
            self.buckets[next as usize].prev = key;
        }
        key
    }

    /// Unlinks and frees the empty bucket `key`.
    #[inline]
    fn unlink_bucket(&mut self, key: u32) {
        let Bucket {
            list, prev, next, ..
        } = self.buckets.remove(key as usize);
        debug_assert!(list.is_empty(), "removing a non-empty bucket");
        if prev == NIL {
            debug_assert_eq!(self.first, key);
            self.first = next;
        } else {
            self.buckets[prev as usize].next = next;
        }
        if next != NIL {
            self.buckets[next as usize].prev = prev;
        }
    }

    /// Takes the resident id `i` out of its bucket, removing the bucket if it empties.
    #[inline]
    fn detach(&mut self, i: u32) {
        let key = self.nodes[i as usize].bucket;
        let bucket = &mut self.buckets[key as usize];
        bucket.list.unlink(&mut self.nodes, i);
        self.nodes[i as usize].bucket = NIL;
        if bucket.list.is_empty() {
            self.unlink_bucket(key);
        }
        self.len -= 1;
    }
}

impl Policy for LfuPolicy {
    type Iter<'a> = LfuIter<'a>;

    fn name(&self) -> &'static str {
        "LFU"
    }

    /// Reserves the node table for ids `0..capacity` (ignoring failure); never shrinks it and
    /// never changes which ids are resident.
    fn set_capacity(&mut self, capacity: usize) {
        let wanted = capacity.min(EntryId::MAX_INDEX + 1);
        let _ = self
            .nodes
            .try_reserve_exact(wanted.saturating_sub(self.nodes.len()));
    }

    #[inline]
    fn len(&self) -> usize {
        self.len
    }

    /// Puts `id` at frequency 1, as the most recently used of that bucket. A caller bug (`id`
    /// already resident) fails a `debug_assert!`; in release builds it counts as a removal
    /// followed by an insertion.
    #[inline]
    fn on_insert(&mut self, id: EntryId, _hash: u64) {
        let (i, index) = (id.get(), id.index());
        if index >= self.nodes.len() {
            self.grow(index);
        } else if self.nodes[index].is_resident() {
            debug_assert!(false, "on_insert: {id:?} is already resident");
            self.detach(i);
        }
        let first = self.first;
        let key = if first != NIL && self.buckets[first as usize].freq == 1 {
            first
        } else {
            self.link_bucket(NIL, 1)
        };
        self.buckets[key as usize]
            .list
            .push_back(&mut self.nodes, i);
        self.nodes[i as usize].bucket = key;
        self.len += 1;
    }

    /// Adds 1 to `id`'s frequency, making it the most recently used of its new bucket. A
    /// caller bug (`id` not resident) fails a `debug_assert!`; in release builds it is ignored.
    #[inline]
    fn on_access(&mut self, id: EntryId, _hash: u64) {
        let i = id.get();
        let Some(&node) = self.nodes.get(id.index()).filter(|n| n.is_resident()) else {
            debug_assert!(false, "on_access: {id:?} is not resident");
            return;
        };
        let key = node.bucket;
        let Bucket { freq, next, .. } = self.buckets[key as usize];
        let freq = freq + 1;
        let alone = node.links.next == i;
        let next_fits = next != NIL && self.buckets[next as usize].freq == freq;
        if alone && !next_fits {
            // The id's bucket would empty and no bucket has `freq`: raise the bucket in place.
            // Order holds: the next bucket's frequency exceeds the old one, and is not `freq`.
            self.buckets[key as usize].freq = freq;
            return;
        }
        self.buckets[key as usize].list.unlink(&mut self.nodes, i);
        let target = if next_fits {
            next
        } else {
            self.link_bucket(key, freq)
        };
        self.buckets[target as usize]
            .list
            .push_back(&mut self.nodes, i);
        self.nodes[i as usize].bucket = target;
        if alone {
            self.unlink_bucket(key);
        }
    }

    /// Forgets `id` and its frequency. A caller bug (`id` not resident) fails a
    /// `debug_assert!`; in release builds it is ignored.
    #[inline]
    fn on_remove(&mut self, id: EntryId) {
        if !self.contains(id) {
            debug_assert!(false, "on_remove: {id:?} is not resident");
            return;
        }
        self.detach(id.get());
    }

    #[inline]
    fn victim(&mut self) -> Option<EntryId> {
        if self.first == NIL {
            return None;
        }
        self.buckets[self.first as usize]
            .list
            .front()
            .map(EntryId::new)
    }

    #[inline]
    fn evict(&mut self) -> Option<EntryId> {
        let victim = self.victim()?;
        self.detach(victim.get());
        Some(victim)
    }

    #[inline]
    fn iter(&self) -> LfuIter<'_> {
        LfuIter::new(&self.nodes, &self.buckets, self.first, self.len)
    }

    /// Forgets every id and frequency, keeping the allocations.
    fn clear(&mut self) {
        self.nodes.clear();
        self.buckets.clear();
        self.first = NIL;
        self.len = 0;
    }

    /// Walks the bucket list and every bucket's entry list both ways and scans the table; see
    /// the invariants in the [crate docs](crate#implementation).
    fn validate(&self) -> Result<(), InvariantViolation> {
        validate::validate(self)
    }
}

impl fmt::Debug for LfuPolicy {
    /// A summary: length, bucket count, lowest frequency, victim, table size.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let min_freq = (self.first != NIL).then(|| self.buckets[self.first as usize].freq);
        f.debug_struct("LfuPolicy")
            .field("len", &self.len)
            .field("buckets", &self.buckets.len())
            .field("min_freq", &min_freq)
            .field("victim", &self.iter().next())
            .field("table", &self.nodes.len())
            .finish()
    }
}
