//! End-to-end: real `aws-sdk-s3` clients, built and cached through a caching `Session`, talk
//! to a local S3 (moto's server).
//!
//! Needs a running S3 endpoint in `CLIENTCACHE_S3_ENDPOINT`; `.ci/s3-e2e.sh` installs moto in a
//! virtualenv, starts it on a free loopback port, runs this test with `--ignored`, and stops it.
//! Ignored by a plain `cargo test`, and failing loudly when run without the endpoint: never a
//! silent pass.

use aws_config::BehaviorVersion;
use aws_credential_types::Credentials;
use aws_sdk_s3::primitives::ByteStream;
use clientcache::aws::{ClientCache, ClientOptions, Session};
use std::sync::atomic::{AtomicUsize, Ordering};

clientcache::sdk_clients!(Aws { aws_sdk_s3 = "s3" });

const ENDPOINT_VAR: &str = "CLIENTCACHE_S3_ENDPOINT";

fn endpoint() -> String {
    match std::env::var(ENDPOINT_VAR) {
        Ok(url) if !url.is_empty() => url,
        _ => panic!(
            "{ENDPOINT_VAR} is not set: this test needs a local S3. Run `bash .ci/s3-e2e.sh`, or \
             start one yourself (`python3 -m venv .venv && .venv/bin/pip install 'moto[server]' \
             && .venv/bin/moto_server -H 127.0.0.1 -p 5000`) and run \
             `{ENDPOINT_VAR}=http://127.0.0.1:5000 cargo test -p clientcache-verify --test s3_e2e \
             -- --ignored`"
        ),
    }
}

/// An `SdkConfig` loaded by aws-config for the local S3: static test credentials, `region`.
async fn load(endpoint: &str, region: &'static str, access_key_id: &str) -> aws_config::SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(region)
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new(
            access_key_id,
            "testing-secret",
            None,
            None,
            "e2e",
        ))
        .load()
        .await
}

/// A session over `config`, caching into `cache`, building every client on one plain-HTTP
/// client (moto speaks HTTP).
fn session(config: aws_config::SdkConfig, cache: &ClientCache) -> Session<Aws> {
    Session::<Aws>::builder(config)
        .cache(cache.clone())
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .build()
        .expect("a valid session")
}

/// Path-style addressing: virtual-host style (`bucket.127.0.0.1`) cannot resolve locally.
fn path_style() -> ClientOptions {
    ClientOptions::new().param("force_path_style", true)
}

/// `session`'s S3 client with path-style addressing, counting builds in `built`.
fn s3(session: &Session<Aws>, built: &AtomicUsize) -> aws_sdk_s3::Client {
    session
        .client_with::<aws_sdk_s3::Client>(&path_style(), |b| {
            built.fetch_add(1, Ordering::SeqCst);
            b.force_path_style(true)
        })
        .expect("the S3 client")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a local S3 (moto): run `bash .ci/s3-e2e.sh`"]
async fn cached_s3_clients_create_put_get_and_are_evicted_and_rebuilt() {
    let endpoint = endpoint();
    let cache = ClientCache::new(2).expect("a cache");
    let built = AtomicUsize::new(0);

    // First use: a miss that builds the client; then real requests through it.
    let east = session(
        load(&endpoint, "us-east-1", "AKIAE2ETESTTENANTA1").await,
        &cache,
    );
    let client = s3(&east, &built);
    assert_eq!((built.load(Ordering::SeqCst), cache.stats().misses), (1, 1));
    let bucket = format!("clientcache-e2e-{}", std::process::id());
    client
        .create_bucket()
        .bucket(&bucket)
        .send()
        .await
        .expect("create_bucket");
    client
        .put_object()
        .bucket(&bucket)
        .key("greeting.txt")
        .body(ByteStream::from_static(b"hello from a cached client"))
        .send()
        .await
        .expect("put_object");

    // Second call: a hit that returns the cached client (its builder does not run).
    let again = s3(&east, &built);
    assert_eq!(built.load(Ordering::SeqCst), 1, "a hit builds nothing");
    assert_eq!((cache.stats().hits, cache.stats().misses), (1, 1));
    let object = again
        .get_object()
        .bucket(&bucket)
        .key("greeting.txt")
        .send()
        .await
        .expect("get_object through the cached client");
    let body = object.body.collect().await.expect("the body").into_bytes();
    assert_eq!(&body[..], b"hello from a cached client");

    // Another region and other credentials are other clients.
    let west = session(
        load(&endpoint, "us-west-2", "AKIAE2ETESTTENANTA1").await,
        &cache,
    );
    let west_client = s3(&west, &built);
    assert_eq!(built.load(Ordering::SeqCst), 2);
    assert_eq!(
        west_client.config().region().map(|r| r.as_ref()),
        Some("us-west-2")
    );
    let east_key = east.key::<aws_sdk_s3::Client>().unwrap().to_string();
    let west_key = west.key::<aws_sdk_s3::Client>().unwrap().to_string();
    assert_ne!(east_key, west_key);
    s3(&east, &built); // east is now the most recently used
    let tenant_b = session(
        load(&endpoint, "us-east-1", "AKIAE2ETESTTENANTB1").await,
        &cache,
    );
    let b_client = s3(&tenant_b, &built);
    assert_eq!(
        built.load(Ordering::SeqCst),
        3,
        "other credentials: another client"
    );

    // max_size 2: the least recently used (west) was evicted, east and tenant B stay.
    assert_eq!(cache.stats().evictions, 1);
    assert_eq!(cache.len(), 2);
    let resident: Vec<String> = cache.keys().iter().map(ToString::to_string).collect();
    assert!(
        !resident.iter().any(|k| k.contains("us-west-2")),
        "west should be evicted: {resident:?}"
    );
    assert!(
        resident.iter().filter(|k| k.contains("us-east-1")).count() == 2,
        "{resident:?}"
    );
    let listed = b_client.list_buckets().send().await.expect("list_buckets");
    assert!(
        listed
            .buckets()
            .iter()
            .any(|b| b.name() == Some(bucket.as_str()))
    );

    // A later call for west rebuilds it, and the rebuilt client works.
    let rebuilt = s3(&west, &built);
    assert_eq!(built.load(Ordering::SeqCst), 4, "rebuilt after eviction");
    rebuilt
        .list_buckets()
        .send()
        .await
        .expect("list_buckets through the rebuilt client");
    for label in resident {
        assert!(!label.contains("testing-secret"), "{label}");
    }
}
