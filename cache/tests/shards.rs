//! Sharding is exact: a cache of `n` shards given a random op sequence behaves as `n`
//! independent one-shard caches, each given the subsequence of ops on its own keys (and its
//! share of every whole-cache op): the same return values, the same evictions in the same
//! order, and the same policy order in every shard. Plus the whole-cache semantics the
//! builder documents: the split of `max_size`, the refusals, and snapshot/clear/pop order.
#![cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu", not(loom)))]

use clientcache::{
    Cache, CacheBuilder, Error, LfuPolicy, LruPolicy, MAX_SHARDS, Policy, RemovalCause,
    TinyLfuPolicy,
};
use proptest::prelude::*;
use std::sync::{Arc, Mutex};

type Log = Arc<Mutex<Vec<(u32, u32, RemovalCause)>>>;

/// A cache whose listener records every removal.
fn logged<P: Policy + Default>(max_size: usize, shards: usize) -> (Cache<u32, u32, P>, Log) {
    let log: Log = Arc::default();
    let sink = Arc::clone(&log);
    let cache = CacheBuilder::with_policy(P::default())
        .max_size(max_size)
        .shards(shards)
        .eviction_listener(move |k, v, cause| sink.lock().unwrap().push((k, v, cause)))
        .build()
        .unwrap();
    (cache, log)
}

fn take(log: &Log) -> Vec<(u32, u32, RemovalCause)> {
    std::mem::take(&mut *log.lock().unwrap())
}

#[derive(Clone, Debug)]
enum Op {
    Insert(u32),
    Get(u32),
    Peek(u32),
    Contains(u32),
    Remove(u32),
    GetOrInsert(u32),
    PopVictim,
    SetMaxSize(usize),
    Clear,
}

fn op() -> impl Strategy<Value = Op> {
    let key = 0u32..48;
    prop_oneof![
        6 => key.clone().prop_map(Op::Insert),
        6 => key.clone().prop_map(Op::Get),
        1 => key.clone().prop_map(Op::Peek),
        1 => key.clone().prop_map(Op::Contains),
        2 => key.clone().prop_map(Op::Remove),
        4 => key.prop_map(Op::GetOrInsert),
        1 => Just(Op::PopVictim),
        1 => (0usize..40).prop_map(Op::SetMaxSize),
        1 => Just(Op::Clear),
    ]
}

/// What an op returned, comparable between the sharded cache and the model.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Inserted(Result<(), String>),
    Value(Option<u32>),
    Bool(bool),
    Removed(Result<u32, String>),
    Loaded(u32),
    Popped(Option<(u32, u32)>),
    Resized(Result<(), String>),
    Done,
}

/// `n` one-shard caches standing in for the shards of one cache.
struct Model<P: Policy> {
    shards: Vec<(Cache<u32, u32, P>, Log)>,
    /// Where each key lives: the sharded cache's placement.
    place: Box<dyn Fn(u32) -> usize>,
}

impl<P: Policy + Default> Model<P> {
    fn new(max_size: usize, count: usize, place: Box<dyn Fn(u32) -> usize>) -> Self {
        let shards = (0..count)
            .map(|i| logged::<P>(share(max_size, count, i), 1))
            .collect();
        Model { shards, place }
    }

    fn shard(&self, key: u32) -> &Cache<u32, u32, P> {
        &self.shards[(self.place)(key)].0
    }

    fn apply(&self, op: &Op) -> Outcome {
        match *op {
            Op::Insert(k) => Outcome::Inserted(self.shard(k).insert(k, k + 1000).map_err(msg)),
            Op::Get(k) => Outcome::Value(self.shard(k).get(&k)),
            Op::Peek(k) => Outcome::Value(self.shard(k).peek(&k)),
            Op::Contains(k) => Outcome::Bool(self.shard(k).contains_key(&k)),
            Op::Remove(k) => Outcome::Removed(self.shard(k).remove(&k).map_err(msg)),
            Op::GetOrInsert(k) => Outcome::Loaded(self.shard(k).get_or_insert_with(k, || k + 2000)),
            Op::PopVictim => {
                // The documented rule: the shard with the most entries, lowest index first.
                let mut fullest: Option<(usize, usize)> = None;
                for (i, (cache, _)) in self.shards.iter().enumerate() {
                    let len = cache.len();
                    if len > 0 && fullest.is_none_or(|(_, most)| len > most) {
                        fullest = Some((i, len));
                    }
                }
                Outcome::Popped(fullest.and_then(|(i, _)| self.shards[i].0.pop_victim()))
            }
            Op::SetMaxSize(max_size) => {
                let count = self.shards.len();
                if max_size != 0 && max_size < count {
                    return Outcome::Resized(Err(msg(Error::MaxSizeBelowShards {
                        max_size,
                        shards: count,
                    })));
                }
                for (i, (cache, _)) in self.shards.iter().enumerate() {
                    cache.set_max_size(share(max_size, count, i)).unwrap();
                }
                Outcome::Resized(Ok(()))
            }
            Op::Clear => {
                for (cache, _) in &self.shards {
                    cache.clear();
                }
                Outcome::Done
            }
        }
    }

    /// Every shard's removals since the last call, in shard order (the order a whole-cache
    /// op reports them; an op on one key touches one shard).
    fn removals(&self) -> Vec<(u32, u32, RemovalCause)> {
        self.shards.iter().flat_map(|(_, log)| take(log)).collect()
    }
}

fn apply<P: Policy>(cache: &Cache<u32, u32, P>, op: &Op) -> Outcome {
    match *op {
        Op::Insert(k) => Outcome::Inserted(cache.insert(k, k + 1000).map_err(msg)),
        Op::Get(k) => Outcome::Value(cache.get(&k)),
        Op::Peek(k) => Outcome::Value(cache.peek(&k)),
        Op::Contains(k) => Outcome::Bool(cache.contains_key(&k)),
        Op::Remove(k) => Outcome::Removed(cache.remove(&k).map_err(msg)),
        Op::GetOrInsert(k) => Outcome::Loaded(cache.get_or_insert_with(k, || k + 2000)),
        Op::PopVictim => Outcome::Popped(cache.pop_victim()),
        Op::SetMaxSize(max_size) => Outcome::Resized(cache.set_max_size(max_size).map_err(msg)),
        Op::Clear => {
            cache.clear();
            Outcome::Done
        }
    }
}

fn msg(err: Error) -> String {
    err.to_string()
}

/// The documented split: `max_size / n`, plus one for the first `max_size % n` shards.
fn share(max_size: usize, count: usize, index: usize) -> usize {
    max_size / count + usize::from(index < max_size % count)
}

fn check_exact<P: Policy + Default + Send + Sync + 'static>(
    count: usize,
    max_size: usize,
    ops: &[Op],
) {
    let (cache, log) = logged::<P>(max_size, count);
    let placer = cache.clone();
    let model = Model::<P>::new(max_size, count, Box::new(move |k| placer.shard_index(&k)));
    for (step, op) in ops.iter().enumerate() {
        let got = apply(&cache, op);
        let expected = model.apply(op);
        assert_eq!(got, expected, "step {step} ({op:?}), {count} shards");
        assert_eq!(
            take(&log),
            model.removals(),
            "removals at step {step} ({op:?})"
        );
        for (index, (shard, _)) in model.shards.iter().enumerate() {
            let in_shard: Vec<u32> = cache
                .keys()
                .into_iter()
                .filter(|k| cache.shard_index(k) == index)
                .collect();
            assert_eq!(
                in_shard,
                shard.keys(),
                "shard {index}'s order at step {step}"
            );
        }
        let summed = model
            .shards
            .iter()
            .fold((0, 0, 0, 0, 0), |(h, m, i, e, r), (shard, _)| {
                let s = shard.stats();
                (
                    h + s.hits,
                    m + s.misses,
                    i + s.inserts,
                    e + s.evictions,
                    r + s.removals,
                )
            });
        let s = cache.stats();
        assert_eq!(
            (s.hits, s.misses, s.inserts, s.evictions, s.removals),
            summed,
            "stats at step {step}"
        );
        let model_len: usize = model.shards.iter().map(|(shard, _)| shard.len()).sum();
        assert_eq!(cache.len(), model_len);
        let model_max: usize = model.shards.iter().map(|(shard, _)| shard.max_size()).sum();
        assert_eq!(cache.max_size(), model_max);
        cache.validate().unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn sharded_lru_is_independent_one_shard_lrus(
        count in 1usize..6,
        max_size in 5usize..30,
        ops in prop::collection::vec(op(), 1..200),
    ) {
        check_exact::<LruPolicy>(count, max_size, &ops);
    }

    #[test]
    fn sharded_lfu_is_independent_one_shard_lfus(
        count in 1usize..6,
        max_size in 5usize..30,
        ops in prop::collection::vec(op(), 1..200),
    ) {
        check_exact::<LfuPolicy>(count, max_size, &ops);
    }

    #[test]
    fn sharded_tinylfu_is_independent_one_shard_tinylfus(
        count in 1usize..6,
        max_size in 5usize..30,
        ops in prop::collection::vec(op(), 1..200),
    ) {
        check_exact::<TinyLfuPolicy>(count, max_size, &ops);
    }
}

#[test]
fn shard_counts_of_zero_or_above_the_limit_are_refused_with_the_range() {
    for shards in [0, MAX_SHARDS + 1, usize::MAX] {
        let built = Cache::<u32, u32, LruPolicy>::builder()
            .max_size(10_000)
            .shards(shards)
            .build();
        let err = built.unwrap_err();
        assert_eq!(
            err,
            Error::InvalidShards {
                shards,
                limit: MAX_SHARDS
            }
        );
        assert!(err.to_string().contains("use 1 to 1024 shards"), "{err}");
    }
    let most = Cache::<u32, u32, LruPolicy>::builder()
        .max_size(MAX_SHARDS)
        .shards(MAX_SHARDS)
        .build()
        .unwrap();
    assert_eq!(most.shard_count(), MAX_SHARDS);
}

#[test]
fn max_size_below_the_shard_count_is_refused_but_zero_is_allowed() {
    let refused = Cache::<u32, u32, LruPolicy>::builder()
        .max_size(3)
        .shards(4)
        .build();
    assert_eq!(
        refused.unwrap_err(),
        Error::MaxSizeBelowShards {
            max_size: 3,
            shards: 4
        }
    );
    let off = Cache::<u32, u32, LruPolicy>::builder()
        .max_size(0)
        .shards(4)
        .build()
        .unwrap();
    off.insert(1, 1).unwrap();
    assert!(off.is_empty());
    let cache = Cache::<u32, u32, LruPolicy>::builder()
        .max_size(8)
        .shards(4)
        .build()
        .unwrap();
    assert!(matches!(
        cache.set_max_size(2),
        Err(Error::MaxSizeBelowShards { .. })
    ));
    assert_eq!(cache.max_size(), 8, "a refused resize changes nothing");
    cache.set_max_size(0).unwrap();
    cache.set_max_size(4).unwrap();
    assert_eq!(cache.max_size(), 4);
}

#[test]
fn a_full_shard_evicts_while_the_cache_is_below_max_size() {
    let (cache, log) = logged::<LruPolicy>(8, 4); // two entries per shard
    let shard0: Vec<u32> = (0..)
        .filter(|k| cache.shard_index(k) == 0)
        .take(3)
        .collect();
    for &k in &shard0 {
        cache.insert(k, k).unwrap();
    }
    assert_eq!(cache.len(), 2, "the shard holds its share only");
    assert_eq!(take(&log), [(shard0[0], shard0[0], RemovalCause::Evicted)]);
}

#[test]
fn whole_cache_snapshots_clear_and_resize_go_shard_by_shard() {
    let (cache, log) = logged::<LruPolicy>(400, 4); // room for all: no evictions
    for k in 0..40 {
        cache.insert(k, k).unwrap();
    }
    let keys = cache.keys();
    let shard_of: Vec<usize> = keys.iter().map(|k| cache.shard_index(k)).collect();
    assert!(
        shard_of.windows(2).all(|w| w[0] <= w[1]),
        "shard 0's keys first: {shard_of:?}"
    );
    assert_eq!(cache.entries().len(), cache.len());
    assert_eq!(cache.keys_rev().into_iter().rev().collect::<Vec<_>>(), keys);
    assert!(take(&log).is_empty());
    cache.set_max_size(8).unwrap();
    let resized: Vec<u32> = take(&log).into_iter().map(|(k, _, _)| k).collect();
    let kept = cache.keys();
    let expected: Vec<u32> = keys.iter().copied().filter(|k| !kept.contains(k)).collect();
    assert_eq!(
        resized, expected,
        "each shard evicts its first keys down to its share"
    );
    assert_eq!(cache.len(), 8);
    let keys = cache.keys();
    cache.clear();
    let cleared: Vec<u32> = take(&log).into_iter().map(|(k, _, _)| k).collect();
    assert_eq!(
        cleared, keys,
        "clear reports shard by shard, each in policy order"
    );
    assert!(cache.is_empty());
    cache.validate().unwrap();
}

#[test]
fn pop_victim_takes_from_the_fullest_shard_lowest_index_on_ties() {
    let cache = Cache::<u32, u32, LruPolicy>::builder()
        .max_size(100)
        .shards(3)
        .build()
        .unwrap();
    let in_shard = |s: usize, n: usize| -> Vec<u32> {
        (0..)
            .filter(|k| cache.shard_index(k) == s)
            .take(n)
            .collect()
    };
    let (one, two) = (in_shard(1, 2), in_shard(2, 2));
    for &k in one.iter().chain(&two) {
        cache.insert(k, k).unwrap();
    }
    // Shards 1 and 2 hold two each: shard 1 gives its LRU first.
    assert_eq!(cache.pop_victim(), Some((one[0], one[0])));
    // Now shard 2 is the fullest.
    assert_eq!(cache.pop_victim(), Some((two[0], two[0])));
    assert_eq!(cache.pop_victim(), Some((one[1], one[1])));
    assert_eq!(cache.pop_victim(), Some((two[1], two[1])));
    assert_eq!(cache.pop_victim(), None);
}

#[test]
fn shard_placement_is_the_same_in_every_cache_with_the_same_hasher() {
    let a = Cache::<String, u32, LruPolicy>::builder()
        .max_size(64)
        .shards(8)
        .build()
        .unwrap();
    let b = a.deep_clone();
    let c = Cache::<String, u32, LruPolicy>::builder()
        .max_size(16)
        .shards(8)
        .build()
        .unwrap();
    let mut used = [false; 8];
    for i in 0..200 {
        let key = format!("tenant-{i}");
        let index = a.shard_index(&key);
        assert_eq!(b.shard_index(&key), index);
        assert_eq!(c.shard_index(key.as_str()), index);
        used[index] = true;
    }
    assert!(used.iter().all(|&u| u), "200 keys reach all 8 shards");
    assert_eq!(b.shard_count(), 8);
}
