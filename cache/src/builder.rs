//! [`CacheBuilder`]: configuration, validated by [`CacheBuilder::build`].

use crate::DEFAULT_MAX_SIZE;
use crate::cache::{Cache, check_max_size, check_shards};
use crate::error::Error;
use crate::expiry::{Clock, Expiry, ExpiryConfig, MonotonicClock};
use crate::hasher::DefaultHashBuilder;
use crate::listener::{Listener, RemovalCause};
use crate::sharding::Shards;
use clientcache_policy_api::Policy;
use std::fmt;
use std::hash::{BuildHasher, Hash};
use std::sync::Arc;
use std::time::Duration;

/// Configures a [`Cache`]: `max_size`, shards, policy, hasher, eviction listener, expiry.
///
/// Start from [`Cache::builder`] (a policy type with `Default`) or
/// [`CacheBuilder::with_policy`] (a policy value). With `AnyPolicy` (any policy feature), the
/// policy is chosen at run time by `policy` or `policy_name`.
///
/// # Examples
///
/// ```
/// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
/// use clientcache::{Cache, AnyCache};
///
/// // E.g. from a config file or an environment variable.
/// let name = "lfu";
/// let cache: AnyCache<String, u32> = Cache::builder().max_size(100).policy_name(name)?.build()?;
/// assert_eq!(cache.policy_name(), "LFU");
/// assert_eq!(cache.max_size(), 100);
/// # }
/// # Ok::<(), clientcache::Error>(())
/// ```
#[must_use = "a builder does nothing until `build` is called"]
pub struct CacheBuilder<K, V, P, S = DefaultHashBuilder> {
    max_size: usize,
    shards: usize,
    /// Unused so far: `build` gives it its capacity.
    pub(crate) policy_value: P,
    hasher: S,
    listener: Option<Listener<K, V>>,
    expiry: ExpirySettings<K, V>,
}

impl<K, V, P: Clone, S: Clone> Clone for CacheBuilder<K, V, P, S> {
    /// A copy of the configuration (the listener, hook and clock are shared).
    fn clone(&self) -> Self {
        CacheBuilder {
            max_size: self.max_size,
            shards: self.shards,
            policy_value: self.policy_value.clone(),
            hasher: self.hasher.clone(),
            listener: self.listener.clone(),
            expiry: ExpirySettings {
                enabled: self.expiry.enabled,
                time_to_live: self.expiry.time_to_live,
                time_to_idle: self.expiry.time_to_idle,
                hook: self.expiry.hook.clone(),
                clock: self.expiry.clock.clone(),
            },
        }
    }
}

/// What the expiry setters asked for; `enabled` once any of them was called.
struct ExpirySettings<K, V> {
    enabled: bool,
    time_to_live: Option<Duration>,
    time_to_idle: Option<Duration>,
    hook: Option<Arc<dyn Expiry<K, V>>>,
    clock: Option<Arc<dyn Clock>>,
}

impl<K, V> Default for ExpirySettings<K, V> {
    fn default() -> Self {
        ExpirySettings {
            enabled: false,
            time_to_live: None,
            time_to_idle: None,
            hook: None,
            clock: None,
        }
    }
}

impl<K, V> ExpirySettings<K, V> {
    /// The cache's settings, or `None` without expiry.
    fn build(self) -> Result<Option<ExpiryConfig<K, V>>, Error> {
        if !self.enabled {
            return Ok(None);
        }
        for (setting, duration) in [
            ("time_to_live", self.time_to_live),
            ("time_to_idle", self.time_to_idle),
        ] {
            if duration == Some(Duration::ZERO) {
                return Err(Error::InvalidExpiry {
                    setting,
                    reason: "a duration of zero would expire every entry at once; give a \
                             positive duration, or leave the setting out",
                });
            }
        }
        Ok(Some(ExpiryConfig {
            clock: self
                .clock
                .unwrap_or_else(|| Arc::new(MonotonicClock::new())),
            time_to_live: self.time_to_live,
            time_to_idle: self.time_to_idle,
            hook: self.hook,
        }))
    }
}

impl<K, V, P: Policy> CacheBuilder<K, V, P> {
    /// A builder for a cache ordered by `policy`, for policies without `Default` or configured
    /// beforehand; `max_size` [`DEFAULT_MAX_SIZE`]. The cache starts empty, so `build` clears
    /// any ids `policy` holds ([`Policy::clear`]: a sketch may keep its counts).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{CacheBuilder, LruPolicy};
    ///
    /// let cache = CacheBuilder::<u32, u32, _>::with_policy(LruPolicy::with_capacity(64))
    ///     .max_size(64)
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(cache.max_size(), 64);
    /// # }
    /// ```
    pub fn with_policy(policy: P) -> Self {
        CacheBuilder {
            max_size: DEFAULT_MAX_SIZE,
            shards: 1,
            policy_value: policy,
            hasher: DefaultHashBuilder::default(),
            listener: None,
            expiry: ExpirySettings::default(),
        }
    }
}

impl<K, V, P, S> CacheBuilder<K, V, P, S> {
    /// The most entries the cache holds (default [`DEFAULT_MAX_SIZE`]). 0 caches nothing:
    /// inserts succeed and drop the value at once. Checked by [`build`](Self::build).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache = Cache::<u32, u32, LruPolicy>::builder().max_size(0).build().unwrap();
    /// cache.insert(1, 1).unwrap();
    /// assert!(cache.is_empty());
    /// # }
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn max_size(mut self, max_size: usize) -> Self {
        self.max_size = max_size;
        self
    }

    /// Splits the cache into `shards` independent shards, each with its own lock, entries,
    /// policy, loads in flight and counters (default 1). Checked by [`build`](Self::build).
    ///
    /// With one shard (the default), one lock guards the whole cache and one policy orders
    /// every entry: each eviction is exactly the sequential policy's decision for every
    /// operation, in lock order. That lock is also where threads queue: under contention every
    /// operation waits for the one before it, on every thread.
    ///
    /// With `n` shards, a key lives in a shard chosen by its hash (a fixed function of the
    /// hash and `n`: the same hasher seed puts every key in the same shard in every run and
    /// process; [`Cache::shard_index`] tells which), and operations on keys of different
    /// shards run in parallel. What changes:
    ///
    /// - **The policy is per shard.** Shard `i` holds at most `max_size / n` entries, plus one
    ///   for the first `max_size % n` shards, and its policy orders only its own keys. Each
    ///   shard is exact and deterministic: its evictions are the sequential policy's decisions
    ///   for the operations on its keys in its lock order. But a full shard evicts even while
    ///   the cache as a whole holds fewer than `max_size` entries (as quick_cache does), and the
    ///   victim is the best choice within the shard, not across the cache.
    /// - **Whole-cache operations** (`len`, `keys`/`values`/`entries`, `clear`,
    ///   `set_max_size`, `pop_victim`, `stats`, `validate`) lock every shard, in index order,
    ///   and hold all the locks until done, so each sees or makes one consistent state, and
    ///   two of them never deadlock. Snapshots list shard 0's entries in its policy order,
    ///   then shard 1's, and so on; `pop_victim` takes the next victim of the shard holding the
    ///   most entries.
    /// - `max_size` must be 0 or at least `n` (every shard needs room for one entry).
    ///
    /// Choosing `n`: 1 when the cache is not contended, or when exact global LRU/LFU order
    /// matters more than throughput. Otherwise a few times the number of threads that use the
    /// cache at once (e.g. 4 x cores), so two threads rarely want the same shard, with each
    /// shard still large enough (hundreds of entries) for its policy to choose well: the
    /// smaller a shard, the more its evictions differ from one global policy's.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, Error, LruPolicy};
    ///
    /// let cache = Cache::<u64, u64, LruPolicy>::builder().max_size(1000).shards(8).build()?;
    /// assert_eq!((cache.shard_count(), cache.max_size()), (8, 1000));
    /// cache.insert(1, 10)?;
    /// assert_eq!(cache.get(&1), Some(10));
    ///
    /// let refused = Cache::<u64, u64, LruPolicy>::builder().max_size(4).shards(8).build();
    /// assert!(matches!(refused, Err(Error::MaxSizeBelowShards { .. })));
    /// assert!(Cache::<u64, u64, LruPolicy>::builder().shards(0).build().is_err());
    /// # }
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn shards(mut self, shards: usize) -> Self {
        self.shards = shards;
        self
    }

    /// Hashes keys with `hasher` instead of the fixed-seed [`DefaultHashBuilder`]; see its docs
    /// for when a randomly seeded hasher is the right choice.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, LruPolicy};
    /// use std::hash::RandomState;
    ///
    /// let cache = Cache::<u32, u32, LruPolicy>::builder()
    ///     .hasher(RandomState::new())
    ///     .build()
    ///     .unwrap();
    /// cache.insert(1, 1).unwrap();
    /// assert_eq!(cache.get(&1), Some(1));
    /// # }
    /// ```
    pub fn hasher<S2>(self, hasher: S2) -> CacheBuilder<K, V, P, S2> {
        CacheBuilder {
            max_size: self.max_size,
            shards: self.shards,
            policy_value: self.policy_value,
            hasher,
            listener: self.listener,
            expiry: self.expiry,
        }
    }

    /// Every entry expires `ttl` after it was inserted (replacing it starts afresh). Checked
    /// by [`build`](Self::build): zero is refused. Combines with
    /// [`time_to_idle`](Self::time_to_idle) and per-entry deadlines: the earliest wins.
    ///
    /// An expired entry is never returned; see the crate docs' expiry section for when it is
    /// removed and what the listener sees ([`RemovalCause::Expired`]). Setting any expiry
    /// option makes the cache read its [`clock`](Self::clock) once per operation.
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
    ///     .time_to_live(Duration::from_secs(300))
    ///     .clock(clock.clone())
    ///     .build()?;
    /// cache.insert("eu-west-1", 1)?;
    /// clock.advance(Duration::from_secs(299));
    /// assert!(cache.contains_key("eu-west-1"));
    /// clock.advance(Duration::from_secs(1));
    /// assert!(!cache.contains_key("eu-west-1"));
    /// # }
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn time_to_live(mut self, ttl: Duration) -> Self {
        self.expiry.enabled = true;
        self.expiry.time_to_live = Some(ttl);
        self
    }

    /// Every entry expires when it has not been read (`get`, `try_get`, a hit of the
    /// `get_or_insert_with` family; not `peek` or `contains_key`) for `tti`, counted from its
    /// insertion or last read. Checked by [`build`](Self::build): zero is refused.
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
    ///     .time_to_idle(Duration::from_secs(60))
    ///     .clock(clock.clone())
    ///     .build()?;
    /// cache.insert("tenant-a", 1)?;
    /// clock.advance(Duration::from_secs(50));
    /// assert_eq!(cache.get("tenant-a"), Some(1)); // a read: idle time restarts
    /// clock.advance(Duration::from_secs(50));
    /// assert_eq!(cache.peek("tenant-a"), Some(1)); // a peek does not restart it
    /// clock.advance(Duration::from_secs(10));
    /// assert_eq!(cache.get("tenant-a"), None);
    /// # }
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn time_to_idle(mut self, tti: Duration) -> Self {
        self.expiry.enabled = true;
        self.expiry.time_to_idle = Some(tti);
        self
    }

    /// Gives entries deadlines of their own, computed by `hook` from key and value on insert
    /// (and, if the hook overrides them, on read and on update): see [`Expiry`]. Combines with
    /// [`time_to_live`](Self::time_to_live) and [`time_to_idle`](Self::time_to_idle): the
    /// earliest deadline wins.
    ///
    /// # Examples
    ///
    /// See [`Expiry`].
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn expire_after(mut self, hook: impl Expiry<K, V> + 'static) -> Self {
        self.expiry.enabled = true;
        self.expiry.hook = Some(Arc::new(hook));
        self
    }

    /// Turns expiry on with no default deadline, for entries given one by
    /// [`Cache::insert_with_ttl`]. (Any other expiry option turns it on too.)
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, LruPolicy};
    /// use std::time::Duration;
    ///
    /// let cache = Cache::<&str, u32, LruPolicy>::builder().per_entry_expiry().build()?;
    /// cache.insert_with_ttl("a", 1, Duration::from_secs(60))?;
    /// assert_eq!(cache.get("a"), Some(1));
    /// # }
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn per_entry_expiry(mut self) -> Self {
        self.expiry.enabled = true;
        self
    }

    /// The clock expiry reads (default [`MonotonicClock`]); turns expiry on. A
    /// [`ManualClock`](crate::ManualClock) makes expiry deterministic: the same operations
    /// and clock readings give the same expirations in every run.
    ///
    /// # Examples
    ///
    /// See [`time_to_live`](Self::time_to_live).
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.expiry.enabled = true;
        self.expiry.clock = Some(Arc::new(clock));
        self
    }

    /// Calls `listener(key, value, cause)` for every entry that leaves the cache, after the
    /// cache lock is released: it may call back into the cache. See [`RemovalCause`] for the
    /// causes. Entries removed together (by `clear` or a shrinking `set_max_size`) are reported
    /// in policy order, next victim first.
    ///
    /// When the listener calls back into the cache and that causes removals (an insert that
    /// evicts), those are not reported from inside the running listener call, which would
    /// recurse: they are queued and reported by the outermost call once it has reported its
    /// own, in order. So the listener is never re-entered for one cache on one thread, and a
    /// chain of evictions that each insert runs in constant stack.
    ///
    /// A panic in the listener does not lose the other reports: the remaining entries of the
    /// operation (and those queued behind them) are still handed over, then the first panic
    /// propagates to the caller of the operation; the cache stays consistent and usable.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, LruPolicy, RemovalCause};
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    ///
    /// let closed = Arc::new(AtomicUsize::new(0));
    /// let counter = Arc::clone(&closed);
    /// let cache = Cache::<u32, u32, LruPolicy>::builder()
    ///     .max_size(1)
    ///     .eviction_listener(move |_key, _client, cause| {
    ///         if cause == RemovalCause::Evicted {
    ///             counter.fetch_add(1, Ordering::Relaxed);
    ///         }
    ///     })
    ///     .build()
    ///     .unwrap();
    /// cache.insert(1, 1).unwrap();
    /// cache.insert(2, 2).unwrap();
    /// assert_eq!(closed.load(Ordering::Relaxed), 1);
    /// # }
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn eviction_listener<F>(mut self, listener: F) -> Self
    where
        F: Fn(K, V, RemovalCause) + Send + Sync + 'static,
    {
        self.listener = Some(Arc::new(listener));
        self
    }

    /// Builds the cache.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidMaxSize`] when `max_size` exceeds [`MAX_SIZE_LIMIT`](crate::MAX_SIZE_LIMIT);
    /// [`Error::InvalidShards`] when the shard count is 0 or above
    /// [`MAX_SHARDS`](crate::MAX_SHARDS); [`Error::MaxSizeBelowShards`] when `max_size` is
    /// between 1 and the shard count minus one; [`Error::InvalidExpiry`] for a zero
    /// time-to-live or time-to-idle.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, Error, LruPolicy, MAX_SIZE_LIMIT};
    ///
    /// let built = Cache::<u32, u32, LruPolicy>::builder().max_size(MAX_SIZE_LIMIT + 1).build();
    /// assert!(matches!(built, Err(Error::InvalidMaxSize { .. })));
    /// # }
    /// ```
    pub fn build(self) -> Result<Cache<K, V, P, S>, Error>
    where
        K: Hash + Eq,
        V: Clone,
        P: Policy,
        S: BuildHasher,
    {
        check_shards(self.shards)?;
        check_max_size(self.max_size, self.shards)?;
        let expiry = self.expiry.build()?;
        Ok(Cache::from_shards(
            Shards::new(
                self.policy_value,
                self.max_size,
                self.shards,
                expiry.as_ref(),
            ),
            self.hasher,
            self.listener,
            expiry,
        ))
    }
}

impl<K, V, P: Policy, S> fmt::Debug for CacheBuilder<K, V, P, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CacheBuilder")
            .field("max_size", &self.max_size)
            .field("shards", &self.shards)
            .field("policy", &self.policy_value.name())
            .field("eviction_listener", &self.listener.is_some())
            .field("expiry", &self.expiry.enabled)
            .finish_non_exhaustive()
    }
}
