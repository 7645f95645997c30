//! Test-only policies: small, obviously correct, and independent of the policy crates.

use crate::builder::CacheBuilder;
use crate::cache::Cache;
use clientcache_policy_api::{EntryId, InvariantViolation, Policy, ensure};

/// Exact LRU by moving ids in a `Vec` (O(n)): the reference the cache tests compare against.
/// Also records what the cache told it, so tests can check which events happened.
#[derive(Clone, Debug, Default)]
pub(crate) struct VecLru {
    /// Next victim first.
    order: Vec<EntryId>,
    /// Hashes passed to `on_miss`, in order.
    pub(crate) misses: Vec<u64>,
    /// The last `set_capacity`.
    pub(crate) capacity: Option<usize>,
    /// When false, `admit` refuses every newcomer.
    pub(crate) refuse_all: bool,
}

impl VecLru {
    /// A policy whose admission filter refuses every newcomer.
    pub(crate) fn refusing() -> Self {
        VecLru {
            refuse_all: true,
            ..VecLru::default()
        }
    }

    fn position(&self, id: EntryId) -> usize {
        self.order
            .iter()
            .position(|&x| x == id)
            .unwrap_or_else(|| panic!("{id:?} is not resident"))
    }
}

impl Policy for VecLru {
    type Iter<'a> = std::iter::Copied<std::slice::Iter<'a, EntryId>>;

    fn name(&self) -> &'static str {
        "VecLRU"
    }

    fn set_capacity(&mut self, capacity: usize) {
        self.capacity = Some(capacity);
    }

    fn len(&self) -> usize {
        self.order.len()
    }

    fn on_insert(&mut self, id: EntryId, _hash: u64) {
        assert!(!self.order.contains(&id), "{id:?} inserted twice");
        self.order.push(id);
    }

    fn on_access(&mut self, id: EntryId, _hash: u64) {
        let at = self.position(id);
        let id = self.order.remove(at);
        self.order.push(id);
    }

    fn on_remove(&mut self, id: EntryId) {
        let at = self.position(id);
        self.order.remove(at);
    }

    fn on_miss(&mut self, hash: u64) {
        self.misses.push(hash);
    }

    fn victim(&mut self) -> Option<EntryId> {
        self.order.first().copied()
    }

    fn admit(&self, _candidate_hash: u64, _victim: EntryId) -> bool {
        !self.refuse_all
    }

    fn iter(&self) -> Self::Iter<'_> {
        self.order.iter().copied()
    }

    fn clear(&mut self) {
        self.order.clear();
    }

    fn validate(&self) -> Result<(), InvariantViolation> {
        let mut sorted = self.order.clone();
        sorted.sort();
        sorted.dedup();
        ensure!(
            sorted.len() == self.order.len(),
            "duplicate ids in {:?}",
            self.order
        );
        Ok(())
    }
}

/// The cache the unit tests use: `u32 -> String` under [`VecLru`].
pub(crate) type TestCache = Cache<u32, String, VecLru>;

/// A [`TestCache`] builder with `max_size`.
pub(crate) fn builder(max_size: usize) -> CacheBuilder<u32, String, VecLru> {
    TestCache::builder().max_size(max_size)
}

/// A [`TestCache`] holding at most `max_size` entries.
pub(crate) fn cache(max_size: usize) -> TestCache {
    TestCache::new(max_size)
}

/// The value tests store for `key`.
pub(crate) fn value(key: u32) -> String {
    format!("v{key}")
}

/// Runs `f` on another thread and panics (instead of hanging) if it does not finish within
/// 10 s: a self-deadlock on the cache lock or a lost wake-up shows up as a failure. A panic in
/// `f` fails the test too.
pub(crate) fn within_seconds(f: impl FnOnce() + Send + 'static) {
    let (done, finished) = std::sync::mpsc::channel();
    let worker = std::thread::spawn(move || {
        f();
        let _ = done.send(());
    });
    match finished.recv_timeout(std::time::Duration::from_secs(10)) {
        Ok(()) => worker.join().expect("the test body finished"),
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            if let Err(panic) = worker.join() {
                std::panic::resume_unwind(panic);
            }
        }
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            panic!("timed out after 10 s: a deadlock or a lost wake-up")
        }
    }
}

/// Number of callers waiting on the load of `key` (the table and the loader hold one `Arc`
/// each).
pub(crate) fn waiters(cache: &TestCache, key: u32) -> usize {
    let hash = cache.hash(&key);
    let shard = cache.lock(hash);
    shard
        .flight_of(hash, &key)
        .map_or(0, |flight| std::sync::Arc::strong_count(flight) - 2)
}

/// Number of loads registered (in flight) in `cache`.
pub(crate) fn loading(cache: &TestCache) -> usize {
    use crate::sharding::AllShards;
    cache.shards().with_all(|shards| shards.loads_in_flight())
}
