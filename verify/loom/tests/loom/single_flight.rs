//! Sync single-flight (`get_or_insert_with`, `try_get_or_insert_with`) from two threads.
//!
//! The sequential orders of two loads of one key both end with one entry holding one of the
//! loaded values, each call returning it; every model below checks the concurrent run ends
//! the same way, and that no load stays registered (`loading: 0` in `Debug`) so a later call
//! is never stuck behind a finished one.

use crate::check::{LoomCache, assert_no_flight};
use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

#[test]
fn concurrent_loads_of_one_key_run_one_loader_and_share_its_value() {
    loom::model(|| {
        let cache = LoomCache::new(2);
        let calls = Arc::new(AtomicUsize::new(0));
        let spawn = |value: u32| {
            let (cache, calls) = (cache.clone(), Arc::clone(&calls));
            thread::spawn(move || {
                cache.get_or_insert_with(1, || {
                    calls.fetch_add(1, Ordering::SeqCst);
                    value
                })
            })
        };
        let (a, b) = (spawn(10), spawn(20));
        let (a, b) = (a.join().unwrap(), b.join().unwrap());
        assert_eq!(a, b, "both callers get the one loaded value");
        assert_eq!(calls.load(Ordering::SeqCst), 1, "the loader ran once");
        assert_eq!(cache.entries(), [(1, a)]);
        let stats = cache.stats();
        assert_eq!(
            stats.requests(),
            2,
            "each call counts one lookup: {stats:?}"
        );
        assert_eq!(stats.inserts, 1, "{stats:?}");
        assert_no_flight(&cache);
        cache.validate().unwrap();
    });
}

#[test]
fn a_failed_load_hands_its_error_to_its_waiter_or_leaves_the_next_call_to_load() {
    loom::model(|| {
        let cache = LoomCache::new(2);
        let other = cache.clone();
        let failing = thread::spawn(move || other.try_get_or_insert_with(1, || Err::<u32, ()>(())));
        let mine = cache.try_get_or_insert_with(1, || Ok::<u32, ()>(5));
        let theirs = failing.join().unwrap();
        match mine {
            // Mine waited on the failing load: it got that load's error, nothing is cached.
            Err(()) => {
                assert_eq!(theirs, Err(()));
                assert!(cache.is_empty());
            }
            // Mine loaded (before, after, or while the other waited on it).
            Ok(5) => {
                assert!(theirs == Err(()) || theirs == Ok(5), "{theirs:?}");
                assert_eq!(cache.entries(), [(1, 5)]);
            }
            other => panic!("{other:?}"),
        }
        assert_no_flight(&cache);
        cache.validate().unwrap();
    });
}

#[test]
fn two_failing_loads_cache_nothing_and_leave_no_flight() {
    loom::model(|| {
        let cache = LoomCache::new(2);
        let runs = Arc::new(AtomicUsize::new(0));
        let (other, their_runs) = (cache.clone(), Arc::clone(&runs));
        let t = thread::spawn(move || {
            other.try_get_or_insert_with(1, || {
                their_runs.fetch_add(1, Ordering::SeqCst);
                Err::<u32, u8>(1)
            })
        });
        let mine = cache.try_get_or_insert_with(1, || {
            runs.fetch_add(1, Ordering::SeqCst);
            Err::<u32, u8>(2)
        });
        let theirs = t.join().unwrap();
        match runs.load(Ordering::SeqCst) {
            // One load, its error shared with the caller that waited on it.
            1 => assert_eq!(mine, theirs),
            // Two loads one after the other: each caller gets its own loader's error.
            2 => assert_eq!((mine, theirs), (Err(2), Err(1))),
            n => panic!("{n} loads"),
        }
        assert!(cache.is_empty(), "a failed load caches nothing");
        assert_no_flight(&cache);
        assert_eq!(cache.stats().inserts, 0);
    });
}

/// The payload of the models' deliberate panics; the hook keeps them out of the test output.
const LOADER_PANIC: &str = "loom model: the loader panics";

fn silence_deliberate_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if info.payload().downcast_ref::<&str>() != Some(&LOADER_PANIC) {
                default(info);
            }
        }));
    });
}

#[test]
fn a_panicking_load_releases_its_waiter_and_caches_nothing() {
    silence_deliberate_panics();
    loom::model(|| {
        let cache = LoomCache::new(2);
        let other = cache.clone();
        let panicking = thread::spawn(move || {
            panic::catch_unwind(AssertUnwindSafe(|| {
                other.get_or_insert_with(1, || panic!("{}", LOADER_PANIC))
            }))
            .ok()
        });
        let mine = cache.get_or_insert_with(1, || 7);
        let theirs = panicking.join().unwrap();
        assert_eq!(mine, 7, "the waiter was released and loaded");
        // The other caller either ran its loader (and panicked) or waited on ours.
        assert!(theirs.is_none() || theirs == Some(7), "{theirs:?}");
        assert_eq!(
            cache.entries(),
            [(1, 7)],
            "the panicked load cached nothing"
        );
        assert_no_flight(&cache);
        cache.validate().unwrap();
    });
}

#[test]
fn callers_share_a_load_even_when_max_size_is_zero() {
    loom::model(|| {
        let cache = LoomCache::new(0);
        let other = cache.clone();
        let t = thread::spawn(move || other.get_or_insert_with(1, || 3));
        assert_eq!(cache.get_or_insert_with(1, || 3), 3);
        assert_eq!(t.join().unwrap(), 3);
        assert!(cache.is_empty());
        assert_no_flight(&cache);
    });
}

#[test]
fn an_insert_racing_a_load_leaves_one_value_that_both_agree_on() {
    loom::model(|| {
        let cache = LoomCache::new(2);
        let other = cache.clone();
        let inserter = thread::spawn(move || other.insert(1, 100).is_ok());
        let loaded = cache.get_or_insert_with(1, || 200);
        let inserted = inserter.join().unwrap();
        let cached = cache.peek(&1).unwrap();
        assert_eq!(loaded, cached, "the loader returns what is cached");
        assert_eq!(
            inserted,
            cached == 100,
            "insert succeeds iff its value is the cached one"
        );
        let stats = cache.stats();
        assert_eq!(
            stats.inserts, 1,
            "one value stored, the other dropped: {stats:?}"
        );
        assert_no_flight(&cache);
        cache.validate().unwrap();
    });
}

/// The models above are only as good as loom's exploration: this one checks that it really
/// runs both callers first, in different executions (each value wins somewhere) and that
/// it explores more than a handful of executions.
#[test]
fn loom_explores_both_callers_winning_the_load() {
    use std::sync::atomic::{AtomicUsize as StdCounter, Ordering as StdOrdering};
    static EXECUTIONS: StdCounter = StdCounter::new(0);
    static TEN_WON: StdCounter = StdCounter::new(0);
    static TWENTY_WON: StdCounter = StdCounter::new(0);
    loom::model(|| {
        EXECUTIONS.fetch_add(1, StdOrdering::Relaxed);
        let cache = LoomCache::new(2);
        let other = cache.clone();
        let t = thread::spawn(move || other.get_or_insert_with(1, || 10));
        let mine = cache.get_or_insert_with(1, || 20);
        assert_eq!(t.join().unwrap(), mine);
        let won = if mine == 10 { &TEN_WON } else { &TWENTY_WON };
        won.fetch_add(1, StdOrdering::Relaxed);
    });
    let executions = EXECUTIONS.load(StdOrdering::Relaxed);
    eprintln!("loom explored {executions} executions of a two-caller load");
    assert!(
        executions > 10,
        "loom explored only {executions} executions"
    );
    assert!(
        TEN_WON.load(StdOrdering::Relaxed) > 0,
        "the spawned caller never won"
    );
    assert!(
        TWENTY_WON.load(StdOrdering::Relaxed) > 0,
        "the main caller never won"
    );
}
