//! Single-flight loading: [`Cache::get_or_insert_with`] and
//! [`Cache::try_get_or_insert_with`].
//!
//! The protocol (registering a flight, waiting, publishing) is described in `flight.rs`. This
//! file drives it; [`LoadGuard`] makes sure a loader that fails or panics still releases its
//! waiters.

use crate::cache::Cache;
use crate::flight::Flight;
use crate::listener::Removals;
use crate::sync::Arc;
use clientcache_policy_api::Policy;
use std::convert::Infallible;
use std::hash::{BuildHasher, Hash};

impl<K, V, P, S> Cache<K, V, P, S>
where
    K: Hash + Eq,
    V: Clone,
    P: Policy,
    S: BuildHasher,
{
    /// The value cached under `key`, or the value `init` loads, which is then cached.
    ///
    /// Concurrent misses on one key run **one** `init` (*single flight*):
    ///
    /// - On a hit, returns the cached value (an access, counted as a hit).
    /// - On a miss with no load of `key` in flight, this call becomes the loader: it runs
    ///   `init` with no lock held (loads of different keys run in parallel), stores the value
    ///   (evicting as [`insert`](Self::insert) does) and returns it. If `key` was inserted by
    ///   someone else meanwhile, the cached value wins: it is returned and `init`'s value is
    ///   dropped.
    /// - On a miss while another call loads `key`, waits for that load and returns (a clone of)
    ///   its value without running `init`.
    /// - If the loader panics, nothing is cached, the panic propagates to the loader's caller
    ///   only, and the waiters retry: one of them runs its own `init`.
    ///
    /// A caller runs its own `init` at most once, and only while no other load of `key` is in
    /// flight. Each call counts one hit or one miss. With `max_size` 0 the value is returned but
    /// not kept; concurrent callers still share one load. A plain [`get`](Self::get) during a
    /// load misses without waiting.
    ///
    /// `init` must not load the same key from the same cache (it would wait for itself forever);
    /// other keys are fine.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::{Cache, LruPolicy};
    /// use std::sync::atomic::{AtomicU32, Ordering};
    ///
    /// let cache: Cache<&str, String, LruPolicy> = Cache::new(10);
    /// let created = AtomicU32::new(0);
    /// let make_client = |region: &str| {
    ///     created.fetch_add(1, Ordering::Relaxed);
    ///     format!("client for {region}")
    /// };
    /// let a = cache.get_or_insert_with("us-east-1", || make_client("us-east-1"));
    /// let b = cache.get_or_insert_with("us-east-1", || make_client("us-east-1"));
    /// assert_eq!(a, b);
    /// assert_eq!(created.load(Ordering::Relaxed), 1);
    /// ```
    pub fn get_or_insert_with<F>(&self, key: K, init: F) -> V
    where
        F: FnOnce() -> V,
    {
        match self.try_get_or_insert_with(key, || Ok::<V, Infallible>(init())) {
            Ok(value) => value,
            Err(never) => match never {},
        }
    }

    /// Like [`get_or_insert_with`](Self::get_or_insert_with), with a loader that can fail.
    ///
    /// When `init` returns `Err`, nothing is cached and this call returns the error. Calls that
    /// were waiting on this load do not get the error (it is not `Clone`): they retry, and one
    /// of them runs its own `init`.
    ///
    /// # Errors
    ///
    /// The error `init` returned, when this call ran it.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache: Cache<&str, u32, LruPolicy> = Cache::new(10);
    /// let failed: Result<u32, String> =
    ///     cache.try_get_or_insert_with("ssm", || Err("no credentials".to_string()));
    /// assert_eq!(failed.unwrap_err(), "no credentials");
    /// assert!(!cache.contains_key("ssm")); // nothing cached
    /// assert_eq!(cache.try_get_or_insert_with("ssm", || Ok::<_, String>(3)), Ok(3));
    /// assert_eq!(cache.get("ssm"), Some(3));
    /// ```
    pub fn try_get_or_insert_with<F, E>(&self, key: K, init: F) -> Result<V, E>
    where
        F: FnOnce() -> Result<V, E>,
    {
        let hash = self.hash(&key);
        let mut counted = false;
        let flight = loop {
            let mut shard = self.lock();
            // The first look is the call's one counted lookup; retries after an abandoned
            // load are the same request, so they only peek.
            let hit = if counted {
                shard.peek(hash, &key)
            } else {
                counted = true;
                shard.get(hash, &key)
            };
            if let Some(value) = hit {
                return Ok(value);
            }
            if let Some(flight) = shard.flights.find(hash, &key) {
                let flight = Arc::clone(flight);
                drop(shard);
                match flight.wait() {
                    Some(value) => return Ok(value),
                    None => continue, // The loader failed: retry, maybe as the loader.
                }
            }
            break shard.flights.start(hash, key);
        };
        let guard = LoadGuard {
            cache: self,
            hash,
            flight,
            finished: false,
        };
        let value = init()?; // No lock held. On `Err` or a panic, the guard abandons.
        Ok(guard.complete(value))
    }
}

/// The loader's side of a flight. Dropped without [`complete`](Self::complete) (the loader
/// failed or panicked), it unregisters the flight and releases the waiters.
struct LoadGuard<'a, K, V, P, S> {
    cache: &'a Cache<K, V, P, S>,
    hash: u64,
    flight: Arc<Flight<V>>,
    /// Whether the outcome was published; if not, `drop` publishes "abandoned".
    finished: bool,
}

impl<K, V, P, S> LoadGuard<'_, K, V, P, S>
where
    K: Hash + Eq,
    V: Clone,
    P: Policy,
    S: BuildHasher,
{
    /// Stores the loaded `value` (unless the key was inserted meanwhile), publishes the
    /// outcome to the waiters, and returns it.
    fn complete(mut self, value: V) -> V {
        let for_cache = value.clone();
        let mut removed = Removals::new();
        let (result, unused) = {
            let mut shard = self.cache.lock();
            let key = shard
                .flights
                .take(self.hash, &self.flight)
                .expect("only its loader unregisters a flight");
            match shard.peek(self.hash, &key) {
                // `insert` raced the loader: the cached value wins.
                Some(current) => (current, Some((key, value, for_cache))),
                None => {
                    shard.insert_new(self.hash, key, for_cache, &mut removed);
                    (value, None)
                }
            }
        };
        self.flight.finish(Some(result.clone()));
        self.finished = true;
        drop(unused); // Outside the lock, like every removal.
        self.cache.deliver(removed);
        result
    }
}

impl<K, V, P, S> Drop for LoadGuard<'_, K, V, P, S> {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        // `None` when `complete` had already unregistered the flight before a panic.
        let key = self.cache.lock().flights.take(self.hash, &self.flight);
        drop(key); // Outside the lock.
        self.flight.finish(None);
    }
}

#[cfg(all(test, not(loom)))]
#[path = "loading_tests.rs"]
mod tests;
