//! An eviction listener: told of every entry that leaves the cache, and why, after the cache
//! lock is released (so it may close a client's connections, log, or use the cache).
//!
//! ```text
//! cargo run -p clientcache --example eviction_listener
//! ```

use clientcache::{Cache, Error, LruPolicy, ManualClock, RemovalCause};
use std::time::Duration;

fn main() -> Result<(), Error> {
    let clock = ManualClock::new();
    let cache = Cache::<String, u32, LruPolicy>::builder()
        .max_size(2)
        .time_to_idle(Duration::from_secs(300))
        .clock(clock.clone())
        .eviction_listener(|key, _client, cause| {
            let why = match cause {
                RemovalCause::Evicted => "evicted to make room",
                RemovalCause::Expired => "idle too long",
                RemovalCause::Removed => "removed by the caller",
                RemovalCause::Replaced => "replaced by a new client",
                _ => "cleared or resized",
            };
            println!("closing the client for {key}: {why}");
        })
        .build()?;

    cache.insert("tenant-a".into(), 1)?;
    cache.insert("tenant-b".into(), 2)?;
    cache.insert("tenant-c".into(), 3)?; // evicts tenant-a
    cache.replace("tenant-b".into(), 20)?; // rotate tenant-b's client
    clock.advance(Duration::from_secs(301));
    cache.purge_expired(); // both idle past 5 minutes
    cache.insert("tenant-d".into(), 4)?;
    cache.remove("tenant-d")?;
    Ok(())
}
