//! The typed cache's async single flight: one build for concurrent tasks, and a cancelled
//! waiter that blocks no one.

use super::{ClientCache, ClientCacheKey};
use crate::Error;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

fn key() -> ClientCacheKey {
    ClientCacheKey::builder("s3")
        .region("us-east-1")
        .build()
        .unwrap()
}

#[test]
fn concurrent_async_tasks_build_one_client_and_a_cancelled_waiter_blocks_no_one() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .unwrap();
    runtime.block_on(async {
        let cache = ClientCache::new(4, "LRU").unwrap();
        let builds = Arc::new(AtomicUsize::new(0));
        let load = |cache: ClientCache, builds: Arc<AtomicUsize>| async move {
            cache
                .try_get_or_insert_with_async(key(), || async move {
                    builds.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    Ok::<_, Error>(String::from("client"))
                })
                .await
        };
        let tasks: Vec<_> = (0..6)
            .map(|_| tokio::spawn(load(cache.clone(), Arc::clone(&builds))))
            .collect();
        // One more waiter, cancelled while the build is in flight.
        let cancelled = tokio::spawn(load(cache.clone(), Arc::clone(&builds)));
        tokio::time::sleep(Duration::from_millis(10)).await;
        cancelled.abort();
        for task in tasks {
            let value = tokio::time::timeout(Duration::from_secs(5), task)
                .await
                .expect("no task is blocked by the cancelled one")
                .unwrap()
                .unwrap();
            assert_eq!(value, "client");
        }
        assert_eq!(builds.load(Ordering::SeqCst), 1, "one build for all tasks");
        assert_eq!(cache.len(), 1);
        // A typed mismatch through the async path is an error, not a panic.
        let wrong = cache
            .try_get_or_insert_with_async(key(), || async { Ok::<u32, Error>(1) })
            .await;
        assert!(matches!(wrong, Err(Error::TypeMismatch { .. })));
    });
}
