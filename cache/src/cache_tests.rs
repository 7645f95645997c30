//! Unit tests of the handle: errors, listener, locking, snapshots, copies, stats.

use super::*;
use crate::testing::{TestCache, VecLru, builder, cache, value, within_seconds};
use std::sync::{Mutex as StdMutex, OnceLock};

type Log = std::sync::Arc<StdMutex<Vec<(u32, String, RemovalCause)>>>;

fn recording(max_size: usize) -> (TestCache, Log) {
    let log: Log = Default::default();
    let sink = std::sync::Arc::clone(&log);
    let cache = builder(max_size)
        .eviction_listener(move |k, v, c| sink.lock().unwrap().push((k, v, c)))
        .build()
        .unwrap();
    (cache, log)
}

fn logged(log: &Log) -> Vec<(u32, RemovalCause)> {
    log.lock()
        .unwrap()
        .iter()
        .map(|(k, _, c)| (*k, *c))
        .collect()
}

#[test]
fn cache_is_send_and_sync_and_clones_share_one_cache() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<TestCache>();
    let a = cache(4);
    let b = a.clone();
    a.insert(1, value(1)).unwrap();
    assert_eq!(b.get(&1), Some(value(1)));
    assert_eq!(b.stats().hits, 1);
}

#[test]
fn insert_of_a_cached_key_is_already_cached_naming_the_key_and_keeps_the_old_value() {
    let c = cache(4);
    c.insert(1, value(1)).unwrap();
    let err = c.insert(1, "new".into()).unwrap_err();
    assert_eq!(err, Error::AlreadyCached { key: "1".into() });
    assert_eq!(c.peek(&1), Some(value(1)));
    assert_eq!(c.stats().inserts, 1);
}

#[test]
fn try_get_of_a_missing_key_is_not_cached_and_counts_a_miss() {
    let c = cache(4);
    assert_eq!(c.try_get(&3), Err(Error::NotCached { key: "3".into() }));
    c.insert(3, value(3)).unwrap();
    assert_eq!(c.try_get(&3), Ok(value(3)));
    assert_eq!((c.stats().hits, c.stats().misses), (1, 1));
}

#[test]
fn remove_of_a_missing_key_is_not_cached() {
    let c = cache(4);
    assert_eq!(c.remove(&3), Err(Error::NotCached { key: "3".into() }));
    c.insert(3, value(3)).unwrap();
    assert_eq!(c.remove(&3), Ok(value(3)));
    assert_eq!(c.remove(&3), Err(Error::NotCached { key: "3".into() }));
    assert!(c.is_empty());
}

#[test]
fn lookups_accept_borrowed_forms_of_the_key() {
    let c: Cache<String, u32, VecLru> = Cache::new(4);
    c.insert("ec2".to_string(), 1).unwrap();
    assert_eq!(c.get("ec2"), Some(1));
    assert_eq!(c.peek("ec2"), Some(1));
    assert!(c.contains_key("ec2"));
    assert_eq!(
        c.try_get("s3"),
        Err(Error::NotCached {
            key: "\"s3\"".into()
        })
    );
    assert_eq!(c.remove("ec2"), Ok(1));
}

#[test]
fn get_is_an_access_but_peek_contains_and_snapshots_are_not() {
    let c = cache(3);
    for key in [1, 2, 3] {
        c.insert(key, value(key)).unwrap();
    }
    c.peek(&1);
    c.contains_key(&1);
    let _ = c.keys();
    let _ = c.entries();
    assert_eq!(c.keys(), [1, 2, 3]);
    assert_eq!(c.stats().requests(), 0);
    c.get(&1);
    assert_eq!(c.keys(), [2, 3, 1]);
}

#[test]
fn snapshots_list_policy_order_and_its_reverse() {
    let c = cache(4);
    for key in [1, 2, 3] {
        c.insert(key, value(key)).unwrap();
    }
    c.get(&1);
    assert_eq!(c.keys(), [2, 3, 1]);
    assert_eq!(c.values(), [value(2), value(3), value(1)]);
    assert_eq!(c.entries(), [(2, value(2)), (3, value(3)), (1, value(1))]);
    assert_eq!(c.keys_rev(), [1, 3, 2]);
    assert_eq!(c.values_rev(), [value(1), value(3), value(2)]);
    assert_eq!(
        c.entries_rev(),
        [(1, value(1)), (3, value(3)), (2, value(2))]
    );
}

#[test]
fn pop_victim_returns_entries_in_policy_order_until_empty() {
    let (c, log) = recording(3);
    for key in [1, 2] {
        c.insert(key, value(key)).unwrap();
    }
    c.get(&1);
    assert_eq!(c.pop_victim(), Some((2, value(2))));
    assert_eq!(c.pop_victim(), Some((1, value(1))));
    assert_eq!(c.pop_victim(), None);
    assert_eq!(
        logged(&log),
        [(2, RemovalCause::Removed), (1, RemovalCause::Removed)]
    );
    assert_eq!(c.stats().removals, 2);
}

#[test]
fn listener_sees_every_cause_with_the_removed_key_and_value() {
    let (c, log) = recording(2);
    for key in [1, 2, 3] {
        c.insert(key, value(key)).unwrap(); // 3 evicts 1
    }
    c.remove(&2).unwrap();
    c.insert(4, value(4)).unwrap();
    c.set_max_size(1).unwrap(); // resizes 3 out
    c.clear(); // clears 4
    assert_eq!(
        logged(&log),
        [
            (1, RemovalCause::Evicted),
            (2, RemovalCause::Removed),
            (3, RemovalCause::Resized),
            (4, RemovalCause::Cleared),
        ]
    );
    assert!(log.lock().unwrap().iter().all(|(k, v, _)| *v == value(*k)));
}

#[test]
fn clear_and_shrink_report_entries_in_policy_order() {
    let (c, log) = recording(5);
    for key in 1..=5 {
        c.insert(key, value(key)).unwrap();
    }
    c.get(&1);
    c.set_max_size(3).unwrap();
    c.clear();
    assert_eq!(
        logged(&log),
        [
            (2, RemovalCause::Resized),
            (3, RemovalCause::Resized),
            (4, RemovalCause::Cleared),
            (5, RemovalCause::Cleared),
            (1, RemovalCause::Cleared),
        ]
    );
}

#[test]
fn eviction_listener_can_reenter_the_cache() {
    within_seconds(|| {
        let handle: std::sync::Arc<OnceLock<TestCache>> = Default::default();
        let seen = std::sync::Arc::new(StdMutex::new(Vec::new()));
        let (h, s) = (std::sync::Arc::clone(&handle), std::sync::Arc::clone(&seen));
        let c = builder(2)
            .eviction_listener(move |key, _value, cause| {
                let cache = h.get().expect("set after build");
                // Reads and writes from inside the listener: the lock is not held.
                s.lock()
                    .unwrap()
                    .push((key, cause, cache.len(), cache.contains_key(&key)));
                if cause == RemovalCause::Removed {
                    cache.insert(key, "recreated".into()).unwrap();
                }
            })
            .build()
            .unwrap();
        assert!(handle.set(c.clone()).is_ok());
        for key in [1, 2, 3] {
            c.insert(key, value(key)).unwrap();
        }
        c.remove(&2).unwrap();
        assert_eq!(c.get(&2).as_deref(), Some("recreated"));
        assert_eq!(
            *seen.lock().unwrap(),
            [
                (1, RemovalCause::Evicted, 2, false),
                (2, RemovalCause::Removed, 1, false)
            ]
        );
        c.validate().unwrap();
    });
}

/// A value that, when dropped, records whether the cache lock was free.
struct DropProbe {
    cache: std::sync::Arc<OnceLock<Cache<u32, DropProbe, VecLru>>>,
    dropped_unlocked: std::sync::Arc<StdMutex<Vec<bool>>>,
}

impl Clone for DropProbe {
    fn clone(&self) -> Self {
        DropProbe {
            cache: std::sync::Arc::clone(&self.cache),
            dropped_unlocked: std::sync::Arc::clone(&self.dropped_unlocked),
        }
    }
}

impl Drop for DropProbe {
    fn drop(&mut self) {
        if let Some(cache) = self.cache.get() {
            let free = cache.shards().all_unlocked();
            self.dropped_unlocked.lock().unwrap().push(free);
        }
    }
}

#[test]
fn removed_values_are_dropped_outside_the_lock() {
    let slot: std::sync::Arc<OnceLock<Cache<u32, DropProbe, VecLru>>> = Default::default();
    let drops = std::sync::Arc::new(StdMutex::new(Vec::new()));
    let probe = || DropProbe {
        cache: std::sync::Arc::clone(&slot),
        dropped_unlocked: std::sync::Arc::clone(&drops),
    };
    let c: Cache<u32, DropProbe, VecLru> = Cache::new(1);
    assert!(slot.set(c.clone()).is_ok());
    c.insert(1, probe()).unwrap();
    c.insert(2, probe()).unwrap(); // evicts 1
    let _ = c.insert(2, probe()); // refused: the new value is dropped
    c.set_max_size(0).unwrap(); // resizes 2 out
    c.insert(3, probe()).unwrap(); // max_size 0: dropped at once
    c.set_max_size(2).unwrap();
    c.insert(4, probe()).unwrap();
    c.insert(5, probe()).unwrap();
    c.clear();
    let drops = drops.lock().unwrap();
    assert_eq!(drops.len(), 6, "every stored or refused probe was dropped");
    assert!(drops.iter().all(|&free| free), "{drops:?}");
}

/// A key whose `Eq` panics on demand, and whose hash is constant so `Eq` always runs.
#[derive(Debug, Clone, Copy)]
struct Touchy(u32);

static PANIC_IN_EQ: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

impl PartialEq for Touchy {
    fn eq(&self, other: &Self) -> bool {
        if PANIC_IN_EQ.load(std::sync::atomic::Ordering::Relaxed) {
            panic!("Eq panicked under the cache lock");
        }
        self.0 == other.0
    }
}

impl Eq for Touchy {}

impl Hash for Touchy {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        0u8.hash(state);
    }
}

#[test]
fn a_panic_under_the_lock_poisons_it_but_the_cache_stays_usable() {
    let c: Cache<Touchy, u32, VecLru> = Cache::new(4);
    c.insert(Touchy(1), 1).unwrap();
    PANIC_IN_EQ.store(true, std::sync::atomic::Ordering::Relaxed);
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| c.get(&Touchy(2))));
    PANIC_IN_EQ.store(false, std::sync::atomic::Ordering::Relaxed);
    assert!(panicked.is_err());
    assert!(c.is_poisoned(), "the test must really poison the lock");
    assert_eq!(c.get(&Touchy(1)), Some(1));
    c.insert(Touchy(2), 2).unwrap();
    assert_eq!(c.len(), 2);
    c.validate().unwrap();
}

#[test]
fn set_max_size_above_the_limit_is_an_error_and_changes_nothing() {
    let c = cache(4);
    c.insert(1, value(1)).unwrap();
    let err = c.set_max_size(MAX_SIZE_LIMIT + 1).unwrap_err();
    assert_eq!(
        err,
        Error::InvalidMaxSize {
            max_size: MAX_SIZE_LIMIT + 1,
            limit: MAX_SIZE_LIMIT
        }
    );
    assert_eq!((c.max_size(), c.len()), (4, 1));
    c.set_max_size(MAX_SIZE_LIMIT).unwrap();
    assert_eq!(c.max_size(), MAX_SIZE_LIMIT);
}

#[test]
fn build_refuses_max_size_above_the_limit() {
    let built = builder(MAX_SIZE_LIMIT + 1).build();
    assert!(matches!(built, Err(Error::InvalidMaxSize { .. })));
    assert!(builder(MAX_SIZE_LIMIT).build().is_ok());
}

/// Every shipped policy accepts the largest `max_size` without reserving memory for it up front
/// (TinyLFU's sketch is capped; node tables grow on demand when a reservation fails).
#[test]
#[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))]
fn every_policy_builds_and_works_at_the_largest_max_size() {
    use crate::{AnyCache, PolicyKind};
    for kind in [PolicyKind::Lru, PolicyKind::Lfu, PolicyKind::TinyLfu] {
        let c: AnyCache<u32, u32> = Cache::builder()
            .max_size(MAX_SIZE_LIMIT)
            .policy(kind)
            .build()
            .unwrap();
        for k in 0..100 {
            c.insert(k, k).unwrap();
        }
        assert_eq!((c.get(&7), c.len()), (Some(7), 100), "{kind:?}");
        c.set_max_size(10).unwrap();
        assert_eq!(c.len(), 10, "{kind:?}");
        c.validate().unwrap();
    }
}

/// `set_max_size` evicts exactly the first entries of the order `keys()` reported before,
/// also for a policy that reorders when told its new capacity (TinyLFU resizes its window).
#[test]
#[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))]
fn set_max_size_evicts_the_first_keys_of_the_order_shown_before() {
    use crate::{AnyCache, PolicyKind, RemovalCause};
    for kind in [PolicyKind::Lru, PolicyKind::Lfu, PolicyKind::TinyLfu] {
        for (max_size, shrink_to) in [(1000, 999), (1000, 400), (400, 399), (50, 0)] {
            let evicted = Arc::new(StdMutex::new(Vec::new()));
            let log = Arc::clone(&evicted);
            let c: AnyCache<u32, u32> = Cache::builder()
                .max_size(max_size)
                .policy(kind)
                .eviction_listener(move |k, _, cause| {
                    assert_eq!(cause, RemovalCause::Resized);
                    log.lock().unwrap().push(k);
                })
                .build()
                .unwrap();
            for k in 0..max_size as u32 {
                c.insert(k, k).unwrap();
            }
            for k in (0..max_size as u32).step_by(7) {
                c.get(&k);
            }
            let before = c.keys();
            c.set_max_size(shrink_to).unwrap();
            let gone = before.len() - shrink_to;
            assert_eq!(
                *evicted.lock().unwrap(),
                before[..gone],
                "{kind:?} {max_size} -> {shrink_to}"
            );
            assert_eq!(c.len(), shrink_to);
            c.validate().unwrap();
        }
    }
}

#[test]
#[should_panic(expected = "max_size")]
fn new_panics_on_max_size_above_the_limit() {
    let _ = cache(MAX_SIZE_LIMIT + 1);
}

#[test]
fn builder_defaults_to_max_size_ten() {
    assert_eq!(
        TestCache::builder().build().unwrap().max_size(),
        DEFAULT_MAX_SIZE
    );
    assert_eq!(DEFAULT_MAX_SIZE, 10);
}

#[test]
fn max_size_zero_caches_nothing_and_reports_each_insert_evicted() {
    let (c, log) = recording(0);
    c.insert(1, value(1)).unwrap();
    c.insert(1, value(1)).unwrap(); // never AlreadyCached: nothing is cached
    assert!(c.is_empty());
    assert_eq!(c.get(&1), None);
    assert_eq!(
        logged(&log),
        [(1, RemovalCause::Evicted), (1, RemovalCause::Evicted)]
    );
    let stats = c.stats();
    assert_eq!((stats.inserts, stats.evictions, stats.misses), (2, 2, 1));
}

#[test]
fn stats_count_each_kind_of_event_and_reset() {
    let c = cache(2);
    for key in [1, 2, 3] {
        c.insert(key, value(key)).unwrap();
    }
    c.get(&3);
    c.get(&1);
    c.remove(&3).unwrap();
    c.clear();
    let s = c.stats();
    assert_eq!(
        (s.hits, s.misses, s.inserts, s.evictions, s.removals),
        (1, 1, 3, 1, 2)
    );
    c.reset_stats();
    assert_eq!(c.stats(), CacheStats::default());
}

#[test]
fn deep_clone_is_an_independent_copy_with_the_same_state() {
    let (c, log) = recording(3);
    for key in [1, 2, 3] {
        c.insert(key, value(key)).unwrap();
    }
    c.get(&1);
    let copy = c.deep_clone();
    assert_eq!(copy.entries(), c.entries());
    assert_eq!(copy.stats(), c.stats());
    assert_eq!(copy.max_size(), 3);
    copy.insert(4, value(4)).unwrap(); // evicts 2 in the copy only
    copy.get(&3);
    assert_eq!(c.keys(), [2, 3, 1]);
    assert_eq!(copy.keys(), [1, 4, 3]);
    assert_eq!(c.stats().hits, 1);
    assert_eq!(
        logged(&log),
        [(2, RemovalCause::Evicted)],
        "the listener is shared"
    );
    copy.validate().unwrap();
}

#[test]
fn debug_shows_size_policy_and_stats_but_never_values() {
    let c = cache(4);
    c.insert(1, "secret-token".into()).unwrap();
    c.get(&1);
    let text = format!("{c:?}");
    assert!(text.contains("len: 1"), "{text}");
    assert!(text.contains("max_size: 4"), "{text}");
    assert!(text.contains("VecLRU"), "{text}");
    assert!(text.contains("hits: 1"), "{text}");
    assert!(!text.contains("secret"), "{text}");
    let text = format!("{:?}", builder(3));
    assert!(text.contains("max_size: 3"), "{text}");
}

#[test]
fn custom_hasher_is_used_for_every_lookup() {
    let c: Cache<u32, u32, VecLru, std::hash::RandomState> =
        CacheBuilder::with_policy(VecLru::default())
            .hasher(std::hash::RandomState::new())
            .build()
            .unwrap();
    for key in 0..10 {
        c.insert(key, key).unwrap();
    }
    assert!((0..10).all(|key| c.get(&key) == Some(key)));
    c.validate().unwrap();
}

#[test]
fn same_operations_give_the_same_state_in_two_caches() {
    let run = || {
        let c = cache(16);
        let mut x = 7u32;
        for _ in 0..2000 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let key = (x >> 16) % 64;
            if c.get(&key).is_none() {
                c.insert(key, value(key)).unwrap();
            }
        }
        (c.entries(), c.stats())
    };
    assert_eq!(run(), run());
}

#[test]
fn a_cloned_builder_builds_an_independent_cache_with_the_same_settings() {
    let builder = CacheBuilder::with_policy(VecLru::default())
        .max_size(3)
        .shards(1)
        .time_to_live(std::time::Duration::from_secs(60));
    let (a, b) = (builder.clone().build().unwrap(), builder.build().unwrap());
    a.insert(1, value(1)).unwrap();
    assert!(b.is_empty());
    assert_eq!((a.max_size(), b.max_size()), (3, 3));
}

#[test]
fn a_cache_can_be_used_across_catch_unwind_without_assert_unwind_safe() {
    let c = cache(2);
    c.insert(1, value(1)).unwrap();
    // Compiles only because `Cache` is `RefUnwindSafe`.
    let caught = std::panic::catch_unwind(|| {
        let _ = c.get(&1);
        panic!("user code panics");
    });
    assert!(caught.is_err());
    assert_eq!(c.get(&1), Some(value(1)));
}
