//! Unit tests of the sequential core, under the test-only [`VecLru`] policy.

use super::*;
use crate::testing::{VecLru, value};

type TestShard = Shard<u32, String, VecLru>;

/// A stand-in key hash; any fixed function of the key will do for the shard.
fn h(key: u32) -> u64 {
    u64::from(key).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

fn shard(max_size: usize) -> TestShard {
    Shard::new(VecLru::default(), max_size, None)
}

fn insert(shard: &mut TestShard, key: u32) -> Vec<(u32, String, RemovalCause)> {
    let mut removed = Removals::new();
    shard
        .insert(h(key), key, value(key), None, None, &mut removed)
        .expect("key not resident");
    drain(removed)
}

fn drain(removed: Removals<u32, String>) -> Vec<(u32, String, RemovalCause)> {
    let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = std::sync::Arc::clone(&log);
    let listener: crate::listener::Listener<u32, String> =
        std::sync::Arc::new(move |k, v, c| sink.lock().unwrap().push((k, v, c)));
    removed.deliver(Some(&listener));
    log.lock().unwrap().clone()
}

fn keys(shard: &TestShard) -> Vec<u32> {
    shard.iter().map(|(k, _)| *k).collect()
}

fn check(shard: &TestShard) {
    shard.validate(|&k| h(k)).expect("invariants hold");
}

#[test]
fn new_shard_gives_the_policy_its_capacity() {
    assert_eq!(shard(7).policy().capacity, Some(7));
}

#[test]
fn get_hit_is_an_access_and_counts_a_hit() {
    let mut s = shard(3);
    insert(&mut s, 1);
    insert(&mut s, 2);
    assert_eq!(s.get(h(1), &1), Some(value(1)));
    assert_eq!(keys(&s), [2, 1]);
    assert_eq!((s.stats().hits, s.stats().misses), (1, 0));
    check(&s);
}

#[test]
fn get_miss_tells_the_policy_and_counts_a_miss() {
    let mut s = shard(3);
    assert_eq!(s.get(h(9), &9), None);
    assert_eq!(s.policy().misses, [h(9)]);
    assert_eq!((s.stats().hits, s.stats().misses), (0, 1));
}

#[test]
fn peek_and_contains_change_neither_order_nor_stats_nor_policy() {
    let mut s = shard(3);
    insert(&mut s, 1);
    insert(&mut s, 2);
    assert_eq!(s.peek(h(1), &1, None), Some(value(1)));
    assert_eq!(s.peek(h(5), &5, None), None);
    assert!(s.contains(h(1), &1, None));
    assert!(!s.contains(h(5), &5, None));
    assert_eq!(keys(&s), [1, 2]);
    assert_eq!(s.stats().requests(), 0);
    assert!(s.policy().misses.is_empty());
}

#[test]
fn insert_of_a_resident_key_gives_both_back_and_changes_nothing() {
    let mut s = shard(3);
    insert(&mut s, 1);
    let mut removed = Removals::new();
    let refused = s.insert(h(1), 1, "other".into(), None, None, &mut removed);
    assert_eq!(refused, Err((1, "other".to_string())));
    assert_eq!(removed.len(), 0);
    assert_eq!(s.peek(h(1), &1, None), Some(value(1)));
    assert_eq!(s.stats().inserts, 1);
    check(&s);
}

#[test]
fn insert_when_full_evicts_the_policy_victim_first() {
    let mut s = shard(2);
    insert(&mut s, 1);
    insert(&mut s, 2);
    s.get(h(1), &1);
    let removed = insert(&mut s, 3);
    assert_eq!(removed, [(2, value(2), RemovalCause::Evicted)]);
    assert_eq!(keys(&s), [1, 3]);
    assert_eq!((s.stats().inserts, s.stats().evictions), (3, 1));
    check(&s);
}

#[test]
fn refused_admission_keeps_the_victim_and_drops_the_newcomer_as_evicted() {
    let mut s = Shard::new(VecLru::refusing(), 1, None);
    insert(&mut s, 1);
    let removed = insert(&mut s, 2);
    assert_eq!(removed, [(2, value(2), RemovalCause::Evicted)]);
    assert_eq!(keys(&s), [1]);
    assert_eq!((s.stats().inserts, s.stats().evictions), (2, 1));
    check(&s);
}

#[test]
fn max_size_zero_stores_nothing_and_reports_the_newcomer_evicted() {
    let mut s = shard(0);
    let removed = insert(&mut s, 1);
    assert_eq!(removed, [(1, value(1), RemovalCause::Evicted)]);
    assert_eq!(s.len(), 0);
    assert_eq!(s.policy().len(), 0);
    assert_eq!((s.stats().inserts, s.stats().evictions), (1, 1));
    check(&s);
}

#[test]
fn remove_takes_the_entry_out_of_map_slab_and_policy() {
    let mut s = shard(3);
    insert(&mut s, 1);
    insert(&mut s, 2);
    assert_eq!(
        s.remove(h(1), &1, None, &mut Removals::new()),
        Some((1, value(1)))
    );
    assert_eq!(s.remove(h(1), &1, None, &mut Removals::new()), None);
    assert!(!s.contains(h(1), &1, None));
    assert_eq!(keys(&s), [2]);
    assert_eq!(s.stats().removals, 1);
    check(&s);
}

#[test]
fn pop_victim_removes_in_policy_order_and_counts_removals() {
    let mut s = shard(3);
    for key in [1, 2, 3] {
        insert(&mut s, key);
    }
    s.get(h(1), &1);
    let popped: Vec<u32> = std::iter::from_fn(|| s.pop_victim().map(|(k, _)| k)).collect();
    assert_eq!(popped, [2, 3, 1]);
    assert_eq!((s.stats().removals, s.stats().evictions), (3, 0));
    check(&s);
}

#[test]
fn set_max_size_shrinks_at_once_in_policy_order_as_resized() {
    let mut s = shard(5);
    for key in 1..=5 {
        insert(&mut s, key);
    }
    s.get(h(2), &2);
    let mut removed = Removals::new();
    s.set_max_size(2, &mut removed);
    let causes: Vec<(u32, RemovalCause)> =
        drain(removed).into_iter().map(|(k, _, c)| (k, c)).collect();
    assert_eq!(
        causes,
        [
            (1, RemovalCause::Resized),
            (3, RemovalCause::Resized),
            (4, RemovalCause::Resized)
        ]
    );
    assert_eq!(keys(&s), [5, 2]);
    assert_eq!((s.max_size(), s.policy().capacity), (2, Some(2)));
    assert_eq!(s.stats().evictions, 3);
    check(&s);
}

#[test]
fn set_max_size_growing_evicts_nothing() {
    let mut s = shard(2);
    insert(&mut s, 1);
    insert(&mut s, 2);
    let mut removed = Removals::new();
    s.set_max_size(4, &mut removed);
    assert_eq!(removed.len(), 0);
    insert(&mut s, 3);
    assert_eq!(keys(&s), [1, 2, 3]);
}

#[test]
fn clear_removes_everything_in_policy_order_as_cleared() {
    let mut s = shard(4);
    for key in [1, 2, 3] {
        insert(&mut s, key);
    }
    s.get(h(1), &1);
    let mut removed = Removals::new();
    s.clear(&mut removed);
    let cleared: Vec<(u32, RemovalCause)> =
        drain(removed).into_iter().map(|(k, _, c)| (k, c)).collect();
    assert_eq!(
        cleared,
        [
            (2, RemovalCause::Cleared),
            (3, RemovalCause::Cleared),
            (1, RemovalCause::Cleared)
        ]
    );
    assert_eq!(s.len(), 0);
    assert_eq!(s.stats().removals, 3);
    check(&s);
    insert(&mut s, 7);
    assert_eq!(keys(&s), [7]);
    check(&s);
}

#[test]
fn evicted_slots_are_reused_so_steady_state_inserts_do_not_grow_the_slab() {
    let mut s = shard(4);
    for key in 0..4 {
        insert(&mut s, key);
    }
    let capacity = s.entries.capacity();
    for key in 4..1000 {
        insert(&mut s, key);
    }
    assert_eq!(s.entries.capacity(), capacity);
    check(&s);
}

#[test]
fn deep_clone_copies_entries_order_and_stats_but_not_flights() {
    let mut s = shard(3);
    for key in [1, 2, 3] {
        insert(&mut s, key);
    }
    s.get(h(1), &1);
    let _flight = s.flights.start(h(9), 9);
    let mut copy = s.deep_clone();
    assert_eq!(keys(&copy), keys(&s));
    assert_eq!(copy.stats(), s.stats());
    assert_eq!(copy.flights.len(), 0);
    insert(&mut copy, 4);
    assert_eq!(keys(&s), [2, 3, 1]);
    assert_eq!(keys(&copy), [3, 1, 4]);
    check(&copy);
}

#[test]
fn validate_reports_a_table_that_lost_an_entry() {
    let mut s = shard(3);
    insert(&mut s, 1);
    s.table.clear();
    let err = s.validate(|&k| h(k)).unwrap_err();
    assert!(err.message().contains("table indexes 0 entries"), "{err}");
}

#[test]
fn validate_reports_a_policy_that_lost_an_entry() {
    let mut s = shard(3);
    insert(&mut s, 1);
    s.policy.clear();
    let err = s.validate(|&k| h(k)).unwrap_err();
    assert!(err.message().contains("resident ids"), "{err}");
}

#[test]
fn validate_reports_len_above_max_size() {
    let mut s = shard(3);
    insert(&mut s, 1);
    insert(&mut s, 2);
    s.max_size = 1;
    let err = s.validate(|&k| h(k)).unwrap_err();
    assert!(err.message().contains("exceeds max_size"), "{err}");
}

#[test]
fn validate_reports_a_key_whose_hash_changed() {
    let mut s = shard(3);
    insert(&mut s, 1);
    let err = s.validate(|&k| h(k) ^ 1).unwrap_err();
    assert!(err.message().contains("no longer has"), "{err}");
}

/// SplitMix64: picks the model test's operations.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Random operations against a `VecDeque` LRU model: every return value, the full order and
/// the stats identity `inserts == evictions + removals + len` agree after every operation.
#[test]
fn random_operations_match_a_vecdeque_lru_model() {
    use std::collections::VecDeque;
    for seed in 0..32u64 {
        let mut rng = seed;
        let mut max_size = (next(&mut rng) % 6) as usize;
        let mut s = shard(max_size);
        let mut model: VecDeque<(u32, String)> = VecDeque::new();
        for step in 0..400 {
            let key = (next(&mut rng) % 10) as u32;
            let at = model.iter().position(|(k, _)| *k == key);
            let ctx = format!("seed {seed} step {step} key {key}");
            match next(&mut rng) % 8 {
                0..=2 => {
                    let v = format!("{step}");
                    let mut removed = Removals::new();
                    let got = s
                        .insert(h(key), key, v.clone(), None, None, &mut removed)
                        .is_ok();
                    assert_eq!(got, at.is_none(), "{ctx}");
                    if at.is_none() {
                        if model.len() >= max_size {
                            model.pop_front();
                        }
                        if max_size > 0 {
                            model.push_back((key, v));
                        }
                    }
                }
                3..=4 => {
                    let expected = at.map(|i| {
                        let entry = model.remove(i).unwrap();
                        model.push_back(entry.clone());
                        entry.1
                    });
                    assert_eq!(s.get(h(key), &key), expected, "{ctx}");
                }
                5 => {
                    let expected = at.map(|i| model.remove(i).unwrap());
                    assert_eq!(
                        s.remove(h(key), &key, None, &mut Removals::new()),
                        expected,
                        "{ctx}"
                    );
                }
                6 => assert_eq!(s.pop_victim(), model.pop_front(), "{ctx}"),
                _ => {
                    max_size = (next(&mut rng) % 6) as usize;
                    s.set_max_size(max_size, &mut Removals::new());
                    while model.len() > max_size {
                        model.pop_front();
                    }
                }
            }
            let expected: Vec<u32> = model.iter().map(|(k, _)| *k).collect();
            assert_eq!(keys(&s), expected, "{ctx}");
            let st = s.stats();
            assert_eq!(
                st.inserts,
                st.evictions + st.removals + s.len() as u64,
                "{ctx}"
            );
            check(&s);
        }
    }
}

#[test]
fn a_policy_given_with_ids_is_cleared_so_the_shard_starts_consistent() {
    let mut used = VecLru::default();
    used.on_insert(EntryId::new(0), 1);
    used.on_insert(EntryId::new(5), 2);
    let mut s: TestShard = Shard::new(used, 2, None);
    assert_eq!(s.policy().len(), 0);
    let mut removed = Removals::new();
    for k in 0..3 {
        s.insert(u64::from(k), k, value(k), None, None, &mut removed)
            .unwrap();
    }
    assert_eq!(s.len(), 2);
    s.validate(|&k| u64::from(k)).unwrap();
}
