//! Fixed points on the shared traces that pin our policies to the reference semantics: any
//! exact LRU must hit them, our LFU must match the reference LFU, and the optimum Bélády's.
//!
//! The traces live in `shared/traces` beside the workspace; when that folder is missing these
//! tests fail (never skip) and say where they looked (`shared_traces`).

use clientcache_verify::policies::Ours;
use clientcache_verify::sim::{RunResult, SimPolicy, standard};
use shared_traces::{replay, traces_dir};

mod shared_traces;

fn assert_ratio(results: &[RunResult], expected: &str) {
    for r in results {
        assert_eq!(
            standard::percent(r),
            expected,
            "{} on {} at {}: {} hits of {}",
            r.policy,
            r.trace,
            r.capacity,
            r.hits,
            r.requests
        );
    }
}

const LRU: SimPolicy = SimPolicy::Direct(Ours::Lru);
const LFU: SimPolicy = SimPolicy::Direct(Ours::Lfu);

#[test]
fn exact_lru_hits_the_oltp_fixed_points() {
    let policies = [LRU, SimPolicy::Cache(Ours::Lru), SimPolicy::LruCrate];
    assert_ratio(&replay("arc/OLTP.lis.zst", 1000, &policies), "32.83");
    assert_ratio(&replay("arc/OLTP.lis.zst", 2000, &[LRU]), "42.47");
}

#[test]
fn exact_lru_hits_the_lirs_fixed_points() {
    assert_ratio(
        &replay("lirs/gli.trace.gz", 1000, &[LRU, SimPolicy::LruCrate]),
        "11.21",
    );
    assert_ratio(&replay("lirs/loop.trace.gz", 512, &[LRU]), "0.00");
}

#[test]
fn belady_hits_the_loop_optimum() {
    assert_ratio(
        &replay("lirs/loop.trace.gz", 512, &[SimPolicy::Opt]),
        "50.54",
    );
    assert_ratio(
        &replay("lirs/gli.trace.gz", 250, &[SimPolicy::Opt]),
        "17.64",
    );
}

#[test]
fn our_lfu_matches_the_reference_lfu() {
    assert_ratio(&replay("arc/OLTP.lis.zst", 1000, &[LFU]), "13.83");
    assert_ratio(
        &replay(
            "lirs/gli.trace.gz",
            1000,
            &[LFU, SimPolicy::Cache(Ours::Lfu)],
        ),
        "31.34",
    );
    assert_ratio(&replay("lirs/sprite.trace.gz", 100, &[LFU]), "6.47");
}

#[test]
fn every_standard_trace_is_present_and_decodes_to_its_documented_size() {
    let dir = traces_dir();
    standard::check_traces_dir(&dir).unwrap();
    // Sizes from the traces' README (requests).
    for (path, requests) in [
        ("arc/OLTP.lis.zst", 914_145),
        ("lirs/loop.trace.gz", 505_500),
        ("cache2k/web07.trace.xz", 76_118),
    ] {
        assert_eq!(shared_traces::load(path).len(), requests, "{path}");
    }
}
