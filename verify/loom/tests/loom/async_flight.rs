//! The async single-flight (`get_or_insert_with_async`) from two or three threads, each
//! driving its future with `loom::future::block_on` (or polling it by hand to cancel it).
//!
//! The loaders yield once before finishing, so a load stays in flight across a poll and the
//! other callers find it: they wait with a registered waker, and a cancelled caller is dropped
//! while its waker is registered or while its load is in flight.

use crate::check::{LoomCache, assert_no_flight};
use loom::future::block_on;
use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

/// Pending once (waking its task at once), then ready: a loader that awaits something.
#[derive(Default)]
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if std::mem::replace(&mut self.0, true) {
            return Poll::Ready(());
        }
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// Loads `key` through the async path, counting loader runs in `calls`.
async fn load(cache: &LoomCache, calls: &AtomicUsize, value: u32) -> u32 {
    cache
        .get_or_insert_with_async(1, || async move {
            calls.fetch_add(1, Ordering::SeqCst);
            YieldOnce::default().await;
            value
        })
        .await
}

#[test]
fn two_tasks_load_one_key_once_and_share_the_value() {
    loom::model(|| {
        let cache = LoomCache::new(2);
        let calls = Arc::new(AtomicUsize::new(0));
        let t = {
            let (cache, calls) = (cache.clone(), calls.clone());
            thread::spawn(move || block_on(load(&cache, &calls, 10)))
        };
        let mine = block_on(load(&cache, &calls, 20));
        let theirs = t.join().unwrap();
        assert_eq!(mine, theirs, "both tasks get the one loaded value");
        assert_eq!(calls.load(Ordering::SeqCst), 1, "the loader ran once");
        assert_eq!(cache.entries(), [(1, mine)]);
        assert_no_flight(&cache);
        cache.validate().unwrap();
    });
}

#[test]
fn a_cancelled_task_never_blocks_the_other() {
    loom::model(|| {
        let cache = LoomCache::new(2);
        let calls = Arc::new(AtomicUsize::new(0));
        let t = {
            let (cache, calls) = (cache.clone(), calls.clone());
            thread::spawn(move || {
                // Polled once, then dropped: a waiter with its waker registered, or a loader
                // whose load is in flight (its yield is pending), or a finished hit.
                let mut cancelled = Box::pin(load(&cache, &calls, 10));
                let polled = cancelled
                    .as_mut()
                    .poll(&mut Context::from_waker(Waker::noop()));
                drop(cancelled);
                polled
            })
        };
        let mine = block_on(load(&cache, &calls, 20));
        let theirs = t.join().unwrap();
        if let Poll::Ready(value) = theirs {
            assert_eq!(value, mine);
        }
        let calls = calls.load(Ordering::SeqCst);
        assert!((1..=2).contains(&calls), "{calls} loader runs");
        // The cancelled load (if it was the loader) cached nothing: ours is the value.
        assert_eq!(cache.entries(), [(1, mine)]);
        if calls == 2 {
            assert_eq!(
                mine, 20,
                "the cancelled load was abandoned and ours replaced it"
            );
        }
        assert_no_flight(&cache);
        cache.validate().unwrap();
    });
}

#[test]
fn a_cancelled_task_between_two_waiting_tasks_blocks_neither() {
    loom::model(|| {
        let cache = LoomCache::new(2);
        let calls = Arc::new(AtomicUsize::new(0));
        let cancelled = {
            let (cache, calls) = (cache.clone(), calls.clone());
            thread::spawn(move || {
                let mut cancelled = Box::pin(load(&cache, &calls, 10));
                let _ = cancelled
                    .as_mut()
                    .poll(&mut Context::from_waker(Waker::noop()));
            })
        };
        let waiting = {
            let (cache, calls) = (cache.clone(), calls.clone());
            thread::spawn(move || block_on(load(&cache, &calls, 20)))
        };
        let mine = block_on(load(&cache, &calls, 30));
        cancelled.join().unwrap();
        let theirs = waiting.join().unwrap();
        assert_eq!(mine, theirs, "the two completed tasks share one value");
        assert_eq!(cache.entries(), [(1, mine)]);
        assert!(mine != 10 || calls.load(Ordering::SeqCst) == 1);
        assert_no_flight(&cache);
    });
}
