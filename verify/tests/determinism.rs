//! Determinism: the same op sequence on two separately built caches gives identical policy
//! order after every op and identical evictions, for every policy.

use clientcache::{Cache, PolicyKind, RemovalCause};
use clientcache_verify::ops::{Op, Subject, op_strategy};
use proptest::prelude::*;
use std::sync::{Arc, Mutex};

type Log = Arc<Mutex<Vec<(u16, u64, RemovalCause)>>>;

fn recording_cache(kind: PolicyKind, max_size: usize) -> (clientcache::AnyCache<u16, u64>, Log) {
    let log: Log = Arc::default();
    let sink = Arc::clone(&log);
    let cache = Cache::builder()
        .max_size(max_size)
        .policy(kind)
        .eviction_listener(move |key, value, cause| sink.lock().unwrap().push((key, value, cause)))
        .build()
        .expect("valid configuration");
    (cache, log)
}

fn run_twice(kind: PolicyKind, max_size: usize, ops: &[Op]) -> Result<(), TestCaseError> {
    let (mut first, first_log) = recording_cache(kind, max_size);
    let (mut second, second_log) = recording_cache(kind, max_size);
    for (index, &op) in ops.iter().enumerate() {
        let a = first.apply(op, index as u64);
        let b = second.apply(op, index as u64);
        prop_assert_eq!(a, b, "op #{} {:?} returned differently", index, op);
        prop_assert_eq!(
            first.keys(),
            second.keys(),
            "order differs after op #{} {:?}",
            index,
            op
        );
    }
    prop_assert_eq!(&*first_log.lock().unwrap(), &*second_log.lock().unwrap());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn same_ops_give_same_order_and_evictions(
        ops in prop::collection::vec(op_strategy(), 1..300),
        max_size in 1usize..8,
    ) {
        for kind in PolicyKind::all() {
            run_twice(*kind, max_size, &ops)?;
        }
    }
}

/// Large keyed workloads go through the fixed-seed hasher's table layout: still identical.
#[test]
fn identical_states_on_a_large_workload() {
    for kind in PolicyKind::all() {
        let build = || {
            Cache::<u64, u64, _>::builder()
                .max_size(1000)
                .policy(*kind)
                .build()
                .unwrap()
        };
        let (a, b) = (build(), build());
        let mut x: u64 = 1;
        for _ in 0..50_000 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let key = (x >> 33) % 5000;
            for cache in [&a, &b] {
                if cache.get(&key).is_none() {
                    cache.insert(key, key).unwrap();
                }
            }
        }
        assert_eq!(a.keys(), b.keys(), "{kind}");
        assert_eq!(a.stats(), b.stats(), "{kind}");
    }
}
