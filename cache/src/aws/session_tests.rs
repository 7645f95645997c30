//! The session: build on first use, hits afterwards, per-call options, build failures.

use super::Error;
use super::{ClientCache, ClientOptions, SdkClient, SdkConfig, Session};
use crate::PolicyKind;
use aws_types::region::Region;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

struct Marker;

/// A client that records its config and counts how many were built (per test, by `BUILDS`
/// index, as tests run in parallel).
#[derive(Clone, Debug)]
struct Fake {
    region: Option<String>,
    path_style: bool,
    id: usize,
}

static BUILT: AtomicUsize = AtomicUsize::new(0);

impl SdkClient<Marker> for Fake {
    const SERVICE: &'static str = "s3";
    type ConfigBuilder = (Option<String>, bool);
    fn config_builder(config: &SdkConfig) -> Self::ConfigBuilder {
        (config.region().map(|r| r.to_string()), false)
    }
    fn from_config_builder((region, path_style): Self::ConfigBuilder) -> Self {
        Fake {
            region,
            path_style,
            id: BUILT.fetch_add(1, Ordering::SeqCst),
        }
    }
}

/// Another client type under the same service name.
#[derive(Clone, Debug)]
struct Other;

impl SdkClient<Marker> for Other {
    const SERVICE: &'static str = "s3";
    type ConfigBuilder = ();
    fn config_builder(_: &SdkConfig) {}
    fn from_config_builder(_: ()) -> Self {
        Other
    }
}

/// A client whose `from_conf` refuses the config, as the SDK's does without a behavior
/// version; it succeeds once `ALLOW` is set.
#[derive(Clone, Debug)]
struct Refusing;

static ALLOW: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

impl SdkClient<Marker> for Refusing {
    const SERVICE: &'static str = "sts";
    type ConfigBuilder = ();
    fn config_builder(_: &SdkConfig) {}
    fn from_config_builder(_: ()) -> Self {
        assert!(
            ALLOW.load(Ordering::SeqCst),
            "Invalid client configuration: A behavior major version must be set"
        );
        Refusing
    }
}

fn config(region: &str) -> SdkConfig {
    SdkConfig::builder()
        .region(Region::new(region.to_string()))
        .build()
}

#[test]
fn client_is_built_on_first_use_and_the_same_client_is_returned_afterwards() {
    let session = Session::<Marker>::new(config("us-east-1")).unwrap();
    let first = session.client::<Fake>().unwrap();
    let second = session.client::<Fake>().unwrap();
    assert_eq!(first.id, second.id, "the cached client, not a new one");
    assert_eq!(first.region.as_deref(), Some("us-east-1"));
    let stats = session.stats();
    assert_eq!((stats.misses, stats.hits, stats.inserts), (1, 1, 1));
    assert_eq!(
        session.key::<Fake>().unwrap().to_string(),
        "s3(region=us-east-1)"
    );
}

#[test]
fn client_with_params_is_another_key_and_the_closure_builds_it() {
    let session = Session::<Marker>::new(config("us-east-1")).unwrap();
    let plain = session.client::<Fake>().unwrap();
    let options = ClientOptions::new().param("force_path_style", true);
    let path = session
        .client_with::<Fake>(&options, |(region, _)| (region, true))
        .unwrap();
    assert!(path.path_style && !plain.path_style);
    assert_ne!(path.id, plain.id);
    let again = session
        .client_with::<Fake>(&options, |_| unreachable!("cached"))
        .unwrap();
    assert_eq!(again.id, path.id);
    assert_eq!(session.cache().len(), 2);
}

#[test]
fn per_call_policy_uses_that_policys_cache_and_max_size_resizes_it() {
    let session = Session::<Marker>::builder(config("us-east-1"))
        .max_size(5)
        .build()
        .unwrap();
    let lfu = ClientOptions::new().policy(PolicyKind::Lfu).max_size(1);
    let a = session.client_with::<Fake>(&lfu, |b| b).unwrap();
    assert!(
        session.cache().is_empty(),
        "the LFU cache, not the default one"
    );
    let b = session.client_with::<Fake>(&lfu, |b| b).unwrap();
    assert_eq!(a.id, b.id);
    // A second key into the LFU cache of size 1 evicts the first.
    let other = lfu.clone().param("force_path_style", true);
    session.client_with::<Fake>(&other, |b| b).unwrap();
    let rebuilt = session.client_with::<Fake>(&lfu, |b| b).unwrap();
    assert_ne!(rebuilt.id, a.id, "evicted at max_size 1, so rebuilt");
    // The default cache's bound changes when a call names another one.
    session
        .client_with::<Fake>(&ClientOptions::new().max_size(7), |b| b)
        .unwrap();
    assert_eq!(session.cache().max_size(), 7);
    let too_big = ClientOptions::new().max_size(crate::MAX_SIZE_LIMIT + 1);
    assert!(matches!(
        session.client_with::<Fake>(&too_big, |b| b),
        Err(Error::Cache(crate::Error::InvalidMaxSize { .. }))
    ));
    let bad_param = ClientOptions::new().param("Force Path", true);
    assert!(matches!(
        session.client_with::<Fake>(&bad_param, |b| b),
        Err(Error::InvalidKey { .. })
    ));
}

#[test]
fn a_refused_config_is_an_error_caches_nothing_and_a_later_call_retries() {
    let session = Session::<Marker>::new(config("us-east-1")).unwrap();
    let err = session.client::<Refusing>().unwrap_err();
    match &err {
        Error::ClientBuild { service, reason } => {
            assert_eq!(service, "sts");
            assert!(reason.contains("behavior major version"), "{reason}");
        }
        other => panic!("expected ClientBuild, got {other:?}"),
    }
    assert!(session.cache().is_empty());
    ALLOW.store(true, Ordering::SeqCst);
    session.client::<Refusing>().unwrap();
    assert_eq!(session.cache().len(), 1);
}

#[test]
fn another_type_under_the_same_key_is_a_type_mismatch_naming_both() {
    let session = Session::<Marker>::new(config("us-east-1")).unwrap();
    session.client::<Fake>().unwrap();
    let err = session.client::<Other>().unwrap_err().to_string();
    assert!(err.contains("Fake") && err.contains("Other"), "{err}");
}

#[test]
fn sessions_sharing_a_cache_keep_regions_apart_and_evict_the_least_recent() {
    let shared = ClientCache::new(2).unwrap();
    let sessions: Vec<Session<Marker>> = ["us-east-1", "us-west-2", "eu-west-1"]
        .iter()
        .map(|r| {
            Session::builder(config(r))
                .cache(shared.clone())
                .build()
                .unwrap()
        })
        .collect();
    let east = sessions[0].client::<Fake>().unwrap();
    let west = sessions[1].client::<Fake>().unwrap();
    assert_ne!(east.id, west.id);
    assert_eq!(shared.len(), 2);
    sessions[0].client::<Fake>().unwrap(); // east is now the most recent
    sessions[2].client::<Fake>().unwrap(); // evicts west
    let keys: Vec<String> = shared.keys().iter().map(ToString::to_string).collect();
    assert_eq!(keys, ["s3(region=us-east-1)", "s3(region=eu-west-1)"]);
    let west_again = sessions[1].client::<Fake>().unwrap();
    assert_ne!(west_again.id, west.id, "rebuilt after eviction");
    assert_eq!(shared.stats().evictions, 2);
}

#[test]
fn concurrent_first_calls_build_one_client() {
    let session = Arc::new(Session::<Marker>::new(config("ca-central-1")).unwrap());
    let ids: Vec<usize> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|_| scope.spawn(|| session.client::<Fake>().unwrap().id))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(ids.windows(2).all(|w| w[0] == w[1]), "{ids:?}");
    assert_eq!(session.stats().inserts, 1);
}

#[test]
fn each_shared_http_client_gets_its_own_clients_even_in_one_cache() {
    use aws_smithy_runtime_api::client::http::{HttpConnector, HttpConnectorFuture};
    use aws_smithy_runtime_api::client::http::{SharedHttpConnector, http_client_fn};
    use aws_smithy_runtime_api::client::orchestrator::HttpRequest;

    #[derive(Debug)]
    struct Never;
    impl HttpConnector for Never {
        fn call(&self, _: HttpRequest) -> HttpConnectorFuture {
            HttpConnectorFuture::ready(Err(
                aws_smithy_runtime_api::client::result::ConnectorError::other(
                    "offline".into(),
                    None,
                ),
            ))
        }
    }
    let cache = ClientCache::new(10).unwrap();
    let plain = Session::<Marker>::builder(config("us-east-1"))
        .cache(cache.clone())
        .build()
        .unwrap();
    assert!(plain.config().http_client().is_none());
    let with_http = || {
        Session::<Marker>::builder(config("us-east-1"))
            .http_client(http_client_fn(|_, _| SharedHttpConnector::new(Never)))
            .cache(cache.clone())
            .build()
            .unwrap()
    };
    let (one, two) = (with_http(), with_http());
    assert!(one.config().http_client().is_some());
    // Same config otherwise, one cache: each HTTP client gets its own clients.
    let keys = [&plain, &one, &two].map(|s| s.key::<Fake>().unwrap());
    assert!(
        keys[0] != keys[1] && keys[1] != keys[2] && keys[0] != keys[2],
        "{keys:?}"
    );
    assert!(keys[1].to_string().contains("http_client=#"), "{}", keys[1]);
    let ids = [&plain, &one, &two].map(|s| s.client::<Fake>().unwrap().id);
    assert!(ids[0] != ids[1] && ids[1] != ids[2], "{ids:?}");
    assert_eq!(
        one.client::<Fake>().unwrap().id,
        ids[1],
        "and a hit afterwards"
    );
    assert_eq!(cache.len(), 3);
}
