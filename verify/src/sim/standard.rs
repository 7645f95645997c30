//! The standard comparison: the shared traces at their standard capacities (47 points), with
//! the reference figures of `shared/traces/README.md` to check exact policies against.
//!
//! The reference LRU is exact LRU, LFU is O(1) LFU with LRU order among equal counts (a new
//! key at count 1, counts forgotten on eviction), OPT is Bélády's optimum with demand fetch;
//! each figure is a hit ratio in percent with 2 decimals, a lookup per request and an insert
//! after each miss.

use super::{RunResult, SimPolicy};
use crate::policies::Ours;
use std::path::{Path, PathBuf};

/// One reference point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reference {
    /// The trace's path under the traces folder.
    pub path: &'static str,
    /// The capacity.
    pub capacity: usize,
    /// Exact LRU's hit ratio, as printed in the reference table.
    pub lru: &'static str,
    /// O(1) LFU's hit ratio.
    pub lfu: &'static str,
    /// Bélády's optimum.
    pub opt: &'static str,
}

impl Reference {
    /// The trace's file name, as [`crate::trace::load`] names the trace.
    pub fn file_name(&self) -> &'static str {
        self.path.rsplit('/').next().unwrap_or(self.path)
    }
}

/// The 47 reference points, in the reference table's order.
pub const REFERENCE: [Reference; 47] = [
    Reference {
        path: "arc/OLTP.lis.zst",
        capacity: 1000,
        lru: "32.83",
        lfu: "13.83",
        opt: "53.61",
    },
    Reference {
        path: "arc/OLTP.lis.zst",
        capacity: 2000,
        lru: "42.47",
        lfu: "18.15",
        opt: "60.40",
    },
    Reference {
        path: "arc/OLTP.lis.zst",
        capacity: 5000,
        lru: "53.65",
        lfu: "28.00",
        opt: "68.27",
    },
    Reference {
        path: "arc/OLTP.lis.zst",
        capacity: 10000,
        lru: "60.70",
        lfu: "34.08",
        opt: "73.02",
    },
    Reference {
        path: "arc/P6.lis.zst",
        capacity: 32768,
        lru: "4.24",
        lfu: "10.34",
        opt: "38.74",
    },
    Reference {
        path: "arc/P6.lis.zst",
        capacity: 131072,
        lru: "76.18",
        lfu: "34.15",
        opt: "88.00",
    },
    Reference {
        path: "arc/P6.lis.zst",
        capacity: 524288,
        lru: "93.54",
        lfu: "93.29",
        opt: "93.89",
    },
    Reference {
        path: "lirs/loop.trace.gz",
        capacity: 256,
        lru: "0.00",
        lfu: "0.00",
        opt: "25.22",
    },
    Reference {
        path: "lirs/loop.trace.gz",
        capacity: 512,
        lru: "0.00",
        lfu: "0.00",
        opt: "50.54",
    },
    Reference {
        path: "lirs/loop.trace.gz",
        capacity: 768,
        lru: "0.00",
        lfu: "0.00",
        opt: "75.81",
    },
    Reference {
        path: "lirs/gli.trace.gz",
        capacity: 250,
        lru: "0.91",
        lfu: "1.38",
        opt: "17.64",
    },
    Reference {
        path: "lirs/gli.trace.gz",
        capacity: 500,
        lru: "0.95",
        lfu: "1.38",
        opt: "34.26",
    },
    Reference {
        path: "lirs/gli.trace.gz",
        capacity: 1000,
        lru: "11.21",
        lfu: "31.34",
        opt: "53.13",
    },
    Reference {
        path: "lirs/gli.trace.gz",
        capacity: 2000,
        lru: "57.41",
        lfu: "57.41",
        opt: "57.96",
    },
    Reference {
        path: "lirs/zigzag.trace.gz",
        capacity: 256,
        lru: "12.26",
        lfu: "12.26",
        opt: "12.26",
    },
    Reference {
        path: "lirs/zigzag.trace.gz",
        capacity: 512,
        lru: "24.57",
        lfu: "24.57",
        opt: "24.57",
    },
    Reference {
        path: "lirs/zigzag.trace.gz",
        capacity: 1024,
        lru: "49.18",
        lfu: "49.18",
        opt: "49.18",
    },
    Reference {
        path: "lirs/multi1.trace.gz",
        capacity: 500,
        lru: "46.51",
        lfu: "49.27",
        opt: "58.78",
    },
    Reference {
        path: "lirs/multi1.trace.gz",
        capacity: 1000,
        lru: "48.23",
        lfu: "49.74",
        opt: "71.40",
    },
    Reference {
        path: "lirs/multi1.trace.gz",
        capacity: 2000,
        lru: "83.21",
        lfu: "83.23",
        opt: "83.57",
    },
    Reference {
        path: "lirs/multi2.trace.gz",
        capacity: 500,
        lru: "35.98",
        lfu: "35.76",
        opt: "53.60",
    },
    Reference {
        path: "lirs/multi2.trace.gz",
        capacity: 1000,
        lru: "47.80",
        lfu: "50.71",
        opt: "62.16",
    },
    Reference {
        path: "lirs/multi2.trace.gz",
        capacity: 2000,
        lru: "49.00",
        lfu: "50.94",
        opt: "74.65",
    },
    Reference {
        path: "lirs/2_pools.trace.gz",
        capacity: 500,
        lru: "51.06",
        lfu: "51.86",
        opt: "62.84",
    },
    Reference {
        path: "lirs/2_pools.trace.gz",
        capacity: 1000,
        lru: "54.41",
        lfu: "54.36",
        opt: "68.52",
    },
    Reference {
        path: "lirs/2_pools.trace.gz",
        capacity: 2000,
        lru: "59.33",
        lfu: "59.35",
        opt: "75.34",
    },
    Reference {
        path: "lirs/sprite.trace.gz",
        capacity: 100,
        lru: "21.58",
        lfu: "6.47",
        opt: "50.80",
    },
    Reference {
        path: "lirs/sprite.trace.gz",
        capacity: 500,
        lru: "78.30",
        lfu: "25.61",
        opt: "87.88",
    },
    Reference {
        path: "lirs/sprite.trace.gz",
        capacity: 1000,
        lru: "90.64",
        lfu: "61.24",
        opt: "93.24",
    },
    Reference {
        path: "lirs/cpp.trace.gz",
        capacity: 61,
        lru: "19.35",
        lfu: "52.93",
        opt: "71.06",
    },
    Reference {
        path: "lirs/cpp.trace.gz",
        capacity: 245,
        lru: "82.89",
        lfu: "85.18",
        opt: "86.48",
    },
    Reference {
        path: "lirs/cpp.trace.gz",
        capacity: 612,
        lru: "85.87",
        lfu: "85.96",
        opt: "86.48",
    },
    Reference {
        path: "lirs/cs.trace.gz",
        capacity: 70,
        lru: "1.83",
        lfu: "1.83",
        opt: "5.96",
    },
    Reference {
        path: "lirs/cs.trace.gz",
        capacity: 282,
        lru: "1.83",
        lfu: "1.83",
        opt: "18.46",
    },
    Reference {
        path: "lirs/cs.trace.gz",
        capacity: 705,
        lru: "1.83",
        lfu: "1.83",
        opt: "43.42",
    },
    Reference {
        path: "lirs/ps.trace.gz",
        capacity: 154,
        lru: "12.19",
        lfu: "16.80",
        opt: "41.48",
    },
    Reference {
        path: "lirs/ps.trace.gz",
        capacity: 617,
        lru: "48.55",
        lfu: "52.59",
        opt: "60.34",
    },
    Reference {
        path: "lirs/ps.trace.gz",
        capacity: 1542,
        lru: "52.58",
        lfu: "52.59",
        opt: "70.49",
    },
    Reference {
        path: "lirs/scan.trace.gz",
        capacity: 100,
        lru: "0.00",
        lfu: "0.00",
        opt: "4.80",
    },
    Reference {
        path: "lirs/scan.trace.gz",
        capacity: 400,
        lru: "0.00",
        lfu: "0.00",
        opt: "19.19",
    },
    Reference {
        path: "lirs/scan.trace.gz",
        capacity: 1001,
        lru: "0.00",
        lfu: "0.00",
        opt: "48.02",
    },
    Reference {
        path: "cache2k/web07.trace.xz",
        capacity: 205,
        lru: "39.17",
        lfu: "30.64",
        opt: "53.41",
    },
    Reference {
        path: "cache2k/web07.trace.xz",
        capacity: 1024,
        lru: "50.56",
        lfu: "45.20",
        opt: "63.72",
    },
    Reference {
        path: "cache2k/web07.trace.xz",
        capacity: 4097,
        lru: "61.04",
        lfu: "60.45",
        opt: "71.72",
    },
    Reference {
        path: "cache2k/orm-night.trace.xz",
        capacity: 865,
        lru: "66.25",
        lfu: "10.31",
        opt: "74.42",
    },
    Reference {
        path: "cache2k/orm-night.trace.xz",
        capacity: 4323,
        lru: "85.40",
        lfu: "42.00",
        opt: "93.33",
    },
    Reference {
        path: "cache2k/orm-night.trace.xz",
        capacity: 17293,
        lru: "95.60",
        lfu: "81.83",
        opt: "97.34",
    },
];

/// `shared/traces` beside the workspace, where the project keeps the traces (found from this
/// crate's source folder at compile time).
pub fn default_traces_dir() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/traces")).to_path_buf()
}

/// The standard traces in reference order, each with its capacities.
pub fn traces() -> Vec<(&'static str, Vec<usize>)> {
    let mut out: Vec<(&'static str, Vec<usize>)> = Vec::new();
    for r in &REFERENCE {
        match out.last_mut() {
            Some((path, caps)) if *path == r.path => caps.push(r.capacity),
            _ => out.push((r.path, vec![r.capacity])),
        }
    }
    out
}

/// The reference point for a trace file name and capacity.
pub fn reference(file_name: &str, capacity: usize) -> Option<&'static Reference> {
    REFERENCE
        .iter()
        .find(|r| r.file_name() == file_name && r.capacity == capacity)
}

/// Checks `dir` holds every standard trace; `Err` says which is missing and what to do.
pub fn check_traces_dir(dir: &Path) -> Result<(), String> {
    for (path, _) in traces() {
        if !dir.join(path).is_file() {
            return Err(format!(
                "the shared trace {path} is not in {}: run from the project checkout with \
                 shared/ beside it, or pass --traces-dir DIR",
                dir.display()
            ));
        }
    }
    Ok(())
}

/// The figure `results` prints as a reference would: percent with 2 decimals.
pub fn percent(result: &RunResult) -> String {
    format!("{:.2}", result.hit_ratio())
}

/// Checks the results against the reference and each other; returns one line per mismatch.
///
/// - `lru`, `cache-lru` and `lru-crate` equal the reference LRU column (exact LRU);
/// - `lfu` and `cache-lfu` equal the reference LFU column;
/// - `opt` equals the reference OPT column;
/// - every `cache-X` (ours and the reference policies) has exactly the hits of `X` on the
///   same point.
pub fn check(results: &[RunResult]) -> Vec<String> {
    let mut problems = Vec::new();
    for result in results {
        let found = percent(result);
        let expected =
            reference(&result.trace, result.capacity).and_then(|r| match result.policy {
                SimPolicy::Direct(Ours::Lru)
                | SimPolicy::Cache(Ours::Lru)
                | SimPolicy::LruCrate => Some(r.lru),
                SimPolicy::Direct(Ours::Lfu) | SimPolicy::Cache(Ours::Lfu) => Some(r.lfu),
                SimPolicy::Opt => Some(r.opt),
                _ => None,
            });
        if let Some(expected) = expected.filter(|&e| e != found) {
            problems.push(format!(
                "{} at {}: {} gives {found} %, the reference {expected} %",
                result.trace, result.capacity, result.policy
            ));
        }
        let direct_policy = match result.policy {
            SimPolicy::Cache(ours) => SimPolicy::Direct(ours),
            SimPolicy::ReferenceCache(reference) => SimPolicy::Reference(reference),
            _ => continue,
        };
        let direct = results.iter().find(|d| {
            d.policy == direct_policy && d.trace == result.trace && d.capacity == result.capacity
        });
        if let Some(direct) = direct.filter(|d| d.hits != result.hits) {
            problems.push(format!(
                "{} at {}: {} has {} hits, {} {}",
                result.trace,
                result.capacity,
                result.policy,
                result.hits,
                direct.policy,
                direct.hits
            ));
        }
    }
    problems
}
