//! Each policy crate (and each reference policy) driven directly and the same policy inside
//! `clientcache::Cache` give exactly the same hit count: the direct driver mirrors the
//! cache's protocol (events, ids, hashes), so the simulator's fast path measures what the
//! cache would do.

use clientcache_verify::policies::{Ours, Reference};
use clientcache_verify::sim::{Prepared, SimPolicy, run_one};
use clientcache_verify::trace::Trace;
use clientcache_verify::workload::WorkloadSpec;

mod shared_traces;

fn assert_agree(trace: Trace, capacities: &[usize]) {
    let name = trace.name.clone();
    let prepared = Prepared::new(trace, 0.0);
    let ours = Ours::ALL
        .iter()
        .map(|&o| (SimPolicy::Direct(o), SimPolicy::Cache(o)));
    let reference = Reference::ALL
        .iter()
        .map(|&r| (SimPolicy::Reference(r), SimPolicy::ReferenceCache(r)));
    let pairs: Vec<(SimPolicy, SimPolicy)> = ours.chain(reference).collect();
    for &capacity in capacities {
        for &(direct_policy, cache_policy) in &pairs {
            let direct = run_one(&prepared, direct_policy, capacity, &mut |_| {}).unwrap();
            let cached = run_one(&prepared, cache_policy, capacity, &mut |_| {}).unwrap();
            assert_eq!(
                direct.hits, cached.hits,
                "{direct_policy} on {name} at capacity {capacity}: {} hits directly, {} through \
                 Cache",
                direct.hits, cached.hits
            );
        }
    }
}

fn workload(spec: &str) -> Trace {
    spec.parse::<WorkloadSpec>().unwrap().generate()
}

#[test]
fn direct_and_cache_agree_on_synthetic_workloads() {
    assert_agree(
        workload("zipf:s=0.9,n=5000,requests=60000,seed=3"),
        &[0, 1, 50, 500],
    );
    assert_agree(
        workload("scan:s=0.99,n=3000,every=5000,len=1500,requests=60000"),
        &[100, 1000],
    );
    assert_agree(
        workload("shift:s=0.8,n=2000,period=10000,step=700,requests=60000"),
        &[300],
    );
    assert_agree(workload("loop:n=700,requests=20000"), &[512, 700]);
}

#[test]
fn direct_and_cache_agree_on_a_shared_trace() {
    assert_agree(
        shared_traces::load("lirs/multi2.trace.gz"),
        &[500, 1000, 2000],
    );
}
