//! AWS SDK clients in a bounded cache: the key model, typed caches and (feature `aws-config`)
//! a caching session.
//!
//! # The problem
//!
//! A Rust service on the AWS SDK builds clients per region, per tenant role, per endpoint. An
//! `aws_sdk_s3::Client` costs about 100 µs to build (about 320 µs with `aws_config` loading),
//! about 25 KB idle and 128 KB after its first request, and brings its own connection pool. The
//! service needs exactly one client per distinct configuration, bounded, shared across threads
//! and tasks. That needs an *identity* for a configuration ([`ClientCacheKey`]), a cache that
//! holds clients of every service ([`ClientCache`]), and a way to get a client that builds it
//! only on a miss (`Session`, feature `aws-config`).
//!
//! # Examples
//!
//! ```
//! use clientcache::aws::{ClientCache, ClientCacheKey};
//!
//! #[derive(Clone)]
//! struct S3Client(&'static str); // stands in for aws_sdk_s3::Client
//!
//! let cache = ClientCache::new(10)?;
//! let key = ClientCacheKey::builder("s3")
//!     .region("us-west-2")
//!     .credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG", None)
//!     .build()?;
//! let client: S3Client = cache.get_or_insert_with(key.clone(), || S3Client("us-west-2"))?;
//! assert_eq!(client.0, "us-west-2");
//! assert_eq!(cache.get::<S3Client>(&key)?.map(|c| c.0), Some("us-west-2"));
//! assert!(cache.get::<String>(&key).is_err()); // a typed read names both types
//! assert_eq!(key.to_string(), "s3(region=us-west-2, credentials=AKIA***)");
//! # Ok::<(), clientcache::aws::Error>(())
//! ```
//!
//! # Identity: what makes two keys equal
//!
//! Two keys are equal exactly when every parameter is equal; the choices, each deliberate:
//!
//! - **Unset equals explicitly absent** (`set_region(None)`), as boto3-client-cache drops
//!   `None` parameters. Setting a parameter twice keeps the last value, as any builder does;
//!   the order of the calls never matters.
//! - **No normalisation AWS does not do.** Regions, profiles and endpoint URLs compare as
//!   given: `US-EAST-1` is not `us-east-1` and `https://x/` is not `https://x`, because the SDK
//!   builds different endpoints (or signs different hosts) from them. Service names are not
//!   case-folded either; they must already be the SDK crate's lowercase name.
//! - **Retry and timeout configs compare with the SDK's own `PartialEq`**, which tells an
//!   *unset* timeout (a lower layer may fill it) from a *disabled* one; the hash agrees with it
//!   (see `configs.rs`: the two states are told apart through `take_defaults_from`).
//! - **Credentials compare by a keyed fingerprint** of the id, secret and token (see
//!   `fingerprint.rs` for the construction and why), so a key never holds a secret. Credentials
//!   from an `SdkConfig` compare by their provider's identity-cache partition instead
//!   (`ClientCacheKey::from_sdk_config`, feature `aws-config`).
//! - **Extra parameters** ([`ClientCacheKeyBuilder::param`]) compare by name and
//!   [`ParamValue`]; `true` is not `"true"`.
//! - **A client key never equals a resource key** ([`ResourceCacheKey`]): they are different
//!   types, and their hashes are domain-separated.
//!
//! # Labels
//!
//! `Display` is a stable, human label, `s3(region=us-west-2, profile=prod,
//! credentials=AKIA***)`, listing the parameters that are set in a fixed order. Secrets show
//! as `***`; of the access key id only the first 4 characters (`AKIA`: long-term, `ASIA`:
//! temporary) are shown, and none of an id shorter than AWS's 16 characters. `Debug` wraps the
//! label, so cache errors (which name keys by `Debug`) are as safe to log.

mod builder;
mod configs;
mod error;
mod expiring;
mod fingerprint;
mod key;
mod param;
mod resource;
#[cfg(feature = "aws-config")]
mod sdk_config;
#[cfg(feature = "aws-config")]
mod session;
mod validate;

pub use builder::ClientCacheKeyBuilder;
pub use error::{Error, ParseCause};
pub use key::ClientCacheKey;
pub use param::ParamValue;
pub use resource::ResourceCacheKey;
#[cfg(feature = "aws-config")]
#[cfg_attr(docsrs, doc(cfg(feature = "aws-config")))]
pub use session::{ClientOptions, SdkClient, SdkConfig, Session, SessionBuilder};
/// Clients of every service in one cache, keyed by [`ClientCacheKey`] and read back typed: an
/// [`AnyValueCache`](crate::AnyValueCache) whose entries expire with their keys' credentials.
pub type ClientCache = crate::AnyValueCache<ClientCacheKey>;

/// Resource handles (a bucket, a table) keyed by [`ResourceCacheKey`]: an
/// [`AnyValueCache`](crate::AnyValueCache).
pub type ResourceCache = crate::AnyValueCache<ResourceCacheKey>;

#[cfg(all(test, not(loom)))]
mod key_tests;
#[cfg(all(test, not(loom)))]
mod leak_tests;
#[cfg(all(test, not(loom), feature = "aws-config"))]
mod session_tests;
#[cfg(all(test, not(loom)))]
mod typed_tests;
