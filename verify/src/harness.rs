//! The research commands (`sim`, `plot`, `report`) from their options to their output, apart
//! from the argument parsing in the binary, so tests can run them.

use crate::plot;
use crate::sim::{self, Prepared, RunResult, SimPolicy, libcachesim, report, standard};
use crate::trace::csv::CsvOptions;
use crate::trace::{self, Format};
use crate::workload::WorkloadSpec;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Where requests come from.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// A trace file, in `format` or the one its path tells.
    Trace {
        /// The file.
        path: PathBuf,
        /// The format, when given.
        format: Option<Format>,
        /// Where a CSV trace's key is.
        csv: CsvOptions,
    },
    /// A synthetic workload.
    Workload(WorkloadSpec),
}

impl Source {
    /// Reads or generates the trace; returns it with the seconds that took. A trace with no
    /// request is an error: no hit ratio can be computed from it.
    pub fn load(&self) -> Result<(trace::Trace, f64), String> {
        let (trace, seconds) = match self {
            Source::Trace { path, format, csv } => {
                let loaded = trace::load_with(path, *format, *csv).map_err(|e| e.to_string())?;
                (loaded.trace, loaded.decode_time.as_secs_f64())
            }
            Source::Workload(spec) => {
                let start = Instant::now();
                let trace = spec.generate();
                (trace, start.elapsed().as_secs_f64())
            }
        };
        if trace.is_empty() {
            return Err(format!(
                "{} holds no request, so there is no hit ratio to compute: check that it is the \
                 file meant and that --format matches it (blank lines and `*` markers are not \
                 requests)",
                self.describe()
            ));
        }
        Ok((trace, seconds))
    }

    /// What error messages call the source: the trace's path or the workload's spec.
    pub fn describe(&self) -> String {
        match self {
            Source::Trace { path, .. } => format!("the trace {}", path.display()),
            Source::Workload(spec) => format!("the workload {spec}"),
        }
    }
}

/// How `sim` prints its results.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    /// A readable table per trace, each under a header line with the trace's size and costs.
    Table,
    /// One JSON object per result and line ([`report::json_line`]); headers go to stderr.
    Json,
    /// One Markdown table of hit ratios for all the traces, a column per policy and a row of
    /// means ([`report::markdown_table`]), printed by the caller once every trace has run;
    /// headers go to stderr.
    Markdown,
}

/// What `sim` runs and how it prints.
#[derive(Clone, Debug)]
pub struct SimOptions {
    /// Policies to replay through.
    pub policies: Vec<SimPolicy>,
    /// How the results are printed.
    pub output: Output,
    /// In Markdown, also the first policy's margin over the best of these at each point
    /// ([`report::markdown_table_with_margin`]); none when empty.
    pub margin_over: Vec<SimPolicy>,
    /// Parallel replays at most (the available parallelism when `None`).
    pub jobs: Option<usize>,
    /// The key hasher's seed ([`Prepared::with_hash_seed`]); `DefaultHashBuilder::SEED` is
    /// the cache's default.
    pub hash_seed: u64,
    /// Exact LRU at every capacity from one pass ([`sim::lru_curve`]) instead of replays;
    /// `policies` must then be `[lru]`.
    pub mrc: bool,
}

/// Loads `source`, replays it through every policy at every capacity, prints the results to
/// `out` (the trace header goes to stderr unless the output is a table, so stdout stays pure
/// JSON lines or Markdown; in Markdown mode nothing else is printed: see [`Output`]).
pub fn sim_source(
    source: &Source,
    capacities: &[usize],
    options: &SimOptions,
    out: &mut dyn Write,
) -> Result<Vec<RunResult>, String> {
    check_capacities(capacities, &options.policies)?;
    let (trace, decode_seconds) = source.load()?;
    let prepared = Prepared::with_hash_seed(trace, decode_seconds, options.hash_seed);
    let header = report::trace_header(&prepared);
    if options.output == Output::Table {
        write_out(out, &format!("{header}\n"))?;
    } else {
        eprintln!("{header}");
    }
    let results = if options.mrc {
        sim::lru_curve(&prepared, capacities)
    } else {
        sim::run_all(&prepared, &options.policies, capacities, options.jobs)?
    };
    let text = match options.output {
        Output::Table => report::text_table(&results) + "\n",
        Output::Json => results
            .iter()
            .map(|r| report::json_line(r, prepared.decode_seconds, prepared.dense_seconds) + "\n")
            .collect(),
        Output::Markdown => String::new(),
    };
    write_out(out, &text)?;
    Ok(results)
}

/// Refuses, before any trace is read, capacities no replay can give a meaningful number
/// for: 0 (a cache that holds nothing hits nothing), and above `clientcache::MAX_SIZE_LIMIT`
/// for the policies that `Cache` drives or could drive.
pub fn check_capacities(capacities: &[usize], policies: &[SimPolicy]) -> Result<(), String> {
    if capacities.contains(&0) {
        return Err(
            "--capacity 0 holds nothing, so every replay would report 0 hits: give \
                    capacities of at least 1"
                .into(),
        );
    }
    let limited = policies.iter().find(|p| {
        !matches!(
            p,
            SimPolicy::Opt | SimPolicy::Moka | SimPolicy::QuickCache | SimPolicy::LruCrate
        )
    });
    match (capacities.iter().max(), limited) {
        (Some(&largest), Some(policy)) if largest > clientcache::MAX_SIZE_LIMIT => Err(format!(
            "capacity {largest} exceeds the largest supported, {} (for {policy} and the other \
             policies `Cache` drives): give a smaller --capacity; no trace was read",
            clientcache::MAX_SIZE_LIMIT
        )),
        _ => Ok(()),
    }
}

/// Runs the standard comparison (every shared trace at its standard capacities, 47 points),
/// printing each trace's results as [`sim_source`] does.
pub fn sim_standard(
    traces_dir: &Path,
    options: &SimOptions,
    out: &mut dyn Write,
) -> Result<Vec<RunResult>, String> {
    standard::check_traces_dir(traces_dir)?;
    let mut all = Vec::new();
    for (path, capacities) in standard::traces() {
        let source = Source::Trace {
            path: traces_dir.join(path),
            format: None,
            csv: CsvOptions::default(),
        };
        all.extend(sim_source(&source, &capacities, options, out)?);
    }
    Ok(all)
}

/// Prints the Markdown table of `results` (a column per policy of `options`) when the output
/// is [`Output::Markdown`]; does nothing otherwise.
pub fn finish(
    results: &[RunResult],
    options: &SimOptions,
    out: &mut dyn Write,
) -> Result<(), String> {
    if options.output == Output::Markdown {
        let table =
            report::markdown_table_with_margin(results, &options.policies, &options.margin_over);
        write_out(out, &table)?;
    }
    Ok(())
}

/// The columns the README table and the plots show: our policies driven directly, the
/// optimum, and the peers that are not exact LRU (`cache-*` and `lru-crate` are checked equal
/// to `lru`/`lfu`/... instead of shown).
pub fn shown_policies() -> Vec<SimPolicy> {
    SimPolicy::all()
        .into_iter()
        .filter(|p| {
            !matches!(
                p,
                SimPolicy::Cache(_) | SimPolicy::ReferenceCache(_) | SimPolicy::LruCrate
            )
        })
        .collect()
}

/// Markers around the generated parts of the README.
const TABLE_BEGIN: &str = "<!-- report:hit-ratios:begin -->";
const TABLE_END: &str = "<!-- report:hit-ratios:end -->";

/// The `report` command: the standard comparison for every policy, its checks, the README's
/// hit-ratio table (between the `report:hit-ratios` markers of `readme`) and one SVG plot per
/// trace in `plots`. Fails, after writing, when a check fails.
pub fn report(
    traces_dir: &Path,
    readme: &Path,
    plots: &Path,
    jobs: Option<usize>,
    out: &mut dyn Write,
) -> Result<(), String> {
    let options = SimOptions {
        policies: SimPolicy::all(),
        output: Output::Table,
        margin_over: Vec::new(),
        jobs,
        hash_seed: clientcache::DefaultHashBuilder::SEED,
        mrc: false,
    };
    let results = sim_standard(traces_dir, &options, out)?;
    let shown = shown_policies();
    for (path, _) in standard::traces() {
        let name = path.rsplit('/').next().unwrap_or(path);
        let of_trace: Vec<RunResult> = results
            .iter()
            .filter(|r| r.trace == name && shown.contains(&r.policy))
            .cloned()
            .collect();
        let file = plots.join(format!("{}.svg", plot_stem(name)));
        plot::write_svg(&file, &format!("{name}: hit ratio by capacity"), &of_trace)?;
    }
    let problems = standard::check(&results);
    let mut table = report::markdown_table(&results, &shown);
    table += &format!(
        "\nChecked by the same run: `lru`, `cache-lru` and `lru-crate` equal the reference LRU \
         column, `lfu` and `cache-lfu` its LFU column, `opt` its OPT column, and every \
         `cache-X` has exactly the hits of `X`, at all {} points: {}.\n",
        standard::REFERENCE.len(),
        if problems.is_empty() {
            "all equal"
        } else {
            "SEE THE MISMATCHES THE RUN PRINTED"
        }
    );
    replace_between(readme, TABLE_BEGIN, TABLE_END, &table)?;
    write_out(out, &table)?;
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} check(s) failed:\n  {}",
            problems.len(),
            problems.join("\n  ")
        ))
    }
}

/// Markers around the README's libCacheSim table.
const LCS_BEGIN: &str = "<!-- report:libcachesim:begin -->";
const LCS_END: &str = "<!-- report:libcachesim:end -->";

/// The points `libcachesim --quick` compares: small traces, every policy's regime.
pub const QUICK_POINTS: [(&str, usize); 8] = [
    ("lirs/sprite.trace.gz", 100),
    ("lirs/gli.trace.gz", 1000),
    ("lirs/multi2.trace.gz", 500),
    ("lirs/ps.trace.gz", 617),
    ("lirs/cpp.trace.gz", 245),
    ("lirs/2_pools.trace.gz", 1000),
    ("lirs/zigzag.trace.gz", 512),
    ("cache2k/web07.trace.xz", 205),
];

/// The `libcachesim` command: the reference policies against libCacheSim's at the standard
/// points (or [`QUICK_POINTS`]), the table on `out` (and into `readme` between its
/// `report:libcachesim` markers); fails, after printing, when [`libcachesim::check`] finds a
/// point further apart than [`libcachesim::TOLERANCE`].
pub fn libcachesim(
    traces_dir: &Path,
    runner: &libcachesim::Runner,
    quick: bool,
    readme: Option<&Path>,
    jobs: Option<usize>,
    out: &mut dyn Write,
) -> Result<(), String> {
    let policies = crate::policies::Reference::ALL;
    let pairs = if quick {
        let points: Vec<(&str, Vec<usize>)> =
            QUICK_POINTS.iter().map(|&(p, c)| (p, vec![c])).collect();
        libcachesim::compare(traces_dir, &points, policies, runner, jobs)?
    } else {
        libcachesim::compare_standard(traces_dir, policies, runner, jobs)?
    };
    let table = libcachesim::markdown(&pairs, policies);
    write_out(out, &table)?;
    if let Some(readme) = readme {
        replace_between(readme, LCS_BEGIN, LCS_END, &table)?;
    }
    let problems = libcachesim::check(&pairs);
    if problems.is_empty() {
        eprintln!(
            "libCacheSim agrees within {} points at all {} comparisons",
            libcachesim::TOLERANCE,
            pairs.len()
        );
        Ok(())
    } else {
        Err(format!(
            "{} point(s) differ from libCacheSim by more than {}:\n  {}",
            problems.len(),
            libcachesim::TOLERANCE,
            problems.join("\n  ")
        ))
    }
}

/// The file stem a trace's plot gets: its name up to the first dot (`OLTP.lis.zst` → `OLTP`).
pub fn plot_stem(name: &str) -> &str {
    name.split('.').next().unwrap_or(name)
}

/// Replaces the text between the `begin` and `end` marker lines of the file at `path`.
fn replace_between(path: &Path, begin: &str, end: &str, body: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let (Some(start), Some(stop)) = (text.find(begin), text.find(end)) else {
        return Err(format!(
            "{} lacks the markers {begin} and {end}; add them where the table goes",
            path.display()
        ));
    };
    if stop < start {
        return Err(format!(
            "{}: the marker {end} comes before {begin}",
            path.display()
        ));
    }
    let head = &text[..start + begin.len()];
    let tail = &text[stop..];
    let updated = format!("{head}\n{body}{tail}");
    std::fs::write(path, updated).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The error [`write_out`] returns when the reader of the output went away (a closed pipe,
/// as in `sim ... | head -1`): the command then stops quietly, as Unix tools do.
pub const OUTPUT_CLOSED: &str = "the output was closed";

/// Writes `text` to `out` and flushes; a closed pipe is [`OUTPUT_CLOSED`], any other failure
/// an error naming it.
pub fn write_out(out: &mut dyn Write, text: &str) -> Result<(), String> {
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::BrokenPipe => OUTPUT_CLOSED.to_string(),
            _ => format!("cannot write the output: {e} (is the disk full, or the file read-only?)"),
        })
}
