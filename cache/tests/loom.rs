//! Loom models of single-flight loading: every interleaving of two callers, on the real code
//! (the crate's `sync` module switches to loom's primitives under `cfg(loom)`).
//!
//! Run with:
//!
//! ```text
//! RUSTFLAGS="--cfg loom" cargo test -p clientcache --no-default-features --release \
//!     --test loom --target-dir target-loom
//! ```
//!
//! Each model has two threads and a handful of lock acquisitions, so loom explores every
//! interleaving without a preemption bound, in well under a second.
#![cfg(loom)]

use clientcache::{Cache, EntryId, InvariantViolation, Policy};
use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;

/// First in, first out: enough policy for the models, and independent of the policy crates.
#[derive(Clone, Debug, Default)]
struct Fifo(Vec<EntryId>);

impl Policy for Fifo {
    type Iter<'a> = std::iter::Copied<std::slice::Iter<'a, EntryId>>;
    fn name(&self) -> &'static str {
        "FIFO"
    }
    fn set_capacity(&mut self, _capacity: usize) {}
    fn len(&self) -> usize {
        self.0.len()
    }
    fn on_insert(&mut self, id: EntryId, _hash: u64) {
        self.0.push(id);
    }
    fn on_access(&mut self, _id: EntryId, _hash: u64) {}
    fn on_remove(&mut self, id: EntryId) {
        self.0.retain(|&x| x != id);
    }
    fn victim(&self) -> Option<EntryId> {
        self.0.first().copied()
    }
    fn iter(&self) -> Self::Iter<'_> {
        self.0.iter().copied()
    }
    fn clear(&mut self) {
        self.0.clear();
    }
    fn validate(&self) -> Result<(), InvariantViolation> {
        Ok(())
    }
}

type FifoCache = Cache<u32, u32, Fifo>;

#[test]
fn concurrent_loads_of_one_key_run_one_loader_and_share_its_value() {
    loom::model(|| {
        let cache = FifoCache::new(2);
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
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(cache.peek(&1), Some(a));
        cache.validate().unwrap();
    });
}

#[test]
fn a_failed_load_releases_its_waiter_which_loads_instead() {
    loom::model(|| {
        let cache = FifoCache::new(2);
        let other = cache.clone();
        let failing = thread::spawn(move || other.try_get_or_insert_with(1, || Err::<u32, ()>(())));
        let mine = cache.try_get_or_insert_with(1, || Ok::<u32, ()>(5));
        let theirs = failing.join().unwrap();
        assert_eq!(mine, Ok(5), "never stuck, never handed the other's error");
        assert!(theirs == Err(()) || theirs == Ok(5), "{theirs:?}");
        assert_eq!(cache.peek(&1), Some(5));
        cache.validate().unwrap();
    });
}

#[test]
fn callers_share_a_load_even_when_max_size_is_zero() {
    loom::model(|| {
        let cache = FifoCache::new(0);
        let other = cache.clone();
        let t = thread::spawn(move || other.get_or_insert_with(1, || 3));
        assert_eq!(cache.get_or_insert_with(1, || 3), 3);
        assert_eq!(t.join().unwrap(), 3);
        assert!(cache.is_empty());
    });
}

#[test]
fn an_insert_racing_a_load_leaves_one_value_that_both_agree_on() {
    loom::model(|| {
        let cache = FifoCache::new(2);
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
        cache.validate().unwrap();
    });
}
