//! [`Session`]: clients of any AWS service built from one `SdkConfig` on first use and cached
//! (feature `aws-config`).
//!
//! `clientcache` depends on no service crate. A client type becomes usable with
//! [`Session::client`] through the [`SdkClient`] trait, which [`sdk_clients!`](crate::sdk_clients)
//! implements in one line for any `aws-sdk-*` crate (they all have `Client::from_conf`,
//! `config::Builder` and `config::Builder: From<&SdkConfig>`). The trait takes a marker type
//! parameter that the macro declares in the caller's crate: that is what lets the caller
//! implement a `clientcache` trait for `aws_sdk_s3::Client`, two foreign items, within Rust's
//! orphan rules (RFC 2451: a local type as a trait parameter makes the impl local).

use super::ClientCache;
use super::error::Error;
use super::key::ClientCacheKey;
use super::param::ParamValue;
use crate::policy_kind::PolicyKind;
use crate::stats::CacheStats;
use aws_smithy_runtime_api::client::http::HttpClient;
use std::any::Any;
use std::fmt;
use std::marker::PhantomData;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Mutex, PoisonError};

pub use aws_types::SdkConfig;

/// An SDK client type a [`Session`] can build: implemented by [`sdk_clients!`](crate::sdk_clients)
/// for `aws_sdk_*::Client`, with `M` the marker type the macro declares.
///
/// # Examples
///
/// Implementing it by hand, for a client that is not from an `aws-sdk-*` crate:
///
/// ```
/// use clientcache::aws::{SdkClient, SdkConfig, Session};
///
/// #[derive(Clone)]
/// struct EchoClient(Option<String>);
/// struct Mine;
///
/// impl SdkClient<Mine> for EchoClient {
///     const SERVICE: &'static str = "echo";
///     type ConfigBuilder = Option<String>;
///     fn config_builder(config: &SdkConfig) -> Option<String> {
///         config.region().map(|r| r.to_string())
///     }
///     fn from_config_builder(builder: Option<String>) -> Self {
///         EchoClient(builder)
///     }
/// }
///
/// let config = SdkConfig::builder().region(aws_types::region::Region::new("us-east-1")).build();
/// let session = Session::<Mine>::new(config)?;
/// assert_eq!(session.client::<EchoClient>()?.0.as_deref(), Some("us-east-1"));
/// # Ok::<(), clientcache::aws::Error>(())
/// ```
pub trait SdkClient<M>: Any + Clone + Send + Sync {
    /// The service name, as the SDK crate names it (`s3` for aws-sdk-s3).
    const SERVICE: &'static str;
    /// The service's config builder (`aws_sdk_s3::config::Builder`).
    type ConfigBuilder;
    /// The config builder for `config` (`aws_sdk_s3::config::Builder::from(config)`).
    fn config_builder(config: &SdkConfig) -> Self::ConfigBuilder;
    /// Builds the client (`aws_sdk_s3::Client::from_conf(builder.build())`).
    fn from_config_builder(builder: Self::ConfigBuilder) -> Self;
}

/// Implements [`SdkClient`] for the `Client` of each named `aws-sdk-*` crate, under a marker
/// type it declares; use the marker as the [`Session`]'s type parameter.
///
/// `clientcache::sdk_clients!(pub Aws { aws_sdk_s3 = "s3", aws_sdk_sqs = "sqs" });` declares
/// `pub struct Aws;` and makes `Session<Aws>::client::<aws_sdk_s3::Client>()` work. Each crate
/// is named by its identifier (a dependency of the calling crate) with its service name.
///
/// # Examples
///
/// The macro only needs the crate to have `Client::from_conf` and `config::Builder`; a
/// stand-in module shows the shape:
///
/// ```
/// mod aws_sdk_echo {
///     #[derive(Clone)]
///     pub struct Client(pub config::Config);
///     impl Client {
///         pub fn from_conf(conf: config::Config) -> Self { Client(conf) }
///     }
///     pub mod config {
///         #[derive(Clone)]
///         pub struct Config(pub bool);
///         pub struct Builder(bool);
///         impl From<&aws_types::SdkConfig> for Builder {
///             fn from(_: &aws_types::SdkConfig) -> Self { Builder(false) }
///         }
///         impl Builder {
///             pub fn force_path_style(self, on: bool) -> Self { Builder(on) }
///             pub fn build(self) -> Config { Config(self.0) }
///         }
///     }
/// }
///
/// clientcache::sdk_clients!(Aws { aws_sdk_echo = "echo" });
///
/// let session = clientcache::aws::Session::<Aws>::new(aws_types::SdkConfig::builder().build())?;
/// let client = session.client::<aws_sdk_echo::Client>()?;
/// assert!(!client.0.0);
/// # Ok::<(), clientcache::aws::Error>(())
/// ```
#[macro_export]
macro_rules! sdk_clients {
    ($(#[$meta:meta])* $vis:vis $marker:ident { $($krate:ident = $service:literal),+ $(,)? }) => {
        $(#[$meta])*
        /// The marker under which `clientcache::sdk_clients!` implemented `SdkClient`.
        #[derive(Clone, Copy, Debug, Default)]
        $vis struct $marker;
        $(
            impl $crate::aws::SdkClient<$marker> for $krate::Client {
                const SERVICE: &'static str = $service;
                type ConfigBuilder = $krate::config::Builder;
                fn config_builder(config: &$crate::aws::SdkConfig) -> Self::ConfigBuilder {
                    $krate::config::Builder::from(config)
                }
                fn from_config_builder(builder: Self::ConfigBuilder) -> Self {
                    $krate::Client::from_conf(builder.build())
                }
            }
        )+
    };
}

/// Per-call options of [`Session::client_with`]: the eviction policy and bound of the cache
/// the client goes to, and the extra key parameters that name the call's config changes.
///
/// # Examples
///
/// ```
/// use clientcache::{aws::ClientOptions, PolicyKind};
///
/// let options = ClientOptions::new()
///     .policy(PolicyKind::Lfu)
///     .max_size(20)
///     .param("force_path_style", true);
/// assert!(ClientOptions::new().policy_name("MRU").is_err());
/// # let _ = options;
/// ```
#[derive(Clone, Debug, Default)]
pub struct ClientOptions {
    policy: Option<PolicyKind>,
    max_size: Option<usize>,
    params: Vec<(String, ParamValue)>,
}

impl ClientOptions {
    /// No options: the session's default cache, no extra parameters.
    ///
    /// # Examples
    ///
    /// ```
    /// let options = clientcache::aws::ClientOptions::new();
    /// # let _ = options;
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Cache the client in the session's cache for `kind` (created on first use).
    ///
    /// # Examples
    ///
    /// ```
    /// let options = clientcache::aws::ClientOptions::new().policy(clientcache::PolicyKind::Lru);
    /// # let _ = options;
    /// ```
    #[must_use]
    pub fn policy(mut self, kind: PolicyKind) -> Self {
        self.policy = Some(kind);
        self
    }

    /// [`policy`](Self::policy) by name (`"LRU"`, `"LFU"`, `"TinyLFU"`, case-insensitive).
    ///
    /// # Errors
    ///
    /// [`Error::Cache`] with [`crate::Error::UnknownPolicy`] listing the available names.
    ///
    /// # Examples
    ///
    /// ```
    /// let options = clientcache::aws::ClientOptions::new().policy_name("lfu")?;
    /// # let _ = options;
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    pub fn policy_name(self, name: &str) -> Result<Self, Error> {
        Ok(self.policy(name.parse()?))
    }

    /// Bound that cache to `max_size` clients: it is resized (evicting at once in policy order
    /// if it shrinks) when its bound differs. Checked when the call runs.
    ///
    /// # Examples
    ///
    /// ```
    /// let options = clientcache::aws::ClientOptions::new().max_size(5);
    /// # let _ = options;
    /// ```
    #[must_use]
    pub fn max_size(mut self, max_size: usize) -> Self {
        self.max_size = Some(max_size);
        self
    }

    /// An extra key parameter naming a change the call's `configure` closure makes, e.g.
    /// `("force_path_style", true)`. The key sees only these, not the closure: give one
    /// parameter per setting the closure changes, or two different closures share a client.
    ///
    /// # Examples
    ///
    /// ```
    /// let options = clientcache::aws::ClientOptions::new().param("force_path_style", true);
    /// # let _ = options;
    /// ```
    #[must_use]
    pub fn param(mut self, name: impl Into<String>, value: impl Into<ParamValue>) -> Self {
        self.params.push((name.into(), value.into()));
        self
    }
}

/// A caching session: clients of any service built from one `SdkConfig` on first use, cached
/// by [`ClientCacheKey`], returned as cheap clones afterwards.
///
/// The session's key parameters are read once, when it is built
/// ([`ClientCacheKey::from_sdk_config`]); a hit ([`client`](Self::client)) derives the
/// service's key from them (an `Arc` clone and a hash of the service name), looks it up and
/// clones the client. A miss builds the client with no lock held; concurrent misses build it
/// once. A client whose `from_conf` panics (an invalid configuration) is reported as
/// [`Error::ClientBuild`], never a panic, and nothing is cached.
///
/// That conversion catches the unwinding panic, so it needs `panic = "unwind"`, Rust's default.
/// A program built with `panic = "abort"` cannot catch it: the same invalid configuration then
/// aborts the process when the first client is built. Such programs should make sure the
/// `SdkConfig` is complete (a behavior version set, through `aws_config::defaults` or the
/// service crate's `behavior-version-latest` feature) before building a session.
///
/// # Examples
///
/// ```
/// use clientcache::aws::{SdkClient, SdkConfig, Session};
///
/// # #[derive(Clone)] struct Sqs; struct Mine;
/// # impl SdkClient<Mine> for Sqs {
/// #     const SERVICE: &'static str = "sqs";
/// #     type ConfigBuilder = ();
/// #     fn config_builder(_: &SdkConfig) {}
/// #     fn from_config_builder(_: ()) -> Self { Sqs }
/// # }
/// let session = Session::<Mine>::builder(SdkConfig::builder().build())
///     .max_size(20)
///     .policy_name("TinyLFU")?
///     .build()?;
/// let _first = session.client::<Sqs>()?; // built
/// let _again = session.client::<Sqs>()?; // cached
/// assert_eq!((session.stats().misses, session.stats().hits), (1, 1));
/// # Ok::<(), clientcache::aws::Error>(())
/// ```
pub struct Session<M> {
    /// The config every client is built from (with the shared HTTP client, if one was set).
    config: SdkConfig,
    /// The config's key parameters, under a placeholder service name.
    base: ClientCacheKey,
    /// The session's cache (its default policy).
    cache: ClientCache,
    /// Caches for other policies, created by per-call options.
    others: Mutex<Vec<(PolicyKind, ClientCache)>>,
    /// The time-to-idle those caches get ([`SessionBuilder::time_to_idle`]).
    time_to_idle: Option<std::time::Duration>,
    _marker: PhantomData<fn() -> M>,
}

/// Builds a [`Session`]; start with [`Session::builder`].
#[must_use = "a builder does nothing until `build` is called"]
pub struct SessionBuilder<M> {
    config: SdkConfig,
    max_size: usize,
    shards: usize,
    time_to_idle: Option<std::time::Duration>,
    policy: PolicyKind,
    cache: Option<ClientCache>,
    /// Set by [`http_client`](Self::http_client): a process-unique number naming that HTTP
    /// client in the session's keys.
    http_client: Option<u64>,
    _marker: PhantomData<fn() -> M>,
}

impl<M> Clone for SessionBuilder<M> {
    fn clone(&self) -> Self {
        SessionBuilder {
            config: self.config.clone(),
            max_size: self.max_size,
            shards: self.shards,
            time_to_idle: self.time_to_idle,
            policy: self.policy,
            cache: self.cache.clone(),
            http_client: self.http_client,
            _marker: PhantomData,
        }
    }
}

/// Numbers the HTTP clients given to [`SessionBuilder::http_client`].
static NEXT_HTTP_CLIENT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl<M> SessionBuilder<M> {
    /// The bound of the session's cache (default 10, as boto3-client-cache). Ignored with
    /// [`cache`](Self::cache).
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::{SdkConfig, Session};
    ///
    /// let session = Session::<()>::builder(SdkConfig::builder().build()).max_size(3).build()?;
    /// assert_eq!(session.cache().max_size(), 3);
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn max_size(mut self, max_size: usize) -> Self {
        self.max_size = max_size;
        self
    }

    /// Splits the session's cache into `shards` shards (default 1), so that threads asking
    /// for clients of different keys do not queue on one lock; see
    /// [`CacheBuilder::shards`](crate::CacheBuilder::shards) for the trade-off. Caches that
    /// per-call options create for other policies get as many. Ignored with
    /// [`cache`](Self::cache).
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::{SdkConfig, Session};
    ///
    /// let session =
    ///     Session::<()>::builder(SdkConfig::builder().build()).max_size(32).shards(4).build()?;
    /// assert_eq!(session.cache().shard_count(), 4);
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn shards(mut self, shards: usize) -> Self {
        self.shards = shards;
        self
    }

    /// Releases clients not used for `tti`: their entries expire, and dropping a client closes
    /// its connection pool (default: never). The expired entries go when the session's cache
    /// is next used, or at [`ClientCache::purge_expired`], which an idle service calls
    /// periodically (see [`Cache::purge_expired`](crate::Cache::purge_expired)). Ignored with
    /// [`cache`](Self::cache), which brings its own settings.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::{SdkConfig, Session};
    /// use std::time::Duration;
    ///
    /// let session = Session::<()>::builder(SdkConfig::builder().build())
    ///     .time_to_idle(Duration::from_secs(900))
    ///     .build()?;
    /// assert_eq!(session.cache().purge_expired(), 0);
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn time_to_idle(mut self, tti: std::time::Duration) -> Self {
        self.time_to_idle = Some(tti);
        self
    }

    /// The eviction policy of the session's cache (default LRU). Ignored with
    /// [`cache`](Self::cache).
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::{aws::{SdkConfig, Session}, PolicyKind};
    ///
    /// let session = Session::<()>::builder(SdkConfig::builder().build()).policy(PolicyKind::Lfu).build()?;
    /// assert_eq!(session.cache().policy_name(), "LFU");
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn policy(mut self, kind: PolicyKind) -> Self {
        self.policy = kind;
        self
    }

    /// [`policy`](Self::policy) by name.
    ///
    /// # Errors
    ///
    /// [`Error::Cache`] with [`crate::Error::UnknownPolicy`] listing the available names.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::{SdkConfig, Session};
    ///
    /// assert!(Session::<()>::builder(SdkConfig::builder().build()).policy_name("FIFO").is_err());
    /// ```
    pub fn policy_name(self, name: &str) -> Result<Self, Error> {
        Ok(self.policy(name.parse()?))
    }

    /// Cache clients in `cache` instead of a cache of the session's own: several sessions (one
    /// per region or tenant role) then share one bound. Keys keep their clients apart.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::{ClientCache, SdkConfig, Session};
    ///
    /// let shared = ClientCache::new(50)?;
    /// let a = Session::<()>::builder(SdkConfig::builder().build()).cache(shared.clone()).build()?;
    /// assert_eq!(a.cache().max_size(), 50);
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn cache(mut self, cache: ClientCache) -> Self {
        self.cache = Some(cache);
        self
    }

    /// Build every client of this session on `http_client`, so they share one connection
    /// pool (and its TLS sessions) instead of each opening its own.
    ///
    /// Right when the clients talk to the same few endpoints (one region, one S3-compatible
    /// store) or when the total number of open connections must stay bounded. Not right when
    /// clients need different connector settings (proxies, TLS roots, per-client timeouts
    /// that belong to the connector), or when tenants must not share connections. When the
    /// `SdkConfig` already has an HTTP client (as `aws_config::load_from_env()` gives one), its
    /// clients share that one already; this replaces it.
    ///
    /// The session's keys then carry `http_client=#N`, a number unique to this call in the
    /// process, so that sessions sharing one [`cache`](Self::cache) with different HTTP clients
    /// never hand out each other's clients.
    ///
    /// # Examples
    ///
    /// ```
    /// use aws_smithy_runtime_api::client::http::{
    ///     HttpConnector, HttpConnectorFuture, SharedHttpConnector, http_client_fn,
    /// };
    /// use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
    /// use aws_smithy_types::body::SdkBody;
    /// use clientcache::aws::{SdkConfig, Session};
    ///
    /// // In an application: `aws_smithy_http_client::Builder::new().build_https()`.
    /// #[derive(Debug)]
    /// struct Offline;
    /// impl HttpConnector for Offline {
    ///     fn call(&self, _: HttpRequest) -> HttpConnectorFuture {
    ///         HttpConnectorFuture::ready(Ok(HttpResponse::new(503.try_into().unwrap(), SdkBody::empty())))
    ///     }
    /// }
    /// let http = http_client_fn(|_, _| SharedHttpConnector::new(Offline));
    /// let session = Session::<()>::builder(SdkConfig::builder().build()).http_client(http).build()?;
    /// assert!(session.config().http_client().is_some());
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn http_client(mut self, http_client: impl HttpClient + 'static) -> Self {
        self.config = self.config.to_builder().http_client(http_client).build();
        self.http_client =
            Some(NEXT_HTTP_CLIENT.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
        self
    }

    /// Builds the session.
    ///
    /// # Errors
    ///
    /// [`Error::Cache`] with [`crate::Error::InvalidMaxSize`] for a bound above [`MAX_SIZE_LIMIT`](crate::MAX_SIZE_LIMIT);
    /// [`Error::InvalidKey`] when the config holds a region or endpoint URL that cannot be
    /// valid.
    ///
    /// # Examples
    ///
    /// ```
    /// use aws_types::region::Region;
    /// use clientcache::aws::{SdkConfig, Session};
    ///
    /// let bad = SdkConfig::builder().region(Region::new("us east 1")).build();
    /// assert!(Session::<()>::builder(bad).build().is_err());
    /// ```
    pub fn build(self) -> Result<Session<M>, Error> {
        // A placeholder service: `client` replaces it with the client's own.
        let mut base = ClientCacheKey::from_sdk_config("session", &self.config)?;
        if let Some(number) = self.http_client {
            // An HTTP client has no identity of its own, and the config keeps its credentials
            // provider: without this, sessions sharing one cache with different HTTP clients
            // (proxies, TLS roots) would hand out each other's clients.
            base = base
                .to_builder()
                .param("http_client", format!("#{number}"))
                .build()?;
        }
        let cache = match self.cache {
            Some(cache) => cache,
            None => {
                let mut builder = ClientCache::builder()
                    .max_size(self.max_size)
                    .shards(self.shards)
                    .policy(self.policy);
                if let Some(tti) = self.time_to_idle {
                    builder = builder.time_to_idle(tti);
                }
                builder.build()?
            }
        };
        Ok(Session {
            config: self.config,
            base,
            cache,
            others: Mutex::new(Vec::new()),
            time_to_idle: self.time_to_idle,
            _marker: PhantomData,
        })
    }
}

impl<M> Session<M> {
    /// A session over `config` with an LRU cache of 10 clients.
    ///
    /// # Errors
    ///
    /// As [`SessionBuilder::build`].
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::{SdkConfig, Session};
    ///
    /// let session = Session::<()>::new(SdkConfig::builder().build())?;
    /// assert_eq!(session.cache().max_size(), 10);
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    pub fn new(config: SdkConfig) -> Result<Self, Error> {
        Self::builder(config).build()
    }

    /// A builder over `config`.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::{SdkConfig, Session};
    ///
    /// let session = Session::<()>::builder(SdkConfig::builder().build()).max_size(2).build()?;
    /// assert_eq!(session.cache().max_size(), 2);
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn builder(config: SdkConfig) -> SessionBuilder<M> {
        SessionBuilder {
            config,
            max_size: crate::DEFAULT_MAX_SIZE,
            shards: 1,
            time_to_idle: None,
            policy: PolicyKind::default(),
            cache: None,
            http_client: None,
            _marker: PhantomData,
        }
    }

    /// The client of type `C`: the cached one, or a new one built from the session's config
    /// and cached.
    ///
    /// # Errors
    ///
    /// [`Error::ClientBuild`] when the SDK refuses the config (its `from_conf` panicked);
    /// [`Error::InvalidKey`] when `C::SERVICE` is not a valid service name;
    /// [`Error::Cache`] with [`crate::Error::TypeMismatch`] when the session's cache holds another type under the key.
    ///
    /// # Examples
    ///
    /// See [`Session`].
    #[inline]
    pub fn client<C: SdkClient<M>>(&self) -> Result<C, Error> {
        let key = self.base.for_service(C::SERVICE)?;
        self.cache
            .try_get_or_insert_with(key, || self.build::<C>(|builder| builder))
    }

    /// The client of type `C` built with `configure` applied to its config builder, in the
    /// cache `options` names. `options`' parameters are the key of the change `configure`
    /// makes (the closure itself cannot be compared): e.g.
    /// `ClientOptions::new().param("force_path_style", true)` with
    /// `|b| b.force_path_style(true)`.
    ///
    /// # Errors
    ///
    /// As [`client`](Self::client), and [`Error::InvalidKey`] for an invalid parameter name,
    /// [`Error::Cache`] with [`crate::Error::InvalidMaxSize`] for a bound above [`MAX_SIZE_LIMIT`](crate::MAX_SIZE_LIMIT).
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::{ClientOptions, SdkClient, SdkConfig, Session};
    ///
    /// #[derive(Clone)]
    /// struct S3 { path_style: bool }
    /// struct Mine;
    /// impl SdkClient<Mine> for S3 {
    ///     const SERVICE: &'static str = "s3";
    ///     type ConfigBuilder = bool;
    ///     fn config_builder(_: &SdkConfig) -> bool { false }
    ///     fn from_config_builder(path_style: bool) -> Self { S3 { path_style } }
    /// }
    ///
    /// let session = Session::<Mine>::new(SdkConfig::builder().build())?;
    /// let options = ClientOptions::new().param("force_path_style", true).policy_name("LFU")?.max_size(4);
    /// let path = session.client_with::<S3>(&options, |_| true)?;
    /// let plain = session.client::<S3>()?;
    /// assert!(path.path_style && !plain.path_style); // two keys, two clients
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    pub fn client_with<C: SdkClient<M>>(
        &self,
        options: &ClientOptions,
        configure: impl FnOnce(C::ConfigBuilder) -> C::ConfigBuilder,
    ) -> Result<C, Error> {
        let key = self.key_with::<C>(options)?;
        let cache = self.cache_for(options)?;
        cache.try_get_or_insert_with(key, || self.build::<C>(configure))
    }

    /// The key `client::<C>()` caches under (with no options).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] when `C::SERVICE` is not a valid service name.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::{SdkClient, SdkConfig, Session};
    /// # #[derive(Clone)] struct Sqs; struct Mine;
    /// # impl SdkClient<Mine> for Sqs {
    /// #     const SERVICE: &'static str = "sqs";
    /// #     type ConfigBuilder = ();
    /// #     fn config_builder(_: &SdkConfig) {}
    /// #     fn from_config_builder(_: ()) -> Self { Sqs }
    /// # }
    ///
    /// let config = SdkConfig::builder().region(aws_types::region::Region::new("eu-north-1")).build();
    /// let session = Session::<Mine>::new(config)?;
    /// assert_eq!(session.key::<Sqs>()?.to_string(), "sqs(region=eu-north-1)");
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    pub fn key<C: SdkClient<M>>(&self) -> Result<ClientCacheKey, Error> {
        self.base.for_service(C::SERVICE)
    }

    /// The key `client_with::<C>(options, ..)` caches under.
    fn key_with<C: SdkClient<M>>(&self, options: &ClientOptions) -> Result<ClientCacheKey, Error> {
        let key = self.base.for_service(C::SERVICE)?;
        if options.params.is_empty() {
            return Ok(key);
        }
        let mut builder = key.to_builder();
        for (name, value) in &options.params {
            builder = builder.param(name.as_str(), value.clone());
        }
        builder.build()
    }

    /// The cache `options` name, created or resized as they say.
    fn cache_for(&self, options: &ClientOptions) -> Result<ClientCache, Error> {
        let cache = match options.policy {
            None => self.cache.clone(),
            Some(kind) if kind.name() == self.cache.policy_name() => self.cache.clone(),
            Some(kind) => {
                let mut others = self.others.lock().unwrap_or_else(PoisonError::into_inner);
                match others.iter().find(|(k, _)| *k == kind) {
                    Some((_, cache)) => cache.clone(),
                    None => {
                        let mut builder = ClientCache::builder()
                            .max_size(options.max_size.unwrap_or(self.cache.max_size()))
                            .shards(self.cache.shard_count())
                            .policy(kind);
                        if let Some(tti) = self.time_to_idle {
                            builder = builder.time_to_idle(tti);
                        }
                        let cache = builder.build()?;
                        others.push((kind, cache.clone()));
                        cache
                    }
                }
            }
        };
        if let Some(max_size) = options.max_size {
            if cache.max_size() != max_size {
                cache.set_max_size(max_size)?;
            }
        }
        Ok(cache)
    }

    /// Builds a `C`, turning a panic in the SDK's `from_conf` into [`Error::ClientBuild`].
    fn build<C: SdkClient<M>>(
        &self,
        configure: impl FnOnce(C::ConfigBuilder) -> C::ConfigBuilder,
    ) -> Result<C, Error> {
        let builder = configure(C::config_builder(&self.config));
        // The builder and client are dropped on a panic; nothing shared is left half-updated.
        catch_unwind(AssertUnwindSafe(|| C::from_config_builder(builder))).map_err(|panic| {
            let reason = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("the SDK panicked");
            Error::ClientBuild {
                service: C::SERVICE.to_string(),
                reason: reason.to_string(),
            }
        })
    }

    /// The session's config (with the shared HTTP client, if one was set).
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::{SdkConfig, Session};
    ///
    /// let session = Session::<()>::new(SdkConfig::builder().build())?;
    /// assert!(session.config().region().is_none());
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    pub fn config(&self) -> &SdkConfig {
        &self.config
    }

    /// The session's cache (its default policy's).
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::{SdkConfig, Session};
    ///
    /// let session = Session::<()>::new(SdkConfig::builder().build())?;
    /// assert!(session.cache().is_empty());
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    pub fn cache(&self) -> &ClientCache {
        &self.cache
    }

    /// The statistics of the session's cache.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::{SdkConfig, Session};
    ///
    /// let session = Session::<()>::new(SdkConfig::builder().build())?;
    /// assert_eq!(session.stats().hits, 0);
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    pub fn stats(&self) -> CacheStats {
        self.cache.stats()
    }
}

impl<M> fmt::Debug for Session<M> {
    /// The key parameters' label and the cache; never the `SdkConfig`, whose credentials
    /// provider's `Debug` shows the whole access key id.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The base key's label without its placeholder service name.
        let label = self.base.to_string();
        let parameters = label.strip_prefix("session").unwrap_or(&label);
        f.debug_struct("Session")
            .field("parameters", &parameters)
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
}

impl<M> fmt::Debug for SessionBuilder<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionBuilder")
            .field("max_size", &self.max_size)
            .field("shards", &self.shards)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}
