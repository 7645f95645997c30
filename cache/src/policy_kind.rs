//! Run-time policy choice: [`PolicyKind`] (a name), [`AnyPolicy`] (a policy that dispatches to
//! the chosen one) and [`AnyCache`] (a cache ordered by one).
//!
//! Compiled when at least one policy feature is on. Every policy is one line of the
//! `compiled_policies!` list below: its variant, its name (spelled only there), its Cargo
//! feature and its type; the macro writes the enums, the conversions, the iterator and the
//! dispatch from it. Adding a policy crate is that line, a dependency and a feature.

use crate::builder::CacheBuilder;
use crate::cache::Cache;
use crate::error::Error;
use crate::hasher::DefaultHashBuilder;
use clientcache_policy_api::{EntryId, InvariantViolation, Policy};
use std::fmt;
use std::str::FromStr;

/// A cache whose policy is chosen at run time ([`CacheBuilder::policy`],
/// [`CacheBuilder::policy_name`]): a `Cache` ordered by an [`AnyPolicy`], which dispatches to
/// the chosen policy through an enum (no `dyn`, no allocation).
///
/// # Examples
///
/// ```
/// use clientcache::{AnyCache, Cache, PolicyKind};
///
/// let cache: AnyCache<&str, u32> = Cache::builder().policy(PolicyKind::Lfu).build()?;
/// cache.insert("a", 1)?;
/// assert_eq!(cache.policy_name(), "LFU");
/// # Ok::<(), clientcache::Error>(())
/// ```
pub type AnyCache<K, V, S = DefaultHashBuilder> = Cache<K, V, AnyPolicy, S>;

/// The list of policies, one line each: `Variant => "Name", "feature", Type, "doc";`. Hands it
/// to `$callback!` after `{ $args }`, so every macro that needs the list reads this one.
macro_rules! with_policies {
    ($callback:ident { $($args:tt)* }) => {
        $callback! { { $($args)* }
            Lru => "LRU", "lru", clientcache_policy_lru::LruPolicy,
                "Least recently used: [`LruPolicy`](crate::LruPolicy) (feature `lru`).";
            Lfu => "LFU", "lfu", clientcache_policy_lfu::LfuPolicy,
                "Least frequently used, LRU among equals: [`LfuPolicy`](crate::LfuPolicy) \
                 (feature `lfu`).";
            TinyLfu => "TinyLFU", "tinylfu", clientcache_policy_tinylfu::TinyLfuPolicy,
                "W-TinyLFU: an LRU window, a frequency-sketch admission filter and a segmented \
                 LRU main region: [`TinyLfuPolicy`](crate::TinyLfuPolicy) (feature `tinylfu`).";
        }
    };
}

/// `dispatch!(policy, p => expr)`: evaluates `expr` with `p` bound to the wrapped policy.
macro_rules! dispatch {
    ($policy:expr, $p:ident => $body:expr) => {
        with_policies!(dispatch_match { $policy, $p, $body })
    };
}

/// The `match` of `dispatch!`, one arm per policy.
macro_rules! dispatch_match {
    ({ $policy:expr, $p:ident, $body:expr }
     $($variant:ident => $name:literal, $feature:literal, $ty:ty, $doc:literal;)+) => {
        match $policy {
            $(#[cfg(feature = $feature)] AnyPolicy::$variant($p) => $body,)+
        }
    };
}

/// Declares [`PolicyKind`], [`AnyPolicy`] and the iterator's variants from the list.
macro_rules! declare_policies {
    ({} $($variant:ident => $name:literal, $feature:literal, $ty:ty, $doc:literal;)+) => {
        /// The name of a compiled-in eviction policy.
        ///
        /// Parses case-insensitively from its name (`"LRU"`, `"lru"`, `"Lfu"`, `"tinylfu"`);
        /// displays as the canonical name. The default is LRU (as boto3-client-cache), or the
        /// first compiled-in policy.
        ///
        /// # Examples
        ///
        /// ```
        /// use clientcache::PolicyKind;
        ///
        /// let kind: PolicyKind = "lfu".parse()?;
        /// assert_eq!(kind, PolicyKind::Lfu);
        /// assert_eq!(kind.to_string(), "LFU");
        /// assert_eq!("TINYLFU".parse::<PolicyKind>()?.to_string(), "TinyLFU");
        /// let err = "fifo".parse::<PolicyKind>().unwrap_err();
        /// assert!(err.to_string().contains("available: LRU, LFU, TinyLFU"));
        /// # Ok::<(), clientcache::Error>(())
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum PolicyKind {
            $(
                #[doc = $doc]
                #[cfg(feature = $feature)]
                #[cfg_attr(docsrs, doc(cfg(feature = $feature)))]
                $variant,
            )+
        }

        /// Every compiled-in policy, the default first.
        const ALL: &[PolicyKind] = &[$(#[cfg(feature = $feature)] PolicyKind::$variant,)+];

        impl PolicyKind {
            /// The canonical name, as [`Policy::name`] returns it.
            ///
            /// # Examples
            ///
            /// ```
            /// use clientcache::PolicyKind;
            ///
            /// assert_eq!(PolicyKind::Lru.name(), "LRU");
            /// ```
            #[must_use]
            pub const fn name(self) -> &'static str {
                match self {
                    $(#[cfg(feature = $feature)] PolicyKind::$variant => $name,)+
                }
            }
        }

        /// A policy chosen at run time: dispatches each [`Policy`] call to the wrapped one.
        ///
        /// # Examples
        ///
        /// ```
        /// use clientcache::{AnyPolicy, Policy, PolicyKind};
        ///
        /// let policy = AnyPolicy::new(PolicyKind::Lfu);
        /// assert_eq!(policy.name(), "LFU");
        /// assert_eq!(policy.kind(), PolicyKind::Lfu);
        /// ```
        #[derive(Clone, Debug)]
        #[non_exhaustive]
        pub enum AnyPolicy {
            $(
                #[doc = concat!("[`", stringify!($ty), "`].")]
                #[cfg(feature = $feature)]
                #[cfg_attr(docsrs, doc(cfg(feature = $feature)))]
                $variant($ty),
            )+
        }

        impl AnyPolicy {
            /// An empty policy of kind `kind`.
            ///
            /// # Examples
            ///
            /// ```
            /// use clientcache::{AnyPolicy, Policy, PolicyKind};
            ///
            /// assert!(AnyPolicy::new(PolicyKind::Lru).is_empty());
            /// ```
            #[must_use]
            pub fn new(kind: PolicyKind) -> Self {
                match kind {
                    $(#[cfg(feature = $feature)] PolicyKind::$variant => AnyPolicy::$variant(<$ty>::default()),)+
                }
            }

            /// Which policy this is.
            ///
            /// # Examples
            ///
            /// ```
            /// use clientcache::{AnyPolicy, PolicyKind};
            ///
            /// assert_eq!(AnyPolicy::default().kind(), PolicyKind::default());
            /// ```
            #[must_use]
            pub fn kind(&self) -> PolicyKind {
                match self {
                    $(#[cfg(feature = $feature)] AnyPolicy::$variant(_) => PolicyKind::$variant,)+
                }
            }
        }

        $(
            #[cfg(feature = $feature)]
            impl From<$ty> for AnyPolicy {
                fn from(policy: $ty) -> Self {
                    AnyPolicy::$variant(policy)
                }
            }
        )+

        impl AnyPolicy {
            /// The wrapped policy's iterator.
            fn iter_of(&self) -> IterOf<'_> {
                match self {
                    $(#[cfg(feature = $feature)] AnyPolicy::$variant(p) => IterOf::$variant(p.iter()),)+
                }
            }
        }

        /// The wrapped policy's iterator.
        enum IterOf<'a> {
            $(#[cfg(feature = $feature)] $variant(<$ty as Policy>::Iter<'a>),)+
        }

        impl Iterator for AnyPolicyIter<'_> {
            type Item = EntryId;

            #[inline]
            fn next(&mut self) -> Option<EntryId> {
                match &mut self.0 {
                    $(#[cfg(feature = $feature)] IterOf::$variant(iter) => iter.next(),)+
                }
            }

            fn size_hint(&self) -> (usize, Option<usize>) {
                match &self.0 {
                    $(#[cfg(feature = $feature)] IterOf::$variant(iter) => iter.size_hint(),)+
                }
            }
        }

    };
}

with_policies!(declare_policies {});

impl PolicyKind {
    /// Every compiled-in policy, the default first.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::PolicyKind;
    ///
    /// let names: Vec<&str> = PolicyKind::all().iter().map(|k| k.name()).collect();
    /// assert_eq!(names, ["LRU", "LFU", "TinyLFU"]);
    /// ```
    #[must_use]
    pub const fn all() -> &'static [PolicyKind] {
        ALL
    }
}

impl Default for PolicyKind {
    /// LRU when compiled in, else the first compiled-in policy.
    fn default() -> Self {
        ALL[0]
    }
}

impl fmt::Display for PolicyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for PolicyKind {
    type Err = Error;

    /// Case-insensitive, ignoring surrounding whitespace; an unknown name, or one whose feature
    /// is off, is [`Error::UnknownPolicy`] listing the available names.
    fn from_str(name: &str) -> Result<Self, Error> {
        let trimmed = name.trim();
        ALL.iter()
            .copied()
            .find(|kind| kind.name().eq_ignore_ascii_case(trimmed))
            .ok_or_else(|| Error::UnknownPolicy {
                name: name.to_string(),
                available: ALL.iter().map(|kind| kind.name()).collect(),
            })
    }
}

impl Default for AnyPolicy {
    /// The default kind's policy ([`PolicyKind::default`]).
    fn default() -> Self {
        AnyPolicy::new(PolicyKind::default())
    }
}

impl From<PolicyKind> for AnyPolicy {
    fn from(kind: PolicyKind) -> Self {
        AnyPolicy::new(kind)
    }
}

/// [`AnyPolicy`]'s iterator: the wrapped policy's, from the next victim on. Opaque: only an
/// `Iterator`.
pub struct AnyPolicyIter<'a>(IterOf<'a>);

impl fmt::Debug for AnyPolicyIter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AnyPolicyIter").finish_non_exhaustive()
    }
}

impl Policy for AnyPolicy {
    type Iter<'a> = AnyPolicyIter<'a>;

    fn name(&self) -> &'static str {
        dispatch!(self, p => p.name())
    }

    fn set_capacity(&mut self, capacity: usize) {
        dispatch!(self, p => p.set_capacity(capacity))
    }

    #[inline]
    fn len(&self) -> usize {
        dispatch!(self, p => p.len())
    }

    #[inline]
    fn on_insert(&mut self, id: EntryId, hash: u64) {
        dispatch!(self, p => p.on_insert(id, hash))
    }

    #[inline]
    fn on_access(&mut self, id: EntryId, hash: u64) {
        dispatch!(self, p => p.on_access(id, hash))
    }

    #[inline]
    fn on_remove(&mut self, id: EntryId) {
        dispatch!(self, p => p.on_remove(id))
    }

    #[inline]
    fn on_miss(&mut self, hash: u64) {
        dispatch!(self, p => p.on_miss(hash))
    }

    #[inline]
    fn victim(&mut self) -> Option<EntryId> {
        dispatch!(self, p => p.victim())
    }

    #[inline]
    fn admit(&self, candidate_hash: u64, victim: EntryId) -> bool {
        dispatch!(self, p => p.admit(candidate_hash, victim))
    }

    #[inline]
    fn evict(&mut self) -> Option<EntryId> {
        dispatch!(self, p => p.evict())
    }

    fn iter(&self) -> AnyPolicyIter<'_> {
        AnyPolicyIter(self.iter_of())
    }

    fn clear(&mut self) {
        dispatch!(self, p => p.clear())
    }

    fn validate(&self) -> Result<(), InvariantViolation> {
        dispatch!(self, p => p.validate())
    }
}

impl<K, V, S> CacheBuilder<K, V, AnyPolicy, S> {
    /// Orders the cache with the policy `kind` (for [`AnyCache`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::{Cache, AnyCache, PolicyKind};
    ///
    /// let cache: AnyCache<u32, u32> = Cache::builder().policy(PolicyKind::Lru).build()?;
    /// assert_eq!(cache.policy_name(), "LRU");
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    #[must_use = "builder methods return the builder: chain them, then call build"]
    pub fn policy(mut self, kind: PolicyKind) -> Self {
        self.policy_value = AnyPolicy::new(kind);
        self
    }

    /// Orders the cache with the policy named `name`, case-insensitively (for [`AnyCache`]).
    ///
    /// # Errors
    ///
    /// [`Error::UnknownPolicy`], listing the available names, when `name` is unknown or its
    /// feature is off.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::{Cache, AnyCache, Error};
    ///
    /// let cache: AnyCache<u32, u32> = Cache::builder().policy_name("Lfu")?.build()?;
    /// assert_eq!(cache.policy_name(), "LFU");
    /// let err = Cache::<u32, u32, _>::builder().policy_name("mru").unwrap_err();
    /// assert!(matches!(err, Error::UnknownPolicy { .. }));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn policy_name(self, name: &str) -> Result<Self, Error> {
        Ok(self.policy(name.parse()?))
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use clientcache_policy_api::conformance;

    #[test]
    fn policy_kind_parses_names_case_insensitively() {
        for kind in PolicyKind::all() {
            let name = kind.name();
            for spelling in [name.to_string(), name.to_lowercase(), capitalized(name)] {
                assert_eq!(spelling.parse::<PolicyKind>().unwrap(), *kind, "{spelling}");
            }
            assert_eq!(kind.to_string(), name);
        }
    }

    fn capitalized(name: &str) -> String {
        let lower = name.to_lowercase();
        lower[..1].to_uppercase() + &lower[1..]
    }

    #[test]
    fn unknown_policy_name_is_an_error_listing_the_available_names() {
        let err = "fifo".parse::<PolicyKind>().unwrap_err();
        let available: Vec<&str> = PolicyKind::all().iter().map(|k| k.name()).collect();
        assert_eq!(
            err,
            Error::UnknownPolicy {
                name: "fifo".into(),
                available: available.clone()
            }
        );
        assert!(err.to_string().contains(&available.join(", ")), "{err}");
    }

    #[test]
    fn policy_kind_all_lists_each_compiled_in_policy_once_default_first() {
        let all = PolicyKind::all();
        assert_eq!(all.first(), Some(&PolicyKind::default()));
        assert_eq!(
            all.len(),
            cfg!(feature = "lru") as usize
                + cfg!(feature = "lfu") as usize
                + cfg!(feature = "tinylfu") as usize
        );
        for kind in all {
            assert_eq!(AnyPolicy::new(*kind).kind(), *kind);
            assert_eq!(AnyPolicy::new(*kind).name(), kind.name());
        }
    }

    #[test]
    fn any_policy_passes_the_conformance_kit_for_every_kind() {
        for kind in PolicyKind::all() {
            conformance::check(|capacity| {
                let mut policy = AnyPolicy::new(*kind);
                policy.set_capacity(capacity);
                policy
            });
        }
    }

    #[test]
    fn builder_policy_name_selects_the_named_policy() {
        for kind in PolicyKind::all() {
            let cache: AnyCache<u32, u32> = Cache::builder()
                .policy_name(&kind.name().to_lowercase())
                .unwrap()
                .build()
                .unwrap();
            assert_eq!(cache.policy_name(), kind.name());
        }
        assert!(
            Cache::<u32, u32, AnyPolicy>::builder()
                .policy_name("nope")
                .is_err()
        );
    }
}
