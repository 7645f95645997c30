//! The eviction-policy contract shared by every clientcache policy.
//!
//! # The problem
//!
//! A bounded cache has to decide which entry goes when it is full. That decision (the eviction
//! policy) is independent of what the cache stores: LRU, LFU and W-TinyLFU all order *entries*,
//! never look at keys or values. Keeping the policy behind a small trait lets the concurrent cache
//! (`clientcache`), the research harness and third-party code plug any policy in, and lets each
//! policy be tested on its own.
//!
//! # The model
//!
//! - The caller owns the entries and names each one by an [`EntryId`]: a small integer it hands
//!   out (the cache uses the slab index of the entry). Ids are dense: a policy may size tables by
//!   the largest id it has seen. An id is *resident* from [`Policy::on_insert`] until
//!   [`Policy::on_remove`] (or [`Policy::evict`]) and may then be reused for another entry.
//! - The caller tells the policy each entry's 64-bit key hash. Sketch-based policies count
//!   frequencies by hash, including for keys that are not resident ([`Policy::on_miss`]).
//! - The policy never evicts on its own. When the caller needs room it asks for the next victim
//!   ([`Policy::victim`]), may ask whether a newcomer should displace it ([`Policy::admit`]), and
//!   removes it ([`Policy::evict`]).
//!
//! # Invariants every policy upholds
//!
//! 1. **Residency.** [`Policy::len`] is the number of resident ids; [`Policy::iter`] yields each
//!    resident id exactly once and nothing else.
//! 2. **Victim order.** `iter()` runs from the next victim to the most protected entry:
//!    `iter().next() == victim()`, and calling `evict()` repeatedly with no other event between
//!    the calls removes the ids in exactly `iter()`'s order. `victim()` is `None` only when empty.
//! 3. **Queries are pure.** `admit`, `iter`, `len` and `validate` change nothing. `victim`
//!    takes `&mut self` so that finding the victim may advance internal bookkeeping (the hand
//!    of a CLOCK, SIEVE or S3-FIFO moving past referenced entries and clearing their bits,
//!    which is what makes those policies O(1) amortised), but it never changes residency nor
//!    the order `iter()` reports. LRU, LFU and W-TinyLFU keep `victim` a pure read.
//! 4. **Determinism.** Every decision is a pure function of the calls made so far (the events,
//!    their hashes, and the `victim` calls, which may advance a hand): no clocks, no
//!    randomness, no dependence on hash-map iteration order. Two policies built with the same
//!    capacity and given the same calls are in the same state.
//! 5. **Cost.** Every event is O(1) (worst case for LRU and LFU, amortised where a policy says
//!    so), and in steady state no event allocates: slots freed by removals are reused.
//! 6. **Capacity is advice.** [`Policy::set_capacity`] lets a policy size its sketches and
//!    segments; it never changes which ids are resident.
//!
//! Calling an event with an id that breaks the residency rules (inserting a resident id,
//! accessing or removing one that is not resident) is a caller bug: policies check it with
//! `debug_assert!` and may otherwise misorder entries, but never cause undefined behaviour.
//!
//! The `conformance` module (feature `conformance`) checks these invariants on random event
//! streams; every policy crate runs it in its tests.
//!
//! # Examples
//!
//! A toy FIFO policy shows the contract's shape (real ones live in `clientcache-policy-lru`,
//! `clientcache-policy-lfu` and `clientcache-policy-tinylfu`):
//!
//! ```
//! use clientcache_policy_api::{EntryId, InvariantViolation, Policy};
//! use std::collections::VecDeque;
//!
//! #[derive(Clone, Debug, Default)]
//! struct Fifo(VecDeque<EntryId>);
//!
//! impl Policy for Fifo {
//!     type Iter<'a> = std::iter::Copied<std::collections::vec_deque::Iter<'a, EntryId>>;
//!     fn name(&self) -> &'static str { "FIFO" }
//!     fn set_capacity(&mut self, _capacity: usize) {}
//!     fn len(&self) -> usize { self.0.len() }
//!     fn on_insert(&mut self, id: EntryId, _hash: u64) { self.0.push_back(id) }
//!     fn on_access(&mut self, _id: EntryId, _hash: u64) {}
//!     fn on_remove(&mut self, id: EntryId) { self.0.retain(|&x| x != id) } // O(n): a toy
//!     fn victim(&mut self) -> Option<EntryId> { self.0.front().copied() }
//!     fn iter(&self) -> Self::Iter<'_> { self.0.iter().copied() }
//!     fn clear(&mut self) { self.0.clear() }
//!     fn validate(&self) -> Result<(), InvariantViolation> { Ok(()) }
//! }
//!
//! let mut fifo = Fifo::default();
//! fifo.on_insert(EntryId::new(0), 11);
//! fifo.on_insert(EntryId::new(1), 22);
//! fifo.on_access(EntryId::new(0), 11);
//! assert_eq!(fifo.evict(), Some(EntryId::new(0)));
//! assert_eq!(fifo.iter().collect::<Vec<_>>(), [EntryId::new(1)]);
//! ```
#![forbid(unsafe_code)]

#[cfg(feature = "conformance")]
pub mod conformance;
mod entry_id;
#[cfg(feature = "list")]
pub mod list;
mod violation;

pub use entry_id::EntryId;
pub use violation::InvariantViolation;

/// An eviction policy: orders resident entries and names the next victim.
///
/// See the [crate docs](crate) for the invariants every implementation upholds; the
/// `conformance` kit (feature `conformance`) checks them.
pub trait Policy: Clone + std::fmt::Debug {
    /// Iterator over resident ids from the next victim to the most protected entry.
    type Iter<'a>: Iterator<Item = EntryId> + 'a
    where
        Self: 'a;

    /// The policy's display name, as accepted by run-time selection (`"LRU"`, `"LFU"`, ...).
    fn name(&self) -> &'static str;

    /// Tells the policy how many entries the caller keeps at most. Sizes sketches and segments;
    /// never changes which ids are resident (the caller evicts).
    fn set_capacity(&mut self, capacity: usize);

    /// Number of resident ids.
    fn len(&self) -> usize;

    /// Whether no id is resident.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `id` became resident for a key whose hash is `hash`. `id` must not be resident.
    fn on_insert(&mut self, id: EntryId, hash: u64);

    /// The resident entry `id` (key hash `hash`) was read: a cache hit.
    fn on_access(&mut self, id: EntryId, hash: u64);

    /// The resident entry `id` left the cache (removed by the user, or evicted). Afterwards `id`
    /// is not resident and may be reused.
    fn on_remove(&mut self, id: EntryId);

    /// A lookup for a key with hash `hash` missed. Sketch-based policies count it; the default
    /// does nothing.
    fn on_miss(&mut self, hash: u64) {
        let _ = hash;
    }

    /// The id the policy would evict next, or `None` when empty: `iter().next()`.
    ///
    /// May advance internal bookkeeping (a clock hand passing referenced entries), never
    /// residency nor the `iter()` order; see invariant 3 in the [crate docs](crate).
    fn victim(&mut self) -> Option<EntryId>;

    /// Whether a newcomer whose key hash is `candidate_hash` should displace `victim` (an
    /// admission filter). Pure. The default, used by LRU and LFU, always admits.
    fn admit(&self, candidate_hash: u64, victim: EntryId) -> bool {
        let _ = (candidate_hash, victim);
        true
    }

    /// Removes the next victim and returns it, or `None` when empty.
    fn evict(&mut self) -> Option<EntryId> {
        let victim = self.victim()?;
        self.on_remove(victim);
        Some(victim)
    }

    /// Resident ids from the next victim to the most protected. Pure.
    fn iter(&self) -> Self::Iter<'_>;

    /// Forgets every resident id (sketches may keep their counts). Afterwards `len() == 0`.
    fn clear(&mut self);

    /// Recomputes the policy's internal invariants from scratch; `Err` names the first broken
    /// one. O(n): for tests and debugging.
    fn validate(&self) -> Result<(), InvariantViolation>;
}
