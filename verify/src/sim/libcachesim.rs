//! Agreement with libCacheSim, the field's reference simulator: our reference policies and
//! libCacheSim's, side by side at the standard points.
//!
//! # The problem
//!
//! A reference policy is only a reference if it decides as the field's implementation does.
//! [`compare`] writes each trace as libCacheSim's oracleGeneral binary (every object size 1,
//! [`crate::trace::oracle_general::write`]), replays it through libCacheSim's policies with
//! their defaults (`verify/scripts/libcachesim_sim.py`, run with the Python of a virtual
//! environment that has the `libcachesim` package), replays it through ours, and pairs the
//! hit ratios. [`check`] holds each pair to [`TOLERANCE`] points; `verify/README.md` keeps
//! the table [`markdown`] makes and explains the differences that remain (all within it).

use super::{Prepared, RunResult, SimPolicy, standard};
use crate::policies::Reference;
use crate::trace;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The largest difference in hit ratio points allowed at a point no variant explains.
pub const TOLERANCE: f64 = 0.1;

/// One point: ours and libCacheSim's hit ratio for a policy.
#[derive(Clone, Debug, PartialEq)]
pub struct Pair {
    /// Our replay.
    pub ours: RunResult,
    /// libCacheSim's hits on the same requests.
    pub theirs: u64,
}

impl Pair {
    /// libCacheSim's hit ratio, in percent.
    pub fn theirs_ratio(&self) -> f64 {
        100.0 * self.theirs as f64 / self.ours.requests.max(1) as f64
    }

    /// Ours minus libCacheSim's, in points, as printed (2 decimals each).
    pub fn difference(&self) -> f64 {
        round2(self.ours.hit_ratio()) - round2(self.theirs_ratio())
    }

    /// The policy.
    pub fn policy(&self) -> Reference {
        match self.ours.policy {
            SimPolicy::Reference(r) | SimPolicy::ReferenceCache(r) => r,
            other => unreachable!("a pair holds a reference policy, not {other}"),
        }
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// How to run libCacheSim.
#[derive(Clone, Debug)]
pub struct Runner {
    /// A Python with the `libcachesim` package.
    pub python: PathBuf,
    /// `libcachesim_sim.py`.
    pub script: PathBuf,
}

impl Default for Runner {
    /// `.venv-lcs/bin/python` at the workspace root and the script beside this crate.
    fn default() -> Self {
        Runner {
            python: PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../.venv-lcs/bin/python"
            )),
            script: PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/scripts/libcachesim_sim.py"
            )),
        }
    }
}

impl Runner {
    /// libCacheSim's hits for each `(capacity, policy)` on `keys`, in that order.
    fn hits(
        &self,
        name: &str,
        keys: &[u64],
        capacities: &[usize],
        policies: &[Reference],
    ) -> Result<Vec<u64>, String> {
        let file = std::env::temp_dir().join(format!(
            "clientcache-libcachesim-{}-{}.oracleGeneral",
            std::process::id(),
            name.replace(['/', '\\'], "_")
        ));
        let written = std::fs::File::create(&file)
            .and_then(|mut f| trace::oracle_general::write(&mut f, keys));
        let result = written
            .map_err(|e| format!("cannot write {}: {e}", file.display()))
            .and_then(|()| self.run_script(&file, name, capacities, policies));
        let _ = std::fs::remove_file(&file);
        result
    }

    fn run_script(
        &self,
        file: &Path,
        name: &str,
        capacities: &[usize],
        policies: &[Reference],
    ) -> Result<Vec<u64>, String> {
        let join = |items: Vec<String>| items.join(",");
        let output = Command::new(&self.python)
            .arg(&self.script)
            .arg("--trace")
            .arg(file)
            .args(["--name", name])
            .args([
                "--capacity",
                &join(capacities.iter().map(usize::to_string).collect()),
            ])
            .args([
                "--policy",
                &join(policies.iter().map(|p| p.slug().to_string()).collect()),
            ])
            .output()
            .map_err(|e| {
                format!(
                    "cannot run {}: {e}; make the environment with `python3 -m venv .venv-lcs && \
                     .venv-lcs/bin/pip install libcachesim` at the workspace root, or pass \
                     --python",
                    self.python.display()
                )
            })?;
        if !output.status.success() {
            return Err(format!(
                "libCacheSim failed on {name} ({}): {}",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        let text = String::from_utf8_lossy(&output.stdout);
        let hits: Vec<u64> = text
            .lines()
            .map(|line| field(line, "hits").and_then(|h| h.parse().ok()))
            .collect::<Option<_>>()
            .ok_or_else(|| format!("libCacheSim's output on {name} is not JSON lines: {text}"))?;
        if hits.len() != capacities.len() * policies.len() {
            return Err(format!(
                "libCacheSim printed {} results on {name}, expected {}",
                hits.len(),
                capacities.len() * policies.len()
            ));
        }
        Ok(hits)
    }
}

/// The value of `"name":` in a flat JSON line.
fn field<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let key = format!("\"{name}\":");
    let start = line.find(&key)? + key.len();
    let rest = &line[start..];
    Some(rest[..rest.find([',', '}'])?].trim_matches('"'))
}

/// Replays each of `points` (trace path under `traces_dir`, capacities) through `policies`,
/// ours directly and libCacheSim's, on up to `jobs` threads for ours.
pub fn compare(
    traces_dir: &Path,
    points: &[(&str, Vec<usize>)],
    policies: &[Reference],
    runner: &Runner,
    jobs: Option<usize>,
) -> Result<Vec<Pair>, String> {
    let ours: Vec<SimPolicy> = policies.iter().map(|&p| SimPolicy::Reference(p)).collect();
    let mut pairs = Vec::new();
    for (path, capacities) in points {
        let loaded = trace::load(&traces_dir.join(path), None).map_err(|e| e.to_string())?;
        let name = loaded.trace.name.clone();
        let keys: Vec<u64> = loaded.trace.requests().collect();
        let theirs = runner.hits(&name, &keys, capacities, policies)?;
        drop(keys);
        let prepared = Prepared::new(loaded.trace, loaded.decode_time.as_secs_f64());
        let results = super::run_all(&prepared, &ours, capacities, jobs)?;
        eprintln!("{name}: compared at {capacities:?}");
        pairs.extend(
            results
                .into_iter()
                .zip(theirs)
                .map(|(ours, theirs)| Pair { ours, theirs }),
        );
    }
    Ok(pairs)
}

/// [`compare`] at every standard point.
pub fn compare_standard(
    traces_dir: &Path,
    policies: &[Reference],
    runner: &Runner,
    jobs: Option<usize>,
) -> Result<Vec<Pair>, String> {
    standard::check_traces_dir(traces_dir)?;
    compare(traces_dir, &standard::traces(), policies, runner, jobs)
}

/// One line per pair further apart than [`TOLERANCE`].
pub fn check(pairs: &[Pair]) -> Vec<String> {
    pairs
        .iter()
        .filter_map(|pair| {
            let difference = pair.difference();
            (difference.abs() > TOLERANCE + 1e-9).then(|| {
                format!(
                    "{} at {}: {} gives {:.2} %, libCacheSim {:.2} % ({difference:+.2}, more \
                     than ±{TOLERANCE})",
                    pair.ours.trace,
                    pair.ours.capacity,
                    pair.ours.policy,
                    pair.ours.hit_ratio(),
                    pair.theirs_ratio()
                )
            })
        })
        .collect()
}

/// The Markdown table: a row per point, per policy a column `ours / libCacheSim`, a
/// difference beyond [`TOLERANCE`] in bold with its sign; then a row with each policy's
/// largest difference.
pub fn markdown(pairs: &[Pair], policies: &[Reference]) -> String {
    let mut out = String::from("| trace | capacity |");
    for p in policies {
        let _ = write!(out, " {} |", p.slug());
    }
    out += "\n|---|---:|";
    out += &"---:|".repeat(policies.len());
    out += "\n";
    let mut rows: Vec<(&str, usize)> = Vec::new();
    for pair in pairs {
        let point = (pair.ours.trace.as_str(), pair.ours.capacity);
        if !rows.contains(&point) {
            rows.push(point);
        }
    }
    let mut worst = vec![0.0f64; policies.len()];
    for (trace, capacity) in rows {
        let _ = write!(out, "| {trace} | {capacity} |");
        for (i, &policy) in policies.iter().enumerate() {
            let pair = pairs.iter().find(|p| {
                p.policy() == policy && p.ours.trace == trace && p.ours.capacity == capacity
            });
            match pair {
                Some(pair) => {
                    let d = pair.difference();
                    if d.abs() > worst[i].abs() {
                        worst[i] = d;
                    }
                    let (ours, theirs) = (pair.ours.hit_ratio(), pair.theirs_ratio());
                    if d.abs() > TOLERANCE + 1e-9 {
                        let _ = write!(out, " **{ours:.2} / {theirs:.2} ({d:+.2})** |");
                    } else {
                        let _ = write!(out, " {ours:.2} / {theirs:.2} |");
                    }
                }
                None => out += " |",
            }
        }
        out += "\n";
    }
    out += "| **largest difference** | |";
    for w in worst {
        let _ = write!(out, " **{w:+.2}** |");
    }
    out += "\n";
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(policy: Reference, hits: u64, theirs: u64) -> Pair {
        Pair {
            ours: RunResult {
                trace: "t".into(),
                capacity: 10,
                policy: SimPolicy::Reference(policy),
                requests: 1000,
                hits,
                seconds: 0.0,
            },
            theirs,
        }
    }

    #[test]
    fn the_check_allows_a_tenth_of_a_point_and_the_table_marks_what_is_beyond() {
        let pairs = [
            pair(Reference::Arc, 500, 499),
            pair(Reference::Sieve, 500, 497),
        ];
        let problems = check(&pairs);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].contains("sieve gives 50.00 %, libCacheSim 49.70 % (+0.30"),
            "{problems:?}"
        );
        let table = markdown(&pairs, &[Reference::Arc, Reference::Sieve]);
        assert!(
            table.contains("| t | 10 | 50.00 / 49.90 | **50.00 / 49.70 (+0.30)** |"),
            "{table}"
        );
        assert!(
            table.ends_with("| **largest difference** | | **+0.10** | **+0.30** |\n"),
            "{table}"
        );
    }

    #[test]
    fn fields_come_out_of_json_lines() {
        let line = r#"{"trace":"a","capacity":5,"policy":"arc","hits":42,"hit_ratio":1.0}"#;
        assert_eq!(field(line, "hits"), Some("42"));
        assert_eq!(field(line, "trace"), Some("a"));
        assert_eq!(field(line, "nope"), None);
    }
}
