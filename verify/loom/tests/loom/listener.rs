//! The eviction listener runs after the cache lock is released, so it may call back into the
//! cache. A listener that ran under the lock would deadlock on its first call back (loom
//! reports it); one that lost or repeated an entry would break the conservation check.

use crate::check::LoomCache;
use clientcache::RemovalCause;
use loom::thread;
use std::sync::{Arc, Mutex};

/// Keys at or above this are spilled copies, which the listener leaves alone.
const SPILLED: u32 = 100;

#[test]
fn the_listener_runs_unlocked_and_may_insert_into_the_cache() {
    loom::model(|| {
        // The listener's handle to its own cache, set after the build and taken back at the
        // end (a handle inside the listener would otherwise keep the cache alive forever).
        // std mutexes: held only to clone or push, never across a loom operation.
        let slot: Arc<Mutex<Option<LoomCache>>> = Arc::default();
        let seen: Arc<Mutex<Vec<(u32, u32, RemovalCause)>>> = Arc::default();
        let spilled: Arc<Mutex<Vec<(u32, u32)>>> = Arc::default();
        let (slot_l, seen_l, spilled_l) = (slot.clone(), seen.clone(), spilled.clone());
        let cache = LoomCache::builder()
            .max_size(1)
            .eviction_listener(move |key, value, cause| {
                seen_l.lock().unwrap().push((key, value, cause));
                let Some(cache) = slot_l.lock().unwrap().clone() else {
                    return;
                };
                assert!(cache.len() <= 1, "the listener sees a consistent cache");
                // Spill an evicted original under a new key: a re-entrant insert, which itself
                // evicts and calls this listener again (one level: spilled keys stop here).
                if cause == RemovalCause::Evicted
                    && key < SPILLED
                    && cache.insert(key + SPILLED, value).is_ok()
                {
                    spilled_l.lock().unwrap().push((key + SPILLED, value));
                }
            })
            .build()
            .unwrap();
        *slot.lock().unwrap() = Some(cache.clone());
        let other = cache.clone();
        let t = thread::spawn(move || other.insert(1, 10).is_ok());
        let mine = cache.insert(2, 20).is_ok();
        let theirs = t.join().unwrap();
        slot.lock().unwrap().take();

        assert!(mine && theirs, "distinct keys: both inserts succeed");
        cache.validate().unwrap();
        assert_eq!(cache.len(), 1);
        // Conservation: every value stored is resident or was handed to the listener once.
        let mut stored = vec![(1, 10), (2, 20)];
        stored.extend(spilled.lock().unwrap().iter().copied());
        let mut accounted: Vec<(u32, u32)> = seen
            .lock()
            .unwrap()
            .iter()
            .map(|&(k, v, _)| (k, v))
            .collect();
        accounted.extend(cache.entries());
        stored.sort_unstable();
        accounted.sort_unstable();
        assert_eq!(stored, accounted, "no entry lost or duplicated");
        let stats = cache.stats();
        assert_eq!(stats.inserts, stored.len() as u64, "{stats:?}");
        assert_eq!(
            stats.inserts,
            stats.evictions + stats.removals + 1,
            "{stats:?}"
        );
    });
}
