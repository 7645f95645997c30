//! Async single-flight tests: cancellation by hand-polled futures (exact interleavings), and
//! concurrency on a multi-threaded tokio runtime.

use crate::testing::{TestCache, cache, loading, value, waiters};
use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

/// A waker that records whether it was woken.
#[derive(Default)]
struct Flag(AtomicBool);

impl Wake for Flag {
    fn wake(self: Arc<Self>) {
        self.0.store(true, Ordering::SeqCst);
    }
}

fn flag() -> (Arc<Flag>, Waker) {
    let flag = Arc::new(Flag::default());
    (Arc::clone(&flag), Waker::from(Arc::clone(&flag)))
}

fn woken(flag: &Flag) -> bool {
    flag.0.load(Ordering::SeqCst)
}

fn poll<F: Future + ?Sized>(future: Pin<&mut F>, waker: &Waker) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(waker))
}

/// A future that stays pending until `open` is set.
fn gate(open: &AtomicBool) -> impl Future<Output = ()> + '_ {
    std::future::poll_fn(move |_| {
        if open.load(Ordering::SeqCst) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
}

#[test]
fn async_hit_and_miss_count_like_the_sync_family() {
    let c = cache(4);
    let (_, waker) = flag();
    let mut first = pin!(c.get_or_insert_with_async(1, || async { "one".to_string() }));
    assert_eq!(poll(first.as_mut(), &waker), Poll::Ready("one".to_string()));
    let mut second = pin!(c.get_or_insert_with_async(1, || async { unreachable!("a hit") }));
    assert_eq!(
        poll(second.as_mut(), &waker),
        Poll::Ready("one".to_string())
    );
    let stats = c.stats();
    assert_eq!((stats.misses, stats.hits, stats.inserts), (1, 1, 1));
    assert_eq!(loading(&c), 0);
}

#[test]
fn async_waiter_gets_the_loaders_value_without_running_its_own_init() {
    let c = cache(4);
    let open = AtomicBool::new(false);
    let (_, loader_waker) = flag();
    let (waiter_flag, waiter_waker) = flag();
    let mut loader = pin!(c.get_or_insert_with_async(1, || async {
        gate(&open).await;
        "loaded".to_string()
    }));
    assert!(poll(loader.as_mut(), &loader_waker).is_pending());
    let mut waiter = pin!(c.get_or_insert_with_async(1, || async { unreachable!("a waiter") }));
    assert!(poll(waiter.as_mut(), &waiter_waker).is_pending());
    assert_eq!(waiters(&c, 1), 1);
    assert!(
        c.get(&2).is_none(),
        "the lock is free while the loader awaits"
    );

    open.store(true, Ordering::SeqCst);
    assert_eq!(
        poll(loader.as_mut(), &loader_waker),
        Poll::Ready("loaded".to_string())
    );
    assert!(woken(&waiter_flag), "finishing the load wakes the waiter");
    assert_eq!(
        poll(waiter.as_mut(), &waiter_waker),
        Poll::Ready("loaded".to_string())
    );
    assert_eq!(c.stats().inserts, 1);
}

#[test]
fn dropped_waiter_never_blocks_the_load_or_the_other_waiters() {
    let c = cache(4);
    let open = AtomicBool::new(false);
    let (_, waker) = flag();
    let mut loader = pin!(c.get_or_insert_with_async(1, || async {
        gate(&open).await;
        "loaded".to_string()
    }));
    assert!(poll(loader.as_mut(), &waker).is_pending());
    let mut kept = pin!(c.get_or_insert_with_async(1, || async { unreachable!() }));
    assert!(poll(kept.as_mut(), &waker).is_pending());
    {
        let mut dropped = Box::pin(c.get_or_insert_with_async(1, || async { unreachable!() }));
        assert!(poll(dropped.as_mut(), &waker).is_pending());
        assert_eq!(waiters(&c, 1), 2);
    } // Cancelled while waiting.
    assert_eq!(
        waiters(&c, 1),
        1,
        "the cancelled waiter let go of the flight"
    );

    open.store(true, Ordering::SeqCst);
    assert_eq!(
        poll(loader.as_mut(), &waker),
        Poll::Ready("loaded".to_string())
    );
    assert_eq!(
        poll(kept.as_mut(), &waker),
        Poll::Ready("loaded".to_string())
    );
    assert_eq!(loading(&c), 0);
}

#[test]
fn cancelled_loader_releases_its_waiters_and_one_takes_over() {
    let c = cache(4);
    let (_, waker) = flag();
    let (waiter_flag, waiter_waker) = flag();
    let mut waiter_inits = 0;
    {
        let mut loader = Box::pin(c.get_or_insert_with_async(1, || async {
            std::future::pending::<()>().await;
            unreachable!("never finishes")
        }));
        assert!(poll(loader.as_mut(), &waker).is_pending());
        let mut waiter = pin!(c.get_or_insert_with_async(1, || async {
            waiter_inits += 1;
            "taken over".to_string()
        }));
        assert!(poll(waiter.as_mut(), &waiter_waker).is_pending());
        drop(loader); // Cancelled while its init was pending.
        assert!(woken(&waiter_flag), "the abandoned flight woke the waiter");
        assert_eq!(
            poll(waiter.as_mut(), &waiter_waker),
            Poll::Ready("taken over".to_string())
        );
    }
    assert_eq!(waiter_inits, 1, "the waiter became the loader");
    assert_eq!(c.peek(&1).as_deref(), Some("taken over"));
    assert_eq!(loading(&c), 0);
    assert!(!c.is_poisoned());
    c.validate().unwrap();
}

#[test]
fn a_failed_async_load_hands_its_error_to_the_waiting_task() {
    let c = cache(4);
    let open = AtomicBool::new(false);
    let (_, waker) = flag();
    let mut failing = pin!(c.try_get_or_insert_with_async(1, || async {
        gate(&open).await;
        Err::<String, _>("no credentials")
    }));
    assert!(poll(failing.as_mut(), &waker).is_pending());
    let mut waiter =
        pin!(c.try_get_or_insert_with_async(1, || async { Ok::<_, &str>("second".to_string()) }));
    assert!(poll(waiter.as_mut(), &waker).is_pending());
    open.store(true, Ordering::SeqCst);
    assert_eq!(
        poll(failing.as_mut(), &waker),
        Poll::Ready(Err("no credentials"))
    );
    assert_eq!(
        poll(waiter.as_mut(), &waker),
        Poll::Ready(Err("no credentials"))
    );
    assert!(!c.contains_key(&1));
    let stats = c.stats();
    assert_eq!((stats.misses, stats.inserts), (2, 0), "one miss per call");
}

#[test]
fn an_async_loader_awaiting_its_own_key_panics_instead_of_waiting_forever() {
    let c = cache(4);
    let inner = c.clone();
    let (_, waker) = flag();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut outer = pin!(c.get_or_insert_with_async(1, || async {
            inner
                .get_or_insert_with_async(1, || async { value(1) })
                .await
        }));
        poll(outer.as_mut(), &waker)
    }));
    let payload = outcome.expect_err("a cycle panics");
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(message.contains("loader of key `1`"), "{message}");
    assert_eq!(loading(&c), 0);
}

#[test]
fn another_task_waiting_on_a_suspended_load_of_its_thread_is_not_a_cycle() {
    let c = cache(4);
    let open = AtomicBool::new(false);
    let (_, waker) = flag();
    let mut loader = pin!(c.get_or_insert_with_async(1, || async {
        gate(&open).await;
        value(1)
    }));
    assert!(poll(loader.as_mut(), &waker).is_pending());
    // Same thread, another task: it waits, it does not panic.
    let mut waiter = pin!(c.get_or_insert_with_async(1, || async { value(2) }));
    assert!(poll(waiter.as_mut(), &waker).is_pending());
    open.store(true, Ordering::SeqCst);
    assert_eq!(poll(loader.as_mut(), &waker), Poll::Ready(value(1)));
    assert_eq!(poll(waiter.as_mut(), &waker), Poll::Ready(value(1)));
}

#[test]
fn sync_waiter_is_released_by_an_async_loader() {
    let c = cache(4);
    let open = AtomicBool::new(false);
    let (_, waker) = flag();
    std::thread::scope(|scope| {
        let mut loader = pin!(c.get_or_insert_with_async(1, || async {
            gate(&open).await;
            "async".to_string()
        }));
        assert!(poll(loader.as_mut(), &waker).is_pending());
        let sync_waiter = scope.spawn(|| c.get_or_insert_with(1, || unreachable!()));
        while waiters(&c, 1) == 0 {
            std::thread::sleep(Duration::from_millis(1));
        }
        open.store(true, Ordering::SeqCst);
        assert_eq!(
            poll(loader.as_mut(), &waker),
            Poll::Ready("async".to_string())
        );
        assert_eq!(sync_waiter.join().unwrap(), "async");
    });
}

#[test]
fn async_load_future_is_send_for_spawning() {
    fn assert_send<T: Send>(_: &T) {}
    let c: crate::Cache<String, Arc<str>, crate::testing::VecLru> = crate::Cache::new(2);
    let future = c.try_get_or_insert_with_async("k".to_string(), || async {
        Ok::<_, String>(Arc::from("v"))
    });
    assert_send(&future);
}

#[test]
fn concurrent_tasks_on_a_multi_threaded_runtime_build_once() {
    const TASKS: usize = 16;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_time()
        .build()
        .unwrap();
    let c = cache(4);
    let builds = Arc::new(AtomicUsize::new(0));
    runtime.block_on(async {
        let handles: Vec<_> = (0..TASKS)
            .map(|_| {
                let c = c.clone();
                let builds = Arc::clone(&builds);
                tokio::spawn(async move {
                    c.get_or_insert_with_async(7, || async move {
                        builds.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        "client".to_string()
                    })
                    .await
                })
            })
            .collect();
        let results = tokio::time::timeout(Duration::from_secs(10), async {
            let mut results = Vec::new();
            for handle in handles {
                results.push(handle.await.unwrap());
            }
            results
        })
        .await
        .expect("no task hangs");
        assert!(results.iter().all(|r| r == "client"));
    });
    assert_eq!(builds.load(Ordering::SeqCst), 1);
    assert_eq!(c.stats().inserts, 1);
    assert_eq!(loading(&c), 0);
}

#[test]
fn aborted_tasks_on_a_runtime_never_block_the_rest() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .unwrap();
    let c = cache(4);
    runtime.block_on(async {
        // The first loader never finishes on its own; it is aborted while others wait.
        let loader = {
            let c = c.clone();
            tokio::spawn(async move {
                c.get_or_insert_with_async(1, std::future::pending::<String>)
                    .await
            })
        };
        while loading(&c) == 0 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let waiters: Vec<_> = (0..4)
            .map(|i| {
                let c = c.clone();
                tokio::spawn(async move {
                    c.get_or_insert_with_async(1, move || async move { format!("by {i}") })
                        .await
                })
            })
            .collect();
        let doomed_waiter = {
            let c = c.clone();
            tokio::spawn(async move {
                c.get_or_insert_with_async(1, || async { unreachable!() })
                    .await
            })
        };
        while waiters_of(&c) < 5 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        doomed_waiter.abort();
        loader.abort();
        let results = tokio::time::timeout(Duration::from_secs(10), async {
            let mut results = Vec::new();
            for handle in waiters {
                results.push(handle.await.unwrap());
            }
            results
        })
        .await
        .expect("cancelling the loader and a waiter blocks no one");
        assert!(results.windows(2).all(|w| w[0] == w[1]), "{results:?}");
        assert_eq!(c.peek(&1), Some(results[0].clone()));
    });
    assert_eq!(loading(&c), 0);
}

fn waiters_of(c: &TestCache) -> usize {
    waiters(c, 1)
}

/// A waker that panics when woken (a broken executor).
struct Panicking;

impl Wake for Panicking {
    fn wake(self: Arc<Self>) {
        panic!("this executor's waker panics");
    }
}

#[test]
fn a_panicking_waker_neither_strands_the_other_waiters_nor_abandons_the_load() {
    let c = cache(4);
    let open = AtomicBool::new(false);
    let (_, loader_waker) = flag();
    let bad_waker = Waker::from(Arc::new(Panicking));
    let (good_flag, good_waker) = flag();
    let mut loader = pin!(c.get_or_insert_with_async(1, || async {
        gate(&open).await;
        "loaded".to_string()
    }));
    assert!(poll(loader.as_mut(), &loader_waker).is_pending());
    let mut bad = pin!(c.get_or_insert_with_async(1, || async { unreachable!() }));
    assert!(poll(bad.as_mut(), &bad_waker).is_pending());
    let mut good = pin!(c.get_or_insert_with_async(1, || async { unreachable!() }));
    assert!(poll(good.as_mut(), &good_waker).is_pending());

    open.store(true, Ordering::SeqCst);
    let finished = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        poll(loader.as_mut(), &loader_waker)
    }));
    assert!(finished.is_err(), "the waker's panic reaches the loader");
    assert!(woken(&good_flag), "the other waiter was woken all the same");
    assert_eq!(
        poll(good.as_mut(), &good_waker),
        Poll::Ready("loaded".to_string()),
        "and gets the loaded value: the load was not abandoned"
    );
    assert_eq!(c.peek(&1), Some("loaded".to_string()));
    assert_eq!(loading(&c), 0);
}
