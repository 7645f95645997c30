//! A bounded, concurrency-safe, deterministic cache for expensive clients.
//!
//! # The problem
//!
//! Creating an SDK client is expensive: an AWS SDK client costs about 100 µs and 25 KB to
//! build, and owns a connection pool whose TLS handshakes cost far more on first use. A
//! program that talks to many regions, accounts or roles should build each client once and
//! reuse it, but cannot keep every client forever. A cache hit costs tens of nanoseconds.
//!
//! `clientcache` is the Rust port of Python's
//! [boto3-client-cache](https://pypi.org/project/boto3-client-cache/): a dict-like cache with
//! explicit errors ([`Error::AlreadyCached`], [`Error::NotCached`]), LRU or LFU eviction and a
//! default `max_size` of 10 ([`DEFAULT_MAX_SIZE`]), plus what a concurrent program needs:
//! single-flight loading, an eviction listener, statistics, and run-time policy choice.
//!
//! # Examples
//!
//! ```
//! # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
//! use clientcache::{Cache, AnyCache, Error, LruPolicy};
//!
//! #[derive(Clone, Debug)]
//! struct Client {
//!     region: String,
//! }
//!
//! // Policy chosen at compile time.
//! let cache: Cache<String, Client, LruPolicy> = Cache::new(10);
//! let client = cache.get_or_insert_with("eu-west-1".to_string(), || Client {
//!     region: "eu-west-1".to_string(),
//! });
//! assert_eq!(client.region, "eu-west-1");
//!
//! // The dict-like API: explicit errors, never a silent overwrite.
//! assert!(matches!(
//!     cache.insert("eu-west-1".to_string(), client.clone()),
//!     Err(Error::AlreadyCached { .. })
//! ));
//! assert!(matches!(cache.try_get("us-east-1"), Err(Error::NotCached { .. })));
//!
//! // Policy chosen at run time, e.g. from configuration.
//! let dynamic: AnyCache<String, Client> = Cache::builder().max_size(50).policy_name("LFU")?.build()?;
//! assert_eq!(dynamic.policy_name(), "LFU");
//! # }
//! # Ok::<(), clientcache::Error>(())
//! ```
//!
//! # Policies
//!
//! A cache is generic over its [`Policy`] (the contract lives in `clientcache-policy-api`).
//! Cargo features pick what is compiled in: `lru` (`LruPolicy`), `lfu` (`LfuPolicy`) and
//! `tinylfu` (`TinyLfuPolicy`, W-TinyLFU), all on by default ([features](#features)). Name one
//! as `P` to fix it at compile time, or use `AnyCache` (`Cache<K, V, AnyPolicy>`) and choose by
//! `PolicyKind` or by name at run time. With no policy feature only custom policies are
//! available (no `PolicyKind`, `AnyPolicy`, `AnyCache`, `AnyValueCache`).
#![cfg_attr(
    all(feature = "lru", feature = "lfu", feature = "tinylfu"),
    doc = "\nSee [`LruPolicy`], [`LfuPolicy`], [`TinyLfuPolicy`], [`AnyCache`], [`PolicyKind`] \
           and [`AnyValueCache`]."
)]
//!
//! # Features
//!
//! The Cargo features, from the comments in the crate's `Cargo.toml`:
//!
#![doc = document_features::document_features!()]
//!
//! # Concurrency model
//!
//! By default one lock guards everything a cache holds: the hash index, the entries, the
//! policy, the counters and the loads in flight (one `Shard`). So every operation is
//! linearizable, and each eviction is exactly the decision the sequential policy makes for the
//! sequence of operations in lock order.
//!
//! Under contention that one lock is where threads queue. [`CacheBuilder::shards`] splits the
//! cache into independent shards by key hash, each with its own lock, policy and share of
//! `max_size`: operations on keys of different shards run in parallel, each shard stays exact,
//! linearizable and deterministic, and operations on the whole cache lock every shard at once.
//! The policy order is then per shard (see [`CacheBuilder::shards`] for the trade-off).
//!
//! Keys are hashed before any lock is taken; user callbacks never run under a lock:
//!
//! - Reads return an owned `V` (a clone; clients are cheap to clone), never a reference.
//! - The eviction listener ([`CacheBuilder::eviction_listener`]) runs after the lock is
//!   released, so it may call back into the cache; removed entries are dropped outside the
//!   lock too (dropping a client closes its connections).
//! - Loaders ([`Cache::get_or_insert_with`]) run with no lock held. Concurrent misses on one
//!   key run one loader and share its value; loaders of different keys run in parallel.
//! - The only user code under the lock is `K`'s `Eq` and `K`/`V`'s `Clone`, each run before
//!   the state is mutated. So a panic cannot leave the cache half-updated, and a poisoned lock
//!   is recovered rather than propagated: the cache stays usable.
//!
//! # Determinism
//!
//! The policies use no clocks or randomness, and the default hasher ([`DefaultHashBuilder`])
//! has a fixed seed. So the same sequence of operations gives the same state (order,
//! evictions, stats) in every run and every process of the same build. With several threads,
//! the state is that of the order in which they took the lock. When untrusted parties choose
//! the keys, use a randomly seeded hasher ([`CacheBuilder::hasher`]; see
//! [`DefaultHashBuilder`] on hash flooding).
//!
//! # Expiry
//!
//! Entries may also leave when their time is up: a time-to-live from insertion
//! ([`CacheBuilder::time_to_live`]), a time-to-idle from the last read
//! ([`CacheBuilder::time_to_idle`]), and deadlines of their own ([`Cache::insert_with_ttl`], or
//! an [`Expiry`] hook computing one from key and value); the earliest wins. An expired entry is
//! never returned; it is removed when touched, a few at a time by every operation, or by
//! [`Cache::purge_expired`], and the listener sees [`RemovalCause::Expired`]. Time comes from
//! the cache's [`Clock`] ([`MonotonicClock`] by default; a [`ManualClock`] makes expiry as
//! deterministic as the rest: the same operations and clock readings give the same
//! expirations). A cache built without expiry never reads a clock and stores nothing extra
//! per entry. The AWS keys use it so that a client never outlives its temporary credentials.
//!
//! # `max_size` 0
//!
//! A cache with `max_size` 0 caches nothing, and that is not an error: `insert` succeeds and
//! drops the value at once (the listener sees it as [`RemovalCause::Evicted`]), `get` always
//! misses, `get_or_insert_with` returns the loaded value without keeping it. Setting `max_size`
//! to 0 disables a cache without changing the code that uses it.
//!
//! # Implementation
//!
//! Each shard keeps its entries in a slab; the slab index is the [`EntryId`] the policy
//! orders. A `hashbrown::HashTable<u32>` indexes the slab by each entry's stored 64-bit hash. A hit is
//! one probe comparing the stored key, one policy call, one clone and one counter increment;
//! neither hits nor steady-state inserts allocate.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(any(feature = "lru", feature = "lfu", feature = "tinylfu"))]
mod any_value;
#[cfg(feature = "aws")]
#[cfg_attr(docsrs, doc(cfg(feature = "aws")))]
pub mod aws;
mod builder;
mod cache;
mod delivery;
mod error;
#[cfg(any(feature = "lru", feature = "lfu", feature = "tinylfu"))]
mod expiring_key;
mod expiry;
mod flight;
mod hasher;
mod label;
mod listener;
mod loading;
#[cfg(any(feature = "lru", feature = "lfu", feature = "tinylfu"))]
mod policy_kind;
mod shard;
mod sharding;
mod snapshot;
mod stats;
mod sync;
#[cfg(all(test, not(loom)))]
mod testing;
mod update;

#[cfg(any(feature = "lru", feature = "lfu", feature = "tinylfu"))]
#[cfg_attr(
    docsrs,
    doc(cfg(any(feature = "lru", feature = "lfu", feature = "tinylfu")))
)]
pub use any_value::{AnyValueCache, AnyValueCacheBuilder};
pub use builder::CacheBuilder;
pub use cache::Cache;
pub use clientcache_policy_api::{EntryId, InvariantViolation, Policy};
#[cfg(feature = "lfu")]
#[cfg_attr(docsrs, doc(cfg(feature = "lfu")))]
pub use clientcache_policy_lfu::LfuPolicy;
#[cfg(feature = "lru")]
#[cfg_attr(docsrs, doc(cfg(feature = "lru")))]
pub use clientcache_policy_lru::LruPolicy;
#[cfg(feature = "tinylfu")]
#[cfg_attr(docsrs, doc(cfg(feature = "tinylfu")))]
pub use clientcache_policy_tinylfu::TinyLfuPolicy;
pub use error::Error;
#[cfg(any(feature = "lru", feature = "lfu", feature = "tinylfu"))]
#[cfg_attr(
    docsrs,
    doc(cfg(any(feature = "lru", feature = "lfu", feature = "tinylfu")))
)]
pub use expiring_key::{DEFAULT_EXPIRY_MARGIN, ExpiringKey};
pub use expiry::{Clock, Expiry, ManualClock, MonotonicClock};
pub use hasher::DefaultHashBuilder;
pub use label::LABEL_LIMIT;
pub use listener::RemovalCause;
#[cfg(any(feature = "lru", feature = "lfu", feature = "tinylfu"))]
#[cfg_attr(
    docsrs,
    doc(cfg(any(feature = "lru", feature = "lfu", feature = "tinylfu")))
)]
pub use policy_kind::{AnyCache, AnyPolicy, AnyPolicyIter, PolicyKind};
pub use shard::Compute;
pub use sharding::MAX_SHARDS;
pub use stats::CacheStats;

/// The `max_size` of [`Cache::builder`] when none is given: 10, as boto3-client-cache.
pub const DEFAULT_MAX_SIZE: usize = 10;

/// The largest valid `max_size`: one entry per [`EntryId`] (`EntryId::MAX_INDEX + 1`).
pub const MAX_SIZE_LIMIT: usize = EntryId::MAX_INDEX + 1;

/// The workspace README's examples, run as doctests so they cannot drift from the code.
#[cfg(all(doctest, feature = "lru", feature = "lfu"))]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
