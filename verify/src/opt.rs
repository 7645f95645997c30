//! Bélády's optimum: the most hits any demand-fetch policy can get on a trace.
//!
//! # The problem
//!
//! A hit ratio means little alone: 40 % may be near-perfect on one trace and poor on another.
//! L. A. Bélády ("A study of replacement algorithms for a virtual-storage computer", IBM
//! Systems Journal 5(2), 1966) showed that evicting the resident key whose next use lies
//! farthest in the future maximises hits for a cache that stores every missed key (*demand
//! fetch*). That offline optimum, computed here, is the ceiling each policy is measured
//! against.
//!
//! # Implementation
//!
//! One backward pass computes each request's next use of the same key (O(n) time, 4 bytes a
//! request). The replay keeps, for each resident key, the position of its next use, and a
//! max-heap of `(next use, key)` entries. A hit replaces the key's next use and pushes a new
//! entry; the old one becomes stale and is skipped when it reaches the top (an entry is live
//! exactly when it matches the key's current next use). When stale entries outnumber live
//! ones the heap is filtered, so it stays below twice the capacity: O(log c) per request.
//! Keys never used again share the farthest position; which of them goes does not change the
//! hit count.

use std::collections::BinaryHeap;

/// Hits of Bélády's optimum with demand fetch, for a trace of dense key ids (each below
/// `unique`) and a cache of `capacity` keys: on a miss the key is always stored, evicting the
/// resident key whose next use is farthest.
///
/// # Panics
///
/// When the trace has `u32::MAX - 1` requests or more (positions are stored as `u32`), or an id
/// is not below `unique`.
///
/// ```
/// use clientcache_verify::opt::belady_hits;
///
/// // A loop of 3 keys in a cache of 2: LRU never hits; the optimum hits every other time
/// // after the first pass.
/// let trace = [0, 1, 2, 0, 1, 2, 0, 1, 2];
/// assert_eq!(belady_hits(&trace, 3, 2), 3);
/// ```
pub fn belady_hits(ids: &[u32], unique: usize, capacity: usize) -> u64 {
    belady_hits_with_progress(ids, unique, capacity, &mut |_| {})
}

/// [`belady_hits`], calling `progress(n)` after each block of `n` requests.
pub fn belady_hits_with_progress(
    ids: &[u32],
    unique: usize,
    capacity: usize,
    progress: &mut dyn FnMut(u64),
) -> u64 {
    /// The next use of a key requested no more.
    const NEVER: u32 = u32::MAX - 1;
    /// `next_use[key]` of a key that is not resident.
    const ABSENT: u32 = u32::MAX;
    assert!(
        ids.len() < NEVER as usize,
        "Bélády replay supports traces of fewer than {NEVER} requests"
    );
    let next = next_uses(ids, unique, NEVER);
    let mut next_use = vec![ABSENT; unique];
    let mut heap: BinaryHeap<u64> =
        BinaryHeap::with_capacity(capacity.min(unique).saturating_mul(2) + 16);
    let entry = |position: u32, key: u32| (u64::from(position) << 32) | u64::from(key);
    let (mut hits, mut resident) = (0u64, 0usize);
    for (block, chunk) in ids.chunks(BLOCK).enumerate() {
        for (offset, &key) in chunk.iter().enumerate() {
            let following = next[block * BLOCK + offset];
            let k = key as usize;
            if next_use[k] != ABSENT {
                hits += 1;
            } else if capacity == 0 {
                continue;
            } else if resident == capacity {
                loop {
                    let top = heap.pop().expect("a full cache has live heap entries");
                    let (position, victim) = ((top >> 32) as u32, top as u32 as usize);
                    if next_use[victim] == position {
                        next_use[victim] = ABSENT;
                        break;
                    }
                }
            } else {
                resident += 1;
            }
            next_use[k] = following;
            heap.push(entry(following, key));
            if heap.len() > capacity.saturating_mul(2) + 1024 {
                heap.retain(|&e| next_use[(e as u32) as usize] == (e >> 32) as u32);
                debug_assert_eq!(heap.len(), resident);
            }
        }
        progress(chunk.len() as u64);
    }
    hits
}

/// Requests per progress report.
const BLOCK: usize = 1 << 16;

/// For each position, the position of the next request for the same key, or `never`.
fn next_uses(ids: &[u32], unique: usize, never: u32) -> Vec<u32> {
    let mut last = vec![never; unique];
    let mut next = vec![never; ids.len()];
    for (i, &key) in ids.iter().enumerate().rev() {
        next[i] = last[key as usize];
        last[key as usize] = i as u32;
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tries every eviction choice: the true optimum for tiny traces.
    fn brute_force(ids: &[u32], capacity: usize) -> u64 {
        fn go(ids: &[u32], capacity: usize, resident: Vec<u32>) -> u64 {
            let Some((&key, rest)) = ids.split_first() else {
                return 0;
            };
            if resident.contains(&key) {
                return 1 + go(rest, capacity, resident);
            }
            if resident.len() < capacity {
                let mut with = resident;
                with.push(key);
                return go(rest, capacity, with);
            }
            (0..resident.len())
                .map(|drop| {
                    let mut with = resident.clone();
                    with[drop] = key;
                    go(rest, capacity, with)
                })
                .max()
                .unwrap_or(0)
        }
        if capacity == 0 {
            return 0;
        }
        go(ids, capacity, Vec::new())
    }

    #[test]
    fn matches_brute_force_on_small_traces() {
        let mut x = 12345u64;
        for case in 0..200 {
            let len = 4 + case % 7;
            let keys = 2 + case % 4;
            let ids: Vec<u32> = (0..len)
                .map(|_| {
                    x = x
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((x >> 33) % keys as u64) as u32
                })
                .collect();
            for capacity in 0..4 {
                assert_eq!(
                    belady_hits(&ids, keys, capacity),
                    brute_force(&ids, capacity),
                    "{ids:?} at capacity {capacity}"
                );
            }
        }
    }

    #[test]
    fn the_heap_stays_bounded_on_a_long_hit_run() {
        let ids: Vec<u32> = (0..100_000).map(|i| i % 3).collect();
        assert_eq!(belady_hits(&ids, 3, 3), 100_000 - 3);
    }
}
