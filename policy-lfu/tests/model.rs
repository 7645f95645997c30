//! Randomized model test: [`LfuPolicy`] against a `BTreeMap` keyed by (frequency, last-use
//! tick), comparing every return value, the victim, each frequency and the full order after
//! every event.

use std::collections::BTreeMap;

use clientcache_policy_api::{EntryId, Policy};
use clientcache_policy_lfu::LfuPolicy;

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

/// The reference: the eviction order is the key order of `rank`.
#[derive(Default)]
struct Model {
    /// (frequency, tick of the last insert or access) -> id.
    rank: BTreeMap<(u64, u64), EntryId>,
    /// id index -> its key in `rank`, while resident.
    key: BTreeMap<usize, (u64, u64)>,
    /// Event counter: a later use has a larger tick.
    tick: u64,
}

impl Model {
    fn insert(&mut self, id: EntryId) {
        self.tick += 1;
        let key = (1, self.tick);
        self.rank.insert(key, id);
        self.key.insert(id.index(), key);
    }

    fn access(&mut self, id: EntryId) {
        self.tick += 1;
        let (freq, tick) = self.key[&id.index()];
        self.rank.remove(&(freq, tick));
        let key = (freq + 1, self.tick);
        self.rank.insert(key, id);
        self.key.insert(id.index(), key);
    }

    fn remove(&mut self, id: EntryId) {
        let key = self.key.remove(&id.index()).unwrap();
        self.rank.remove(&key);
    }

    fn evict(&mut self) -> Option<EntryId> {
        let (_, id) = self.rank.pop_first()?;
        self.key.remove(&id.index());
        Some(id)
    }

    fn clear(&mut self) {
        self.rank.clear();
        self.key.clear();
    }
}

fn run(seed: u64, events: usize, id_space: u32, access_weight: u64) {
    let mut rng = XorShift(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) | 1);
    let mut lfu = LfuPolicy::with_capacity(id_space as usize / 2);
    let mut model = Model::default();
    for step in 0..events {
        // Mostly a small dense id space; now and then a far id, to grow the table.
        let raw = if rng.below(50) == 0 {
            1000 + rng.below(64) as u32
        } else {
            rng.below(u64::from(id_space)) as u32
        };
        let id = EntryId::new(raw);
        let resident = model.key.contains_key(&id.index());
        let roll = rng.below(100 + access_weight);
        let what = match (roll, resident) {
            (0..=29, false) => {
                lfu.on_insert(id, rng.next());
                model.insert(id);
                "insert"
            }
            (30..=44, true) => {
                lfu.on_remove(id);
                model.remove(id);
                "remove"
            }
            (45..=59, _) => {
                assert_eq!(lfu.evict(), model.evict(), "seed {seed} step {step}: evict");
                "evict"
            }
            (60, _) => {
                lfu.clear();
                model.clear();
                "clear"
            }
            (_, true) => {
                lfu.on_access(id, 0);
                model.access(id);
                "access"
            }
            (_, false) => {
                assert_eq!(lfu.frequency(id), None);
                "frequency"
            }
        };
        let context = || format!("seed {seed} step {step} after {what} {id:?}");
        if let Err(e) = lfu.validate() {
            panic!("{}: {e}", context());
        }
        assert_eq!(lfu.len(), model.rank.len(), "{}: len", context());
        assert_eq!(
            lfu.victim(),
            model.rank.values().next().copied(),
            "{}: victim",
            context()
        );
        assert!(
            lfu.iter().eq(model.rank.values().copied()),
            "{}: order {:?} != model {:?}",
            context(),
            lfu.iter().collect::<Vec<_>>(),
            model.rank.values().collect::<Vec<_>>()
        );
        for (&(freq, _), &id) in &model.rank {
            assert_eq!(lfu.frequency(id), Some(freq), "{}: frequency", context());
        }
    }
}

#[test]
fn matches_a_btreemap_model_on_random_events() {
    for seed in 0..200 {
        run(seed, 500, 16, 40);
    }
}

#[test]
fn matches_a_btreemap_model_with_many_frequencies() {
    // Access-heavy streams over more ids: long bucket lists with gaps between frequencies.
    for seed in 0..20 {
        run(1000 + seed, 3000, 128, 400);
    }
}
