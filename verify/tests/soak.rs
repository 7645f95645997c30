//! Soak: 8 threads × `CLIENTCACHE_SOAK_OPS` ops each (default 20,000; `.ci/run` runs 1,000,000
//! in release) on Zipf(0.9) keys, for each policy, on one shard and on 8. At the end:
//!
//! - no value was mixed up: every value read (`get`, `remove`, `get_or_insert_with`) encodes
//!   the key it was read under;
//! - no value was lost or duplicated: the multiset of values stored equals the multiset of
//!   values resident at the end plus those handed to the eviction listener (compared by count
//!   and by a sum of mixed values, each value being unique);
//! - `len() <= max_size` throughout, and the stats add up exactly: lookups, inserts,
//!   evictions and removals against the threads' own counts.
//!
//! Larger: `CLIENTCACHE_SOAK_OPS=1000000 cargo test -p clientcache-verify --release --test soak`.

use clientcache::{Cache, PolicyKind, RemovalCause};
use clientcache_verify::workload::{rng::SplitMix64, zipf::Zipf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

const THREADS: u64 = 8;
const KEYS: u64 = 2_000;
const MAX_SIZE: usize = 200;

fn ops_per_thread() -> u64 {
    std::env::var("CLIENTCACHE_SOAK_OPS").map_or(20_000, |v| {
        v.parse().expect("CLIENTCACHE_SOAK_OPS is a number")
    })
}

/// A value unique to (key, thread, op): the key in the high bits, so a read can check it.
fn value_for(key: u64, thread: u64, op: u64) -> u64 {
    (key << 40) | (thread << 32) | op
}

fn key_of(value: u64) -> u64 {
    value >> 40
}

/// Mixes a value before summing, so a lost value and a duplicated one cannot cancel out.
fn mix(value: u64) -> u64 {
    let mut z = value.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Counters the threads keep (all relaxed: read only after the threads are joined).
#[derive(Default)]
struct Tally {
    stored: AtomicU64,
    stored_sum: AtomicU64,
    lookups: AtomicU64,
    removed_ok: AtomicU64,
    listened: AtomicU64,
    listened_sum: AtomicU64,
    evicted: AtomicU64,
    taken_out: AtomicU64,
}

impl Tally {
    fn store(&self, value: u64) {
        self.stored.fetch_add(1, Ordering::Relaxed);
        self.stored_sum.fetch_add(mix(value), Ordering::Relaxed);
    }
}

fn soak(kind: PolicyKind, shards: usize, ops: u64) {
    let tally = std::sync::Arc::new(Tally::default());
    let sink = tally.clone();
    let cache = Cache::<u64, u64, _>::builder()
        .max_size(MAX_SIZE)
        .shards(shards)
        .policy(kind)
        .eviction_listener(move |key, value, cause| {
            assert_eq!(
                key_of(value),
                key,
                "{kind}: the listener got a mixed-up entry"
            );
            sink.listened.fetch_add(1, Ordering::Relaxed);
            sink.listened_sum.fetch_add(mix(value), Ordering::Relaxed);
            let counter = match cause {
                RemovalCause::Evicted | RemovalCause::Resized => &sink.evicted,
                _ => &sink.taken_out,
            };
            counter.fetch_add(1, Ordering::Relaxed);
        })
        .build()
        .unwrap();
    let zipf = Zipf::new(KEYS, 0.9).unwrap();
    thread::scope(|scope| {
        for t in 0..THREADS {
            let (cache, tally, zipf) = (&cache, &*tally, &zipf);
            scope.spawn(move || {
                let mut rng = SplitMix64::new(t + 1);
                for i in 0..ops {
                    let key = zipf.sample(&mut rng) - 1;
                    match rng.next_u64() % 10 {
                        0..=4 => {
                            tally.lookups.fetch_add(1, Ordering::Relaxed);
                            if let Some(v) = cache.get(&key) {
                                assert_eq!(key_of(v), key, "{kind}: get({key}) mixed up");
                            }
                        }
                        5..=6 => {
                            let value = value_for(key, t, i);
                            if cache.insert(key, value).is_ok() {
                                tally.store(value);
                            }
                        }
                        7 => {
                            if let Ok(v) = cache.remove(&key) {
                                assert_eq!(key_of(v), key, "{kind}: remove({key}) mixed up");
                                tally.removed_ok.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                        _ => {
                            tally.lookups.fetch_add(1, Ordering::Relaxed);
                            let mine = value_for(key, t, i);
                            let mut ran = false;
                            let got = cache.get_or_insert_with(key, || {
                                ran = true;
                                mine
                            });
                            assert_eq!(key_of(got), key, "{kind}: load of {key} mixed up");
                            // Our loader's value was stored iff it is what we got back.
                            if ran && got == mine {
                                tally.store(mine);
                            }
                        }
                    }
                    if i % 1024 == 0 {
                        assert!(cache.len() <= MAX_SIZE, "{kind}: len above max_size");
                    }
                }
            });
        }
    });
    cache.validate().unwrap();
    let resident = cache.entries();
    assert!(resident.len() <= MAX_SIZE);
    let load = |c: &AtomicU64| c.load(Ordering::Relaxed);
    for &(key, value) in &resident {
        assert_eq!(key_of(value), key, "{kind}: resident entry mixed up");
    }
    let resident_sum = resident
        .iter()
        .fold(0u64, |s, &(_, v)| s.wrapping_add(mix(v)));
    assert_eq!(
        load(&tally.stored),
        load(&tally.listened) + resident.len() as u64,
        "{kind}: values stored vs values resident or handed to the listener"
    );
    assert_eq!(
        load(&tally.stored_sum),
        load(&tally.listened_sum).wrapping_add(resident_sum),
        "{kind}: a value was lost and another duplicated"
    );
    let stats = cache.stats();
    assert_eq!(stats.requests(), load(&tally.lookups), "{kind}: {stats:?}");
    assert_eq!(stats.inserts, load(&tally.stored), "{kind}: {stats:?}");
    assert_eq!(stats.evictions, load(&tally.evicted), "{kind}: {stats:?}");
    assert_eq!(stats.removals, load(&tally.taken_out), "{kind}: {stats:?}");
    assert_eq!(stats.removals, load(&tally.removed_ok), "{kind}: {stats:?}");
    assert_eq!(
        stats.inserts,
        stats.evictions + stats.removals + resident.len() as u64,
        "{kind}: {stats:?}"
    );
}

#[test]
fn eight_threads_on_zipf_keys_lose_and_mix_up_nothing() {
    let ops = ops_per_thread();
    assert!(ops > 0, "CLIENTCACHE_SOAK_OPS must be positive");
    for kind in PolicyKind::all() {
        soak(*kind, 1, ops);
    }
}

#[test]
fn eight_threads_on_eight_shards_lose_and_mix_up_nothing() {
    let ops = ops_per_thread();
    assert!(ops > 0, "CLIENTCACHE_SOAK_OPS must be positive");
    for kind in PolicyKind::all() {
        soak(*kind, 8, ops);
    }
}
