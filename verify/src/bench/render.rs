//! The benchmark's report: Markdown tables of ns/op, of our ratios to each peer, and of the
//! O(1) check.

use super::subjects::SubjectKind;
use super::{HOT_KEYS, Row, Workload};
use std::fmt::Write as _;

/// The tables, in order:
///
/// 1. median ns/op of every subject on every row, with the spread of its rounds (`±`, the
///    interquartile range over the median) where the row measured one;
/// 2. for each of our subjects on each row, its ns/op over each peer's (below 1: ours is
///    faster);
/// 3. the O(1) check: each subject's ns/op at 1M entries over that at 1k, for the hot-key
///    lookups, the uniform lookups and the evicting inserts (when those rows were run);
/// 4. scaling: each multi-threaded row's throughput over the same workload's on one thread;
///
/// then, after several runs, the cells whose runs disagree by more than
/// [`DISAGREEMENT_LIMIT`].
///
/// ```
/// use clientcache_verify::bench::{Row, render};
/// use clientcache_verify::bench::subjects::SubjectKind::{MutexLru, OursLru};
///
/// let rows = [Row {
///     workload: "get hit @10".into(),
///     ns_per_op: vec![(OursLru, 20.0), (MutexLru, 25.0)],
///     ..Row::default()
/// }];
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
    for extra in [
        o1_table(rows, subjects),
        scaling_table(rows, subjects),
        disagreements(rows, subjects),
    ] {
        if !extra.is_empty() {
            out += "\n";
            out += &extra;
        }
    }
    out
}

/// Runs of one cell further apart than this (`(slowest - fastest) / median`) are named.
pub const DISAGREEMENT_LIMIT: f64 = 0.25;

/// Throughput at N threads over throughput at 1, for rows named `..., N threads` whose
/// `..., 1 thread` twin was run.
fn scaling_table(rows: &[Row], subjects: &[SubjectKind]) -> String {
    let base = |row: &Row| -> Option<&Row> {
        let (workload, threads) = row.workload.rsplit_once(", ")?;
        (threads != "1 thread").then_some(())?;
        let single = format!("{workload}, 1 thread");
        rows.iter().find(|r| r.workload == single)
    };
    let scaled: Vec<(&Row, &Row)> = rows
        .iter()
        .filter_map(|row| Some((row, base(row)?)))
        .collect();
    if scaled.is_empty() {
        return String::new();
    }
    let mut out = String::from("| scaling: throughput ÷ 1 thread's |");
    for kind in subjects {
        let _ = write!(out, " {} |", kind.name());
    }
    out += "\n|---|";
    out += &"---:|".repeat(subjects.len());
    out += "\n";
    for (row, single) in scaled {
        let _ = write!(out, "| {} |", row.workload);
        for &kind in subjects {
            // ns/op is time per operation over all threads: throughput is its inverse.
            let _ = write!(out, " {} |", ratio(single.get(kind), row.get(kind)));
        }
        out += "\n";
    }
    out
}

/// The cells whose runs disagree by more than [`DISAGREEMENT_LIMIT`], or a line saying every
/// cell agrees (after several runs; nothing after one).
fn disagreements(rows: &[Row], subjects: &[SubjectKind]) -> String {
    if rows.iter().all(|row| row.disagreement.is_empty()) {
        return String::new();
    }
    let mut out = String::new();
    for row in rows {
        for &kind in subjects {
            if let Some(apart) = row
                .disagreement_of(kind)
                .filter(|&d| d > DISAGREEMENT_LIMIT)
            {
                let _ = writeln!(
                    out,
                    "- {}, {}: runs {:.0} % apart",
                    row.workload,
                    kind.name(),
                    apart * 100.0
                );
            }
        }
    }
    let limit = DISAGREEMENT_LIMIT * 100.0;
    if out.is_empty() {
        format!("Every cell's runs agree within {limit:.0} %.\n")
    } else {
        format!("Cells whose runs disagree by more than {limit:.0} %:\n\n{out}")
    }
}

fn cell(ns: Option<f64>, spread: Option<f64>) -> String {
    match (ns, spread) {
        (Some(ns), Some(spread)) => format!("{ns:.1} ±{:.0}%", spread * 100.0),
        (Some(ns), None) => format!("{ns:.1}"),
        (None, _) => String::new(),
    }
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
            let _ = write!(out, " {} |", cell(row.get(kind), row.spread_of(kind)));
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
            ..Row::default()
        }
    }

    #[test]
    fn threaded_rows_show_their_spread_scaling_and_disagreeing_runs() {
        let threaded = |threads: &str, ns: f64, apart: f64| Row {
            workload: format!("mixed, {threads}"),
            ns_per_op: vec![(OursLru, ns)],
            spread: vec![(OursLru, 0.04)],
            disagreement: vec![(OursLru, apart)],
        };
        let rows = [
            threaded("1 thread", 40.0, 0.1),
            threaded("2 threads", 25.0, 0.3),
        ];
        let text = render(&rows, &[OursLru]);
        assert!(text.contains("| mixed, 2 threads | 25.0 ±4% |"), "{text}");
        assert!(text.contains("| mixed, 2 threads | 1.60x |"), "{text}");
        assert!(
            text.contains("- mixed, 2 threads, clientcache LRU: runs 30 % apart"),
            "{text}"
        );
        assert!(!text.contains("- mixed, 1 thread"), "{text}");
        let agreeing = [threaded("1 thread", 40.0, 0.1)];
        assert!(render(&agreeing, &[OursLru]).contains("agree within 25 %"));
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
