//! Concurrency determinism: a multi-threaded run, replayed sequentially in the order its
//! operations took the cache lock, gives the same results, the same evictions (listener calls)
//! and the same final state and counters, for each policy.
//!
//! The lock order is recorded without adding a lock of our own around the cache: the cache runs
//! its policy under its lock, so a wrapping policy ([`Recording`]) notes, at its first event of
//! each operation, which operation it is (a thread-local tag set by the calling thread). That
//! order is the order the cache's own lock serialised the operations in, so the replay checks
//! the real schedule, not one a test lock imposed. Operations that never reach the policy
//! (`peek`, `contains_key`, a refused insert, a failed remove) change nothing; each must match
//! the state at some point between its thread's neighbouring recorded operations.
//!
//! Sharded caches are checked the same way: each shard's policy notes operations in that
//! shard's lock order, operations on different shards commute, and whole-cache operations
//! hold every shard's lock, so the merged log is a valid sequential order for a replay on a
//! cache with the same shards.

use clientcache::{Cache, CacheStats, EntryId, InvariantViolation, LfuPolicy, LruPolicy, Policy};
use clientcache::{CacheBuilder, RemovalCause, TinyLfuPolicy};
use clientcache_verify::ops::{MAX_SIZE_LIMIT, Op, Outcome, Subject, op_strategy};
use proptest::prelude::*;
use std::cell::Cell;
use std::sync::{Arc, Barrier, Mutex};

/// (thread, op index) of the operation the current thread is running.
type Tag = (usize, usize);

thread_local! {
    static CURRENT: Cell<Option<Tag>> = const { Cell::new(None) };
}

/// A policy that delegates everything to `P` and logs the tag of each operation that reaches it.
#[derive(Clone, Debug, Default)]
struct Recording<P> {
    inner: P,
    log: Arc<Mutex<Vec<Tag>>>,
}

impl<P> Recording<P> {
    fn note(&self) {
        if let Some(tag) = CURRENT.with(Cell::get) {
            let mut log = self.log.lock().unwrap();
            if log.last() != Some(&tag) {
                log.push(tag);
            }
        }
    }
}

impl<P: Policy> Policy for Recording<P> {
    type Iter<'a>
        = P::Iter<'a>
    where
        Self: 'a;
    fn name(&self) -> &'static str {
        self.inner.name()
    }
    fn set_capacity(&mut self, capacity: usize) {
        self.note();
        self.inner.set_capacity(capacity);
    }
    fn len(&self) -> usize {
        self.inner.len()
    }
    fn on_insert(&mut self, id: EntryId, hash: u64) {
        self.note();
        self.inner.on_insert(id, hash);
    }
    fn on_access(&mut self, id: EntryId, hash: u64) {
        self.note();
        self.inner.on_access(id, hash);
    }
    fn on_remove(&mut self, id: EntryId) {
        self.note();
        self.inner.on_remove(id);
    }
    fn on_miss(&mut self, hash: u64) {
        self.note();
        self.inner.on_miss(hash);
    }
    fn victim(&mut self) -> Option<EntryId> {
        self.note();
        self.inner.victim()
    }
    fn admit(&self, candidate_hash: u64, victim: EntryId) -> bool {
        self.note();
        self.inner.admit(candidate_hash, victim)
    }
    fn evict(&mut self) -> Option<EntryId> {
        self.note();
        self.inner.evict()
    }
    fn iter(&self) -> Self::Iter<'_> {
        self.note();
        self.inner.iter()
    }
    fn clear(&mut self) {
        self.note();
        self.inner.clear();
    }
    fn validate(&self) -> Result<(), InvariantViolation> {
        self.inner.validate()
    }
}

type Removals = Arc<Mutex<Vec<(Tag, (u16, u64, RemovalCause))>>>;

fn build<P: Policy>(
    policy: P,
    max_size: usize,
    shards: usize,
    removals: &Removals,
) -> Cache<u16, u64, P> {
    let sink = Arc::clone(removals);
    CacheBuilder::with_policy(policy)
        .max_size(max_size)
        .shards(shards)
        .eviction_listener(move |k, v, cause| {
            let tag = CURRENT.with(Cell::get).expect("listener runs inside an op");
            sink.lock().unwrap().push((tag, (k, v, cause)));
        })
        .build()
        .unwrap()
}

fn run_op<P: Policy + Send + Sync>(cache: &mut Cache<u16, u64, P>, tag: Tag, op: Op) -> Outcome {
    CURRENT.with(|c| c.set(Some(tag)));
    let outcome = cache.apply(op, ((tag.0 as u64) << 32) | tag.1 as u64);
    CURRENT.with(|c| c.set(None));
    outcome
}

fn removals_of(removals: &Removals, tag: Tag) -> Vec<(u16, u64, RemovalCause)> {
    let log = removals.lock().unwrap();
    log.iter()
        .filter(|(t, _)| *t == tag)
        .map(|(_, r)| *r)
        .collect()
}

/// The state-free check of an op that never reached the policy, against `cache` as it is.
fn read_only_matches<P: Policy>(cache: &Cache<u16, u64, P>, op: Op, outcome: Outcome) -> bool {
    use clientcache_verify::model::ModelError;
    match (op, outcome) {
        (Op::Peek(k), Outcome::Value(v)) => cache.peek(&k) == v,
        (Op::ContainsKey(k), Outcome::Contains(c)) => cache.contains_key(&k) == c,
        (Op::Insert(k), Outcome::Insert(Err(ModelError::AlreadyCached))) => cache.contains_key(&k),
        (Op::Remove(k), Outcome::Remove(Err(ModelError::NotCached))) => !cache.contains_key(&k),
        // A sharded cache finds every shard empty without asking a policy.
        (Op::PopVictim, Outcome::Popped(None)) => cache.is_empty(),
        (Op::Replace(k), Outcome::Replace(Err(ModelError::NotCached))) => !cache.contains_key(&k),
        // A retain that drops nothing tells no policy anything.
        (Op::Retain(split), Outcome::Retained(0)) => cache.keys().iter().all(|&k| k < split),
        _ => false,
    }
}

fn stats_tuple(s: CacheStats) -> (u64, u64, u64, u64, u64) {
    (s.hits, s.misses, s.inserts, s.evictions, s.removals)
}

fn check<P>(make: impl Fn() -> P, max_size: usize, threads: &[Vec<Op>]) -> Result<(), String>
where
    P: Policy + Send + Sync + 'static,
{
    check_replay(&make, &make, max_size, 1, threads)
}

/// [`check`] on a cache of `shards` shards. Sizes between 1 and `shards - 1`, which a sharded
/// cache refuses, are raised to `shards`.
fn check_sharded<P>(
    make: impl Fn() -> P,
    max_size: usize,
    shards: usize,
    threads: &[Vec<Op>],
) -> Result<(), String>
where
    P: Policy + Send + Sync + 'static,
{
    let valid = |size: usize| {
        if size != 0 && size < shards {
            shards
        } else {
            size
        }
    };
    let threads: Vec<Vec<Op>> = threads
        .iter()
        .map(|ops| {
            ops.iter()
                .map(|&op| match op {
                    Op::SetMaxSize(size) => Op::SetMaxSize(valid(size)),
                    other => other,
                })
                .collect()
        })
        .collect();
    check_replay(&make, &make, valid(max_size), shards, &threads)
}

/// Runs `threads` on a cache of `run()`'s policy, replays on one of `replay()`'s.
fn check_replay<P, Q>(
    run: &impl Fn() -> P,
    make: &impl Fn() -> Q,
    max_size: usize,
    shards: usize,
    threads: &[Vec<Op>],
) -> Result<(), String>
where
    P: Policy + Send + Sync + 'static,
    Q: Policy + Send + Sync + 'static,
{
    let log: Arc<Mutex<Vec<Tag>>> = Arc::default();
    let removals = Removals::default();
    let cache = build(
        Recording {
            inner: run(),
            log: Arc::clone(&log),
        },
        max_size,
        shards,
        &removals,
    );
    log.lock().unwrap().clear();
    let barrier = Barrier::new(threads.len());
    let outcomes: Vec<Vec<Outcome>> = std::thread::scope(|s| {
        let handles: Vec<_> = threads
            .iter()
            .enumerate()
            .map(|(t, ops)| {
                let (mut cache, barrier) = (cache.clone(), &barrier);
                s.spawn(move || {
                    barrier.wait();
                    ops.iter()
                        .enumerate()
                        .map(|(i, &op)| run_op(&mut cache, (t, i), op))
                        .collect()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let order: Vec<Tag> = {
        let mut seen = std::collections::HashSet::new();
        log.lock()
            .unwrap()
            .iter()
            .copied()
            .filter(|t| seen.insert(*t))
            .collect()
    };
    let position: std::collections::HashMap<Tag, usize> =
        order.iter().enumerate().map(|(p, &t)| (t, p)).collect();
    // Windows of the unrecorded ops: states after `lo` and up to `hi` recorded ops.
    let mut pending = Vec::new();
    for (t, ops) in threads.iter().enumerate() {
        for i in 0..ops.len() {
            if position.contains_key(&(t, i)) {
                continue;
            }
            let lo = (0..i)
                .rev()
                .find_map(|j| position.get(&(t, j)))
                .map_or(0, |p| p + 1);
            let hi = (i + 1..ops.len())
                .find_map(|j| position.get(&(t, j)))
                .copied()
                .unwrap_or(order.len());
            pending.push(((t, i), lo, hi, false));
        }
    }
    let replay_removals = Removals::default();
    let mut replay = build(make(), max_size, shards, &replay_removals);
    for p in 0..=order.len() {
        for ((t, i), lo, hi, ok) in pending.iter_mut() {
            if !*ok && (*lo..=*hi).contains(&p) {
                *ok = read_only_matches(&replay, threads[*t][*i], outcomes[*t][*i]);
            }
        }
        let Some(&tag) = order.get(p) else { break };
        let (t, i) = tag;
        let got = run_op(&mut replay, tag, threads[t][i]);
        if got != outcomes[t][i] {
            return Err(format!(
                "op {tag:?} {:?}: ran {:?}, replay {got:?}",
                threads[t][i], outcomes[t][i]
            ));
        }
        let (ran, replayed) = (
            removals_of(&removals, tag),
            removals_of(&replay_removals, tag),
        );
        if ran != replayed {
            return Err(format!(
                "op {tag:?}: listener saw {ran:?}, replay {replayed:?}"
            ));
        }
    }
    if let Some(((t, i), ..)) = pending.iter().find(|p| !p.3) {
        return Err(format!(
            "op {:?} returned {:?}, matching no state in its window",
            threads[*t][*i], outcomes[*t][*i]
        ));
    }
    CURRENT.with(|c| c.set(Some((usize::MAX, 0)))); // Snapshots are not ops.
    let (ran, replayed) = (
        (cache.entries(), stats_tuple(cache.stats())),
        (replay.entries(), stats_tuple(replay.stats())),
    );
    CURRENT.with(|c| c.set(None));
    cache.validate().map_err(|e| e.to_string())?;
    if ran != replayed {
        return Err(format!("final state: ran {ran:?}, replay {replayed:?}"));
    }
    Ok(())
}

fn threads_strategy() -> impl Strategy<Value = (Vec<Vec<Op>>, usize)> {
    (
        prop::collection::vec(prop::collection::vec(op_strategy(), 1..60), 2..=4),
        0..=MAX_SIZE_LIMIT,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn lru_runs_replay_in_lock_order((threads, max_size) in threads_strategy()) {
        check(LruPolicy::default, max_size, &threads).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn lfu_runs_replay_in_lock_order((threads, max_size) in threads_strategy()) {
        check(LfuPolicy::default, max_size, &threads).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn tinylfu_runs_replay_in_lock_order((threads, max_size) in threads_strategy()) {
        check(TinyLfuPolicy::default, max_size, &threads).map_err(TestCaseError::fail)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn sharded_lru_runs_replay_in_lock_order(
        (threads, max_size) in threads_strategy(),
        shards in 2usize..=4,
    ) {
        check_sharded(LruPolicy::default, max_size, shards, &threads)
            .map_err(TestCaseError::fail)?;
    }

    #[test]
    fn sharded_lfu_runs_replay_in_lock_order(
        (threads, max_size) in threads_strategy(),
        shards in 2usize..=4,
    ) {
        check_sharded(LfuPolicy::default, max_size, shards, &threads)
            .map_err(TestCaseError::fail)?;
    }

    #[test]
    fn sharded_tinylfu_runs_replay_in_lock_order(
        (threads, max_size) in threads_strategy(),
        shards in 2usize..=4,
    ) {
        check_sharded(TinyLfuPolicy::default, max_size, shards, &threads)
            .map_err(TestCaseError::fail)?;
    }
}

/// The replay is what gives the properties teeth: replaying an LRU run with LFU, on ops where
/// the two evict differently, must be reported.
#[test]
fn a_replay_with_another_policy_is_caught() {
    let threads = vec![
        vec![
            Op::Insert(1),
            Op::Insert(2),
            Op::Get(1),
            Op::Get(1),
            Op::Get(2),
        ],
        vec![Op::Peek(5)],
    ];
    let mut ops = threads.clone();
    ops[0].push(Op::Insert(3));
    assert!(check(LruPolicy::default, 2, &ops).is_ok());
    let err = check_replay(&LruPolicy::default, &LfuPolicy::default, 2, 1, &ops);
    assert!(err.is_err(), "the LFU replay of an LRU run passed");
}
