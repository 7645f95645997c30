//! [`ClientCacheKey`]: the identity of one SDK client configuration.
//!
//! A key is a service name and an `Arc` of the other parameters ([`Params`]), with both hashes
//! computed once when the key is built. Hashing a key writes that one `u64`; comparing two keys
//! compares the hashes, then the service, then (unless both share one `Arc`) the parameters. So
//! a session's per-call key (its cached parameters under another service name) costs an `Arc`
//! clone, and its lookup one probe.

use super::configs::{self, RetryLabel, TimeoutLabel};
use super::error::Error;
use super::fingerprint::CredentialsFingerprint;
use super::param::ParamValue;
use super::resource::ResourceCacheKey;
use super::validate;
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;
use std::borrow::Cow;
use std::fmt;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::Arc;

/// The identity of one SDK client: the parameters that build it.
///
/// Two keys are equal exactly when they describe the same client configuration: the same
/// service, region, profile, endpoint URL, credentials, retry and timeout configs, FIPS and
/// dual-stack flags, app name, behavior version and extra parameters. A parameter that was
/// never set equals one explicitly set to `None` (boto3-client-cache drops `None`s too), and
/// the order of the builder calls does not matter. Nothing is normalised beyond that (see the
/// [module docs](super) for each choice).
///
/// A key holds no secret: credentials are kept as a per-process keyed fingerprint, and both
/// `Display` and `Debug` show them as `***` after the access key id's first 4 characters. So a
/// key can be logged, and the cache's errors, which name keys by their `Debug`, stay safe.
///
/// Cloning is cheap (an `Arc`); hashing writes one precomputed `u64`.
///
/// # Examples
///
/// ```
/// use clientcache::aws::ClientCacheKey;
///
/// let a = ClientCacheKey::builder("s3")
///     .region("us-west-2")
///     .profile("prod")
///     .credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG", None)
///     .build()?;
/// let b = ClientCacheKey::builder("s3")
///     .profile("prod")
///     .credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG", None)
///     .region("us-west-2")
///     .set_endpoint_url(None::<String>)
///     .build()?;
/// assert_eq!(a, b); // order and explicit absence do not matter
/// assert_eq!(a.to_string(), "s3(region=us-west-2, profile=prod, credentials=AKIA***)");
/// assert!(!format!("{a:?}").contains("wJalr"));
/// # Ok::<(), clientcache::aws::Error>(())
/// ```
#[derive(Clone)]
pub struct ClientCacheKey {
    /// Validated ([`validate::service`]).
    service: Cow<'static, str>,
    params: Arc<Params>,
    /// `key_hash(&service, params.hash)`.
    hash: u64,
}

/// What credentials a key identifies.
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) enum CredentialsId {
    /// Static credentials, by fingerprint.
    Static(CredentialsFingerprint),
    /// A credentials provider, by its identity-cache partition: unique per provider, shared by
    /// its clones (`SharedCredentialsProvider`).
    #[cfg(feature = "aws-config")]
    Provider(aws_smithy_runtime_api::client::identity::IdentityCachePartition),
}

impl fmt::Display for CredentialsId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialsId::Static(fingerprint) => fmt::Display::fmt(fingerprint, f),
            #[cfg(feature = "aws-config")]
            CredentialsId::Provider(partition) => {
                write!(f, "provider#{}", partition_number(partition))
            }
        }
    }
}

/// The number inside an `IdentityCachePartition(n)` (it has no accessor; its `Debug` is the
/// derived tuple form).
#[cfg(feature = "aws-config")]
pub(crate) fn partition_number(
    partition: &aws_smithy_runtime_api::client::identity::IdentityCachePartition,
) -> String {
    let debug = format!("{partition:?}");
    debug
        .trim_start_matches("IdentityCachePartition(")
        .trim_end_matches(')')
        .to_string()
}

/// Every parameter but the service. Built only by the key builder, which validated each value,
/// sorted `extra` by name with no duplicates, and computed `hash`.
#[derive(Clone)]
pub(crate) struct Params {
    pub(crate) region: Option<Box<str>>,
    pub(crate) profile: Option<Box<str>>,
    pub(crate) endpoint_url: Option<Box<str>>,
    pub(crate) credentials: Option<CredentialsId>,
    /// When static credentials expire. Not part of the identity: left out of the hash and of
    /// equality.
    pub(crate) credentials_expiry: Option<std::time::SystemTime>,
    /// A token provider's partition (bearer-token services), from an `SdkConfig`.
    #[cfg(feature = "aws-config")]
    pub(crate) token_provider:
        Option<aws_smithy_runtime_api::client::identity::IdentityCachePartition>,
    pub(crate) retry_config: Option<RetryConfig>,
    pub(crate) timeout_config: Option<TimeoutConfig>,
    pub(crate) use_fips: Option<bool>,
    pub(crate) use_dual_stack: Option<bool>,
    pub(crate) app_name: Option<Box<str>>,
    pub(crate) behavior_version: Option<Box<str>>,
    /// Invariant: sorted by name, names unique.
    pub(crate) extra: Box<[(Box<str>, ParamValue)]>,
    /// [`Params::compute_hash`] of the fields above.
    pub(crate) hash: u64,
}

impl Params {
    /// The hash of every field, with a fixed seed: the same parameters hash the same in every
    /// run, except static credentials, whose fingerprint is per process.
    pub(crate) fn compute_hash(&self) -> u64 {
        let mut h = hasher();
        self.region.hash(&mut h);
        self.profile.hash(&mut h);
        self.endpoint_url.hash(&mut h);
        self.credentials.hash(&mut h);
        #[cfg(feature = "aws-config")]
        self.token_provider.hash(&mut h);
        match &self.retry_config {
            None => h.write_u8(0),
            Some(config) => {
                h.write_u8(1);
                configs::hash_retry(config, &mut h);
            }
        }
        match &self.timeout_config {
            None => h.write_u8(0),
            Some(config) => {
                h.write_u8(1);
                configs::hash_timeouts(config, &mut h);
            }
        }
        self.use_fips.hash(&mut h);
        self.use_dual_stack.hash(&mut h);
        self.app_name.hash(&mut h);
        self.behavior_version.hash(&mut h);
        self.extra.hash(&mut h);
        h.finish()
    }
}

impl PartialEq for Params {
    fn eq(&self, other: &Self) -> bool {
        #[cfg(feature = "aws-config")]
        let tokens = self.token_provider == other.token_provider;
        #[cfg(not(feature = "aws-config"))]
        let tokens = true;
        self.hash == other.hash
            && self.region == other.region
            && self.profile == other.profile
            && self.endpoint_url == other.endpoint_url
            && self.credentials == other.credentials
            && tokens
            // The SDK's own `PartialEq`: exact, unset and disabled timeouts apart.
            && self.retry_config == other.retry_config
            && self.timeout_config == other.timeout_config
            && self.use_fips == other.use_fips
            && self.use_dual_stack == other.use_dual_stack
            && self.app_name == other.app_name
            && self.behavior_version == other.behavior_version
            && self.extra == other.extra
    }
}

/// The fixed-seed hasher for precomputed key hashes.
fn hasher() -> impl Hasher {
    foldhash::fast::FixedState::with_seed(crate::DefaultHashBuilder::SEED).build_hasher()
}

/// A client key's hash: domain tag 0 (resource keys use 1), the service, the parameters.
fn key_hash(service: &str, params_hash: u64) -> u64 {
    let mut h = hasher();
    h.write_u8(0);
    service.hash(&mut h);
    h.write_u64(params_hash);
    h.finish()
}

/// A resource key's hash: domain tag 1, the client key's hash, the resource's type and id.
pub(crate) fn resource_hash(client_hash: u64, resource_type: &str, resource_id: &str) -> u64 {
    let mut h = hasher();
    h.write_u8(1);
    h.write_u64(client_hash);
    resource_type.hash(&mut h);
    resource_id.hash(&mut h);
    h.finish()
}

impl ClientCacheKey {
    /// A key for `service` (validated) with `params` (built by the builder).
    pub(crate) fn from_parts(
        service: Cow<'static, str>,
        params: Arc<Params>,
    ) -> Result<Self, Error> {
        validate::service(&service)?;
        let hash = key_hash(&service, params.hash);
        Ok(ClientCacheKey {
            service,
            params,
            hash,
        })
    }

    /// The same parameters for another service: an `Arc` clone, no parameter copied.
    #[cfg(feature = "aws-config")]
    pub(crate) fn for_service(&self, service: &'static str) -> Result<Self, Error> {
        Self::from_parts(Cow::Borrowed(service), Arc::clone(&self.params))
    }

    /// The parameters (for the builder and resource keys).
    pub(crate) fn params(&self) -> &Arc<Params> {
        &self.params
    }

    /// The precomputed hash.
    pub(crate) fn precomputed_hash(&self) -> u64 {
        self.hash
    }

    /// The service name.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCacheKey;
    ///
    /// let key = ClientCacheKey::builder("dynamodb").build()?;
    /// assert_eq!(key.service(), "dynamodb");
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    #[must_use]
    pub fn service(&self) -> &str {
        &self.service
    }

    /// The region, if set.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCacheKey;
    ///
    /// let key = ClientCacheKey::builder("s3").region("eu-west-1").build()?;
    /// assert_eq!(key.region(), Some("eu-west-1"));
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    #[must_use]
    pub fn region(&self) -> Option<&str> {
        self.params.region.as_deref()
    }

    /// The endpoint URL, if set.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCacheKey;
    ///
    /// let key = ClientCacheKey::builder("s3").endpoint_url("http://127.0.0.1:9000").build()?;
    /// assert_eq!(key.endpoint_url(), Some("http://127.0.0.1:9000"));
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    #[must_use]
    pub fn endpoint_url(&self) -> Option<&str> {
        self.params.endpoint_url.as_deref()
    }

    /// When the key's static credentials expire, if it was told
    /// ([`ClientCacheKeyBuilder::credentials_expiry`](super::ClientCacheKeyBuilder::credentials_expiry)).
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCacheKey;
    ///
    /// let key = ClientCacheKey::builder("s3").credentials("AKIDEXAMPLE", "secret", None).build()?;
    /// assert_eq!(key.credentials_expiry(), None);
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    #[must_use]
    pub fn credentials_expiry(&self) -> Option<std::time::SystemTime> {
        self.params.credentials_expiry
    }

    /// Whether the key identifies credentials (static ones, or an `SdkConfig`'s provider).
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCacheKey;
    ///
    /// let key = ClientCacheKey::builder("s3").credentials("AKIDEXAMPLE", "secret", None).build()?;
    /// assert!(key.has_credentials());
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    #[must_use]
    pub fn has_credentials(&self) -> bool {
        self.params.credentials.is_some()
    }

    /// The extra parameter `name`, if set.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::{ClientCacheKey, ParamValue};
    ///
    /// let key = ClientCacheKey::builder("s3").param("force_path_style", true).build()?;
    /// assert_eq!(key.param("force_path_style"), Some(&ParamValue::Bool(true)));
    /// assert_eq!(key.param("accelerate"), None);
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    #[must_use]
    pub fn param(&self, name: &str) -> Option<&ParamValue> {
        let extra = &self.params.extra;
        extra
            .binary_search_by(|(n, _)| (**n).cmp(name))
            .ok()
            .map(|at| &extra[at].1)
    }

    /// A key for a resource built on this key's client: a bucket, a table, a paginator
    /// factory. Shorthand for [`ResourceCacheKey::new`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] when the type or id is empty or has control characters.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCacheKey;
    ///
    /// let client = ClientCacheKey::builder("s3").region("us-east-1").build()?;
    /// let bucket = client.resource("bucket", "invoices")?;
    /// assert_eq!(bucket.to_string(), "s3(region=us-east-1)/bucket=invoices");
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    pub fn resource(
        &self,
        resource_type: impl Into<String>,
        resource_id: impl Into<String>,
    ) -> Result<ResourceCacheKey, Error> {
        ResourceCacheKey::new(self.clone(), resource_type, resource_id)
    }
}

impl PartialEq for ClientCacheKey {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash
            && self.service == other.service
            && (Arc::ptr_eq(&self.params, &other.params) || self.params == other.params)
    }
}

impl Eq for ClientCacheKey {}

impl Hash for ClientCacheKey {
    /// Writes the precomputed hash: a function of exactly what `eq` compares, so equal keys
    /// hash equally.
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

impl PartialEq<ResourceCacheKey> for ClientCacheKey {
    /// Never: a client's identity is not a resource's.
    fn eq(&self, _other: &ResourceCacheKey) -> bool {
        false
    }
}

impl fmt::Display for ClientCacheKey {
    /// The stable label: `s3(region=us-west-2, profile=prod, credentials=AKIA***)`. Lists the
    /// parameters that are set, in a fixed order, extras last by name; secrets as `***`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = &*self.params;
        write!(f, "{}(", self.service)?;
        let mut list = Fields { f, first: true };
        list.field("region", p.region.as_deref())?;
        list.field("profile", p.profile.as_deref())?;
        list.field("endpoint_url", p.endpoint_url.as_deref())?;
        list.field("credentials", p.credentials.as_ref())?;
        #[cfg(feature = "aws-config")]
        list.field(
            "token_provider",
            p.token_provider
                .as_ref()
                .map(|t| format!("provider#{}", partition_number(t))),
        )?;
        list.item(p.retry_config.as_ref().map(RetryLabel))?;
        list.item(p.timeout_config.as_ref().map(TimeoutLabel))?;
        list.field("use_fips", p.use_fips)?;
        list.field("use_dual_stack", p.use_dual_stack)?;
        list.field("app_name", p.app_name.as_deref())?;
        list.field("behavior_version", p.behavior_version.as_deref())?;
        for (name, value) in &p.extra {
            list.field(name, Some(value))?;
        }
        f.write_str(")")
    }
}

impl fmt::Debug for ClientCacheKey {
    /// `ClientCacheKey(<label>)`, the label cut to [`LABEL_LIMIT`](crate::LABEL_LIMIT) bytes: as
    /// redacted as the label.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ClientCacheKey({})", crate::label::display_label(self))
    }
}

/// Writes `name=value` items separated by `, `.
struct Fields<'a, 'b> {
    f: &'a mut fmt::Formatter<'b>,
    first: bool,
}

impl Fields<'_, '_> {
    fn field(&mut self, name: &str, value: Option<impl fmt::Display>) -> fmt::Result {
        match value {
            Some(value) => {
                self.separator()?;
                write!(self.f, "{name}={value}")
            }
            None => Ok(()),
        }
    }

    fn item(&mut self, value: Option<impl fmt::Display>) -> fmt::Result {
        match value {
            Some(value) => {
                self.separator()?;
                write!(self.f, "{value}")
            }
            None => Ok(()),
        }
    }

    fn separator(&mut self) -> fmt::Result {
        if !self.first {
            self.f.write_str(", ")?;
        }
        self.first = false;
        Ok(())
    }
}
