//! Adaptive W-TinyLFU eviction for clientcache.
//!
//! # The problem
//!
//! LRU keeps whatever was used last, so one pass over many cold keys (a scan, a batch job, a
//! loop slightly larger than the cache) flushes the keys that are used all the time. LFU keeps
//! the popular keys but never forgets old popularity and needs a counter per key ever seen.
//! W-TinyLFU (G. Einziger, R. Friedman, B. Manes, "TinyLFU: A Highly Efficient Cache
//! Admission Policy", ACM Transactions on Storage 13(4), 2017) gets both: a small LRU
//! *window* absorbs bursts of new keys, and a key leaving the window enters the main region
//! only if a compact frequency sketch says it is requested more often than the key it would
//! displace. Which share of the cache the window deserves depends on the workload, so it is
//! tuned online (G. Einziger, O. Eytan, R. Friedman, B. Manes, "Adaptive Software Cache
//! Management", Middleware 2018).
//!
//! [`TinyLfuPolicy`] implements the [`Policy`] contract: it orders the caller's [`EntryId`]s
//! using their key hashes, and never sees keys or values.
//!
//! # Examples
//!
//! ```
//! use clientcache_policy_api::{EntryId, Policy};
//! use clientcache_policy_tinylfu::TinyLfuPolicy;
//!
//! let mut policy = TinyLfuPolicy::with_capacity(100); // a window of 1 entry to start
//! let hash = |key: u64| key.wrapping_mul(0x9E37_79B9_7F4A_7C15); // the cache's key hasher
//! let [a, b, c] = [0, 1, 2].map(EntryId::new);
//!
//! policy.on_insert(a, hash(10)); // new ids enter the window...
//! policy.on_insert(b, hash(11)); // ...pushing its LRU, `a`, to the main region's probation
//! policy.on_access(a, hash(10)); // a hit on probation promotes `a` to protected
//! policy.on_miss(hash(12)); // misses are counted too
//! policy.on_insert(c, hash(12)); // counted once with its miss; `b` goes to probation
//!
//! // `c`, the window's LRU, was seen once, like `b`, the main region's victim: the newcomer
//! // loses the duel and would be the one evicted.
//! assert_eq!(policy.victim(), Some(c));
//! assert_eq!(policy.iter().collect::<Vec<_>>(), [c, b, a]);
//! assert_eq!(policy.evict(), Some(c));
//! # policy.validate().unwrap();
//! ```
//!
//! # Implementation
//!
//! **Structure.** One node per id in a table indexed by [`EntryId::index`] (16 bytes: two `u32`
//! links, a 32-bit fingerprint of the key hash, and one word holding the region tag and the
//! 30-bit time of the id's last counted request), threaded into three circular LRU lists
//! (`list.rs`, `segments.rs`):
//!
//! - the **window**, where every new id starts; its target starts at 1 % of the capacity;
//! - the **probation** segment of the main region: ids that left the window or were demoted;
//! - the **protected** segment: ids hit while on probation, at most 80 % of the main region
//!   (its overflow is demoted to probation's most recent end), as in the paper's SLRU.
//!
//! Frequencies live in a count-min sketch of 4-bit counters (`sketch.rs`), 8 bytes per entry
//! of capacity, a key's four counters in one 64-byte block, halved every `10 × capacity`
//! requests. Every miss and insert counts once (a miss followed by the insert of the same hash is one
//! request); a hit counts only if the id's last counted request came more than `capacity`
//! requests earlier. So a key counts at most once per `capacity` requests while resident, and
//! its count measures in how many recent stretches of `capacity` requests it was used rather
//! than how many times: a key read forty times in a row (a burst: LRU-K's *correlated
//! references*, O'Neil, O'Neil, Weikum, SIGMOD 1993) counts once instead of sitting at the
//! sketch's ceiling for several sample periods after its burst ends, holding a main-region
//! slot that keys reused at longer distances need. `correlation.rs` has the reasoning.
//!
//! **Eviction.** The cache asks for a victim only when it must make room for a newcomer,
//! which will enter the window. If the window is under its target, the newcomer fits there,
//! so the victim is the main region's (probation's LRU, else protected's). If the window is
//! at its target, the newcomer will push the window's LRU (the *candidate*) out, and TinyLFU's
//! duel decides who leaves: the candidate goes to probation only if its estimated frequency
//! exceeds the main victim's by at least two (a lead of one is noise from the halving; see
//! `iter.rs`), and then the main victim is the one evicted. [`Policy::admit`] always admits:
//! the duel happens in [`Policy::victim`]. The structural moves (window overflow to
//! probation, promotion, demotion) happen in the event methods; queries never move anything.
//!
//! **Adaptation.** A hill climber (`climber.rs`) moves the window target in steps of 6.25 %
//! of the capacity, decaying by 0.98 per sample and restarting when the hit ratio swings by 5
//! points, as in the paper and Caffeine. A sample is `8 × capacity` hits and misses (at least
//! 256; at most 100 000 or the capacity). Unlike the paper, a step's direction comes from
//! comparing the sample's hits per entry in the window with those in probation, not from the
//! change of hit ratio between samples, which on real traces mostly measures the workload's
//! phases (`climber.rs`; the measurements are in DESIGN.md). The target ranges from 1 entry (pure TinyLFU
//! admission, which suits loops and scans) to the whole capacity (LRU, for recency-biased
//! workloads).
//!
//! **Determinism.** No wall clock and no randomness: every decision is a pure function of the
//! events, their hashes and `f64` arithmetic on counts (the "time" of a request is the number
//! of requests up to and including it, modulo 2^30). Caffeine admits a warm candidate that
//! lost its duel with a small random probability, so that an attacker who can choose keys
//! colliding with a hot key cannot pin the main region; this policy has no such jitter. Its
//! defence against hash flooding is the seed of the hasher the cache hashes keys with:
//! `clientcache`'s default hasher has a fixed seed (reproducible runs); when keys come from
//! untrusted parties, build the cache with a randomly or secretly seeded hasher
//! (`CacheBuilder::hasher`), and the sketch's collisions become unpredictable too.
//!
//! **Iteration.** [`Policy::iter`] replays the duels that successive [`Policy::evict`]
//! calls would run (removals only unlink, so the lists shrink from their LRU ends): a merge of
//! the window and the main region in O(1) per id ([`TinyLfuIter`], `iter.rs`).
//!
//! **Invariants** (on the fields they govern, checked with `debug_assert!` at each splice and
//! from scratch by [`Policy::validate`]):
//!
//! 1. A node is tagged with a region iff its id is on that region's list; vacant nodes have
//!    `NIL` links. Links are symmetric and each list closes on its head after `len` steps.
//! 2. After every event the window holds at most its target and protected at most its target
//!    (80 % of `capacity - window target`, at least 1).
//! 3. The window target equals the climber's, between 1 and `max(capacity, 1)`.
//! 4. The sketch's addition count stays below its sample size.
//!
//! **Costs.**
//!
//! | Operation                        | Cost                                                   |
//! |----------------------------------|--------------------------------------------------------|
//! | `on_insert`, `on_access`, `on_miss` | O(1) amortised: list splices, at most 4 counter updates; a halving (O(capacity)) every `10 × capacity` requests; a climb (≤ 6.25 % of the capacity in moves) every sample |
//! | `on_remove`, `evict`             | O(1) worst case: an unlink (plus `victim`)             |
//! | `victim`, `admit`, `len`         | O(1): at most two sketch estimates                     |
//! | `iter`                           | O(1) per id                                            |
//! | `set_capacity`                   | O(capacity) (re-sizes the sketch, may move ids)        |
//! | `clear`                          | O(1); keeps the table, the sketch and the climber      |
//! | `validate`                       | O(table size)                                          |
//!
//! No event allocates once the node table covers every id in use ([`TinyLfuPolicy::with_capacity`]
//! reserves it); the sketch is allocated by [`Policy::set_capacity`] only.
//!
//! **Design history.** Why each mechanism is built the way it is, the alternatives measured
//! and left out, and the hit ratios and speeds behind those choices are in the crate's
//! `DESIGN.md`; the current tables are in its `README.md`.
#![forbid(unsafe_code)]

/// The README's example, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod climber;
mod correlation;
mod iter;
mod list;
mod segments;
mod sketch;
#[cfg(test)]
mod tests;

use std::fmt;

use clientcache_policy_api::{EntryId, InvariantViolation, Policy, ensure};

use climber::HillClimber;
use correlation::RequestClock;
pub use iter::TinyLfuIter;
use iter::{Side, pick};
use list::Region;
use segments::Segments;
use sketch::FrequencySketch;
use sketch::Mixed;

/// The window's initial share of the capacity: 1 %, as in the TinyLFU paper's W-TinyLFU(1%).
const INITIAL_WINDOW_PERCENT: usize = 1;

/// The protected segment's share of the main region, in percent (TinyLFU §4: 80 %).
const PROTECTED_PERCENT: usize = 80;

/// Adaptive W-TinyLFU: an LRU admission window, a segmented-LRU main region and a count-min
/// frequency sketch deciding who enters the main region, with the window sized by hill
/// climbing.
///
/// See the [crate docs](crate) for the design and costs. [`Policy::admit`] always admits (the
/// admission duel happens inside [`Policy::victim`]); [`Policy::clear`] keeps the learned
/// frequencies and window size.
///
/// # Examples
///
/// ```
/// use clientcache_policy_api::{EntryId, Policy};
/// use clientcache_policy_tinylfu::TinyLfuPolicy;
///
/// let mut policy = TinyLfuPolicy::default();
/// assert_eq!(policy.name(), "TinyLFU");
/// policy.set_capacity(2); // the cache does this on construction
/// policy.on_insert(EntryId::new(4), 0xA4);
/// policy.on_insert(EntryId::new(9), 0xA9);
/// assert_eq!(policy.len(), 2);
/// assert!(policy.victim().is_some());
/// ```
#[derive(Clone)]
pub struct TinyLfuPolicy {
    /// The window, probation and protected lists and their targets.
    segments: Segments,
    /// Recent frequencies of key hashes: every miss and insert (a miss followed by the insert
    /// of the same hash counts once), and the hits paced by the nodes' `counted`.
    sketch: FrequencySketch,
    /// Steers `segments.window_target`. Invariant: `climber.window() ==
    /// segments.window_target`.
    climber: HillClimber,
    /// The capacity last given to `set_capacity` (0 before).
    capacity: usize,
    /// The hash of the last `on_miss`, until an insert of that hash consumes it: the insert
    /// that follows a miss is the same request and is not counted twice.
    pending_miss: Option<u64>,
    /// Counts requests (hits, misses, and inserts not preceded by their miss): the time base
    /// of the nodes' `counted`, which paces the hits the sketch counts (see `correlation.rs`).
    clock: RequestClock,
}

impl Default for TinyLfuPolicy {
    /// An empty policy for capacity 0; [`Policy::set_capacity`] sizes it (the cache calls it
    /// on construction).
    fn default() -> Self {
        let initial = initial_window(0);
        TinyLfuPolicy {
            segments: Segments::default(),
            sketch: FrequencySketch::with_capacity(0),
            climber: HillClimber::new(0, initial),
            capacity: 0,
            pending_miss: None,
            clock: RequestClock::default(),
        }
    }
}

/// The initial window size for `capacity`: 1 %, at least 1.
fn initial_window(capacity: usize) -> usize {
    (capacity * INITIAL_WINDOW_PERCENT / 100).max(1)
}

/// The protected target for a main region of `capacity - window` entries.
fn protected_target(capacity: usize, window: usize) -> usize {
    (capacity.saturating_sub(window) * PROTECTED_PERCENT / 100).max(1)
}

impl TinyLfuPolicy {
    /// An empty policy sized for `capacity` entries.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache_policy_api::Policy;
    /// use clientcache_policy_tinylfu::TinyLfuPolicy;
    ///
    /// let policy = TinyLfuPolicy::with_capacity(1000);
    /// assert!(policy.is_empty());
    /// assert_eq!(policy.window_target(), 10);
    /// ```
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
    /// use clientcache_policy_tinylfu::TinyLfuPolicy;
    ///
    /// let mut policy = TinyLfuPolicy::with_capacity(10);
    /// policy.on_insert(EntryId::new(2), 0x22);
    /// assert!(policy.contains(EntryId::new(2)));
    /// assert!(!policy.contains(EntryId::new(3)));
    /// ```
    pub fn contains(&self, id: EntryId) -> bool {
        self.segments.region(id) != Region::Vacant
    }

    /// The window's current target size, as set by the hill climber: from 1 (pure TinyLFU
    /// admission) to the capacity (LRU).
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache_policy_api::Policy;
    /// use clientcache_policy_tinylfu::TinyLfuPolicy;
    ///
    /// let mut policy = TinyLfuPolicy::with_capacity(500);
    /// assert_eq!(policy.window_target(), 5); // 1 % to start
    /// policy.set_capacity(1000);
    /// assert_eq!(policy.window_target(), 10); // resizing keeps the share
    /// ```
    pub fn window_target(&self) -> usize {
        self.segments.window_target
    }

    /// The sketch's estimate of how often the key of `hash` was requested recently (0 to 15):
    /// what the admission duel compares. A request counts once per `capacity` requests while
    /// its key is resident (see the crate docs), so a burst counts once.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache_policy_api::{EntryId, Policy};
    /// use clientcache_policy_tinylfu::TinyLfuPolicy;
    ///
    /// let mut policy = TinyLfuPolicy::with_capacity(100);
    /// policy.on_miss(0xBEEF);
    /// policy.on_insert(EntryId::new(0), 0xBEEF); // the same request as the miss
    /// policy.on_access(EntryId::new(0), 0xBEEF); // 1 request after its count: not counted
    /// assert_eq!(policy.frequency(0xBEEF), 1);
    /// for key in 1..=100 {
    ///     policy.on_miss(key); // other keys' requests
    /// }
    /// policy.on_access(EntryId::new(0), 0xBEEF); // more than 100 requests after: counted
    /// assert_eq!(policy.frequency(0xBEEF), 2);
    /// ```
    pub fn frequency(&self, hash: u64) -> u8 {
        self.sketch.frequency(hash)
    }

    /// Ends the climber's sample: applies the new window target.
    #[cold]
    fn climb(&mut self) {
        let s = &self.segments;
        let window = self.climber.climb(s.window.len, s.probation.len);
        self.apply_window(window);
    }

    /// Sets the window target to `window` and the protected target to match.
    fn apply_window(&mut self, window: usize) {
        self.segments
            .set_targets(window, protected_target(self.capacity, window));
    }
}

impl Policy for TinyLfuPolicy {
    type Iter<'a> = TinyLfuIter<'a>;

    fn name(&self) -> &'static str {
        "TinyLFU"
    }

    /// Sizes the sketch (forgetting its counts when its table size changes), the sample period
    /// and the targets: the window keeps its share of the capacity (1 % the first time), and
    /// ids over the new targets move down (window to probation, protected to probation).
    /// Reserves the node table for ids `0..capacity`. Never changes which ids are resident.
    fn set_capacity(&mut self, capacity: usize) {
        let window = if self.capacity == 0 {
            initial_window(capacity)
        } else {
            // Keep the learned share of the window.
            (self.segments.window_target as u128 * capacity as u128 / self.capacity as u128)
                as usize
        };
        self.capacity = capacity;
        self.clock.set_period(capacity);
        self.sketch.set_capacity(capacity);
        self.climber.resize(capacity, window);
        self.segments.reserve(capacity);
        self.apply_window(self.climber.window());
    }

    #[inline]
    fn len(&self) -> usize {
        self.segments.len()
    }

    /// Makes `id` the window's most recent entry and counts `hash` (unless it is the hash of
    /// the last miss, which already counted this request). A caller bug (`id` already
    /// resident) fails a `debug_assert!`; in release builds it counts as an access.
    fn on_insert(&mut self, id: EntryId, hash: u64) {
        if self.contains(id) {
            debug_assert!(false, "on_insert: {id:?} is already resident");
            self.on_access(id, hash);
            return;
        }
        let mixed = Mixed::of(hash);
        if self.pending_miss == Some(hash) {
            self.pending_miss = None;
        } else {
            self.clock.tick();
            self.sketch.increment_mixed(mixed);
            if self.climber.record_miss() {
                self.climb();
            }
        }
        self.segments.insert(id, mixed, self.clock.now());
    }

    /// Counts `id`'s key (by the hash it was inserted with, which the contract says `_hash`
    /// is) if `id`'s last counted request (its insert or an earlier counted hit) came
    /// more than `capacity` requests ago (see the crate docs); a window or protected id
    /// becomes its list's most recent, a probation id is promoted to protected. A caller bug
    /// (`id` not resident) fails a `debug_assert!`; in release builds it is ignored.
    fn on_access(&mut self, id: EntryId, _hash: u64) {
        let region = self.segments.region(id);
        if region == Region::Vacant {
            debug_assert!(false, "on_access: {id:?} is not resident");
            return;
        }
        let now = self.clock.tick();
        let node = &mut self.segments.nodes[id.index()];
        if self.clock.is_due(node.counted()) {
            node.set_counted(now);
            self.sketch.increment_mixed(node.hash);
        } else {
            self.sketch.age_by_one();
        }
        let complete = self.climber.record_hit(region);
        self.segments.access(id, region);
        if complete {
            self.climb();
        }
    }

    /// Unlinks `id`, moving nothing else. A caller bug (`id` not resident) fails a
    /// `debug_assert!`; in release builds it is ignored.
    fn on_remove(&mut self, id: EntryId) {
        let region = self.segments.region(id);
        if region == Region::Vacant {
            debug_assert!(false, "on_remove: {id:?} is not resident");
            return;
        }
        self.segments.remove(id, region);
    }

    /// Counts `hash`, and remembers it so that inserting it next does not count it again.
    fn on_miss(&mut self, hash: u64) {
        self.clock.tick();
        self.sketch.increment(hash);
        self.pending_miss = Some(hash);
        if self.climber.record_miss() {
            self.climb();
        }
    }

    fn victim(&mut self) -> Option<EntryId> {
        let s = &self.segments;
        let candidate = s.window.front();
        let main = s.main_front();
        let side = pick(
            &s.nodes,
            &self.sketch,
            s.window.len,
            s.window_target,
            candidate,
            main,
        )?;
        let id = match side {
            Side::Window => candidate,
            Side::Main => main,
        };
        id.map(EntryId::new)
    }

    fn iter(&self) -> TinyLfuIter<'_> {
        TinyLfuIter::new(&self.segments, &self.sketch)
    }

    /// Forgets every id in O(1), keeping the node table's allocation, the sketch's counts and
    /// the window target.
    fn clear(&mut self) {
        self.segments.clear();
        self.pending_miss = None;
    }

    /// Walks every list both ways and scans the node table (see the crate docs' invariants),
    /// then checks the targets against the climber and the capacity, and the sketch's count.
    fn validate(&self) -> Result<(), InvariantViolation> {
        self.segments.validate()?;
        ensure!(
            self.climber.window() == self.segments.window_target,
            "climber's window {} differs from the window target {}",
            self.climber.window(),
            self.segments.window_target
        );
        ensure!(
            self.segments.protected_target
                == protected_target(self.capacity, self.segments.window_target),
            "protected target {} is not {PROTECTED_PERCENT} % of the main region",
            self.segments.protected_target
        );
        ensure!(
            self.sketch.additions() < self.sketch.sample_size(),
            "sketch holds {} additions, not below its sample size {}",
            self.sketch.additions(),
            self.sketch.sample_size()
        );
        Ok(())
    }
}

impl fmt::Debug for TinyLfuPolicy {
    /// A summary: capacity, segment sizes and targets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.segments;
        f.debug_struct("TinyLfuPolicy")
            .field("capacity", &self.capacity)
            .field("window", &(s.window.len, s.window_target))
            .field("probation", &s.probation.len)
            .field("protected", &(s.protected.len, s.protected_target))
            .field("sketch", &self.sketch)
            .finish()
    }
}
