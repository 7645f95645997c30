//! [`DefaultHashBuilder`]: foldhash with a fixed seed, so every run is reproducible.

use std::hash::BuildHasher;

/// The default key hasher: foldhash (the hasher hashbrown uses) with a fixed seed.
///
/// # Why a fixed seed
///
/// The table layout, and through the hashes given to the policy every eviction decision of a
/// sketch-based policy, depend on the key hashes. With a fixed seed, the same sequence of
/// operations gives the same cache state in every run and every process of the same build: a
/// failure seen once can be replayed, and two replicas stay identical.
///
/// # When to choose a random seed
///
/// A fixed seed lets whoever chooses the keys compute their hashes offline and pick many that
/// collide (*hash flooding*), turning each lookup into a long scan under the lock. When keys
/// come from untrusted parties (tenant ids, user-supplied names), give the cache a randomly
/// seeded hasher, for example std's SipHash:
///
/// ```
/// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
/// use clientcache::{Cache, LruPolicy};
/// use std::hash::RandomState;
///
/// let cache = Cache::<String, u32, LruPolicy>::builder()
///     .hasher(RandomState::new())
///     .build()
///     .unwrap();
/// cache.insert("tenant-42".to_string(), 1).unwrap();
/// assert_eq!(cache.get("tenant-42"), Some(1));
/// # }
/// ```
///
/// Keys chosen by your own code (regions, profiles, service names) do not need one.
///
/// # Examples
///
/// ```
/// use clientcache::DefaultHashBuilder;
/// use std::hash::BuildHasher;
///
/// let a = DefaultHashBuilder::default();
/// let b = DefaultHashBuilder::default();
/// assert_eq!(a.hash_one("us-east-1"), b.hash_one("us-east-1"));
/// assert_ne!(
///     DefaultHashBuilder::with_seed(1).hash_one("us-east-1"),
///     a.hash_one("us-east-1"),
/// );
/// ```
#[derive(Clone, Debug)]
pub struct DefaultHashBuilder(foldhash::fast::FixedState);

impl DefaultHashBuilder {
    /// The seed [`Default`] uses.
    pub const SEED: u64 = 0x6c69_656e_7463_6163; // "clientcac"

    /// A builder with seed `seed`: fixed like the default, but different hashes.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::DefaultHashBuilder;
    /// use std::hash::BuildHasher;
    ///
    /// let seeded = DefaultHashBuilder::with_seed(DefaultHashBuilder::SEED);
    /// assert_eq!(seeded.hash_one(7u64), DefaultHashBuilder::default().hash_one(7u64));
    /// ```
    #[must_use]
    pub const fn with_seed(seed: u64) -> Self {
        DefaultHashBuilder(foldhash::fast::FixedState::with_seed(seed))
    }
}

impl Default for DefaultHashBuilder {
    #[inline]
    fn default() -> Self {
        Self::with_seed(Self::SEED)
    }
}

impl BuildHasher for DefaultHashBuilder {
    type Hasher = foldhash::fast::FoldHasher<'static>;

    #[inline]
    fn build_hasher(&self) -> Self::Hasher {
        self.0.build_hasher()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_hasher_is_identical_across_instances_and_pinned_across_runs() {
        let a = DefaultHashBuilder::default();
        let b = DefaultHashBuilder::default();
        for key in 0u64..100 {
            assert_eq!(a.hash_one(key), b.hash_one(key));
        }
        // Pinned: a change (a foldhash upgrade, a new seed) changes every table layout and
        // sketch decision, so replays recorded before it diverge; update it deliberately.
        assert_eq!(a.hash_one(42u64), PINNED_HASH_OF_42);
    }

    const PINNED_HASH_OF_42: u64 = 170_847_761_363_505_650;

    #[test]
    fn seeds_change_the_hashes() {
        let a = DefaultHashBuilder::with_seed(1);
        let b = DefaultHashBuilder::with_seed(2);
        assert_ne!(a.hash_one("key"), b.hash_one("key"));
    }
}
