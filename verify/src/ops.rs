//! The operation vocabulary shared by the model tests, the fuzz target and the harness.
//!
//! An [`Op`] sequence is run against several [`Subject`]s (the [`ReferenceCache`] model, a bare
//! policy driven the way the cache drives it, and the real `clientcache::Cache`), and
//! [`compare`] checks that every return value and the full policy order agree after every op.

use crate::model::{ModelError, ModelPolicy, ReferenceCache};

use clientcache::Cache;
use clientcache_policy_api::{EntryId, Policy};
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
}

/// The proptest strategy for one op (weights favour inserts and gets, so caches fill up).
pub fn op_strategy() -> impl Strategy<Value = Op> {
    let key = 0..KEY_SPACE;
    prop_oneof![
        6 => key.clone().prop_map(Op::Insert),
        6 => key.clone().prop_map(Op::Get),
        1 => key.clone().prop_map(Op::Peek),
        1 => key.clone().prop_map(Op::ContainsKey),
        2 => key.prop_map(Op::Remove),
        1 => Just(Op::PopVictim),
        1 => (0..=MAX_SIZE_LIMIT).prop_map(Op::SetMaxSize),
        1 => Just(Op::Clear),
    ]
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
                self.max_size = n;
                self.policy.set_capacity(n);
                while self.policy.len() > n {
                    self.evict();
                }
                Outcome::Done
            }
            Op::Clear => {
                self.policy.clear();
                self.values.iter_mut().for_each(|v| *v = None);
                Outcome::Done
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
