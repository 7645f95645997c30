//! The command line: parses the options and hands each command to the library.

use clap::{Args, Parser, Subcommand};
use clientcache_verify::bench::{self, BenchConfig, Workload, subjects::SubjectKind};
use clientcache_verify::harness::{self, Output, SimOptions, Source};
use clientcache_verify::policies::Ours;
use clientcache_verify::sim::{SimPolicy, libcachesim, standard};
use clientcache_verify::trace::Format;
use clientcache_verify::trace::csv::CsvOptions;
use clientcache_verify::workload::WorkloadSpec;
use clientcache_verify::{conformance, demo};
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "clientcache-verify",
    about = "Benchmarks, demo and research harness for clientcache"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Throughput and memory, side by side with the peers (ns/op, medians): single-thread
    /// workloads, then mixed Zipf, mixed uniform and get-only workloads on 1..N threads.
    Bench {
        /// A seconds-long run that only checks the benchmark works.
        #[arg(long)]
        quick: bool,
        /// Subjects to run, comma separated (ours-lru, ours-lfu, ours-tinylfu, ours-lru-sharded,
        /// ours-tinylfu-sharded, ours-lru-ttl, hashmap, lru-crate, quick_cache, moka, tinyufo); all when
        /// omitted.
        #[arg(long, value_delimiter = ',')]
        subjects: Vec<String>,
        /// Thread counts for the multi-threaded workloads, comma separated.
        #[arg(long, value_delimiter = ',', default_value = "1,2,4")]
        threads: Vec<usize>,
        /// Skip the memory probe.
        #[arg(long)]
        no_memory: bool,
        /// Runs of the whole benchmark, one after the other; each figure is the median of its
        /// runs (on a shared machine, a load lasting minutes skews one run, not three).
        #[arg(long, default_value_t = 1)]
        runs: usize,
        /// Single-thread workloads to run, comma separated (get-hit@10, get-hit@100k,
        /// insert-evict@10k, get-hot@1k, get-hot@1M, get-hit@1M, insert-evict@1k,
        /// insert-evict@1M); all when omitted. Naming any skips the multi-threaded workloads unless
        /// `mixed` is named too.
        #[arg(long, value_delimiter = ',')]
        workloads: Vec<String>,
    },
    /// Builds expensive clients through the cache and prints what the cache saved.
    Demo,
    /// Replays traces or synthetic workloads through policies and prints hit ratios.
    #[command(after_help = SIM_HELP)]
    Sim {
        #[command(flatten)]
        source: SourceArgs,
        /// Cache capacities (entries), comma separated.
        #[arg(long, value_delimiter = ',')]
        capacity: Vec<usize>,
        /// Every shared trace at its standard capacities (47 points), then the checks against
        /// the reference figures; instead of --trace/--workload/--capacity.
        #[arg(long)]
        standard: bool,
        /// Where the shared traces are, for --standard.
        #[arg(long, default_value_os_t = standard::default_traces_dir())]
        traces_dir: PathBuf,
        /// One JSON object per line (trace, capacity, policy, requests, hits, hit_ratio,
        /// seconds, decode_seconds, dense_seconds) instead of a table.
        #[arg(long)]
        json: bool,
        /// One Markdown table of hit ratios for every trace, a column per policy and a row of
        /// means, instead of a table per trace.
        #[arg(long, conflicts_with = "json")]
        markdown: bool,
        /// With --markdown: a last column with the first --policy's margin over the best of
        /// these policies at each point, comma separated.
        #[arg(long, value_delimiter = ',', requires = "markdown")]
        margin_over: Vec<String>,
        /// The seed of the key hasher every replay uses (clientcache's DefaultHashBuilder; the
        /// default is the cache's own). TinyLFU's and moka's sketches index by key hash, so on
        /// short traces their hit ratios move with it: compare several seeds to tell merit
        /// from luck.
        #[arg(long, default_value_t = clientcache::DefaultHashBuilder::SEED)]
        hash_seed: u64,
        /// Exact LRU's hit ratio at every --capacity from one pass over each trace (Mattson's
        /// stack distances), printed as replays of `lru` would be; instead of replays.
        #[arg(long)]
        mrc: bool,
    },
    /// Draws hit ratio against capacity, one line per policy, as an SVG file.
    Plot {
        #[command(flatten)]
        source: SourceArgs,
        /// Cache capacities (entries), comma separated: the x axis.
        #[arg(long, value_delimiter = ',', required = true)]
        capacity: Vec<usize>,
        /// The SVG file to write.
        #[arg(long)]
        out: PathBuf,
        /// The chart's title (default: the trace's name).
        #[arg(long)]
        title: Option<String>,
        /// Draw exact LRU's miss-ratio curve (hit ratio at every --capacity from one pass)
        /// instead of replays.
        #[arg(long)]
        mrc: bool,
    },
    /// Regenerates verify/README.md's hit-ratio table and verify/plots/ from the standard
    /// comparison (every policy, 47 points), and checks the exact policies against the
    /// reference figures.
    Report {
        /// Where the shared traces are.
        #[arg(long, default_value_os_t = standard::default_traces_dir())]
        traces_dir: PathBuf,
        /// The README whose table is replaced (between its report:hit-ratios markers).
        #[arg(long, default_value_os_t = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")))]
        readme: PathBuf,
        /// The folder the plots go to.
        #[arg(long, default_value_os_t = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/plots")))]
        plots: PathBuf,
        /// Parallel replays at most (default: the available parallelism).
        #[arg(long)]
        jobs: Option<usize>,
    },
    /// Compares the reference policies (arc, lirs, 2q, clock, sieve, s3fifo) with
    /// libCacheSim's at the standard points (47), or at eight with --quick; fails when a
    /// point differs by more than 0.1.
    Libcachesim {
        /// A Python with the `libcachesim` package (default: .venv-lcs/bin/python at the
        /// workspace root).
        #[arg(long)]
        python: Option<PathBuf>,
        /// Where the shared traces are.
        #[arg(long, default_value_os_t = standard::default_traces_dir())]
        traces_dir: PathBuf,
        /// Eight small points instead of the 47 (seconds; what CI runs).
        #[arg(long)]
        quick: bool,
        /// Also write the table into this README, between its report:libcachesim markers.
        #[arg(long)]
        readme: Option<PathBuf>,
        /// Parallel replays of ours at most.
        #[arg(long)]
        jobs: Option<usize>,
    },
    /// Runs a scripted op sequence through Cache, printing each result and the keys in policy
    /// order (see verify/README.md for the script and output formats).
    #[command(after_help = conformance::SYNTAX)]
    Conformance {
        /// The script file; standard input when omitted or `-`.
        script: Option<PathBuf>,
        /// The policy (lru, lfu, tinylfu).
        #[arg(long, default_value = "lru")]
        policy: String,
        /// The cache's max_size.
        #[arg(long, default_value_t = clientcache::DEFAULT_MAX_SIZE)]
        max_size: usize,
    },
    /// Internal: fills one subject in this process and prints RSS growth per entry.
    #[command(hide = true)]
    MemoryProbe {
        #[arg(long)]
        subject: String,
        #[arg(long)]
        entries: usize,
    },
}

const SIM_HELP: &str = "\
Each request is a lookup, and a miss is followed by an insert of the key.

Policies: lru, lfu, tinylfu (our policy crates driven directly), arc, lirs, 2q, clock, sieve,
s3fifo (the field's reference policies, verify::reference), cache-X for each of those (the
same through clientcache::Cache; hit counts must be identical), opt (Bélády's optimum with
demand fetch), moka, quick_cache, lru-crate.

Trace formats: arc (`start count _ _` runs), lirs (one integer per line; blank and `*` lines
skipped), cache2k (big-endian i32 stream), lines (one key string per line), oracle-general
(libCacheSim's 24-byte little-endian records: u32 time, u64 id, u32 size, i64 next access),
csv (the key in --csv-column N, counted from 1; --csv-header skips the first row). Keys only:
every object counts as size 1. .gz, .xz and .zst files are decompressed, streaming. The format
defaults from the folder (arc/, lirs/, cache2k/), a name containing `oracleGeneral`, or the
extension (.lis, .trace, .csv, .txt/.lines/.log).

Workloads: KIND[:param=value,...]
  zipf:s=0.99,n=100000                       Zipf(s) over n keys
  scan:s=0.99,n=100000,every=100000,len=20000 Zipf, and a scan of len fresh keys every `every`
  loop:n=1000                                0..n-1 over and over
  shift:s=0.99,n=100000,period=100000,step=50000  Zipf whose keys slide by step every period
  each also takes requests=1000000 and seed=1 (the defaults shown).

Examples:
  sim --trace ../shared/traces/arc/OLTP.lis.zst --capacity 1000,2000 --policy lru,opt,moka
  sim --workload zipf:s=0.9,n=50000,requests=2000000 --capacity 1000,5000 --json
  sim --standard
  sim --standard --policy tinylfu,lru,moka,quick_cache,opt --markdown --margin-over lru,moka
  sim --trace ../shared/traces/arc/OLTP.lis.zst --capacity 100,1000,10000,100000 --mrc
  sim --trace w.oracleGeneral.zst --capacity 1000 --policy arc,lirs,s3fifo,cache-s3fifo
  sim --trace requests.csv --format csv --csv-column 2 --csv-header --capacity 500";

/// Where the requests come from, and which policies replay them.
#[derive(Args, Debug)]
struct SourceArgs {
    /// A trace file (repeatable).
    #[arg(long = "trace")]
    traces: Vec<PathBuf>,
    /// The traces' format (arc, lirs, cache2k, lines, oracle-general, csv); default from the
    /// path.
    #[arg(long)]
    format: Option<Format>,
    /// With --format csv: the key's column, counted from 1.
    #[arg(long, default_value_t = 1)]
    csv_column: usize,
    /// With --format csv: skip the first row (a header).
    #[arg(long)]
    csv_header: bool,
    /// A synthetic workload, KIND[:param=value,...] (repeatable; see below).
    #[arg(long = "workload")]
    workloads: Vec<WorkloadSpec>,
    /// Policies, comma separated; all when omitted.
    #[arg(long, value_delimiter = ',')]
    policy: Vec<String>,
    /// Parallel replays at most (default: the available parallelism).
    #[arg(long)]
    jobs: Option<usize>,
}

impl SourceArgs {
    fn sources(&self) -> Vec<Source> {
        let csv = CsvOptions {
            column: self.csv_column,
            header: self.csv_header,
        };
        let traces = self.traces.iter().map(|path| Source::Trace {
            path: path.clone(),
            format: self.format,
            csv,
        });
        traces
            .chain(self.workloads.iter().cloned().map(Source::Workload))
            .collect()
    }

    fn is_empty(&self) -> bool {
        self.traces.is_empty() && self.workloads.is_empty()
    }
}

fn parse_subjects(names: &[String]) -> Result<Vec<SubjectKind>, String> {
    if names.is_empty() {
        return Ok(SubjectKind::ALL.to_vec());
    }
    names
        .iter()
        .map(|name| {
            SubjectKind::from_slug(name).ok_or_else(|| {
                let known: Vec<&str> = SubjectKind::ALL.iter().map(|k| k.slug()).collect();
                format!("unknown subject `{name}`; choose from {}", known.join(", "))
            })
        })
        .collect()
}

/// The single-thread workloads named (all when none is), and whether to run the
/// multi-threaded ones (`mixed`).
fn parse_workloads(names: &[String]) -> Result<(Vec<Workload>, bool), String> {
    if names.is_empty() {
        return Ok((Workload::ALL.to_vec(), true));
    }
    let mut single = Vec::new();
    let mut mixed = false;
    for name in names {
        if name.trim() == "mixed" {
            mixed = true;
            continue;
        }
        single.push(Workload::from_slug(name).ok_or_else(|| {
            let known: Vec<String> = Workload::ALL.iter().map(|w| w.slug()).collect();
            format!(
                "unknown workload `{name}`; choose from {}, mixed",
                known.join(", ")
            )
        })?);
    }
    Ok((single, mixed))
}

/// The policies of a `--mrc` run: `lru` only (the curve is exact LRU's).
fn mrc_policies(mrc: bool, names: &[String]) -> Result<Vec<SimPolicy>, String> {
    if !mrc {
        return SimPolicy::parse_list(names);
    }
    let lru = SimPolicy::Direct(Ours::Lru);
    match SimPolicy::parse_list(names)?.as_slice() {
        _ if names.is_empty() => Ok(vec![lru]),
        [only] if *only == lru => Ok(vec![lru]),
        _ => Err("--mrc computes exact LRU's curve; leave out --policy (or give lru)".into()),
    }
}

fn run(cli: Cli) -> Result<(), String> {
    let stdout = &mut std::io::stdout();
    match cli.command {
        Command::Bench {
            quick,
            subjects,
            threads,
            no_memory,
            runs,
            workloads,
        } => {
            let subjects = parse_subjects(&subjects)?;
            let (single, mixed) = parse_workloads(&workloads)?;
            if threads.contains(&0) {
                return Err("--threads takes counts of at least 1".into());
            }
            if runs == 0 {
                return Err("--runs takes a count of at least 1".into());
            }
            let config = if quick {
                BenchConfig::QUICK
            } else {
                BenchConfig::FULL
            };
            let mut all = Vec::with_capacity(runs);
            for run in 1..=runs {
                if runs > 1 {
                    eprintln!("run {run} of {runs}");
                }
                let mut rows = bench::run(&single, &subjects, config);
                if mixed {
                    rows.extend(bench::concurrent::rows(&subjects, &threads, config));
                }
                all.push(rows);
            }
            let table = bench::render(&bench::median_rows(&all), &subjects);
            harness::write_out(stdout, &format!("{table}\n"))?;
            if !no_memory {
                harness::write_out(
                    stdout,
                    &format!(
                        "| memory @{} entries | bytes/entry (RSS growth) |\n|---|---:|\n",
                        config.memory_entries
                    ),
                )?;
                for kind in &subjects {
                    let mut samples = Vec::with_capacity(runs);
                    for _ in 0..runs {
                        samples.push(bench::memory::measure(*kind, config.memory_entries)?);
                    }
                    let bytes = bench::median(samples);
                    harness::write_out(stdout, &format!("| {} | {bytes:.1} |\n", kind.name()))?;
                }
            }
            Ok(())
        }
        Command::Demo => demo::run(stdout).map_err(|e| e.to_string()),
        Command::Sim {
            source,
            capacity,
            standard,
            traces_dir,
            json,
            markdown,
            margin_over,
            hash_seed,
            mrc,
        } => {
            let output = match (json, markdown) {
                (true, _) => Output::Json,
                (_, true) => Output::Markdown,
                _ => Output::Table,
            };
            let options = SimOptions {
                policies: mrc_policies(mrc, &source.policy)?,
                output,
                margin_over: if margin_over.is_empty() {
                    Vec::new()
                } else {
                    SimPolicy::parse_list(&margin_over)?
                },
                jobs: source.jobs,
                hash_seed,
                mrc,
            };
            if standard {
                if !source.is_empty() || !capacity.is_empty() {
                    return Err(
                        "--standard runs the shared traces at their standard capacities; \
                                leave out --trace, --workload and --capacity"
                            .into(),
                    );
                }
                let results = harness::sim_standard(&traces_dir, &options, stdout)?;
                harness::finish(&results, &options, stdout)?;
                let problems = standard::check(&results);
                if problems.is_empty() {
                    eprintln!("checks: every exact policy equals the reference, cache-X equals X");
                    return Ok(());
                }
                return Err(format!(
                    "{} check(s) failed:\n  {}",
                    problems.len(),
                    problems.join("\n  ")
                ));
            }
            if source.is_empty() {
                return Err(
                    "give --trace PATH or --workload SPEC (or --standard); see --help".into(),
                );
            }
            if capacity.is_empty() {
                return Err("give --capacity N[,N...]".into());
            }
            let mut results = Vec::new();
            for s in source.sources() {
                results.extend(harness::sim_source(&s, &capacity, &options, stdout)?);
            }
            harness::finish(&results, &options, stdout)
        }
        Command::Plot {
            source,
            capacity,
            out,
            title,
            mrc,
        } => {
            clientcache_verify::plot::check_out_path(&out)?;
            let sources = source.sources();
            let [one] = sources.as_slice() else {
                return Err("plot draws one trace: give exactly one --trace or --workload".into());
            };
            let policies = if mrc {
                mrc_policies(mrc, &source.policy)?
            } else if source.policy.is_empty() {
                harness::shown_policies()
            } else {
                SimPolicy::parse_list(&source.policy)?
            };
            let options = SimOptions {
                policies,
                output: Output::Table,
                margin_over: Vec::new(),
                jobs: source.jobs,
                hash_seed: clientcache::DefaultHashBuilder::SEED,
                mrc,
            };
            let results = harness::sim_source(one, &capacity, &options, stdout)?;
            let title = title.unwrap_or_else(|| {
                let name = results.first().map_or("trace", |r| r.trace.as_str());
                format!("{name}: hit ratio by capacity")
            });
            clientcache_verify::plot::write_svg(&out, &title, &results)?;
            eprintln!("wrote {}", out.display());
            Ok(())
        }
        Command::Report {
            traces_dir,
            readme,
            plots,
            jobs,
        } => harness::report(&traces_dir, &readme, &plots, jobs, stdout),
        Command::Libcachesim {
            python,
            traces_dir,
            quick,
            readme,
            jobs,
        } => {
            let mut runner = libcachesim::Runner::default();
            if let Some(python) = python {
                runner.python = python;
            }
            harness::libcachesim(&traces_dir, &runner, quick, readme.as_deref(), jobs, stdout)
        }
        Command::Conformance {
            script,
            policy,
            max_size,
        } => {
            let policy = Ours::from_slug(&policy).ok_or_else(|| {
                format!("unknown policy `{policy}`; choose from {}", Ours::choices())
            })?;
            let (name, text) = match script.filter(|p| p.as_os_str() != "-") {
                Some(path) => (
                    path.display().to_string(),
                    std::fs::read_to_string(&path)
                        .map_err(|e| format!("cannot read the script {}: {e}", path.display()))?,
                ),
                None => {
                    let mut text = String::new();
                    std::io::stdin()
                        .read_to_string(&mut text)
                        .map_err(|e| format!("cannot read the script from standard input: {e}"))?;
                    ("standard input".to_string(), text)
                }
            };
            let ops = conformance::parse_script(&text).map_err(|e| format!("{name}: {e}"))?;
            harness::write_out(stdout, &conformance::run(&ops, policy, max_size)?)
        }
        Command::MemoryProbe { subject, entries } => {
            let kind = parse_subjects(&[subject])?[0];
            let probe = bench::memory::probe(kind, entries)?;
            harness::write_out(stdout, &format!("{probe}\n"))
        }
    }
}

pub(crate) fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`... | head`): stop quietly with the status a shell shows for a
        // process that SIGPIPE ended, 128 + 13.
        Err(message) if message == harness::OUTPUT_CLOSED => ExitCode::from(141),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
