//! Trace-driven simulation: hit ratios of our policies, the optimum and the peers.
//!
//! # The problem
//!
//! Choosing an eviction policy needs numbers: how many requests each would serve from the
//! cache on real access patterns, at the sizes one would deploy. The simulator replays a
//! [`Trace`] through each [`SimPolicy`] at each capacity and counts hits. Every request is a
//! lookup, and a miss is followed by an insert of the key, for every policy alike.
//!
//! # Speed
//!
//! A trace is decoded once ([`crate::trace::load`]), its keys renamed to dense ids as they are
//! read ([`dense::DenseTrace`] takes the ids over), so the direct replays and the optimum
//! index vectors instead of probing a hash map. Independent `(policy, capacity)` runs go to a pool of
//! scoped threads, bounded by the available parallelism (or `jobs`).
//!
//! # Modules
//!
//! - [`dense`]: the dense renaming;
//! - [`driver`]: our policies driven directly and through `Cache`;
//! - [`peers`]: moka, quick_cache and the `lru` crate, and how each is driven;
//! - [`libcachesim`]: the reference policies against libCacheSim's, point by point;
//! - [`mrc`]: exact LRU at every capacity from one pass (stack distances);
//! - [`report`]: the text, JSON and Markdown output;
//! - [`standard`]: the shared traces, their standard capacities and reference figures.

pub mod dense;
pub mod driver;
pub mod libcachesim;
pub mod mrc;
pub mod peers;
pub mod report;
pub mod standard;

use crate::opt;
use crate::policies::{Ours, PolicyVisitor, Reference};
use crate::trace::Trace;
use clientcache::DefaultHashBuilder;
use dense::DenseTrace;
use indicatif::{ProgressBar, ProgressStyle};
use std::fmt;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// What a trace is replayed through.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SimPolicy {
    /// One of our policies, driven directly ([`driver::replay_policy`]). Named `lru`, `lfu`,
    /// `tinylfu`.
    Direct(Ours),
    /// One of our policies inside `clientcache::Cache` ([`driver::replay_cache`]). Named
    /// `cache-lru`, ...
    Cache(Ours),
    /// A reference policy ([`crate::reference`]) driven directly. Named `arc`, `lirs`, `2q`,
    /// `clock`, `sieve`, `s3fifo`.
    Reference(Reference),
    /// A reference policy inside `clientcache::Cache`. Named `cache-arc`, ...
    ReferenceCache(Reference),
    /// Bélády's optimum ([`opt::belady_hits`]). Named `opt`.
    Opt,
    /// `moka::sync::Cache` ([`peers::replay_moka`]). Named `moka`.
    Moka,
    /// `quick_cache::unsync::Cache` ([`peers::replay_quick_cache`]). Named `quick_cache`.
    QuickCache,
    /// `lru::LruCache` ([`peers::replay_lru_crate`]). Named `lru-crate`.
    LruCrate,
    /// A policy of one's own, replayed by [`replay_custom`] or [`replay_custom_cache`]; the
    /// label is its name in reports. Not selectable by name on the command line.
    Custom(&'static str),
}

impl SimPolicy {
    /// Every policy: ours directly, ours through `Cache`, the reference policies directly and
    /// through `Cache`, the optimum, the peers.
    pub fn all() -> Vec<SimPolicy> {
        let mut all: Vec<SimPolicy> = Ours::ALL.iter().map(|&o| SimPolicy::Direct(o)).collect();
        all.extend(Ours::ALL.iter().map(|&o| SimPolicy::Cache(o)));
        all.extend(Reference::ALL.iter().map(|&r| SimPolicy::Reference(r)));
        all.extend(Reference::ALL.iter().map(|&r| SimPolicy::ReferenceCache(r)));
        all.extend([
            SimPolicy::Opt,
            SimPolicy::Moka,
            SimPolicy::QuickCache,
            SimPolicy::LruCrate,
        ]);
        all
    }

    /// The command-line and report name.
    pub fn slug(self) -> &'static str {
        match self {
            SimPolicy::Direct(o) => o.slug(),
            SimPolicy::Cache(o) => o.cache_slug(),
            SimPolicy::Reference(r) => r.slug(),
            SimPolicy::ReferenceCache(r) => r.cache_slug(),
            SimPolicy::Opt => "opt",
            SimPolicy::Moka => "moka",
            SimPolicy::QuickCache => "quick_cache",
            SimPolicy::LruCrate => "lru-crate",
            SimPolicy::Custom(label) => label,
        }
    }

    /// Parses a list of names ([`FromStr`](std::str::FromStr), case-insensitive,
    /// `quick-cache` accepted for `quick_cache`); every policy when `names` is empty.
    ///
    /// ```
    /// use clientcache_verify::policies::Ours;
    /// use clientcache_verify::sim::SimPolicy;
    ///
    /// let names = ["cache-lfu".to_string(), "opt".to_string()];
    /// assert_eq!(SimPolicy::parse_list(&names), Ok(vec![SimPolicy::Cache(Ours::Lfu), SimPolicy::Opt]));
    /// assert_eq!(SimPolicy::parse_list(&[]), Ok(SimPolicy::all()));
    /// assert!("fifo".parse::<SimPolicy>().unwrap_err().contains("choose from"));
    /// ```
    pub fn parse_list(names: &[String]) -> Result<Vec<SimPolicy>, String> {
        if names.is_empty() {
            return Ok(SimPolicy::all());
        }
        names.iter().map(|n| n.parse()).collect()
    }

    /// Rough cost relative to a direct replay, to start the slow runs first.
    fn weight(self) -> u32 {
        match self {
            SimPolicy::Moka => 50,
            SimPolicy::QuickCache | SimPolicy::LruCrate | SimPolicy::Opt => 4,
            SimPolicy::Cache(_) | SimPolicy::ReferenceCache(_) => 2,
            SimPolicy::Direct(_) | SimPolicy::Reference(_) | SimPolicy::Custom(_) => 1,
        }
    }
}

impl fmt::Display for SimPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

impl std::str::FromStr for SimPolicy {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, String> {
        let wanted = name.trim().replace("quick-cache", "quick_cache");
        SimPolicy::all()
            .into_iter()
            .find(|p| p.slug().eq_ignore_ascii_case(&wanted))
            .ok_or_else(|| {
                let names: Vec<&str> = SimPolicy::all().iter().map(|p| p.slug()).collect();
                format!("unknown policy `{name}`; choose from {}", names.join(", "))
            })
    }
}

/// A trace ready to replay: its requests as dense ids, each id's key hash and key.
#[derive(Debug)]
pub struct Prepared {
    /// The trace's name.
    pub name: String,
    /// The requests as dense ids (moved from the decoded [`Trace`], not copied) and each id's
    /// hash: what the direct replays and the optimum index by.
    pub dense: DenseTrace,
    /// The distinct keys, by id: what `Cache` and the peers are given, request by request.
    pub distinct: Vec<u64>,
    /// Seconds spent reading, decompressing and decoding (or generating) the trace.
    pub decode_seconds: f64,
    /// Seconds spent hashing the distinct keys.
    pub dense_seconds: f64,
    /// The key hasher every replay uses: for `Cache`, for the hashes our policies are told
    /// when driven directly, and for the peers that take one (moka, quick_cache).
    pub hasher: DefaultHashBuilder,
}

impl Prepared {
    /// Prepares `trace`, whose decoding took `decode_seconds`, for replays with clientcache's
    /// default hasher.
    pub fn new(trace: Trace, decode_seconds: f64) -> Self {
        Self::with_hash_seed(trace, decode_seconds, DefaultHashBuilder::SEED)
    }

    /// [`Prepared::new`] for replays whose keys are hashed with
    /// `DefaultHashBuilder::with_seed(seed)`. Hash-dependent results (TinyLFU's and moka's
    /// sketches, quick_cache's ghosts) move with the seed on short traces; comparing several
    /// seeds tells a policy's merit from its luck.
    pub fn with_hash_seed(trace: Trace, decode_seconds: f64, seed: u64) -> Self {
        let start = Instant::now();
        let hasher = DefaultHashBuilder::with_seed(seed);
        let Trace {
            name,
            ids,
            distinct,
        } = trace;
        let dense = DenseTrace::from_ids(ids, &distinct, &hasher);
        Prepared {
            name,
            dense,
            distinct,
            decode_seconds,
            dense_seconds: start.elapsed().as_secs_f64(),
            hasher,
        }
    }

    /// The number of requests.
    pub fn requests(&self) -> usize {
        self.dense.ids.len()
    }

    /// The number of distinct keys.
    pub fn unique_keys(&self) -> usize {
        self.dense.unique()
    }
}

/// The outcome of one `(policy, capacity)` replay.
#[derive(Clone, Debug, PartialEq)]
pub struct RunResult {
    /// The trace's name.
    pub trace: String,
    /// Keys the cache holds at most.
    pub capacity: usize,
    /// What replayed it.
    pub policy: SimPolicy,
    /// Requests replayed.
    pub requests: u64,
    /// Requests served from the cache.
    pub hits: u64,
    /// Wall-clock seconds of the replay (building the cache included, decoding not).
    pub seconds: f64,
}

impl RunResult {
    /// Hits over requests, in percent (0 for an empty trace).
    pub fn hit_ratio(&self) -> f64 {
        if self.requests == 0 {
            0.0
        } else {
            100.0 * self.hits as f64 / self.requests as f64
        }
    }
}

/// Replays `prepared` through `policy` at `capacity`, calling `progress(n)` every `n`
/// requests.
pub fn run_one(
    prepared: &Prepared,
    policy: SimPolicy,
    capacity: usize,
    progress: &mut dyn FnMut(u64),
) -> Result<RunResult, String> {
    let (ids, distinct) = (prepared.dense.ids.as_slice(), prepared.distinct.as_slice());
    if matches!(
        policy,
        SimPolicy::Direct(_)
            | SimPolicy::Cache(_)
            | SimPolicy::Reference(_)
            | SimPolicy::ReferenceCache(_)
    ) && capacity > clientcache::MAX_SIZE_LIMIT
    {
        return Err(format!(
            "capacity {capacity} exceeds the largest supported, {}",
            clientcache::MAX_SIZE_LIMIT
        ));
    }
    // No cache holds more than the distinct keys, so every replay is sized by this: a cache
    // that never fills never evicts nor consults its admission filter, so the hits are those
    // at `capacity`, and a huge capacity cannot exhaust memory (TinyLFU's sketch, the peers'
    // and the optimum's tables are sized by the capacity they are given).
    let room = capacity.min(prepared.unique_keys());
    let start = Instant::now();
    let hits = match policy {
        SimPolicy::Direct(ours) => ours.visit(Direct {
            dense: &prepared.dense,
            capacity: room,
            progress,
        })?,
        SimPolicy::Reference(reference) => reference.visit(Direct {
            dense: &prepared.dense,
            capacity: room,
            progress,
        })?,
        SimPolicy::Cache(ours) => ours.visit(ThroughCache {
            ids,
            distinct,
            capacity: room,
            hasher: &prepared.hasher,
            progress,
        })?,
        SimPolicy::ReferenceCache(reference) => reference.visit(ThroughCache {
            ids,
            distinct,
            capacity: room,
            hasher: &prepared.hasher,
            progress,
        })?,
        SimPolicy::Opt => {
            let dense = &prepared.dense;
            opt::belady_hits_with_progress(&dense.ids, dense.unique(), room, progress)
        }
        SimPolicy::Moka => peers::replay_moka(ids, distinct, room, &prepared.hasher, progress),
        SimPolicy::QuickCache => {
            peers::replay_quick_cache(ids, distinct, room, &prepared.hasher, progress)
        }
        SimPolicy::LruCrate => peers::replay_lru_crate(ids, distinct, room, progress),
        SimPolicy::Custom(label) => {
            return Err(format!(
                "{label} is a policy of one's own: replay it with sim::replay_custom or \
                 sim::replay_custom_cache"
            ));
        }
    };
    Ok(RunResult {
        trace: prepared.name.clone(),
        capacity,
        policy,
        requests: ids.len() as u64,
        hits,
        seconds: start.elapsed().as_secs_f64(),
    })
}

/// [`driver::replay_policy`] for a policy type chosen at run time.
struct Direct<'a> {
    dense: &'a DenseTrace,
    capacity: usize,
    progress: &'a mut dyn FnMut(u64),
}

impl PolicyVisitor for Direct<'_> {
    type Output = Result<u64, String>;

    fn visit<P: clientcache::Policy + Default + Send + Sync + 'static>(self) -> Self::Output {
        Ok(driver::replay_policy(
            P::default(),
            self.dense,
            self.capacity,
            self.progress,
        ))
    }
}

/// [`driver::replay_cache`] for a policy type chosen at run time.
struct ThroughCache<'a> {
    ids: &'a [u32],
    distinct: &'a [u64],
    capacity: usize,
    hasher: &'a DefaultHashBuilder,
    progress: &'a mut dyn FnMut(u64),
}

impl PolicyVisitor for ThroughCache<'_> {
    type Output = Result<u64, String>;

    fn visit<P: clientcache::Policy + Default + Send + Sync + 'static>(self) -> Self::Output {
        driver::replay_cache::<P>(
            self.ids,
            self.distinct,
            self.capacity,
            self.hasher,
            self.progress,
        )
    }
}

/// Replays `prepared` through `policy`, any [`Policy`](clientcache::Policy), driven exactly as
/// `Cache` drives it ([`driver::replay_policy`]), with room for `capacity` keys; the result
/// is labelled `label` and prints, plots and tabulates like any other
/// ([`report::json_line`], [`crate::plot::write_svg`], ...).
///
/// The entry point for a policy of one's own: see "Writing a policy" in `verify/README.md`
/// and `verify/examples/custom_policy.rs`.
///
/// ```
/// use clientcache_policy_lru::LruPolicy;
/// use clientcache_verify::sim::{Prepared, replay_custom, replay_custom_cache};
/// use clientcache_verify::workload::WorkloadSpec;
///
/// let trace = "loop:n=10,requests=100".parse::<WorkloadSpec>().unwrap().generate();
/// let prepared = Prepared::new(trace, 0.0);
/// let direct = replay_custom(&prepared, LruPolicy::default(), 10, "my-lru");
/// let cached = replay_custom_cache::<LruPolicy>(&prepared, 10, "cache-my-lru").unwrap();
/// assert_eq!((direct.hits, cached.hits), (90, 90));
/// assert_eq!(direct.policy.slug(), "my-lru");
/// ```
pub fn replay_custom<P: clientcache::Policy>(
    prepared: &Prepared,
    policy: P,
    capacity: usize,
    label: &'static str,
) -> RunResult {
    let start = Instant::now();
    let room = capacity.min(prepared.unique_keys());
    let hits = driver::replay_policy(policy, &prepared.dense, room, &mut |_| {});
    custom_result(prepared, capacity, label, hits, start)
}

/// The result of a custom replay that started at `start`.
fn custom_result(
    prepared: &Prepared,
    capacity: usize,
    label: &'static str,
    hits: u64,
    start: Instant,
) -> RunResult {
    RunResult {
        trace: prepared.name.clone(),
        capacity,
        policy: SimPolicy::Custom(label),
        requests: prepared.requests() as u64,
        hits,
        seconds: start.elapsed().as_secs_f64(),
    }
}

/// Replays `prepared` through `clientcache::Cache<u64, (), P>` of `max_size` `capacity` (a
/// lookup, and an insert after a miss), with the run's hasher; labelled `label`. The hits
/// equal [`replay_custom`]'s for every policy that keeps the contract.
///
/// # Errors
///
/// When the cache refuses `capacity` (above `clientcache::MAX_SIZE_LIMIT`).
pub fn replay_custom_cache<P: clientcache::Policy + Default + Send + Sync>(
    prepared: &Prepared,
    capacity: usize,
    label: &'static str,
) -> Result<RunResult, String> {
    let start = Instant::now();
    let room = capacity.min(prepared.unique_keys());
    let hits = driver::replay_cache::<P>(
        &prepared.dense.ids,
        &prepared.distinct,
        room,
        &prepared.hasher,
        &mut |_| {},
    )?;
    Ok(custom_result(prepared, capacity, label, hits, start))
}

/// Exact LRU's results at every one of `capacities` from one pass over `prepared`
/// ([`mrc::StackDistances`]): the results a replay of `lru` at each would give, each with
/// the pass's time.
pub fn lru_curve(prepared: &Prepared, capacities: &[usize]) -> Vec<RunResult> {
    let start = Instant::now();
    let dense = &prepared.dense;
    let distances = mrc::StackDistances::of(&dense.ids, dense.unique(), &mut |_| {});
    let hits = distances.hits_at_each(capacities);
    let seconds = start.elapsed().as_secs_f64();
    capacities
        .iter()
        .zip(hits)
        .map(|(&capacity, hits)| RunResult {
            trace: prepared.name.clone(),
            capacity,
            policy: SimPolicy::Direct(Ours::Lru),
            requests: prepared.requests() as u64,
            hits,
            seconds,
        })
        .collect()
}

/// Requests below which no progress bar is shown.
const PROGRESS_THRESHOLD: u64 = 20_000_000;

/// Replays `prepared` through every policy at every capacity, on up to `jobs` threads (the
/// available parallelism when `None`), with a progress bar on stderr for long replays
/// (hidden when stderr is not a terminal). Results come in `capacities` × `policies` order.
pub fn run_all(
    prepared: &Prepared,
    policies: &[SimPolicy],
    capacities: &[usize],
    jobs: Option<usize>,
) -> Result<Vec<RunResult>, String> {
    let mut tasks: Vec<(usize, SimPolicy, usize)> = Vec::new();
    for &capacity in capacities {
        for &policy in policies {
            tasks.push((tasks.len(), policy, capacity));
        }
    }
    // Slow replays first, so the pool does not end waiting on one of them.
    let mut order = tasks.clone();
    order.sort_by_key(|&(_, policy, _)| std::cmp::Reverse(policy.weight()));
    let total = prepared.requests() as u64 * tasks.len() as u64;
    let bar = if total >= PROGRESS_THRESHOLD {
        let bar = ProgressBar::new(total);
        let style = ProgressStyle::with_template("{msg} [{bar:30}] {percent}% eta {eta}")
            .expect("a valid template")
            .progress_chars("=> ");
        bar.set_style(style);
        bar.set_message(prepared.name.clone());
        bar
    } else {
        ProgressBar::hidden()
    };
    let workers = jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .clamp(1, tasks.len().max(1));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<RunResult, String>>>> =
        Mutex::new(vec![None; tasks.len()]);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some(&(slot, policy, capacity)) =
                    order.get(next.fetch_add(1, Ordering::Relaxed))
                {
                    let result = run_one(prepared, policy, capacity, &mut |n| bar.inc(n));
                    results.lock().unwrap_or_else(|e| e.into_inner())[slot] = Some(result);
                }
            });
        }
    });
    bar.finish_and_clear();
    results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|r| r.expect("every task ran"))
        .collect()
}
