//! The demo: expensive clients built through the cache, and what the cache saved.
//!
//! Until the AWS layer lands, the "client" is a stand-in that costs what an `aws-sdk-s3`
//! client costs to build here (about 100 µs) and carries its region and tenant, so the demo
//! shows the cache's behaviour (hits, misses, evictions, single-flight) on a fresh machine.

use clientcache::{Cache, PolicyKind, RemovalCause};
use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// What a client is built from: the cache key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ClientConfig {
    /// AWS region.
    pub region: &'static str,
    /// Tenant role.
    pub tenant: &'static str,
}

/// A stand-in for an SDK client: expensive to build, cheap to clone (an `Arc`, as SDK clients
/// are).
#[derive(Clone, Debug)]
pub struct StandInClient(Arc<ClientConfig>);

/// Builds a client, spinning for `cost` as a real build would compute.
pub fn build_client(config: &ClientConfig, cost: Duration) -> StandInClient {
    let start = Instant::now();
    while start.elapsed() < cost {
        std::hint::spin_loop();
    }
    StandInClient(Arc::new(config.clone()))
}

/// Runs the demo, writing its report to `out`.
pub fn run(out: &mut impl Write) -> io::Result<()> {
    const BUILD_COST: Duration = Duration::from_micros(100);
    let evictions = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&evictions);
    let cache: clientcache::DynCache<ClientConfig, StandInClient> = Cache::builder()
        .max_size(4)
        .policy(PolicyKind::Lru)
        .eviction_listener(move |key: ClientConfig, _client, cause| {
            if cause == RemovalCause::Evicted {
                counter.fetch_add(1, Ordering::Relaxed);
                println!("  evicted {}/{}", key.region, key.tenant);
            }
        })
        .build()
        .map_err(io::Error::other)?;

    let regions = ["us-east-1", "us-west-2", "eu-west-1"];
    let tenants = ["billing", "search"];
    writeln!(
        out,
        "clientcache demo: {} regions x {} tenants, max_size 4, LRU",
        regions.len(),
        tenants.len()
    )?;
    let mut builds = 0u32;
    let start = Instant::now();
    for round in 0..50 {
        let region = regions[round % regions.len()];
        let tenant = tenants[(round / 7) % tenants.len()];
        let config = ClientConfig { region, tenant };
        let client = cache.get_or_insert_with(config.clone(), || {
            builds += 1;
            build_client(&config, BUILD_COST)
        });
        assert_eq!(
            *client.0, config,
            "the cache returned another configuration's client"
        );
    }
    let elapsed = start.elapsed();
    let stats = cache.stats();
    writeln!(
        out,
        "50 requests: {builds} client builds, {} hits, {} misses, {} evictions ({} seen by the listener)",
        stats.hits,
        stats.misses,
        stats.evictions,
        evictions.load(Ordering::Relaxed)
    )?;
    writeln!(
        out,
        "hit ratio {:.1}%, total {:?}",
        stats.hit_ratio() * 100.0,
        elapsed
    )?;

    let hit_key = cache.keys().pop().expect("the cache holds clients");
    let iterations = 100_000u32;
    let hit_start = Instant::now();
    for _ in 0..iterations {
        std::hint::black_box(cache.get(&hit_key));
    }
    let hit_ns = hit_start.elapsed().as_nanos() as f64 / f64::from(iterations);
    let build_start = Instant::now();
    std::hint::black_box(build_client(&hit_key, BUILD_COST));
    let build_ns = build_start.elapsed().as_nanos() as f64;
    writeln!(
        out,
        "a build costs {:.0} ns, a cache hit {hit_ns:.0} ns ({:.0}x cheaper)",
        build_ns,
        build_ns / hit_ns
    )?;
    writeln!(
        out,
        "resident, next victim first: {:?}",
        cache
            .keys()
            .iter()
            .map(|k| format!("{}/{}", k.region, k.tenant))
            .collect::<Vec<_>>()
    )?;
    Ok(())
}
