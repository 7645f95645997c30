//! Single-flight tests, with real threads.

use crate::listener::RemovalCause;
use crate::testing::{builder, cache, loading, value, waiters, within_seconds};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// Spins until `cond` holds; panics after 10 s (a lost wake-up or a held lock).
fn wait_until(what: &str, cond: impl Fn() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "timed out waiting for {what}"
        );
        thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn loader_runs_once_for_concurrent_callers_and_all_get_its_value() {
    within_seconds(|| {
        const CALLERS: usize = 8;
        let c = cache(4);
        let calls = AtomicUsize::new(0);
        let results: Vec<String> = thread::scope(|scope| {
            let handles: Vec<_> = (0..CALLERS)
                .map(|_| {
                    scope.spawn(|| {
                        c.get_or_insert_with(1, || {
                            calls.fetch_add(1, Ordering::SeqCst);
                            // Finish only once every other caller waits on this load.
                            wait_until("all callers to wait", || waiters(&c, 1) == CALLERS - 1);
                            "loaded".to_string()
                        })
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert!(results.iter().all(|r| r == "loaded"), "{results:?}");
        assert_eq!(c.get(&1).as_deref(), Some("loaded"));
        let stats = c.stats();
        assert_eq!(
            (stats.misses, stats.hits, stats.inserts),
            (CALLERS as u64, 1, 1)
        );
        assert_eq!(loading(&c), 0);
        c.validate().unwrap();
    });
}

#[test]
fn a_failing_load_runs_once_and_every_waiter_gets_its_error() {
    within_seconds(|| {
        const CALLERS: usize = 8;
        let c = cache(4);
        let runs = AtomicUsize::new(0);
        thread::scope(|scope| {
            let first = scope.spawn(|| {
                c.try_get_or_insert_with(1, || {
                    runs.fetch_add(1, Ordering::SeqCst);
                    wait_until("the waiters", || waiters(&c, 1) == CALLERS - 1);
                    Err("no credentials")
                })
            });
            wait_until("the first load to start", || loading(&c) == 1);
            let others: Vec<_> = (1..CALLERS)
                .map(|_| {
                    scope.spawn(|| {
                        c.try_get_or_insert_with(1, || {
                            runs.fetch_add(1, Ordering::SeqCst);
                            Ok::<_, &str>("second".to_string())
                        })
                    })
                })
                .collect();
            assert_eq!(first.join().unwrap(), Err("no credentials"));
            for other in others {
                assert_eq!(
                    other.join().unwrap(),
                    Err("no credentials"),
                    "shared, not rerun"
                );
            }
        });
        assert_eq!(
            runs.load(Ordering::SeqCst),
            1,
            "one loader ran for all 8 callers"
        );
        assert!(!c.contains_key(&1), "a failed load caches nothing");
        let stats = c.stats();
        assert_eq!((stats.misses, stats.inserts), (CALLERS as u64, 0));
        assert_eq!(loading(&c), 0);
    });
}

#[test]
fn a_waiter_with_another_error_type_retries_as_the_new_loader() {
    within_seconds(|| {
        let c = cache(4);
        let retried = AtomicUsize::new(0);
        thread::scope(|scope| {
            let first = scope.spawn(|| {
                c.try_get_or_insert_with(1, || {
                    wait_until("a waiter", || waiters(&c, 1) == 1);
                    Err("no credentials")
                })
            });
            wait_until("the first load to start", || loading(&c) == 1);
            let second = scope.spawn(|| {
                c.try_get_or_insert_with(1, || {
                    retried.fetch_add(1, Ordering::SeqCst);
                    Ok::<_, String>("second".to_string())
                })
            });
            assert_eq!(first.join().unwrap(), Err("no credentials"));
            assert_eq!(second.join().unwrap().as_deref(), Ok("second"));
        });
        assert_eq!(
            retried.load(Ordering::SeqCst),
            1,
            "it cannot be handed a &str error"
        );
        assert_eq!(c.peek(&1).as_deref(), Some("second"));
        let stats = c.stats();
        assert_eq!(
            (stats.misses, stats.inserts),
            (2, 1),
            "one miss per call, even retried"
        );
        assert_eq!(loading(&c), 0);
    });
}

#[test]
fn a_loader_asking_for_its_own_key_panics_naming_it_instead_of_hanging() {
    within_seconds(|| {
        let c = cache(4);
        let inner = c.clone();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            c.get_or_insert_with(1, || inner.get_or_insert_with(1, || value(5)) + "!")
        }));
        let payload = outcome.expect_err("a cycle panics");
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .unwrap_or_default();
        assert!(message.contains("loader of key `1`"), "{message}");
        assert!(message.contains("same key on the same thread"), "{message}");
        assert_eq!(loading(&c), 0, "the outer load was abandoned, not stranded");
        // Other keys from inside a loader are fine.
        let nested = c.get_or_insert_with(2, || inner.get_or_insert_with(3, || value(3)) + "+");
        assert_eq!(nested, value(3) + "+");
    });
}

#[test]
fn panicking_loader_releases_its_waiters_and_caches_nothing() {
    within_seconds(|| {
        let c = cache(4);
        thread::scope(|scope| {
            let first = scope.spawn(|| {
                c.get_or_insert_with(1, || {
                    wait_until("a waiter", || waiters(&c, 1) == 1);
                    panic!("loader panicked");
                })
            });
            wait_until("the first load to start", || loading(&c) == 1);
            let second = scope.spawn(|| c.get_or_insert_with(1, || "second".to_string()));
            assert!(
                first.join().is_err(),
                "the panic reaches the loader's caller"
            );
            assert_eq!(second.join().unwrap(), "second");
        });
        assert_eq!(c.peek(&1).as_deref(), Some("second"));
        assert_eq!(loading(&c), 0);
        assert!(!c.is_poisoned(), "no lock was held while the loader ran");
        c.validate().unwrap();
    });
}

#[test]
fn failed_load_without_waiters_leaves_no_flight_behind() {
    let c = cache(4);
    assert_eq!(c.try_get_or_insert_with(1, || Err::<String, _>(5)), Err(5));
    assert_eq!(loading(&c), 0);
    assert!(c.is_empty());
    assert_eq!(c.get_or_insert_with(1, || value(1)), value(1));
}

#[test]
fn loaders_for_different_keys_run_in_parallel() {
    within_seconds(|| {
        let c = cache(4);
        let running = AtomicUsize::new(0);
        thread::scope(|scope| {
            for key in [1, 2] {
                let (c, running) = (&c, &running);
                scope.spawn(move || {
                    c.get_or_insert_with(key, || {
                        // Both loaders must be running at once to get past this.
                        running.fetch_add(1, Ordering::SeqCst);
                        wait_until("both loaders to run", || {
                            running.load(Ordering::SeqCst) == 2
                        });
                        value(key)
                    })
                });
            }
        });
        assert!(c.contains_key(&1) && c.contains_key(&2));
    });
}

#[test]
fn loader_may_use_the_cache_because_no_lock_is_held() {
    let c = cache(4);
    let got = c.get_or_insert_with(1, || {
        assert_eq!(c.len(), 0);
        assert_eq!(
            c.get(&1),
            None,
            "a plain get misses without waiting for the load"
        );
        c.insert(2, value(2)).unwrap();
        let nested = c.get_or_insert_with(3, || value(3));
        assert_eq!(nested, value(3));
        value(1)
    });
    assert_eq!(got, value(1));
    assert_eq!(c.len(), 3);
}

#[test]
fn insert_racing_a_loader_wins_over_the_loaded_value() {
    let c = cache(4);
    let got = c.get_or_insert_with(1, || {
        c.insert(1, "inserted".into()).unwrap();
        "loaded".to_string()
    });
    assert_eq!(got, "inserted");
    assert_eq!(c.peek(&1).as_deref(), Some("inserted"));
    assert_eq!(c.stats().inserts, 1);
}

#[test]
fn loading_counts_one_miss_then_hits_and_runs_init_once() {
    let c = cache(4);
    let calls = AtomicUsize::new(0);
    for _ in 0..3 {
        let got = c.get_or_insert_with(1, || {
            calls.fetch_add(1, Ordering::SeqCst);
            value(1)
        });
        assert_eq!(got, value(1));
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    let stats = c.stats();
    assert_eq!((stats.misses, stats.hits, stats.inserts), (1, 2, 1));
}

#[test]
fn loaded_value_evicts_like_insert() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&log);
    let c = builder(1)
        .eviction_listener(move |k, _, cause| sink.lock().unwrap().push((k, cause)))
        .build()
        .unwrap();
    c.insert(1, value(1)).unwrap();
    c.get_or_insert_with(2, || value(2));
    assert_eq!(c.keys(), [2]);
    assert_eq!(*log.lock().unwrap(), [(1, RemovalCause::Evicted)]);
}

#[test]
fn loading_with_max_size_zero_returns_the_value_without_keeping_it() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&log);
    let c = builder(0)
        .eviction_listener(move |k, _, cause| sink.lock().unwrap().push((k, cause)))
        .build()
        .unwrap();
    let calls = AtomicUsize::new(0);
    for _ in 0..2 {
        let got = c.get_or_insert_with(1, || {
            calls.fetch_add(1, Ordering::SeqCst);
            value(1)
        });
        assert_eq!(got, value(1));
    }
    assert_eq!(
        calls.load(Ordering::SeqCst),
        2,
        "nothing kept, so each call loads"
    );
    assert!(c.is_empty());
    assert_eq!(
        *log.lock().unwrap(),
        [(1, RemovalCause::Evicted), (1, RemovalCause::Evicted)]
    );
}

#[test]
fn concurrent_callers_share_one_load_even_with_max_size_zero() {
    within_seconds(|| {
        let c = cache(0);
        let calls = AtomicUsize::new(0);
        thread::scope(|scope| {
            let first = scope.spawn(|| {
                c.get_or_insert_with(1, || {
                    calls.fetch_add(1, Ordering::SeqCst);
                    wait_until("a waiter", || waiters(&c, 1) == 1);
                    value(1)
                })
            });
            wait_until("the load to start", || loading(&c) == 1);
            let second =
                scope.spawn(|| c.get_or_insert_with(1, || unreachable!("shares the load")));
            assert_eq!(first.join().unwrap(), value(1));
            assert_eq!(second.join().unwrap(), value(1));
        });
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert!(c.is_empty());
    });
}
