//! What every dict-API model checks: the threads' results are explained by *some* sequential
//! order of the same operations (each thread's in program order), run on the plain
//! [`ReferenceCache`].
//!
//! Each thread records, per operation, what it returned and what the eviction listener saw
//! during it ([`Recorder`]). After the threads are joined, [`explain`] searches the orders by
//! depth-first search (pruning an order as soon as one result differs from the model's): it is
//! the linearizability check of J. M. Wing and C. Gong, "Testing and verifying concurrent
//! objects", J. Parallel Distrib. Comput. 17(1), 1993, specialised to histories where every
//! operation of a model overlaps the others. An order must reproduce every return value, every
//! listener call, the final entries in policy order and the final counters.

use clientcache::{Cache, CacheStats, LruPolicy, Policy};
use clientcache_model::model::{ModelPolicy, ModelStats, ReferenceCache};
use clientcache_model::ops::{Op, Outcome, Removal, Subject, model_step};
use loom::thread::ThreadId;
use std::sync::{Arc, Mutex};

/// The cache of the single-flight and listener models.
pub(crate) type LoomCache = Cache<u32, u32, LruPolicy>;

/// No load is registered: a finished, failed or panicked load has unregistered itself.
pub(crate) fn assert_no_flight(cache: &LoomCache) {
    let shown = format!("{cache:?}");
    assert!(
        shown.contains("loading: 0"),
        "a load stayed registered: {shown}"
    );
}

/// The listener log. A std (not loom) mutex on purpose: it is held for a push only, never
/// across a loom operation, so it adds no interleavings of its own.
pub(crate) type Log = Arc<Mutex<Vec<(ThreadId, Removal)>>>;

/// A `Cache<u16, u64, P>` whose listener logs each removal with the thread that caused it.
pub(crate) fn recording_cache<P: Policy + Default>(max_size: usize) -> (Cache<u16, u64, P>, Log) {
    let log = Log::default();
    let sink = Arc::clone(&log);
    let cache = Cache::builder()
        .max_size(max_size)
        .eviction_listener(move |key, value, cause| {
            let me = loom::thread::current().id();
            sink.lock().unwrap().push((me, (key, value, cause)));
        })
        .build()
        .expect("a small max_size is valid");
    (cache, log)
}

/// One operation as a thread saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Record {
    pub(crate) op: Op,
    pub(crate) value: u64,
    pub(crate) outcome: Outcome,
    pub(crate) removals: Vec<Removal>,
}

/// Runs `ops` on `cache` in order, `values[i]` being what the i-th op inserts, and records each.
/// The listener runs on the calling thread before the op returns, so the log entries this
/// thread added during an op are exactly that op's removals.
pub(crate) fn run_ops<P>(cache: &Cache<u16, u64, P>, log: &Log, ops: &[(Op, u64)]) -> Vec<Record>
where
    P: Policy + Send + Sync,
{
    let me = loom::thread::current().id();
    let mut cache = cache.clone();
    ops.iter()
        .map(|&(op, value)| {
            let outcome = cache.apply(op, value);
            let mut log = log.lock().unwrap();
            let (mine, others): (Vec<_>, Vec<_>) = log.drain(..).partition(|(t, _)| *t == me);
            *log = others;
            let removals = mine.into_iter().map(|(_, removal)| removal).collect();
            Record {
                op,
                value,
                outcome,
                removals,
            }
        })
        .collect()
}

/// The final state an order must reproduce.
#[derive(Debug)]
pub(crate) struct Final {
    /// `cache.entries()`: key and value, next victim first.
    pub(crate) entries: Vec<(u16, u64)>,
    pub(crate) stats: CacheStats,
}

impl Final {
    pub(crate) fn of<P: Policy>(cache: &Cache<u16, u64, P>) -> Self {
        cache.validate().expect("the cache's invariants hold");
        assert!(cache.len() <= cache.max_size(), "len exceeds max_size");
        Final {
            entries: cache.entries(),
            stats: cache.stats(),
        }
    }

    fn matches(&self, model: &ReferenceCache) -> bool {
        let s: ModelStats = model.stats();
        let t = &self.stats;
        self.entries == model.entries()
            && (s.hits, s.misses, s.inserts, s.evictions, s.removals)
                == (t.hits, t.misses, t.inserts, t.evictions, t.removals)
    }
}

/// The sequential order (thread index per step) that explains `threads` and `end`, starting
/// from an empty model of `policy` holding `max_size`; panics, showing the history, if none
/// does.
pub(crate) fn explain(
    policy: ModelPolicy,
    max_size: usize,
    threads: &[Vec<Record>],
    end: &Final,
) -> Vec<usize> {
    let mut next = vec![0; threads.len()];
    let mut order = Vec::new();
    let start = ReferenceCache::new(policy, max_size);
    if search(&start, threads, &mut next, &mut order, end) {
        return order;
    }
    panic!(
        "no sequential order of the threads' operations explains the run\n\
         threads: {threads:#?}\nfinal: {end:?}"
    );
}

fn search(
    model: &ReferenceCache,
    threads: &[Vec<Record>],
    next: &mut [usize],
    order: &mut Vec<usize>,
    end: &Final,
) -> bool {
    let mut done = true;
    for t in 0..threads.len() {
        let Some(record) = threads[t].get(next[t]) else {
            continue;
        };
        done = false;
        let mut after = model.clone();
        let (outcome, removals) = model_step(&mut after, record.op, record.value);
        if outcome != record.outcome || removals != record.removals {
            continue; // Not this op here: prune.
        }
        next[t] += 1;
        order.push(t);
        if search(&after, threads, next, order, end) {
            return true;
        }
        order.pop();
        next[t] -= 1;
    }
    done && end.matches(model)
}

/// Every value inserted successfully is, at the end, in exactly one place: resident, or handed
/// to the listener once. No entry is lost or duplicated.
pub(crate) fn assert_conserved(threads: &[Vec<Record>], end: &Final) {
    let mut inserted: Vec<(u16, u64)> = threads
        .iter()
        .flatten()
        .filter(|r| matches!(r.outcome, Outcome::Insert(Ok(()))))
        .map(|r| match r.op {
            Op::Insert(k) => (k, r.value),
            _ => unreachable!("only inserts return Outcome::Insert"),
        })
        .collect();
    let mut accounted: Vec<(u16, u64)> = threads
        .iter()
        .flatten()
        .flat_map(|r| r.removals.iter().map(|&(k, v, _)| (k, v)))
        .chain(end.entries.iter().copied())
        .collect();
    inserted.sort_unstable();
    accounted.sort_unstable();
    assert_eq!(
        inserted, accounted,
        "inserted entries vs resident + removed ones"
    );
    let s = &end.stats;
    assert_eq!(
        s.inserts,
        s.evictions + s.removals + end.entries.len() as u64,
        "stats add up: {s:?}"
    );
}
