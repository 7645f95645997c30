//! Threaded stress: several threads hammer one cache with overlapping keys. Every `get` must
//! return the value inserted for that key, `len() <= max_size` must hold throughout, and the
//! stats must add up.

use clientcache::{Cache, PolicyKind};
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

const THREADS: u64 = 4;
const OPS_PER_THREAD: u64 = 20_000;
const KEYS: u64 = 300;
const MAX_SIZE: usize = 64;

/// The value stored for `key`: a value never mixes keys, so a wrong answer is visible.
fn value_for(key: u64) -> u64 {
    key * 1_000_003 + 7
}

#[test]
fn concurrent_ops_never_lose_or_mix_values() {
    for kind in PolicyKind::all() {
        let cache = Cache::<u64, u64, _>::builder()
            .max_size(MAX_SIZE)
            .policy(*kind)
            .build()
            .unwrap();
        let gets = AtomicU64::new(0);
        let inserts_ok = AtomicU64::new(0);
        let removes_ok = AtomicU64::new(0);
        thread::scope(|scope| {
            for t in 0..THREADS {
                let (cache, gets, inserts_ok, removes_ok) =
                    (&cache, &gets, &inserts_ok, &removes_ok);
                scope.spawn(move || {
                    let mut x = t.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
                    for i in 0..OPS_PER_THREAD {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        let key = x % KEYS;
                        match i % 10 {
                            0..=5 => {
                                gets.fetch_add(1, Ordering::Relaxed);
                                if let Some(v) = cache.get(&key) {
                                    assert_eq!(v, value_for(key), "{kind}: get({key}) mixed up");
                                }
                            }
                            6..=7 => {
                                if cache.insert(key, value_for(key)).is_ok() {
                                    inserts_ok.fetch_add(1, Ordering::Relaxed);
                                }
                            }
                            8 => {
                                if let Ok(v) = cache.remove(&key) {
                                    assert_eq!(v, value_for(key), "{kind}: remove({key}) mixed up");
                                    removes_ok.fetch_add(1, Ordering::Relaxed);
                                }
                            }
                            _ => {
                                let v = cache.get_or_insert_with(key, || value_for(key));
                                assert_eq!(
                                    v,
                                    value_for(key),
                                    "{kind}: get_or_insert_with mixed up"
                                );
                            }
                        }
                        assert!(cache.len() <= MAX_SIZE, "{kind}: len above max_size");
                    }
                });
            }
        });
        cache.validate().unwrap();
        let stats = cache.stats();
        let lookups = gets.load(Ordering::Relaxed);
        assert!(
            stats.hits + stats.misses >= lookups,
            "{kind}: {stats:?} counts fewer lookups than the {lookups} gets made"
        );
        assert!(
            stats.inserts >= inserts_ok.load(Ordering::Relaxed),
            "{kind}: {stats:?}"
        );
        assert_eq!(
            stats.removals,
            removes_ok.load(Ordering::Relaxed),
            "{kind}: {stats:?}"
        );
        assert_eq!(
            stats.inserts,
            stats.evictions + stats.removals + cache.len() as u64,
            "{kind}: every inserted entry is resident, evicted or removed: {stats:?}"
        );
        for (key, value) in cache.entries() {
            assert_eq!(value, value_for(key), "{kind}: resident entry mixed up");
        }
    }
}
