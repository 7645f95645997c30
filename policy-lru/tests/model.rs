//! Randomized model test: [`LruPolicy`] against a `VecDeque` kept in recency order, comparing
//! every return value, the victim and the full order (both directions) after every event.

use std::collections::VecDeque;

use clientcache_policy_api::{EntryId, Policy};
use clientcache_policy_lru::LruPolicy;

/// Marsaglia's xorshift64: picks events only.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The reference: resident ids, least recently used first.
#[derive(Default)]
struct Model(VecDeque<EntryId>);

impl Model {
    fn position(&self, id: EntryId) -> Option<usize> {
        self.0.iter().position(|&x| x == id)
    }
}

fn run(seed: u64, events: usize, id_space: u32) {
    let mut rng = XorShift(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) | 1);
    let mut lru = LruPolicy::with_capacity(id_space as usize / 2);
    let mut model = Model::default();
    for step in 0..events {
        // Mostly a small dense id space; now and then a far id, to grow the table.
        let raw = if rng.below(50) == 0 {
            1000 + rng.below(64) as u32
        } else {
            rng.below(u64::from(id_space)) as u32
        };
        let id = EntryId::new(raw);
        let resident = model.position(id);
        let what = match (rng.below(100), resident) {
            (0..=39, None) => {
                lru.on_insert(id, rng.next());
                model.0.push_back(id);
                "insert"
            }
            (0..=69, Some(at)) => {
                lru.on_access(id, 0);
                model.0.remove(at);
                model.0.push_back(id);
                "access"
            }
            (70..=84, Some(at)) => {
                lru.on_remove(id);
                model.0.remove(at);
                "remove"
            }
            (85..=98, _) => {
                assert_eq!(
                    lru.evict(),
                    model.0.pop_front(),
                    "seed {seed} step {step}: evict"
                );
                "evict"
            }
            (99, _) => {
                lru.clear();
                model.0.clear();
                "clear"
            }
            _ => {
                assert_eq!(lru.contains(id), resident.is_some());
                "contains"
            }
        };
        let context = || format!("seed {seed} step {step} after {what} {id:?}");
        if let Err(e) = lru.validate() {
            panic!("{}: {e}", context());
        }
        assert_eq!(lru.len(), model.0.len(), "{}: len", context());
        assert_eq!(
            lru.victim(),
            model.0.front().copied(),
            "{}: victim",
            context()
        );
        assert!(
            lru.iter().eq(model.0.iter().copied()),
            "{}: order",
            context()
        );
        assert!(
            lru.iter().rev().eq(model.0.iter().rev().copied()),
            "{}: reverse order",
            context()
        );
    }
}

#[test]
fn matches_a_vecdeque_model_on_random_events() {
    for seed in 0..200 {
        run(seed, 500, 16);
    }
}

#[test]
fn matches_a_vecdeque_model_on_a_wider_id_space() {
    for seed in 0..20 {
        run(1000 + seed, 3000, 256);
    }
}
