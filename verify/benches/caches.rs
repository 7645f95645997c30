//! The criterion suite: regression tracking for the cache's hot paths and the simulator, with
//! the peers measured in the same run.
//!
//! The side-by-side report the README quotes comes from `clientcache-verify bench`; this
//! suite is for spotting a regression between two commits (`cargo bench -p
//! clientcache-verify`, criterion compares with the previous run). CI only compiles it.
// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use clientcache_verify::bench::subjects::SubjectKind;
use clientcache_verify::policies::Ours;
use clientcache_verify::sim::{Prepared, SimPolicy, run_one};
use clientcache_verify::workload::WorkloadSpec;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

/// Entries in the caches of the point benchmarks.
const ENTRIES: u64 = 10_000;

fn get_hit(c: &mut Criterion) {
    let mut group = c.benchmark_group("get_hit_10k");
    for kind in SubjectKind::ALL {
        let cache = kind.build(ENTRIES as usize);
        for key in 0..ENTRIES {
            cache.insert(key, key);
        }
        let mut key = 0;
        group.bench_function(kind.slug(), |b| {
            b.iter(|| {
                key = (key + 7_919) % ENTRIES; // a stride prime to ENTRIES visits every key
                black_box(cache.get(key))
            })
        });
    }
    group.finish();
}

fn insert_evict(c: &mut Criterion) {
    let mut group = c.benchmark_group("insert_evict_10k");
    for kind in SubjectKind::ALL {
        let cache = kind.build(ENTRIES as usize);
        for key in 0..ENTRIES {
            cache.insert(key, key);
        }
        let mut next = ENTRIES;
        group.bench_function(kind.slug(), |b| {
            b.iter(|| {
                cache.insert(next, next);
                next += 1;
            })
        });
    }
    group.finish();
}

fn replay(c: &mut Criterion) {
    let spec: WorkloadSpec = "zipf:s=0.99,n=100000,requests=200000"
        .parse()
        .expect("valid spec");
    let policies: Vec<SimPolicy> = Ours::ALL
        .iter()
        .flat_map(|&o| [SimPolicy::Direct(o), SimPolicy::Cache(o)])
        .collect();
    let prepared = Prepared::new(spec.generate(), 0.0);
    let mut group = c.benchmark_group("replay_zipf_200k_at_1000");
    group.throughput(Throughput::Elements(prepared.requests() as u64));
    group.sample_size(20);
    for &policy in &policies {
        group.bench_function(policy.slug(), |b| {
            b.iter(|| {
                run_one(&prepared, policy, 1_000, &mut |_| {})
                    .expect("runs")
                    .hits
            })
        });
    }
    group.finish();
}

criterion_group!(benches, get_hit, insert_evict, replay);
criterion_main!(benches);
