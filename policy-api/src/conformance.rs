//! The conformance kit: checks the [`Policy`] contract's invariants on random event streams.
//!
//! Every policy crate calls [`check`] from its tests. The kit drives the policy with seeded
//! pseudo-random streams of every event (insert, access, remove, evict, miss, capacity changes,
//! clear) over a small id space, and after each event checks, against its own record of which
//! ids are resident:
//!
//! - `validate()` passes;
//! - `len()` equals the number of resident ids, `is_empty()` agrees;
//! - `iter()` yields each resident id exactly once;
//! - `victim()` is `iter().next()`, and on a clone, evicting until empty removes the ids in
//!   `iter()` order (invariant 2);
//! - the queries (`admit`, `iter`) leave the order unchanged, and so does `victim()`, which may
//!   advance a hand but never reorders (invariant 3);
//! - a second policy built the same way and fed the same events has the same order
//!   (invariant 4, determinism).
//!
//! The kit's random numbers pick *events*; they never reach a policy decision.
//!
//! # Examples
//!
//! ```
//! use clientcache_policy_api::{conformance, EntryId, InvariantViolation, Policy};
//!
//! /// Most-recently-inserted first out: a legal (if odd) policy.
//! #[derive(Clone, Debug, Default)]
//! struct Lifo(Vec<EntryId>);
//!
//! impl Policy for Lifo {
//!     type Iter<'a> = std::iter::Copied<std::iter::Rev<std::slice::Iter<'a, EntryId>>>;
//!     fn name(&self) -> &'static str { "LIFO" }
//!     fn set_capacity(&mut self, _capacity: usize) {}
//!     fn len(&self) -> usize { self.0.len() }
//!     fn on_insert(&mut self, id: EntryId, _hash: u64) { self.0.push(id) }
//!     fn on_access(&mut self, _id: EntryId, _hash: u64) {}
//!     fn on_remove(&mut self, id: EntryId) { self.0.retain(|&x| x != id) }
//!     fn victim(&mut self) -> Option<EntryId> { self.0.last().copied() }
//!     fn iter(&self) -> Self::Iter<'_> { self.0.iter().rev().copied() }
//!     fn clear(&mut self) { self.0.clear() }
//!     fn validate(&self) -> Result<(), InvariantViolation> { Ok(()) }
//! }
//!
//! // In a policy crate this line is the body of a `#[test]`.
//! conformance::check(|_capacity| Lifo::default());
//! ```

use crate::{EntryId, Policy};

/// Number of seeds and events per seed [`check`] runs.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    /// Independent event streams, seeds `0..seeds`.
    pub seeds: u64,
    /// Events per stream.
    pub events: usize,
    /// Ids are drawn from `0..id_space`.
    pub id_space: u32,
    /// Distinct key hashes are drawn from `0..hash_space` (then scrambled), so misses and
    /// re-inserts of a hash happen often.
    pub hash_space: u64,
}

impl Default for Plan {
    fn default() -> Self {
        Plan {
            seeds: 64,
            events: 400,
            id_space: 24,
            hash_space: 40,
        }
    }
}

/// Runs the default [`Plan`] against policies made by `make(capacity)`.
///
/// # Panics
///
/// With a message naming the seed, the event index, the event and the broken invariant, when
/// the policy breaks the contract.
#[track_caller]
pub fn check<P: Policy>(make: impl Fn(usize) -> P) {
    check_with(Plan::default(), make);
}

/// Runs `plan` against policies made by `make(capacity)`.
///
/// # Panics
///
/// As [`check`].
#[track_caller]
pub fn check_with<P: Policy>(plan: Plan, make: impl Fn(usize) -> P) {
    for seed in 0..plan.seeds {
        run_stream(&plan, seed, &make);
    }
}

/// One event of a stream; `Debug` output is what failure messages show.
#[derive(Clone, Copy, Debug)]
enum Event {
    Insert(EntryId, u64),
    Access(EntryId, u64),
    Remove(EntryId),
    Evict,
    Miss(u64),
    Admit(u64),
    SetCapacity(usize),
    Clear,
}

fn run_stream<P: Policy>(plan: &Plan, seed: u64, make: &impl Fn(usize) -> P) {
    let mut rng = SplitMix64(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x00C0_FFEE);
    let initial_capacity = 1 + (rng.next() % u64::from(plan.id_space)) as usize;
    let mut policy = make(initial_capacity);
    let mut twin = make(initial_capacity);
    // resident[id] = Some(hash) while `id` is resident.
    let mut resident: Vec<Option<u64>> = vec![None; plan.id_space as usize];
    let mut twin_resident = resident.clone();

    for step in 0..plan.events {
        let event = next_event(&mut rng, plan, &resident);
        let context = || format!("seed {seed}, event #{step} ({event:?})");
        apply(&mut policy, event, &mut resident, &context);
        // The twin sees the same event and keeps its own residency record.
        apply(&mut twin, event, &mut twin_resident, &|| {
            format!("twin at {}", context())
        });
        check_state(&mut policy, &resident, &context);
        check_state(&mut twin, &twin_resident, &|| {
            format!("twin at {}", context())
        });
        let order: Vec<EntryId> = policy.iter().collect();
        let twin_order: Vec<EntryId> = twin.iter().collect();
        assert_eq!(
            order,
            twin_order,
            "{}: determinism broken: two {} policies fed the same events disagree",
            context(),
            policy.name()
        );
    }
}

fn next_event(rng: &mut SplitMix64, plan: &Plan, resident: &[Option<u64>]) -> Event {
    let id = EntryId::new((rng.next() % u64::from(plan.id_space)) as u32);
    let hash = scramble(rng.next() % plan.hash_space);
    match rng.next() % 100 {
        0..=34 => match resident[id.index()] {
            None => Event::Insert(id, hash),
            Some(h) => Event::Access(id, h),
        },
        35..=59 => match resident[id.index()] {
            Some(h) => Event::Access(id, h),
            None => Event::Miss(hash),
        },
        60..=71 => match resident[id.index()] {
            Some(_) => Event::Remove(id),
            None => Event::Insert(id, hash),
        },
        72..=81 => Event::Evict,
        82..=89 => Event::Miss(hash),
        90..=95 => Event::Admit(hash),
        96..=98 => Event::SetCapacity(1 + (rng.next() % u64::from(plan.id_space)) as usize),
        _ => Event::Clear,
    }
}

fn apply<P: Policy>(
    policy: &mut P,
    event: Event,
    resident: &mut [Option<u64>],
    context: &impl Fn() -> String,
) {
    match event {
        Event::Insert(id, hash) => {
            policy.on_insert(id, hash);
            resident[id.index()] = Some(hash);
        }
        Event::Access(id, hash) => policy.on_access(id, hash),
        Event::Remove(id) => {
            policy.on_remove(id);
            resident[id.index()] = None;
        }
        Event::Evict => {
            let expected = policy.victim();
            let evicted = policy.evict();
            assert_eq!(
                evicted,
                expected,
                "{}: evict() removed something other than victim()",
                context()
            );
            match evicted {
                Some(id) => {
                    assert!(
                        resident[id.index()].is_some(),
                        "{}: evict() returned {id:?}, which is not resident",
                        context()
                    );
                    resident[id.index()] = None;
                }
                None => assert!(
                    resident.iter().all(Option::is_none),
                    "{}: evict() returned None while ids are resident",
                    context()
                ),
            }
        }
        Event::Miss(hash) => policy.on_miss(hash),
        Event::Admit(hash) => {
            if let Some(victim) = policy.victim() {
                let before: Vec<EntryId> = policy.iter().collect();
                let first = policy.admit(hash, victim);
                let second = policy.admit(hash, victim);
                assert_eq!(first, second, "{}: admit() is not pure", context());
                let after: Vec<EntryId> = policy.iter().collect();
                assert_eq!(before, after, "{}: admit() changed the order", context());
            }
        }
        Event::SetCapacity(capacity) => policy.set_capacity(capacity),
        Event::Clear => {
            policy.clear();
            resident.iter_mut().for_each(|slot| *slot = None);
        }
    }
}

fn check_state<P: Policy>(policy: &mut P, resident: &[Option<u64>], context: &impl Fn() -> String) {
    if let Err(violation) = policy.validate() {
        panic!("{}: {violation}", context());
    }
    let expected_len = resident.iter().filter(|slot| slot.is_some()).count();
    assert_eq!(policy.len(), expected_len, "{}: len() is wrong", context());
    assert_eq!(
        policy.is_empty(),
        expected_len == 0,
        "{}: is_empty() disagrees with len()",
        context()
    );

    let order: Vec<EntryId> = policy.iter().collect();
    assert_eq!(
        order.len(),
        expected_len,
        "{}: iter() yielded {} ids for {} resident: {order:?}",
        context(),
        order.len(),
        expected_len
    );
    let mut seen = vec![false; resident.len()];
    for id in &order {
        assert!(
            resident.get(id.index()).is_some_and(Option::is_some),
            "{}: iter() yielded {id:?}, which is not resident",
            context()
        );
        assert!(
            !std::mem::replace(&mut seen[id.index()], true),
            "{}: iter() yielded {id:?} twice",
            context()
        );
    }
    assert_eq!(
        policy.victim(),
        order.first().copied(),
        "{}: victim() is not the first id of iter()",
        context()
    );
    let after_victim: Vec<EntryId> = policy.iter().collect();
    assert_eq!(
        after_victim,
        order,
        "{}: victim() changed the order iter() reports",
        context()
    );

    let mut drained = policy.clone();
    let mut eviction_order = Vec::with_capacity(order.len());
    while let Some(id) = drained.evict() {
        eviction_order.push(id);
        assert!(
            eviction_order.len() <= order.len(),
            "{}: evict() keeps returning ids past len()",
            context()
        );
    }
    assert_eq!(
        eviction_order,
        order,
        "{}: successive evict() calls do not follow iter() order",
        context()
    );
    assert!(
        drained.is_empty(),
        "{}: not empty after evicting everything",
        context()
    );
}

/// Spreads small integers over 64 bits so hash-indexed structures see realistic hashes.
fn scramble(x: u64) -> u64 {
    SplitMix64(x).next()
}

/// SplitMix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number generators", OOPSLA
/// 2014): picks events for the kit only.
#[derive(Debug)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::InvariantViolation;

    /// A FIFO that is correct: the kit must accept it.
    #[derive(Clone, Debug, Default)]
    struct Fifo(Vec<EntryId>);

    impl Policy for Fifo {
        type Iter<'a> = std::iter::Copied<std::slice::Iter<'a, EntryId>>;
        fn name(&self) -> &'static str {
            "FIFO"
        }
        fn set_capacity(&mut self, _capacity: usize) {}
        fn len(&self) -> usize {
            self.0.len()
        }
        fn on_insert(&mut self, id: EntryId, _hash: u64) {
            self.0.push(id);
        }
        fn on_access(&mut self, _id: EntryId, _hash: u64) {}
        fn on_remove(&mut self, id: EntryId) {
            self.0.retain(|&x| x != id);
        }
        fn victim(&mut self) -> Option<EntryId> {
            self.0.first().copied()
        }
        fn iter(&self) -> Self::Iter<'_> {
            self.0.iter().copied()
        }
        fn clear(&mut self) {
            self.0.clear();
        }
        fn validate(&self) -> Result<(), InvariantViolation> {
            Ok(())
        }
    }

    /// A FIFO whose victim is the *newest* entry while iter() claims the oldest.
    #[derive(Clone, Debug, Default)]
    struct LyingVictim(Fifo);

    impl Policy for LyingVictim {
        type Iter<'a> = <Fifo as Policy>::Iter<'a>;
        fn name(&self) -> &'static str {
            "LYING"
        }
        fn set_capacity(&mut self, _capacity: usize) {}
        fn len(&self) -> usize {
            self.0.len()
        }
        fn on_insert(&mut self, id: EntryId, hash: u64) {
            self.0.on_insert(id, hash);
        }
        fn on_access(&mut self, _id: EntryId, _hash: u64) {}
        fn on_remove(&mut self, id: EntryId) {
            self.0.on_remove(id);
        }
        fn victim(&mut self) -> Option<EntryId> {
            self.0.0.last().copied()
        }
        fn iter(&self) -> Self::Iter<'_> {
            self.0.iter()
        }
        fn clear(&mut self) {
            self.0.clear();
        }
        fn validate(&self) -> Result<(), InvariantViolation> {
            Ok(())
        }
    }

    /// A FIFO that forgets to drop removed ids from its length.
    #[derive(Clone, Debug, Default)]
    struct WrongLen(Fifo, usize);

    impl Policy for WrongLen {
        type Iter<'a> = <Fifo as Policy>::Iter<'a>;
        fn name(&self) -> &'static str {
            "WRONGLEN"
        }
        fn set_capacity(&mut self, _capacity: usize) {}
        fn len(&self) -> usize {
            self.1
        }
        fn on_insert(&mut self, id: EntryId, hash: u64) {
            self.0.on_insert(id, hash);
            self.1 += 1;
        }
        fn on_access(&mut self, _id: EntryId, _hash: u64) {}
        fn on_remove(&mut self, id: EntryId) {
            self.0.on_remove(id);
        }
        fn victim(&mut self) -> Option<EntryId> {
            self.0.victim()
        }
        fn iter(&self) -> Self::Iter<'_> {
            self.0.iter()
        }
        fn clear(&mut self) {
            self.0.clear();
            self.1 = 0;
        }
        fn validate(&self) -> Result<(), InvariantViolation> {
            Ok(())
        }
    }

    /// A FIFO whose `victim()` rotates the queue: it moves the order, which `victim` may not.
    #[derive(Clone, Debug, Default)]
    struct ReorderingVictim(Fifo);

    impl Policy for ReorderingVictim {
        type Iter<'a> = <Fifo as Policy>::Iter<'a>;
        fn name(&self) -> &'static str {
            "REORDERING"
        }
        fn set_capacity(&mut self, _capacity: usize) {}
        fn len(&self) -> usize {
            self.0.len()
        }
        fn on_insert(&mut self, id: EntryId, hash: u64) {
            self.0.on_insert(id, hash);
        }
        fn on_access(&mut self, _id: EntryId, _hash: u64) {}
        fn on_remove(&mut self, id: EntryId) {
            self.0.on_remove(id);
        }
        fn victim(&mut self) -> Option<EntryId> {
            let first = self.0.victim();
            if self.0.0.len() > 1 {
                self.0.0.rotate_left(1);
            }
            first
        }
        fn iter(&self) -> Self::Iter<'_> {
            self.0.iter()
        }
        fn clear(&mut self) {
            self.0.clear();
        }
        fn validate(&self) -> Result<(), InvariantViolation> {
            Ok(())
        }
    }

    #[test]
    fn kit_accepts_a_correct_policy() {
        check(|_| Fifo::default());
    }

    #[test]
    #[should_panic(expected = "victim() is not the first id of iter()")]
    fn kit_rejects_a_victim_that_is_not_first_in_iter() {
        check(|_| LyingVictim::default());
    }

    #[test]
    #[should_panic(expected = "victim() changed the order iter() reports")]
    fn kit_rejects_a_victim_that_reorders() {
        check(|_| ReorderingVictim::default());
    }

    #[test]
    #[should_panic(expected = "not empty after evicting everything")]
    fn kit_rejects_a_len_that_ignores_removals() {
        check(|_| WrongLen::default());
    }
}
