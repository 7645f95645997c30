//! Atomic updates: [`Cache::replace`], [`Cache::upsert`], [`Cache::remove_if`],
//! [`Cache::retain`] and [`Cache::compute`].
//!
//! Each is one lock acquisition (of the key's shard, or of every shard for `retain`) and one
//! policy event per entry it touches, so rotating a client or dropping one tenant's clients
//! needs no `keys()` and no racing loop of removals. The closures they take run under that
//! lock, like `K`'s `Eq`: keep them short, and never call into the same cache from them (the
//! lock is not reentrant: that call would wait for itself).

use crate::cache::Cache;
use crate::error::Error;
use crate::listener::Removals;
use crate::shard::Compute;
use crate::sharding::AllShards;
use clientcache_policy_api::Policy;
use std::borrow::Borrow;
use std::fmt::Debug;
use std::hash::{BuildHasher, Hash};

impl<K, V, P, S> Cache<K, V, P, S>
where
    K: Hash + Eq,
    V: Clone,
    P: Policy,
    S: BuildHasher,
{
    /// Replaces the value cached under `key` and returns the old one. An *access* for the
    /// policy (as a hit; the stats count neither hit nor miss); the entry's time-to-live and
    /// time-to-idle start again. The listener gets `key` and the old value with
    /// [`RemovalCause::Replaced`](crate::RemovalCause::Replaced).
    ///
    /// # Errors
    ///
    /// [`Error::NotCached`] when `key` is not cached (or has expired); nothing changes.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, Error, LruPolicy};
    ///
    /// let cache: Cache<&str, u32, LruPolicy> = Cache::new(10);
    /// cache.insert("tenant-a", 1)?;
    /// assert_eq!(cache.replace("tenant-a", 2)?, 1); // rotate the client
    /// assert_eq!(cache.get("tenant-a"), Some(2));
    /// assert!(matches!(cache.replace("tenant-b", 3), Err(Error::NotCached { .. })));
    /// # }
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    pub fn replace(&self, key: K, value: V) -> Result<V, Error>
    where
        K: Debug,
    {
        let hash = self.hash(&key);
        let now = self.now();
        let mut removed = Removals::new();
        let replaced = self.lock(hash).replace(hash, key, value, now, &mut removed);
        self.deliver(removed);
        replaced.map_err(|(key, _value)| Error::not_cached(&key))
    }

    /// Inserts `key -> value`, or replaces the value if `key` is cached, and returns the old
    /// value if there was one. A replace is an access, as in [`replace`](Self::replace); an
    /// insert is as in [`insert`](Self::insert) (it may evict).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache: Cache<&str, u32, LruPolicy> = Cache::new(10);
    /// assert_eq!(cache.upsert("a", 1), None);
    /// assert_eq!(cache.upsert("a", 2), Some(1));
    /// assert_eq!(cache.get("a"), Some(2));
    /// # }
    /// ```
    pub fn upsert(&self, key: K, value: V) -> Option<V> {
        let hash = self.hash(&key);
        let now = self.now();
        let deadline = self.created(&key, &value, now);
        let mut removed = Removals::new();
        let old = self
            .lock(hash)
            .upsert(hash, key, value, now, deadline, &mut removed);
        self.deliver(removed);
        old
    }

    /// Removes `key`'s entry if `remove(&value)` returns `true`, and returns the value it
    /// removed. Not an access. The listener sees
    /// [`RemovalCause::Removed`](crate::RemovalCause::Removed).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache: Cache<&str, u32, LruPolicy> = Cache::new(10);
    /// cache.insert("a", 1)?;
    /// assert_eq!(cache.remove_if("a", |v| *v > 5), None);
    /// assert_eq!(cache.remove_if("a", |v| *v == 1), Some(1));
    /// assert!(cache.is_empty());
    /// # }
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    pub fn remove_if<Q>(&self, key: &Q, remove: impl FnOnce(&V) -> bool) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let hash = self.hash(key);
        let now = self.now();
        let mut removed = Removals::new();
        let taken = self
            .lock(hash)
            .remove_if(hash, key, remove, now, &mut removed);
        // In the order they left: the entry asked for, then any that expired after it.
        self.report_first(taken, crate::RemovalCause::Removed, removed)
    }

    /// Keeps only the entries for which `keep(&key, &value)` returns `true`, and returns how
    /// many it removed. One atomic step over the whole cache (every shard locked, in index
    /// order): no insert or read interleaves. Not an access for the entries kept. The
    /// listener sees each removed entry with
    /// [`RemovalCause::Removed`](crate::RemovalCause::Removed), in policy order, shard by shard;
    /// entries that had expired leave first, as expired.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// // Drop one tenant's clients.
    /// let cache: Cache<(&str, &str), u32, LruPolicy> = Cache::new(10);
    /// cache.insert(("tenant-a", "s3"), 1)?;
    /// cache.insert(("tenant-b", "s3"), 2)?;
    /// cache.insert(("tenant-a", "sqs"), 3)?;
    /// assert_eq!(cache.retain(|(tenant, _), _| *tenant != "tenant-a"), 2);
    /// assert_eq!(cache.keys(), [("tenant-b", "s3")]);
    /// # }
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    pub fn retain(&self, mut keep: impl FnMut(&K, &V) -> bool) -> usize {
        let now = self.now();
        let mut removed = Removals::new();
        let count = self.shards().with_all(|shards| {
            shards.purge_expired(now, &mut removed);
            shards
                .iter_mut()
                .map(|shard| shard.retain(&mut keep, &mut removed))
                .sum()
        });
        self.deliver(removed);
        count
    }

    /// Updates `key`'s entry in one step: `decide` sees the cached value (`None` when absent
    /// or expired) and returns what to do: [`Compute::Keep`] (no change, no policy event),
    /// [`Compute::Put`] (replace, an access, as [`replace`](Self::replace); or insert, as
    /// [`insert`](Self::insert)), or [`Compute::Remove`]. Returns the value cached afterwards
    /// (`None` after a remove, or when an insert was refused by the policy's admission filter
    /// or `max_size` 0).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, Compute, LruPolicy};
    ///
    /// // A per-key counter that never loses an update to a race.
    /// let cache: Cache<&str, u32, LruPolicy> = Cache::new(10);
    /// for _ in 0..3 {
    ///     cache.compute("hits", |n| Compute::Put(n.map_or(1, |n| n + 1)));
    /// }
    /// assert_eq!(cache.get("hits"), Some(3));
    /// assert_eq!(cache.compute("hits", |_| Compute::Remove), None);
    /// assert_eq!(cache.compute("hits", |_| Compute::Keep), None);
    /// # }
    /// ```
    pub fn compute(&self, key: K, decide: impl FnOnce(Option<&V>) -> Compute<V>) -> Option<V> {
        let hash = self.hash(&key);
        let now = self.now();
        let expiry = self.expiry();
        let deadline = |key: &K, value: &V| expiry?.created(key, value, now?);
        let mut removed = Removals::new();
        let after = self
            .lock(hash)
            .compute(hash, key, decide, now, deadline, &mut removed);
        self.deliver(removed);
        after
    }
}
