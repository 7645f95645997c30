//! [`AnyValueCache`]: values of any type in one cache, read back typed.
//!
//! # The problem
//!
//! A service keeps clients of many kinds (an object store's, a queue's, a database's) and wants
//! one bound, one policy and one set of counters over all of them, not one cache per type.
//! Values are stored type-erased, as an `Arc<dyn Any + Send + Sync>` with the stored type's
//! name; a typed read downcasts and clones (clients are `Arc`s inside, so a clone is cheap);
//! a read as the wrong type is an [`Error::TypeMismatch`] naming both types, never a panic.
//!
//! The cache is a [`Cache`] over that erased value, with the policy chosen at run time
//! ([`AnyCache`]): every method means what the `Cache` method of the same name means, and is
//! documented there; the ones here only add the typing. Keys may say when their entry stops
//! being valid ([`ExpiringKey`]): the cache then never serves it past that instant minus a
//! margin.

use crate::error::Error;
use crate::expiring_key::{DEFAULT_EXPIRY_MARGIN, ExpiringKey, KeyDeadline};
use crate::listener::RemovalCause;
use crate::policy_kind::{AnyCache, PolicyKind};
use crate::stats::CacheStats;
use crate::{Cache, CacheBuilder};
use std::any::{Any, type_name};
use std::fmt::{self, Debug};
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

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

/// A bounded cache of values of any type under keys `K`, read back typed.
///
/// A service keeps clients of many kinds (an object store's, a queue's, a database's) and wants
/// one bound, one policy and one set of counters over all of them, not one cache per type.
/// Values are stored type-erased with their type's name; a typed read downcasts and clones
/// (clients are `Arc`s inside, so a clone is cheap); a read as the wrong type is an
/// [`Error::TypeMismatch`] naming both types, never a panic.
///
/// It is a [`Cache`] over the erased value with the policy chosen at run time ([`AnyCache`]):
/// each method means what the `Cache` method of the same name means, and is documented there.
/// Keys may say when their entry stops being valid ([`ExpiringKey`]): the cache then never
/// serves it past that instant minus a margin ([`AnyValueCacheBuilder::expiry_margin`]).
///
/// # Examples
///
/// ```
/// use clientcache::{AnyValueCache, Error};
///
/// #[derive(Clone, Debug, PartialEq)]
/// struct QueueClient(u32);
///
/// let cache: AnyValueCache<String> = AnyValueCache::new(2)?;
/// cache.insert("queue/eu".to_string(), QueueClient(1))?;
/// cache.insert("store/eu".to_string(), String::from("an object-store client"))?;
/// assert_eq!(cache.try_get::<QueueClient>(&"queue/eu".to_string())?, QueueClient(1));
/// let err = cache.try_get::<u64>(&"queue/eu".to_string()).unwrap_err();
/// assert!(matches!(err, Error::TypeMismatch { .. }));
/// assert!(err.to_string().contains("QueueClient") && err.to_string().contains("u64"));
/// # Ok::<(), Error>(())
/// ```
pub struct AnyValueCache<K> {
    inner: AnyCache<K, Stored>,
}

/// Builds an [`AnyValueCache`]; start with [`AnyValueCache::builder`]. Each setter is the
/// [`CacheBuilder`] setter of the same name.
#[derive(Clone)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct AnyValueCacheBuilder<K> {
    inner: CacheBuilder<K, Stored, crate::AnyPolicy>,
    expiry_margin: Duration,
}

impl<K: ExpiringKey> AnyValueCacheBuilder<K> {
    /// [`CacheBuilder::max_size`].
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn max_size(mut self, max_size: usize) -> Self {
        self.inner = self.inner.max_size(max_size);
        self
    }

    /// [`CacheBuilder::shards`].
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn shards(mut self, shards: usize) -> Self {
        self.inner = self.inner.shards(shards);
        self
    }

    /// [`CacheBuilder::policy`].
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn policy(mut self, kind: PolicyKind) -> Self {
        self.inner = self.inner.policy(kind);
        self
    }

    /// [`CacheBuilder::policy_name`].
    ///
    /// # Errors
    ///
    /// [`Error::UnknownPolicy`] listing the available names.
    pub fn policy_name(mut self, name: &str) -> Result<Self, Error> {
        self.inner = self.inner.policy_name(name)?;
        Ok(self)
    }

    /// [`CacheBuilder::eviction_listener`], told the key and why it left.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::{AnyValueCache, RemovalCause};
    /// use std::sync::{Arc, Mutex};
    ///
    /// let evicted = Arc::new(Mutex::new(Vec::new()));
    /// let log = Arc::clone(&evicted);
    /// let cache = AnyValueCache::builder()
    ///     .max_size(1)
    ///     .eviction_listener(move |key: &'static str, cause| log.lock().unwrap().push((key, cause)))
    ///     .build()?;
    /// cache.insert("a", 1u8)?;
    /// cache.insert("b", 2u8)?;
    /// assert_eq!(*evicted.lock().unwrap(), [("a", RemovalCause::Evicted)]);
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

    /// [`CacheBuilder::time_to_idle`]: entries not read for `tti` expire, releasing their
    /// values (and the connection pools of clients).
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn time_to_idle(mut self, tti: Duration) -> Self {
        self.inner = self.inner.time_to_idle(tti);
        self
    }

    /// [`CacheBuilder::clock`].
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn clock(mut self, clock: impl crate::Clock) -> Self {
        self.inner = self.inner.clock(clock);
        self
    }

    /// How long before a key's [`expires_at`](ExpiringKey::expires_at) its entry stops being
    /// served (default [`DEFAULT_EXPIRY_MARGIN`], 60 s).
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn expiry_margin(mut self, margin: Duration) -> Self {
        self.expiry_margin = margin;
        self
    }

    /// Builds the cache.
    ///
    /// # Errors
    ///
    /// As [`CacheBuilder::build`].
    pub fn build(self) -> Result<AnyValueCache<K>, Error> {
        let deadline = KeyDeadline {
            margin: self.expiry_margin,
            _key: PhantomData,
        };
        Ok(AnyValueCache {
            inner: self.inner.expire_after(deadline).build()?,
        })
    }
}

impl<K: ExpiringKey> AnyValueCache<K> {
    /// A cache of at most `max_size` entries under the default policy (LRU).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidMaxSize`] for a size above [`MAX_SIZE_LIMIT`](crate::MAX_SIZE_LIMIT).
    pub fn new(max_size: usize) -> Result<Self, Error> {
        Self::builder().max_size(max_size).build()
    }

    /// A builder: LRU and [`DEFAULT_MAX_SIZE`](crate::DEFAULT_MAX_SIZE) unless set.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::AnyValueCache;
    ///
    /// let cache = AnyValueCache::<String>::builder().policy_name("TinyLFU")?.build()?;
    /// assert_eq!((cache.max_size(), cache.policy_name()), (10, "TinyLFU"));
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    pub fn builder() -> AnyValueCacheBuilder<K> {
        AnyValueCacheBuilder {
            inner: Cache::builder(),
            expiry_margin: DEFAULT_EXPIRY_MARGIN,
        }
    }

    /// [`Cache::insert`].
    ///
    /// # Errors
    ///
    /// [`Error::AlreadyCached`] when `key` is cached.
    pub fn insert<T: Any + Send + Sync>(&self, key: K, value: T) -> Result<(), Error> {
        self.inner.insert(key, Stored::new(value))
    }

    /// [`Cache::get`], as a `T`.
    ///
    /// # Errors
    ///
    /// [`Error::TypeMismatch`] naming `T` and the stored type when the value is not a `T`.
    #[inline]
    pub fn get<T: Any + Clone>(&self, key: &K) -> Result<Option<T>, Error> {
        match self.inner.get(key) {
            None => Ok(None),
            Some(stored) => downcast(key, &stored).map(Some),
        }
    }

    /// [`Cache::try_get`], as a `T`.
    ///
    /// # Errors
    ///
    /// [`Error::NotCached`] when nothing is cached, [`Error::TypeMismatch`] when the value is
    /// not a `T`.
    pub fn try_get<T: Any + Clone>(&self, key: &K) -> Result<T, Error> {
        self.get(key)?.ok_or_else(|| Error::not_cached(key))
    }

    /// [`Cache::contains_key`].
    #[must_use]
    pub fn contains_key(&self, key: &K) -> bool {
        self.inner.contains_key(key)
    }

    /// [`Cache::remove`], returning the value as a `T`. A value of another type stays cached.
    ///
    /// # Errors
    ///
    /// [`Error::NotCached`] when nothing is cached, [`Error::TypeMismatch`] when the value is
    /// not a `T`.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::AnyValueCache;
    ///
    /// let cache: AnyValueCache<&str> = AnyValueCache::new(10)?;
    /// cache.insert("a", 1u8)?;
    /// assert!(cache.remove::<String>(&"a").is_err()); // wrong type: kept
    /// assert_eq!(cache.remove::<u8>(&"a")?, 1);
    /// assert!(cache.remove::<u8>(&"a").is_err());
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    pub fn remove<T: Any + Clone>(&self, key: &K) -> Result<T, Error> {
        match self.inner.remove_if(key, |stored| stored.value.is::<T>()) {
            Some(stored) => downcast(key, &stored),
            None => match self.inner.peek(key) {
                Some(stored) => downcast(key, &stored),
                None => Err(Error::not_cached(key)),
            },
        }
    }

    /// [`Cache::remove`], whatever the value's type.
    ///
    /// # Errors
    ///
    /// [`Error::NotCached`] when nothing is cached under `key`.
    pub fn discard(&self, key: &K) -> Result<(), Error> {
        self.inner.remove(key).map(drop)
    }

    /// [`Cache::get_or_insert_with`], as a `T`.
    ///
    /// # Errors
    ///
    /// [`Error::TypeMismatch`] when a value of another type is cached under `key`.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::AnyValueCache;
    ///
    /// let cache: AnyValueCache<&str> = AnyValueCache::new(10)?;
    /// let a: String = cache.get_or_insert_with("s3", || "built once".to_string())?;
    /// let b: String = cache.get_or_insert_with("s3", || unreachable!("cached"))?;
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

    /// [`Cache::try_get_or_insert_with`], as a `T`.
    ///
    /// # Errors
    ///
    /// `init`'s error, or [`Error::TypeMismatch`] (converted with `E: From<Error>`).
    pub fn try_get_or_insert_with<T, E, F>(&self, key: K, init: F) -> Result<T, E>
    where
        T: Any + Send + Sync + Clone,
        E: From<Error> + Clone + Send + Sync + 'static,
        F: FnOnce() -> Result<T, E>,
    {
        // A clone names the key if the stored type is wrong.
        let label = key.clone();
        let stored = self
            .inner
            .try_get_or_insert_with(key, || init().map(Stored::new))?;
        downcast(&label, &stored).map_err(E::from)
    }

    /// [`Cache::try_get_or_insert_with_async`], as a `T`.
    ///
    /// # Errors
    ///
    /// As [`try_get_or_insert_with`](Self::try_get_or_insert_with).
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

    /// [`Cache::len`].
    #[must_use]
    pub fn len(&self) -> usize {
        self.inner.len()
    }

    /// [`Cache::is_empty`].
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }

    /// [`Cache::max_size`].
    #[must_use]
    pub fn max_size(&self) -> usize {
        self.inner.max_size()
    }

    /// [`Cache::shard_count`].
    #[must_use]
    pub fn shard_count(&self) -> usize {
        self.inner.shard_count()
    }

    /// [`Cache::set_max_size`].
    ///
    /// # Errors
    ///
    /// As [`Cache::set_max_size`].
    pub fn set_max_size(&self, max_size: usize) -> Result<(), Error> {
        self.inner.set_max_size(max_size)
    }

    /// [`Cache::policy_name`].
    #[must_use]
    pub fn policy_name(&self) -> &'static str {
        self.inner.policy_name()
    }

    /// [`Cache::stats`].
    #[must_use]
    pub fn stats(&self) -> CacheStats {
        self.inner.stats()
    }

    /// [`Cache::keys`].
    #[must_use]
    pub fn keys(&self) -> Vec<K> {
        self.inner.keys()
    }

    /// [`Cache::purge_expired`].
    pub fn purge_expired(&self) -> usize {
        self.inner.purge_expired()
    }

    /// [`Cache::clear`].
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

impl<K> Clone for AnyValueCache<K> {
    /// Another handle to the same cache.
    fn clone(&self) -> Self {
        AnyValueCache {
            inner: self.inner.clone(),
        }
    }
}

impl<K> fmt::Debug for AnyValueCache<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AnyValueCache")
            .field("cache", &self.inner)
            .finish()
    }
}

impl<K> fmt::Debug for AnyValueCacheBuilder<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AnyValueCacheBuilder")
            .field("builder", &self.inner)
            .field("expiry_margin", &self.expiry_margin)
            .finish()
    }
}
