//! Our eviction policies, listed once, so every command (replay, `Cache` replay, conformance)
//! offers the same set and adding a policy crate is one line in the `our_policies!` macro below.

use clientcache_policy_api::Policy;

/// Something to do with one policy type, chosen at run time by [`Ours::visit`]. A trait rather
/// than a closure because the work is generic over the policy type.
pub trait PolicyVisitor {
    /// What the work returns.
    type Output;
    /// Does the work with policy type `P`.
    fn visit<P: Policy + Default + Send + Sync + 'static>(self) -> Self::Output;
}

/// Declares [`Ours`]: one line per policy crate (variant, command-line name, description,
/// type).
macro_rules! our_policies {
    ($($variant:ident => $slug:literal, $doc:literal, $ty:ty;)*) => {
        /// One of our policy crates.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Ours {
            $(#[doc = $doc] $variant,)*
        }

        impl Ours {
            /// Every policy, in report order.
            pub const ALL: &'static [Ours] = &[$(Ours::$variant),*];

            /// The command-line name (`lru`, `lfu`, ...).
            pub fn slug(self) -> &'static str {
                match self {
                    $(Ours::$variant => $slug,)*
                }
            }

            /// The command-line name of this policy driven through `Cache` (`cache-lru`, ...).
            pub fn cache_slug(self) -> &'static str {
                match self {
                    $(Ours::$variant => concat!("cache-", $slug),)*
                }
            }

            /// Runs `visitor` with this policy's type.
            pub fn visit<V: PolicyVisitor>(self, visitor: V) -> V::Output {
                match self {
                    $(Ours::$variant => visitor.visit::<$ty>(),)*
                }
            }
        }
    };
}

our_policies! {
    Lru => "lru", "Exact LRU: `clientcache-policy-lru`.", clientcache_policy_lru::LruPolicy;
    Lfu => "lfu", "O(1) LFU, LRU among equals: `clientcache-policy-lfu`.", clientcache_policy_lfu::LfuPolicy;
    TinyLfu => "tinylfu", "Adaptive W-TinyLFU: `clientcache-policy-tinylfu`.", clientcache_policy_tinylfu::TinyLfuPolicy;
}

impl Ours {
    /// The policy named `slug` (case-insensitive).
    ///
    /// ```
    /// use clientcache_verify::policies::Ours;
    ///
    /// assert_eq!(Ours::from_slug("LRU"), Some(Ours::Lru));
    /// assert_eq!(Ours::from_slug("fifo"), None);
    /// ```
    pub fn from_slug(slug: &str) -> Option<Ours> {
        Ours::ALL
            .iter()
            .copied()
            .find(|o| o.slug().eq_ignore_ascii_case(slug.trim()))
    }

    /// The names [`Ours::from_slug`] accepts, comma separated, for error messages.
    pub fn choices() -> String {
        let names: Vec<&str> = Ours::ALL.iter().map(|o| o.slug()).collect();
        names.join(", ")
    }
}
