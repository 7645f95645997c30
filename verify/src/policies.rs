//! The policies the harness replays, listed once, so every command (replay, `Cache` replay,
//! conformance, report) offers the same set: our policy crates ([`Ours`]) and the field's
//! reference policies ([`Reference`]). Adding either kind is one line in its `policy_list!`.

use clientcache_policy_api::Policy;

/// Something to do with one policy type, chosen at run time by [`Ours::visit`]. A trait rather
/// than a closure because the work is generic over the policy type.
pub trait PolicyVisitor {
    /// What the work returns.
    type Output;
    /// Does the work with policy type `P`.
    fn visit<P: Policy + Default + Send + Sync + 'static>(self) -> Self::Output;
}

/// Declares a policy list: an enum with one variant per policy (variant, command-line name,
/// description, type), its `ALL`, `slug`, `cache_slug`, `visit`, `from_slug` and `choices`.
/// [`Ours`] and [`Reference`] are two such lists; adding a policy to either is one line.
macro_rules! policy_list {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $slug:literal, $doc:literal, $ty:ty;)* }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $(#[doc = $doc] $variant,)*
        }

        impl $name {
            /// Every policy of the list, in report order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The command-line name (`lru`, `arc`, ...).
            pub fn slug(self) -> &'static str {
                match self {
                    $($name::$variant => $slug,)*
                }
            }

            /// The command-line name of this policy driven through `Cache` (`cache-lru`, ...).
            pub fn cache_slug(self) -> &'static str {
                match self {
                    $($name::$variant => concat!("cache-", $slug),)*
                }
            }

            /// Runs `visitor` with this policy's type.
            pub fn visit<V: PolicyVisitor>(self, visitor: V) -> V::Output {
                match self {
                    $($name::$variant => visitor.visit::<$ty>(),)*
                }
            }

            /// The policy named `slug` (case-insensitive).
            pub fn from_slug(slug: &str) -> Option<$name> {
                $name::ALL
                    .iter()
                    .copied()
                    .find(|o| o.slug().eq_ignore_ascii_case(slug.trim()))
            }

            /// The names [`Self::from_slug`] accepts, comma separated, for error messages.
            pub fn choices() -> String {
                let names: Vec<&str> = $name::ALL.iter().map(|o| o.slug()).collect();
                names.join(", ")
            }
        }
    };
}

policy_list! {
    /// One of our policy crates.
    ///
    /// ```
    /// use clientcache_verify::policies::Ours;
    ///
    /// assert_eq!(Ours::from_slug("LRU"), Some(Ours::Lru));
    /// assert_eq!(Ours::from_slug("fifo"), None);
    /// ```
    Ours {
    Lru => "lru", "Exact LRU: `clientcache-policy-lru`.", clientcache_policy_lru::LruPolicy;
    Lfu => "lfu", "O(1) LFU, LRU among equals: `clientcache-policy-lfu`.", clientcache_policy_lfu::LfuPolicy;
    TinyLfu => "tinylfu", "Adaptive W-TinyLFU: `clientcache-policy-tinylfu`.", clientcache_policy_tinylfu::TinyLfuPolicy;
    }
}

policy_list! {
    /// One of the field's reference policies in [`crate::reference`], written against the
    /// policy API as a third-party crate would be.
    ///
    /// ```
    /// use clientcache_verify::policies::Reference;
    ///
    /// assert_eq!(Reference::from_slug("s3fifo"), Some(Reference::S3Fifo));
    /// assert_eq!(Reference::TwoQ.cache_slug(), "cache-2q");
    /// ```
    Reference {
    Arc => "arc", "ARC (Megiddo and Modha, FAST 2003): [`crate::reference::Arc`].", crate::reference::Arc;
    Lirs => "lirs", "LIRS (Jiang and Zhang, SIGMETRICS 2002): [`crate::reference::Lirs`].", crate::reference::Lirs;
    TwoQ => "2q", "2Q (Johnson and Shasha, VLDB 1994): [`crate::reference::TwoQ`].", crate::reference::TwoQ;
    Clock => "clock", "CLOCK, one reference bit: [`crate::reference::Clock`].", crate::reference::Clock;
    Sieve => "sieve", "SIEVE (Zhang et al., NSDI 2024): [`crate::reference::Sieve`].", crate::reference::Sieve;
    S3Fifo => "s3fifo", "S3-FIFO (Yang et al., SOSP 2023): [`crate::reference::S3Fifo`].", crate::reference::S3Fifo;
    }
}
