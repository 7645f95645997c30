//! Replaying a trace through the peers: `moka`, `quick_cache` and the `lru` crate, with the
//! same request semantics as ours (a lookup, and an insert after a miss).
//!
//! # How each peer is driven
//!
//! - **moka** (`moka::sync::Cache`, TinyLFU admission with an LRU main space): built with
//!   `build_with_hasher` and clientcache's fixed-seed hasher (the run's: `sim --hash-seed`), since its frequency sketch is
//!   indexed by the key hash: with moka's default random hasher the hit ratio moves by several
//!   points from run to run on small traces (lirs/gli at 1000: 37.3 % to 45.5 %). After each
//!   insert `run_pending_tasks()` applies the pending evictions at once: without it moka holds
//!   up to 64 entries beyond its capacity for a while, which inflates its hit ratio (by 8
//!   points on web07 at 205). Its reads are recorded in a buffer that the same call drains,
//!   so the sketch sees every access in order.
//! - **quick_cache** (`quick_cache::unsync::Cache`, CLOCK-Pro-like hot/cold with ghost
//!   entries): item capacity = weight capacity = the capacity, unit weights, the same
//!   fixed-seed hasher (its ghost list keeps key hashes).
//! - **lru crate** (`lru::LruCache`): exact LRU, so it must match our `lru` everywhere.
//!
//! Capacity 0 caches nothing for every peer (0 hits), as for ours. [`super::run_one`] passes
//! at most the trace's number of distinct keys, since no cache can hold more: the results are
//! the same (a cache that never fills never evicts nor consults its admission filter), and a
//! huge `--capacity` does not allocate huge tables.

use super::driver::BLOCK;
use clientcache::DefaultHashBuilder;
use std::num::NonZeroUsize;

/// Hits of `moka::sync::Cache` (see the [module docs](self) for how it is driven).
pub fn replay_moka(
    ids: &[u32],
    distinct: &[u64],
    capacity: usize,
    hasher: &DefaultHashBuilder,
    progress: &mut dyn FnMut(u64),
) -> u64 {
    if capacity == 0 {
        progress(ids.len() as u64);
        return 0;
    }
    let cache: moka::sync::Cache<u64, (), DefaultHashBuilder> = moka::sync::Cache::builder()
        .max_capacity(capacity as u64)
        .build_with_hasher(hasher.clone());
    replay(ids, distinct, progress, |key| {
        let hit = cache.get(&key).is_some();
        if !hit {
            cache.insert(key, ());
            cache.run_pending_tasks();
        }
        hit
    })
}

/// Hits of `quick_cache::unsync::Cache`.
pub fn replay_quick_cache(
    ids: &[u32],
    distinct: &[u64],
    capacity: usize,
    hasher: &DefaultHashBuilder,
    progress: &mut dyn FnMut(u64),
) -> u64 {
    if capacity == 0 {
        progress(ids.len() as u64);
        return 0;
    }
    let mut cache = quick_cache::unsync::Cache::<u64, (), _, _, _>::with(
        capacity,
        capacity as u64,
        quick_cache::UnitWeighter,
        hasher.clone(),
        quick_cache::unsync::DefaultLifecycle::default(),
    );
    replay(ids, distinct, progress, |key| {
        let hit = cache.get(&key).is_some();
        if !hit {
            cache.insert(key, ());
        }
        hit
    })
}

/// Hits of `lru::LruCache` (exact LRU).
pub fn replay_lru_crate(
    ids: &[u32],
    distinct: &[u64],
    capacity: usize,
    progress: &mut dyn FnMut(u64),
) -> u64 {
    let Some(capacity) = NonZeroUsize::new(capacity) else {
        progress(ids.len() as u64);
        return 0;
    };
    let mut cache = lru::LruCache::<u64, ()>::new(capacity);
    replay(ids, distinct, progress, |key| {
        let hit = cache.get(&key).is_some();
        if !hit {
            cache.put(key, ());
        }
        hit
    })
}

/// Runs `request` (a lookup, and an insert after a miss; returns whether it hit) on the key
/// of every request (`distinct[id]` for each of `ids`), reporting progress every [`BLOCK`]
/// requests; returns the hits.
fn replay(
    ids: &[u32],
    distinct: &[u64],
    progress: &mut dyn FnMut(u64),
    mut request: impl FnMut(u64) -> bool,
) -> u64 {
    let mut hits = 0;
    for chunk in ids.chunks(BLOCK) {
        for &id in chunk {
            hits += u64::from(request(distinct[id as usize]));
        }
        progress(chunk.len() as u64);
    }
    hits
}
