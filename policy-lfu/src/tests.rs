//! Unit tests: the contract kit and each behaviour of [`LfuPolicy`].

use clientcache_policy_api::{EntryId, Policy};

use crate::LfuPolicy;
use crate::list::Node;

fn id(i: u32) -> EntryId {
    EntryId::new(i)
}

/// A policy holding `ids`, inserted in order, validated.
fn with_ids(ids: &[u32]) -> LfuPolicy {
    let mut lfu = LfuPolicy::default();
    for &i in ids {
        lfu.on_insert(id(i), u64::from(i));
    }
    lfu.validate().unwrap();
    lfu
}

/// Accesses `i` `times` times.
fn access(lfu: &mut LfuPolicy, i: u32, times: usize) {
    for _ in 0..times {
        lfu.on_access(id(i), 0);
    }
}

/// The order `iter()` yields, as raw indices, after validating.
fn order(lfu: &LfuPolicy) -> Vec<u32> {
    lfu.validate().unwrap();
    let order: Vec<u32> = lfu.iter().map(EntryId::get).collect();
    assert_eq!(lfu.iter().len(), order.len());
    order
}

/// The bucket frequencies, lowest first.
fn frequencies(lfu: &LfuPolicy) -> Vec<u64> {
    let mut freqs: Vec<u64> = lfu.iter().map(|i| lfu.frequency(i).unwrap()).collect();
    freqs.dedup();
    assert_eq!(
        freqs.len(),
        lfu.buckets.len(),
        "one bucket per distinct frequency"
    );
    freqs
}

#[test]
fn conforms_to_the_policy_contract() {
    clientcache_policy_api::conformance::check(LfuPolicy::with_capacity);
}

#[test]
fn conforms_to_the_policy_contract_when_built_by_default() {
    clientcache_policy_api::conformance::check(|_| LfuPolicy::default());
}

#[test]
fn nodes_are_twelve_bytes() {
    assert_eq!(std::mem::size_of::<Node>(), 12);
}

#[test]
fn a_new_entry_starts_at_frequency_one() {
    let lfu = with_ids(&[3]);
    assert_eq!(lfu.frequency(id(3)), Some(1));
    assert_eq!(lfu.frequency(id(4)), None);
}

#[test]
fn each_access_adds_one() {
    let mut lfu = with_ids(&[0]);
    access(&mut lfu, 0, 5);
    assert_eq!(lfu.frequency(id(0)), Some(6));
    assert_eq!(order(&lfu), [0]);
}

#[test]
fn victim_is_the_least_frequently_used() {
    let mut lfu = with_ids(&[0, 1, 2]);
    access(&mut lfu, 0, 2);
    access(&mut lfu, 2, 1);
    assert_eq!(lfu.victim(), Some(id(1)));
    assert_eq!(order(&lfu), [1, 2, 0]);
}

#[test]
fn ties_are_broken_by_recency() {
    let mut lfu = with_ids(&[0, 1, 2]);
    assert_eq!(order(&lfu), [0, 1, 2]); // all at 1: insertion order
    access(&mut lfu, 1, 1);
    access(&mut lfu, 0, 1);
    // 0 and 1 both at 2; 1 reached it first, so it is less recent.
    assert_eq!(order(&lfu), [2, 1, 0]);
}

#[test]
fn a_new_entry_is_the_victim_before_older_more_used_entries() {
    let mut lfu = with_ids(&[0, 1]);
    access(&mut lfu, 0, 1);
    access(&mut lfu, 1, 1);
    lfu.on_insert(id(2), 2);
    assert_eq!(lfu.victim(), Some(id(2)));
    assert_eq!(order(&lfu), [2, 0, 1]);
}

#[test]
fn frequency_is_forgotten_after_removal() {
    let mut lfu = with_ids(&[0, 1]);
    access(&mut lfu, 0, 3);
    lfu.on_remove(id(0));
    lfu.on_insert(id(0), 0);
    assert_eq!(lfu.frequency(id(0)), Some(1));
    assert_eq!(order(&lfu), [1, 0]);
}

#[test]
fn frequency_is_forgotten_after_eviction() {
    let mut lfu = with_ids(&[0]);
    access(&mut lfu, 0, 3);
    assert_eq!(lfu.evict(), Some(id(0)));
    lfu.on_insert(id(0), 0);
    assert_eq!(lfu.frequency(id(0)), Some(1));
}

#[test]
fn an_emptied_bucket_is_removed() {
    let mut lfu = with_ids(&[0, 1]);
    access(&mut lfu, 1, 2); // buckets 1: [0], 3: [1]
    assert_eq!(frequencies(&lfu), [1, 3]);
    access(&mut lfu, 0, 2); // 0 passes 2 and joins 3
    assert_eq!(frequencies(&lfu), [3]);
    assert_eq!(order(&lfu), [1, 0]);
    lfu.on_remove(id(1));
    lfu.on_remove(id(0));
    assert!(lfu.buckets.is_empty());
    assert_eq!(lfu.victim(), None);
}

#[test]
fn a_lone_entry_raises_its_bucket_in_place() {
    let mut lfu = with_ids(&[0, 1]);
    access(&mut lfu, 1, 1); // 1: [0], 2: [1]
    let key = lfu.nodes[1].bucket;
    access(&mut lfu, 1, 3); // alone, no bucket 3..5 exists: same bucket, raised
    assert_eq!(lfu.nodes[1].bucket, key);
    assert_eq!(frequencies(&lfu), [1, 5]);
}

#[test]
fn an_access_creates_the_next_frequency_between_buckets() {
    let mut lfu = with_ids(&[0, 1, 2]);
    access(&mut lfu, 2, 3); // 1: [0, 1], 4: [2]
    access(&mut lfu, 0, 1); // 2 is created between 1 and 4
    assert_eq!(frequencies(&lfu), [1, 2, 4]);
    assert_eq!(order(&lfu), [1, 0, 2]);
}

#[test]
fn iter_runs_lowest_bucket_first_then_lru_within_each() {
    let mut lfu = with_ids(&[0, 1, 2, 3, 4, 5]);
    access(&mut lfu, 4, 2);
    access(&mut lfu, 1, 1);
    access(&mut lfu, 5, 2);
    access(&mut lfu, 3, 1);
    // 1: [0, 2], 2: [1, 3], 3: [4, 5]
    assert_eq!(frequencies(&lfu), [1, 2, 3]);
    assert_eq!(order(&lfu), [0, 2, 1, 3, 4, 5]);
}

#[test]
fn evict_removes_in_iter_order() {
    let mut lfu = with_ids(&[0, 1, 2, 3]);
    access(&mut lfu, 2, 2);
    access(&mut lfu, 0, 1);
    access(&mut lfu, 3, 1);
    let expected: Vec<EntryId> = lfu.iter().collect();
    let evicted: Vec<EntryId> = std::iter::from_fn(|| lfu.evict()).collect();
    assert_eq!(evicted, expected);
    assert_eq!(lfu.evict(), None);
    lfu.validate().unwrap();
}

#[test]
fn remove_from_the_middle_of_a_bucket_keeps_the_rest_in_order() {
    let mut lfu = with_ids(&[0, 1, 2]);
    lfu.on_remove(id(1));
    assert_eq!(order(&lfu), [0, 2]);
    assert!(!lfu.contains(id(1)));
}

#[test]
fn a_removed_id_can_be_reused_as_a_new_entry() {
    let mut lfu = with_ids(&[0, 1]);
    access(&mut lfu, 1, 1);
    lfu.on_remove(id(1));
    lfu.on_insert(id(1), 9);
    assert_eq!(order(&lfu), [0, 1]);
    assert_eq!(lfu.frequency(id(1)), Some(1));
}

#[test]
fn clear_forgets_everything_and_keeps_the_allocations() {
    let mut lfu = with_ids(&[0, 1, 2]);
    access(&mut lfu, 1, 2);
    let (table, slab) = (lfu.nodes.capacity(), lfu.buckets.capacity());
    lfu.clear();
    assert!(lfu.is_empty());
    assert_eq!(lfu.victim(), None);
    assert!(!lfu.contains(id(1)));
    assert_eq!(order(&lfu), []);
    assert_eq!(
        (lfu.nodes.capacity(), lfu.buckets.capacity()),
        (table, slab)
    );
    lfu.on_insert(id(1), 1);
    assert_eq!(lfu.frequency(id(1)), Some(1));
}

#[test]
fn large_ids_grow_the_table() {
    let mut lfu = with_ids(&[1]);
    lfu.on_insert(id(100_000), 0);
    lfu.on_access(id(100_000), 0);
    assert_eq!(lfu.nodes.len(), 100_001);
    assert!(lfu.contains(id(100_000)));
    assert!(!lfu.contains(id(99_999)));
    assert_eq!(order(&lfu), [1, 100_000]);
}

#[test]
fn steady_state_events_do_not_reallocate() {
    let mut lfu = LfuPolicy::with_capacity(64);
    for i in 0..64 {
        lfu.on_insert(id(i), 0);
    }
    // Warm up so the slab reaches its peak bucket count, then check nothing grows.
    let warm = |lfu: &mut LfuPolicy, rounds: u32| {
        for round in 0..rounds {
            let victim = lfu.evict().unwrap();
            lfu.on_insert(victim, 0);
            access(lfu, (round * 7) % 64, (round % 3) as usize);
        }
    };
    warm(&mut lfu, 2000);
    let (table, slab) = (lfu.nodes.capacity(), lfu.buckets.capacity());
    assert!(table >= 64);
    warm(&mut lfu, 2000);
    assert_eq!(
        (lfu.nodes.capacity(), lfu.buckets.capacity()),
        (table, slab)
    );
    lfu.validate().unwrap();
}

#[test]
fn set_capacity_never_changes_residency() {
    let mut lfu = with_ids(&[0, 1, 2]);
    access(&mut lfu, 0, 1);
    lfu.set_capacity(1);
    assert_eq!(order(&lfu), [1, 2, 0]);
    lfu.set_capacity(usize::MAX);
    assert_eq!(order(&lfu), [1, 2, 0]);
}

#[test]
fn hashes_and_admission_do_not_affect_order() {
    let mut a = LfuPolicy::default();
    let mut b = LfuPolicy::default();
    for i in 0..4 {
        a.on_insert(id(i), 0);
        b.on_insert(id(i), u64::from(i).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    }
    a.on_miss(7);
    assert!(a.admit(123, id(0)));
    assert_eq!(order(&a), order(&b));
}

#[test]
fn clones_evolve_independently() {
    let mut a = with_ids(&[0, 1]);
    let b = a.clone();
    access(&mut a, 0, 1);
    assert_eq!(order(&a), [1, 0]);
    assert_eq!(order(&b), [0, 1]);
}

#[test]
fn debug_is_a_short_summary() {
    let mut lfu = with_ids(&[0, 1, 2]);
    access(&mut lfu, 2, 1);
    let text = format!("{lfu:?}");
    assert!(
        text.contains("len: 3") && text.contains("buckets: 2"),
        "{text}"
    );
    assert!(text.len() < 200, "{text}");
    assert!(format!("{:?}", lfu.iter()).contains("remaining: 3"));
}

#[test]
fn validate_reports_frequencies_out_of_order() {
    let mut lfu = with_ids(&[0, 1]);
    access(&mut lfu, 1, 1);
    let key = lfu.nodes[1].bucket as usize;
    lfu.buckets[key].freq = 1;
    assert!(lfu.validate().is_err());
}

#[test]
fn validate_reports_a_wrong_bucket_pointer() {
    let mut lfu = with_ids(&[0, 1]);
    access(&mut lfu, 1, 1);
    lfu.nodes[1].bucket = lfu.nodes[0].bucket;
    assert!(lfu.validate().is_err());
}

#[test]
fn validate_reports_a_broken_link() {
    let mut lfu = with_ids(&[0, 1, 2]);
    lfu.nodes[1].links.next = 0;
    assert!(lfu.validate().is_err());
}

#[test]
#[cfg(debug_assertions)]
#[should_panic(expected = "already resident")]
fn inserting_a_resident_id_is_caught_in_debug_builds() {
    let mut lfu = with_ids(&[0]);
    lfu.on_insert(id(0), 0);
}

#[test]
#[cfg(debug_assertions)]
#[should_panic(expected = "not resident")]
fn accessing_an_absent_id_is_caught_in_debug_builds() {
    let mut lfu = with_ids(&[0]);
    lfu.on_access(id(1), 0);
}

#[test]
#[cfg(debug_assertions)]
#[should_panic(expected = "not resident")]
fn removing_an_absent_id_is_caught_in_debug_builds() {
    let mut lfu = with_ids(&[0]);
    lfu.on_remove(id(5));
}
