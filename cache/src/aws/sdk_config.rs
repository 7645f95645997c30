//! [`ClientCacheKey::from_sdk_config`]: a key from an `aws_types::SdkConfig` (feature
//! `aws-config`).

use super::error::Error;
use super::key::ClientCacheKey;
use aws_smithy_runtime_api::client::identity::ResolveIdentity;
use aws_types::SdkConfig;
use std::borrow::Cow;

#[cfg_attr(docsrs, doc(cfg(feature = "aws-config")))]
impl ClientCacheKey {
    /// The key of the `service` client that `config` builds
    /// (`aws_sdk_<service>::Config::from(&config)`).
    ///
    /// Reads the region, endpoint URL, retry and timeout configs, FIPS and dual-stack flags,
    /// app name and behavior version, and the identity of the credentials provider (and of
    /// the token provider, for bearer-token services). The profile name is not part of an
    /// `SdkConfig` (the loader has already applied it), so it is not in the key.
    ///
    /// Credentials are identified by the provider's *identity-cache partition*: a number the
    /// SDK gives each `SharedCredentialsProvider` when it is created, shared by its clones and
    /// unique per provider (`aws-credential-types`'s `SharedCredentialsProvider::new`). So
    /// clones of one `SdkConfig` give equal keys, but **two separately loaded configs are two
    /// identities**, even when they would resolve the same credentials: load the config once
    /// and share it (or a [`Session`](super::Session) over it), or give the credentials
    /// explicitly with [`ClientCacheKeyBuilder::credentials`](super::ClientCacheKeyBuilder::credentials).
    ///
    /// Not read, so two configs that differ only in them give equal keys: the HTTP client,
    /// sleep and time sources, the identity cache, per-service settings (`service_config`,
    /// e.g. `AWS_ENDPOINT_URL_S3`), the account-id endpoint mode, SigV4a region set, auth
    /// scheme preference, request checksum, request compression and stalled-stream settings.
    /// Where such a difference must give a different client in one cache, name it in the key
    /// with [`ClientCacheKeyBuilder::param`](super::ClientCacheKeyBuilder::param) (a
    /// [`Session`](super::Session) does so itself for an HTTP client set with
    /// [`SessionBuilder::http_client`](super::SessionBuilder::http_client)).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] for an invalid service name, or a region or endpoint URL in
    /// `config` that cannot be valid.
    ///
    /// # Examples
    ///
    /// ```
    /// use aws_credential_types::{provider::SharedCredentialsProvider, Credentials};
    /// use aws_types::{region::Region, SdkConfig};
    /// use clientcache::aws::ClientCacheKey;
    ///
    /// let config = SdkConfig::builder()
    ///     .region(Region::new("eu-west-1"))
    ///     .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
    ///         "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG", None, None, "example",
    ///     )))
    ///     .build();
    /// let key = ClientCacheKey::from_sdk_config("s3", &config)?;
    /// assert_eq!(key, ClientCacheKey::from_sdk_config("s3", &config.clone())?);
    /// assert_ne!(key, ClientCacheKey::from_sdk_config("sqs", &config)?);
    /// assert!(key.to_string().starts_with("s3(region=eu-west-1, credentials=provider#"));
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    pub fn from_sdk_config(
        service: impl Into<Cow<'static, str>>,
        config: &SdkConfig,
    ) -> Result<Self, Error> {
        let mut builder = ClientCacheKey::builder(service)
            .set_region(config.region().map(|r| r.as_ref().to_owned()))
            .set_endpoint_url(config.endpoint_url())
            .set_retry_config(config.retry_config().cloned())
            .set_timeout_config(config.timeout_config().cloned())
            .credentials_provider(
                config
                    .credentials_provider()
                    .and_then(|p| p.cache_partition()),
            )
            .token_provider(config.token_provider().and_then(|p| p.cache_partition()))
            .behavior_version_unchecked(config.behavior_version().map(|v| behavior_name(&v)));
        if let Some(fips) = config.use_fips() {
            builder = builder.use_fips(fips);
        }
        if let Some(dual_stack) = config.use_dual_stack() {
            builder = builder.use_dual_stack(dual_stack);
        }
        if let Some(app_name) = config.app_name() {
            builder = builder.app_name(app_name.as_ref());
        }
        builder.build()
    }
}

/// A behavior version's date name, `2026-01-12`, from its `Debug` form
/// `BehaviorVersion(V2026_01_12)` (it has no other accessor). A form this does not recognise
/// is kept whole, so distinct versions stay distinct.
fn behavior_name(
    version: &aws_smithy_runtime_api::client::behavior_version::BehaviorVersion,
) -> String {
    let debug = format!("{version:?}");
    let inner = debug
        .strip_prefix("BehaviorVersion(V")
        .and_then(|rest| rest.strip_suffix(')'));
    match inner {
        Some(date) if date.len() == 10 => date.replace('_', "-"),
        _ => debug,
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use aws_credential_types::Credentials;
    use aws_credential_types::provider::SharedCredentialsProvider;
    use aws_smithy_runtime_api::client::behavior_version::BehaviorVersion;
    use aws_smithy_types::retry::RetryConfig;
    use aws_smithy_types::timeout::TimeoutConfig;
    use aws_types::region::Region;

    fn provider() -> SharedCredentialsProvider {
        SharedCredentialsProvider::new(Credentials::new(
            "AKIAIOSFODNN7EXAMPLE",
            "s3cr3t",
            None,
            None,
            "test",
        ))
    }

    #[test]
    #[allow(deprecated)] // An older version on purpose: it must be read, not defaulted.
    fn from_sdk_config_reads_every_keyed_setting() {
        let config = SdkConfig::builder()
            .region(Region::new("ap-south-1"))
            .endpoint_url("http://127.0.0.1:9000")
            .retry_config(RetryConfig::standard().with_max_attempts(4))
            .timeout_config(TimeoutConfig::disabled())
            .use_fips(true)
            .use_dual_stack(false)
            .app_name(aws_types::app_name::AppName::new("billing").unwrap())
            .behavior_version(BehaviorVersion::v2025_08_07())
            .build();
        let key = ClientCacheKey::from_sdk_config("s3", &config).unwrap();
        let expected = ClientCacheKey::builder("s3")
            .region("ap-south-1")
            .endpoint_url("http://127.0.0.1:9000")
            .retry_config(RetryConfig::standard().with_max_attempts(4))
            .timeout_config(TimeoutConfig::disabled())
            .use_fips(true)
            .use_dual_stack(false)
            .app_name("billing")
            .behavior_version("2025-08-07")
            .build()
            .unwrap();
        assert_eq!(key, expected);
        assert_eq!(key.to_string(), expected.to_string());
    }

    #[test]
    fn clones_share_a_provider_identity_and_separate_providers_differ() {
        let config = SdkConfig::builder()
            .credentials_provider(provider())
            .build();
        let a = ClientCacheKey::from_sdk_config("s3", &config).unwrap();
        let b = ClientCacheKey::from_sdk_config("s3", &config.clone()).unwrap();
        assert_eq!(a, b);
        let other = SdkConfig::builder()
            .credentials_provider(provider())
            .build();
        let c = ClientCacheKey::from_sdk_config("s3", &other).unwrap();
        assert_ne!(
            a, c,
            "separately created providers are different identities"
        );
        assert!(!a.to_string().contains("s3cr3t"));
    }

    #[test]
    #[allow(deprecated)]
    fn behavior_versions_are_named_by_date() {
        assert_eq!(behavior_name(&BehaviorVersion::v2026_01_12()), "2026-01-12");
        assert_eq!(behavior_name(&BehaviorVersion::v2024_03_28()), "2024-03-28");
    }

    #[test]
    fn an_invalid_region_in_the_config_is_an_error_not_a_panic() {
        let config = SdkConfig::builder()
            .region(Region::new("not a region"))
            .build();
        let err = ClientCacheKey::from_sdk_config("s3", &config).unwrap_err();
        assert!(matches!(err, Error::InvalidKey { ref parameter, .. } if parameter == "region"));
    }

    /// `behavior_name` and `partition_number` read other crates' `Debug` output, which those
    /// crates do not promise to keep: these pin the forms they rely on, so a change fails here
    /// instead of silently changing every label (or, for partitions, merging identities).
    #[test]
    #[allow(deprecated)] // the older versions are deprecated by the SDK, still valid inputs
    fn the_debug_forms_the_labels_read_are_pinned() {
        assert_eq!(behavior_name(&BehaviorVersion::v2024_03_28()), "2024-03-28");
        assert_eq!(behavior_name(&BehaviorVersion::v2026_01_12()), "2026-01-12");
        let latest = behavior_name(&BehaviorVersion::latest());
        assert!(
            latest.len() == 10 && latest.as_bytes()[4] == b'-' && latest.as_bytes()[7] == b'-',
            "BehaviorVersion's Debug form changed: {latest}"
        );
        use aws_smithy_runtime_api::client::identity::IdentityCachePartition;
        let (a, b) = (IdentityCachePartition::new(), IdentityCachePartition::new());
        let (na, nb) = (
            crate::aws::key::partition_number(&a),
            crate::aws::key::partition_number(&b),
        );
        assert!(
            na.bytes().all(|c| c.is_ascii_digit()) && !na.is_empty(),
            "{a:?} -> {na}"
        );
        assert_ne!(na, nb, "distinct partitions, distinct labels");
    }
}
