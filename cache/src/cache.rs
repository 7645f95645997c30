//! [`Cache`]: the shared handle, and the locking around the [`Shard`].
//!
//! Every operation hashes its key with no lock held, takes the one lock, calls one
//! [`Shard`] method, releases the lock, and only then runs user callbacks (the eviction
//! listener) and drops what was removed. The snapshot methods live in `snapshot.rs` and the
//! loading methods in `loading.rs`.

use crate::builder::CacheBuilder;
use crate::error::Error;
use crate::hasher::DefaultHashBuilder;
use crate::listener::{Listener, RemovalCause, Removals};
use crate::shard::Shard;
use crate::stats::CacheStats;
use crate::sync::{self, Arc, Mutex, MutexGuard};
use crate::{DEFAULT_MAX_SIZE, MAX_SIZE_LIMIT};
use clientcache_policy_api::{InvariantViolation, Policy};
use std::borrow::Borrow;
use std::fmt::{self, Debug};
use std::hash::{BuildHasher, Hash};

/// A bounded, concurrency-safe cache with a pluggable eviction policy `P`.
///
/// `Cache` is a handle: cloning it shares the cache (an `Arc` inside), and it is `Send + Sync`
/// when `K`, `V`, `P` and `S` are. Reads return an owned `V` (a clone: make clients cheap to
/// clone, e.g. `Arc`-based as AWS SDK clients are); no reference or guard escapes the lock.
/// See the [crate docs](crate) for the concurrency model, determinism, and `max_size` 0.
///
/// # Examples
///
/// ```
/// use clientcache::{Cache, Error, LruPolicy};
///
/// let cache: Cache<&str, String, LruPolicy> = Cache::new(2);
/// cache.insert("a", "client a".to_string())?;
/// cache.insert("b", "client b".to_string())?;
/// assert_eq!(cache.get("a").as_deref(), Some("client a"));
/// cache.insert("c", "client c".to_string())?; // evicts "b", the least recently used
/// assert_eq!(cache.keys(), ["a", "c"]);
/// assert!(matches!(cache.try_get("b"), Err(Error::NotCached { .. })));
/// # Ok::<(), Error>(())
/// ```
pub struct Cache<K, V, P, S = DefaultHashBuilder> {
    inner: Arc<Inner<K, V, P, S>>,
}

struct Inner<K, V, P, S> {
    /// The one lock: map, entries, policy, counters and loads in flight.
    shard: Mutex<Shard<K, V, P>>,
    /// Hashes keys before the lock is taken.
    hasher: S,
    /// Runs after the lock is released.
    listener: Option<Listener<K, V>>,
}

impl<K, V, P, S> Clone for Cache<K, V, P, S> {
    /// Another handle to the same cache (use [`Cache::deep_clone`] for a copy).
    fn clone(&self) -> Self {
        Cache {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<K, V, P, S> Cache<K, V, P, S> {
    /// Takes the cache lock, recovering from poisoning (see `sync.rs`).
    #[inline]
    pub(crate) fn lock(&self) -> MutexGuard<'_, Shard<K, V, P>> {
        sync::lock(&self.inner.shard)
    }

    /// Whether a panic poisoned the lock (tests check that the cache recovers, or that no
    /// lock was held).
    #[cfg(all(test, not(loom)))]
    pub(crate) fn is_poisoned(&self) -> bool {
        self.inner.shard.is_poisoned()
    }
}

impl<K, V, P> Cache<K, V, P, DefaultHashBuilder>
where
    K: Hash + Eq,
    V: Clone,
    P: Policy + Default,
{
    /// A cache holding at most `max_size` entries, with `P`'s default policy and the
    /// fixed-seed [`DefaultHashBuilder`]. `max_size` 0 caches nothing.
    ///
    /// # Panics
    ///
    /// When `max_size` exceeds [`MAX_SIZE_LIMIT`]; [`Cache::builder`] returns an error
    /// instead.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::{Cache, LfuPolicy};
    ///
    /// let cache: Cache<u32, u32, LfuPolicy> = Cache::new(100);
    /// assert_eq!(cache.max_size(), 100);
    /// ```
    #[track_caller]
    pub fn new(max_size: usize) -> Self {
        match Self::builder().max_size(max_size).build() {
            Ok(cache) => cache,
            Err(err) => panic!("Cache::new: {err}"),
        }
    }

    /// A builder, starting from `max_size` [`DEFAULT_MAX_SIZE`] (10, as boto3-client-cache),
    /// `P::default()` and the [`DefaultHashBuilder`].
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache = Cache::<String, u32, LruPolicy>::builder().build().unwrap();
    /// assert_eq!(cache.max_size(), 10);
    /// ```
    pub fn builder() -> CacheBuilder<K, V, P> {
        CacheBuilder::with_policy(P::default()).max_size(DEFAULT_MAX_SIZE)
    }
}

impl<K, V, P> Default for Cache<K, V, P, DefaultHashBuilder>
where
    K: Hash + Eq,
    V: Clone,
    P: Policy + Default,
{
    /// A cache of [`DEFAULT_MAX_SIZE`] entries (10, as boto3-client-cache).
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache: Cache<String, u32, LruPolicy> = Cache::default();
    /// assert_eq!(cache.max_size(), 10);
    /// ```
    fn default() -> Self {
        Self::new(DEFAULT_MAX_SIZE)
    }
}

impl<K, V, P, S> Cache<K, V, P, S>
where
    K: Hash + Eq,
    V: Clone,
    P: Policy,
    S: BuildHasher,
{
    /// Wraps `shard` (whose `max_size` the caller validated) in a new handle.
    pub(crate) fn from_shard(
        shard: Shard<K, V, P>,
        hasher: S,
        listener: Option<Listener<K, V>>,
    ) -> Self {
        Cache {
            inner: Arc::new(Inner {
                shard: Mutex::new(shard),
                hasher,
                listener,
            }),
        }
    }

    /// The key's hash; computed before the lock is taken.
    #[inline]
    pub(crate) fn hash<Q: Hash + ?Sized>(&self, key: &Q) -> u64 {
        self.inner.hasher.hash_one(key)
    }

    /// Hands removed entries to the listener, or drops them. Call with the lock released.
    #[inline]
    pub(crate) fn deliver(&self, removed: Removals<K, V>) {
        removed.deliver(self.inner.listener.as_ref());
    }

    /// The hasher.
    pub(crate) fn hasher(&self) -> &S {
        &self.inner.hasher
    }

    /// The listener.
    pub(crate) fn listener(&self) -> Option<&Listener<K, V>> {
        self.inner.listener.as_ref()
    }

    /// Caches `value` under `key`, which must not be cached: the cache never overwrites.
    ///
    /// When the cache is full, the policy's victim is evicted first (the listener sees it as
    /// [`RemovalCause::Evicted`]). A policy with an admission filter (W-TinyLFU) may instead
    /// refuse the newcomer: then it is not stored, the victim stays, and the listener sees the
    /// newcomer as evicted. With `max_size` 0 every insert succeeds and the value is dropped
    /// at once, likewise reported as evicted.
    ///
    /// # Errors
    ///
    /// [`Error::AlreadyCached`] when `key` is cached; the cache is unchanged and `value` is
    /// dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::{Cache, Error, LruPolicy};
    ///
    /// let cache: Cache<&str, u32, LruPolicy> = Cache::new(10);
    /// cache.insert("s3", 1)?;
    /// assert!(matches!(cache.insert("s3", 2), Err(Error::AlreadyCached { .. })));
    /// assert_eq!(cache.get("s3"), Some(1));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn insert(&self, key: K, value: V) -> Result<(), Error>
    where
        K: Debug,
    {
        let hash = self.hash(&key);
        let mut removed = Removals::new();
        let refused = self.lock().insert(hash, key, value, &mut removed).err();
        self.deliver(removed);
        match refused {
            None => Ok(()),
            Some((key, _value)) => Err(Error::already_cached(&key)),
        }
    }

    /// The value cached under `key`, if any. An *access*: the policy records it (a hit
    /// protects the entry; a miss is counted by sketch-based policies) and the stats count a
    /// hit or a miss.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache: Cache<String, u32, LruPolicy> = Cache::new(10);
    /// cache.insert("lambda".to_string(), 7).unwrap();
    /// assert_eq!(cache.get("lambda"), Some(7)); // &str looks up a String key
    /// assert_eq!(cache.get("sqs"), None);
    /// assert_eq!((cache.stats().hits, cache.stats().misses), (1, 1));
    /// ```
    #[inline]
    pub fn get<Q>(&self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let hash = self.hash(key);
        self.lock().get(hash, key)
    }

    /// The value cached under `key`, if any, *without* it counting as an access: the policy
    /// order and the stats are unchanged.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache: Cache<u32, u32, LruPolicy> = Cache::new(2);
    /// cache.insert(1, 10).unwrap();
    /// cache.insert(2, 20).unwrap();
    /// assert_eq!(cache.peek(&1), Some(10));
    /// assert_eq!(cache.keys(), [1, 2]); // 1 is still the next victim
    /// assert_eq!(cache.stats().requests(), 0);
    /// ```
    #[inline]
    pub fn peek<Q>(&self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let hash = self.hash(key);
        self.lock().peek(hash, key)
    }

    /// Like [`get`](Self::get) (an access), but a miss is an error naming the key.
    ///
    /// # Errors
    ///
    /// [`Error::NotCached`] when `key` is not cached.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::{Cache, Error, LruPolicy};
    ///
    /// let cache: Cache<&str, u32, LruPolicy> = Cache::new(10);
    /// cache.insert("ec2", 1)?;
    /// assert_eq!(cache.try_get("ec2")?, 1);
    /// let err = cache.try_get("iam").unwrap_err();
    /// assert!(err.to_string().starts_with("key `\"iam\"` is not cached"));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn try_get<Q>(&self, key: &Q) -> Result<V, Error>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + Debug + ?Sized,
    {
        self.get(key).ok_or_else(|| Error::not_cached(key))
    }

    /// Whether `key` is cached. Not an access: the policy order and the stats are unchanged.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache: Cache<u32, u32, LruPolicy> = Cache::new(10);
    /// cache.insert(1, 10).unwrap();
    /// assert!(cache.contains_key(&1));
    /// assert!(!cache.contains_key(&2));
    /// ```
    #[inline]
    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let hash = self.hash(key);
        self.lock().contains(hash, key)
    }

    /// Removes `key`'s entry and returns its value. The listener, if any, gets the key and a
    /// clone of the value with [`RemovalCause::Removed`].
    ///
    /// # Errors
    ///
    /// [`Error::NotCached`] when `key` is not cached.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::{Cache, Error, LruPolicy};
    ///
    /// let cache: Cache<&str, u32, LruPolicy> = Cache::new(10);
    /// cache.insert("sts", 1)?;
    /// assert_eq!(cache.remove("sts")?, 1);
    /// assert!(matches!(cache.remove("sts"), Err(Error::NotCached { .. })));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn remove<Q>(&self, key: &Q) -> Result<V, Error>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + Debug + ?Sized,
    {
        let hash = self.hash(key);
        let removed = self.lock().remove(hash, key);
        let (key_owned, value) = removed.ok_or_else(|| Error::not_cached(key))?;
        if let Some(listener) = self.listener() {
            listener(key_owned, value.clone(), RemovalCause::Removed);
        }
        Ok(value)
    }

    /// Removes the policy's next victim (the entry the next eviction would drop) and returns
    /// it, or `None` when empty. The listener, if any, gets clones with
    /// [`RemovalCause::Removed`].
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache: Cache<u32, u32, LruPolicy> = Cache::new(10);
    /// cache.insert(1, 10).unwrap();
    /// cache.insert(2, 20).unwrap();
    /// cache.get(&1);
    /// assert_eq!(cache.pop_victim(), Some((2, 20)));
    /// assert_eq!(cache.pop_victim(), Some((1, 10)));
    /// assert_eq!(cache.pop_victim(), None);
    /// ```
    pub fn pop_victim(&self) -> Option<(K, V)>
    where
        K: Clone,
    {
        let (key, value) = self.lock().pop_victim()?;
        if let Some(listener) = self.listener() {
            listener(key.clone(), value.clone(), RemovalCause::Removed);
        }
        Some((key, value))
    }

    /// Removes every entry; the listener sees each, next victim first, with
    /// [`RemovalCause::Cleared`]. Loads in flight are not affected. The policy may keep its
    /// frequency sketch; the stats are kept (see [`reset_stats`](Self::reset_stats)).
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache: Cache<u32, u32, LruPolicy> = Cache::new(10);
    /// cache.insert(1, 10).unwrap();
    /// cache.clear();
    /// assert!(cache.is_empty());
    /// ```
    pub fn clear(&self) {
        let mut removed = Removals::new();
        self.lock().clear(&mut removed);
        self.deliver(removed);
    }

    /// Number of cached entries.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache: Cache<u32, u32, LruPolicy> = Cache::new(2);
    /// for key in 0..5 {
    ///     cache.insert(key, key).unwrap();
    /// }
    /// assert_eq!(cache.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no entry is cached.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache: Cache<u32, u32, LruPolicy> = Cache::new(2);
    /// assert!(cache.is_empty());
    /// cache.insert(1, 1).unwrap();
    /// assert!(!cache.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The most entries the cache holds.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache: Cache<u32, u32, LruPolicy> = Cache::new(3);
    /// assert_eq!(cache.max_size(), 3);
    /// ```
    pub fn max_size(&self) -> usize {
        self.lock().max_size()
    }

    /// Changes `max_size`. When the cache holds more, it evicts down to `max_size` at once, in
    /// policy order (next victim first): the first keys [`keys`](Self::keys) showed just
    /// before. The listener sees [`RemovalCause::Resized`]. The policy then adapts to the new
    /// size; TinyLFU forgets its frequency counts when its sketch changes size (at a
    /// `max_size` above 512), since they cannot be redistributed.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidMaxSize`] when `max_size` exceeds [`MAX_SIZE_LIMIT`]; nothing changes.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache: Cache<u32, u32, LruPolicy> = Cache::new(10);
    /// for key in 0..4 {
    ///     cache.insert(key, key).unwrap();
    /// }
    /// cache.get(&0);
    /// cache.set_max_size(2)?;
    /// assert_eq!(cache.keys(), [3, 0]); // 1 and 2 were the next victims
    /// assert!(cache.set_max_size(usize::MAX).is_err());
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    pub fn set_max_size(&self, max_size: usize) -> Result<(), Error> {
        check_max_size(max_size)?;
        let mut removed = Removals::new();
        self.lock().set_max_size(max_size, &mut removed);
        self.deliver(removed);
        Ok(())
    }

    /// A snapshot of the counters.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache: Cache<u32, u32, LruPolicy> = Cache::new(1);
    /// cache.insert(1, 1).unwrap();
    /// cache.insert(2, 2).unwrap();
    /// let stats = cache.stats();
    /// assert_eq!((stats.inserts, stats.evictions), (2, 1));
    /// ```
    pub fn stats(&self) -> CacheStats {
        self.lock().stats()
    }

    /// Zeroes the counters.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::{Cache, CacheStats, LruPolicy};
    ///
    /// let cache: Cache<u32, u32, LruPolicy> = Cache::new(1);
    /// cache.get(&1);
    /// cache.reset_stats();
    /// assert_eq!(cache.stats(), CacheStats::default());
    /// ```
    pub fn reset_stats(&self) {
        self.lock().reset_stats();
    }

    /// The policy's name (`"LRU"`, `"LFU"`, ...).
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::{Cache, LfuPolicy};
    ///
    /// let cache: Cache<u32, u32, LfuPolicy> = Cache::new(1);
    /// assert_eq!(cache.policy_name(), "LFU");
    /// ```
    pub fn policy_name(&self) -> &'static str {
        self.lock().policy().name()
    }

    /// Checks the cache's invariants from scratch: the map, the entries and the policy agree,
    /// each entry's stored hash is its key's hash, `len() <= max_size()`, and the policy's own
    /// [`validate`](Policy::validate) passes. O(n) under the lock: for tests and debugging.
    ///
    /// # Errors
    ///
    /// The first broken invariant: a bug in the cache or the policy, or a key whose `Hash`
    /// changed while it was cached.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache: Cache<u32, u32, LruPolicy> = Cache::new(4);
    /// for key in 0..10 {
    ///     cache.insert(key, key).unwrap();
    /// }
    /// cache.validate().unwrap();
    /// ```
    pub fn validate(&self) -> Result<(), InvariantViolation> {
        self.lock().validate(|key| self.hash(key))
    }
}

/// Refuses a `max_size` entry ids cannot address.
pub(crate) fn check_max_size(max_size: usize) -> Result<(), Error> {
    if max_size > MAX_SIZE_LIMIT {
        return Err(Error::InvalidMaxSize {
            max_size,
            limit: MAX_SIZE_LIMIT,
        });
    }
    Ok(())
}

impl<K, V, P: Policy, S> Debug for Cache<K, V, P, S> {
    /// Shows the length, max_size, policy, stats and loads in flight; never keys or values.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shard = self.lock();
        f.debug_struct("Cache")
            .field("len", &shard.len())
            .field("max_size", &shard.max_size())
            .field("policy", &shard.policy().name())
            .field("stats", &shard.stats())
            .field("loading", &shard.flights.len())
            .finish()
    }
}

#[cfg(all(test, not(loom)))]
#[path = "cache_tests.rs"]
mod tests;
