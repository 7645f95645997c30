//! The multi-threaded workloads: every thread works on one shared cache.
//!
//! - `mixed Zipf 0.99`: `get`, and `insert` after a miss, of keys drawn from Zipf(0.99) over
//!   100,000 keys, on a cache of 10,000 entries (most operations hit a few hot keys);
//! - `mixed uniform`: the same on keys drawn uniformly from the 100,000 (most operations miss
//!   and insert, so evictions dominate);
//! - `get hit @100k`: `get` of keys drawn uniformly from a full cache of 100,000 entries.
//!
//! The report is wall time over all threads' operations (ns/op of the whole: lower is better,
//! and perfect scaling halves it per doubling of threads).
//!
//! # Making the rows trustworthy on a small shared machine
//!
//! A row's subjects are measured in the same stretch of time: each round runs every subject
//! once, in an order that rotates from round to round, so a burst of load elsewhere on the
//! machine hits all of them rather than one. A round is short (a fixed number of operations per
//! thread, [`BenchConfig::threaded_ops`]), its threads are spawned first and released together
//! by a barrier, and its time runs from the first thread's start to the last one's end. Each cell is the
//! median of its rounds, printed with its spread (the interquartile range over the median);
//! `bench --runs 3` takes the median of three whole runs and names the rows whose runs
//! disagree by more than 25 %.
//!
//! Each thread replays its own precomputed key stream (its own seed), so no thread waits on a
//! generator. The `Mutex<HashMap>` floor is built with room for the whole key space and never
//! evicts: what remains is the lock, the hash and the probe.

use super::subjects::{BenchCache, SubjectKind};
use super::{BenchConfig, Row, median};
use crate::workload::rng::SplitMix64;
use crate::workload::zipf::Zipf;
use std::hint::black_box;
use std::sync::Barrier;
use std::time::Instant;

/// Distinct keys the workloads draw from.
pub const KEY_SPACE: u64 = 100_000;
/// Entries the caches of the mixed workloads hold (the floor excepted).
pub const CAPACITY: usize = 10_000;
/// The Zipf exponent.
pub const SKEW: f64 = 0.99;

/// Keys per precomputed stream (a power of two: the index wraps with a mask).
const STREAM: usize = 1 << 18;

/// A multi-threaded workload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Concurrent {
    /// Get, insert on a miss; Zipf(0.99) keys.
    MixedZipf,
    /// Get, insert on a miss; uniform keys.
    MixedUniform,
    /// Get only, of resident keys, uniform over a full cache of [`KEY_SPACE`] entries.
    GetHit,
}

impl Concurrent {
    /// Every workload, in report order.
    pub const ALL: [Concurrent; 3] = [
        Concurrent::MixedZipf,
        Concurrent::MixedUniform,
        Concurrent::GetHit,
    ];

    /// The row's name at `threads` threads.
    ///
    /// ```
    /// use clientcache_verify::bench::concurrent::Concurrent;
    ///
    /// assert_eq!(Concurrent::MixedZipf.name(2), "mixed Zipf 0.99 @10k/100k, 2 threads");
    /// assert_eq!(Concurrent::GetHit.name(1), "get hit @100k, 1 thread");
    /// ```
    pub fn name(self, threads: usize) -> String {
        let threads = format!("{threads} thread{}", if threads == 1 { "" } else { "s" });
        let (keys, capacity) = (KEY_SPACE / 1000, CAPACITY / 1000);
        match self {
            Concurrent::MixedZipf => format!("mixed Zipf {SKEW} @{capacity}k/{keys}k, {threads}"),
            Concurrent::MixedUniform => format!("mixed uniform @{capacity}k/{keys}k, {threads}"),
            Concurrent::GetHit => format!("get hit @{keys}k, {threads}"),
        }
    }

    /// The capacity `kind` is built with.
    fn capacity(self, kind: SubjectKind) -> usize {
        match self {
            Concurrent::GetHit => KEY_SPACE as usize,
            _ if kind == SubjectKind::MutexHashMap => KEY_SPACE as usize,
            _ => CAPACITY,
        }
    }

    /// One key stream per thread.
    fn streams(self, threads: usize) -> Vec<Vec<u64>> {
        let zipf = Zipf::new(KEY_SPACE, SKEW).expect("valid parameters");
        (0..threads)
            .map(|t| {
                let mut rng = SplitMix64::new(0x5EED + t as u64);
                (0..STREAM)
                    .map(|_| match self {
                        Concurrent::MixedZipf => zipf.sample(&mut rng) - 1,
                        _ => rng.next_u64() % KEY_SPACE,
                    })
                    .collect()
            })
            .collect()
    }

    /// A cache of `kind`, ready for the first round: full of the keys the rounds ask for.
    fn prepare(self, kind: SubjectKind, streams: &[Vec<u64>]) -> Box<dyn BenchCache> {
        let cache = kind.build(self.capacity(kind));
        match self {
            Concurrent::GetHit => (0..KEY_SPACE).for_each(|key| cache.insert(key, key)),
            _ => mixed(cache.as_ref(), &streams[0], 0, STREAM),
        }
        cache
    }

    /// Runs `ops` operations of `keys`, starting at `offset`.
    fn drive(self, cache: &dyn BenchCache, keys: &[u64], offset: usize, ops: usize) {
        match self {
            Concurrent::GetHit => {
                let mask = keys.len() - 1;
                for i in offset..offset + ops {
                    black_box(cache.get(keys[i & mask]));
                }
            }
            _ => mixed(cache, keys, offset, ops),
        }
    }
}

/// Get, and insert after a miss, of `ops` keys of `keys` from `offset` on.
fn mixed(cache: &dyn BenchCache, keys: &[u64], offset: usize, ops: usize) {
    let mask = keys.len() - 1;
    for i in offset..offset + ops {
        let key = keys[i & mask];
        if black_box(cache.get(key)).is_none() {
            cache.insert(key, key);
        }
    }
}

/// One round: `per_thread` operations on each of `streams.len()` threads, released together
/// by a barrier; ns per operation over all threads, from the first thread's start to the last
/// one's end (each thread reads the clock itself: on a busy machine the releasing thread may
/// not run again until the others are done).
fn round(
    workload: Concurrent,
    cache: &dyn BenchCache,
    streams: &[Vec<u64>],
    offset: usize,
    per_thread: usize,
) -> f64 {
    let start = Barrier::new(streams.len());
    let spans: Vec<(Instant, Instant)> = std::thread::scope(|scope| {
        let handles: Vec<_> = streams
            .iter()
            .map(|keys| {
                let start = &start;
                scope.spawn(move || {
                    start.wait();
                    let began = Instant::now();
                    workload.drive(cache, keys, offset, per_thread);
                    (began, Instant::now())
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a benchmark thread panicked"))
            .collect()
    });
    let first = spans
        .iter()
        .map(|s| s.0)
        .min()
        .expect("at least one thread");
    let last = spans
        .iter()
        .map(|s| s.1)
        .max()
        .expect("at least one thread");
    (last - first).as_nanos() as f64 / (per_thread * streams.len()) as f64
}

/// The interquartile range of `samples` over their median (0 for fewer than 4 samples).
///
/// ```
/// use clientcache_verify::bench::concurrent::relative_iqr;
///
/// assert_eq!(relative_iqr(&[10.0, 10.0, 10.0, 10.0]), 0.0);
/// assert_eq!(relative_iqr(&[8.0, 9.0, 10.0, 11.0, 12.0]), 0.2);
/// ```
pub fn relative_iqr(samples: &[f64]) -> f64 {
    if samples.len() < 4 {
        return 0.0;
    }
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q).round() as usize];
    (at(0.75) - at(0.25)) / median(sorted.clone())
}

/// One row: `workload` on `threads` threads, every subject measured in interleaved rounds.
pub fn row(
    workload: Concurrent,
    subjects: &[SubjectKind],
    threads: usize,
    config: BenchConfig,
) -> Row {
    let threads = threads.max(1);
    let streams = workload.streams(threads);
    let caches: Vec<Box<dyn BenchCache>> = subjects
        .iter()
        .map(|&kind| workload.prepare(kind, &streams))
        .collect();
    let per_thread = config.threaded_ops;
    let mut samples = vec![Vec::with_capacity(config.threaded_rounds); subjects.len()];
    for r in 0..config.threaded_rounds {
        for i in 0..subjects.len() {
            let at = (i + r) % subjects.len(); // rotate who goes first
            let offset = (r * per_thread) % STREAM;
            let ns = round(workload, caches[at].as_ref(), &streams, offset, per_thread);
            samples[at].push(ns);
        }
    }
    Row {
        workload: workload.name(threads),
        ns_per_op: subjects
            .iter()
            .zip(&samples)
            .map(|(&kind, s)| (kind, median(s.clone())))
            .collect(),
        spread: subjects
            .iter()
            .zip(&samples)
            .map(|(&kind, s)| (kind, relative_iqr(s)))
            .collect(),
        disagreement: Vec::new(),
    }
}

/// Every workload at every thread count.
pub fn rows(subjects: &[SubjectKind], threads: &[usize], config: BenchConfig) -> Vec<Row> {
    Concurrent::ALL
        .iter()
        .flat_map(|&workload| {
            threads
                .iter()
                .map(move |&t| row(workload, subjects, t, config))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_workload_measures_its_subjects_at_two_threads() {
        let config = BenchConfig {
            threaded_rounds: 2,
            threaded_ops: 64,
            ..BenchConfig::QUICK
        };
        // A few kinds of subject (the single-thread test builds every one): filling 100k-entry
        // caches in a debug build is slow.
        let subjects = [
            SubjectKind::OursTinyLfuSharded,
            SubjectKind::MutexHashMap,
            SubjectKind::TinyUfo,
        ];
        for workload in Concurrent::ALL {
            let row = row(workload, &subjects, 2, config);
            assert_eq!(row.ns_per_op.len(), subjects.len());
            for (kind, ns) in &row.ns_per_op {
                assert!(
                    ns.is_finite() && *ns > 0.0,
                    "{} {}: {ns}",
                    row.workload,
                    kind.name()
                );
            }
        }
    }

    #[test]
    fn uniform_streams_cover_the_key_space_and_zipf_streams_are_skewed() {
        let uniform = &Concurrent::MixedUniform.streams(1)[0];
        assert!(uniform.iter().all(|&k| k < KEY_SPACE));
        let distinct: std::collections::HashSet<_> = uniform.iter().collect();
        assert!(distinct.len() > 90_000, "{}", distinct.len());
        let zipf = &Concurrent::MixedZipf.streams(1)[0];
        let hottest = zipf.iter().filter(|&&k| k == 0).count();
        assert!(hottest > zipf.len() / 20, "key 0 drawn {hottest} times");
    }

    #[test]
    fn threads_replay_different_streams() {
        let streams = Concurrent::MixedZipf.streams(2);
        assert_ne!(streams[0][..64], streams[1][..64]);
    }
}
