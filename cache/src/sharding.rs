//! [`Shards`]: the cache's shards, each a [`Shard`] behind its own lock, and the rules that
//! place keys and split `max_size` among them.
//!
//! # Placement
//!
//! A key lives in shard [`shard_index`]`(hash, n)`: bits 32..57 of its 64-bit hash, read as a
//! fraction of 2^25 and scaled to `0..n`. hashbrown indexes its buckets by the low bits of the
//! hash (at most 32 of them, since a shard holds at most [`MAX_SIZE_LIMIT`] entries) and tags
//! them with the top 7 (57..64), so the shard bits are ones no table relies on: every shard's
//! table sees fully spread hashes. The function depends only on the hash and `n`, so the same
//! hasher seed and shard count put every key in the same shard in every run and process.
//!
//! # Shares of `max_size`
//!
//! Shard `i` of `n` holds at most [`share`]`(max_size, n, i)` entries: `max_size / n`, plus
//! one for the first `max_size % n` shards. The shares add up to `max_size` and differ by at
//! most one. A `max_size` between 1 and `n - 1` would leave some shards with no room, so
//! that keys placed there could never be cached: the builder and `set_max_size` refuse it
//! ([`Error::MaxSizeBelowShards`](crate::Error::MaxSizeBelowShards)); `max_size` 0 (cache
//! nothing) stays valid.
//!
//! # Locking across shards
//!
//! Operations on one key take one shard's lock. Operations on the whole cache take every
//! shard's lock, always in index order (so two of them never deadlock), and hold them all
//! until they are done: their result is one consistent state, as with one lock.
//!
//! [`MAX_SIZE_LIMIT`]: crate::MAX_SIZE_LIMIT

use crate::expiry::{ExpiryConfig, Timestamp};
use crate::listener::Removals;
use crate::shard::Shard;
use crate::stats::CacheStats;
use crate::sync::{self, Mutex, MutexGuard};
use clientcache_policy_api::{InvariantViolation, Policy, ensure};
use crossbeam_utils::CachePadded;
use std::hash::Hash;

/// The most shards a cache may have. Far more than lock contention needs (a few times the
/// number of cores), and few enough that whole-cache operations stay cheap.
pub const MAX_SHARDS: usize = 1024;

/// Bits of the hash below the shard bits: the ones hashbrown's bucket index may use.
const SHARD_BITS_SHIFT: u32 = 32;
/// Width of the shard bits: 32..57, below hashbrown's 7-bit tag.
const SHARD_BITS: u32 = 25;

/// The shard of a key whose hash is `hash`, in a cache of `count` shards (at most
/// [`MAX_SHARDS`]). See the module docs.
#[inline]
pub(crate) fn shard_index(hash: u64, count: usize) -> usize {
    debug_assert!((1..=MAX_SHARDS).contains(&count));
    let fraction = (hash >> SHARD_BITS_SHIFT) & ((1 << SHARD_BITS) - 1);
    ((fraction * count as u64) >> SHARD_BITS) as usize
}

/// Shard `index`'s share of `max_size` among `count` shards. See the module docs.
pub(crate) fn share(max_size: usize, count: usize, index: usize) -> usize {
    debug_assert!(index < count);
    max_size / count + usize::from(index < max_size % count)
}

/// One shard behind its lock, alone on its cache line(s).
type ShardLock<K, V, P> = CachePadded<Mutex<Shard<K, V, P>>>;

/// Every shard of a cache, each behind its own lock (on its own cache line, so that threads
/// working in different shards do not contend for one).
///
/// Shard 0 is stored inline and the others in a slice, so that a one-shard cache (the
/// default) reaches its only lock at a fixed offset, as an unsharded cache would: its hot path
/// adds one test of `rest.len()` and no index arithmetic.
pub(crate) struct Shards<K, V, P> {
    /// Shard 0.
    first: ShardLock<K, V, P>,
    /// Shards 1 to `n - 1`. Invariant: `n = rest.len() + 1 <= MAX_SHARDS`; the key with hash
    /// `h` lives only in shard `shard_index(h, n)`; shard `i` has `max_size`
    /// `share(total, n, i)`, where `total` is the cache's `max_size`.
    rest: Box<[ShardLock<K, V, P>]>,
}

impl<K, V, P> Shards<K, V, P> {
    /// Number of shards.
    #[inline]
    pub(crate) fn count(&self) -> usize {
        self.rest.len() + 1
    }

    /// Which shard holds a key with hash `hash`.
    #[inline]
    pub(crate) fn index(&self, hash: u64) -> usize {
        shard_index(hash, self.count())
    }

    /// Locks the shard that holds a key with hash `hash`.
    #[inline]
    pub(crate) fn lock(&self, hash: u64) -> MutexGuard<'_, Shard<K, V, P>> {
        if self.rest.is_empty() {
            return sync::lock(&self.first);
        }
        self.lock_at(self.index(hash))
    }

    /// Locks shard `index`.
    pub(crate) fn lock_at(&self, index: usize) -> MutexGuard<'_, Shard<K, V, P>> {
        match index.checked_sub(1) {
            None => sync::lock(&self.first),
            Some(rest) => sync::lock(&self.rest[rest]),
        }
    }

    /// Every lock, in index order.
    fn locks(&self) -> impl Iterator<Item = &ShardLock<K, V, P>> {
        std::iter::once(&self.first).chain(self.rest.iter())
    }

    /// Runs `f` with every shard locked, locks taken in index order and held until `f`
    /// returns. One shard needs no allocation.
    pub(crate) fn with_all<R>(
        &self,
        f: impl FnOnce(&mut [MutexGuard<'_, Shard<K, V, P>>]) -> R,
    ) -> R {
        if self.rest.is_empty() {
            let mut guard = sync::lock(&self.first);
            return f(std::slice::from_mut(&mut guard));
        }
        let mut guards: Vec<_> = self.locks().map(|lock| sync::lock(lock)).collect();
        f(&mut guards)
    }

    /// Whether no shard's lock is held (tests check that drops run outside the locks).
    #[cfg(all(test, not(loom)))]
    pub(crate) fn all_unlocked(&self) -> bool {
        self.locks().all(|lock| lock.try_lock().is_ok())
    }

    /// Whether a panic poisoned any shard's lock.
    #[cfg(all(test, not(loom)))]
    pub(crate) fn is_poisoned(&self) -> bool {
        self.locks().any(|lock| lock.is_poisoned())
    }
}

impl<K, V, P> Shards<K, V, P>
where
    K: Hash + Eq,
    V: Clone,
    P: Policy,
{
    /// `count` empty shards (`1..=MAX_SHARDS`, checked by the caller) splitting `max_size`,
    /// each ordered by a clone of `policy`, each with `expiry`'s structures if any.
    pub(crate) fn new(
        policy: P,
        max_size: usize,
        count: usize,
        expiry: Option<&ExpiryConfig<K, V>>,
    ) -> Self {
        debug_assert!((1..=MAX_SHARDS).contains(&count));
        let lock = |index| {
            let shard = Shard::new(policy.clone(), share(max_size, count, index), expiry);
            CachePadded::new(Mutex::new(shard))
        };
        Shards {
            first: lock(0),
            rest: (1..count).map(lock).collect(),
        }
    }

    /// An independent copy of every shard (see [`Shard::deep_clone`]).
    pub(crate) fn deep_clone(&self) -> Self
    where
        K: Clone,
    {
        let mut copies: Vec<ShardLock<K, V, P>> = self.with_all(|shards| {
            shards
                .iter()
                .map(|shard| CachePadded::new(Mutex::new(shard.deep_clone())))
                .collect()
        });
        let first = copies.remove(0);
        Shards {
            first,
            rest: copies.into_boxed_slice(),
        }
    }
}

/// Whole-cache views and operations over every shard, locked (see [`Shards::with_all`]).
pub(crate) trait AllShards<K, V, P> {
    /// Entries in every shard.
    fn entry_count(&self) -> usize;
    /// The cache's `max_size`: the sum of the shares.
    fn max_size(&self) -> usize;
    /// Every shard's counters, summed.
    fn stats(&self) -> CacheStats;
    /// Loads in flight in every shard.
    fn loads_in_flight(&self) -> usize;
    /// The shard whose victim [`Cache::pop_victim`](crate::Cache::pop_victim) removes: the one
    /// holding the most entries, the lowest index among equals; `None` when all are empty.
    fn fullest(&self) -> Option<usize>;
    /// Removes every entry due at `now` into `removed`, shard by shard; returns how many.
    fn purge_expired(&mut self, now: Option<Timestamp>, removed: &mut Removals<K, V>) -> usize
    where
        K: Hash + Eq,
        V: Clone,
        P: Policy;
    /// Gives every shard its share of `max_size` (checked by the caller), each evicting in its
    /// policy order into `removed`, shard by shard in index order; entries due at `now` go
    /// first, as expired.
    fn set_max_size(
        &mut self,
        max_size: usize,
        now: Option<Timestamp>,
        removed: &mut Removals<K, V>,
    ) where
        K: Hash + Eq,
        V: Clone,
        P: Policy;
    /// Removes every entry into `removed`, shard by shard in index order: entries due at
    /// `now` as expired, then the others as cleared.
    fn clear(&mut self, now: Option<Timestamp>, removed: &mut Removals<K, V>)
    where
        K: Hash + Eq,
        V: Clone,
        P: Policy;
    /// Checks each shard, that each entry sits in its key's shard, and that the shares follow
    /// the split rule.
    fn validate(&self, hash_key: impl Fn(&K) -> u64) -> Result<(), InvariantViolation>
    where
        K: Hash + Eq,
        V: Clone,
        P: Policy;
}

impl<K, V, P> AllShards<K, V, P> for [MutexGuard<'_, Shard<K, V, P>>] {
    fn entry_count(&self) -> usize {
        self.iter().map(|shard| shard.len()).sum()
    }

    fn max_size(&self) -> usize {
        self.iter().map(|shard| shard.max_size()).sum()
    }

    fn stats(&self) -> CacheStats {
        self.iter()
            .fold(CacheStats::default(), |sum, shard| sum.plus(&shard.stats()))
    }

    fn loads_in_flight(&self) -> usize {
        self.iter().map(|shard| shard.loads_in_flight()).sum()
    }

    fn fullest(&self) -> Option<usize> {
        let mut fullest: Option<(usize, usize)> = None;
        for (index, shard) in self.iter().enumerate() {
            let len = shard.len();
            if len > 0 && fullest.is_none_or(|(_, most)| len > most) {
                fullest = Some((index, len));
            }
        }
        fullest.map(|(index, _)| index)
    }

    fn purge_expired(&mut self, now: Option<Timestamp>, removed: &mut Removals<K, V>) -> usize
    where
        K: Hash + Eq,
        V: Clone,
        P: Policy,
    {
        self.iter_mut()
            .map(|shard| shard.purge_expired(now, removed))
            .sum()
    }

    fn set_max_size(
        &mut self,
        max_size: usize,
        now: Option<Timestamp>,
        removed: &mut Removals<K, V>,
    ) where
        K: Hash + Eq,
        V: Clone,
        P: Policy,
    {
        self.purge_expired(now, removed);
        let count = self.len();
        for (index, shard) in self.iter_mut().enumerate() {
            shard.set_max_size(share(max_size, count, index), removed);
        }
    }

    fn clear(&mut self, now: Option<Timestamp>, removed: &mut Removals<K, V>)
    where
        K: Hash + Eq,
        V: Clone,
        P: Policy,
    {
        self.purge_expired(now, removed);
        removed.reserve(self.entry_count());
        for shard in self.iter_mut() {
            shard.clear(removed);
        }
    }

    fn validate(&self, hash_key: impl Fn(&K) -> u64) -> Result<(), InvariantViolation>
    where
        K: Hash + Eq,
        V: Clone,
        P: Policy,
    {
        let count = self.len();
        let total = AllShards::max_size(self);
        for (index, shard) in self.iter().enumerate() {
            shard.validate(&hash_key)?;
            let expected = share(total, count, index);
            ensure!(
                shard.max_size() == expected,
                "shard {index} of {count} has max_size {}, where the split of {total} gives \
                 {expected}",
                shard.max_size()
            );
            for (key, _) in shard.iter() {
                let home = shard_index(hash_key(key), count);
                ensure!(
                    home == index,
                    "shard {index} holds a key whose hash places it in shard {home}"
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_shard_takes_every_hash() {
        for hash in [0, 1, u64::MAX, 1 << 40, 0x0123_4567_89AB_CDEF] {
            assert_eq!(shard_index(hash, 1), 0);
        }
    }

    #[test]
    fn shard_index_reads_bits_32_to_57_only() {
        let low = 0x0000_0000_FFFF_FFFF_u64; // the table's bucket bits
        let tag = 0xFE00_0000_0000_0000_u64; // hashbrown's 7-bit tag
        for count in [2, 3, 8, 1000, MAX_SHARDS] {
            for middle in [0u64, 1, 12345, (1 << 25) - 1] {
                let hash = middle << 32;
                let index = shard_index(hash, count);
                assert!(index < count);
                assert_eq!(shard_index(hash | low, count), index);
                assert_eq!(shard_index(hash | tag, count), index);
            }
        }
        // The top of the range lands in the last shard, the bottom in the first.
        assert_eq!(shard_index(((1 << 25) - 1) << 32, 8), 7);
        assert_eq!(shard_index(0, 8), 0);
    }

    #[test]
    fn shard_index_spreads_hashes_evenly() {
        let count = 8;
        let mut per_shard = [0usize; 8];
        for i in 0..80_000u64 {
            // SplitMix-style scrambling stands in for a real hasher.
            let hash = (i ^ (i >> 7)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            per_shard[shard_index(hash, count)] += 1;
        }
        for n in per_shard {
            assert!((9_000..11_000).contains(&n), "{per_shard:?}");
        }
    }

    #[test]
    fn shares_add_up_and_differ_by_at_most_one() {
        for count in [1, 2, 3, 7, 16] {
            for max_size in [0, 1, 5, 16, 17, 100, 1001] {
                let shares: Vec<usize> = (0..count).map(|i| share(max_size, count, i)).collect();
                assert_eq!(shares.iter().sum::<usize>(), max_size);
                let (min, max) = (shares.iter().min(), shares.iter().max());
                assert!(max.unwrap() - min.unwrap() <= 1, "{shares:?}");
                assert!(
                    shares.windows(2).all(|w| w[0] >= w[1]),
                    "larger shares first"
                );
            }
        }
        assert_eq!(share(10, 4, 0), 3);
        assert_eq!(share(10, 4, 1), 3);
        assert_eq!(share(10, 4, 2), 2);
        assert_eq!(share(10, 4, 3), 2);
    }
}
