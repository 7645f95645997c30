//! Basic use: a bounded cache of expensive clients, with the dict-like API and its explicit
//! errors.
//!
//! ```text
//! cargo run -p clientcache --example basic
//! ```

use clientcache::{Cache, Error, LruPolicy};
use std::sync::Arc;

/// Stands in for an SDK client: expensive to build, cheap to clone (an `Arc` inside).
#[derive(Clone, Debug)]
struct Client {
    region: Arc<str>,
}

fn build(region: &str) -> Client {
    println!("building a client for {region}");
    Client {
        region: region.into(),
    }
}

fn main() -> Result<(), Error> {
    // At most 2 clients; the least recently used goes when a third arrives.
    let cache: Cache<String, Client, LruPolicy> = Cache::new(2);

    cache.insert("us-east-1".into(), build("us-east-1"))?;
    // The cache never overwrites: a second insert of the same key is an error.
    let again = cache.insert("us-east-1".into(), build("us-east-1"));
    assert!(matches!(again, Err(Error::AlreadyCached { .. })));

    // Build on first use, return the cached client afterwards.
    let eu = cache.get_or_insert_with("eu-west-1".into(), || build("eu-west-1"));
    let eu_again = cache.get_or_insert_with("eu-west-1".into(), || build("never built"));
    assert!(Arc::ptr_eq(&eu.region, &eu_again.region));

    // A third region evicts the least recently used (us-east-1).
    cache.insert("ap-south-1".into(), build("ap-south-1"))?;
    println!("cached, next victim first: {:?}", cache.keys());
    match cache.try_get("us-east-1") {
        Err(err) => println!("as expected: {err}"),
        Ok(client) => println!("unexpectedly still cached: {client:?}"),
    }
    let stats = cache.stats();
    println!(
        "hits {}, misses {}, evictions {}",
        stats.hits, stats.misses, stats.evictions
    );
    Ok(())
}
