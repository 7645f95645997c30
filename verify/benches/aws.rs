//! The AWS layer's hot paths, with real `aws-sdk-s3` clients (built offline, never sent):
//!
//! - `aws/key6_build_plus_hit`: build a `ClientCacheKey` from six parameters (region, profile,
//!   endpoint URL, static credentials, retry config, `force_path_style`) and look it up in a
//!   `ClientCache` holding the client: the path of code that builds its key per request. The
//!   issue's floor is 1 µs (the Python original spends about 26 µs on the key alone).
//! - `aws/session_client_hit`: `session.client::<aws_sdk_s3::Client>()` on a hit; floor 200 ns.
//! - `aws/s3_client_build`: `aws_sdk_s3::Client::from_conf`, what a miss costs.
//!
//! `cargo bench -p clientcache-verify --bench aws`. CI only compiles it.
// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use aws_sdk_s3::config::retry::RetryConfig;
use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region, SharedCredentialsProvider};
use aws_types::SdkConfig;
use clientcache::aws::{ClientCache, ClientCacheKey, Session};
use clientcache_verify::demo::Aws;
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;

fn sdk_config() -> SdkConfig {
    let credentials = Credentials::new(
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG",
        None,
        None,
        "bench",
    );
    SdkConfig::builder()
        .region(Region::from_static("us-west-2"))
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .behavior_version(BehaviorVersion::latest())
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .build()
}

fn key6() -> ClientCacheKey {
    ClientCacheKey::builder("s3")
        .region("us-west-2")
        .profile("prod")
        .endpoint_url("https://s3.us-west-2.amazonaws.com")
        .credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG", None)
        .retry_config(RetryConfig::standard())
        .param("force_path_style", true)
        .build()
        .expect("a valid key")
}

fn aws(c: &mut Criterion) {
    let config = sdk_config();
    let client = aws_sdk_s3::Client::from_conf(aws_sdk_s3::Config::from(&config));
    let mut group = c.benchmark_group("aws");

    let cache = ClientCache::new(10).expect("a cache");
    cache.insert(key6(), client.clone()).expect("a new key");
    group.bench_function("key6_build_plus_hit", |b| {
        b.iter(|| {
            let key = key6();
            black_box(
                cache
                    .get::<aws_sdk_s3::Client>(black_box(&key))
                    .expect("an S3 client"),
            )
        })
    });

    let session = Session::<Aws>::new(config.clone()).expect("a session");
    session.client::<aws_sdk_s3::Client>().expect("built");
    group.bench_function("session_client_hit", |b| {
        b.iter(|| black_box(session.client::<aws_sdk_s3::Client>().expect("a hit")))
    });

    group.bench_function("s3_client_build", |b| {
        b.iter(|| {
            black_box(aws_sdk_s3::Client::from_conf(aws_sdk_s3::Config::from(
                black_box(&config),
            )))
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = aws
}
criterion_main!(benches);
