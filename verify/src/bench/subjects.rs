//! The caches compared by the benchmark, behind one small trait.
//!
//! Our sharded subjects split their locks exactly as quick_cache splits its own by default
//! ([`shards()`]): four shards per available core, rounded up to a power of two, halved while
//! a shard would hold fewer than 32 entries (quick_cache 0.7, `OptionsBuilder::build` and
//! `sync::Cache::with_options`), so both sides of the comparison have the same number of
//! locks.

use clientcache::Cache;
use clientcache_policy_lfu::LfuPolicy;
use clientcache_policy_lru::LruPolicy;
use clientcache_policy_tinylfu::TinyLfuPolicy;
use hashbrown::HashMap;
use std::num::NonZeroUsize;
use std::sync::Mutex;

/// A bounded `u64 -> u64` cache under test.
pub trait BenchCache: Send + Sync {
    /// A lookup (an access where the cache tracks them).
    fn get(&self, key: u64) -> Option<u64>;
    /// Inserts a key known to be absent, evicting when full.
    fn insert(&self, key: u64, value: u64);
}

/// The subjects, by the name the report uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubjectKind {
    /// `clientcache::Cache` with exact LRU.
    OursLru,
    /// `clientcache::Cache` with O(1) LFU.
    OursLfu,
    /// `clientcache::Cache` with adaptive W-TinyLFU.
    OursTinyLfu,
    /// `clientcache::Cache` with exact LRU in each of [`shards()`] shards.
    OursLruSharded,
    /// `clientcache::Cache` with W-TinyLFU in each of [`shards()`] shards.
    OursTinyLfuSharded,
    /// `clientcache::Cache` with exact LRU and a one-hour time-to-live: what expiry costs.
    OursLruTtl,
    /// `Mutex<hashbrown::HashMap>`: no policy at all, the floor.
    MutexHashMap,
    /// `Mutex<lru::LruCache>`.
    MutexLru,
    /// `quick_cache::sync::Cache`.
    QuickCache,
    /// `moka::sync::Cache`.
    Moka,
    /// Cloudflare's `TinyUFO` (lock-free: S3-FIFO eviction with TinyLFU admission).
    TinyUfo,
}

impl SubjectKind {
    /// Every subject, ours first.
    pub const ALL: [SubjectKind; 11] = [
        SubjectKind::OursLru,
        SubjectKind::OursLfu,
        SubjectKind::OursTinyLfu,
        SubjectKind::OursLruSharded,
        SubjectKind::OursTinyLfuSharded,
        SubjectKind::OursLruTtl,
        SubjectKind::MutexHashMap,
        SubjectKind::MutexLru,
        SubjectKind::QuickCache,
        SubjectKind::Moka,
        SubjectKind::TinyUfo,
    ];

    /// The report name.
    pub fn name(self) -> &'static str {
        match self {
            SubjectKind::OursLru => "clientcache LRU",
            SubjectKind::OursLfu => "clientcache LFU",
            SubjectKind::OursTinyLfu => "clientcache TinyLFU",
            SubjectKind::OursLruSharded => "clientcache LRU, sharded",
            SubjectKind::OursTinyLfuSharded => "clientcache TinyLFU, sharded",
            SubjectKind::OursLruTtl => "clientcache LRU, TTL",
            SubjectKind::MutexHashMap => "Mutex<HashMap>",
            SubjectKind::MutexLru => "Mutex<lru::LruCache>",
            SubjectKind::QuickCache => "quick_cache",
            SubjectKind::Moka => "moka",
            SubjectKind::TinyUfo => "TinyUFO",
        }
    }

    /// Whether this is one of our caches (not a peer).
    pub fn is_ours(self) -> bool {
        matches!(
            self,
            SubjectKind::OursLru
                | SubjectKind::OursLfu
                | SubjectKind::OursTinyLfu
                | SubjectKind::OursLruSharded
                | SubjectKind::OursTinyLfuSharded
                | SubjectKind::OursLruTtl
        )
    }

    /// The command-line name.
    pub fn slug(self) -> &'static str {
        match self {
            SubjectKind::OursLru => "ours-lru",
            SubjectKind::OursLfu => "ours-lfu",
            SubjectKind::OursTinyLfu => "ours-tinylfu",
            SubjectKind::OursLruSharded => "ours-lru-sharded",
            SubjectKind::OursTinyLfuSharded => "ours-tinylfu-sharded",
            SubjectKind::OursLruTtl => "ours-lru-ttl",
            SubjectKind::MutexHashMap => "hashmap",
            SubjectKind::MutexLru => "lru-crate",
            SubjectKind::QuickCache => "quick_cache",
            SubjectKind::Moka => "moka",
            SubjectKind::TinyUfo => "tinyufo",
        }
    }

    /// The subject named `slug`.
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.slug() == slug)
    }

    /// Builds the subject holding at most `capacity` entries.
    pub fn build(self, capacity: usize) -> Box<dyn BenchCache> {
        let sharded = shards(capacity);
        match self {
            SubjectKind::OursLru => Ours::<LruPolicy>::boxed(capacity, 1),
            SubjectKind::OursLfu => Ours::<LfuPolicy>::boxed(capacity, 1),
            SubjectKind::OursTinyLfu => Ours::<TinyLfuPolicy>::boxed(capacity, 1),
            SubjectKind::OursLruSharded => Ours::<LruPolicy>::boxed(capacity, sharded),
            SubjectKind::OursTinyLfuSharded => Ours::<TinyLfuPolicy>::boxed(capacity, sharded),
            SubjectKind::OursLruTtl => Box::new(Ours(
                Cache::<u64, u64, LruPolicy>::builder()
                    .max_size(capacity)
                    .time_to_live(std::time::Duration::from_secs(3600))
                    .build()
                    .expect("valid capacity"),
            )),
            SubjectKind::MutexHashMap => Box::new(MapFloor::new(capacity)),
            SubjectKind::MutexLru => Box::new(Mutex::new(lru::LruCache::new(
                NonZeroUsize::new(capacity.max(1)).expect("at least 1"),
            ))),
            SubjectKind::QuickCache => {
                Box::new(quick_cache::sync::Cache::<u64, u64>::new(capacity))
            }
            SubjectKind::Moka => Box::new(
                moka::sync::Cache::<u64, u64>::builder()
                    .max_capacity(capacity as u64)
                    .build(),
            ),
            // Weight 1 per entry: the weight limit is the entry count.
            SubjectKind::TinyUfo => Box::new(TinyUfo(tinyufo::TinyUfo::new(
                capacity.max(1),
                capacity.max(1),
            ))),
        }
    }
}

/// The shard count of our sharded subjects at `capacity` entries (see the module docs).
///
/// ```
/// use clientcache_verify::bench::subjects::shards;
///
/// assert_eq!(shards(10), 1);
/// assert_eq!(shards(64), 2);
/// assert!(shards(10_000).is_power_of_two());
/// ```
pub fn shards(capacity: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut shards = (4 * cores).next_power_of_two().min(clientcache::MAX_SHARDS);
    while shards > 1 && capacity.div_ceil(shards) < 32 {
        shards /= 2;
    }
    shards
}

struct Ours<P: clientcache_policy_api::Policy>(Cache<u64, u64, P>);

impl<P> Ours<P>
where
    P: clientcache_policy_api::Policy + Default + Send + Sync + 'static,
{
    fn boxed(capacity: usize, shards: usize) -> Box<dyn BenchCache> {
        let cache = Cache::<u64, u64, P>::builder()
            .max_size(capacity)
            .shards(shards)
            .build()
            .expect("valid capacity and shards");
        Box::new(Ours(cache))
    }
}

impl<P> BenchCache for Ours<P>
where
    P: clientcache_policy_api::Policy + Send + Sync,
{
    fn get(&self, key: u64) -> Option<u64> {
        self.0.get(&key)
    }

    fn insert(&self, key: u64, value: u64) {
        // The benchmark inserts keys that were absent when looked up; only in the
        // multi-threaded mixed workload may another thread have inserted it since.
        let inserted = self.0.insert(key, value);
        debug_assert!(matches!(
            inserted,
            Ok(()) | Err(clientcache::Error::AlreadyCached { .. })
        ));
    }
}

/// The floor: a locked map that evicts the oldest inserted key by arithmetic, which only works
/// because the single-thread benchmark inserts consecutive keys. The mixed workload builds it
/// with room for its whole key space, so it never evicts there: lock, hash and probe, no policy.
struct MapFloor {
    map: Mutex<HashMap<u64, u64>>,
    capacity: u64,
}

impl MapFloor {
    fn new(capacity: usize) -> Self {
        MapFloor {
            map: Mutex::new(HashMap::with_capacity(capacity)),
            capacity: capacity as u64,
        }
    }
}

impl BenchCache for MapFloor {
    fn get(&self, key: u64) -> Option<u64> {
        self.map.lock().unwrap().get(&key).copied()
    }

    fn insert(&self, key: u64, value: u64) {
        let mut map = self.map.lock().unwrap();
        if map.len() as u64 >= self.capacity {
            map.remove(&key.wrapping_sub(self.capacity));
        }
        map.insert(key, value);
    }
}

impl BenchCache for Mutex<lru::LruCache<u64, u64>> {
    fn get(&self, key: u64) -> Option<u64> {
        self.lock().unwrap().get(&key).copied()
    }

    fn insert(&self, key: u64, value: u64) {
        self.lock().unwrap().put(key, value);
    }
}

impl BenchCache for quick_cache::sync::Cache<u64, u64> {
    fn get(&self, key: u64) -> Option<u64> {
        quick_cache::sync::Cache::get(self, &key)
    }

    fn insert(&self, key: u64, value: u64) {
        quick_cache::sync::Cache::insert(self, key, value);
    }
}

impl BenchCache for moka::sync::Cache<u64, u64> {
    fn get(&self, key: u64) -> Option<u64> {
        moka::sync::Cache::get(self, &key)
    }

    fn insert(&self, key: u64, value: u64) {
        moka::sync::Cache::insert(self, key, value);
    }
}

/// `TinyUFO` behind the benchmark's trait.
struct TinyUfo(tinyufo::TinyUfo<u64, u64>);

impl BenchCache for TinyUfo {
    fn get(&self, key: u64) -> Option<u64> {
        self.0.get(&key)
    }

    fn insert(&self, key: u64, value: u64) {
        // What it evicts comes back; dropping it here is part of an insert's cost.
        drop(self.0.put(key, value, 1));
    }
}
