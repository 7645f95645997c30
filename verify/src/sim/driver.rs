//! Replaying a trace through one of our policies, driven directly or through `Cache`.
//!
//! Both follow the request semantics of the whole harness: each request is a lookup, and a
//! miss is followed by an insert of the key. [`replay_policy`] drives a bare [`Policy`] exactly
//! as `clientcache::Cache` does (its `Shard`), so the two give identical hit counts:
//!
//! - hit: `on_access(id, hash)`;
//! - miss: `on_miss(hash)`, then the insert: when `len == capacity`, `v = victim()`; if
//!   `admit(hash, v)` then `on_remove(v)` (what `evict()` does, without asking for `v` again)
//!   and reuse its id, else the newcomer is not stored; then `on_insert(id, hash)`. Below
//!   capacity the next id is `len`: the ids a slab hands out when nothing was removed yet, as
//!   the cache's slab does.
//!
//! Capacity 0 stores nothing (as the cache's `max_size` 0).

use super::dense::DenseTrace;
use clientcache::{Cache, DefaultHashBuilder};
use clientcache_policy_api::{EntryId, Policy};

/// Requests per progress report.
pub const BLOCK: usize = 1 << 16;

/// No entry: `slot_of[key]` of a key that is not resident.
const NONE: u32 = u32::MAX;

/// Hits of `policy` (fresh) on `trace` with room for `capacity` keys, calling
/// `progress(n)` after each block of `n` requests.
///
/// # Panics
///
/// When `capacity` exceeds [`EntryId::MAX_INDEX`] + 1, or the policy breaks its contract
/// (no victim when full).
pub fn replay_policy<P: Policy>(
    mut policy: P,
    trace: &DenseTrace,
    capacity: usize,
    progress: &mut dyn FnMut(u64),
) -> u64 {
    assert!(
        capacity <= EntryId::MAX_INDEX + 1,
        "capacity {capacity} exceeds the EntryId range"
    );
    policy.set_capacity(capacity);
    // Invariant: slot_of[k] is the entry id of key k when resident, else NONE;
    // key_of[id] is the key of the resident entry id; key_of.len() == policy.len().
    let mut slot_of = vec![NONE; trace.unique()];
    let mut key_of: Vec<u32> = Vec::with_capacity(capacity.min(trace.unique()));
    let hashes = &trace.hashes;
    let mut hits = 0u64;
    for chunk in trace.ids.chunks(BLOCK) {
        for &key in chunk {
            let k = key as usize;
            let hash = hashes[k];
            let slot = slot_of[k];
            if slot != NONE {
                policy.on_access(EntryId::new(slot), hash);
                hits += 1;
                continue;
            }
            policy.on_miss(hash);
            let id = if key_of.len() < capacity {
                key_of.push(key);
                (key_of.len() - 1) as u32
            } else {
                let Some(victim) = policy.victim() else {
                    continue; // capacity 0: nowhere to store.
                };
                if !policy.admit(hash, victim) {
                    continue;
                }
                // As `Cache` does: remove the victim without asking for it again.
                policy.on_remove(victim);
                let id = victim.get();
                slot_of[key_of[id as usize] as usize] = NONE;
                key_of[id as usize] = key;
                id
            };
            slot_of[k] = id;
            policy.on_insert(EntryId::new(id), hash);
        }
        progress(chunk.len() as u64);
    }
    debug_assert_eq!(policy.len(), key_of.len());
    hits
}

/// Hits of a fresh `Cache<u64, (), P>` of `max_size` `capacity`, built with `hasher`, on the
/// requests `ids` (each the index of its key in `distinct`): `get`, and `insert` after a miss.
/// The hit count is the cache's own `stats().hits`.
///
/// # Errors
///
/// When the cache refuses `capacity` (above `clientcache::MAX_SIZE_LIMIT`).
pub fn replay_cache<P>(
    ids: &[u32],
    distinct: &[u64],
    capacity: usize,
    hasher: &DefaultHashBuilder,
    progress: &mut dyn FnMut(u64),
) -> Result<u64, String>
where
    P: Policy + Default + Send + Sync,
{
    let cache = Cache::<u64, (), P>::builder()
        .max_size(capacity)
        .hasher(hasher.clone())
        .build()
        .map_err(|e| e.to_string())?;
    for chunk in ids.chunks(BLOCK) {
        for &id in chunk {
            let key = distinct[id as usize];
            if cache.get(&key).is_none() {
                // Absent, since single-threaded: the insert cannot find it cached.
                let inserted = cache.insert(key, ());
                debug_assert!(inserted.is_ok());
            }
        }
        progress(chunk.len() as u64);
    }
    Ok(cache.stats().hits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clientcache_policy_lru::LruPolicy;

    #[test]
    fn lru_direct_replay_counts_hits_and_evicts_the_least_recent() {
        // Capacity 2: 1 2 1 3 (evicts 2) 2 (miss, evicts 1) 1 (miss).
        let dense = DenseTrace::new(&[1, 2, 1, 3, 2, 1, 3]);
        assert_eq!(
            replay_policy(LruPolicy::default(), &dense, 2, &mut |_| {}),
            1
        );
        assert_eq!(
            replay_policy(LruPolicy::default(), &dense, 0, &mut |_| {}),
            0
        );
        assert_eq!(
            replay_policy(LruPolicy::default(), &dense, 3, &mut |_| {}),
            4
        );
    }

    #[test]
    fn cache_replay_agrees_on_a_small_trace() {
        let keys = [1, 2, 1, 3, 2, 1, 3];
        for capacity in 0..4 {
            let direct = replay_policy(
                LruPolicy::default(),
                &DenseTrace::new(&keys),
                capacity,
                &mut |_| {},
            );
            let dense = DenseTrace::new(&keys);
            let distinct = [1, 2, 3];
            let cached = replay_cache::<LruPolicy>(
                &dense.ids,
                &distinct,
                capacity,
                &DefaultHashBuilder::default(),
                &mut |_| {},
            )
            .unwrap();
            assert_eq!(direct, cached, "capacity {capacity}");
        }
    }
}
