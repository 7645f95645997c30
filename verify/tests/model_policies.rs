//! Random op sequences against the reference models, for each policy, on the bare policy and
//! through `Cache`: every return value and the full policy order must agree after every op.

use clientcache::Cache;
use clientcache_policy_lfu::LfuPolicy;
use clientcache_policy_lru::LruPolicy;
use clientcache_policy_tinylfu::TinyLfuPolicy;
use clientcache_verify::model::{ModelPolicy, ReferenceCache};
use clientcache_verify::ops::{BarePolicy, MAX_SIZE_LIMIT, Op, compare, op_strategy};
use proptest::prelude::*;

fn ops_and_size() -> impl Strategy<Value = (Vec<Op>, usize)> {
    (
        prop::collection::vec(op_strategy(), 1..200),
        0..=MAX_SIZE_LIMIT,
    )
}

fn cache<P: clientcache_policy_api::Policy + Default + Send + Sync>(
    max_size: usize,
) -> Cache<u16, u64, P> {
    Cache::builder()
        .max_size(max_size)
        .build()
        .expect("sizes up to MAX_SIZE_LIMIT are valid")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn bare_lru_policy_matches_the_reference((ops, max_size) in ops_and_size()) {
        let mut reference = ReferenceCache::new(ModelPolicy::Lru, max_size);
        let mut bare = BarePolicy::new(LruPolicy::default(), max_size);
        compare(&ops, &mut reference, &mut bare).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn bare_lfu_policy_matches_the_reference((ops, max_size) in ops_and_size()) {
        let mut reference = ReferenceCache::new(ModelPolicy::Lfu, max_size);
        let mut bare = BarePolicy::new(LfuPolicy::default(), max_size);
        compare(&ops, &mut reference, &mut bare).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn lru_cache_matches_the_reference((ops, max_size) in ops_and_size()) {
        let mut reference = ReferenceCache::new(ModelPolicy::Lru, max_size);
        let mut cache = cache::<LruPolicy>(max_size);
        compare(&ops, &mut reference, &mut cache).map_err(TestCaseError::fail)?;
        cache.validate().map_err(|e| TestCaseError::fail(e.to_string()))?;
    }

    #[test]
    fn lfu_cache_matches_the_reference((ops, max_size) in ops_and_size()) {
        let mut reference = ReferenceCache::new(ModelPolicy::Lfu, max_size);
        let mut cache = cache::<LfuPolicy>(max_size);
        compare(&ops, &mut reference, &mut cache).map_err(TestCaseError::fail)?;
        cache.validate().map_err(|e| TestCaseError::fail(e.to_string()))?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// W-TinyLFU has no plain model; the cache must still make exactly the decisions the bare
    /// policy makes when driven by the same protocol with the same key hashes.
    #[test]
    fn tinylfu_cache_agrees_with_the_bare_policy((ops, max_size) in ops_and_size()) {
        let mut bare = BarePolicy::new(TinyLfuPolicy::default(), max_size);
        let mut cache = cache::<TinyLfuPolicy>(max_size);
        compare(&ops, &mut bare, &mut cache).map_err(TestCaseError::fail)?;
        cache.validate().map_err(|e| TestCaseError::fail(e.to_string()))?;
    }
}

/// A compare() that cannot fail would make every test above vacuous: a deliberately wrong
/// subject (the LFU model standing in for LRU) must be caught.
#[test]
fn compare_catches_a_subject_with_the_wrong_policy() {
    let ops = [
        Op::Insert(1),
        Op::Insert(2),
        Op::Get(1),
        Op::Get(1),
        Op::Get(2),
        Op::Insert(3),
    ];
    let mut lru = ReferenceCache::new(ModelPolicy::Lru, 2);
    let mut lfu = ReferenceCache::new(ModelPolicy::Lfu, 2);
    assert!(compare(&ops, &mut lru, &mut lfu).is_err());
}
