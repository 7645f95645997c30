//! The demo: real `aws-sdk-s3` clients built through the cache, and what the cache saved.
//!
//! Offline on a fresh machine: every client is built from a static-credentials `SdkConfig`
//! (nothing is sent, so no network and no TLS stack are needed) for several regions and two
//! tenants' credentials, through [`Session`]s that share one bounded [`ClientCache`]. The demo
//! prints the cache's hits, misses and evictions, the measured cost of building a client
//! against a cache hit, and the redacted labels the keys log as.

use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_types::SdkConfig;
use aws_types::region::Region;
use clientcache::RemovalCause;
use clientcache::aws::{ClientCache, ClientCacheKey, Session};
use std::hint::black_box;
use std::io::{self, Write};
use std::sync::{Arc, Mutex};
use std::time::Instant;

clientcache::sdk_clients!(
    /// The service crates this crate builds clients of.
    pub Aws { aws_sdk_s3 = "s3" }
);

/// The demo's regions.
pub const REGIONS: [&str; 4] = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"];

/// Two tenants' static credentials: `(name, access key id, secret access key)`. Made-up
/// values in AWS's format; the demo checks that no output shows the secrets.
pub const TENANTS: [(&str, &str, &str); 2] = [
    (
        "billing",
        "AKIAIOSFODNN7BILLING",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYBILLINGKEY",
    ),
    (
        "search",
        "AKIAIOSFODNN7SEARCH1",
        "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbSEARCHKEY1",
    ),
];

/// The bound of the shared cache: fewer than the 8 configurations, so the demo evicts.
pub const MAX_SIZE: usize = 5;

/// An `SdkConfig` for `region` and a tenant's `(name, access key id, secret)`, with `http` as
/// its HTTP client.
pub fn sdk_config(
    region: &'static str,
    (name, id, secret): (&str, &str, &str),
    http: &aws_sdk_s3::config::SharedHttpClient,
) -> SdkConfig {
    let credentials = Credentials::new(id, secret, None, None, "clientcache-demo");
    debug_assert!(!name.is_empty());
    SdkConfig::builder()
        .region(Region::from_static(region))
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
        .http_client(http.clone())
        .build()
}

/// Runs the demo, writing its report to `out`.
pub fn run(out: &mut impl Write) -> io::Result<()> {
    // One plain-HTTP client shared by every S3 client (see `SessionBuilder::http_client`);
    // nothing is sent, so nothing connects.
    let http = aws_smithy_http_client::Builder::new().build_http();
    let evicted = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&evicted);
    let cache = ClientCache::builder()
        .max_size(MAX_SIZE)
        .policy_name("LRU")
        .map_err(io::Error::other)?
        .eviction_listener(move |key: ClientCacheKey, cause| {
            if cause == RemovalCause::Evicted {
                log.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(key.to_string());
            }
        })
        .build()
        .map_err(io::Error::other)?;

    // One session per (region, tenant), all caching into the one bounded cache.
    let mut sessions = Vec::new();
    for tenant in TENANTS {
        for region in REGIONS {
            let session = Session::<Aws>::builder(sdk_config(region, tenant, &http))
                .cache(cache.clone())
                .build()
                .map_err(io::Error::other)?;
            sessions.push((tenant.0, region, session));
        }
    }
    writeln!(
        out,
        "clientcache demo: real aws-sdk-s3 clients for {} regions x {} tenants' credentials, \
         one {} cache of max_size {MAX_SIZE}",
        REGIONS.len(),
        TENANTS.len(),
        cache.policy_name()
    )?;

    // A skewed workload: most requests go to the first two regions of the first tenant.
    let requests = 200usize;
    let start = Instant::now();
    for i in 0..requests {
        let pick = match i % 10 {
            0..=3 => 0,
            4..=6 => 1,
            7 => 4,
            8 => 2 + (i / 10) % 2,
            _ => 5 + (i / 10) % 3,
        };
        let (_, region, session) = &sessions[pick];
        let client = session
            .client::<aws_sdk_s3::Client>()
            .map_err(io::Error::other)?;
        let got = client.config().region().map(|r| r.as_ref().to_string());
        if got.as_deref() != Some(*region) {
            return Err(io::Error::other(format!(
                "the cache returned a client for {got:?}, asked for {region}"
            )));
        }
    }
    let elapsed = start.elapsed();
    let stats = cache.stats();
    writeln!(
        out,
        "{requests} requests in {elapsed:.2?}: {} hits, {} misses (= clients built), {} \
         evictions, hit ratio {:.1}%",
        stats.hits,
        stats.misses,
        stats.evictions,
        stats.hit_ratio() * 100.0
    )?;
    // Each evicted configuration once, with how often it was evicted (and rebuilt later).
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for label in evicted.lock().unwrap_or_else(|e| e.into_inner()).iter() {
        *counts.entry(label.clone()).or_default() += 1;
    }
    for (label, times) in &counts {
        writeln!(out, "  evicted {times:>2}x  {label}")?;
    }

    // The cost of a build (what a miss pays) against a hit, measured here.
    let (_, _, hot) = &sessions[0];
    hot.client::<aws_sdk_s3::Client>()
        .map_err(io::Error::other)?;
    let builds = 200u32;
    let config = hot.config().clone();
    let build_start = Instant::now();
    for _ in 0..builds {
        black_box(aws_sdk_s3::Client::from_conf(aws_sdk_s3::Config::from(
            black_box(&config),
        )));
    }
    let build_ns = build_start.elapsed().as_nanos() as f64 / f64::from(builds);
    let hits = 200_000u32;
    let hit_start = Instant::now();
    for _ in 0..hits {
        black_box(
            hot.client::<aws_sdk_s3::Client>()
                .map_err(io::Error::other)?,
        );
    }
    let hit_ns = hit_start.elapsed().as_nanos() as f64 / f64::from(hits);
    writeln!(
        out,
        "building an S3 client costs {:.1} us; session.client::<aws_sdk_s3::Client>() on a hit \
         {hit_ns:.0} ns ({:.0}x cheaper)",
        build_ns / 1000.0,
        build_ns / hit_ns
    )?;

    writeln!(
        out,
        "resident clients, next victim first (labels as logged):"
    )?;
    let mut printed = String::new();
    for key in cache.keys() {
        let line = format!("  {key}\n");
        printed.push_str(&line);
        out.write_all(line.as_bytes())?;
    }
    // The labels are safe to log: no secret, and no more of an access key id than `AKIA`.
    for (_, id, secret) in TENANTS {
        if printed.contains(secret) || printed.contains(id) {
            return Err(io::Error::other("a label shows a credential"));
        }
    }
    // A key built from static credentials keeps a keyed fingerprint of them; its label shows
    // only the id's 4-character prefix.
    let (_, id, secret) = TENANTS[0];
    let static_key = ClientCacheKey::builder("s3")
        .region(REGIONS[0])
        .credentials(id, secret, None)
        .param("force_path_style", true)
        .build()
        .map_err(io::Error::other)?;
    writeln!(out, "a key from static credentials logs as: {static_key}")?;
    let (_, region, session) = &sessions[1];
    writeln!(
        out,
        "a session logs as: {session:?}\n(two tenants in {region} are two keys: {} vs {})",
        session
            .key::<aws_sdk_s3::Client>()
            .map_err(io::Error::other)?,
        sessions[5]
            .2
            .key::<aws_sdk_s3::Client>()
            .map_err(io::Error::other)?,
    )?;
    Ok(())
}
