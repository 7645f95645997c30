//! An entry expiring while a reader and a loader race on its key.

use clientcache::{CacheBuilder, LruPolicy, ManualClock, RemovalCause};
use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;
use std::sync::Mutex;
use std::time::Duration;

#[test]
fn an_entry_expiring_under_a_racing_reader_and_loader_is_served_only_while_alive() {
    loom::model(|| {
        let clock = ManualClock::new();
        let log = std::sync::Arc::new(Mutex::new(Vec::new()));
        let sink = std::sync::Arc::clone(&log);
        let cache = CacheBuilder::with_policy(LruPolicy::default())
            .max_size(2)
            .time_to_live(Duration::from_secs(10))
            .clock(clock.clone())
            .eviction_listener(move |k: u32, v: u32, cause| {
                sink.lock().unwrap().push((k, v, cause))
            })
            .build()
            .unwrap();
        cache.insert(1, 10).unwrap();
        let loads = Arc::new(AtomicUsize::new(0));
        let reader = {
            let cache = cache.clone();
            thread::spawn(move || cache.get(&1))
        };
        let loader = {
            let (cache, loads) = (cache.clone(), Arc::clone(&loads));
            thread::spawn(move || {
                cache.get_or_insert_with(1, || {
                    loads.fetch_add(1, Ordering::SeqCst);
                    20
                })
            })
        };
        clock.advance(Duration::from_secs(10)); // the entry's deadline
        let (read, loaded) = (reader.join().unwrap(), loader.join().unwrap());
        let loads = loads.load(Ordering::SeqCst);
        // The loader ran only if it found the entry expired, and then at most once.
        assert_eq!(loaded, if loads == 1 { 20 } else { 10 }, "{loads} loads");
        assert!(loads <= 1);
        assert!(matches!(read, None | Some(10) | Some(20)), "{read:?}");
        let removed = log.lock().unwrap().clone();
        // The old value left at most once, and only as expired.
        assert!(
            removed
                .iter()
                .all(|&(k, v, c)| (k, v, c) == (1, 10, RemovalCause::Expired)),
            "{removed:?}"
        );
        assert!(removed.len() <= 1);
        // Afterwards the old value is never served.
        assert_ne!(cache.get(&1), Some(10));
        let shown = format!("{cache:?}");
        assert!(shown.contains("loading: 0"), "{shown}");
        cache.validate().unwrap();
    });
}
