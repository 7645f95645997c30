//! [`CacheBuilder`]: configuration, validated by [`CacheBuilder::build`].

use crate::DEFAULT_MAX_SIZE;
use crate::cache::{Cache, check_max_size};
use crate::error::Error;
use crate::hasher::DefaultHashBuilder;
use crate::listener::{Listener, RemovalCause};
use crate::shard::Shard;
use clientcache_policy_api::Policy;
use std::fmt;
use std::hash::{BuildHasher, Hash};
use std::sync::Arc;

/// Configures a [`Cache`]: `max_size`, policy, hasher, eviction listener.
///
/// Start from [`Cache::builder`] (a policy type with `Default`) or
/// [`CacheBuilder::with_policy`] (a policy value). With [`AnyPolicy`](crate::AnyPolicy), the
/// policy is chosen at run time by [`policy`](CacheBuilder::policy) or
/// [`policy_name`](CacheBuilder::policy_name).
///
/// # Examples
///
/// ```
/// use clientcache::{Cache, DynCache};
///
/// // E.g. from a config file or an environment variable.
/// let name = "lfu";
/// let cache: DynCache<String, u32> = Cache::builder().max_size(100).policy_name(name)?.build()?;
/// assert_eq!(cache.policy_name(), "LFU");
/// assert_eq!(cache.max_size(), 100);
/// # Ok::<(), clientcache::Error>(())
/// ```
pub struct CacheBuilder<K, V, P, S = DefaultHashBuilder> {
    max_size: usize,
    /// Unused so far: `build` gives it its capacity.
    pub(crate) policy_value: P,
    hasher: S,
    listener: Option<Listener<K, V>>,
}

impl<K, V, P: Policy> CacheBuilder<K, V, P> {
    /// A builder for a cache ordered by `policy`, for policies without `Default` or configured
    /// beforehand; `max_size` [`DEFAULT_MAX_SIZE`]. The cache starts empty, so `build` clears
    /// any ids `policy` holds ([`Policy::clear`]: a sketch may keep its counts).
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::{CacheBuilder, LruPolicy};
    ///
    /// let cache = CacheBuilder::<u32, u32, _>::with_policy(LruPolicy::with_capacity(64))
    ///     .max_size(64)
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(cache.max_size(), 64);
    /// ```
    pub fn with_policy(policy: P) -> Self {
        CacheBuilder {
            max_size: DEFAULT_MAX_SIZE,
            policy_value: policy,
            hasher: DefaultHashBuilder::default(),
            listener: None,
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
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache = Cache::<u32, u32, LruPolicy>::builder().max_size(0).build().unwrap();
    /// cache.insert(1, 1).unwrap();
    /// assert!(cache.is_empty());
    /// ```
    pub fn max_size(mut self, max_size: usize) -> Self {
        self.max_size = max_size;
        self
    }

    /// Hashes keys with `hasher` instead of the fixed-seed [`DefaultHashBuilder`]; see its docs
    /// for when a randomly seeded hasher is the right choice.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::{Cache, LruPolicy};
    /// use std::hash::RandomState;
    ///
    /// let cache = Cache::<u32, u32, LruPolicy>::builder()
    ///     .hasher(RandomState::new())
    ///     .build()
    ///     .unwrap();
    /// cache.insert(1, 1).unwrap();
    /// assert_eq!(cache.get(&1), Some(1));
    /// ```
    pub fn hasher<S2>(self, hasher: S2) -> CacheBuilder<K, V, P, S2> {
        CacheBuilder {
            max_size: self.max_size,
            policy_value: self.policy_value,
            hasher,
            listener: self.listener,
        }
    }

    /// Calls `listener(key, value, cause)` for every entry that leaves the cache, after the
    /// cache lock is released: it may call back into the cache. See [`RemovalCause`] for the
    /// causes. Entries removed together (by `clear` or a shrinking `set_max_size`) are reported
    /// in policy order, next victim first. A panic in the listener propagates to the caller of
    /// the operation that removed the entry; the cache stays consistent.
    ///
    /// # Examples
    ///
    /// ```
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
    /// ```
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
    /// [`Error::InvalidMaxSize`] when `max_size` exceeds [`MAX_SIZE_LIMIT`](crate::MAX_SIZE_LIMIT).
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::{Cache, Error, LruPolicy, MAX_SIZE_LIMIT};
    ///
    /// let built = Cache::<u32, u32, LruPolicy>::builder().max_size(MAX_SIZE_LIMIT + 1).build();
    /// assert!(matches!(built, Err(Error::InvalidMaxSize { .. })));
    /// ```
    pub fn build(self) -> Result<Cache<K, V, P, S>, Error>
    where
        K: Hash + Eq,
        V: Clone,
        P: Policy,
        S: BuildHasher,
    {
        check_max_size(self.max_size)?;
        Ok(Cache::from_shard(
            Shard::new(self.policy_value, self.max_size),
            self.hasher,
            self.listener,
        ))
    }
}

impl<K, V, P: Policy, S> fmt::Debug for CacheBuilder<K, V, P, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CacheBuilder")
            .field("max_size", &self.max_size)
            .field("policy", &self.policy_value.name())
            .field("eviction_listener", &self.listener.is_some())
            .finish_non_exhaustive()
    }
}
