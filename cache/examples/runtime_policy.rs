//! Choosing the eviction policy at run time, by name: from configuration, say an environment
//! variable.
//!
//! ```text
//! CACHE_POLICY=TinyLFU cargo run -p clientcache --example runtime_policy
//! ```

use clientcache::{AnyCache, Cache, Error, PolicyKind};

fn main() -> Result<(), Error> {
    let name = std::env::var("CACHE_POLICY").unwrap_or_else(|_| "LFU".to_string());
    let known: Vec<&str> = PolicyKind::all().iter().map(|k| k.name()).collect();
    println!("policies compiled in: {}", known.join(", "));

    // An unknown name is an error that lists the available ones.
    let cache: AnyCache<u32, String> = match Cache::builder().max_size(3).policy_name(&name) {
        Ok(builder) => builder.build()?,
        Err(err) => {
            eprintln!("{err}");
            return Err(err);
        }
    };
    println!("using {}", cache.policy_name());

    for key in [1, 2, 3, 1, 1, 2, 4] {
        cache.get_or_insert_with(key, || format!("client {key}"));
    }
    // LFU keeps the often-used keys 1 and 2; LRU would keep the most recent ones.
    println!("cached, next victim first: {:?}", cache.keys());
    Ok(())
}
