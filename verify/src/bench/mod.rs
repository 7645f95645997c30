//! The throughput benchmark: every subject measured side by side in one run, medians of
//! several rounds, reported as ns/op and as ratios to the peers.
//!
//! Single-thread workloads (u64 keys and values, keys in a precomputed pseudo-random order so
//! every run times the same sequence):
//! - `get hit @10` and `get hit @100k`: lookups of resident keys, uniform over a full cache;
//! - `insert+evict @10k`: inserts of new keys into a full cache, each one evicting;
//! - the O(1) check: `get hit, 1k hot @1k` and `@1M` look up the same number of hot keys
//!   ([`HOT_KEYS`]) in a full cache of 1,000 and of 1,000,000 entries, so the working set fits
//!   the CPU caches in both and only the cache's own per-operation work can grow with its size;
//!   `get hit, uniform @1M` and `insert+evict @1k` / `@1M` are there for reference (a uniform
//!   lookup in a 1M cache also pays memory misses that no data structure avoids);
//! - memory: resident-set growth per entry at 1M entries, each subject in its own child process
//!   ([`memory`]);
//! - multi-threaded: mixed Zipf, mixed uniform and get-only workloads on 1..N threads sharing
//!   one cache, measured in interleaved rounds ([`concurrent`]).
//!
//! [`render()`] turns the rows into the README's tables.

pub mod concurrent;
pub mod memory;
pub mod render;
pub mod subjects;

pub use render::render;

use std::hint::black_box;
use std::time::Instant;
use subjects::{BenchCache, SubjectKind};

/// How much work each measurement does.
#[derive(Clone, Copy, Debug)]
pub struct BenchConfig {
    /// Timed rounds per measurement; the median is reported.
    pub rounds: usize,
    /// Operations per round.
    pub ops_per_round: usize,
    /// Entries for the memory probe.
    pub memory_entries: usize,
    /// Rounds per multi-threaded row, each running every subject once.
    pub threaded_rounds: usize,
    /// Operations per thread in one multi-threaded round.
    pub threaded_ops: usize,
}

impl BenchConfig {
    /// The full run the README quotes.
    pub const FULL: BenchConfig = BenchConfig {
        rounds: 9,
        ops_per_round: 2_000_000,
        memory_entries: 1_000_000,
        threaded_rounds: 25,
        threaded_ops: 200_000,
    };
    /// A seconds-long run that checks the harness works.
    pub const QUICK: BenchConfig = BenchConfig {
        rounds: 3,
        ops_per_round: 20_000,
        memory_entries: 20_000,
        threaded_rounds: 3,
        threaded_ops: 5_000,
    };
}

/// One row of the report: a workload and the median ns/op of each subject.
#[derive(Clone, Debug, Default)]
pub struct Row {
    /// The workload's name.
    pub workload: String,
    /// `(subject, median ns/op)` in the order the subjects were given.
    pub ns_per_op: Vec<(SubjectKind, f64)>,
    /// `(subject, interquartile range over the median)` of the rounds behind each median, for
    /// the rows that report it (the multi-threaded ones); after [`median_rows`], the median of
    /// the runs' spreads.
    pub spread: Vec<(SubjectKind, f64)>,
    /// `(subject, (slowest - fastest) / median)` of the runs' figures, set by
    /// [`median_rows`] when there were several runs.
    pub disagreement: Vec<(SubjectKind, f64)>,
}

impl Row {
    /// The median ns/op of `kind`.
    pub fn get(&self, kind: SubjectKind) -> Option<f64> {
        self.ns_per_op
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|&(_, ns)| ns)
    }

    /// The spread of `kind`'s rounds, if the row reports one.
    pub fn spread_of(&self, kind: SubjectKind) -> Option<f64> {
        lookup(&self.spread, kind)
    }

    /// How far `kind`'s runs disagree, if there were several.
    pub fn disagreement_of(&self, kind: SubjectKind) -> Option<f64> {
        lookup(&self.disagreement, kind)
    }
}

fn lookup(cells: &[(SubjectKind, f64)], kind: SubjectKind) -> Option<f64> {
    cells.iter().find(|(k, _)| *k == kind).map(|&(_, x)| x)
}

/// Keys in the hot working set of the O(1) check.
pub const HOT_KEYS: usize = 1_000;

/// What one single-thread row measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Workload {
    /// `get` of keys drawn uniformly from a full cache of `capacity` entries.
    GetHit {
        /// Entries in the cache.
        capacity: usize,
    },
    /// `get` of [`HOT_KEYS`] keys spread evenly over a full cache of `capacity` entries.
    GetHot {
        /// Entries in the cache.
        capacity: usize,
    },
    /// `insert` of new keys into a full cache of `capacity` entries.
    InsertEvict {
        /// Entries in the cache.
        capacity: usize,
    },
}

impl Workload {
    /// The single-thread workloads, in report order.
    pub const ALL: [Workload; 8] = [
        Workload::GetHit { capacity: 10 },
        Workload::GetHit { capacity: 100_000 },
        Workload::InsertEvict { capacity: 10_000 },
        Workload::GetHot { capacity: 1_000 },
        Workload::GetHot {
            capacity: 1_000_000,
        },
        Workload::GetHit {
            capacity: 1_000_000,
        },
        Workload::InsertEvict { capacity: 1_000 },
        Workload::InsertEvict {
            capacity: 1_000_000,
        },
    ];

    /// The row's name.
    ///
    /// ```
    /// use clientcache_verify::bench::Workload;
    ///
    /// assert_eq!(Workload::GetHot { capacity: 1_000_000 }.name(), "get hit, 1k hot @1M");
    /// assert_eq!(Workload::InsertEvict { capacity: 10_000 }.name(), "insert+evict @10k");
    /// ```
    pub fn name(self) -> String {
        match self {
            Workload::GetHit { capacity } if capacity >= 1_000_000 => {
                format!("get hit, uniform @{}", size(capacity))
            }
            Workload::GetHit { capacity } => format!("get hit @{}", size(capacity)),
            Workload::GetHot { capacity } => {
                format!("get hit, {} hot @{}", size(HOT_KEYS), size(capacity))
            }
            Workload::InsertEvict { capacity } => format!("insert+evict @{}", size(capacity)),
        }
    }

    /// The command-line name (`bench --workloads`): `get-hit@10`, `get-hot@1M`,
    /// `insert-evict@10k`, ...
    ///
    /// ```
    /// use clientcache_verify::bench::Workload;
    ///
    /// assert_eq!(Workload::GetHit { capacity: 100_000 }.slug(), "get-hit@100k");
    /// assert_eq!(Workload::from_slug("insert-evict@10k"), Some(Workload::InsertEvict { capacity: 10_000 }));
    /// ```
    pub fn slug(self) -> String {
        let (kind, capacity) = match self {
            Workload::GetHit { capacity } => ("get-hit", capacity),
            Workload::GetHot { capacity } => ("get-hot", capacity),
            Workload::InsertEvict { capacity } => ("insert-evict", capacity),
        };
        format!("{kind}@{}", size(capacity))
    }

    /// The workload of [`Workload::ALL`] named `slug`.
    pub fn from_slug(slug: &str) -> Option<Workload> {
        Workload::ALL.into_iter().find(|w| w.slug() == slug.trim())
    }

    /// Median ns per operation of `kind` on this workload.
    pub fn measure(self, kind: SubjectKind, config: BenchConfig) -> f64 {
        match self {
            Workload::GetHit { capacity } => get_hit(kind, capacity, config),
            Workload::GetHot { capacity } => get_hot(kind, capacity, config),
            Workload::InsertEvict { capacity } => insert_evict(kind, capacity, config),
        }
    }
}

/// `10`, `10k`, `1M`: a capacity as the report names it.
fn size(n: usize) -> String {
    match n {
        n if n >= 1_000_000 && n % 1_000_000 == 0 => format!("{}M", n / 1_000_000),
        n if n >= 1_000 && n % 1_000 == 0 => format!("{}k", n / 1_000),
        n => n.to_string(),
    }
}

/// Pseudo-random keys in `0..n` (xorshift; fixed seed so every run times the same order).
fn key_order(n: usize, len: usize) -> Vec<u64> {
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n as u64
        })
        .collect()
}

/// The median of `samples` (the upper one of the middle two for an even count).
///
/// # Panics
///
/// When `samples` is empty.
pub fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn filled(kind: SubjectKind, capacity: usize) -> Box<dyn BenchCache> {
    let cache = kind.build(capacity);
    for key in 0..capacity as u64 {
        cache.insert(key, key);
    }
    cache
}

/// Median ns per `get` of `keys` (a power-of-two count, replayed cyclically) on `cache`.
fn time_gets(cache: &dyn BenchCache, keys: &[u64], config: BenchConfig) -> f64 {
    let mask = keys.len() - 1;
    debug_assert!(keys.len().is_power_of_two());
    let samples = (0..config.rounds)
        .map(|_| {
            let start = Instant::now();
            for i in 0..config.ops_per_round {
                black_box(cache.get(keys[i & mask]));
            }
            start.elapsed().as_nanos() as f64 / config.ops_per_round as f64
        })
        .collect();
    median(samples)
}

/// Median ns per `get` of a resident key drawn uniformly from a full cache of `capacity`
/// entries.
pub fn get_hit(kind: SubjectKind, capacity: usize, config: BenchConfig) -> f64 {
    let cache = filled(kind, capacity);
    time_gets(cache.as_ref(), &key_order(capacity, 1 << 16), config)
}

/// Median ns per `get` of one of [`HOT_KEYS`] resident keys, spread evenly over the key space
/// of a full cache of `capacity` entries (all of them when `capacity` is `HOT_KEYS` or less).
pub fn get_hot(kind: SubjectKind, capacity: usize, config: BenchConfig) -> f64 {
    let cache = filled(kind, capacity);
    let hot = HOT_KEYS.min(capacity);
    let stride = (capacity / hot) as u64;
    let keys: Vec<u64> = key_order(hot, 1 << 16)
        .into_iter()
        .map(|k| k * stride)
        .collect();
    time_gets(cache.as_ref(), &keys, config)
}

/// Median ns per `insert` of a new key into a full cache of `capacity` entries.
pub fn insert_evict(kind: SubjectKind, capacity: usize, config: BenchConfig) -> f64 {
    let cache = filled(kind, capacity);
    let mut next = capacity as u64;
    let samples = (0..config.rounds)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..config.ops_per_round {
                cache.insert(next, next);
                next += 1;
            }
            start.elapsed().as_nanos() as f64 / config.ops_per_round as f64
        })
        .collect();
    median(samples)
}

/// Runs each of `workloads` for every subject in `subjects`.
pub fn run(workloads: &[Workload], subjects: &[SubjectKind], config: BenchConfig) -> Vec<Row> {
    workloads
        .iter()
        .map(|&workload| Row {
            workload: workload.name(),
            ns_per_op: subjects
                .iter()
                .map(|&kind| (kind, workload.measure(kind, config)))
                .collect(),
            ..Row::default()
        })
        .collect()
}

/// Per-cell medians of several runs of the same rows (the same workloads and subjects, in the
/// same order): on a shared machine a load that lasts minutes skews a whole run, so runs spread
/// over time and a median per cell resist it better than more rounds in one run.
///
/// Each cell's disagreement is how far its runs lie apart, `(slowest - fastest) / median`.
///
/// ```
/// use clientcache_verify::bench::{Row, median_rows};
/// use clientcache_verify::bench::subjects::SubjectKind::OursLru;
///
/// let run = |ns| vec![Row { workload: "w".into(), ns_per_op: vec![(OursLru, ns)], ..Row::default() }];
/// let merged = median_rows(&[run(30.0), run(10.0), run(20.0)]);
/// assert_eq!(merged[0].get(OursLru), Some(20.0));
/// assert_eq!(merged[0].disagreement_of(OursLru), Some(1.0));
/// ```
pub fn median_rows(runs: &[Vec<Row>]) -> Vec<Row> {
    let Some(first) = runs.first() else {
        return Vec::new();
    };
    first
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let cells = |read: &dyn Fn(&Row, SubjectKind) -> Option<f64>, kind| -> Vec<f64> {
                runs.iter()
                    .filter_map(|run| read(run.get(i)?, kind))
                    .collect()
            };
            let mut merged = Row {
                workload: row.workload.clone(),
                ..Row::default()
            };
            for &(kind, _) in &row.ns_per_op {
                let figures = cells(&|r, k| r.get(k), kind);
                let middle = if figures.is_empty() {
                    f64::NAN
                } else {
                    median(figures.clone())
                };
                merged.ns_per_op.push((kind, middle));
                if figures.len() > 1 {
                    let (low, high) = figures
                        .iter()
                        .fold((f64::MAX, f64::MIN), |(l, h), &x| (l.min(x), h.max(x)));
                    merged.disagreement.push((kind, (high - low) / middle));
                }
                let spreads = cells(&|r, k| r.spread_of(k), kind);
                if !spreads.is_empty() {
                    merged.spread.push((kind, median(spreads)));
                }
            }
            merged
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_order_stays_in_range_and_repeats_across_runs() {
        let a = key_order(10, 1000);
        assert!(a.iter().all(|&k| k < 10));
        assert_eq!(a, key_order(10, 1000));
    }

    #[test]
    fn median_takes_the_middle_sample() {
        assert_eq!(median(vec![5.0, 1.0, 3.0]), 3.0);
    }

    #[test]
    fn sizes_are_named_in_thousands_and_millions() {
        assert_eq!(size(10), "10");
        assert_eq!(size(100_000), "100k");
        assert_eq!(size(1_000_000), "1M");
        assert_eq!(size(1_500), "1500");
    }

    #[test]
    fn the_hot_key_order_visits_every_hot_key() {
        let hot = key_order(HOT_KEYS, 1 << 16);
        let distinct: std::collections::HashSet<_> = hot.iter().collect();
        assert_eq!(distinct.len(), HOT_KEYS);
    }

    #[test]
    fn a_tiny_run_measures_every_subject_on_every_workload() {
        let config = BenchConfig {
            rounds: 1,
            ops_per_round: 64,
            ..BenchConfig::QUICK
        };
        for workload in [
            Workload::GetHit { capacity: 10 },
            Workload::GetHot { capacity: 2_000 },
            Workload::InsertEvict { capacity: 10 },
        ] {
            for kind in SubjectKind::ALL {
                let ns = workload.measure(kind, config);
                assert!(
                    ns.is_finite() && ns > 0.0,
                    "{} {}: {ns}",
                    workload.name(),
                    kind.name()
                );
            }
        }
    }
}
