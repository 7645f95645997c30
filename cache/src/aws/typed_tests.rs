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
        let cache = ClientCache::new(4).unwrap();
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

/// A key whose temporary credentials expire `in_secs` from now.
fn expiring_key(in_secs: u64) -> ClientCacheKey {
    ClientCacheKey::builder("s3")
        .region("us-east-1")
        .credentials("ASIAIOSFODNN7EXAMPLE", "secret", Some("token"))
        .credentials_expiry(std::time::SystemTime::now() + Duration::from_secs(in_secs))
        .build()
        .unwrap()
}

#[test]
fn a_client_is_served_until_its_credentials_expire_minus_the_margin_then_rebuilt() {
    let clock = crate::ManualClock::new();
    let cache = ClientCache::builder()
        .expiry_margin(Duration::from_secs(60))
        .clock(clock.clone())
        .build()
        .unwrap();
    let key = expiring_key(600); // usable for 540 s
    let builds = AtomicUsize::new(0);
    let build = || {
        builds.fetch_add(1, Ordering::SeqCst);
        Ok::<_, Error>(builds.load(Ordering::SeqCst))
    };
    assert_eq!(cache.try_get_or_insert_with(key.clone(), build).unwrap(), 1);
    clock.advance(Duration::from_secs(538));
    assert_eq!(cache.try_get_or_insert_with(key.clone(), build).unwrap(), 1);
    assert_eq!(cache.get::<usize>(&key).unwrap(), Some(1));
    clock.advance(Duration::from_secs(3)); // 541 s: past expiry minus margin
    assert_eq!(
        cache.get::<usize>(&key).unwrap(),
        None,
        "never served past the margin"
    );
    assert_eq!(cache.try_get_or_insert_with(key.clone(), build).unwrap(), 2);
    assert_eq!(cache.stats().expirations, 1);
}

#[test]
fn credentials_inside_the_margin_give_a_client_that_expires_at_once() {
    let cache = ClientCache::builder().build().unwrap(); // 60 s margin
    let key = expiring_key(30);
    cache.insert(key.clone(), 7u8).unwrap();
    assert_eq!(cache.get::<u8>(&key).unwrap(), None);
    assert_eq!(cache.stats().expirations, 1);
}

#[test]
fn keys_without_an_expiration_never_expire_and_a_provider_key_needs_none() {
    let clock = crate::ManualClock::new();
    let cache = ClientCache::builder().clock(clock.clone()).build().unwrap();
    let long_term = ClientCacheKey::builder("s3")
        .credentials("AKIAIOSFODNN7EXAMPLE", "secret", None)
        .build()
        .unwrap();
    cache.insert(long_term.clone(), 1u8).unwrap();
    cache.insert(key(), 2u8).unwrap();
    clock.advance(Duration::from_secs(10 * 365 * 86_400));
    assert_eq!(cache.len(), 2);
    let refused = ClientCacheKey::builder("s3")
        .credentials_expiry(std::time::SystemTime::now() + Duration::from_secs(900))
        .build()
        .unwrap_err();
    assert!(
        refused.to_string().contains("needs static credentials"),
        "{refused}"
    );
}
