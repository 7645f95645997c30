//! Output of the simulator: a readable text table, JSON lines, and the Markdown table the
//! README keeps.

use super::{Prepared, RunResult, SimPolicy};
use std::fmt::Write as _;

/// One JSON object (one line) for a result: `trace`, `capacity`, `policy`, `requests`,
/// `hits`, `hit_ratio` (percent, 2 decimals), `seconds` (the replay), and the trace's
/// `decode_seconds` and `dense_seconds` (spent once per trace, shared by its runs).
///
/// ```
/// use clientcache_verify::policies::Ours;
/// use clientcache_verify::sim::{RunResult, SimPolicy, report::json_line};
///
/// let result = RunResult {
///     trace: "t".into(),
///     capacity: 2,
///     policy: SimPolicy::Direct(Ours::Lru),
///     requests: 3,
///     hits: 1,
///     seconds: 0.5,
/// };
/// assert_eq!(
///     json_line(&result, 0.25, 0.0),
///     r#"{"trace":"t","capacity":2,"policy":"lru","requests":3,"hits":1,"hit_ratio":33.33,"seconds":0.500000,"decode_seconds":0.250000,"dense_seconds":0.000000}"#
/// );
/// ```
pub fn json_line(result: &RunResult, decode_seconds: f64, dense_seconds: f64) -> String {
    format!(
        "{{\"trace\":{},\"capacity\":{},\"policy\":{},\"requests\":{},\"hits\":{},\
         \"hit_ratio\":{:.2},\"seconds\":{:.6},\"decode_seconds\":{:.6},\"dense_seconds\":{:.6}}}",
        json_string(&result.trace),
        result.capacity,
        json_string(result.policy.slug()),
        result.requests,
        result.hits,
        result.hit_ratio(),
        result.seconds,
        decode_seconds,
        dense_seconds,
    )
}

/// `text` as a JSON string literal.
fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The trace's header line: size, distinct keys, and the one-time costs.
pub fn trace_header(prepared: &Prepared) -> String {
    let mut line = format!(
        "{}: {} requests, {} distinct keys; decoded in {:.1} ms",
        prepared.name,
        prepared.requests(),
        prepared.unique_keys(),
        prepared.decode_seconds * 1e3
    );
    let _ = write!(
        line,
        ", keys hashed in {:.1} ms",
        prepared.dense_seconds * 1e3
    );
    line
}

/// A readable table of one trace's results: one row per run.
pub fn text_table(results: &[RunResult]) -> String {
    let width = results
        .iter()
        .map(|r| r.policy.slug().len())
        .max()
        .unwrap_or(6)
        .max(6);
    let mut out = format!(
        "  {:>9}  {:<width$}  {:>12}  {:>7}  {:>10}\n",
        "capacity", "policy", "hits", "hit %", "ms"
    );
    for r in results {
        let _ = writeln!(
            out,
            "  {:>9}  {:<width$}  {:>12}  {:>7.2}  {:>10.1}",
            r.capacity,
            r.policy.slug(),
            r.hits,
            r.hit_ratio(),
            r.seconds * 1e3
        );
    }
    out
}

/// The Markdown hit-ratio table: one row per `(trace, capacity)` in the order of `results`,
/// one column per policy in `columns`, and a final row with each column's mean over the rows.
pub fn markdown_table(results: &[RunResult], columns: &[SimPolicy]) -> String {
    markdown_table_with_margin(results, columns, &[])
}

/// [`markdown_table`], plus, when `margin_over` is not empty, a last column with the first
/// column's margin over the best of `margin_over` at each point (`+1.25`: 1.25 points above
/// it), whose final row gives the smallest margin.
pub fn markdown_table_with_margin(
    results: &[RunResult],
    columns: &[SimPolicy],
    margin_over: &[SimPolicy],
) -> String {
    let mut points: Vec<(&str, usize)> = Vec::new();
    for r in results {
        if !points.contains(&(r.trace.as_str(), r.capacity)) {
            points.push((&r.trace, r.capacity));
        }
    }
    let find = |trace: &str, capacity: usize, policy: SimPolicy| {
        results
            .iter()
            .find(|r| r.trace == trace && r.capacity == capacity && r.policy == policy)
            .map(RunResult::hit_ratio)
    };
    let margin_of = columns.first().filter(|_| !margin_over.is_empty());
    let mut out = String::from("| trace | capacity |");
    for c in columns {
        let _ = write!(out, " {c} |");
    }
    if let Some(first) = margin_of {
        let names: Vec<&str> = margin_over.iter().map(|p| p.slug()).collect();
        let _ = write!(out, " {first} − max({}) |", names.join(", "));
    }
    let extra = usize::from(margin_of.is_some());
    out += "\n|---|---:|";
    out += &"---:|".repeat(columns.len() + extra);
    out += "\n";
    let mut sums = vec![(0.0, 0usize); columns.len()];
    let mut worst: Option<f64> = None;
    for &(trace, capacity) in &points {
        let _ = write!(out, "| {trace} | {capacity} |");
        for (i, &c) in columns.iter().enumerate() {
            match find(trace, capacity, c) {
                Some(ratio) => {
                    sums[i].0 += ratio;
                    sums[i].1 += 1;
                    let _ = write!(out, " {ratio:.2} |");
                }
                None => out += " |",
            }
        }
        if let Some(&first) = margin_of {
            let best = margin_over
                .iter()
                .filter_map(|&p| find(trace, capacity, p))
                .reduce(f64::max);
            match (find(trace, capacity, first), best) {
                (Some(ours), Some(best)) => {
                    // Round both as printed, so the column agrees with the figures beside it.
                    let margin = round2(ours) - round2(best);
                    worst = Some(worst.map_or(margin, |w: f64| w.min(margin)));
                    let _ = write!(out, " {margin:+.2} |");
                }
                _ => out += " |",
            }
        }
        out += "\n";
    }
    let _ = write!(out, "| **mean of {} points** | |", points.len());
    for (sum, n) in sums {
        if n == 0 {
            out += " |";
        } else {
            let _ = write!(out, " **{:.2}** |", sum / n as f64);
        }
    }
    match (margin_of, worst) {
        (Some(_), Some(worst)) => {
            let _ = write!(out, " **min {worst:+.2}** |");
        }
        (Some(_), None) => out += " |",
        _ => {}
    }
    out += "\n";
    out
}

/// `x` rounded to 2 decimals.
fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policies::Ours;

    fn result(trace: &str, capacity: usize, policy: SimPolicy, hits: u64) -> RunResult {
        RunResult {
            trace: trace.into(),
            capacity,
            policy,
            requests: 4,
            hits,
            seconds: 0.0,
        }
    }

    #[test]
    fn markdown_table_has_a_row_per_point_and_a_mean_row() {
        let lru = SimPolicy::Direct(Ours::Lru);
        let results = [
            result("a", 1, lru, 1),
            result("a", 1, SimPolicy::Opt, 2),
            result("b", 2, lru, 3),
            result("b", 2, SimPolicy::Opt, 4),
        ];
        let table = markdown_table(&results, &[lru, SimPolicy::Opt]);
        assert_eq!(
            table,
            "| trace | capacity | lru | opt |\n|---|---:|---:|---:|\n\
             | a | 1 | 25.00 | 50.00 |\n| b | 2 | 75.00 | 100.00 |\n\
             | **mean of 2 points** | | **50.00** | **75.00** |\n"
        );
    }

    #[test]
    fn the_margin_column_subtracts_the_best_of_the_others_and_reports_the_worst() {
        let (lru, lfu) = (SimPolicy::Direct(Ours::Lru), SimPolicy::Direct(Ours::Lfu));
        let results = [
            result("a", 1, lru, 1),
            result("a", 1, lfu, 2),
            result("a", 1, SimPolicy::Opt, 3),
            result("b", 2, lru, 4),
            result("b", 2, lfu, 1),
            result("b", 2, SimPolicy::Opt, 2),
        ];
        let table = markdown_table_with_margin(&results, &[lru, lfu], &[lfu, SimPolicy::Opt]);
        assert_eq!(
            table,
            "| trace | capacity | lru | lfu | lru − max(lfu, opt) |\n|---|---:|---:|---:|---:|\n\
             | a | 1 | 25.00 | 50.00 | -50.00 |\n| b | 2 | 100.00 | 25.00 | +50.00 |\n\
             | **mean of 2 points** | | **62.50** | **37.50** | **min -50.00** |\n"
        );
    }

    #[test]
    fn json_strings_are_escaped() {
        assert_eq!(json_string("a\"b\\c\n"), r#""a\"b\\c\u000a""#);
    }
}
