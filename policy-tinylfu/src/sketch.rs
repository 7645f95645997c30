//! [`FrequencySketch`]: a 4-bit count-min sketch with periodic halving, TinyLFU's memory of
//! how often each key was seen recently.
//!
//! # Design
//!
//! A count-min sketch (G. Cormode, S. Muthukrishnan, "An improved data stream summary: the
//! count-min sketch and its applications", J. Algorithms 55(1), 2005) estimates the frequency
//! of a key as the minimum of [`DEPTH`] counters, one per row, so collisions can only inflate
//! an estimate, never deflate it. TinyLFU (Einziger, Friedman, Manes, ACM ToS 13(4), 2017, §3)
//! adds two ideas, both here:
//!
//! - **Small counters.** A cache only needs to compare frequencies up to about the sample
//!   length divided by the cache size, so each counter has 4 bits and saturates at 15.
//! - **Freshness by halving ("reset").** After `sample_size` requests every counter is halved,
//!   so old popularity decays geometrically and the sketch follows shifts in the workload. The
//!   paper samples `W = 10 × capacity` events per period; so do we: every increment advances
//!   the period, and so does every hit the policy does not count
//!   ([`FrequencySketch::age_by_one`]; see `correlation.rs`), so that a period stays about
//!   `10 × capacity` requests.
//!
//! An increment raises all four counters (the plain count-min update, as in Caffeine), not
//! only the minimal ones (conservative update), and there is no doorkeeper filter: both were
//! measured and did not pay (the crate's DESIGN.md).
//!
//! # Layout
//!
//! The counters live in 64-byte blocks of eight `u64` words, 16 nibbles each, and all four of
//! a key's counters are in one block, so an increment or an estimate touches one cache line
//! instead of four (the layout of Caffeine's `FrequencySketch` since version 3.0, B. Manes;
//! written here from that description). A key is known to the sketch by a 32-bit fingerprint
//! of its hash ([`Mixed`]): its high bits pick the block by a multiply-shift (D. Lemire, "A fast
//! alternative to the modulo reduction", 2016), so the table needs no power-of-two length, and
//! 20 bits of another multiplicative hash of the fingerprint pick the counters: within the
//! block, row `r` owns words `2r` and `2r + 1`, and five bits per row pick one of those two
//! words and one of its 16 nibbles, so the four rows never share a counter. The table holds one
//! word per entry of capacity in whole blocks (8 bytes per entry; at least 512 words, at most
//! 2^24, 128 MiB, so a huge capacity cannot exhaust memory up front).
//!
//! An increment raises each of the four counters that is below 15 with no branch on the
//! counter values (a saturated counter adds zero), so its cost does not depend on the data.
//!
//! The sketch is deterministic: the same increments give the same counters. It mixes the
//! incoming hash once more, but it has no seed of its own; resistance to hash flooding comes
//! from the seed of the hasher the caller uses to hash its keys.

use std::fmt;

/// Rows of the count-min sketch: an estimate is the minimum of this many counters.
pub(crate) const DEPTH: usize = 4;

/// The largest value a counter holds; increments beyond it are dropped.
pub(crate) const MAX_FREQUENCY: u8 = 15;

/// Events per sample period, per entry of capacity (TinyLFU's `W / C`).
const SAMPLE_FACTOR: usize = 10;

/// The fewest words a table has (4 KiB), so that small caches on short traces still tell
/// their keys apart: with fewer, the hit ratios of the small standard points moved by up to
/// two points with the key hasher's seed, from collisions alone (DESIGN.md).
const MIN_WORDS: usize = 512;

/// The smallest capacity the sample period is sized on (1 280 requests): the period is
/// TinyLFU's aging and stays tied to the cache, not to the table floor above (sizing it on
/// 512 aged the counts of tiny caches too slowly).
const MIN_SAMPLE_CAPACITY: usize = 128;

/// The most words a table has (128 MiB): full precision up to 16,777,216 entries of capacity.
/// Beyond that the counters are shared by more keys, so estimates (never too low) grow
/// coarser, but a cache built "unbounded" with a huge `max_size` does not ask for gigabytes of
/// counters up front (at `u32::MAX` entries that would be 32 GiB, an allocation failure).
const MAX_WORDS: usize = 1 << 24;

/// Every nibble's low three bits: halving is `(word >> 1) & HALF_MASK`.
const HALF_MASK: u64 = 0x7777_7777_7777_7777;

/// Words per block: one 64-byte cache line.
const BLOCK_WORDS: usize = 8;

/// One cache line of counters: row `r` owns words `2r` and `2r + 1`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(align(64))]
struct Block([u64; BLOCK_WORDS]);

/// A key hash re-mixed for the sketch (the SplitMix64/Murmur3 finaliser, so that weak caller
/// hashes still spread), kept as its high 32 bits: the sketch's whole view of a key. The policy
/// mixes each key's hash once, when the key arrives, and keeps the result in the key's node, so
/// a duel asks the sketch about two nodes without mixing again, and a hit counts the node's
/// fingerprint. 32 bits keep a node at 16 bytes; two keys share all their counters only if their
/// fingerprints are equal (about one key in 4 000 among a million live keys), far rarer than
/// count-min collisions of single counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Mixed(u32);

impl Mixed {
    /// A vacant node's placeholder.
    pub(crate) const ZERO: Mixed = Mixed(0);

    /// Mixes `hash`.
    #[inline]
    pub(crate) fn of(hash: u64) -> Self {
        let mut x = hash;
        x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        x ^= x >> 31;
        Mixed((x >> 32) as u32)
    }
}

/// A count-min sketch of 4-bit counters that halves itself every `10 × capacity` requests.
///
/// Estimates the recent frequency of a key, never below the number of increments of its
/// fingerprint since the last halving (collisions can only add), and at most
/// [`MAX_FREQUENCY`]. Uses 8 bytes per entry of capacity (4 KiB at least, 128 MiB at most).
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct FrequencySketch {
    /// The counters, 16 per word, 8 words per block; a key's four counters share a block.
    /// Invariant: `MIN_WORDS <= 8 × table.len() <= MAX_WORDS` (reductions never divide by
    /// zero, and a huge capacity never asks for more than 128 MiB).
    table: Vec<Block>,
    /// Requests counted since the last halving (halved with the counters): increments that
    /// raised a counter, and the hits the policy does not count
    /// ([`FrequencySketch::age_by_one`]). Invariant: `additions < sample_size` between calls.
    additions: usize,
    /// Requests per sample period: halving happens when `additions` reaches it.
    /// Invariant: `sample_size >= 1`.
    sample_size: usize,
}

impl FrequencySketch {
    /// An empty sketch for a cache of `capacity` entries: `capacity` words in whole blocks (at
    /// least 512, at most 2^24, 128 MiB) and a sample period of `10 × capacity` requests,
    /// counting `capacity` as at least 128.
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        FrequencySketch {
            table: vec![Block::default(); Self::blocks_for(capacity)],
            additions: 0,
            sample_size: Self::sample_size_for(capacity),
        }
    }

    /// The table length, in blocks, for a cache of `capacity` entries.
    fn blocks_for(capacity: usize) -> usize {
        capacity.clamp(MIN_WORDS, MAX_WORDS).div_ceil(BLOCK_WORDS)
    }

    /// The sample period for a cache of `capacity` entries.
    fn sample_size_for(capacity: usize) -> usize {
        capacity
            .max(MIN_SAMPLE_CAPACITY)
            .saturating_mul(SAMPLE_FACTOR)
    }

    /// Resizes for a cache of `capacity` entries. When the table size changes the counts are
    /// forgotten (they cannot be redistributed); otherwise they are kept.
    pub(crate) fn set_capacity(&mut self, capacity: usize) {
        if Self::blocks_for(capacity) != self.table.len() {
            *self = Self::with_capacity(capacity);
            return;
        }
        self.sample_size = Self::sample_size_for(capacity);
        // A shorter period may hold fewer additions than were counted (up to 4x fewer, from
        // 512 entries down to 128): age until the count is back within it.
        while self.additions >= self.sample_size {
            self.halve();
        }
    }

    /// Requests per sample period: after this many the counters are halved.
    pub(crate) fn sample_size(&self) -> usize {
        self.sample_size
    }

    /// Requests counted in the current sample period.
    pub(crate) fn additions(&self) -> usize {
        self.additions
    }

    /// Bytes of counters.
    #[cfg(test)]
    pub(crate) fn memory_bytes(&self) -> usize {
        self.table.len() * std::mem::size_of::<Block>()
    }

    /// The estimated number of recent requests for the key of `hash`: at least the true count
    /// since the last halving, at most [`MAX_FREQUENCY`].
    #[inline]
    pub(crate) fn frequency(&self, hash: u64) -> u8 {
        self.frequency_mixed(Mixed::of(hash))
    }

    /// [`FrequencySketch::frequency`] of a hash mixed beforehand.
    #[inline]
    pub(crate) fn frequency_mixed(&self, hash: Mixed) -> u8 {
        let (block, slots) = self.slots(hash);
        let words = &self.table[block].0;
        let mut min = u64::from(MAX_FREQUENCY);
        for (word, shift) in slots {
            min = min.min((words[word] >> shift) & 0xF);
        }
        min as u8
    }

    /// Records one request for the key of `hash`: raises each of its four counters that is not
    /// saturated, and halves every counter when the sample period is full. An increment that
    /// raises nothing (all four saturated) does not count towards the period.
    ///
    /// O(1), amortised: every `sample_size` requests it pays one O(words) halving.
    #[inline]
    pub(crate) fn increment(&mut self, hash: u64) {
        self.increment_mixed(Mixed::of(hash));
    }

    /// [`FrequencySketch::increment`] of a hash mixed beforehand.
    #[inline]
    pub(crate) fn increment_mixed(&mut self, hash: Mixed) {
        let (block, slots) = self.slots(hash);
        let words = &mut self.table[block].0;
        let mut added = false;
        for (word, shift) in slots {
            let below_max = (words[word] >> shift) & 0xF != u64::from(MAX_FREQUENCY);
            words[word] += u64::from(below_max) << shift;
            added |= below_max;
        }
        self.additions += usize::from(added);
        if self.additions >= self.sample_size {
            self.halve();
        }
        debug_assert!(self.additions < self.sample_size);
    }

    /// Advances the sample period by one request without incrementing any counter: a hit the
    /// policy does not count (see `correlation.rs`) still ages the history, so that a period
    /// stays about `10 × capacity` requests, as in the paper.
    #[inline]
    pub(crate) fn age_by_one(&mut self) {
        self.additions += 1;
        if self.additions >= self.sample_size {
            self.halve();
        }
        debug_assert!(self.additions < self.sample_size);
    }

    /// Halves every counter (rounding down) and the period's addition count: TinyLFU's reset,
    /// which ages the history. Called when a sample period is full.
    #[cold]
    #[inline(never)]
    pub(crate) fn halve(&mut self) {
        for block in &mut self.table {
            for word in &mut block.0 {
                *word = (*word >> 1) & HALF_MASK;
            }
        }
        self.additions /= 2;
    }

    /// The block of `hash`'s counters, and the `(word in the block, bit shift)` of its counter
    /// in each row.
    #[inline]
    fn slots(&self, hash: Mixed) -> (usize, [(usize, u32); DEPTH]) {
        let x = hash.0;
        let block = ((u64::from(x) * self.table.len() as u64) >> 32) as usize;
        // The block is picked by the fingerprint's high bits, the counters by 20 bits of
        // another multiplicative hash of all 32, so that keys sharing a block (equal high bits
        // in a large table) still spread over its counters.
        let y = x.wrapping_mul(0x9E37_79B9) >> 12;
        let mut slots = [(0, 0); DEPTH];
        for (row, slot) in slots.iter_mut().enumerate() {
            // Five bits per row: the word of the row's pair, then the nibble.
            let bits = y >> (5 * row);
            *slot = (2 * row + (bits & 1) as usize, ((bits >> 1) & 0xF) * 4);
        }
        (block, slots)
    }
}

impl fmt::Debug for FrequencySketch {
    /// A summary: table size, sample period and progress.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FrequencySketch")
            .field("blocks", &self.table.len())
            .field("sample_size", &self.sample_size)
            .field("additions", &self.additions)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spread(i: u64) -> u64 {
        i.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17)
    }

    #[test]
    fn a_huge_capacity_caps_the_table_and_still_counts() {
        let mut sketch = FrequencySketch::with_capacity(usize::MAX);
        assert_eq!(sketch.memory_bytes(), MAX_WORDS * 8);
        assert_eq!(sketch.sample_size(), usize::MAX); // saturated, never reached
        sketch.increment(spread(3));
        sketch.increment(spread(3));
        assert_eq!(sketch.frequency(spread(3)), 2);
        sketch.set_capacity(1 << 30);
        assert_eq!(sketch.memory_bytes(), MAX_WORDS * 8);
        assert_eq!(
            sketch.frequency(spread(3)),
            2,
            "same table size: counts kept"
        );
    }

    #[test]
    fn shrinking_the_period_ages_the_counts_until_they_fit() {
        let mut sketch = FrequencySketch::with_capacity(512); // period 5120, table 512 words
        for i in 0..5119 {
            sketch.increment(spread(i % 700)); // at most 8 each: nothing saturates
        }
        let before = sketch.additions();
        assert_eq!(before, 5119, "one short of a halving");
        sketch.set_capacity(128); // same table, period 1280
        assert!(sketch.additions() < sketch.sample_size(), "{sketch:?}");
        assert_eq!(sketch.additions(), before / 4);
        sketch.increment(spread(1)); // no debug assertion fires
    }

    #[test]
    fn counters_saturate_at_fifteen() {
        let mut sketch = FrequencySketch::with_capacity(256);
        for _ in 0..100 {
            sketch.increment(42);
        }
        assert_eq!(sketch.frequency(42), MAX_FREQUENCY);
        // Saturated increments are not counted as additions.
        assert_eq!(sketch.additions(), 15);
    }

    #[test]
    fn halving_divides_every_count_by_two() {
        let mut sketch = FrequencySketch::with_capacity(512);
        for i in 0..50u64 {
            for _ in 0..(i % 16) {
                sketch.increment(spread(i));
            }
        }
        let before: Vec<u8> = (0..50).map(|i| sketch.frequency(spread(i))).collect();
        sketch.halve();
        for (i, &b) in before.iter().enumerate() {
            assert_eq!(sketch.frequency(spread(i as u64)), b / 2, "key {i}");
        }
    }

    #[test]
    fn halving_happens_after_a_sample_period() {
        let mut sketch = FrequencySketch::with_capacity(128); // sample size 1280
        assert_eq!(sketch.sample_size(), 1280);
        for _ in 0..12 {
            sketch.increment(1);
        }
        // 1279 increments in all: the 1280th triggers the halving.
        for i in 0..1267 {
            sketch.increment(spread(1000 + i));
        }
        assert_eq!(sketch.additions(), 1279);
        assert!(sketch.frequency(1) >= 12);
        sketch.increment(spread(5000));
        assert_eq!(sketch.additions(), 640);
        assert!((6..=7).contains(&sketch.frequency(1)));
    }

    #[test]
    fn estimates_are_never_below_the_true_count_before_a_halving() {
        let keys = 4000u64;
        let mut sketch = FrequencySketch::with_capacity(1000); // sample size 10 000
        let mut truth = vec![0u8; keys as usize];
        let mut state = 7u64;
        for _ in 0..9000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            // Skewed: low keys are drawn far more often.
            let key = (state % keys) * (state % 7) / 6;
            sketch.increment(spread(key));
            let t = &mut truth[key as usize];
            *t = (*t + 1).min(MAX_FREQUENCY);
            assert!(sketch.additions() < sketch.sample_size());
        }
        for (key, &t) in truth.iter().enumerate() {
            assert!(sketch.frequency(spread(key as u64)) >= t, "key {key}");
        }
    }

    #[test]
    fn rare_keys_rarely_collide_with_hot_ones() {
        let mut sketch = FrequencySketch::with_capacity(1000);
        for i in 0..500 {
            for _ in 0..4 {
                sketch.increment(spread(i));
            }
        }
        let inflated = (10_000..11_000)
            .filter(|&i| sketch.frequency(spread(i)) > 0)
            .count();
        assert!(inflated < 20, "{inflated} of 1000 unseen keys look seen");
    }

    #[test]
    fn memory_is_eight_bytes_per_entry() {
        assert_eq!(
            FrequencySketch::with_capacity(4096).memory_bytes(),
            4096 * 8
        );
        // Whole 64-byte blocks: 4097 words round up to 513 blocks.
        assert_eq!(
            FrequencySketch::with_capacity(4097).memory_bytes(),
            513 * 64
        );
        // The floors: 512 words (4 KiB), and a period sized on at least 128 entries.
        assert_eq!(FrequencySketch::with_capacity(0).memory_bytes(), 4096);
        assert_eq!(FrequencySketch::with_capacity(0).sample_size(), 1280);
        assert_eq!(FrequencySketch::with_capacity(300).memory_bytes(), 4096);
        assert_eq!(FrequencySketch::with_capacity(300).sample_size(), 3000);
    }

    #[test]
    fn resizing_keeps_the_counts_only_when_the_table_keeps_its_size() {
        let mut sketch = FrequencySketch::with_capacity(1000);
        assert_eq!(sketch.sample_size(), 10_000);
        sketch.increment(7);
        sketch.set_capacity(1000);
        assert_eq!(sketch.frequency(7), 1);
        sketch.set_capacity(5000);
        assert_eq!(sketch.frequency(7), 0);
        assert_eq!(sketch.sample_size(), 50_000);
    }

    #[test]
    fn same_increments_give_the_same_sketch() {
        let mut a = FrequencySketch::with_capacity(100);
        let mut b = FrequencySketch::with_capacity(100);
        for i in 0..5000 {
            a.increment(spread(i % 333));
            b.increment(spread(i % 333));
        }
        assert!(a == b);
    }
}
