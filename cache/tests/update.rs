//! The atomic updates: what each returns, what the policy and the listener see, and how they
//! meet expiry.
#![cfg(all(feature = "lru", feature = "tinylfu", not(loom)))]

use clientcache::{
    Cache, CacheBuilder, Compute, Error, LruPolicy, ManualClock, RemovalCause, TinyLfuPolicy,
};
use std::sync::{Arc, Mutex};
use std::time::Duration;

type Log = Arc<Mutex<Vec<(u32, u32, RemovalCause)>>>;

fn logged(max_size: usize) -> (CacheBuilder<u32, u32, LruPolicy>, Log) {
    let log: Log = Arc::default();
    let sink = Arc::clone(&log);
    let builder = CacheBuilder::with_policy(LruPolicy::default())
        .max_size(max_size)
        .eviction_listener(move |k, v, c| sink.lock().unwrap().push((k, v, c)));
    (builder, log)
}

fn take(log: &Log) -> Vec<(u32, u32, RemovalCause)> {
    std::mem::take(&mut *log.lock().unwrap())
}

#[test]
fn replace_returns_the_old_value_counts_as_an_access_and_reports_it() {
    let (b, log) = logged(3);
    let cache = b.build().unwrap();
    for k in 1..=3 {
        cache.insert(k, k * 10).unwrap();
    }
    assert_eq!(cache.replace(1, 11), Ok(10));
    assert_eq!(
        cache.keys(),
        [2, 3, 1],
        "an access: 1 is now the most recent"
    );
    assert_eq!(take(&log), [(1, 10, RemovalCause::Replaced)]);
    assert_eq!(cache.peek(&1), Some(11));
    assert!(matches!(cache.replace(9, 90), Err(Error::NotCached { .. })));
    assert!(!cache.contains_key(&9), "replace never inserts");
    let stats = cache.stats();
    assert_eq!((stats.hits, stats.misses, stats.inserts), (0, 0, 3));
    cache.validate().unwrap();
}

#[test]
fn upsert_inserts_or_replaces_and_may_evict() {
    let (b, log) = logged(2);
    let cache = b.build().unwrap();
    assert_eq!(cache.upsert(1, 10), None);
    assert_eq!(cache.upsert(2, 20), None);
    assert_eq!(cache.upsert(1, 11), Some(10));
    assert_eq!(cache.upsert(3, 30), None); // evicts 2, the least recent
    assert_eq!(
        take(&log),
        [
            (1, 10, RemovalCause::Replaced),
            (2, 20, RemovalCause::Evicted)
        ]
    );
    assert_eq!(cache.entries(), [(1, 11), (3, 30)]);
}

#[test]
fn remove_if_removes_only_when_the_predicate_says_so() {
    let (b, log) = logged(4);
    let cache = b.build().unwrap();
    cache.insert(1, 10).unwrap();
    assert_eq!(cache.remove_if(&1, |v| *v != 10), None);
    assert_eq!(cache.keys(), [1]);
    assert_eq!(cache.remove_if(&1, |v| *v == 10), Some(10));
    assert_eq!(cache.remove_if(&1, |_| true), None);
    assert_eq!(take(&log), [(1, 10, RemovalCause::Removed)]);
    assert_eq!(cache.stats().removals, 1);
}

#[test]
fn retain_drops_what_it_rejects_in_policy_order_across_shards() {
    let (b, log) = logged(64);
    let cache = b.shards(4).build().unwrap();
    for k in 0..20 {
        cache.insert(k, k).unwrap();
    }
    let order = cache.keys();
    assert_eq!(cache.retain(|k, _| k % 3 != 0), 7);
    let dropped: Vec<u32> = take(&log)
        .into_iter()
        .map(|(k, _, c)| {
            assert_eq!(c, RemovalCause::Removed);
            k
        })
        .collect();
    let expected: Vec<u32> = order.iter().copied().filter(|k| k % 3 == 0).collect();
    assert_eq!(dropped, expected);
    assert_eq!(cache.len(), 13);
    assert_eq!(cache.stats().removals, 7);
    cache.validate().unwrap();
}

#[test]
fn compute_keeps_puts_or_removes_in_one_step() {
    let (b, log) = logged(2);
    let cache = b.build().unwrap();
    assert_eq!(
        cache.compute(1, |v| {
            assert_eq!(v, None);
            Compute::Keep
        }),
        None
    );
    assert!(cache.is_empty());
    assert_eq!(cache.compute(1, |_| Compute::Put(10)), Some(10)); // insert
    cache.insert(2, 20).unwrap();
    assert_eq!(cache.compute(1, |v| Compute::Put(v.unwrap() + 1)), Some(11)); // replace
    assert_eq!(cache.keys(), [2, 1], "a put on an entry is an access");
    assert_eq!(cache.compute(2, |_| Compute::Keep), Some(20));
    assert_eq!(cache.keys(), [2, 1], "keep is not an access");
    assert_eq!(cache.compute(2, |_| Compute::Remove), None);
    assert_eq!(
        take(&log),
        [
            (1, 10, RemovalCause::Replaced),
            (2, 20, RemovalCause::Removed)
        ]
    );
    cache.validate().unwrap();
}

#[test]
fn compute_reports_none_when_the_policy_refuses_the_newcomer() {
    let cache = Cache::<u32, u32, LruPolicy>::builder()
        .max_size(0)
        .build()
        .unwrap();
    assert_eq!(cache.compute(1, |_| Compute::Put(1)), None);
    // TinyLFU's admission filter refuses a newcomer seen less often than its victim.
    let tiny = Cache::<u32, u32, TinyLfuPolicy>::builder()
        .max_size(1)
        .build()
        .unwrap();
    tiny.insert(1, 1).unwrap();
    for _ in 0..20 {
        tiny.get(&1);
    }
    let stored = tiny.compute(2, |_| Compute::Put(2));
    assert_eq!(stored.is_some(), tiny.contains_key(&2));
}

#[test]
fn replacing_restarts_the_time_to_live_and_expired_entries_are_not_replaceable() {
    let clock = ManualClock::new();
    let cache = Cache::<u32, u32, LruPolicy>::builder()
        .time_to_live(Duration::from_secs(10))
        .clock(clock.clone())
        .build()
        .unwrap();
    cache.insert(1, 10).unwrap();
    cache.insert(2, 20).unwrap();
    clock.advance(Duration::from_secs(8));
    assert_eq!(cache.replace(1, 11), Ok(10));
    clock.advance(Duration::from_secs(8));
    assert_eq!(cache.get(&1), Some(11), "replaced at 8 s: lives until 18 s");
    assert!(
        matches!(cache.replace(2, 21), Err(Error::NotCached { .. })),
        "expired at 10 s"
    );
    assert_eq!(
        cache.upsert(2, 22),
        None,
        "an expired entry is absent: upsert inserts"
    );
    assert_eq!(cache.remove_if(&1, |_| true), Some(11));
}
