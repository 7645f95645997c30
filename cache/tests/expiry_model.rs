//! Expiry against reference models, on random ops interleaved with clock advances.
//!
//! - With a time-to-live and a time-to-idle on an LRU cache, a plain model predicts
//!   everything: every return value, every removal with its cause and its order (lazy
//!   expiry on touch; the two due entries each operation removes, oldest by time-to-live
//!   first; evictions), and the final state.
//! - With per-entry deadlines (which the timing wheel removes in an order of its own), a model
//!   of liveness predicts every return value, and the removals are checked as a whole: each
//!   expired entry is reported once, as expired, and never before its deadline.
#![cfg(all(feature = "lru", not(loom)))]

use clientcache::{Cache, CacheBuilder, Error, LruPolicy, ManualClock, RemovalCause};
use proptest::prelude::*;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

type Log = Arc<Mutex<Vec<(u8, u64, RemovalCause)>>>;

#[derive(Clone, Debug)]
enum Op {
    Insert(u8),
    InsertTtl(u8, u64),
    Get(u8),
    Peek(u8),
    Contains(u8),
    Remove(u8),
    Load(u8),
    Advance(u64),
    Purge,
    Len,
}

fn op(with_ttl: bool) -> impl Strategy<Value = Op> {
    let key = 0u8..12;
    let ttl_weight = if with_ttl { 3 } else { 0 };
    prop_oneof![
        4 => key.clone().prop_map(Op::Insert),
        ttl_weight => (key.clone(), 0u64..40).prop_map(|(k, t)| Op::InsertTtl(k, t)),
        4 => key.clone().prop_map(Op::Get),
        1 => key.clone().prop_map(Op::Peek),
        1 => key.clone().prop_map(Op::Contains),
        1 => key.clone().prop_map(Op::Remove),
        2 => key.prop_map(Op::Load),
        4 => (0u64..12).prop_map(Op::Advance),
        1 => Just(Op::Purge),
        1 => Just(Op::Len),
    ]
}

/// What an op returned.
#[derive(Debug, PartialEq, Eq)]
enum Out {
    Inserted(bool),
    Value(Option<u64>),
    Present(bool),
    Removed(Option<u64>),
    Count(usize),
    Done,
}

/// Milliseconds, the tests' time unit (many wheel ticks each).
fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn cache(
    max_size: usize,
    ttl: u64,
    tti: u64,
    clock: &ManualClock,
) -> (Cache<u8, u64, LruPolicy>, Log) {
    let log: Log = Arc::default();
    let sink = Arc::clone(&log);
    let cache = CacheBuilder::with_policy(LruPolicy::default())
        .max_size(max_size)
        .time_to_live(ms(ttl))
        .time_to_idle(ms(tti))
        .clock(clock.clone())
        .eviction_listener(move |k, v, c| sink.lock().unwrap().push((k, v, c)))
        .build()
        .unwrap();
    (cache, log)
}

fn run(cache: &Cache<u8, u64, LruPolicy>, clock: &ManualClock, op: &Op, value: u64) -> Out {
    match *op {
        Op::Insert(k) => Out::Inserted(cache.insert(k, value).is_ok()),
        Op::InsertTtl(k, t) => Out::Inserted(cache.insert_with_ttl(k, value, ms(t)).is_ok()),
        Op::Get(k) => Out::Value(cache.get(&k)),
        Op::Peek(k) => Out::Value(cache.peek(&k)),
        Op::Contains(k) => Out::Present(cache.contains_key(&k)),
        Op::Remove(k) => Out::Removed(match cache.remove(&k) {
            Ok(v) => Some(v),
            Err(Error::NotCached { .. }) => None,
            Err(other) => panic!("{other}"),
        }),
        Op::Load(k) => Out::Value(Some(cache.get_or_insert_with(k, || value))),
        Op::Advance(n) => {
            clock.advance(ms(n));
            Out::Done
        }
        Op::Purge => Out::Count(cache.purge_expired()),
        Op::Len => Out::Count(cache.len()),
    }
}

/// The exact model: LRU, a time-to-live and a time-to-idle, in milliseconds.
struct Exact {
    max_size: usize,
    ttl: u64,
    tti: u64,
    now: u64,
    /// key -> (value, inserted, last read).
    entries: HashMap<u8, (u64, u64, u64)>,
    /// LRU order, next victim first.
    lru: Vec<u8>,
    /// Insertion order (the time-to-live queue).
    by_insert: Vec<u8>,
    /// Read order (the time-to-idle queue).
    by_read: Vec<u8>,
    removed: Vec<(u8, u64, RemovalCause)>,
}

impl Exact {
    fn expired(&self, k: u8) -> bool {
        let (_, inserted, read) = self.entries[&k];
        inserted + self.ttl <= self.now || read + self.tti <= self.now
    }

    fn take_out(&mut self, k: u8, cause: RemovalCause) -> u64 {
        let (value, ..) = self.entries.remove(&k).unwrap();
        for order in [&mut self.lru, &mut self.by_insert, &mut self.by_read] {
            order.retain(|&x| x != k);
        }
        self.removed.push((k, value, cause));
        value
    }

    /// The key, if present and live; an expired one is removed.
    fn live(&mut self, k: u8) -> bool {
        if !self.entries.contains_key(&k) {
            return false;
        }
        if self.expired(k) {
            self.take_out(k, RemovalCause::Expired);
            return false;
        }
        true
    }

    /// The oldest entry due by insertion, else by read.
    fn next_due(&self) -> Option<u8> {
        let first = |order: &[u8], due: &dyn Fn(&(u64, u64, u64)) -> bool| {
            order.first().copied().filter(|k| due(&self.entries[k]))
        };
        first(&self.by_insert, &|e| e.1 + self.ttl <= self.now)
            .or_else(|| first(&self.by_read, &|e| e.2 + self.tti <= self.now))
    }

    fn expire_some(&mut self) {
        for _ in 0..2 {
            let Some(k) = self.next_due() else { return };
            self.take_out(k, RemovalCause::Expired);
        }
    }

    fn purge(&mut self) -> usize {
        let mut n = 0;
        while let Some(k) = self.next_due() {
            self.take_out(k, RemovalCause::Expired);
            n += 1;
        }
        n
    }

    fn store(&mut self, k: u8, value: u64) {
        self.expire_some();
        if self.entries.len() >= self.max_size {
            match self.lru.first().copied() {
                Some(victim) => {
                    self.take_out(victim, RemovalCause::Evicted);
                }
                None => {
                    self.removed.push((k, value, RemovalCause::Evicted)); // max_size 0
                    return;
                }
            }
        }
        self.entries.insert(k, (value, self.now, self.now));
        self.lru.push(k);
        self.by_insert.push(k);
        self.by_read.push(k);
    }

    fn read(&mut self, k: u8) -> Option<u64> {
        let found = if self.live(k) {
            let entry = self.entries.get_mut(&k).unwrap();
            entry.2 = self.now;
            let value = entry.0;
            for order in [&mut self.lru, &mut self.by_read] {
                order.retain(|&x| x != k);
                order.push(k);
            }
            Some(value)
        } else {
            None
        };
        self.expire_some();
        found
    }

    fn apply(&mut self, op: &Op, value: u64) -> Out {
        match *op {
            Op::Insert(k) => {
                if self.live(k) {
                    return Out::Inserted(false);
                }
                self.store(k, value);
                Out::Inserted(true)
            }
            Op::InsertTtl(..) => unreachable!("the exact model has no per-entry deadlines"),
            Op::Get(k) => Out::Value(self.read(k)),
            Op::Peek(k) => {
                let live = self.entries.contains_key(&k) && !self.expired(k);
                Out::Value(live.then(|| self.entries[&k].0))
            }
            Op::Contains(k) => Out::Present(self.entries.contains_key(&k) && !self.expired(k)),
            Op::Remove(k) => {
                let found = self
                    .live(k)
                    .then(|| self.take_out(k, RemovalCause::Removed));
                self.expire_some();
                Out::Removed(found)
            }
            Op::Load(k) => match self.read(k) {
                Some(v) => Out::Value(Some(v)),
                None => {
                    self.store(k, value);
                    Out::Value(Some(value))
                }
            },
            Op::Advance(n) => {
                self.now += n;
                Out::Done
            }
            Op::Purge => Out::Count(self.purge()),
            Op::Len => {
                self.purge();
                Out::Count(self.entries.len())
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn ttl_and_tti_on_lru_match_the_exact_model(
        max_size in 0usize..6,
        ttl in 1u64..30,
        tti in 1u64..30,
        ops in prop::collection::vec(op(false), 1..150),
    ) {
        let clock = ManualClock::new();
        let (cache, log) = cache(max_size, ttl, tti, &clock);
        let mut model = Exact {
            max_size, ttl, tti, now: 0,
            entries: HashMap::new(), lru: Vec::new(), by_insert: Vec::new(), by_read: Vec::new(),
            removed: Vec::new(),
        };
        for (i, op) in ops.iter().enumerate() {
            let value = i as u64;
            let got = run(&cache, &clock, op, value);
            let expected = model.apply(op, value);
            prop_assert_eq!(got, expected, "op {} {:?}", i, op);
            let removed = std::mem::take(&mut *log.lock().unwrap());
            prop_assert_eq!(removed, std::mem::take(&mut model.removed), "removals of op {} {:?}", i, op);
            // The order of the live entries, read from a copy (whose purge, reported to the
            // shared listener, is discarded) so this cache is not touched.
            let order = cache.deep_clone().keys();
            log.lock().unwrap().clear();
            let live: Vec<u8> = model.lru.iter().copied().filter(|&k| !model.expired(k)).collect();
            prop_assert_eq!(order, live, "order after op {} {:?}", i, op);
        }
        cache.validate().unwrap();
    }

    #[test]
    fn per_entry_deadlines_match_a_liveness_model(
        ops in prop::collection::vec(op(true), 1..200),
    ) {
        let clock = ManualClock::new();
        let log: Log = Arc::default();
        let sink = Arc::clone(&log);
        // Room for every key: no eviction, so liveness alone decides every result.
        let cache = CacheBuilder::with_policy(LruPolicy::default())
            .max_size(64)
            .per_entry_expiry()
            .clock(clock.clone())
            .eviction_listener(move |k, v, c| sink.lock().unwrap().push((k, v, c)))
            .build()
            .unwrap();
        let mut now = 0u64; // ms
        // key -> (value, deadline in ms or None)
        let mut live: HashMap<u8, (u64, Option<u64>)> = HashMap::new();
        // value -> deadline, for every value that may still expire
        let mut deadlines: HashMap<u64, Option<u64>> = HashMap::new();
        for (i, op) in ops.iter().enumerate() {
            let value = i as u64;
            live.retain(|_, (_, d)| d.is_none_or(|d| d > now));
            let expected = match *op {
                Op::Insert(k) | Op::InsertTtl(k, _) => {
                    let ok = !live.contains_key(&k);
                    if ok {
                        let d = match *op { Op::InsertTtl(_, t) => Some(now + t), _ => None };
                        live.insert(k, (value, d));
                        deadlines.insert(value, d);
                    }
                    Out::Inserted(ok)
                }
                Op::Get(k) | Op::Peek(k) => Out::Value(live.get(&k).map(|e| e.0)),
                Op::Contains(k) => Out::Present(live.contains_key(&k)),
                Op::Remove(k) => Out::Removed(live.remove(&k).map(|e| e.0)),
                Op::Load(k) => Out::Value(Some(match live.get(&k) {
                    Some(e) => e.0,
                    None => {
                        live.insert(k, (value, None));
                        deadlines.insert(value, None);
                        value
                    }
                })),
                Op::Advance(n) => { now += n; Out::Done }
                Op::Purge => Out::Count(usize::MAX), // checked through the log below
                Op::Len => {
                    live.retain(|_, (_, d)| d.is_none_or(|d| d > now));
                    Out::Count(live.len())
                }
            };
            let got = run(&cache, &clock, op, value);
            if !matches!(op, Op::Purge) {
                prop_assert_eq!(got, expected, "op {} {:?} at {} ms", i, op, now);
            }
            for (k, v, cause) in std::mem::take(&mut *log.lock().unwrap()) {
                let deadline = deadlines.remove(&v);
                prop_assert!(deadline.is_some(), "value {} of {} reported twice or never stored", v, k);
                if cause == RemovalCause::Expired {
                    let d = deadline.unwrap();
                    prop_assert!(d.is_some_and(|d| d <= now), "{} expired before its deadline {:?} (now {} ms)", k, d, now);
                } else {
                    prop_assert_eq!(cause, RemovalCause::Removed);
                }
            }
            if let Op::Purge = op {
                // Nothing due is left behind.
                for (&k, &(_, d)) in &live {
                    prop_assert!(d.is_none_or(|d| d > now), "{} due but alive after purge", k);
                }
                for (v, d) in &deadlines {
                    prop_assert!(d.is_none_or(|d| d > now), "value {} due at {:?} not purged by {} ms", v, d, now);
                }
            }
            cache.validate().unwrap();
        }
    }
}
