//! Unit tests: the contract kit, the movements between window, probation and protected, the
//! victim rule and `validate`.

mod model;

use clientcache_policy_api::{EntryId, Policy};

use crate::TinyLfuPolicy;
use crate::list::{NIL, Node};

fn id(i: u32) -> EntryId {
    EntryId::new(i)
}

/// A well-spread hash for key `i`.
fn h(i: u32) -> u64 {
    u64::from(i).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5555
}

/// The ids of (window, probation, protected), each LRU first, after validating.
fn regions(p: &TinyLfuPolicy) -> (Vec<u32>, Vec<u32>, Vec<u32>) {
    p.validate().unwrap();
    let s = &p.segments;
    (
        s.window.iter(&s.nodes).collect(),
        s.probation.iter(&s.nodes).collect(),
        s.protected.iter(&s.nodes).collect(),
    )
}

/// The eviction order as raw indices, checked against draining a clone.
fn order(p: &TinyLfuPolicy) -> Vec<u32> {
    let listed: Vec<u32> = p.iter().map(EntryId::get).collect();
    let mut drained = p.clone();
    let mut evicted = Vec::new();
    while let Some(v) = drained.evict() {
        evicted.push(v.get());
    }
    assert_eq!(listed, evicted, "iter() and successive evict() disagree");
    listed
}

/// A policy of capacity 100 (window target 1, protected target 79) holding ids `0..n`, inserted
/// in order, each after a miss, as the cache does it.
fn filled(n: u32) -> TinyLfuPolicy {
    let mut p = TinyLfuPolicy::with_capacity(100);
    for i in 0..n {
        p.on_miss(h(i));
        p.on_insert(id(i), h(i));
    }
    p
}

#[test]
fn conforms_to_the_policy_contract() {
    clientcache_policy_api::conformance::check(TinyLfuPolicy::with_capacity);
}

#[test]
fn conforms_to_the_policy_contract_when_built_by_default() {
    clientcache_policy_api::conformance::check(|_| TinyLfuPolicy::default());
}

#[test]
fn conforms_to_the_policy_contract_with_a_large_capacity() {
    clientcache_policy_api::conformance::check(|_| TinyLfuPolicy::with_capacity(5000));
}

#[test]
fn name_and_initial_targets() {
    let p = TinyLfuPolicy::with_capacity(1000);
    assert_eq!(p.name(), "TinyLFU");
    assert_eq!(p.window_target(), 10); // 1 %
    assert_eq!(p.segments.protected_target, 792); // 80 % of the main region
    assert_eq!(TinyLfuPolicy::with_capacity(50).window_target(), 1);
    assert_eq!(TinyLfuPolicy::default().window_target(), 1);
}

#[test]
fn nodes_are_sixteen_bytes() {
    assert_eq!(std::mem::size_of::<Node>(), 16);
}

#[test]
fn new_ids_enter_the_window_and_its_overflow_moves_to_probation() {
    let mut p = TinyLfuPolicy::with_capacity(300); // window target 3
    for i in 0..3 {
        p.on_insert(id(i), h(i));
    }
    assert_eq!(regions(&p), (vec![0, 1, 2], vec![], vec![]));
    p.on_insert(id(3), h(3));
    p.on_insert(id(4), h(4));
    assert_eq!(regions(&p), (vec![2, 3, 4], vec![0, 1], vec![]));
}

#[test]
fn a_window_hit_makes_the_id_the_window_mru() {
    let mut p = TinyLfuPolicy::with_capacity(300);
    for i in 0..3 {
        p.on_insert(id(i), h(i));
    }
    p.on_access(id(0), h(0));
    assert_eq!(regions(&p).0, [1, 2, 0]);
}

#[test]
fn a_probation_hit_promotes_to_protected() {
    let mut p = filled(4); // window [3], probation [0, 1, 2]
    assert_eq!(regions(&p), (vec![3], vec![0, 1, 2], vec![]));
    p.on_access(id(1), h(1));
    p.on_access(id(0), h(0));
    assert_eq!(regions(&p), (vec![3], vec![2], vec![1, 0]));
    p.on_access(id(1), h(1)); // a protected hit: protected MRU
    assert_eq!(regions(&p), (vec![3], vec![2], vec![0, 1]));
}

#[test]
fn protected_overflow_is_demoted_to_the_probation_mru() {
    let mut p = TinyLfuPolicy::with_capacity(4); // window 1, protected target 2
    assert_eq!(p.segments.protected_target, 2);
    for i in 0..5 {
        p.on_insert(id(i), h(i));
    }
    assert_eq!(regions(&p), (vec![4], vec![0, 1, 2, 3], vec![]));
    for i in [0, 1, 2] {
        p.on_access(id(i), h(i));
    }
    // 0 was the protected LRU when 2 arrived: demoted behind 3.
    assert_eq!(regions(&p), (vec![4], vec![3, 0], vec![1, 2]));
}

#[test]
fn under_its_target_the_window_grows_at_the_main_regions_expense() {
    let mut p = TinyLfuPolicy::with_capacity(300); // window target 3
    for i in 0..6 {
        p.on_insert(id(i), h(i));
    }
    p.on_remove(id(5)); // the window now has room: the victim is main's
    assert_eq!(regions(&p), (vec![3, 4], vec![0, 1, 2], vec![]));
    assert_eq!(p.victim(), Some(id(0)));
}

#[test]
fn the_candidate_loses_a_tied_duel() {
    let mut p = filled(5); // window [4], probation [0, 1, 2, 3], all seen once
    assert_eq!(p.sketch.frequency(h(4)), p.sketch.frequency(h(0)));
    assert_eq!(p.victim(), Some(id(4)));
}

#[test]
fn a_lead_of_one_is_not_enough_to_enter() {
    let mut p = filled(5); // window [4], probation [0, 1, 2, 3], all seen once
    p.on_miss(h(4)); // the candidate is seen twice: a lead of one
    assert_eq!(p.victim(), Some(id(4)));
}

#[test]
fn a_more_frequent_candidate_evicts_the_main_victim() {
    let mut p = filled(5);
    p.on_miss(h(4));
    p.on_miss(h(4)); // the candidate (window LRU) is now seen three times
    assert_eq!(p.victim(), Some(id(0)));
    // Main's victims go while the candidate out-scores them; then the candidate itself.
    assert_eq!(order(&p), [0, 1, 2, 3, 4]);
    // Once 0 is popular the candidate loses and goes first.
    for _ in 0..3 {
        p.on_miss(h(0));
    }
    assert_eq!(order(&p), [4, 0, 1, 2, 3]);
}

#[test]
fn the_eviction_order_replays_duels() {
    let mut p = filled(4); // window [3], probation [0, 1, 2]
    for _ in 0..2 {
        p.on_miss(h(0));
        p.on_miss(h(2));
    }
    p.on_miss(h(3));
    p.on_miss(h(3));
    // Candidate 3 (3 counts) beats 1 (1 count) but not 0 nor 2 (3 counts).
    assert_eq!(p.victim(), Some(id(3)));
    assert_eq!(order(&p), [3, 0, 1, 2]);
    p.on_remove(id(0));
    assert_eq!(order(&p), [1, 3, 2]); // 3 beats 1, then loses to 2
    p.on_remove(id(3)); // the window is empty: main order
    assert_eq!(order(&p), [1, 2]);
}

#[test]
fn a_miss_followed_by_the_insert_of_that_hash_counts_once() {
    let mut p = TinyLfuPolicy::with_capacity(100);
    p.on_miss(h(7));
    p.on_insert(id(0), h(7));
    assert_eq!(p.sketch.frequency(h(7)), 1);
    p.on_insert(id(1), h(8)); // an insert without a lookup counts too
    assert_eq!(p.sketch.frequency(h(8)), 1);
    p.on_miss(h(8));
    assert_eq!(p.sketch.frequency(h(8)), 2);
}

/// Lets `n` requests pass: misses of keys never requested before (nor after).
fn pass_time(p: &mut TinyLfuPolicy, n: u32) {
    for i in 0..n {
        p.on_miss(h(1_000_000 + i));
    }
}

/// A policy of capacity 100 holding key 7 as id 0, counted once: by its miss and the insert
/// that followed it (one request).
fn seven_counted_once() -> TinyLfuPolicy {
    let mut p = TinyLfuPolicy::with_capacity(100);
    p.on_miss(h(7));
    p.on_insert(id(0), h(7));
    p
}

#[test]
fn a_burst_of_hits_counts_once() {
    let mut p = seven_counted_once();
    for _ in 0..40 {
        p.on_access(id(0), h(7));
    }
    assert_eq!(p.sketch.frequency(h(7)), 1);
    assert_eq!(regions(&p).0, [0], "uncounted hits still refresh recency");
}

#[test]
fn a_key_used_steadily_counts_once_per_capacity_requests() {
    let mut p = seven_counted_once(); // counted at time t
    for _ in 0..10 {
        pass_time(&mut p, 60);
        p.on_access(id(0), h(7)); // at t + 61, t + 122, ...: every other one is due
    }
    assert_eq!(p.sketch.frequency(h(7)), 6);
}

#[test]
fn a_hit_counts_only_more_than_capacity_requests_after_the_last_count() {
    let mut p = seven_counted_once(); // counted at time t
    pass_time(&mut p, 99);
    p.on_access(id(0), h(7)); // t + 100: not yet
    assert_eq!(p.sketch.frequency(h(7)), 1);
    p.on_access(id(0), h(7)); // t + 101: due
    assert_eq!(p.sketch.frequency(h(7)), 2);
    p.on_access(id(0), h(7)); // one request after that count
    assert_eq!(p.sketch.frequency(h(7)), 2);
}

#[test]
fn an_insert_without_a_lookup_is_counted_and_paces_the_next_hit() {
    let mut p = TinyLfuPolicy::with_capacity(100);
    p.on_insert(id(0), h(7));
    p.on_access(id(0), h(7));
    assert_eq!(p.sketch.frequency(h(7)), 1);
}

#[test]
fn every_insert_without_a_lookup_is_one_request() {
    let mut p = seven_counted_once(); // counted at time t
    for i in 1..100 {
        p.on_insert(id(i), h(100 + i)); // t + 1 ..= t + 99
    }
    p.on_access(id(0), h(7)); // t + 100: not yet
    assert_eq!(p.sketch.frequency(h(7)), 1);
    p.on_remove(id(99));
    p.on_insert(id(99), h(1_000)); // t + 101
    p.on_access(id(0), h(7)); // t + 102: due
    assert_eq!(p.sketch.frequency(h(7)), 2);
}

#[test]
fn the_pacing_period_follows_the_capacity() {
    let mut p = seven_counted_once();
    pass_time(&mut p, 60);
    p.on_access(id(0), h(7)); // 61 requests after the count: not due at capacity 100
    assert_eq!(p.sketch.frequency(h(7)), 1);
    p.set_capacity(50); // the sketch keeps its table (512 words at least) and its counts
    pass_time(&mut p, 60);
    p.on_access(id(0), h(7)); // 122 requests after the count
    assert_eq!(p.sketch.frequency(h(7)), 2);
    pass_time(&mut p, 40);
    p.on_access(id(0), h(7)); // 41 after the last count: not due at capacity 50
    assert_eq!(p.sketch.frequency(h(7)), 2);
    pass_time(&mut p, 9);
    p.on_access(id(0), h(7)); // 51 after it: due
    assert_eq!(p.sketch.frequency(h(7)), 3);
}

#[test]
fn a_skipped_hit_still_ages_the_sketch() {
    let mut p = seven_counted_once();
    assert_eq!(p.sketch.additions(), 1);
    p.on_access(id(0), h(7)); // not counted...
    assert_eq!(p.sketch.frequency(h(7)), 1);
    assert_eq!(p.sketch.additions(), 2); // ...but one more request of the sample period
    // A period of 10 × 128 requests, all hits on one key: the counters halve on schedule.
    for _ in 2..1280 {
        p.on_access(id(0), h(7));
    }
    assert_eq!(p.sketch.additions(), 640);
    p.validate().unwrap();
}

#[test]
fn removal_only_unlinks() {
    let mut p = filled(6);
    p.on_access(id(2), h(2));
    let before = regions(&p);
    p.on_remove(id(3));
    let after = regions(&p);
    assert_eq!(after.0, before.0);
    assert_eq!(after.1, [0, 1, 4]);
    assert_eq!(after.2, before.2);
    assert!(!p.contains(id(3)));
    assert_eq!(p.len(), 5);
}

#[test]
fn clear_forgets_ids_but_keeps_frequencies() {
    let mut p = filled(10);
    p.clear();
    assert!(p.is_empty());
    assert_eq!(p.victim(), None);
    assert_eq!(regions(&p), (vec![], vec![], vec![]));
    assert!(p.sketch.frequency(h(3)) >= 1);
    p.on_insert(id(3), h(3));
    assert_eq!(order(&p), [3]);
}

#[test]
fn resizing_keeps_ids_and_rescales_the_targets() {
    let mut p = TinyLfuPolicy::with_capacity(1000); // window 10
    for i in 0..30 {
        p.on_insert(id(i), h(i));
    }
    p.set_capacity(100); // window 1: overflow moves to probation
    assert_eq!(p.window_target(), 1);
    assert_eq!(p.len(), 30);
    let (window, probation, protected) = regions(&p);
    assert_eq!(window, [29]);
    assert_eq!(probation, (0..29).collect::<Vec<_>>());
    assert!(protected.is_empty());
}

#[test]
fn a_far_id_grows_the_table() {
    let mut p = TinyLfuPolicy::with_capacity(4);
    p.on_insert(id(10_000), h(1));
    assert!(p.contains(id(10_000)));
    assert!(!p.contains(id(9_999)));
    assert_eq!(order(&p), [10_000]);
}

#[test]
fn validate_reports_broken_links_and_counts() {
    let p = filled(8);
    p.validate().unwrap();

    let mut broken = p.clone();
    broken.segments.probation.len += 1;
    assert!(broken.validate().is_err());

    let mut broken = p.clone();
    let head = broken.segments.probation.front().unwrap() as usize;
    broken.segments.nodes[head].links.prev = NIL;
    assert!(broken.validate().is_err());

    let mut broken = p.clone();
    broken.segments.window_target = 50;
    let message = broken.validate().unwrap_err().to_string();
    assert!(message.contains("climber"), "{message}");
}
