//! The single-thread benchmark: every subject measured side by side in one run, medians of
//! several rounds, reported as ns/op and as ratios to the peers.
//!
//! Workloads (u64 keys and values):
//! - `get hit @10` and `get hit @100k`: lookups of resident keys in a full cache, keys in a
//!   precomputed pseudo-random order;
//! - `insert+evict @10k`: inserts of new keys into a full cache, each one evicting;
//! - `get hit @1k` / `@1M` and `insert+evict @1k` / `@1M`: the O(1) check (cost at 1M over
//!   cost at 1k);
//! - memory: resident-set growth per entry at 1M entries, each subject in its own child process
//!   ([`memory`]).

pub mod memory;
pub mod subjects;

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
}

impl BenchConfig {
    /// The full run the README quotes.
    pub const FULL: BenchConfig = BenchConfig {
        rounds: 9,
        ops_per_round: 2_000_000,
        memory_entries: 1_000_000,
    };
    /// A seconds-long run that checks the harness works.
    pub const QUICK: BenchConfig = BenchConfig {
        rounds: 3,
        ops_per_round: 20_000,
        memory_entries: 20_000,
    };
}

/// One row of the report: a workload and the median ns/op of each subject.
#[derive(Clone, Debug)]
pub struct Row {
    /// The workload's name.
    pub workload: String,
    /// `(subject, median ns/op)` in [`SubjectKind::ALL`] order.
    pub ns_per_op: Vec<(SubjectKind, f64)>,
}

impl Row {
    /// The median ns/op of `kind`.
    pub fn get(&self, kind: SubjectKind) -> Option<f64> {
        self.ns_per_op
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|&(_, ns)| ns)
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

fn median(mut samples: Vec<f64>) -> f64 {
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

/// Median ns per `get` of a resident key in a full cache of `capacity` entries.
pub fn get_hit(kind: SubjectKind, capacity: usize, config: BenchConfig) -> f64 {
    let cache = filled(kind, capacity);
    let keys = key_order(capacity, 1 << 16);
    let mask = keys.len() - 1;
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

/// A named single-thread workload: what it measures and at which capacity.
type Workload = (
    &'static str,
    fn(SubjectKind, usize, BenchConfig) -> f64,
    usize,
);

/// The workloads, in report order.
const WORKLOADS: [Workload; 7] = [
    ("get hit @10", get_hit, 10),
    ("get hit @100k", get_hit, 100_000),
    ("insert+evict @10k", insert_evict, 10_000),
    ("get hit @1k", get_hit, 1_000),
    ("get hit @1M", get_hit, 1_000_000),
    ("insert+evict @1k", insert_evict, 1_000),
    ("insert+evict @1M", insert_evict, 1_000_000),
];

/// Runs every workload for every subject in `subjects`.
pub fn run(subjects: &[SubjectKind], config: BenchConfig) -> Vec<Row> {
    WORKLOADS
        .iter()
        .map(|&(name, measure, capacity)| Row {
            workload: name.to_string(),
            ns_per_op: subjects
                .iter()
                .map(|&kind| (kind, measure(kind, capacity, config)))
                .collect(),
        })
        .collect()
}

/// Formats the rows as a Markdown table: ns/op per subject, then ours (LRU) over each peer.
pub fn render(rows: &[Row], subjects: &[SubjectKind]) -> String {
    let mut out = String::from("| workload |");
    for kind in subjects {
        out += &format!(" {} ns/op |", kind.name());
    }
    let peers: Vec<SubjectKind> = subjects
        .iter()
        .copied()
        .filter(|k| !matches!(k, SubjectKind::OursLru | SubjectKind::OursLfu))
        .collect();
    for peer in &peers {
        out += &format!(" LRU / {} |", peer.name());
    }
    out += "\n|---|";
    out += &"---:|".repeat(subjects.len() + peers.len());
    out += "\n";
    for row in rows {
        out += &format!("| {} |", row.workload);
        for kind in subjects {
            out += &format!(" {:.1} |", row.get(*kind).unwrap_or(f64::NAN));
        }
        let ours = row.get(SubjectKind::OursLru).unwrap_or(f64::NAN);
        for peer in &peers {
            out += &format!(" {:.2}x |", ours / row.get(*peer).unwrap_or(f64::NAN));
        }
        out += "\n";
    }
    out
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
    fn quick_run_measures_every_subject_on_every_workload() {
        let config = BenchConfig {
            rounds: 1,
            ops_per_round: 100,
            memory_entries: 100,
        };
        let subjects = [SubjectKind::OursLru, SubjectKind::MutexLru];
        let (name, measure, _) = WORKLOADS[0];
        let ns = measure(SubjectKind::OursLru, 10, config);
        assert!(ns.is_finite() && ns > 0.0, "{name}: {ns}");
        let rows = vec![Row {
            workload: name.to_string(),
            ns_per_op: subjects
                .iter()
                .map(|&k| (k, measure(k, 10, config)))
                .collect(),
        }];
        let table = render(&rows, &subjects);
        assert!(table.contains("| get hit @10 |"), "{table}");
        assert!(table.contains("LRU / Mutex<lru::LruCache>"), "{table}");
    }
}
