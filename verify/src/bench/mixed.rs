//! The multi-threaded mixed workload: every thread runs `get`, and `insert` after a miss, on
//! keys drawn from Zipf(0.99) over 100,000 keys, all threads sharing one cache of 10,000
//! entries; the report is wall time over all threads' operations (ns/op of the whole, so
//! lower is better and perfect scaling halves it per doubling of threads).
//!
//! Each thread replays its own precomputed key stream (its own seed), so no thread waits on a
//! generator. The `Mutex<HashMap>` floor is built with room for the whole key space and never
//! evicts: what remains is the lock, the hash and the probe.

use super::subjects::{BenchCache, SubjectKind};
use super::{BenchConfig, Row, median};
use crate::workload::rng::SplitMix64;
use crate::workload::zipf::Zipf;
use std::hint::black_box;
use std::time::Instant;

/// Distinct keys the workload draws from.
pub const KEY_SPACE: u64 = 100_000;
/// Entries the caches hold (the floor excepted).
pub const CAPACITY: usize = 10_000;
/// The Zipf exponent.
pub const SKEW: f64 = 0.99;

/// Keys per precomputed stream (a power of two: the index wraps with a mask).
const STREAM: usize = 1 << 18;

/// One key stream per thread.
fn streams(threads: usize) -> Vec<Vec<u64>> {
    let zipf = Zipf::new(KEY_SPACE, SKEW).expect("valid parameters");
    (0..threads)
        .map(|t| {
            let mut rng = SplitMix64::new(0x5EED + t as u64);
            (0..STREAM).map(|_| zipf.sample(&mut rng) - 1).collect()
        })
        .collect()
}

/// Runs `ops` get-or-insert operations of `keys` on `cache`, starting at `offset`.
fn drive(cache: &dyn BenchCache, keys: &[u64], offset: usize, ops: usize) {
    let mask = keys.len() - 1;
    for i in offset..offset + ops {
        let key = keys[i & mask];
        if black_box(cache.get(key)).is_none() {
            cache.insert(key, key);
        }
    }
}

/// Median ns per operation (wall time over all threads' operations) of `kind` on `threads`
/// threads.
pub fn mixed(kind: SubjectKind, threads: usize, config: BenchConfig) -> f64 {
    let threads = threads.max(1);
    let capacity = if kind == SubjectKind::MutexHashMap {
        KEY_SPACE as usize
    } else {
        CAPACITY
    };
    let cache = kind.build(capacity);
    let streams = streams(threads);
    drive(cache.as_ref(), &streams[0], 0, STREAM); // warm up: fill the cache
    let per_thread = (config.ops_per_round / threads).max(1);
    let samples = (0..config.rounds)
        .map(|round| {
            let start = Instant::now();
            std::thread::scope(|scope| {
                for keys in &streams {
                    let cache = cache.as_ref();
                    scope.spawn(move || drive(cache, keys, round * per_thread, per_thread));
                }
            });
            start.elapsed().as_nanos() as f64 / (per_thread * threads) as f64
        })
        .collect();
    median(samples)
}

/// One row per thread count.
pub fn rows(subjects: &[SubjectKind], threads: &[usize], config: BenchConfig) -> Vec<Row> {
    threads
        .iter()
        .map(|&t| Row {
            workload: format!(
                "mixed Zipf {SKEW} @{}k/{}k, {t} thread{}",
                CAPACITY / 1000,
                KEY_SPACE / 1000,
                if t == 1 { "" } else { "s" }
            ),
            ns_per_op: subjects.iter().map(|&k| (k, mixed(k, t, config))).collect(),
        })
        .collect()
}
