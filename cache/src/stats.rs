//! [`CacheStats`]: the cache's counters.

/// A snapshot of a cache's counters, from [`Cache::stats`](crate::Cache::stats).
///
/// The counters are plain integers updated under the lock each operation already holds, so a
/// snapshot is consistent: it is the state between two operations. Until
/// [`reset_stats`](crate::Cache::reset_stats) is called,
/// `inserts == evictions + removals + expirations + len()` holds: every entry stored is still
/// resident, was evicted by the policy, was removed by the caller, or expired.
///
/// - `hits` / `misses`: [`get`](crate::Cache::get), [`try_get`](crate::Cache::try_get) and
///   the `get_or_insert_with` family, one per call (`peek` and `contains_key` count nothing).
/// - `inserts`: entries stored by `insert` or a loader, including newcomers dropped at once
///   (max_size 0, or refused by the policy's admission filter).
/// - `evictions`: entries the policy chose to drop: to make room, on a shrinking
///   [`set_max_size`](crate::Cache::set_max_size), and refused newcomers.
/// - `removals`: entries the caller took out: `remove`, `pop_victim`, `clear`.
/// - `expirations`: entries whose deadline passed (a cache with expiry).
///
/// # Examples
///
/// ```
/// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
/// use clientcache::{Cache, LruPolicy};
///
/// let cache: Cache<u32, u32, LruPolicy> = Cache::new(10);
/// cache.insert(1, 10).unwrap();
/// cache.get(&1);
/// cache.get(&2);
/// let stats = cache.stats();
/// assert_eq!((stats.hits, stats.misses, stats.inserts), (1, 1, 1));
/// assert_eq!(stats.requests(), 2);
/// assert_eq!(stats.hit_ratio(), 0.5);
/// # }
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct CacheStats {
    /// Lookups that found the key.
    pub hits: u64,
    /// Lookups that did not.
    pub misses: u64,
    /// Entries stored (see the type docs).
    pub inserts: u64,
    /// Entries the policy dropped (see the type docs).
    pub evictions: u64,
    /// Entries the caller took out (see the type docs).
    pub removals: u64,
    /// Entries that expired (see the type docs).
    pub expirations: u64,
}

impl CacheStats {
    /// Counted lookups: `hits + misses`.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache: Cache<u32, u32, LruPolicy> = Cache::new(10);
    /// cache.get(&1);
    /// cache.peek(&1); // not counted
    /// assert_eq!(cache.stats().requests(), 1);
    /// # }
    /// ```
    #[must_use]
    pub const fn requests(&self) -> u64 {
        self.hits.saturating_add(self.misses)
    }

    /// The counters of `self` and `other` added up (a sharded cache's stats).
    pub(crate) fn plus(&self, other: &CacheStats) -> CacheStats {
        CacheStats {
            hits: self.hits + other.hits,
            misses: self.misses + other.misses,
            inserts: self.inserts + other.inserts,
            evictions: self.evictions + other.evictions,
            removals: self.removals + other.removals,
            expirations: self.expirations + other.expirations,
        }
    }

    /// `hits / requests()`, or `0.0` before the first request.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache: Cache<u32, u32, LruPolicy> = Cache::new(10);
    /// assert_eq!(cache.stats().hit_ratio(), 0.0);
    /// cache.insert(1, 1).unwrap();
    /// for _ in 0..3 {
    ///     cache.get(&1);
    /// }
    /// cache.get(&2);
    /// assert_eq!(cache.stats().hit_ratio(), 0.75);
    /// # }
    /// ```
    #[must_use]
    pub fn hit_ratio(&self) -> f64 {
        match self.requests() {
            0 => 0.0,
            requests => self.hits as f64 / requests as f64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hit_ratio_is_zero_without_requests_and_hits_over_requests_otherwise() {
        assert_eq!(CacheStats::default().hit_ratio(), 0.0);
        let stats = CacheStats {
            hits: 3,
            misses: 1,
            ..CacheStats::default()
        };
        assert_eq!(stats.requests(), 4);
        assert_eq!(stats.hit_ratio(), 0.75);
    }
}
