//! [`ClientCacheKeyBuilder`]: builds a [`ClientCacheKey`] from parameters in any order.
//!
//! Each setter validates its value at once and keeps the first error for [`build`]
//! (`ClientCacheKeyBuilder::build`), so a chain of setters reads like the SDK's config
//! builders and the error still names the parameter. Credentials are fingerprinted in the
//! setter: the builder never holds a secret either.

use super::error::Error;
use super::fingerprint::CredentialsFingerprint;
use super::key::{ClientCacheKey, CredentialsId, Params};
use super::param::ParamValue;
use super::validate;
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

/// Builds a [`ClientCacheKey`]; start with [`ClientCacheKey::builder`].
///
/// Setters may come in any order; a parameter set twice keeps the last value; a `set_*(None)`
/// is the same as never setting it. Invalid values are reported by [`build`](Self::build).
///
/// # Examples
///
/// ```
/// use clientcache::aws::ClientCacheKey;
/// use aws_smithy_types::retry::RetryConfig;
///
/// let key = ClientCacheKey::builder("s3")
///     .region("eu-central-1")
///     .retry_config(RetryConfig::standard().with_max_attempts(5))
///     .param("force_path_style", true)
///     .build()?;
/// assert_eq!(
///     key.to_string(),
///     "s3(region=eu-central-1, retry_config(mode=Standard, max_attempts=5, \
///      initial_backoff=1s, max_backoff=20s), force_path_style=true)"
/// );
/// # Ok::<(), clientcache::aws::Error>(())
/// ```
#[derive(Clone)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct ClientCacheKeyBuilder {
    service: Cow<'static, str>,
    region: Option<Box<str>>,
    profile: Option<Box<str>>,
    endpoint_url: Option<Box<str>>,
    credentials: Option<CredentialsId>,
    /// When the static credentials expire; not part of the key's identity.
    credentials_expiry: Option<SystemTime>,
    #[cfg(feature = "aws-config")]
    token_provider: Option<aws_smithy_runtime_api::client::identity::IdentityCachePartition>,
    retry_config: Option<RetryConfig>,
    timeout_config: Option<TimeoutConfig>,
    use_fips: Option<bool>,
    use_dual_stack: Option<bool>,
    app_name: Option<Box<str>>,
    behavior_version: Option<Box<str>>,
    /// In call order; `build` sorts it, the last value of a name winning.
    extra: Vec<(Box<str>, ParamValue)>,
    /// The parameters whose current value is invalid, each with its error, in the order they
    /// were set. Setting a parameter again (to a valid value, or to none) replaces its entry,
    /// so only the final values count, as for a valid key.
    errors: Vec<(Box<str>, Error)>,
}

/// Records `result` as the state of `parameter` in `errors`, replacing what it held.
fn note(errors: &mut Vec<(Box<str>, Error)>, parameter: &str, result: Result<(), Error>) {
    errors.retain(|(name, _)| &**name != parameter);
    if let Err(e) = result {
        errors.push((parameter.into(), e));
    }
}

/// Validates an optional string with `check`, recording the outcome for `parameter`.
fn checked(
    errors: &mut Vec<(Box<str>, Error)>,
    parameter: &str,
    value: Option<String>,
    check: fn(&str) -> Result<(), Error>,
) -> Option<Box<str>> {
    let result = value.as_deref().map_or(Ok(()), check);
    note(errors, parameter, result);
    value.map(String::into_boxed_str)
}

impl ClientCacheKey {
    /// A builder for a key of `service`, named as its SDK crate names it (`s3` for
    /// aws-sdk-s3, `dynamodb`, `sso-oidc`).
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCacheKey;
    ///
    /// let key = ClientCacheKey::builder("dynamodb").region("us-east-1").build()?;
    /// assert_eq!(key.to_string(), "dynamodb(region=us-east-1)");
    /// assert!(ClientCacheKey::builder("").build().is_err());
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    pub fn builder(service: impl Into<Cow<'static, str>>) -> ClientCacheKeyBuilder {
        ClientCacheKeyBuilder::new(service.into())
    }

    /// A builder holding this key's parameters, to derive a key that differs in a few.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCacheKey;
    ///
    /// let east = ClientCacheKey::builder("s3").region("us-east-1").build()?;
    /// let west = east.to_builder().region("us-west-2").build()?;
    /// assert_eq!(west.to_string(), "s3(region=us-west-2)");
    /// assert_eq!(west.to_builder().region("us-east-1").build()?, east);
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn to_builder(&self) -> ClientCacheKeyBuilder {
        let p = &**self.params();
        ClientCacheKeyBuilder {
            service: Cow::Owned(self.service().to_owned()),
            region: p.region.clone(),
            profile: p.profile.clone(),
            endpoint_url: p.endpoint_url.clone(),
            credentials: p.credentials.clone(),
            credentials_expiry: p.credentials_expiry,
            #[cfg(feature = "aws-config")]
            token_provider: p.token_provider,
            retry_config: p.retry_config.clone(),
            timeout_config: p.timeout_config.clone(),
            use_fips: p.use_fips,
            use_dual_stack: p.use_dual_stack,
            app_name: p.app_name.clone(),
            behavior_version: p.behavior_version.clone(),
            extra: p.extra.to_vec(),
            errors: Vec::new(),
        }
    }
}

impl ClientCacheKeyBuilder {
    fn new(service: Cow<'static, str>) -> Self {
        ClientCacheKeyBuilder {
            service,
            region: None,
            profile: None,
            endpoint_url: None,
            credentials: None,
            credentials_expiry: None,
            #[cfg(feature = "aws-config")]
            token_provider: None,
            retry_config: None,
            timeout_config: None,
            use_fips: None,
            use_dual_stack: None,
            app_name: None,
            behavior_version: None,
            extra: Vec::new(),
            errors: Vec::new(),
        }
    }

    /// The region, e.g. `us-west-2`. Kept as given (no case folding): it must be a valid host
    /// label sequence, since the SDK puts it into the endpoint's host name.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCacheKey;
    ///
    /// assert!(ClientCacheKey::builder("s3").region("us-west-2").build().is_ok());
    /// assert!(ClientCacheKey::builder("s3").region("us west 2").build().is_err());
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn region(self, region: impl Into<String>) -> Self {
        self.set_region(Some(region))
    }

    /// Sets or clears the region; `None` equals never setting it.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCacheKey;
    ///
    /// let a = ClientCacheKey::builder("s3").set_region(None::<String>).build()?;
    /// assert_eq!(a, ClientCacheKey::builder("s3").build()?);
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn set_region(mut self, region: Option<impl Into<String>>) -> Self {
        self.region = checked(
            &mut self.errors,
            "region",
            region.map(Into::into),
            validate::region,
        );
        self
    }

    /// The shared-config profile name, e.g. `prod`.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCacheKey;
    ///
    /// let key = ClientCacheKey::builder("s3").profile("prod").build()?;
    /// assert_eq!(key.to_string(), "s3(profile=prod)");
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn profile(self, profile: impl Into<String>) -> Self {
        self.set_profile(Some(profile))
    }

    /// Sets or clears the profile name.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCacheKey;
    ///
    /// assert!(ClientCacheKey::builder("s3").set_profile(Some(" prod")).build().is_err());
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn set_profile(mut self, profile: Option<impl Into<String>>) -> Self {
        self.profile = checked(
            &mut self.errors,
            "profile",
            profile.map(Into::into),
            validate::profile,
        );
        self
    }

    /// The endpoint URL, e.g. `http://127.0.0.1:9000`: an absolute `http`/`https` URL without
    /// a `user:password@` part. Kept as given (a trailing `/` is significant).
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCacheKey;
    ///
    /// assert!(ClientCacheKey::builder("s3").endpoint_url("http://127.0.0.1:9000").build().is_ok());
    /// assert!(ClientCacheKey::builder("s3").endpoint_url("127.0.0.1:9000").build().is_err());
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn endpoint_url(self, url: impl Into<String>) -> Self {
        self.set_endpoint_url(Some(url))
    }

    /// Sets or clears the endpoint URL.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCacheKey;
    ///
    /// let key = ClientCacheKey::builder("s3").set_endpoint_url(None::<&str>).build()?;
    /// assert_eq!(key.endpoint_url(), None);
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn set_endpoint_url(mut self, url: Option<impl Into<String>>) -> Self {
        self.endpoint_url = checked(
            &mut self.errors,
            "endpoint_url",
            url.map(Into::into),
            validate::endpoint_url,
        );
        self
    }

    /// Static credentials. They are fingerprinted here (see the [module docs](super)); the key
    /// and this builder keep no copy of the secret or the token.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCacheKey;
    ///
    /// let a = ClientCacheKey::builder("s3").credentials("AKIAIOSFODNN7EXAMPLE", "one", None).build()?;
    /// let b = ClientCacheKey::builder("s3").credentials("AKIAIOSFODNN7EXAMPLE", "two", None).build()?;
    /// assert_ne!(a, b);
    /// assert_eq!(a.to_string(), b.to_string()); // the label never shows the secret
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn credentials(
        mut self,
        access_key_id: &str,
        secret_access_key: &str,
        session_token: Option<&str>,
    ) -> Self {
        let result = validate::credentials(access_key_id, secret_access_key, session_token);
        self.credentials = result.is_ok().then(|| {
            CredentialsId::Static(CredentialsFingerprint::new(
                access_key_id,
                secret_access_key,
                session_token,
            ))
        });
        note(&mut self.errors, "credentials", result);
        self
    }

    /// When the static credentials given to [`credentials`](Self::credentials) expire (an STS
    /// session token's expiration). A [`ClientCache`](super::ClientCache) then gives the
    /// client cached under this key a deadline: the expiration minus the cache's safety
    /// margin ([`AnyValueCacheBuilder::expiry_margin`](crate::AnyValueCacheBuilder::expiry_margin),
    /// 60 s by default), after which it is never served again and the next
    /// `get_or_insert_with` builds a new one.
    ///
    /// Not part of the key's identity: two keys with the same credentials are equal whatever
    /// expiration they were told. Credentials from an `SdkConfig`'s provider need none: the
    /// provider refreshes them inside the client, which stays valid.
    ///
    /// # Errors (from [`build`](Self::build))
    ///
    /// [`Error::InvalidKey`] for `credentials_expiry` when the key has no static credentials,
    /// or when the expiration has passed (get fresh credentials: a client built from these
    /// would fail every call).
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCacheKey;
    /// use std::time::{Duration, SystemTime};
    ///
    /// let expires = SystemTime::now() + Duration::from_secs(3600);
    /// let key = ClientCacheKey::builder("s3")
    ///     .credentials("ASIAIOSFODNN7EXAMPLE", "secret", Some("token"))
    ///     .credentials_expiry(expires)
    ///     .build()?;
    /// assert_eq!(key.credentials_expiry(), Some(expires));
    ///
    /// let stale = ClientCacheKey::builder("s3")
    ///     .credentials("ASIAIOSFODNN7EXAMPLE", "secret", Some("token"))
    ///     .credentials_expiry(SystemTime::now() - Duration::from_secs(1))
    ///     .build();
    /// assert!(stale.unwrap_err().to_string().contains("expired"));
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn credentials_expiry(mut self, expiration: SystemTime) -> Self {
        self.credentials_expiry = Some(expiration);
        self
    }

    /// Static credentials from the SDK's [`Credentials`](aws_credential_types::Credentials):
    /// [`credentials`](Self::credentials) with its id, secret and token, and
    /// [`credentials_expiry`](Self::credentials_expiry) with its expiry, if it has one (as
    /// temporary credentials from STS do).
    ///
    /// # Examples
    ///
    /// ```
    /// use aws_credential_types::Credentials;
    /// use clientcache::aws::ClientCacheKey;
    /// use std::time::{Duration, SystemTime};
    ///
    /// let expires = SystemTime::now() + Duration::from_secs(900);
    /// let assumed = Credentials::new("ASIAIOSFODNN7EXAMPLE", "secret", Some("token".into()), Some(expires), "sts");
    /// let key = ClientCacheKey::builder("s3").credentials_from(&assumed).build()?;
    /// assert_eq!(key.credentials_expiry(), Some(expires));
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    #[cfg(feature = "aws-config")]
    #[cfg_attr(docsrs, doc(cfg(feature = "aws-config")))]
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn credentials_from(self, credentials: &aws_credential_types::Credentials) -> Self {
        let built = self.credentials(
            credentials.access_key_id(),
            credentials.secret_access_key(),
            credentials.session_token(),
        );
        match credentials.expiry() {
            Some(expiry) => built.credentials_expiry(expiry),
            None => ClientCacheKeyBuilder {
                credentials_expiry: None,
                ..built
            },
        }
    }

    /// Clears the credentials: the key then means "the default credentials chain".
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCacheKey;
    ///
    /// let key = ClientCacheKey::builder("s3")
    ///     .credentials("AKIAIOSFODNN7EXAMPLE", "secret", None)
    ///     .clear_credentials()
    ///     .build()?;
    /// assert!(!key.has_credentials());
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn clear_credentials(mut self) -> Self {
        self.credentials = None;
        self.credentials_expiry = None;
        note(&mut self.errors, "credentials", Ok(()));
        self
    }

    /// A credentials provider's identity (from an `SdkConfig`).
    #[cfg(feature = "aws-config")]
    pub(crate) fn credentials_provider(
        mut self,
        partition: Option<aws_smithy_runtime_api::client::identity::IdentityCachePartition>,
    ) -> Self {
        self.credentials = partition.map(CredentialsId::Provider);
        self.credentials_expiry = None;
        note(&mut self.errors, "credentials", Ok(()));
        self
    }

    /// A token provider's identity (from an `SdkConfig`).
    #[cfg(feature = "aws-config")]
    pub(crate) fn token_provider(
        mut self,
        partition: Option<aws_smithy_runtime_api::client::identity::IdentityCachePartition>,
    ) -> Self {
        self.token_provider = partition;
        self
    }

    /// The behavior version without validation (an `SdkConfig`'s, named by the SDK).
    #[cfg(feature = "aws-config")]
    pub(crate) fn behavior_version_unchecked(mut self, version: Option<String>) -> Self {
        self.behavior_version = version.map(String::into_boxed_str);
        note(&mut self.errors, "behavior_version", Ok(()));
        self
    }

    /// The retry config, compared with the SDK's `PartialEq`.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCacheKey;
    /// use aws_smithy_types::retry::RetryConfig;
    ///
    /// let three = ClientCacheKey::builder("s3").retry_config(RetryConfig::standard()).build()?;
    /// let five = ClientCacheKey::builder("s3")
    ///     .retry_config(RetryConfig::standard().with_max_attempts(5))
    ///     .build()?;
    /// assert_ne!(three, five);
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn retry_config(self, config: RetryConfig) -> Self {
        self.set_retry_config(Some(config))
    }

    /// Sets or clears the retry config.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCacheKey;
    ///
    /// let key = ClientCacheKey::builder("s3").set_retry_config(None).build()?;
    /// assert_eq!(key, ClientCacheKey::builder("s3").build()?);
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn set_retry_config(mut self, config: Option<RetryConfig>) -> Self {
        self.retry_config = config;
        self
    }

    /// The timeout config, compared with the SDK's `PartialEq`: an unset timeout differs from
    /// a disabled one.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCacheKey;
    /// use aws_smithy_types::timeout::TimeoutConfig;
    ///
    /// let unset = ClientCacheKey::builder("s3").timeout_config(TimeoutConfig::builder().build()).build()?;
    /// let disabled = ClientCacheKey::builder("s3").timeout_config(TimeoutConfig::disabled()).build()?;
    /// assert_ne!(unset, disabled);
    /// assert_eq!(
    ///     disabled.to_string(),
    ///     "s3(timeout_config(connect=disabled, read=disabled, operation=disabled, \
    ///      operation_attempt=disabled))"
    /// );
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn timeout_config(self, config: TimeoutConfig) -> Self {
        self.set_timeout_config(Some(config))
    }

    /// Sets or clears the timeout config.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCacheKey;
    ///
    /// let key = ClientCacheKey::builder("s3").set_timeout_config(None).build()?;
    /// assert_eq!(key, ClientCacheKey::builder("s3").build()?);
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn set_timeout_config(mut self, config: Option<TimeoutConfig>) -> Self {
        self.timeout_config = config;
        self
    }

    /// Whether to use FIPS endpoints. `false` differs from unset (unset lets the environment
    /// decide).
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCacheKey;
    ///
    /// let off = ClientCacheKey::builder("s3").use_fips(false).build()?;
    /// assert_ne!(off, ClientCacheKey::builder("s3").build()?);
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn use_fips(mut self, use_fips: bool) -> Self {
        self.use_fips = Some(use_fips);
        self
    }

    /// Whether to use dual-stack endpoints; `false` differs from unset.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCacheKey;
    ///
    /// let key = ClientCacheKey::builder("s3").use_dual_stack(true).build()?;
    /// assert_eq!(key.to_string(), "s3(use_dual_stack=true)");
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn use_dual_stack(mut self, use_dual_stack: bool) -> Self {
        self.use_dual_stack = Some(use_dual_stack);
        self
    }

    /// The app name the SDK adds to its user agent, with the SDK's rule for valid names.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCacheKey;
    ///
    /// assert!(ClientCacheKey::builder("s3").app_name("billing").build().is_ok());
    /// assert!(ClientCacheKey::builder("s3").app_name("bill ing").build().is_err());
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn app_name(mut self, app_name: impl Into<String>) -> Self {
        self.app_name = checked(
            &mut self.errors,
            "app_name",
            Some(app_name.into()),
            validate::app_name,
        );
        self
    }

    /// The behavior version, by its date: `2026-01-12` for `BehaviorVersion::v2026_01_12()`.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCacheKey;
    ///
    /// assert!(ClientCacheKey::builder("s3").behavior_version("2026-01-12").build().is_ok());
    /// assert!(ClientCacheKey::builder("s3").behavior_version("latest").build().is_err());
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn behavior_version(mut self, version: impl Into<String>) -> Self {
        self.behavior_version = checked(
            &mut self.errors,
            "behavior_version",
            Some(version.into()),
            validate::behavior_version,
        );
        self
    }

    /// An extra, service-specific parameter, e.g. S3's `force_path_style`. `name` is the
    /// service config setter's snake_case name; it may not be one of the key's own
    /// parameters. Values appear in labels: never pass a secret here.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCacheKey;
    ///
    /// let a = ClientCacheKey::builder("s3").param("force_path_style", true).param("x", 1).build()?;
    /// let b = ClientCacheKey::builder("s3").param("x", 1).param("force_path_style", true).build()?;
    /// assert_eq!(a, b);
    /// assert!(ClientCacheKey::builder("s3").param("region", "x").build().is_err());
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn param(mut self, name: impl Into<String>, value: impl Into<ParamValue>) -> Self {
        let name = name.into();
        note(
            &mut self.errors,
            &format!("param {name}"),
            validate::param_name(&name),
        );
        self.extra.push((name.into_boxed_str(), value.into()));
        self
    }

    /// Builds the key.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] naming the first invalid parameter: an empty or malformed service
    /// name, a region or endpoint URL that cannot be valid, and so on. Credentials are never
    /// echoed.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::{ClientCacheKey, Error};
    ///
    /// let err = ClientCacheKey::builder("s3").region("us_east_1").build().unwrap_err();
    /// assert!(matches!(err, Error::InvalidKey { ref parameter, .. } if parameter == "region"));
    /// ```
    pub fn build(self) -> Result<ClientCacheKey, Error> {
        if let Some((_, e)) = self.errors.into_iter().next() {
            return Err(e);
        }
        if let Some(expiration) = self.credentials_expiry {
            validate::credentials_expiry(expiration, self.credentials.as_ref())?;
        }
        let mut extra = self.extra;
        // Stable: equal names keep call order, so the last one set is last; keep it.
        extra.sort_by(|a, b| a.0.cmp(&b.0));
        let mut unique: Vec<(Box<str>, ParamValue)> = Vec::with_capacity(extra.len());
        for (name, value) in extra {
            match unique.last_mut() {
                Some(last) if last.0 == name => last.1 = value,
                _ => unique.push((name, value)),
            }
        }
        let mut params = Params {
            region: self.region,
            profile: self.profile,
            endpoint_url: self.endpoint_url,
            credentials: self.credentials,
            credentials_expiry: self.credentials_expiry,
            #[cfg(feature = "aws-config")]
            token_provider: self.token_provider,
            retry_config: self.retry_config,
            timeout_config: self.timeout_config,
            use_fips: self.use_fips,
            use_dual_stack: self.use_dual_stack,
            app_name: self.app_name,
            behavior_version: self.behavior_version,
            extra: unique.into_boxed_slice(),
            hash: 0,
        };
        params.hash = params.compute_hash();
        ClientCacheKey::from_parts(self.service, Arc::new(params))
    }
}

impl fmt::Debug for ClientCacheKeyBuilder {
    /// The service and whether an error is pending; credentials show as `***` at most.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCacheKeyBuilder")
            .field("service", &self.service)
            .field("region", &self.region)
            .field(
                "credentials",
                &self.credentials.as_ref().map(|c| c.to_string()),
            )
            .field(
                "errors",
                &self.errors.iter().map(|(_, e)| e).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}
