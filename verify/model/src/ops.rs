//! The operation vocabulary shared by the model tests, the fuzz target and the harness.
//!
//! An [`Op`] sequence is run against several [`Subject`]s (the [`ReferenceCache`] model, a bare
//! policy driven the way the cache drives it, and the real `clientcache::Cache`), and
//! [`compare`] checks that every return value and the full policy order agree after every op.
//!
//! Two generators produce op sequences: [`op_strategy`] for proptest, and the [`Arbitrary`]
//! impls ([`Op`], [`Scenario`]) that turn raw bytes into a [`Scenario`] for the cargo-fuzz
//! target in `verify/fuzz`. [`check_scenario`] is the one check both run, so the fuzz path is
//! exercised on stable by `tests/fuzz_scenarios.rs` too. [`model_step`] runs one op on the
//! model and reports what the cache's eviction listener would see, for the concurrency tests.

use crate::model::{ModelError, ModelPolicy, ReferenceCache};

use arbitrary::{Arbitrary, Unstructured};
use clientcache::{Cache, RemovalCause};
use clientcache_policy_api::{EntryId, Policy};
use clientcache_policy_lfu::LfuPolicy;
use clientcache_policy_lru::LruPolicy;
use clientcache_policy_tinylfu::TinyLfuPolicy;
use proptest::prelude::*;

/// Keys are drawn from `0..KEY_SPACE`: small, so hits, refusals and evictions are frequent.
pub const KEY_SPACE: u16 = 12;
/// `SetMaxSize` draws sizes from `0..=MAX_SIZE_LIMIT`.
pub const MAX_SIZE_LIMIT: usize = 8;

/// One cache operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `insert(key, value)`; the value is the op's index in the sequence, so each is unique.
    Insert(u16),
    /// `get(key)`: an access.
    Get(u16),
    /// `peek(key)`: not an access.
    Peek(u16),
    /// `contains_key(key)`: not an access.
    ContainsKey(u16),
    /// `remove(key)`.
    Remove(u16),
    /// `pop_victim()`.
    PopVictim,
    /// `set_max_size(n)`.
    SetMaxSize(usize),
    /// `clear()`.
    Clear,
    /// `replace(key, value)`: an access when the key is cached.
    Replace(u16),
    /// `upsert(key, value)`.
    Upsert(u16),
    /// `retain(|k, _| k < split)`: drops every key from `split` up.
    Retain(u16),
}

/// What an [`Op`] returned, in a form every subject can produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// From `insert`.
    Insert(Result<(), ModelError>),
    /// From `get` or `peek`.
    Value(Option<u64>),
    /// From `contains_key`.
    Contains(bool),
    /// From `remove`.
    Remove(Result<u64, ModelError>),
    /// From `pop_victim`.
    Popped(Option<(u16, u64)>),
    /// From `set_max_size` and `clear`.
    Done,
    /// From `replace`: the old value.
    Replace(Result<u64, ModelError>),
    /// From `upsert`: the old value, if it replaced.
    Upsert(Option<u64>),
    /// From `retain`: how many it dropped.
    Retained(usize),
}

/// The proptest strategy for one op (weights favour inserts and gets, so caches fill up).
pub fn op_strategy() -> impl Strategy<Value = Op> {
    let key = 0..KEY_SPACE;
    prop_oneof![
        6 => key.clone().prop_map(Op::Insert),
        6 => key.clone().prop_map(Op::Get),
        1 => key.clone().prop_map(Op::Peek),
        1 => key.clone().prop_map(Op::ContainsKey),
        2 => key.clone().prop_map(Op::Remove),
        1 => Just(Op::PopVictim),
        1 => (0..=MAX_SIZE_LIMIT).prop_map(Op::SetMaxSize),
        1 => Just(Op::Clear),
        2 => key.clone().prop_map(Op::Replace),
        2 => key.prop_map(Op::Upsert),
        1 => (0..=KEY_SPACE).prop_map(Op::Retain),
    ]
}

/// The op kinds with their weights, shared by [`op_strategy`]'s intent and [`Op`]'s
/// [`Arbitrary`] impl: a byte picks a kind in proportion to its weight.
const WEIGHTS: [(u8, OpKind); 11] = [
    (6, OpKind::Insert),
    (6, OpKind::Get),
    (1, OpKind::Peek),
    (1, OpKind::ContainsKey),
    (2, OpKind::Remove),
    (1, OpKind::PopVictim),
    (1, OpKind::SetMaxSize),
    (1, OpKind::Clear),
    (2, OpKind::Replace),
    (2, OpKind::Upsert),
    (1, OpKind::Retain),
];

#[derive(Clone, Copy)]
enum OpKind {
    Insert,
    Get,
    Peek,
    ContainsKey,
    Remove,
    PopVictim,
    SetMaxSize,
    Clear,
    Replace,
    Upsert,
    Retain,
}

impl<'a> Arbitrary<'a> for Op {
    /// The same vocabulary and weights as [`op_strategy`]: keys in `0..KEY_SPACE`, sizes in
    /// `0..=MAX_SIZE_LIMIT`. Exhausted input reads as zeros (an `Insert(0)`), as `arbitrary`
    /// does for integers.
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let total: u8 = WEIGHTS.iter().map(|(w, _)| w).sum();
        let mut pick = u.int_in_range(0..=total - 1)?;
        let mut kind = OpKind::Clear;
        for (weight, k) in WEIGHTS {
            if pick < weight {
                kind = k;
                break;
            }
            pick -= weight;
        }
        let mut key = || u.int_in_range(0..=KEY_SPACE - 1);
        Ok(match kind {
            OpKind::Insert => Op::Insert(key()?),
            OpKind::Get => Op::Get(key()?),
            OpKind::Peek => Op::Peek(key()?),
            OpKind::ContainsKey => Op::ContainsKey(key()?),
            OpKind::Remove => Op::Remove(key()?),
            OpKind::PopVictim => Op::PopVictim,
            OpKind::SetMaxSize => Op::SetMaxSize(u.int_in_range(0..=MAX_SIZE_LIMIT)?),
            OpKind::Clear => Op::Clear,
            OpKind::Replace => Op::Replace(key()?),
            OpKind::Upsert => Op::Upsert(key()?),
            OpKind::Retain => Op::Retain(u.int_in_range(0..=KEY_SPACE)?),
        })
    }

    fn size_hint(_depth: usize) -> (usize, Option<usize>) {
        (1, Some(3)) // A kind byte, then a key or a size (`int_in_range` reads 1 or 8 bytes).
    }
}

/// The longest op sequence a [`Scenario`] holds: long enough to fill, churn and resize the
/// small caches many times, short enough that each fuzz input runs in microseconds.
pub const SCENARIO_MAX_OPS: usize = 1024;

/// One fuzz input: a starting `max_size` and an op sequence, read from raw bytes.
///
/// ```
/// use arbitrary::{Arbitrary, Unstructured};
/// use clientcache_model::ops::{Scenario, check_scenario};
///
/// let bytes = [3u8, 0, 1, 0, 2, 6, 1, 0, 3];
/// let scenario = Scenario::arbitrary(&mut Unstructured::new(&bytes)).unwrap();
/// assert_eq!(scenario.max_size, 3);
/// assert!(!scenario.ops.is_empty());
/// check_scenario(&scenario).unwrap();
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    /// The cache's `max_size` before the first op, in `0..=MAX_SIZE_LIMIT`.
    pub max_size: usize,
    /// At most [`SCENARIO_MAX_OPS`] ops.
    pub ops: Vec<Op>,
}

impl<'a> Arbitrary<'a> for Scenario {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let max_size = u.int_in_range(0..=MAX_SIZE_LIMIT)?;
        let len = u.arbitrary_len::<Op>()?.min(SCENARIO_MAX_OPS);
        let ops = (0..len)
            .map(|_| Op::arbitrary(u))
            .collect::<arbitrary::Result<_>>()?;
        Ok(Scenario { max_size, ops })
    }

    fn arbitrary_take_rest(mut u: Unstructured<'a>) -> arbitrary::Result<Self> {
        let max_size = u.int_in_range(0..=MAX_SIZE_LIMIT)?;
        let ops = u
            .arbitrary_take_rest_iter::<Op>()?
            .take(SCENARIO_MAX_OPS)
            .collect::<arbitrary::Result<_>>()?;
        Ok(Scenario { max_size, ops })
    }
}

/// Runs `scenario` on every subject that has a reference: the LRU and LFU models against the
/// bare policy crates and against `Cache` with them, and W-TinyLFU (no plain model) through
/// `Cache` against the bare policy; then each cache's own `validate()`. `Err` names the first
/// divergence. What the fuzz target and `tests/fuzz_scenarios.rs` both check.
pub fn check_scenario(scenario: &Scenario) -> Result<(), String> {
    let (ops, max_size) = (&scenario.ops, scenario.max_size);
    against_model::<LruPolicy>(ModelPolicy::Lru, ops, max_size)?;
    against_model::<LfuPolicy>(ModelPolicy::Lfu, ops, max_size)?;
    let mut bare = BarePolicy::new(TinyLfuPolicy::default(), max_size);
    let mut cache = Cache::<u16, u64, TinyLfuPolicy>::new(max_size);
    compare(ops, &mut bare, &mut cache)
        .map_err(|e| format!("Cache<TinyLFU> vs the bare policy, max_size {max_size}: {e}"))?;
    cache
        .validate()
        .map_err(|e| format!("Cache<TinyLFU>, max_size {max_size}: {e}"))
}

/// `ops` on the `model` reference against the bare policy `P` and against `Cache<_, _, P>`.
fn against_model<P>(model: ModelPolicy, ops: &[Op], max_size: usize) -> Result<(), String>
where
    P: Policy + Default + Send + Sync,
{
    let name = P::default().name();
    let reference = || ReferenceCache::new(model, max_size);
    let mut bare = BarePolicy::new(P::default(), max_size);
    compare(ops, &mut reference(), &mut bare)
        .map_err(|e| format!("bare {name} vs its model, max_size {max_size}: {e}"))?;
    let mut cache = Cache::<u16, u64, P>::new(max_size);
    compare(ops, &mut reference(), &mut cache)
        .map_err(|e| format!("Cache<{name}> vs its model, max_size {max_size}: {e}"))?;
    cache
        .validate()
        .map_err(|e| format!("Cache<{name}>, max_size {max_size}: {e}"))
}

/// An entry handed to the eviction listener: key, value, cause.
pub type Removal = (u16, u64, RemovalCause);

/// Runs `op` on `model` and returns its outcome together with what `Cache`'s eviction listener
/// sees for the same op, in the order it sees it: the victim an insert evicts (or the
/// newcomer itself when `max_size` is 0), the removed or popped entry, the entries a shrinking
/// `set_max_size` or a `clear` drops, next victim first.
pub fn model_step(model: &mut ReferenceCache, op: Op, value: u64) -> (Outcome, Vec<Removal>) {
    let mut removals = Vec::new();
    let outcome = match op {
        Op::Insert(k) => {
            let dropped_at_once = model.max_size() == 0;
            let inserted = model.insert(k, value);
            if let Ok(Some((key, value))) = inserted {
                removals.push((key, value, RemovalCause::Evicted));
            }
            if inserted.is_ok() && dropped_at_once {
                removals.push((k, value, RemovalCause::Evicted));
            }
            Outcome::Insert(inserted.map(|_| ()))
        }
        Op::Remove(k) => {
            let removed = model.remove(k);
            if let Ok(value) = removed {
                removals.push((k, value, RemovalCause::Removed));
            }
            Outcome::Remove(removed)
        }
        Op::PopVictim => {
            let popped = model.pop_victim();
            if let Some((key, value)) = popped {
                removals.push((key, value, RemovalCause::Removed));
            }
            Outcome::Popped(popped)
        }
        Op::SetMaxSize(n) => {
            let evicted = model.set_max_size(n);
            removals.extend(
                evicted
                    .into_iter()
                    .map(|(k, v)| (k, v, RemovalCause::Resized)),
            );
            Outcome::Done
        }
        Op::Clear => {
            let cleared = model.clear();
            removals.extend(
                cleared
                    .into_iter()
                    .map(|(k, v)| (k, v, RemovalCause::Cleared)),
            );
            Outcome::Done
        }
        Op::Replace(k) => {
            let replaced = model.replace(k, value);
            if let Ok(old) = replaced {
                removals.push((k, old, RemovalCause::Replaced));
            }
            Outcome::Replace(replaced)
        }
        Op::Upsert(k) => match model.replace(k, value) {
            Ok(old) => {
                removals.push((k, old, RemovalCause::Replaced));
                Outcome::Upsert(Some(old))
            }
            Err(_) => {
                let (_, evicted) = model_step(model, Op::Insert(k), value);
                removals.extend(evicted);
                Outcome::Upsert(None)
            }
        },
        Op::Retain(split) => {
            let dropped = model.retain_below(split);
            let count = dropped.len();
            removals.extend(
                dropped
                    .into_iter()
                    .map(|(k, v)| (k, v, RemovalCause::Removed)),
            );
            Outcome::Retained(count)
        }
        Op::Get(_) | Op::Peek(_) | Op::ContainsKey(_) => model.apply(op, value),
    };
    (outcome, removals)
}

/// Something an op sequence can run against.
pub trait Subject {
    /// Runs `op`; `value` is what an `Insert` stores.
    fn apply(&mut self, op: Op, value: u64) -> Outcome;
    /// Resident keys, next victim first.
    fn order(&self) -> Vec<u16>;
}

impl Subject for ReferenceCache {
    fn apply(&mut self, op: Op, value: u64) -> Outcome {
        match op {
            Op::Insert(k) => Outcome::Insert(self.insert(k, value).map(|_| ())),
            Op::Get(k) => Outcome::Value(self.get(k)),
            Op::Peek(k) => Outcome::Value(self.peek(k)),
            Op::ContainsKey(k) => Outcome::Contains(self.peek(k).is_some()),
            Op::Remove(k) => Outcome::Remove(self.remove(k)),
            Op::PopVictim => Outcome::Popped(self.pop_victim()),
            Op::SetMaxSize(n) => {
                self.set_max_size(n);
                Outcome::Done
            }
            Op::Clear => {
                self.clear();
                Outcome::Done
            }
            Op::Replace(k) => Outcome::Replace(self.replace(k, value)),
            Op::Upsert(k) => match self.replace(k, value) {
                Ok(old) => Outcome::Upsert(Some(old)),
                Err(_) => {
                    let _ = self.insert(k, value);
                    Outcome::Upsert(None)
                }
            },
            Op::Retain(split) => Outcome::Retained(self.retain_below(split).len()),
        }
    }

    fn order(&self) -> Vec<u16> {
        ReferenceCache::order(self)
    }
}

/// The stand-in key hash a bare policy is told: any fixed function of the key will do.
pub fn key_hash(key: u16) -> u64 {
    u64::from(key)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .rotate_left(29)
}

/// A bare policy driven exactly as the cache drives it: entry id = key, evict before insert,
/// `on_miss` on a missed `get`, `admit` consulted before an eviction.
#[derive(Clone, Debug)]
pub struct BarePolicy<P> {
    policy: P,
    max_size: usize,
    values: Vec<Option<u64>>,
}

impl<P: Policy> BarePolicy<P> {
    /// Wraps `policy`, holding at most `max_size` keys.
    pub fn new(mut policy: P, max_size: usize) -> Self {
        policy.set_capacity(max_size);
        BarePolicy {
            policy,
            max_size,
            values: vec![None; usize::from(KEY_SPACE)],
        }
    }

    /// The wrapped policy.
    pub fn policy(&self) -> &P {
        &self.policy
    }

    fn id(key: u16) -> EntryId {
        EntryId::new(u32::from(key))
    }

    fn evict(&mut self) -> Option<(u16, u64)> {
        let id = self.policy.evict()?;
        let key = id.get() as u16;
        let value = self.values[id.index()].take()?;
        Some((key, value))
    }
}

impl<P: Policy> Subject for BarePolicy<P> {
    fn apply(&mut self, op: Op, value: u64) -> Outcome {
        let slot = |k: u16| usize::from(k);
        match op {
            Op::Insert(k) => {
                if self.values[slot(k)].is_some() {
                    return Outcome::Insert(Err(ModelError::AlreadyCached));
                }
                if self.max_size == 0 {
                    return Outcome::Insert(Ok(()));
                }
                if self.policy.len() >= self.max_size {
                    let victim = self.policy.victim().expect("a full policy has a victim");
                    if !self.policy.admit(key_hash(k), victim) {
                        return Outcome::Insert(Ok(()));
                    }
                    self.evict();
                }
                self.policy.on_insert(Self::id(k), key_hash(k));
                self.values[slot(k)] = Some(value);
                Outcome::Insert(Ok(()))
            }
            Op::Get(k) => match self.values[slot(k)] {
                Some(v) => {
                    self.policy.on_access(Self::id(k), key_hash(k));
                    Outcome::Value(Some(v))
                }
                None => {
                    self.policy.on_miss(key_hash(k));
                    Outcome::Value(None)
                }
            },
            Op::Peek(k) => Outcome::Value(self.values[slot(k)]),
            Op::ContainsKey(k) => Outcome::Contains(self.values[slot(k)].is_some()),
            Op::Remove(k) => match self.values[slot(k)].take() {
                Some(v) => {
                    self.policy.on_remove(Self::id(k));
                    Outcome::Remove(Ok(v))
                }
                None => Outcome::Remove(Err(ModelError::NotCached)),
            },
            Op::PopVictim => Outcome::Popped(self.evict()),
            Op::SetMaxSize(n) => {
                // Evict in the order shown so far, then tell the policy (as `Cache` does).
                while self.policy.len() > n {
                    self.evict();
                }
                self.max_size = n;
                self.policy.set_capacity(n);
                Outcome::Done
            }
            Op::Clear => {
                self.policy.clear();
                self.values.iter_mut().for_each(|v| *v = None);
                Outcome::Done
            }
            Op::Replace(k) => Outcome::Replace(match self.values[slot(k)].replace(value) {
                Some(old) => {
                    self.policy.on_access(Self::id(k), key_hash(k));
                    Ok(old)
                }
                None => {
                    self.values[slot(k)] = None;
                    Err(ModelError::NotCached)
                }
            }),
            Op::Upsert(k) => match self.apply(Op::Replace(k), value) {
                Outcome::Replace(Ok(old)) => Outcome::Upsert(Some(old)),
                _ => {
                    self.apply(Op::Insert(k), value);
                    Outcome::Upsert(None)
                }
            },
            Op::Retain(split) => {
                let doomed: Vec<EntryId> = self
                    .policy
                    .iter()
                    .filter(|id| id.get() as u16 >= split)
                    .collect();
                for &id in &doomed {
                    self.policy.on_remove(id);
                    self.values[id.index()] = None;
                }
                Outcome::Retained(doomed.len())
            }
        }
    }

    fn order(&self) -> Vec<u16> {
        self.policy.iter().map(|id| id.get() as u16).collect()
    }
}

/// The real cache as a [`Subject`].
impl<P> Subject for Cache<u16, u64, P>
where
    P: Policy + Send + Sync,
{
    fn apply(&mut self, op: Op, value: u64) -> Outcome {
        let to_model = |e: clientcache::Error| match e {
            clientcache::Error::AlreadyCached { .. } => ModelError::AlreadyCached,
            clientcache::Error::NotCached { .. } => ModelError::NotCached,
            other => panic!("unexpected cache error: {other}"),
        };
        match op {
            Op::Insert(k) => Outcome::Insert(self.insert(k, value).map_err(to_model)),
            Op::Get(k) => Outcome::Value(self.get(&k)),
            Op::Peek(k) => Outcome::Value(self.peek(&k)),
            Op::ContainsKey(k) => Outcome::Contains(self.contains_key(&k)),
            Op::Remove(k) => Outcome::Remove(self.remove(&k).map_err(to_model)),
            Op::PopVictim => Outcome::Popped(self.pop_victim()),
            Op::SetMaxSize(n) => {
                self.set_max_size(n)
                    .expect("sizes up to MAX_SIZE_LIMIT are valid");
                Outcome::Done
            }
            Op::Clear => {
                self.clear();
                Outcome::Done
            }
            Op::Replace(k) => Outcome::Replace(self.replace(k, value).map_err(to_model)),
            Op::Upsert(k) => Outcome::Upsert(self.upsert(k, value)),
            Op::Retain(split) => Outcome::Retained(self.retain(|&k, _| k < split)),
        }
    }

    fn order(&self) -> Vec<u16> {
        self.keys()
    }
}

/// Runs `ops` against the `reference` and `subject`, comparing every outcome and the full
/// order after every op. `Err` describes the first divergence.
pub fn compare(
    ops: &[Op],
    reference: &mut impl Subject,
    subject: &mut impl Subject,
) -> Result<(), String> {
    for (index, &op) in ops.iter().enumerate() {
        let value = index as u64;
        let expected = reference.apply(op, value);
        let actual = subject.apply(op, value);
        if expected != actual {
            return Err(format!(
                "op #{index} {op:?}: reference returned {expected:?}, subject {actual:?}"
            ));
        }
        let (expected_order, actual_order) = (reference.order(), subject.order());
        if expected_order != actual_order {
            return Err(format!(
                "after op #{index} {op:?}: reference order {expected_order:?}, subject order {actual_order:?}"
            ));
        }
    }
    Ok(())
}

/// The model policy matching a policy name ("LRU" or "LFU").
pub fn model_policy(name: &str) -> Option<ModelPolicy> {
    match name {
        "LRU" => Some(ModelPolicy::Lru),
        "LFU" => Some(ModelPolicy::Lfu),
        _ => None,
    }
}
