//! Exact least-recently-used (LRU) eviction for clientcache.
//!
//! # The problem
//!
//! A full cache must drop something. LRU drops the entry that has gone longest without being
//! inserted or read, betting that the recent past predicts the near future. The cache tells its
//! policy about every hit, so on the hot path the policy must cost a handful of loads and stores:
//! no hashing, no allocation, no search. [`LruPolicy`] orders the caller's
//! [`EntryId`]s (the cache's slab indices) and never sees keys or values.
//!
//! # Examples
//!
//! ```
//! use clientcache_policy_api::{EntryId, Policy};
//! use clientcache_policy_lru::LruPolicy;
//!
//! let mut lru = LruPolicy::with_capacity(3);
//! let [a, b, c] = [0, 1, 2].map(EntryId::new);
//! lru.on_insert(a, 0xA); // LRU ignores the key hashes.
//! lru.on_insert(b, 0xB);
//! lru.on_insert(c, 0xC);
//! lru.on_access(a, 0xA); // a hit: `a` becomes the most recently used.
//!
//! assert_eq!(lru.victim(), Some(b));
//! assert_eq!(lru.iter().collect::<Vec<_>>(), [b, c, a]);
//! assert_eq!(lru.evict(), Some(b));
//! lru.on_remove(a);
//! assert_eq!(lru.iter().collect::<Vec<_>>(), [c]);
//! ```
//!
//! # Implementation
//!
//! One node of two `u32` links (8 bytes) per id, in a `Vec` indexed by
//! [`EntryId::index`]. Resident ids form a single *circular* doubly linked list threaded through
//! the table (the contract crate's shared [`List`]): its front is the least recently used id (the
//! victim) and its back the most recently used. This is Mattson's LRU stack (R. L. Mattson,
//! J. Gecsei, D. R. Slutz, I. L. Traiger, "Evaluation techniques for storage hierarchies", IBM
//! Systems Journal 9(2), 1970) as an intrusive list with index links, as in quick_cache's `linked_slab`.
//!
//! Invariants (written on the fields they govern, checked with `debug_assert!` at each splice
//! and from scratch by [`Policy::validate`]):
//!
//! 1. A node is vacant (both links `NIL = u32::MAX`) iff its id is not resident; a resident
//!    node's links are never `NIL`, because the list is circular.
//! 2. Links are symmetric: `nodes[nodes[i].next].prev == i` and `nodes[nodes[i].prev].next == i`.
//! 3. Walking `next` from the front visits every resident id exactly once, in recency order,
//!    and comes back to the front after `len` steps; the list is empty iff `len == 0`.
//!
//! Circularity makes an access to the victim free: rotating the head one step turns the LRU into
//! the MRU without touching a link. Every other access is one unlink and one append: at most
//! six loads and stores on three nodes.
//!
//! | Operation                 | Cost                                                        |
//! |---------------------------|-------------------------------------------------------------|
//! | `on_insert`               | O(1); the table grows (amortised O(1)) only for a new largest id |
//! | `on_access`               | O(1) worst case, no allocation                              |
//! | `on_remove`, `evict`      | O(1) worst case, no allocation                              |
//! | `victim`, `len`           | O(1)                                                        |
//! | `iter`                    | O(1) per id, either direction                               |
//! | `clear`                   | O(1); keeps the table's allocation                          |
//! | `validate`                | O(table size)                                               |
//!
//! The table never shrinks (only [`Policy::clear`] empties it, keeping the allocation), so once
//! every id the caller uses has been seen, no event allocates. [`LruPolicy::with_capacity`] and
//! [`Policy::set_capacity`] reserve it up front.
#![forbid(unsafe_code)]

mod iter;
#[cfg(test)]
mod tests;

use std::fmt;

use clientcache_policy_api::{EntryId, InvariantViolation, Policy, ensure};

use clientcache_policy_api::list::{Links, List};
pub use iter::LruIter;

/// Exact LRU: evicts the id least recently inserted or accessed.
///
/// See the [crate docs](crate) for the structure and costs. Key hashes are ignored; `admit`
/// always admits (the [`Policy`] default).
///
/// # Examples
///
/// ```
/// use clientcache_policy_api::{EntryId, Policy};
/// use clientcache_policy_lru::LruPolicy;
///
/// let mut lru = LruPolicy::default();
/// assert_eq!(lru.name(), "LRU");
/// lru.on_insert(EntryId::new(4), 0);
/// lru.on_insert(EntryId::new(9), 0);
/// assert_eq!(lru.victim(), Some(EntryId::new(4)));
/// ```
#[derive(Clone)]
pub struct LruPolicy {
    /// Links of every id seen since the last `clear`, indexed by `EntryId::index()`.
    /// Invariant: node `i` is linked iff `i` is on `list`; vacant nodes have both links `NIL`.
    /// Grows to the largest id inserted; never shrinks except on `clear`, which keeps the
    /// allocation.
    nodes: Vec<Links>,
    /// The recency order: the front is the least recently used id, i.e. the next victim; the
    /// back the most recently used. Invariant: empty iff `len == 0`.
    list: List,
    /// Number of resident ids. Invariant: the length of `list`.
    len: usize,
}

impl Default for LruPolicy {
    /// An empty policy with no table reserved (capacity-agnostic).
    fn default() -> Self {
        LruPolicy {
            nodes: Vec::new(),
            list: List::EMPTY,
            len: 0,
        }
    }
}

impl LruPolicy {
    /// An empty policy whose node table has room for ids `0..capacity` without reallocating.
    ///
    /// Usable as a factory: `conformance::check(LruPolicy::with_capacity)`. When the
    /// reservation fails (an absurd `capacity`) the table simply grows on demand.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache_policy_api::Policy;
    /// use clientcache_policy_lru::LruPolicy;
    ///
    /// let lru = LruPolicy::with_capacity(1024);
    /// assert!(lru.is_empty());
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
    /// use clientcache_policy_lru::LruPolicy;
    ///
    /// let mut lru = LruPolicy::default();
    /// lru.on_insert(EntryId::new(2), 0);
    /// assert!(lru.contains(EntryId::new(2)));
    /// assert!(!lru.contains(EntryId::new(3)));
    /// ```
    #[inline]
    #[must_use]
    pub fn contains(&self, id: EntryId) -> bool {
        self.nodes.get(id.index()).is_some_and(|n| n.is_linked())
    }

    /// Grows the table so that `index` is in it. Called once per new largest id.
    #[cold]
    #[inline(never)]
    fn grow(&mut self, index: usize) {
        self.nodes.resize(index + 1, Links::VACANT);
    }
}

impl Policy for LruPolicy {
    type Iter<'a> = LruIter<'a>;

    fn name(&self) -> &'static str {
        "LRU"
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

    /// Makes `id` the most recently used. A caller bug (`id` already resident) fails a
    /// `debug_assert!`; in release builds it counts as an access.
    #[inline]
    fn on_insert(&mut self, id: EntryId, _hash: u64) {
        let index = id.index();
        if index >= self.nodes.len() {
            self.grow(index);
        } else if self.nodes[index].is_linked() {
            debug_assert!(false, "on_insert: {id:?} is already resident");
            self.list.move_to_back(&mut self.nodes, id.get());
            return;
        }
        self.list.push_back(&mut self.nodes, id.get());
        self.len += 1;
    }

    /// Makes `id` the most recently used. A caller bug (`id` not resident) fails a
    /// `debug_assert!`; in release builds it is ignored.
    #[inline]
    fn on_access(&mut self, id: EntryId, _hash: u64) {
        if !self.contains(id) {
            debug_assert!(false, "on_access: {id:?} is not resident");
            return;
        }
        self.list.move_to_back(&mut self.nodes, id.get());
    }

    /// Forgets `id`. A caller bug (`id` not resident) fails a `debug_assert!`; in release
    /// builds it is ignored.
    #[inline]
    fn on_remove(&mut self, id: EntryId) {
        if !self.contains(id) {
            debug_assert!(false, "on_remove: {id:?} is not resident");
            return;
        }
        self.list.unlink(&mut self.nodes, id.get());
        self.len -= 1;
    }

    #[inline]
    fn victim(&mut self) -> Option<EntryId> {
        self.list.front().map(EntryId::new)
    }

    #[inline]
    fn evict(&mut self) -> Option<EntryId> {
        let front = self.list.pop_front(&mut self.nodes)?;
        self.len -= 1;
        Some(EntryId::new(front))
    }

    #[inline]
    fn iter(&self) -> LruIter<'_> {
        LruIter::new(&self.nodes, self.list, self.len)
    }

    /// Forgets every id in O(1), keeping the table's allocation.
    fn clear(&mut self) {
        self.nodes.clear();
        self.list = List::EMPTY;
        self.len = 0;
    }

    /// Walks the list both ways ([`List::validate`]) and scans the table: the list holds
    /// exactly `len` distinct ids and they are exactly the linked nodes.
    fn validate(&self) -> Result<(), InvariantViolation> {
        let nodes = &self.nodes;
        ensure!(
            nodes.len() <= EntryId::MAX_INDEX + 1,
            "node table has {} slots, more than there are ids",
            nodes.len()
        );
        let linked = nodes.iter().filter(|n| n.is_linked()).count();
        ensure!(
            linked == self.len,
            "{linked} linked nodes in the table, but len is {}",
            self.len
        );
        for (i, n) in nodes.iter().enumerate() {
            ensure!(
                n.is_linked() || *n == Links::VACANT,
                "vacant node {i} has links {n:?}"
            );
        }
        let walked = self.list.validate(nodes, "LRU")?;
        ensure!(
            walked == self.len,
            "the list holds {walked} ids, but len is {}",
            self.len
        );
        Ok(())
    }
}

impl fmt::Debug for LruPolicy {
    /// A summary: length, least and most recently used ids, table size.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LruPolicy")
            .field("len", &self.len)
            .field("lru", &self.iter().next())
            .field("mru", &self.iter().next_back())
            .field("table", &self.nodes.len())
            .finish()
    }
}
