//! The eviction listener may call back into the cache: nested removals are queued and
//! delivered by the outermost call, in order, at a constant stack depth; a panicking listener
//! loses no report.
#![cfg(all(feature = "lru", not(loom)))]

use clientcache::{CacheBuilder, LruPolicy, RemovalCause};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

type TestCache = clientcache::Cache<u32, u32, LruPolicy>;

#[test]
fn a_listener_inserting_on_each_of_200_000_evictions_runs_in_constant_stack() {
    const CHAIN: u32 = 200_000;
    // A normal thread stack (2 MiB), not the test harness's.
    let run = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let cache: Arc<OnceLock<TestCache>> = Arc::default();
            let seen = Arc::new(AtomicU32::new(0));
            let (slot, counter) = (Arc::clone(&cache), Arc::clone(&seen));
            let built = CacheBuilder::with_policy(LruPolicy::default())
                .max_size(1)
                .eviction_listener(move |key, _value, cause| {
                    assert_eq!(cause, RemovalCause::Evicted);
                    let n = counter.fetch_add(1, Ordering::SeqCst);
                    assert_eq!(key, n, "evictions arrive in order");
                    if n + 1 < CHAIN {
                        // Evicts `n + 1`, whose report is queued behind this call.
                        slot.get().unwrap().insert(n + 2, 0).unwrap();
                    }
                })
                .build()
                .unwrap();
            let _ = cache.set(built);
            let cache = cache.get().unwrap();
            cache.insert(0, 0).unwrap();
            cache.insert(1, 0).unwrap(); // evicts 0: the chain starts
            (seen.load(Ordering::SeqCst), cache.keys())
        })
        .unwrap();
    let (seen, keys) = run.join().expect("no stack overflow");
    assert_eq!(seen, CHAIN);
    assert_eq!(keys, [CHAIN]);
}

#[test]
fn removals_caused_by_the_listener_come_after_the_batch_that_caused_them() {
    let cache: Arc<OnceLock<TestCache>> = Arc::default();
    let log = Arc::new(Mutex::new(Vec::new()));
    let (slot, sink) = (Arc::clone(&cache), Arc::clone(&log));
    let built = CacheBuilder::with_policy(LruPolicy::default())
        .max_size(10)
        .eviction_listener(move |key, _value, cause| {
            sink.lock().unwrap().push((key, cause));
            if cause == RemovalCause::Cleared && key == 1 {
                // Inserting during the clear's delivery: its removal is reported later.
                let cache = slot.get().unwrap();
                cache.insert(100, 0).unwrap();
                cache.remove(&100).unwrap();
            }
        })
        .build()
        .unwrap();
    let _ = cache.set(built);
    let cache = cache.get().unwrap();
    for k in 1..=3 {
        cache.insert(k, 0).unwrap();
    }
    cache.clear();
    assert_eq!(
        *log.lock().unwrap(),
        [
            (1, RemovalCause::Cleared),
            (2, RemovalCause::Cleared),
            (3, RemovalCause::Cleared),
            (100, RemovalCause::Removed),
        ]
    );
}

#[test]
fn a_listener_panicking_during_clear_still_sees_every_entry_then_the_panic_propagates() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&log);
    let cache: TestCache = CacheBuilder::with_policy(LruPolicy::default())
        .max_size(10)
        .eviction_listener(move |key, _value, _cause| {
            sink.lock().unwrap().push(key);
            if key == 2 {
                panic!("listener fails on 2");
            }
        })
        .build()
        .unwrap();
    for k in 1..=4 {
        cache.insert(k, 0).unwrap();
    }
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| cache.clear()));
    let payload = outcome.expect_err("the listener's panic reaches clear's caller");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"listener fails on 2"));
    assert_eq!(
        *log.lock().unwrap(),
        [1, 2, 3, 4],
        "no removal vanished unreported"
    );
    assert!(cache.is_empty());
    cache.insert(9, 9).unwrap(); // still usable
    cache.validate().unwrap();
}
