//! Unit tests: the contract kit and each behaviour of [`LruPolicy`].

use clientcache_policy_api::{EntryId, Policy};

use crate::LruPolicy;
use clientcache_policy_api::list::Links as Node;

fn id(i: u32) -> EntryId {
    EntryId::new(i)
}

/// A policy holding `ids`, inserted in order, validated.
fn with_ids(ids: &[u32]) -> LruPolicy {
    let mut lru = LruPolicy::default();
    for &i in ids {
        lru.on_insert(id(i), u64::from(i));
    }
    lru.validate().unwrap();
    lru
}

/// The order `iter()` yields, as raw indices, after validating both directions agree.
fn order(lru: &LruPolicy) -> Vec<u32> {
    lru.validate().unwrap();
    let forward: Vec<u32> = lru.iter().map(EntryId::get).collect();
    let mut backward: Vec<u32> = lru.iter().rev().map(EntryId::get).collect();
    backward.reverse();
    assert_eq!(forward, backward, "forward and reverse iteration disagree");
    assert_eq!(lru.iter().len(), forward.len());
    forward
}

#[test]
fn conforms_to_the_policy_contract() {
    clientcache_policy_api::conformance::check(LruPolicy::with_capacity);
}

#[test]
fn conforms_to_the_policy_contract_when_built_by_default() {
    clientcache_policy_api::conformance::check(|_| LruPolicy::default());
}

#[test]
fn nodes_are_eight_bytes() {
    assert_eq!(std::mem::size_of::<Node>(), 8);
}

#[test]
fn insert_appends_at_the_most_recent_end() {
    let lru = with_ids(&[3, 1, 2]);
    assert_eq!(order(&lru), [3, 1, 2]);
    assert_eq!(lru.len(), 3);
}

#[test]
fn victim_is_the_least_recently_used() {
    let mut lru = with_ids(&[0, 1, 2]);
    assert_eq!(lru.victim(), Some(id(0)));
    lru.on_access(id(0), 0);
    assert_eq!(lru.victim(), Some(id(1)));
}

#[test]
fn access_moves_to_the_most_recent_end() {
    let mut lru = with_ids(&[0, 1, 2, 3]);
    lru.on_access(id(1), 1); // from the middle
    assert_eq!(order(&lru), [0, 2, 3, 1]);
    lru.on_access(id(0), 0); // the head: rotation
    assert_eq!(order(&lru), [2, 3, 1, 0]);
    lru.on_access(id(0), 0); // already the most recent
    assert_eq!(order(&lru), [2, 3, 1, 0]);
    lru.on_access(id(1), 1); // next to the tail
    assert_eq!(order(&lru), [2, 3, 0, 1]);
}

#[test]
fn access_on_a_single_entry_keeps_it() {
    let mut lru = with_ids(&[5]);
    lru.on_access(id(5), 5);
    assert_eq!(order(&lru), [5]);
    assert_eq!(lru.victim(), Some(id(5)));
}

#[test]
fn remove_from_the_middle_keeps_the_rest_in_order() {
    let mut lru = with_ids(&[0, 1, 2]);
    lru.on_remove(id(1));
    assert_eq!(order(&lru), [0, 2]);
    assert!(!lru.contains(id(1)));
}

#[test]
fn remove_the_head_promotes_the_next_victim() {
    let mut lru = with_ids(&[0, 1, 2]);
    lru.on_remove(id(0));
    assert_eq!(order(&lru), [1, 2]);
    assert_eq!(lru.victim(), Some(id(1)));
}

#[test]
fn remove_the_tail_keeps_the_victim() {
    let mut lru = with_ids(&[0, 1, 2]);
    lru.on_remove(id(2));
    assert_eq!(order(&lru), [0, 1]);
    lru.on_insert(id(7), 7);
    assert_eq!(order(&lru), [0, 1, 7]);
}

#[test]
fn remove_the_last_entry_empties_the_policy() {
    let mut lru = with_ids(&[4]);
    lru.on_remove(id(4));
    assert!(lru.is_empty());
    assert_eq!(lru.victim(), None);
    assert_eq!(order(&lru), []);
}

#[test]
fn evict_removes_in_iter_order() {
    let mut lru = with_ids(&[2, 0, 1]);
    lru.on_access(id(2), 2);
    let expected: Vec<EntryId> = lru.iter().collect();
    let evicted: Vec<EntryId> = std::iter::from_fn(|| lru.evict()).collect();
    assert_eq!(evicted, expected);
    assert_eq!(lru.evict(), None);
    lru.validate().unwrap();
}

#[test]
fn a_removed_id_can_be_reused_as_a_new_entry() {
    let mut lru = with_ids(&[0, 1, 2]);
    lru.on_remove(id(0));
    lru.on_insert(id(0), 99);
    assert_eq!(order(&lru), [1, 2, 0]);
    assert_eq!(lru.evict(), Some(id(1)));
    lru.on_insert(id(1), 98);
    assert_eq!(order(&lru), [2, 0, 1]);
}

#[test]
fn clear_forgets_everything_and_keeps_the_allocation() {
    let mut lru = with_ids(&[0, 1, 2]);
    let allocated = lru.nodes.capacity();
    lru.clear();
    assert!(lru.is_empty());
    assert_eq!(lru.victim(), None);
    assert!(!lru.contains(id(1)));
    assert_eq!(order(&lru), []);
    assert_eq!(lru.nodes.capacity(), allocated);
    lru.on_insert(id(1), 1);
    lru.on_insert(id(0), 0);
    assert_eq!(order(&lru), [1, 0]);
}

#[test]
fn large_ids_grow_the_table() {
    let mut lru = with_ids(&[1]);
    lru.on_insert(id(100_000), 0);
    lru.on_insert(id(3), 0);
    assert_eq!(lru.nodes.len(), 100_001);
    assert!(lru.contains(id(100_000)));
    assert!(!lru.contains(id(99_999)));
    assert_eq!(order(&lru), [1, 100_000, 3]);
}

#[test]
fn a_lone_large_id_is_the_victim() {
    let mut lru = LruPolicy::default();
    let big = (1u32 << 20) - 1;
    lru.on_insert(id(big), 0);
    assert_eq!(lru.victim(), Some(id(big)));
    assert_eq!(lru.evict(), Some(id(big)));
    assert!(lru.is_empty());
}

#[test]
fn with_capacity_reserves_so_inserts_do_not_reallocate() {
    let mut lru = LruPolicy::with_capacity(64);
    let reserved = lru.nodes.capacity();
    assert!(reserved >= 64);
    for i in 0..64 {
        lru.on_insert(id(i), 0);
    }
    for round in 0..1000u32 {
        let victim = lru.evict().unwrap();
        lru.on_insert(victim, 0);
        lru.on_access(id(round % 64), 0);
    }
    assert_eq!(lru.nodes.capacity(), reserved);
    lru.validate().unwrap();
}

#[test]
fn set_capacity_never_changes_residency() {
    let mut lru = with_ids(&[0, 1, 2]);
    lru.set_capacity(1);
    assert_eq!(order(&lru), [0, 1, 2]);
    lru.set_capacity(usize::MAX);
    assert_eq!(order(&lru), [0, 1, 2]);
}

#[test]
fn hashes_and_admission_do_not_affect_order() {
    let mut a = LruPolicy::default();
    let mut b = LruPolicy::default();
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
    a.on_access(id(0), 0);
    assert_eq!(order(&a), [1, 0]);
    assert_eq!(order(&b), [0, 1]);
}

#[test]
fn debug_is_a_short_summary() {
    let lru = with_ids(&[0, 1, 2]);
    let text = format!("{lru:?}");
    assert!(text.contains("len: 3"), "{text}");
    assert!(text.len() < 200, "{text}");
    assert!(format!("{:?}", lru.iter()).contains("remaining: 3"));
}

#[test]
fn validate_reports_a_broken_link() {
    let mut lru = with_ids(&[0, 1, 2]);
    lru.nodes[1].next = 0;
    assert!(lru.validate().is_err());
}

#[test]
fn validate_reports_a_wrong_length() {
    let mut lru = with_ids(&[0, 1, 2]);
    lru.len = 2;
    assert!(lru.validate().is_err());
}

#[test]
#[cfg(debug_assertions)]
#[should_panic(expected = "already resident")]
fn inserting_a_resident_id_is_caught_in_debug_builds() {
    let mut lru = with_ids(&[0]);
    lru.on_insert(id(0), 0);
}

#[test]
#[cfg(debug_assertions)]
#[should_panic(expected = "not resident")]
fn accessing_an_absent_id_is_caught_in_debug_builds() {
    let mut lru = with_ids(&[0]);
    lru.on_access(id(1), 0);
}

#[test]
#[cfg(debug_assertions)]
#[should_panic(expected = "not resident")]
fn removing_an_absent_id_is_caught_in_debug_builds() {
    let mut lru = with_ids(&[0]);
    lru.on_remove(id(5));
}
