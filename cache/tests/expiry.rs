//! Expiry through the public API, on a manual clock: every path of time-to-live, time-to-idle
//! and per-entry deadlines, what the listener and the stats see, and determinism.
#![cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu", not(loom)))]

use clientcache::{
    Cache, CacheBuilder, CacheStats, Error, Expiry, LfuPolicy, LruPolicy, ManualClock, Policy,
    RemovalCause, TinyLfuPolicy,
};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

type Log = Arc<Mutex<Vec<(u32, u32, RemovalCause)>>>;

const SEC: Duration = Duration::from_secs(1);
const NS: Duration = Duration::from_nanos(1);

/// A builder with a manual clock and a listener that logs every removal.
fn builder<P: Policy + Default>(max_size: usize) -> (CacheBuilder<u32, u32, P>, ManualClock, Log) {
    let clock = ManualClock::new();
    let log: Log = Arc::default();
    let sink = Arc::clone(&log);
    let builder = CacheBuilder::with_policy(P::default())
        .max_size(max_size)
        .clock(clock.clone())
        .eviction_listener(move |k, v, cause| sink.lock().unwrap().push((k, v, cause)));
    (builder, clock, log)
}

fn take(log: &Log) -> Vec<(u32, u32, RemovalCause)> {
    std::mem::take(&mut *log.lock().unwrap())
}

fn conserved(stats: CacheStats, len: usize) {
    assert_eq!(
        stats.inserts,
        stats.evictions + stats.removals + stats.expirations + len as u64,
        "{stats:?}"
    );
}

#[test]
fn time_to_live_expires_at_exactly_the_deadline() {
    let (b, clock, log) = builder::<LruPolicy>(10);
    let cache = b.time_to_live(10 * SEC).build().unwrap();
    cache.insert(1, 10).unwrap();
    clock.advance(10 * SEC - NS);
    assert_eq!(cache.get(&1), Some(10));
    assert!(cache.contains_key(&1));
    clock.advance(NS);
    assert_eq!(cache.peek(&1), None, "at the deadline: expired");
    assert!(!cache.contains_key(&1));
    assert!(matches!(cache.try_get(&1), Err(Error::NotCached { .. })));
    assert_eq!(take(&log), [(1, 10, RemovalCause::Expired)]);
    let stats = cache.stats();
    assert_eq!((stats.hits, stats.misses, stats.expirations), (1, 1, 1));
    conserved(stats, cache.len());
    cache.validate().unwrap();
}

#[test]
fn reads_do_not_extend_a_time_to_live() {
    let (b, clock, _log) = builder::<LruPolicy>(10);
    let cache = b.time_to_live(10 * SEC).build().unwrap();
    cache.insert(1, 10).unwrap();
    for _ in 0..9 {
        clock.advance(SEC);
        assert_eq!(cache.get(&1), Some(10));
    }
    clock.advance(SEC);
    assert_eq!(cache.get(&1), None);
}

#[test]
fn time_to_idle_is_refreshed_by_reads_and_not_by_peeks_or_contains() {
    let (b, clock, log) = builder::<LruPolicy>(10);
    let cache = b.time_to_idle(10 * SEC).build().unwrap();
    cache.insert(1, 10).unwrap();
    cache.insert(2, 20).unwrap();
    clock.advance(9 * SEC);
    assert_eq!(cache.get(&1), Some(10)); // 1's idle time restarts
    assert_eq!(cache.peek(&2), Some(20)); // 2's does not
    assert!(cache.contains_key(&2));
    clock.advance(SEC);
    assert_eq!(cache.peek(&2), None);
    assert_eq!(cache.get(&1), Some(10));
    assert_eq!(take(&log), [(2, 20, RemovalCause::Expired)]);
    clock.advance(10 * SEC);
    assert_eq!(cache.get(&1), None);
    cache.validate().unwrap();
}

#[test]
fn a_per_entry_deadline_and_the_time_to_live_combine_earliest_first() {
    let (b, clock, _log) = builder::<LruPolicy>(10);
    let cache = b.time_to_live(10 * SEC).build().unwrap();
    cache.insert_with_ttl(1, 10, 3 * SEC).unwrap(); // shorter: wins
    cache.insert_with_ttl(2, 20, 30 * SEC).unwrap(); // longer: the TTL wins
    cache.insert(3, 30).unwrap();
    clock.advance(3 * SEC);
    assert_eq!(cache.keys(), [2, 3]);
    clock.advance(7 * SEC);
    assert!(cache.is_empty());
    cache.validate().unwrap();
}

#[test]
fn insert_with_ttl_needs_expiry_and_a_zero_ttl_expires_at_once() {
    let plain = Cache::<u32, u32, LruPolicy>::new(10);
    assert_eq!(plain.insert_with_ttl(1, 1, SEC), Err(Error::ExpiryDisabled));
    assert!(plain.is_empty());
    let (b, _clock, log) = builder::<LruPolicy>(10);
    let cache = b.build().unwrap(); // the clock alone turns expiry on
    cache.insert_with_ttl(1, 1, Duration::ZERO).unwrap();
    assert_eq!(cache.get(&1), None);
    assert_eq!(take(&log), [(1, 1, RemovalCause::Expired)]);
}

#[test]
fn zero_durations_are_refused_by_the_builder() {
    for built in [
        Cache::<u32, u32, LruPolicy>::builder()
            .time_to_live(Duration::ZERO)
            .build(),
        Cache::<u32, u32, LruPolicy>::builder()
            .time_to_idle(Duration::ZERO)
            .build(),
    ] {
        let err = built.unwrap_err();
        assert!(matches!(err, Error::InvalidExpiry { .. }), "{err}");
        assert!(
            err.to_string().contains("give a positive duration"),
            "{err}"
        );
    }
}

/// Lifetimes from the value: the value is the lifetime in seconds; reads add 5 s.
struct ValueSeconds;

impl Expiry<u32, u32> for ValueSeconds {
    fn expire_after_create(&self, _key: &u32, value: &u32, _now: Duration) -> Option<Duration> {
        (*value > 0).then(|| Duration::from_secs(u64::from(*value)))
    }

    fn expire_after_read(
        &self,
        _key: &u32,
        _value: &u32,
        _now: Duration,
        remaining: Option<Duration>,
    ) -> Option<Duration> {
        remaining.map(|left| left + 5 * SEC)
    }
}

#[test]
fn the_expiry_hook_sets_deadlines_on_insert_and_on_read() {
    let (b, clock, _log) = builder::<LruPolicy>(10);
    let cache = b.expire_after(ValueSeconds).build().unwrap();
    cache.insert(1, 2).unwrap(); // 2 s
    cache.insert(2, 4).unwrap(); // 4 s
    cache.insert(3, 0).unwrap(); // none
    clock.advance(SEC);
    assert_eq!(cache.get(&1), Some(2)); // 1 s left + 5: now due at 7 s
    clock.advance(3 * SEC);
    assert_eq!(
        cache.keys(),
        [3, 1],
        "2 expired at 4 s, 1 was extended (and read: LRU last)"
    );
    clock.advance(3 * SEC);
    assert_eq!(cache.keys(), [3]);
    clock.advance(1_000_000 * SEC);
    assert_eq!(cache.keys(), [3], "no deadline, no expiry");
    cache.validate().unwrap();
}

#[test]
fn expired_entries_are_not_counted_listed_or_handed_out() {
    let (b, clock, log) = builder::<LruPolicy>(10);
    let cache = b.time_to_live(5 * SEC).build().unwrap();
    cache.insert(1, 10).unwrap();
    clock.advance(3 * SEC);
    cache.insert(2, 20).unwrap();
    clock.advance(2 * SEC);
    assert_eq!(cache.len(), 1);
    assert_eq!(cache.keys(), [2]);
    assert_eq!(cache.values(), [20]);
    assert_eq!(cache.entries(), [(2, 20)]);
    assert_eq!(take(&log), [(1, 10, RemovalCause::Expired)]);
    clock.advance(3 * SEC);
    assert_eq!(cache.pop_victim(), None, "the only entry had expired");
    assert_eq!(take(&log), [(2, 20, RemovalCause::Expired)]);
}

#[test]
fn set_max_size_and_clear_remove_expired_entries_first_as_expired() {
    let (b, clock, log) = builder::<LruPolicy>(10);
    let cache = b.time_to_live(5 * SEC).build().unwrap();
    for k in 0..4 {
        cache.insert(k, k).unwrap();
        clock.advance(2 * SEC);
    }
    // Inserted at 0, 2, 4 and 6 s; now 8 s: 0 (due at 5) and 1 (due at 7) have expired.
    cache.set_max_size(1).unwrap();
    assert_eq!(
        take(&log),
        [
            (0, 0, RemovalCause::Expired),
            (1, 1, RemovalCause::Expired),
            (2, 2, RemovalCause::Resized)
        ]
    );
    cache.set_max_size(10).unwrap();
    cache.insert(9, 9).unwrap();
    clock.advance(3 * SEC); // 11 s: 3 expires (9 is due at 13 s)
    cache.clear();
    assert_eq!(
        take(&log),
        [(3, 3, RemovalCause::Expired), (9, 9, RemovalCause::Cleared)]
    );
    let stats = cache.stats();
    assert_eq!(
        (stats.expirations, stats.evictions, stats.removals),
        (3, 1, 1)
    );
    conserved(stats, cache.len());
}

#[test]
fn an_expired_key_can_be_inserted_again_and_is_not_removable() {
    let (b, clock, log) = builder::<LruPolicy>(10);
    let cache = b.time_to_live(5 * SEC).build().unwrap();
    cache.insert(1, 10).unwrap();
    cache.insert(2, 20).unwrap();
    clock.advance(5 * SEC);
    cache.insert(1, 11).unwrap(); // the expired entry does not block it
    assert!(matches!(cache.remove(&2), Err(Error::NotCached { .. })));
    assert_eq!(
        take(&log),
        [
            (1, 10, RemovalCause::Expired),
            (2, 20, RemovalCause::Expired)
        ]
    );
    assert_eq!(cache.get(&1), Some(11));
}

#[test]
fn get_or_insert_with_reloads_an_expired_entry_once() {
    let (b, clock, _log) = builder::<LruPolicy>(10);
    let cache = b.time_to_live(5 * SEC).build().unwrap();
    let loads = AtomicUsize::new(0);
    let load = |v| {
        loads.fetch_add(1, Ordering::SeqCst);
        v
    };
    assert_eq!(cache.get_or_insert_with(1, || load(10)), 10);
    assert_eq!(cache.get_or_insert_with(1, || load(99)), 10);
    clock.advance(5 * SEC);
    assert_eq!(cache.get_or_insert_with(1, || load(11)), 11);
    assert_eq!(loads.load(Ordering::SeqCst), 2);
    clock.advance(4 * SEC);
    assert_eq!(
        cache.get(&1),
        Some(11),
        "the reloaded entry has a fresh time-to-live"
    );
}

#[test]
fn each_operation_removes_a_few_due_entries_of_its_shard() {
    let (b, clock, log) = builder::<LruPolicy>(100);
    let cache = b.time_to_live(SEC).build().unwrap();
    for k in 0..10 {
        cache.insert(k, k).unwrap();
    }
    clock.advance(SEC);
    cache.get(&50); // a miss on another key
    assert_eq!(take(&log).len(), 2, "at most two per operation");
    cache.insert(60, 60).unwrap();
    assert_eq!(take(&log).len(), 2);
    assert_eq!(cache.purge_expired(), 6);
    let expired: Vec<u32> = take(&log).into_iter().map(|(k, ..)| k).collect();
    assert_eq!(expired, [4, 5, 6, 7, 8, 9], "oldest first");
    assert_eq!(cache.keys(), [60]);
}

#[test]
fn purge_expired_removes_deadlines_within_the_current_tick_too() {
    let (b, clock, log) = builder::<LruPolicy>(100);
    let cache = b.per_entry_expiry().build().unwrap();
    cache
        .insert_with_ttl(1, 1, Duration::from_nanos(10))
        .unwrap();
    cache
        .insert_with_ttl(2, 2, Duration::from_nanos(500))
        .unwrap();
    clock.advance(Duration::from_nanos(100));
    assert_eq!(cache.purge_expired(), 1);
    assert_eq!(take(&log), [(1, 1, RemovalCause::Expired)]);
    assert!(cache.contains_key(&2));
}

#[test]
fn per_entry_deadlines_far_apart_expire_each_at_its_time() {
    let (b, clock, _log) = builder::<LruPolicy>(100);
    let cache = b.per_entry_expiry().build().unwrap();
    let lifetimes = [SEC / 1000, SEC, 3600 * SEC, 86_400 * 30 * SEC];
    for (k, ttl) in lifetimes.iter().enumerate() {
        cache.insert_with_ttl(k as u32, 0, *ttl).unwrap();
    }
    let mut elapsed = Duration::ZERO;
    for (k, ttl) in lifetimes.iter().enumerate() {
        clock.advance(*ttl - elapsed - NS);
        assert!(cache.contains_key(&(k as u32)), "{k} before its deadline");
        clock.advance(NS);
        elapsed = *ttl;
        assert!(!cache.contains_key(&(k as u32)), "{k} at its deadline");
        assert_eq!(cache.len(), lifetimes.len() - k - 1);
        cache.validate().unwrap();
    }
}

fn run_everything<P: Policy + Default + Send + Sync + 'static>(
    shards: usize,
) -> Vec<(u32, u32, RemovalCause)> {
    let (b, clock, log) = builder::<P>(16);
    let cache = b
        .shards(shards)
        .time_to_live(50 * SEC)
        .time_to_idle(20 * SEC)
        .expire_after(ValueSeconds)
        .build()
        .unwrap();
    let mut x = 12345u64;
    for step in 0..3_000u32 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let key = ((x >> 33) % 40) as u32;
        match (x >> 20) % 8 {
            0 | 1 => {
                let _ = cache.insert(key, (step % 60) + 1);
            }
            2 => {
                let _ = cache.insert_with_ttl(key, 0, Duration::from_millis(x % 30_000));
            }
            3 | 4 => {
                cache.get(&key);
            }
            5 => {
                let _ = cache.remove(&key);
            }
            6 => {
                cache.get_or_insert_with(key, || 7);
            }
            _ => clock.advance(Duration::from_millis((x >> 8) % 3_000)),
        }
        if step % 500 == 0 {
            cache.validate().unwrap();
        }
    }
    cache.purge_expired();
    cache.validate().unwrap();
    conserved(cache.stats(), cache.len());
    let log = take(&log);
    assert!(log.iter().any(|e| e.2 == RemovalCause::Expired));
    log
}

#[test]
fn expiry_works_with_every_policy_and_shards_and_is_deterministic() {
    for shards in [1, 4] {
        let lru = run_everything::<LruPolicy>(shards);
        assert_eq!(
            lru,
            run_everything::<LruPolicy>(shards),
            "LRU, {shards} shards"
        );
        let lfu = run_everything::<LfuPolicy>(shards);
        assert_eq!(
            lfu,
            run_everything::<LfuPolicy>(shards),
            "LFU, {shards} shards"
        );
        let tiny = run_everything::<TinyLfuPolicy>(shards);
        assert_eq!(
            tiny,
            run_everything::<TinyLfuPolicy>(shards),
            "TinyLFU, {shards} shards"
        );
    }
}

#[test]
fn a_deep_clone_keeps_the_deadlines() {
    let (b, clock, _log) = builder::<LruPolicy>(10);
    let cache = b.time_to_live(5 * SEC).build().unwrap();
    cache.insert(1, 10).unwrap();
    let copy = cache.deep_clone();
    clock.advance(5 * SEC);
    assert_eq!(
        copy.get(&1),
        None,
        "the copy shares the clock and the deadline"
    );
    assert_eq!(copy.stats().expirations, 1);
    assert_eq!(cache.stats().expirations, 0, "the original is independent");
}
