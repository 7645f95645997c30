//! Single flight: eight threads ask for the same missing client at once; it is built once and
//! all of them get it. A failing build runs once too, and every waiter gets its error.
//!
//! ```text
//! cargo run -p clientcache --example single_flight
//! ```

use clientcache::{Cache, LruPolicy};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

fn main() {
    let cache: Cache<&str, String, LruPolicy> = Cache::new(10);
    let builds = AtomicUsize::new(0);

    thread::scope(|scope| {
        for t in 0..8 {
            let (cache, builds) = (&cache, &builds);
            scope.spawn(move || {
                let client = cache.get_or_insert_with("eu-west-1", || {
                    builds.fetch_add(1, Ordering::SeqCst);
                    thread::sleep(Duration::from_millis(100)); // an expensive build
                    "client for eu-west-1".to_string()
                });
                println!("thread {t} got {client:?}");
            });
        }
    });
    println!(
        "built {} time(s) for 8 callers",
        builds.load(Ordering::SeqCst)
    );

    let attempts = AtomicUsize::new(0);
    thread::scope(|scope| {
        for t in 0..8 {
            let (cache, attempts) = (&cache, &attempts);
            scope.spawn(move || {
                let got: Result<String, String> = cache.try_get_or_insert_with("us-east-1", || {
                    attempts.fetch_add(1, Ordering::SeqCst);
                    thread::sleep(Duration::from_millis(100));
                    Err("no credentials".to_string())
                });
                println!("thread {t}: {got:?}");
            });
        }
    });
    println!(
        "the failing build ran {} time(s); nothing was cached: {}",
        attempts.load(Ordering::SeqCst),
        !cache.contains_key("us-east-1")
    );
}
