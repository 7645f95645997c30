//! The benchmark's report: Markdown tables of ns/op, of our ratios to each peer, and of the
//! O(1) check.

use super::subjects::SubjectKind;
use super::{HOT_KEYS, Row, Workload};
use std::fmt::Write as _;

/// The three tables, in order:
///
/// 1. median ns/op of every subject on every row;
/// 2. for each of our subjects on each row, its ns/op over each peer's (below 1: ours is
///    faster);
/// 3. the O(1) check: each subject's ns/op at 1M entries over that at 1k, for the hot-key
///    lookups, the uniform lookups and the evicting inserts (when those rows were run).
///
/// ```
/// use clientcache_verify::bench::{Row, render};
/// use clientcache_verify::bench::subjects::SubjectKind::{MutexLru, OursLru};
///
/// let rows = [Row { workload: "get hit @10".into(), ns_per_op: vec![(OursLru, 20.0), (MutexLru, 25.0)] }];
/// let text = render(&rows, &[OursLru, MutexLru]);
/// assert!(text.contains("| get hit @10 | 20.0 | 25.0 |"));
/// assert!(text.contains("| get hit @10 | clientcache LRU | 0.80x |"));
/// ```
pub fn render(rows: &[Row], subjects: &[SubjectKind]) -> String {
    let mut out = ns_table(rows, subjects);
    let ours: Vec<SubjectKind> = subjects.iter().copied().filter(|k| k.is_ours()).collect();
    let peers: Vec<SubjectKind> = subjects.iter().copied().filter(|k| !k.is_ours()).collect();
    if !ours.is_empty() && !peers.is_empty() {
        out += "\n";
        out += &ratio_table(rows, &ours, &peers);
    }
    let o1 = o1_table(rows, subjects);
    if !o1.is_empty() {
        out += "\n";
        out += &o1;
    }
    out
}

fn cell(ns: Option<f64>) -> String {
    ns.map_or_else(|| "".to_string(), |ns| format!("{ns:.1}"))
}

fn ratio(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.2}x", a / b),
        _ => String::new(),
    }
}

/// Median ns/op, one column per subject.
fn ns_table(rows: &[Row], subjects: &[SubjectKind]) -> String {
    let mut out = String::from("| workload (ns/op) |");
    for kind in subjects {
        let _ = write!(out, " {} |", kind.name());
    }
    out += "\n|---|";
    out += &"---:|".repeat(subjects.len());
    out += "\n";
    for row in rows {
        let _ = write!(out, "| {} |", row.workload);
        for &kind in subjects {
            let _ = write!(out, " {} |", cell(row.get(kind)));
        }
        out += "\n";
    }
    out
}

/// Our ns/op over each peer's: one row per (workload, ours).
fn ratio_table(rows: &[Row], ours: &[SubjectKind], peers: &[SubjectKind]) -> String {
    let mut out = String::from("| workload | ours |");
    for peer in peers {
        let _ = write!(out, " ÷ {} |", peer.name());
    }
    out += "\n|---|---|";
    out += &"---:|".repeat(peers.len());
    out += "\n";
    for row in rows {
        for &us in ours {
            let _ = write!(out, "| {} | {} |", row.workload, us.name());
            for &peer in peers {
                let _ = write!(out, " {} |", ratio(row.get(us), row.get(peer)));
            }
            out += "\n";
        }
    }
    out
}

/// Cost at 1M entries over cost at 1k, per subject, for the row pairs that were run.
fn o1_table(rows: &[Row], subjects: &[SubjectKind]) -> String {
    let find = |w: Workload| rows.iter().find(|r| r.workload == w.name());
    let pairs = [
        (
            format!("get hit, {HOT_KEYS} hot keys"),
            Workload::GetHot { capacity: 1_000 },
            Workload::GetHot {
                capacity: 1_000_000,
            },
        ),
        (
            "get hit, uniform".to_string(),
            Workload::GetHot { capacity: 1_000 },
            Workload::GetHit {
                capacity: 1_000_000,
            },
        ),
        (
            "insert+evict".to_string(),
            Workload::InsertEvict { capacity: 1_000 },
            Workload::InsertEvict {
                capacity: 1_000_000,
            },
        ),
    ];
    let present: Vec<(&String, &Row, &Row)> = pairs
        .iter()
        .filter_map(|(name, small, large)| Some((name, find(*small)?, find(*large)?)))
        .collect();
    if present.is_empty() {
        return String::new();
    }
    let mut out = String::from("| O(1) check: ns/op @1M ÷ @1k |");
    for kind in subjects {
        let _ = write!(out, " {} |", kind.name());
    }
    out += "\n|---|";
    out += &"---:|".repeat(subjects.len());
    out += "\n";
    for (name, small, large) in present {
        let _ = write!(out, "| {name} |");
        for &kind in subjects {
            let _ = write!(out, " {} |", ratio(large.get(kind), small.get(kind)));
        }
        out += "\n";
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use SubjectKind::{Moka, OursLru, OursTinyLfu};

    fn row(workload: Workload, ns: [f64; 3]) -> Row {
        Row {
            workload: workload.name(),
            ns_per_op: vec![(OursLru, ns[0]), (OursTinyLfu, ns[1]), (Moka, ns[2])],
        }
    }

    #[test]
    fn every_ours_gets_a_ratio_to_every_peer_and_the_o1_table_divides_1m_by_1k() {
        let rows = [
            row(Workload::GetHot { capacity: 1_000 }, [20.0, 30.0, 100.0]),
            row(
                Workload::GetHot {
                    capacity: 1_000_000,
                },
                [30.0, 30.0, 100.0],
            ),
        ];
        let text = render(&rows, &[OursLru, OursTinyLfu, Moka]);
        assert!(
            text.contains("| get hit, 1k hot @1k | clientcache LRU | 0.20x |"),
            "{text}"
        );
        assert!(
            text.contains("| get hit, 1k hot @1M | clientcache TinyLFU | 0.30x |"),
            "{text}"
        );
        assert!(
            text.contains("| get hit, 1000 hot keys | 1.50x | 1.00x | 1.00x |"),
            "{text}"
        );
        assert!(!text.contains("insert+evict"), "rows not run are left out");
    }
}
