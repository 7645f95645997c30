//! The cache with the real policies: LRU and LFU orders through the public API, run-time
//! selection, and copies that keep the policy state.
#![cfg(all(feature = "lru", feature = "lfu", not(loom)))]

use clientcache::{
    AnyCache, AnyPolicy, Cache, LfuPolicy, LruPolicy, Policy, PolicyKind, RemovalCause,
};
use std::sync::{Arc, Mutex};

fn filled<P: Policy + Default + Send + Sync>(max_size: usize, keys: &[u32]) -> Cache<u32, u32, P> {
    let cache = Cache::new(max_size);
    for &key in keys {
        cache.insert(key, key * 10).unwrap();
    }
    cache
}

#[test]
fn lru_cache_evicts_the_least_recently_used_entry() {
    let cache = filled::<LruPolicy>(3, &[1, 2, 3]);
    cache.get(&1);
    cache.insert(4, 40).unwrap();
    assert_eq!(cache.keys(), [3, 1, 4]);
    assert_eq!(cache.policy_name(), "LRU");
    cache.validate().unwrap();
}

#[test]
fn lfu_cache_evicts_the_least_frequently_used_entry_lru_among_equals() {
    let cache = filled::<LfuPolicy>(3, &[1, 2, 3]);
    cache.get(&1);
    cache.get(&1);
    cache.get(&3);
    // Frequencies: 1 -> 3, 2 -> 1, 3 -> 2.
    cache.insert(4, 40).unwrap(); // evicts 2
    assert_eq!(cache.keys(), [4, 3, 1]);
    cache.insert(5, 50).unwrap(); // 4 and 5 tie at 1: 4 is older
    assert_eq!(cache.keys(), [5, 3, 1]);
    assert_eq!(cache.policy_name(), "LFU");
    cache.validate().unwrap();
}

#[test]
fn peek_does_not_raise_an_lfu_frequency() {
    let cache = filled::<LfuPolicy>(2, &[1, 2]);
    for _ in 0..3 {
        cache.peek(&1);
    }
    cache.insert(3, 30).unwrap();
    assert!(
        !cache.contains_key(&1),
        "1 was only peeked, so it was the victim"
    );
}

#[test]
fn dyn_cache_decides_exactly_like_the_static_cache_of_its_kind() {
    fn run<P: Policy + Send + Sync>(cache: &Cache<u32, u32, P>) -> Vec<Vec<u32>> {
        let mut orders = Vec::new();
        let mut x = 1u32;
        for _ in 0..500 {
            x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let key = (x >> 20) % 12;
            if cache.get(&key).is_none() {
                cache.insert(key, key).unwrap();
            }
            if x % 97 == 0 {
                cache.set_max_size((x % 7) as usize).unwrap();
            }
            orders.push(cache.keys());
        }
        orders
    }
    let lru: AnyCache<u32, u32> = Cache::builder()
        .max_size(5)
        .policy(PolicyKind::Lru)
        .build()
        .unwrap();
    let lfu: AnyCache<u32, u32> = Cache::builder()
        .max_size(5)
        .policy_name("lfu")
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(run(&lru), run(&filled::<LruPolicy>(5, &[])));
    assert_eq!(run(&lfu), run(&filled::<LfuPolicy>(5, &[])));
    assert_ne!(
        run(&lru.deep_clone()),
        run(&lfu.deep_clone()),
        "the kinds differ"
    );
}

#[test]
fn deep_clone_keeps_lfu_frequencies_so_future_evictions_agree() {
    let cache = filled::<LfuPolicy>(3, &[1, 2, 3]);
    cache.get(&1);
    cache.get(&2);
    let copy = cache.deep_clone();
    for c in [&cache, &copy] {
        c.insert(4, 40).unwrap(); // evicts 3, the only key read once
    }
    assert_eq!(cache.keys(), copy.keys());
    assert!(!copy.contains_key(&3));
}

#[test]
fn set_max_size_shrinks_in_lfu_order_reporting_resized() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&log);
    let cache = Cache::<u32, u32, LfuPolicy>::builder()
        .max_size(4)
        .eviction_listener(move |k, _, cause| sink.lock().unwrap().push((k, cause)))
        .build()
        .unwrap();
    for key in [1, 2, 3, 4] {
        cache.insert(key, key).unwrap();
    }
    cache.get(&1);
    cache.get(&3);
    cache.set_max_size(2).unwrap();
    assert_eq!(
        *log.lock().unwrap(),
        [(2, RemovalCause::Resized), (4, RemovalCause::Resized)]
    );
    assert_eq!(cache.keys(), [1, 3]);
}

#[test]
fn dyn_cache_is_send_and_sync_and_any_policy_converts_from_policies() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<AnyCache<String, Arc<str>>>();
    assert_eq!(
        AnyPolicy::from(LfuPolicy::default()).kind(),
        PolicyKind::Lfu
    );
    assert_eq!(AnyPolicy::from(PolicyKind::Lru).name(), "LRU");
}
