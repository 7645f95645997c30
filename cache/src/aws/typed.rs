//! [`TypedCache`] ([`ClientCache`], [`ResourceCache`]): clients of every service in one cache,
//! read back typed.
//!
//! Values are stored type-erased, as an `Arc<dyn Any + Send + Sync>` with the stored type's
//! name, so one cache holds S3, DynamoDB and STS clients side by side, as boto3-client-cache's
//! does. A typed read downcasts and clones (an SDK client is an `Arc` inside); a read as the
//! wrong type is an [`Error::TypeMismatch`] naming both types, never a panic.

use super::expiring::{CredentialsDeadline, DEFAULT_CREDENTIALS_EXPIRY_MARGIN, ExpiringKey};
use super::key::ClientCacheKey;
use super::resource::ResourceCacheKey;
use crate::error::Error;
use crate::listener::RemovalCause;
use crate::policy_kind::{AnyCache, PolicyKind};
use crate::stats::CacheStats;
use crate::{Cache, CacheBuilder};
use std::any::{Any, type_name};
use std::fmt::{self, Debug};
use std::future::Future;
use std::hash::Hash;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

/// A cache of clients keyed by [`ClientCacheKey`].
pub type ClientCache = TypedCache<ClientCacheKey>;

/// A cache of resource handles keyed by [`ResourceCacheKey`].
pub type ResourceCache = TypedCache<ResourceCacheKey>;

/// A stored value: the value and its type's name (for mismatch errors).
#[derive(Clone)]
struct Stored {
    value: Arc<dyn Any + Send + Sync>,
    type_name: &'static str,
}

impl Stored {
    fn new<T: Any + Send + Sync>(value: T) -> Self {
        Stored {
            value: Arc::new(value),
            type_name: type_name::<T>(),
        }
    }
}

/// A bounded cache of values of any type under keys `K`, read back typed. See
/// [`ClientCache`] and [`ResourceCache`].
///
/// The policy is chosen by name at run time (`"LRU"`, the default, `"LFU"`, `"TinyLFU"`), the
/// errors are the dict-like ones ([`Error::AlreadyCached`], [`Error::NotCached`]) plus
/// [`Error::TypeMismatch`]. Every method takes `&self`; share the cache with an `Arc`.
///
/// An entry whose key's credentials expire ([`ExpiringKey::expires_at`]) is served until the
/// expiration minus a margin ([`TypedCacheBuilder::credentials_expiry_margin`]), then expires:
/// the next `get_or_insert_with` builds a fresh client. Keys without an expiration (no
/// credentials, long-term credentials, or a self-refreshing provider from an `SdkConfig`)
/// never expire, unless a time-to-idle is set ([`TypedCacheBuilder::time_to_idle`]).
///
/// # Examples
///
/// ```
/// use clientcache::{aws::{ClientCache, ClientCacheKey}, Error};
///
/// #[derive(Clone, Debug, PartialEq)]
/// struct StsClient(u32);
///
/// let cache = ClientCache::new(2, "LRU")?; // or "LFU", "TinyLFU"
/// let key = ClientCacheKey::builder("sts").region("us-east-1").build()?;
/// cache.insert(key.clone(), StsClient(1))?;
/// assert!(matches!(cache.insert(key.clone(), StsClient(2)), Err(Error::AlreadyCached { .. })));
/// assert_eq!(cache.try_get::<StsClient>(&key)?, StsClient(1));
/// let err = cache.try_get::<u64>(&key).unwrap_err();
/// assert!(err.to_string().contains("StsClient") && err.to_string().contains("u64"));
/// cache.remove(&key)?;
/// assert!(matches!(cache.remove(&key), Err(Error::NotCached { .. })));
/// # Ok::<(), Error>(())
/// ```
pub struct TypedCache<K> {
    inner: AnyCache<K, Stored>,
}

/// Builds a [`TypedCache`]; start with [`TypedCache::builder`].
#[derive(Clone)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct TypedCacheBuilder<K> {
    inner: CacheBuilder<K, Stored, crate::AnyPolicy>,
    credentials_margin: Duration,
}

impl<K: ExpiringKey> TypedCacheBuilder<K> {
    /// How long before a key's credentials expire its entry stops being served (default
    /// [`DEFAULT_CREDENTIALS_EXPIRY_MARGIN`], 60 s). See
    /// [`ClientCacheKeyBuilder::credentials_expiry`](super::ClientCacheKeyBuilder::credentials_expiry).
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::{ClientCache, ClientCacheKey};
    /// use clientcache::ManualClock;
    /// use std::time::{Duration, SystemTime};
    ///
    /// let clock = ManualClock::new();
    /// let cache = ClientCache::builder()
    ///     .credentials_expiry_margin(Duration::from_secs(300))
    ///     .clock(clock.clone())
    ///     .build()?;
    /// let key = ClientCacheKey::builder("s3")
    ///     .credentials("ASIAIOSFODNN7EXAMPLE", "secret", Some("token"))
    ///     .credentials_expiry(SystemTime::now() + Duration::from_secs(900))
    ///     .build()?;
    /// cache.insert(key.clone(), "client")?;
    /// clock.advance(Duration::from_secs(590));
    /// assert!(cache.contains_key(&key));
    /// clock.advance(Duration::from_secs(20)); // past expiry minus 5 minutes
    /// assert!(!cache.contains_key(&key));
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn credentials_expiry_margin(mut self, margin: Duration) -> Self {
        self.credentials_margin = margin;
        self
    }

    /// Entries not read for `tti` expire, releasing their clients (and connection pools);
    /// see [`CacheBuilder::time_to_idle`](crate::CacheBuilder::time_to_idle).
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCache;
    /// use std::time::Duration;
    ///
    /// let cache = ClientCache::builder().time_to_idle(Duration::from_secs(600)).build()?;
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn time_to_idle(mut self, tti: Duration) -> Self {
        self.inner = self.inner.time_to_idle(tti);
        self
    }

    /// The clock expiry reads (default [`MonotonicClock`](crate::MonotonicClock)); see
    /// [`CacheBuilder::clock`](crate::CacheBuilder::clock).
    ///
    /// # Examples
    ///
    /// See [`credentials_expiry_margin`](Self::credentials_expiry_margin).
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn clock(mut self, clock: impl crate::Clock) -> Self {
        self.inner = self.inner.clock(clock);
        self
    }

    /// The most entries the cache holds (default [`DEFAULT_MAX_SIZE`](crate::DEFAULT_MAX_SIZE),
    /// 10). 0 caches nothing.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCache;
    ///
    /// assert_eq!(ClientCache::builder().max_size(3).build()?.max_size(), 3);
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn max_size(mut self, max_size: usize) -> Self {
        self.inner = self.inner.max_size(max_size);
        self
    }

    /// Splits the cache into `shards` shards, each with its own lock and policy (default 1);
    /// see [`CacheBuilder::shards`](crate::CacheBuilder::shards) for the trade-off and how to
    /// choose.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCache;
    ///
    /// let cache = ClientCache::builder().max_size(64).shards(4).build()?;
    /// assert_eq!(cache.shard_count(), 4);
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn shards(mut self, shards: usize) -> Self {
        self.inner = self.inner.shards(shards);
        self
    }

    /// The eviction policy.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::{aws::ClientCache, PolicyKind};
    ///
    /// let cache = ClientCache::builder().policy(PolicyKind::Lru).build()?;
    /// assert_eq!(cache.policy_name(), "LRU");
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn policy(mut self, kind: PolicyKind) -> Self {
        self.inner = self.inner.policy(kind);
        self
    }

    /// The eviction policy by name, case-insensitively: `"LRU"`, `"LFU"`, `"TinyLFU"`.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownPolicy`] listing the available names.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCache;
    ///
    /// assert!(ClientCache::builder().policy_name("MRU").is_err());
    /// ```
    pub fn policy_name(mut self, name: &str) -> Result<Self, Error> {
        self.inner = self.inner.policy_name(name)?;
        Ok(self)
    }

    /// Calls `listener` with each key that leaves the cache and why, after the cache lock is
    /// released (so it may use the cache).
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::{aws::{ClientCache, ClientCacheKey}, RemovalCause};
    /// use std::sync::{Arc, Mutex};
    ///
    /// let evicted = Arc::new(Mutex::new(Vec::new()));
    /// let log = Arc::clone(&evicted);
    /// let cache = ClientCache::builder()
    ///     .max_size(1)
    ///     .eviction_listener(move |key: ClientCacheKey, cause| {
    ///         log.lock().unwrap().push((key.to_string(), cause));
    ///     })
    ///     .build()?;
    /// cache.insert(ClientCacheKey::builder("s3").region("us-east-1").build()?, 1u8)?;
    /// cache.insert(ClientCacheKey::builder("s3").region("us-west-2").build()?, 2u8)?;
    /// assert_eq!(
    ///     *evicted.lock().unwrap(),
    ///     [("s3(region=us-east-1)".to_string(), RemovalCause::Evicted)]
    /// );
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn eviction_listener<F>(mut self, listener: F) -> Self
    where
        F: Fn(K, RemovalCause) + Send + Sync + 'static,
    {
        self.inner = self
            .inner
            .eviction_listener(move |key, _value, cause| listener(key, cause));
        self
    }

    /// Builds the cache.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidMaxSize`] when `max_size` exceeds
    /// [`MAX_SIZE_LIMIT`](crate::MAX_SIZE_LIMIT).
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::{aws::ClientCache, MAX_SIZE_LIMIT};
    ///
    /// assert!(ClientCache::builder().max_size(MAX_SIZE_LIMIT + 1).build().is_err());
    /// ```
    pub fn build(self) -> Result<TypedCache<K>, Error> {
        let deadline = CredentialsDeadline {
            margin: self.credentials_margin,
            _key: PhantomData,
        };
        Ok(TypedCache {
            inner: self.inner.expire_after(deadline).build()?,
        })
    }
}

impl<K: ExpiringKey> TypedCache<K> {
    /// A cache of at most `max_size` entries with the policy named `policy` (`"LRU"`, `"LFU"`,
    /// `"TinyLFU"`, case-insensitive).
    ///
    /// # Errors
    ///
    /// [`Error::UnknownPolicy`] for an unknown name, [`Error::InvalidMaxSize`] for a size
    /// above [`MAX_SIZE_LIMIT`](crate::MAX_SIZE_LIMIT).
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ResourceCache;
    ///
    /// let cache = ResourceCache::new(50, "lru")?;
    /// assert_eq!((cache.max_size(), cache.policy_name()), (50, "LRU"));
    /// assert!(ResourceCache::new(50, "fifo").is_err());
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    pub fn new(max_size: usize, policy: &str) -> Result<Self, Error> {
        Self::builder()
            .max_size(max_size)
            .policy_name(policy)?
            .build()
    }

    /// A builder: LRU and [`DEFAULT_MAX_SIZE`](crate::DEFAULT_MAX_SIZE) unless set.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCache;
    ///
    /// let cache = ClientCache::builder().build()?;
    /// assert_eq!((cache.max_size(), cache.policy_name()), (10, "LRU"));
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn builder() -> TypedCacheBuilder<K> {
        TypedCacheBuilder {
            inner: Cache::builder(),
            credentials_margin: DEFAULT_CREDENTIALS_EXPIRY_MARGIN,
        }
    }

    /// Caches `value` under `key`.
    ///
    /// # Errors
    ///
    /// [`Error::AlreadyCached`] when `key` is cached (the cache never overwrites).
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::{ClientCache, ClientCacheKey};
    ///
    /// let cache = ClientCache::new(10, "LRU")?;
    /// let key = ClientCacheKey::builder("s3").build()?;
    /// cache.insert(key.clone(), "client")?;
    /// assert!(cache.insert(key, "another").is_err());
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    pub fn insert<T: Any + Send + Sync>(&self, key: K, value: T) -> Result<(), Error> {
        self.inner.insert(key, Stored::new(value))
    }

    /// The value cached under `key` as a `T` (a clone), `Ok(None)` when nothing is cached. An
    /// access: the policy and the stats record it.
    ///
    /// # Errors
    ///
    /// [`Error::TypeMismatch`] naming `T` and the stored type when the value is not a `T`.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::{ClientCache, ClientCacheKey};
    ///
    /// let cache = ClientCache::new(10, "LRU")?;
    /// let key = ClientCacheKey::builder("s3").build()?;
    /// assert_eq!(cache.get::<String>(&key)?, None);
    /// cache.insert(key.clone(), "client".to_string())?;
    /// assert_eq!(cache.get::<String>(&key)?.as_deref(), Some("client"));
    /// assert!(cache.get::<u32>(&key).is_err());
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    #[inline]
    pub fn get<T: Any + Clone>(&self, key: &K) -> Result<Option<T>, Error> {
        match self.inner.get(key) {
            None => Ok(None),
            Some(stored) => downcast(key, &stored).map(Some),
        }
    }

    /// The value cached under `key` as a `T`.
    ///
    /// # Errors
    ///
    /// [`Error::NotCached`] when nothing is cached, [`Error::TypeMismatch`] when the value is
    /// not a `T`.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::{aws::{ClientCache, ClientCacheKey}, Error};
    ///
    /// let cache = ClientCache::new(10, "LRU")?;
    /// let key = ClientCacheKey::builder("s3").build()?;
    /// assert!(matches!(cache.try_get::<u8>(&key), Err(Error::NotCached { .. })));
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    pub fn try_get<T: Any + Clone>(&self, key: &K) -> Result<T, Error> {
        self.get(key)?.ok_or_else(|| Error::not_cached(key))
    }

    /// Whether `key` is cached (not an access).
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::{ClientCache, ClientCacheKey};
    ///
    /// let cache = ClientCache::new(10, "LRU")?;
    /// let key = ClientCacheKey::builder("s3").build()?;
    /// assert!(!cache.contains_key(&key));
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    pub fn contains_key(&self, key: &K) -> bool {
        self.inner.contains_key(key)
    }

    /// Removes `key`'s value.
    ///
    /// # Errors
    ///
    /// [`Error::NotCached`] when nothing is cached under `key`.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::{ClientCache, ClientCacheKey};
    ///
    /// let cache = ClientCache::new(10, "LRU")?;
    /// let key = ClientCacheKey::builder("s3").build()?;
    /// cache.insert(key.clone(), 1u8)?;
    /// cache.remove(&key)?;
    /// assert!(cache.remove(&key).is_err());
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    pub fn remove(&self, key: &K) -> Result<(), Error> {
        self.inner.remove(key).map(drop)
    }

    /// The `T` cached under `key`, or `init()`'s value, cached. Concurrent callers with one
    /// key run one `init` (single flight); it runs with no lock held.
    ///
    /// # Errors
    ///
    /// [`Error::TypeMismatch`] when a value of another type is cached under `key`.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::{ClientCache, ClientCacheKey};
    ///
    /// let cache = ClientCache::new(10, "LRU")?;
    /// let key = ClientCacheKey::builder("s3").build()?;
    /// let a: String = cache.get_or_insert_with(key.clone(), || "built once".to_string())?;
    /// let b: String = cache.get_or_insert_with(key, || unreachable!("cached"))?;
    /// assert_eq!(a, b);
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    pub fn get_or_insert_with<T, F>(&self, key: K, init: F) -> Result<T, Error>
    where
        T: Any + Send + Sync + Clone,
        F: FnOnce() -> T,
    {
        self.try_get_or_insert_with(key, || Ok::<T, Error>(init()))
    }

    /// Like [`get_or_insert_with`](Self::get_or_insert_with) with a loader that can fail: on
    /// `Err` nothing is cached and the error is returned.
    ///
    /// # Errors
    ///
    /// `init`'s error, or [`Error::TypeMismatch`] (converted with `E: From<Error>`).
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::{aws::{ClientCache, ClientCacheKey}, Error};
    ///
    /// let cache = ClientCache::new(10, "LRU")?;
    /// let key = ClientCacheKey::builder("s3").build()?;
    /// let failed = cache.try_get_or_insert_with(key.clone(), || {
    ///     Err::<u8, _>(Error::NotCached { key: "example".into() })
    /// });
    /// assert!(failed.is_err() && !cache.contains_key(&key));
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    pub fn try_get_or_insert_with<T, E, F>(&self, key: K, init: F) -> Result<T, E>
    where
        T: Any + Send + Sync + Clone,
        E: From<Error> + Clone + Send + Sync + 'static,
        F: FnOnce() -> Result<T, E>,
    {
        // A clone (an `Arc` for the AWS keys) names the key if the stored type is wrong.
        let label = key.clone();
        let stored = self
            .inner
            .try_get_or_insert_with(key, || init().map(Stored::new))?;
        downcast(&label, &stored).map_err(E::from)
    }

    /// The async [`try_get_or_insert_with`](Self::try_get_or_insert_with): concurrent tasks
    /// asking for one key await one `init` future. Cancel-safe: a dropped waiter never blocks
    /// the others, and a dropped loader lets a waiter take over (see
    /// [`Cache::try_get_or_insert_with_async`]).
    ///
    /// # Errors
    ///
    /// `init`'s error, or [`Error::TypeMismatch`] (converted with `E: From<Error>`).
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::{aws::{ClientCache, ClientCacheKey}, Error};
    ///
    /// # fn block_on<F: std::future::Future>(f: F) -> F::Output {
    /// #     let waker = std::task::Waker::noop();
    /// #     let mut cx = std::task::Context::from_waker(&waker);
    /// #     let mut f = std::pin::pin!(f);
    /// #     loop {
    /// #         if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; }
    /// #     }
    /// # }
    /// let cache = ClientCache::new(10, "LRU")?;
    /// let key = ClientCacheKey::builder("s3").build()?;
    /// let client = block_on(cache.try_get_or_insert_with_async(key, || async {
    ///     Ok::<_, Error>("client".to_string()) // e.g. load an SdkConfig, then build
    /// }))?;
    /// assert_eq!(client, "client");
    /// # Ok::<(), Error>(())
    /// ```
    pub async fn try_get_or_insert_with_async<T, E, F, Fut>(&self, key: K, init: F) -> Result<T, E>
    where
        T: Any + Send + Sync + Clone,
        E: From<Error> + Clone + Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let label = key.clone();
        let stored = self
            .inner
            .try_get_or_insert_with_async(key, move || async move { init().await.map(Stored::new) })
            .await?;
        downcast(&label, &stored).map_err(E::from)
    }

    /// The number of cached values.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCache;
    ///
    /// assert_eq!(ClientCache::new(10, "LRU")?.len(), 0);
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    #[must_use]
    pub fn len(&self) -> usize {
        self.inner.len()
    }

    /// Whether nothing is cached.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCache;
    ///
    /// assert!(ClientCache::new(10, "LRU")?.is_empty());
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }

    /// The most values the cache holds.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCache;
    ///
    /// assert_eq!(ClientCache::new(4, "LRU")?.max_size(), 4);
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    #[must_use]
    pub fn max_size(&self) -> usize {
        self.inner.max_size()
    }

    /// The number of shards ([`TypedCacheBuilder::shards`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCache;
    ///
    /// assert_eq!(ClientCache::new(4, "LRU")?.shard_count(), 1);
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    #[must_use]
    pub fn shard_count(&self) -> usize {
        self.inner.shard_count()
    }

    /// Changes the bound, evicting in policy order at once when it shrinks.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidMaxSize`] above [`MAX_SIZE_LIMIT`](crate::MAX_SIZE_LIMIT).
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCache;
    ///
    /// let cache = ClientCache::new(4, "LRU")?;
    /// cache.set_max_size(8)?;
    /// assert_eq!(cache.max_size(), 8);
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    pub fn set_max_size(&self, max_size: usize) -> Result<(), Error> {
        self.inner.set_max_size(max_size)
    }

    /// The policy's name (`"LRU"`, `"LFU"`, `"TinyLFU"`).
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCache;
    ///
    /// assert_eq!(ClientCache::new(4, "lru")?.policy_name(), "LRU");
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    #[must_use]
    pub fn policy_name(&self) -> &'static str {
        self.inner.policy_name()
    }

    /// Hits, misses, inserts, evictions so far.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::{ClientCache, ClientCacheKey};
    ///
    /// let cache = ClientCache::new(4, "LRU")?;
    /// let key = ClientCacheKey::builder("s3").build()?;
    /// let _ = cache.get::<u8>(&key)?;
    /// assert_eq!(cache.stats().misses, 1);
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    #[must_use]
    pub fn stats(&self) -> CacheStats {
        self.inner.stats()
    }

    /// The cached keys, next victim first.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::{ClientCache, ClientCacheKey};
    ///
    /// let cache = ClientCache::new(4, "LRU")?;
    /// cache.insert(ClientCacheKey::builder("s3").build()?, 1u8)?;
    /// assert_eq!(cache.keys()[0].to_string(), "s3()");
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    #[must_use]
    pub fn keys(&self) -> Vec<K> {
        self.inner.keys()
    }

    /// Removes every entry whose deadline has passed (credentials about to expire, or idle
    /// past the time-to-idle) and returns how many; see
    /// [`Cache::purge_expired`](crate::Cache::purge_expired) for running it periodically.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCache;
    ///
    /// assert_eq!(ClientCache::new(4, "LRU")?.purge_expired(), 0);
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    pub fn purge_expired(&self) -> usize {
        self.inner.purge_expired()
    }

    /// Removes everything.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::{ClientCache, ClientCacheKey};
    ///
    /// let cache = ClientCache::new(4, "LRU")?;
    /// cache.insert(ClientCacheKey::builder("s3").build()?, 1u8)?;
    /// cache.clear();
    /// assert!(cache.is_empty());
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    pub fn clear(&self) {
        self.inner.clear();
    }
}

/// `stored` as a `T`, or a mismatch naming both types.
#[inline]
fn downcast<T: Any + Clone, Q: Debug + ?Sized>(key: &Q, stored: &Stored) -> Result<T, Error> {
    match stored.value.downcast_ref::<T>() {
        Some(value) => Ok(value.clone()),
        None => Err(Error::type_mismatch(
            key,
            type_name::<T>(),
            stored.type_name,
        )),
    }
}

impl<K> Clone for TypedCache<K> {
    /// Another handle to the same cache (an `Arc` clone).
    fn clone(&self) -> Self {
        TypedCache {
            inner: self.inner.clone(),
        }
    }
}

impl<K: Hash + Eq> fmt::Debug for TypedCache<K> {
    /// Policy, size and bound; never keys or values.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TypedCache")
            .field("policy", &self.inner.policy_name())
            .field("len", &self.inner.len())
            .field("max_size", &self.inner.max_size())
            .finish()
    }
}

impl<K> fmt::Debug for TypedCacheBuilder<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TypedCacheBuilder").finish_non_exhaustive()
    }
}
