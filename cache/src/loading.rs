//! Single-flight loading: [`Cache::get_or_insert_with`] and
//! [`Cache::try_get_or_insert_with`], and their async twins
//! [`Cache::get_or_insert_with_async`] and [`Cache::try_get_or_insert_with_async`].
//!
//! The protocol (registering a flight, waiting, publishing) is described in `flight.rs`. This
//! file drives it; [`LoadGuard`] makes sure a loader that fails, panics or (async) is cancelled
//! still releases its waiters. The sync and async paths share every step but the waiting
//! ([`Cache::begin_load`], [`LoadGuard`]).

use crate::cache::Cache;
use crate::flight::{Flight, FlightWait, Waited};
use crate::listener::Removals;
use crate::shard::Begin;
use crate::sync::Arc;
use clientcache_policy_api::Policy;
use std::cell::RefCell;
use std::convert::Infallible;
use std::fmt::Debug;
use std::future::Future;
use std::hash::{BuildHasher, Hash};
use std::pin::Pin;
use std::task::{Context, Poll};

crate::sync::thread_local! {
    /// The flights (by address) whose loader is running on this thread right now: the sync
    /// loader for its whole call, an async loader while it is being polled.
    // Not `const { .. }`: loom\'s `thread_local!` does not take it.
    #[allow(clippy::missing_const_for_thread_local)]
    static LOADING: RefCell<Vec<usize>> = RefCell::new(Vec::new());
}

/// Marks a flight as loading on this thread while alive.
struct LoadingHere(usize);

impl LoadingHere {
    fn enter<V>(flight: &Flight<V>) -> Self {
        let at = flight as *const Flight<V> as usize;
        LOADING.with(|l| l.borrow_mut().push(at));
        LoadingHere(at)
    }

    /// Whether `flight`'s loader is running on this thread (a wait on it would never end).
    fn includes<V>(flight: &Flight<V>) -> bool {
        let at = flight as *const Flight<V> as usize;
        LOADING.with(|l| l.borrow().contains(&at))
    }
}

impl Drop for LoadingHere {
    fn drop(&mut self) {
        LOADING.with(|l| {
            let mut l = l.borrow_mut();
            if let Some(at) = l.iter().rposition(|&f| f == self.0) {
                l.remove(at);
            }
        });
    }
}

/// An async loader's future, marked as loading on its thread while polled.
struct Marked<'f, V, F> {
    flight: &'f Flight<V>,
    future: Pin<Box<F>>,
}

impl<V, F: Future> Future for Marked<'_, V, F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let _here = LoadingHere::enter(self.flight);
        self.future.as_mut().poll(cx)
    }
}

/// The panic of a loader that asked for its own key: it would wait for itself forever.
#[cold]
#[track_caller]
fn load_cycle(key: &dyn Debug) -> ! {
    panic!(
        "clientcache: the loader of key `{}` asked the same cache for the same key on the same \
         thread (directly, or through other loads), and would wait for its own result forever; \
         a loader may load other keys, but must build its own value without reloading its key",
        crate::error::label(key)
    )
}

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
    /// - If it fails ([`try_get_or_insert_with`](Self::try_get_or_insert_with)), every waiter
    ///   gets a clone of its error.
    ///
    /// A caller runs its own `init` at most once, and only while no other load of `key` is in
    /// flight. Each call counts one hit or one miss. With `max_size` 0 the value is returned but
    /// not kept; concurrent callers still share one load. A plain [`get`](Self::get) during a
    /// load misses without waiting.
    ///
    /// `init` may load other keys from the same cache, but not its own (it would wait for
    /// itself forever).
    ///
    /// # Panics
    ///
    /// When `init`, on the thread running it, asks this cache for the key it is loading (the
    /// cycle is detected and reported, naming the key, rather than hanging); and when `init`
    /// panics (its own panic).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
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
    /// # }
    /// ```
    pub fn get_or_insert_with<F>(&self, key: K, init: F) -> V
    where
        K: Debug,
        F: FnOnce() -> V,
    {
        match self.try_get_or_insert_with(key, || Ok::<V, Infallible>(init())) {
            Ok(value) => value,
            Err(never) => match never {},
        }
    }

    /// Like [`get_or_insert_with`](Self::get_or_insert_with), with a loader that can fail.
    ///
    /// When `init` returns `Err`, nothing is cached, and this call and every call waiting on
    /// this load return the error: a failing load runs once, however many callers wait on it.
    /// The error is shared by cloning, so `E` is `Clone` (an error type that is not can be
    /// returned as an `Arc<E>`). A waiter that asked with another error type cannot be handed
    /// this one: it retries, and may run its own `init`.
    ///
    /// # Errors
    ///
    /// The error `init` returned, whichever call ran it.
    ///
    /// # Panics
    ///
    /// As [`get_or_insert_with`](Self::get_or_insert_with).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// let cache: Cache<&str, u32, LruPolicy> = Cache::new(10);
    /// let failed: Result<u32, String> =
    ///     cache.try_get_or_insert_with("ssm", || Err("no credentials".to_string()));
    /// assert_eq!(failed.unwrap_err(), "no credentials");
    /// assert!(!cache.contains_key("ssm")); // nothing cached
    /// assert_eq!(cache.try_get_or_insert_with("ssm", || Ok::<_, String>(3)), Ok(3));
    /// assert_eq!(cache.get("ssm"), Some(3));
    /// # }
    /// ```
    pub fn try_get_or_insert_with<F, E>(&self, key: K, init: F) -> Result<V, E>
    where
        K: Debug,
        F: FnOnce() -> Result<V, E>,
        E: Clone + Send + Sync + 'static,
    {
        let hash = self.hash(&key);
        let mut counted = false;
        let mut key = key;
        let flight = loop {
            match self.begin_load(hash, key, &mut counted) {
                Begin::Hit(value) => return Ok(value),
                Begin::Wait(given_back, flight) => match waited::<V, E>(flight.wait()) {
                    Some(result) => return result,
                    None => key = given_back, // Abandoned: retry, maybe as the loader.
                },
                Begin::Load(flight) => break flight,
            }
        };
        let guard = LoadGuard {
            cache: self,
            hash,
            flight,
            finished: false,
        };
        // No lock held. On a panic, the guard abandons the flight.
        let loaded = {
            let _here = LoadingHere::enter(&guard.flight);
            init()
        };
        guard.settle(loaded)
    }

    /// The async [`get_or_insert_with`](Self::get_or_insert_with): concurrent tasks asking for
    /// one key run **one** `init` future and share its value.
    ///
    /// Works on any executor (the waiting uses only `std::task::Waker`s). Never holds the
    /// cache lock across an `.await`: the returned future is `Send` when `K`, `V`, `P`, `S` and
    /// `init`'s future are. Waiting tasks are woken when the load finishes; they do not poll.
    ///
    /// Cancellation is safe:
    ///
    /// - dropping a *waiting* call's future only unregisters it; the load and the other
    ///   waiters carry on;
    /// - dropping the *loading* call's future (the one running `init`) abandons the load as a
    ///   failure does: nothing is cached, the waiters are woken, and one of them runs its own
    ///   `init`.
    ///
    /// Mixing the sync and async families on one key is allowed; but a sync call that waits
    /// blocks its thread, so do not let it wait on a load whose future runs on that same thread
    /// (a single-threaded executor).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// # fn block_on<F: std::future::Future>(f: F) -> F::Output {
    /// #     let waker = std::task::Waker::noop();
    /// #     let mut cx = std::task::Context::from_waker(&waker);
    /// #     let mut f = std::pin::pin!(f);
    /// #     loop {
    /// #         if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; }
    /// #     }
    /// # }
    /// let cache: Cache<&str, String, LruPolicy> = Cache::new(10);
    /// let client = block_on(cache.get_or_insert_with_async("eu-west-1", || async {
    ///     // e.g. `aws_config::load_from_env().await`, then build the client.
    ///     "client for eu-west-1".to_string()
    /// }));
    /// assert_eq!(client, "client for eu-west-1");
    /// assert_eq!(cache.get("eu-west-1").as_deref(), Some("client for eu-west-1"));
    /// # }
    /// ```
    pub async fn get_or_insert_with_async<F, Fut>(&self, key: K, init: F) -> V
    where
        K: Debug,
        F: FnOnce() -> Fut,
        Fut: Future<Output = V>,
    {
        let loaded = self
            .try_get_or_insert_with_async(key, || async { Ok::<V, Infallible>(init().await) })
            .await;
        match loaded {
            Ok(value) => value,
            Err(never) => match never {},
        }
    }

    /// The async [`try_get_or_insert_with`](Self::try_get_or_insert_with): like
    /// [`get_or_insert_with_async`](Self::get_or_insert_with_async), with a loader that can
    /// fail. When `init`'s future returns `Err`, nothing is cached, and this call and every
    /// task waiting on the load return the error, as in
    /// [`try_get_or_insert_with`](Self::try_get_or_insert_with).
    ///
    /// # Errors
    ///
    /// The error `init`'s future returned, whichever call ran it.
    ///
    /// # Panics
    ///
    /// When `init`'s future, while it is polled, asks this cache for its own key (a task
    /// awaiting itself); and when `init` or its future panics.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
    /// use clientcache::{Cache, LruPolicy};
    ///
    /// # fn block_on<F: std::future::Future>(f: F) -> F::Output {
    /// #     let waker = std::task::Waker::noop();
    /// #     let mut cx = std::task::Context::from_waker(&waker);
    /// #     let mut f = std::pin::pin!(f);
    /// #     loop {
    /// #         if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; }
    /// #     }
    /// # }
    /// let cache: Cache<&str, u32, LruPolicy> = Cache::new(10);
    /// let failed = block_on(cache.try_get_or_insert_with_async("sts", || async {
    ///     Err::<u32, _>("no credentials")
    /// }));
    /// assert_eq!(failed, Err("no credentials"));
    /// assert!(!cache.contains_key("sts")); // nothing cached
    /// let loaded = block_on(cache.try_get_or_insert_with_async("sts", || async { Ok::<_, &str>(4) }));
    /// assert_eq!(loaded, Ok(4));
    /// # }
    /// ```
    pub async fn try_get_or_insert_with_async<F, Fut, E>(&self, key: K, init: F) -> Result<V, E>
    where
        K: Debug,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>>,
        E: Clone + Send + Sync + 'static,
    {
        let hash = self.hash(&key);
        let mut counted = false;
        let mut key = key;
        let flight = loop {
            // `begin_load` takes and releases the lock: no guard lives across an `.await`.
            match self.begin_load(hash, key, &mut counted) {
                Begin::Hit(value) => return Ok(value),
                Begin::Wait(given_back, flight) => {
                    match waited::<V, E>(FlightWait::new(flight).await) {
                        Some(result) => return result,
                        None => key = given_back, // Abandoned: retry, maybe as the loader.
                    }
                }
                Begin::Load(flight) => break flight,
            }
        };
        let guard = LoadGuard {
            cache: self,
            hash,
            flight,
            finished: false,
        };
        // No lock held. On a panic, or this future being dropped here, the guard abandons the
        // flight and the waiters retry.
        let loaded = Marked {
            flight: &guard.flight,
            future: Box::pin(init()),
        }
        .await;
        guard.settle(loaded)
    }

    /// One step of the family, under the key's shard lock ([`Shard::begin_load`]). The first
    /// step of a call is its one counted lookup; `counted` records that it was taken.
    ///
    /// [`Shard::begin_load`]: crate::shard::Shard::begin_load
    fn begin_load(&self, hash: u64, key: K, counted: &mut bool) -> Begin<K, V>
    where
        K: Debug,
    {
        let retry = std::mem::replace(counted, true);
        let now = self.now();
        let mut expired = Removals::new();
        let begun = self
            .lock(hash)
            .begin_load(hash, key, retry, now, &mut expired);
        self.deliver(expired);
        if let Begin::Wait(key, flight) = &begun {
            if LoadingHere::includes(flight) {
                load_cycle(key);
            }
        }
        begun
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
    /// Ends the load with what the loader returned: stores a value, or shares an error with
    /// the waiters.
    fn settle<E: Clone + Send + Sync + 'static>(self, loaded: Result<V, E>) -> Result<V, E> {
        match loaded {
            Ok(value) => Ok(self.complete(value)),
            Err(error) => {
                let shared = std::sync::Arc::new(error.clone());
                let mut guard = self;
                guard.finished = true;
                guard.end(Waited::Failed(shared));
                Err(error)
            }
        }
    }

    /// Stores the loaded `value` (unless the key was inserted meanwhile), publishes the
    /// outcome to the waiters, and returns it.
    fn complete(mut self, value: V) -> V {
        // Cloned before the lock is taken: user code, and the shard keeps the copy.
        let copy = value.clone();
        let now = self.cache.now();
        let mut removed = Removals::new();
        let finished = self.cache.lock(self.hash).finish_load(
            self.hash,
            &self.flight,
            (value, copy),
            now.map(|now| (now, self.cache.expiry())),
            &mut removed,
        );
        // Finished before publishing: should a waiter's waker panic in `finish`, the guard's
        // drop must not finish the flight a second time (as abandoned).
        self.finished = true;
        self.flight.finish(Waited::Loaded(finished.value.clone()));
        drop(finished.unused); // Outside the lock, like every removal.
        self.cache.deliver(removed);
        finished.value
    }
}

impl<K, V, P, S> LoadGuard<'_, K, V, P, S> {
    /// Unregisters the flight (if `complete` did not) and publishes `outcome`.
    fn end(&self, outcome: Waited<V>) {
        // `None` when `complete` had already unregistered the flight before a panic.
        let key = self
            .cache
            .lock(self.hash)
            .abandon_load(self.hash, &self.flight);
        drop(key); // Outside the lock.
        self.flight.finish(outcome);
    }
}

/// A waiter's result from how the load ended: the value, the loader's error (when it is an
/// `E`), or `None` to retry.
fn waited<V, E: Clone + 'static>(outcome: Waited<V>) -> Option<Result<V, E>> {
    match outcome {
        Waited::Loaded(value) => Some(Ok(value)),
        Waited::Failed(error) => error.downcast_ref::<E>().map(|e| Err(e.clone())),
        Waited::Abandoned => None,
    }
}

impl<K, V, P, S> Drop for LoadGuard<'_, K, V, P, S> {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        self.end(Waited::Abandoned);
    }
}

#[cfg(all(test, not(loom)))]
#[path = "loading_tests.rs"]
mod tests;

#[cfg(all(test, not(loom)))]
#[path = "loading_async_tests.rs"]
mod async_tests;
