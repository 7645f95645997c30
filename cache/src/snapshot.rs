//! Snapshots of a [`Cache`] in policy order, and [`Cache::deep_clone`].
//!
//! A snapshot is taken under the lock in one go (a consistent view) and returned as a `Vec`:
//! no iterator or reference escapes the lock. Taking one is not an access. With several shards
//! every shard is locked at once (in index order) and the snapshot lists shard 0's entries in
//! its policy order, then shard 1's, and so on. Entries that have expired are removed first
//! (the listener sees them as expired), so a snapshot never shows one.

use crate::cache::Cache;
use crate::listener::Removals;
use crate::shard::Shard;
use crate::sharding::AllShards;
use crate::sync::MutexGuard;
use clientcache_policy_api::Policy;
use std::hash::{BuildHasher, Hash};

impl<K, V, P, S> Cache<K, V, P, S>
where
    K: Hash + Eq,
    V: Clone,
    P: Policy,
    S: BuildHasher,
{
    /// The keys in policy order: the next victim first, the most protected last. Not an
    /// access.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache: Cache<u32, u32, LruPolicy> = Cache::new(10);
    /// for key in [1, 2, 3] {
    ///     cache.insert(key, key * 10).unwrap();
    /// }
    /// cache.get(&1);
    /// assert_eq!(cache.keys(), [2, 3, 1]);
    /// # }
    /// ```
    #[must_use]
    pub fn keys(&self) -> Vec<K>
    where
        K: Clone,
    {
        self.collect(|k, _| k.clone())
    }

    /// The values in policy order, next victim first. Not an access.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache: Cache<u32, u32, LruPolicy> = Cache::new(10);
    /// cache.insert(1, 10).unwrap();
    /// cache.insert(2, 20).unwrap();
    /// assert_eq!(cache.values(), [10, 20]);
    /// # }
    /// ```
    #[must_use]
    pub fn values(&self) -> Vec<V> {
        self.collect(|_, v| v.clone())
    }

    /// The entries in policy order, next victim first. Not an access.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache: Cache<u32, u32, LruPolicy> = Cache::new(10);
    /// cache.insert(1, 10).unwrap();
    /// cache.insert(2, 20).unwrap();
    /// assert_eq!(cache.entries(), [(1, 10), (2, 20)]);
    /// # }
    /// ```
    #[must_use]
    pub fn entries(&self) -> Vec<(K, V)>
    where
        K: Clone,
    {
        self.collect(|k, v| (k.clone(), v.clone()))
    }

    /// The keys in reverse policy order: the most protected first, the next victim last.
    /// Not an access.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache: Cache<u32, u32, LruPolicy> = Cache::new(10);
    /// for key in [1, 2, 3] {
    ///     cache.insert(key, key * 10).unwrap();
    /// }
    /// assert_eq!(cache.keys_rev(), [3, 2, 1]); // most recently used first
    /// # }
    /// ```
    #[must_use]
    pub fn keys_rev(&self) -> Vec<K>
    where
        K: Clone,
    {
        reversed(self.keys())
    }

    /// The values in reverse policy order, most protected first. Not an access.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache: Cache<u32, u32, LruPolicy> = Cache::new(10);
    /// cache.insert(1, 10).unwrap();
    /// cache.insert(2, 20).unwrap();
    /// assert_eq!(cache.values_rev(), [20, 10]);
    /// # }
    /// ```
    #[must_use]
    pub fn values_rev(&self) -> Vec<V> {
        reversed(self.values())
    }

    /// The entries in reverse policy order, most protected first. Not an access.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache: Cache<u32, u32, LruPolicy> = Cache::new(10);
    /// cache.insert(1, 10).unwrap();
    /// cache.insert(2, 20).unwrap();
    /// assert_eq!(cache.entries_rev(), [(2, 20), (1, 10)]);
    /// # }
    /// ```
    #[must_use]
    pub fn entries_rev(&self) -> Vec<(K, V)>
    where
        K: Clone,
    {
        reversed(self.entries())
    }

    /// A new, independent cache with clones of the same entries, the same policy state (so
    /// the same order and the same future decisions), the same `max_size`, a clone of the
    /// hasher and the same listener. The counters are copied too, so the copy starts
    /// indistinguishable from the original; call [`reset_stats`](Self::reset_stats) on it to
    /// count afresh. Loads in flight stay with the original. (boto3-client-cache's `copy()`;
    /// [`Clone`] instead gives another handle to the *same* cache.)
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache: Cache<u32, u32, LruPolicy> = Cache::new(10);
    /// cache.insert(1, 10).unwrap();
    /// let copy = cache.deep_clone();
    /// copy.insert(2, 20).unwrap();
    /// assert_eq!(cache.keys(), [1]);
    /// assert_eq!(copy.keys(), [1, 2]);
    /// # }
    /// ```
    #[must_use]
    pub fn deep_clone(&self) -> Self
    where
        K: Clone,
        S: Clone,
    {
        let shards = self.shards().deep_clone();
        Cache::from_shards(
            shards,
            self.hasher().clone(),
            self.listener().cloned(),
            self.expiry().cloned(),
        )
    }

    /// `f` of every entry, shard by shard in index order, each in policy order; every shard
    /// locked meanwhile, and entries that have expired removed first.
    fn collect<T>(&self, f: impl Fn(&K, &V) -> T) -> Vec<T> {
        let now = self.now();
        let mut expired = Removals::new();
        let items = self
            .shards()
            .with_all(|shards: &mut [MutexGuard<'_, Shard<K, V, P>>]| {
                shards.purge_expired(now, &mut expired);
                let len = shards.iter().map(|shard| shard.len()).sum();
                let mut items = Vec::with_capacity(len);
                for shard in shards.iter() {
                    items.extend(shard.iter().map(|(k, v)| f(k, v)));
                }
                items
            });
        self.deliver(expired);
        items
    }
}

fn reversed<T>(mut items: Vec<T>) -> Vec<T> {
    items.reverse();
    items
}
