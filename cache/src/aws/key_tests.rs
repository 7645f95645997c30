//! Property tests of the key model: equality is exactly "same description", equal keys hash
//! equally, and builder order never matters.

use super::{ClientCacheKey, ClientCacheKeyBuilder, ParamValue};
use crate::DefaultHashBuilder;
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::hash::{BuildHasher, RandomState};
use std::time::Duration;

/// One timeout's state in a generated config: 0 unset, 1 disabled, 2 one second, 3 two.
type Timeouts = [u8; 2];

/// One builder call. Small domains, so equal keys are frequent.
#[derive(Clone, Debug)]
enum Op {
    Region(Option<&'static str>),
    Profile(Option<&'static str>),
    Endpoint(Option<&'static str>),
    Credentials(Option<(&'static str, &'static str, Option<&'static str>)>),
    Retry(Option<u32>),
    Timeout(Option<Timeouts>),
    Fips(bool),
    DualStack(bool),
    AppName(&'static str),
    Behavior(&'static str),
    Param(&'static str, ParamValue),
}

/// What a list of calls describes: the last value of each parameter (the model).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Model {
    region: Option<&'static str>,
    profile: Option<&'static str>,
    endpoint: Option<&'static str>,
    credentials: Option<(&'static str, &'static str, Option<&'static str>)>,
    retry: Option<u32>,
    timeout: Option<Timeouts>,
    fips: Option<bool>,
    dual_stack: Option<bool>,
    app_name: Option<&'static str>,
    behavior: Option<&'static str>,
    params: BTreeMap<&'static str, ParamValue>,
}

fn timeout_config(states: Timeouts) -> TimeoutConfig {
    let mut b = TimeoutConfig::builder();
    match states[0] {
        0 => {}
        1 => b = b.disable_connect_timeout(),
        n => b = b.connect_timeout(Duration::from_secs(u64::from(n) - 1)),
    }
    match states[1] {
        0 => {}
        1 => b = b.disable_read_timeout(),
        n => b = b.read_timeout(Duration::from_secs(u64::from(n) - 1)),
    }
    b.build()
}

fn apply(b: ClientCacheKeyBuilder, op: &Op) -> ClientCacheKeyBuilder {
    match op {
        Op::Region(v) => b.set_region(*v),
        Op::Profile(v) => b.set_profile(*v),
        Op::Endpoint(v) => b.set_endpoint_url(*v),
        Op::Credentials(Some((id, secret, token))) => b.credentials(id, secret, *token),
        Op::Credentials(None) => b.clear_credentials(),
        Op::Retry(v) => b.set_retry_config(v.map(|n| RetryConfig::standard().with_max_attempts(n))),
        Op::Timeout(v) => b.set_timeout_config(v.map(timeout_config)),
        Op::Fips(v) => b.use_fips(*v),
        Op::DualStack(v) => b.use_dual_stack(*v),
        Op::AppName(v) => b.app_name(*v),
        Op::Behavior(v) => b.behavior_version(*v),
        Op::Param(name, value) => b.param(*name, value.clone()),
    }
}

fn model(ops: &[Op]) -> Model {
    let mut m = Model::default();
    for op in ops {
        match op {
            Op::Region(v) => m.region = *v,
            Op::Profile(v) => m.profile = *v,
            Op::Endpoint(v) => m.endpoint = *v,
            Op::Credentials(v) => m.credentials = *v,
            Op::Retry(v) => m.retry = *v,
            Op::Timeout(v) => m.timeout = *v,
            Op::Fips(v) => m.fips = Some(*v),
            Op::DualStack(v) => m.dual_stack = Some(*v),
            Op::AppName(v) => m.app_name = Some(*v),
            Op::Behavior(v) => m.behavior = Some(*v),
            Op::Param(name, value) => {
                m.params.insert(*name, value.clone());
            }
        }
    }
    m
}

fn key(service: &'static str, ops: &[Op]) -> ClientCacheKey {
    ops.iter()
        .fold(ClientCacheKey::builder(service), apply)
        .build()
        .expect("generated values are valid")
}

fn op() -> impl Strategy<Value = Op> {
    let text = |values: &'static [&'static str]| proptest::sample::select(values);
    prop_oneof![
        proptest::option::of(text(&["us-east-1", "us-west-2"])).prop_map(Op::Region),
        proptest::option::of(text(&["prod", "dev"])).prop_map(Op::Profile),
        proptest::option::of(text(&["http://127.0.0.1:9000", "http://127.0.0.1:9000/"]))
            .prop_map(Op::Endpoint),
        proptest::option::of(proptest::sample::select(
            &[
                ("AKIAIOSFODNN7EXAMPLE", "secret-one", None),
                ("AKIAIOSFODNN7EXAMPLE", "secret-two", None),
                ("AKIAIOSFODNN7EXAMPLE", "secret-one", Some("token")),
            ][..]
        ))
        .prop_map(Op::Credentials),
        proptest::option::of(3u32..5).prop_map(Op::Retry),
        proptest::option::of([0u8..4, 0u8..4]).prop_map(Op::Timeout),
        any::<bool>().prop_map(Op::Fips),
        any::<bool>().prop_map(Op::DualStack),
        text(&["billing", "search"]).prop_map(Op::AppName),
        text(&["2025-08-07", "2026-01-12"]).prop_map(Op::Behavior),
        (
            text(&["force_path_style", "accelerate"]),
            prop_oneof![
                any::<bool>().prop_map(ParamValue::Bool),
                (0i64..2).prop_map(ParamValue::from),
                Just(ParamValue::from("true")),
            ]
        )
            .prop_map(|(name, value)| Op::Param(name, value)),
    ]
}

fn hash_with<S: BuildHasher>(state: &S, key: &ClientCacheKey) -> u64 {
    state.hash_one(key)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Equality is exactly "the last value of every parameter is the same", and equal keys
    /// hash equally under any hasher.
    #[test]
    fn keys_are_equal_exactly_when_they_describe_the_same_client_and_then_hash_equally(
        a in proptest::collection::vec(op(), 0..6),
        b in proptest::collection::vec(op(), 0..6),
        same_service in any::<bool>(),
    ) {
        let ka = key("s3", &a);
        let kb = key(if same_service { "s3" } else { "sqs" }, &b);
        let described_equal = same_service && model(&a) == model(&b);
        prop_assert_eq!(ka == kb, described_equal, "{:?} vs {:?}", ka, kb);
        if ka == kb {
            let random = RandomState::new();
            prop_assert_eq!(hash_with(&random, &ka), hash_with(&random, &kb));
            prop_assert_eq!(hash_with(&DefaultHashBuilder::default(), &ka), hash_with(&DefaultHashBuilder::default(), &kb));
            prop_assert_eq!(ka.to_string(), kb.to_string());
        }
    }

    /// Any order of the same calls (each parameter set once) gives the same key and hash.
    #[test]
    fn builder_order_never_changes_equality_or_hash(
        ops in proptest::collection::vec(op(), 0..11).prop_shuffle(),
        seed in any::<u64>(),
    ) {
        // Keep the first call of each parameter so that order cannot matter by design.
        let mut seen = std::collections::BTreeSet::new();
        let unique: Vec<Op> = ops
            .into_iter()
            .filter(|op| seen.insert(match op {
                Op::Param(name, _) => format!("param:{name}"),
                other => format!("{:?}", std::mem::discriminant(other)),
            }))
            .collect();
        let mut shuffled = unique.clone();
        // A deterministic permutation from the seed (Fisher-Yates with a small LCG).
        let mut s = seed;
        for i in (1..shuffled.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (s >> 33) as usize % (i + 1));
        }
        let (ka, kb) = (key("s3", &unique), key("s3", &shuffled));
        prop_assert_eq!(&ka, &kb);
        let random = RandomState::new();
        prop_assert_eq!(hash_with(&random, &ka), hash_with(&random, &kb));
        prop_assert_eq!(ka.to_string(), kb.to_string());
    }
}

#[test]
fn unset_and_disabled_timeouts_make_different_keys_with_different_hashes() {
    let unset = key("s3", &[Op::Timeout(Some([0, 0]))]);
    let disabled = key("s3", &[Op::Timeout(Some([1, 0]))]);
    let none = key("s3", &[]);
    assert_ne!(unset, disabled);
    assert_ne!(
        unset, none,
        "an all-unset TimeoutConfig is still a given config"
    );
    let state = DefaultHashBuilder::default();
    assert_ne!(hash_with(&state, &unset), hash_with(&state, &disabled));
    assert_eq!(disabled.to_string(), "s3(timeout_config(connect=disabled))");
}

#[test]
fn explicit_none_equals_unset_and_last_value_wins() {
    let plain = key("s3", &[Op::Region(Some("us-east-1"))]);
    let with_nones = key(
        "s3",
        &[
            Op::Profile(None),
            Op::Region(Some("us-west-2")),
            Op::Endpoint(None),
            Op::Region(Some("us-east-1")),
            Op::Credentials(None),
        ],
    );
    assert_eq!(plain, with_nones);
}

#[test]
fn values_are_not_normalised() {
    let lower = ClientCacheKey::builder("s3")
        .region("us-east-1")
        .build()
        .unwrap();
    let upper = ClientCacheKey::builder("s3")
        .region("US-EAST-1")
        .build()
        .unwrap();
    assert_ne!(lower, upper);
    let flag = ClientCacheKey::builder("s3")
        .param("force_path_style", true)
        .build()
        .unwrap();
    let text = ClientCacheKey::builder("s3")
        .param("force_path_style", "true")
        .build()
        .unwrap();
    assert_ne!(flag, text);
}

#[test]
fn a_client_key_never_equals_a_resource_key_and_hashes_apart() {
    let client = ClientCacheKey::builder("s3")
        .region("us-east-1")
        .build()
        .unwrap();
    let bucket = client.resource("bucket", "logs").unwrap();
    assert!(client != bucket, "client vs resource");
    assert!(bucket != client, "resource vs client");
    let state = DefaultHashBuilder::default();
    assert_ne!(state.hash_one(&client), state.hash_one(&bucket));
    assert_eq!(bucket, client.resource("bucket", "logs").unwrap());
    assert_ne!(bucket, client.resource("bucket", "logz").unwrap());
    assert_ne!(bucket, client.resource("table", "logs").unwrap());
    let west = ClientCacheKey::builder("s3")
        .region("us-west-2")
        .build()
        .unwrap();
    assert_ne!(bucket, west.resource("bucket", "logs").unwrap());
}

#[test]
fn labels_list_set_parameters_in_a_fixed_order_with_secrets_starred() {
    let key = ClientCacheKey::builder("s3")
        .param("force_path_style", true)
        .use_fips(false)
        .credentials("ASIAIOSFODNN7EXAMPLE", "secret", Some("token"))
        .endpoint_url("http://127.0.0.1:9000")
        .profile("prod")
        .region("us-west-2")
        .build()
        .unwrap();
    assert_eq!(
        key.to_string(),
        "s3(region=us-west-2, profile=prod, endpoint_url=http://127.0.0.1:9000, \
         credentials=ASIA***, use_fips=false, force_path_style=true)"
    );
    assert_eq!(format!("{key:?}"), format!("ClientCacheKey({key})"));
}

#[test]
fn bad_input_is_an_error_naming_the_parameter_never_a_panic() {
    let cases: [(ClientCacheKeyBuilder, &str); 7] = [
        (ClientCacheKey::builder(""), "service"),
        (ClientCacheKey::builder("S3"), "service"),
        (ClientCacheKey::builder("s3").region(""), "region"),
        (
            ClientCacheKey::builder("s3").region("us-east-1/../x"),
            "region",
        ),
        (
            ClientCacheKey::builder("s3").endpoint_url("localhost:9000"),
            "endpoint_url",
        ),
        (
            ClientCacheKey::builder("s3").credentials("", "x", None),
            "credentials",
        ),
        (
            ClientCacheKey::builder("s3").param("Region", 1),
            "parameter name",
        ),
    ];
    for (builder, parameter) in cases {
        match builder.build() {
            Err(super::Error::InvalidKey {
                parameter: p,
                reason,
                ..
            }) => {
                assert_eq!(p, parameter);
                assert!(!reason.is_empty());
            }
            other => panic!("expected InvalidKey for {parameter}, got {other:?}"),
        }
    }
}

#[cfg(all(feature = "lfu", feature = "tinylfu"))]
#[test]
fn typed_caches_take_every_policy_by_name() {
    for (name, canonical) in [
        ("lru", "LRU"),
        ("LFU", "LFU"),
        ("TinyLFU", "TinyLFU"),
        ("tinylfu", "TinyLFU"),
    ] {
        let cache = super::ClientCache::builder()
            .max_size(3)
            .policy_name(name)
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(cache.policy_name(), canonical);
        let resources = super::ResourceCache::builder()
            .policy_name(name)
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(resources.policy_name(), canonical);
    }
    let err = super::ClientCache::builder()
        .policy_name("MRU")
        .unwrap_err()
        .to_string();
    assert!(err.contains("MRU") && err.contains("TinyLFU"), "{err}");
    assert!(matches!(
        super::ClientCache::new(crate::MAX_SIZE_LIMIT + 1),
        Err(crate::Error::InvalidMaxSize { .. })
    ));
}

/// Only the final value of each parameter counts: an invalid value set again (to a valid one,
/// or to none) no longer fails the build, as "set twice keeps the last value" and "unset equals
/// absent" require.
#[test]
fn a_parameter_set_again_replaces_its_invalid_value() {
    let plain = ClientCacheKey::builder("s3").build().unwrap();
    let west = ClientCacheKey::builder("s3")
        .region("us-west-2")
        .build()
        .unwrap();
    let builder = || ClientCacheKey::builder("s3");
    assert!(builder().region("bad region").build().is_err());
    assert_eq!(
        builder()
            .region("bad region")
            .set_region(None::<String>)
            .build()
            .unwrap(),
        plain
    );
    assert_eq!(
        builder()
            .region("bad region")
            .region("us-west-2")
            .build()
            .unwrap(),
        west
    );
    assert_eq!(
        builder()
            .credentials("AKIAIOSFODNN7EXAMPLE", "", None)
            .clear_credentials()
            .build()
            .unwrap(),
        plain
    );
    let valid_after_invalid = builder()
        .credentials("AKIAIOSFODNN7EXAMPLE", "", None)
        .credentials("AKIAIOSFODNN7EXAMPLE", "secret", None)
        .build()
        .unwrap();
    assert!(valid_after_invalid.has_credentials());
    assert_eq!(
        builder()
            .endpoint_url("nope")
            .set_endpoint_url(None::<String>)
            .build()
            .unwrap(),
        plain
    );
    // A valid value set after, then an invalid one again: invalid.
    assert!(
        builder()
            .region("us-west-2")
            .region("bad region")
            .build()
            .is_err()
    );
    // Two still-invalid parameters: the first set is reported.
    let err = builder()
        .profile(" padded ")
        .region("bad region")
        .build()
        .unwrap_err();
    assert!(
        matches!(err, super::Error::InvalidKey { ref parameter, .. } if parameter == "profile"),
        "{err}"
    );
}

/// A string parameter cannot forge a label: one that looks like the label's own syntax, like
/// another value type, or holds whitespace is quoted and escaped.
#[test]
fn string_parameters_cannot_forge_a_label() {
    let label = |value: &str| {
        ClientCacheKey::builder("s3")
            .param("tag", value)
            .build()
            .unwrap()
            .to_string()
    };
    assert_eq!(label("blue"), "s3(tag=blue)");
    assert_eq!(
        label("x, region=us-east-1"),
        r#"s3(tag="x, region=us-east-1")"#
    );
    assert_eq!(label("a\nb"), r#"s3(tag="a\nb")"#);
    assert_eq!(label(""), r#"s3(tag="")"#);
    assert_eq!(label("true"), r#"s3(tag="true")"#);
    assert_eq!(label("42"), r#"s3(tag="42")"#);
    let flag = ClientCacheKey::builder("s3")
        .param("tag", true)
        .build()
        .unwrap();
    assert_eq!(flag.to_string(), "s3(tag=true)");
}

#[test]
fn a_huge_invalid_value_makes_a_bounded_message_and_a_long_key_a_bounded_debug() {
    let region = "x y".repeat(35_000); // 100 KB, invalid (spaces)
    let err = ClientCacheKey::builder("s3")
        .region(&region)
        .build()
        .unwrap_err();
    let text = err.to_string();
    assert!(text.len() < 1_000, "{} bytes", text.len());
    assert!(text.contains("more bytes"), "{text}");
    let long = ClientCacheKey::builder("s3")
        .param("tag", "v".repeat(100_000))
        .build()
        .unwrap();
    assert!(format!("{long:?}").len() < 1_000);
    assert!(
        long.to_string().len() > 100_000,
        "Display stays the full, stable label"
    );
}

#[test]
fn endpoint_urls_with_bad_ports_ipv6_literals_or_empty_labels_are_refused() {
    for (url, why) in [
        ("http://127.0.0.1:65536", "port above 65535"),
        ("http://127.0.0.1:99999999999", "port above 65535"),
        ("http://[::1:9000", "malformed IPv6 literal"),
        ("http://[12345::1]:9000", "malformed IPv6 literal"),
        ("http://[::1]x:9000", "malformed IPv6 literal"),
        ("http://s3..example.com", "empty host label"),
        ("http://.example.com", "empty host label"),
        ("http://a]b.com", "bracket outside"),
    ] {
        let err = ClientCacheKey::builder("s3")
            .endpoint_url(url)
            .build()
            .unwrap_err();
        assert!(err.to_string().contains(why), "{url}: {err}");
    }
    for url in [
        "http://127.0.0.1:65535",
        "http://[::1]:9000",
        "https://[2001:db8::1]/bucket",
        "https://s3.example.com.",
        "http://localhost:0",
    ] {
        ClientCacheKey::builder("s3")
            .endpoint_url(url)
            .build()
            .unwrap_or_else(|e| panic!("{url}: {e}"));
    }
}
