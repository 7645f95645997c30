//! [`Cache`]: the shared handle, and the locking around the [`Shard`]s.
//!
//! Every operation on a key hashes it with no lock held, takes the lock of the key's shard,
//! calls one [`Shard`] method, releases the lock, and only then runs user callbacks (the
//! eviction listener) and drops what was removed. Operations on the whole cache take every
//! shard's lock in index order (`sharding.rs`). The snapshot methods live in `snapshot.rs` and
//! the loading methods in `loading.rs`.

use crate::builder::CacheBuilder;
use crate::delivery::Delivery;
use crate::error::Error;
use crate::expiry::{ExpiryConfig, Timestamp};
use crate::hasher::DefaultHashBuilder;
use crate::listener::{Listener, RemovalCause, Removals};
use crate::shard::Shard;
use crate::sharding::{AllShards, MAX_SHARDS, Shards};
use crate::stats::CacheStats;
use crate::sync::{Arc, MutexGuard};
use crate::{DEFAULT_MAX_SIZE, MAX_SIZE_LIMIT};
use clientcache_policy_api::{InvariantViolation, Policy};
use std::borrow::Borrow;
use std::fmt::{self, Debug};
use std::hash::{BuildHasher, Hash};
use std::time::Duration;

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
/// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
/// use clientcache::{Cache, Error, LruPolicy};
///
/// let cache: Cache<&str, String, LruPolicy> = Cache::new(2);
/// cache.insert("a", "client a".to_string())?;
/// cache.insert("b", "client b".to_string())?;
/// assert_eq!(cache.get("a").as_deref(), Some("client a"));
/// cache.insert("c", "client c".to_string())?; // evicts "b", the least recently used
/// assert_eq!(cache.keys(), ["a", "c"]);
/// assert!(matches!(cache.try_get("b"), Err(Error::NotCached { .. })));
/// # }
/// # Ok::<(), clientcache::Error>(())
/// ```
pub struct Cache<K, V, P, S = DefaultHashBuilder> {
    inner: Arc<Inner<K, V, P, S>>,
}

struct Inner<K, V, P, S> {
    /// The shards, each behind its own lock: map, entries, policy, counters and loads in
    /// flight of the keys it holds. One shard unless the builder asked for more.
    shards: Shards<K, V, P>,
    /// Hashes keys before the lock is taken.
    hasher: S,
    /// Runs after the lock is released.
    listener: Option<Listener<K, V>>,
    /// Hands removals to the listener, never nested (see `delivery.rs`).
    delivery: Delivery<K, V>,
    /// The clock and the deadlines' settings, when the cache has expiry.
    expiry: Option<ExpiryConfig<K, V>>,
}

// A panic in user code never leaves a cache half-updated (user code runs before a mutation or
// after the last, and a poisoned lock is recovered: see `sync.rs`), so a cache may be used
// again after a caught panic, whatever its listener, hook or clock capture.
impl<K, V, P, S> std::panic::UnwindSafe for Cache<K, V, P, S> {}
impl<K, V, P, S> std::panic::RefUnwindSafe for Cache<K, V, P, S> {}

/// `Cache` is `UnwindSafe` and `RefUnwindSafe`, checked at compile time.
const _: () = {
    fn unwind_safe<T: std::panic::UnwindSafe + std::panic::RefUnwindSafe>() {}
    #[allow(dead_code)]
    fn check<K, V, P, S>() {
        unwind_safe::<Cache<K, V, P, S>>();
    }
};

impl<K, V, P, S> Clone for Cache<K, V, P, S> {
    /// Another handle to the same cache (use [`Cache::deep_clone`] for a copy).
    fn clone(&self) -> Self {
        Cache {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<K, V, P, S> Cache<K, V, P, S> {
    /// Takes the lock of the shard that holds keys hashing to `hash`, recovering from
    /// poisoning (see `sync.rs`).
    #[inline]
    pub(crate) fn lock(&self, hash: u64) -> MutexGuard<'_, Shard<K, V, P>> {
        self.inner.shards.lock(hash)
    }

    /// The shards.
    pub(crate) fn shards(&self) -> &Shards<K, V, P> {
        &self.inner.shards
    }

    /// Whether a panic poisoned a lock (tests check that the cache recovers, or that no
    /// lock was held).
    #[cfg(all(test, not(loom)))]
    pub(crate) fn is_poisoned(&self) -> bool {
        self.inner.shards.is_poisoned()
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
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, LfuPolicy};
    ///
    /// let cache: Cache<u32, u32, LfuPolicy> = Cache::new(100);
    /// assert_eq!(cache.max_size(), 100);
    /// # }
    /// ```
    #[track_caller]
    #[must_use]
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
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache = Cache::<String, u32, LruPolicy>::builder().build().unwrap();
    /// assert_eq!(cache.max_size(), 10);
    /// # }
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
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
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache: Cache<String, u32, LruPolicy> = Cache::default();
    /// assert_eq!(cache.max_size(), 10);
    /// # }
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
    /// Wraps `shards` (whose sizes the caller validated, built with `expiry`) in a new handle.
    pub(crate) fn from_shards(
        shards: Shards<K, V, P>,
        hasher: S,
        listener: Option<Listener<K, V>>,
        expiry: Option<ExpiryConfig<K, V>>,
    ) -> Self {
        Cache {
            inner: Arc::new(Inner {
                shards,
                hasher,
                listener,
                delivery: Delivery::new(),
                expiry,
            }),
        }
    }

    /// The time now, read once per operation before any lock, or `None` without expiry.
    #[inline]
    pub(crate) fn now(&self) -> Option<Timestamp> {
        self.inner.expiry.as_ref().map(ExpiryConfig::now)
    }

    /// The expiry settings.
    pub(crate) fn expiry(&self) -> Option<&ExpiryConfig<K, V>> {
        self.inner.expiry.as_ref()
    }

    /// The deadline the expiry hook gives `key -> value` inserted at `now`.
    pub(crate) fn created(&self, key: &K, value: &V, now: Option<Timestamp>) -> Option<Timestamp> {
        self.inner.expiry.as_ref()?.created(key, value, now?)
    }

    /// The key's hash; computed before the lock is taken.
    #[inline]
    pub(crate) fn hash<Q: Hash + ?Sized>(&self, key: &Q) -> u64 {
        self.inner.hasher.hash_one(key)
    }

    /// Hands removed entries to the listener, or drops them. Call with the lock released.
    #[inline]
    pub(crate) fn deliver(&self, removed: Removals<K, V>) {
        self.inner
            .delivery
            .deliver(removed, self.inner.listener.as_ref());
    }

    /// Reports `taken` (the entry an operation removed, if any) with `cause`, then `after`
    /// (what left after it), and returns its value.
    pub(crate) fn report_first(
        &self,
        taken: Option<(K, V)>,
        cause: RemovalCause,
        after: Removals<K, V>,
    ) -> Option<V> {
        let mut removed = Removals::new();
        let value = taken.map(|(key, value)| {
            removed.push(key, value.clone(), cause);
            value
        });
        removed.append(after);
        self.deliver(removed);
        value
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
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, Error, LruPolicy};
    ///
    /// let cache: Cache<&str, u32, LruPolicy> = Cache::new(10);
    /// cache.insert("s3", 1)?;
    /// assert!(matches!(cache.insert("s3", 2), Err(Error::AlreadyCached { .. })));
    /// assert_eq!(cache.get("s3"), Some(1));
    /// # }
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    pub fn insert(&self, key: K, value: V) -> Result<(), Error>
    where
        K: Debug,
    {
        let now = self.now();
        let deadline = self.created(&key, &value, now);
        self.insert_at(key, value, now, deadline)
    }

    /// Like [`insert`](Self::insert), with a deadline of its own for this entry: it expires
    /// `ttl` from now, or earlier if the cache's time-to-live or time-to-idle says so. The
    /// expiry hook's [`expire_after_create`](crate::Expiry::expire_after_create) is not asked. A
    /// `ttl` of zero stores an entry that is expired at once (removed by the next operation
    /// on its shard, as [`RemovalCause::Expired`]).
    ///
    /// # Errors
    ///
    /// [`Error::AlreadyCached`] as `insert`; [`Error::ExpiryDisabled`] when the cache was built
    /// without expiry (see [`CacheBuilder::per_entry_expiry`]).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, LruPolicy, ManualClock};
    /// use std::time::Duration;
    ///
    /// let clock = ManualClock::new();
    /// let cache = Cache::<&str, u32, LruPolicy>::builder()
    ///     .per_entry_expiry()
    ///     .clock(clock.clone())
    ///     .build()?;
    /// cache.insert_with_ttl("session", 1, Duration::from_secs(900))?;
    /// cache.insert("static", 2)?; // no deadline
    /// clock.advance(Duration::from_secs(900));
    /// assert_eq!(cache.keys(), ["static"]);
    /// # }
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    pub fn insert_with_ttl(&self, key: K, value: V, ttl: Duration) -> Result<(), Error>
    where
        K: Debug,
    {
        let Some(now) = self.now() else {
            return Err(Error::ExpiryDisabled);
        };
        self.insert_at(key, value, Some(now), Some(now.after(ttl)))
    }

    /// [`insert`](Self::insert) at `now` with the entry's own `deadline`.
    fn insert_at(
        &self,
        key: K,
        value: V,
        now: Option<Timestamp>,
        deadline: Option<Timestamp>,
    ) -> Result<(), Error>
    where
        K: Debug,
    {
        let hash = self.hash(&key);
        let mut removed = Removals::new();
        let refused = self
            .lock(hash)
            .insert(hash, key, value, now, deadline, &mut removed)
            .err();
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
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache: Cache<String, u32, LruPolicy> = Cache::new(10);
    /// cache.insert("lambda".to_string(), 7).unwrap();
    /// assert_eq!(cache.get("lambda"), Some(7)); // &str looks up a String key
    /// assert_eq!(cache.get("sqs"), None);
    /// assert_eq!((cache.stats().hits, cache.stats().misses), (1, 1));
    /// # }
    /// ```
    #[inline]
    pub fn get<Q>(&self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let hash = self.hash(key);
        let Some(expiry) = &self.inner.expiry else {
            return self.lock(hash).get(hash, key);
        };
        let now = expiry.now();
        let mut removed = Removals::new();
        let found = self.lock(hash).get_at(hash, key, now, &mut removed);
        self.deliver(removed);
        found
    }

    /// The value cached under `key`, if any, *without* it counting as an access: the policy
    /// order and the stats are unchanged.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache: Cache<u32, u32, LruPolicy> = Cache::new(2);
    /// cache.insert(1, 10).unwrap();
    /// cache.insert(2, 20).unwrap();
    /// assert_eq!(cache.peek(&1), Some(10));
    /// assert_eq!(cache.keys(), [1, 2]); // 1 is still the next victim
    /// assert_eq!(cache.stats().requests(), 0);
    /// # }
    /// ```
    #[inline]
    pub fn peek<Q>(&self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let hash = self.hash(key);
        let now = self.now();
        self.lock(hash).peek(hash, key, now)
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
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, Error, LruPolicy};
    ///
    /// let cache: Cache<&str, u32, LruPolicy> = Cache::new(10);
    /// cache.insert("ec2", 1)?;
    /// assert_eq!(cache.try_get("ec2")?, 1);
    /// let err = cache.try_get("iam").unwrap_err();
    /// assert!(err.to_string().starts_with("key `\"iam\"` is not cached"));
    /// # }
    /// # Ok::<(), clientcache::Error>(())
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
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache: Cache<u32, u32, LruPolicy> = Cache::new(10);
    /// cache.insert(1, 10).unwrap();
    /// assert!(cache.contains_key(&1));
    /// assert!(!cache.contains_key(&2));
    /// # }
    /// ```
    #[inline]
    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let hash = self.hash(key);
        let now = self.now();
        self.lock(hash).contains(hash, key, now)
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
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, Error, LruPolicy};
    ///
    /// let cache: Cache<&str, u32, LruPolicy> = Cache::new(10);
    /// cache.insert("sts", 1)?;
    /// assert_eq!(cache.remove("sts")?, 1);
    /// assert!(matches!(cache.remove("sts"), Err(Error::NotCached { .. })));
    /// # }
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    pub fn remove<Q>(&self, key: &Q) -> Result<V, Error>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + Debug + ?Sized,
    {
        let hash = self.hash(key);
        let now = self.now();
        let mut expired = Removals::new();
        let taken = self.lock(hash).remove(hash, key, now, &mut expired);
        // In the order they left: the entry asked for, then those that expired after it.
        let value = self.report_first(taken, RemovalCause::Removed, expired);
        value.ok_or_else(|| Error::not_cached(key))
    }

    /// Removes the policy's next victim (the entry the next eviction would drop) and returns
    /// it, or `None` when empty. The listener, if any, gets clones with
    /// [`RemovalCause::Removed`].
    ///
    /// With several [shards](CacheBuilder::shards), the victim comes from the shard holding
    /// the most entries (the lowest shard index among equals): the next victim of that
    /// shard's policy. The choice is made with every shard locked, so it is atomic.
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
    /// cache.get(&1);
    /// assert_eq!(cache.pop_victim(), Some((2, 20)));
    /// assert_eq!(cache.pop_victim(), Some((1, 10)));
    /// assert_eq!(cache.pop_victim(), None);
    /// # }
    /// ```
    pub fn pop_victim(&self) -> Option<(K, V)>
    where
        K: Clone,
    {
        let now = self.now();
        let mut expired = Removals::new();
        let popped = self.shards().with_all(|shards| {
            shards.purge_expired(now, &mut expired);
            let fullest = shards.fullest()?;
            shards[fullest].pop_victim()
        });
        let mut removed = Removals::new();
        if let Some((key, value)) = &popped {
            removed.push(key.clone(), value.clone(), RemovalCause::Removed);
        }
        removed.append(expired);
        self.deliver(removed);
        popped
    }

    /// Removes every entry; the listener sees each, next victim first, with
    /// [`RemovalCause::Cleared`]. Loads in flight are not affected. The policy may keep its
    /// frequency sketch; the stats are kept (see [`reset_stats`](Self::reset_stats)).
    ///
    /// Atomic with several shards too: every shard is emptied under its lock, all held at
    /// once, and the listener sees shard 0's entries first, then shard 1's, and so on.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache: Cache<u32, u32, LruPolicy> = Cache::new(10);
    /// cache.insert(1, 10).unwrap();
    /// cache.clear();
    /// assert!(cache.is_empty());
    /// # }
    /// ```
    pub fn clear(&self) {
        let now = self.now();
        let mut removed = Removals::new();
        self.shards()
            .with_all(|shards| shards.clear(now, &mut removed));
        self.deliver(removed);
    }

    /// Number of cached entries (with several shards: their sum, read with all of them
    /// locked, so a consistent count).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache: Cache<u32, u32, LruPolicy> = Cache::new(2);
    /// for key in 0..5 {
    ///     cache.insert(key, key).unwrap();
    /// }
    /// assert_eq!(cache.len(), 2);
    /// # }
    /// ```
    #[must_use]
    pub fn len(&self) -> usize {
        let now = self.now();
        let mut expired = Removals::new();
        let len = self.shards().with_all(|shards| {
            shards.purge_expired(now, &mut expired);
            shards.entry_count()
        });
        self.deliver(expired);
        len
    }

    /// Removes every entry whose deadline has passed, and returns how many; the listener sees
    /// each with [`RemovalCause::Expired`]. Without expiry, does nothing.
    ///
    /// Every operation already removes a few due entries of its shard, and whole-cache
    /// operations remove all of them first, so a busy cache needs no purge. The library runs
    /// no thread of its own: to release idle entries (and their connection pools) while the
    /// cache sees no traffic, call this periodically, from a thread:
    ///
    /// ```no_run
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// # use clientcache::{Cache, LruPolicy};
    /// # let cache: Cache<u32, u32, LruPolicy> = Cache::new(1);
    /// let purger = cache.clone();
    /// std::thread::spawn(move || loop {
    ///     std::thread::sleep(std::time::Duration::from_secs(30));
    ///     purger.purge_expired();
    /// });
    /// # }
    /// ```
    ///
    /// or from an async runtime, e.g. a tokio interval:
    ///
    /// ```no_run
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// # use clientcache::{Cache, LruPolicy};
    /// # async fn start(cache: Cache<u32, u32, LruPolicy>) {
    /// let purger = cache.clone();
    /// tokio::spawn(async move {
    ///     let mut every = tokio::time::interval(std::time::Duration::from_secs(30));
    ///     loop {
    ///         every.tick().await;
    ///         purger.purge_expired();
    ///     }
    /// });
    /// # }
    /// # }
    /// ```
    ///
    /// (A loop holding a clone keeps the cache alive; hold a `Weak`-like handle of your own, or
    /// stop the loop, when the cache should be dropped.)
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, LruPolicy, ManualClock};
    /// use std::time::Duration;
    ///
    /// let clock = ManualClock::new();
    /// let cache = Cache::<u32, u32, LruPolicy>::builder()
    ///     .time_to_idle(Duration::from_secs(60))
    ///     .clock(clock.clone())
    ///     .build()?;
    /// cache.insert(1, 10)?;
    /// cache.insert(2, 20)?;
    /// clock.advance(Duration::from_secs(30));
    /// cache.get(&2); // read: idle time starts again
    /// clock.advance(Duration::from_secs(30));
    /// assert_eq!(cache.purge_expired(), 1);
    /// assert_eq!(cache.stats().expirations, 1);
    /// # }
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    pub fn purge_expired(&self) -> usize {
        let now = self.now();
        let mut expired = Removals::new();
        let purged = self
            .shards()
            .with_all(|shards| shards.purge_expired(now, &mut expired));
        self.deliver(expired);
        purged
    }

    /// Whether no entry is cached.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache: Cache<u32, u32, LruPolicy> = Cache::new(2);
    /// assert!(cache.is_empty());
    /// cache.insert(1, 1).unwrap();
    /// assert!(!cache.is_empty());
    /// # }
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The most entries the cache holds.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache: Cache<u32, u32, LruPolicy> = Cache::new(3);
    /// assert_eq!(cache.max_size(), 3);
    /// # }
    /// ```
    #[must_use]
    pub fn max_size(&self) -> usize {
        self.shards().with_all(|shards| shards.max_size())
    }

    /// The number of shards ([`CacheBuilder::shards`]; 1 by default).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache = Cache::<u32, u32, LruPolicy>::builder().max_size(64).shards(4).build()?;
    /// assert_eq!(cache.shard_count(), 4);
    /// # }
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    #[must_use]
    pub fn shard_count(&self) -> usize {
        self.shards().count()
    }

    /// The index of the shard that holds `key`, cached or not: a fixed function of the key's
    /// hash and the shard count (see [`CacheBuilder::shards`]), so the same in every run and
    /// process for the same hasher seed. Always 0 with one shard.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache = Cache::<u32, u32, LruPolicy>::builder().max_size(64).shards(4).build()?;
    /// let shard = cache.shard_index(&7);
    /// assert!(shard < 4);
    /// assert_eq!(cache.deep_clone().shard_index(&7), shard);
    /// # }
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    pub fn shard_index<Q>(&self, key: &Q) -> usize
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.shards().index(self.hash(key))
    }

    /// Changes `max_size`. When the cache holds more, it evicts down to `max_size` at once, in
    /// policy order (next victim first): the first keys [`keys`](Self::keys) showed just
    /// before. The listener sees [`RemovalCause::Resized`]. The policy then adapts to the new
    /// size; TinyLFU forgets its frequency counts when its sketch changes size (at a
    /// `max_size` above 512), since they cannot be redistributed.
    ///
    /// With several shards, `max_size` is split again by the rule of
    /// [`CacheBuilder::shards`], with every shard locked: each shard evicts down to its new
    /// share in its own policy order, and the listener sees shard 0's entries first.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidMaxSize`] when `max_size` exceeds [`MAX_SIZE_LIMIT`], and
    /// [`Error::MaxSizeBelowShards`] when it is between 1 and the shard count minus one;
    /// nothing changes.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
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
    /// # }
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    pub fn set_max_size(&self, max_size: usize) -> Result<(), Error> {
        check_max_size(max_size, self.shard_count())?;
        let now = self.now();
        let mut removed = Removals::new();
        self.shards()
            .with_all(|shards| shards.set_max_size(max_size, now, &mut removed));
        self.deliver(removed);
        Ok(())
    }

    /// A snapshot of the counters (with several shards: each shard's counters, summed with
    /// all of them locked).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache: Cache<u32, u32, LruPolicy> = Cache::new(1);
    /// cache.insert(1, 1).unwrap();
    /// cache.insert(2, 2).unwrap();
    /// let stats = cache.stats();
    /// assert_eq!((stats.inserts, stats.evictions), (2, 1));
    /// # }
    /// ```
    #[must_use]
    pub fn stats(&self) -> CacheStats {
        self.shards().with_all(|shards| shards.stats())
    }

    /// Zeroes the counters.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, CacheStats, LruPolicy};
    ///
    /// let cache: Cache<u32, u32, LruPolicy> = Cache::new(1);
    /// cache.get(&1);
    /// cache.reset_stats();
    /// assert_eq!(cache.stats(), CacheStats::default());
    /// # }
    /// ```
    pub fn reset_stats(&self) {
        self.shards().with_all(|shards| {
            for shard in shards {
                shard.reset_stats();
            }
        });
    }

    /// The policy's name (`"LRU"`, `"LFU"`, ...).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, LfuPolicy};
    ///
    /// let cache: Cache<u32, u32, LfuPolicy> = Cache::new(1);
    /// assert_eq!(cache.policy_name(), "LFU");
    /// # }
    /// ```
    #[must_use]
    pub fn policy_name(&self) -> &'static str {
        self.shards().lock_at(0).policy().name()
    }

    /// Checks the cache's invariants from scratch: in every shard the map, the entries and the
    /// policy agree, each entry's stored hash is its key's hash, the shard's length is within
    /// its share of `max_size`, and the policy's own [`validate`](Policy::validate) passes;
    /// every key sits in the shard its hash places it in, and the shares follow the split
    /// rule. O(n) with every shard locked: for tests and debugging.
    ///
    /// # Errors
    ///
    /// The first broken invariant: a bug in the cache or the policy, or a key whose `Hash`
    /// changed while it was cached.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache: Cache<u32, u32, LruPolicy> = Cache::new(4);
    /// for key in 0..10 {
    ///     cache.insert(key, key).unwrap();
    /// }
    /// cache.validate().unwrap();
    /// # }
    /// ```
    pub fn validate(&self) -> Result<(), InvariantViolation> {
        self.shards()
            .with_all(|shards| shards.validate(|key| self.hash(key)))
    }
}

/// Refuses a `max_size` entry ids cannot address, or one that leaves some of `shards` shards
/// without room (see `sharding.rs`).
pub(crate) fn check_max_size(max_size: usize, shards: usize) -> Result<(), Error> {
    if max_size > MAX_SIZE_LIMIT {
        return Err(Error::InvalidMaxSize {
            max_size,
            limit: MAX_SIZE_LIMIT,
        });
    }
    if max_size != 0 && max_size < shards {
        return Err(Error::MaxSizeBelowShards { max_size, shards });
    }
    Ok(())
}

/// Refuses a shard count of 0 or above [`MAX_SHARDS`].
pub(crate) fn check_shards(shards: usize) -> Result<(), Error> {
    if shards == 0 || shards > MAX_SHARDS {
        return Err(Error::InvalidShards {
            shards,
            limit: MAX_SHARDS,
        });
    }
    Ok(())
}

impl<K, V, P: Policy, S> Debug for Cache<K, V, P, S> {
    /// Shows the length, max_size, shard count, policy, stats and loads in flight; never keys
    /// or values.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.shards().with_all(|shards| {
            f.debug_struct("Cache")
                .field("len", &shards.entry_count())
                .field("max_size", &shards.max_size())
                .field("shards", &shards.len())
                .field("policy", &shards[0].policy().name())
                .field("stats", &shards.stats())
                .field("loading", &shards.loads_in_flight())
                .field("expiry", &self.inner.expiry)
                .finish()
        })
    }
}

#[cfg(all(test, not(loom)))]
#[path = "cache_tests.rs"]
mod tests;
