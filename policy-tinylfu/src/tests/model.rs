//! Randomized model test: [`TinyLfuPolicy`] against a plain reference built from three
//! `VecDeque`s and the crate's [`FrequencySketch`], comparing the victim and the full eviction
//! order after every event.
//!
//! Streams are shorter than the climber's shortest sample (256 hits and misses), so the window
//! target stays at its initial 1 % and the reference needs no climber; they are shorter than
//! the sketch's sample period (1 280 requests at least) too, so no halving happens and the
//! reference need not advance the period on the hits it does not count.

use std::collections::{HashMap, VecDeque};

use clientcache_policy_api::{EntryId, Policy};

use crate::TinyLfuPolicy;
use crate::sketch::FrequencySketch;

/// Marsaglia's xorshift64: picks events only.
struct XorShift(u64);

impl XorShift {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// The reference W-TinyLFU: each list LRU first, ids with their hashes.
struct Model {
    window: VecDeque<(u32, u64)>,
    probation: VecDeque<(u32, u64)>,
    protected: VecDeque<(u32, u64)>,
    window_target: usize,
    protected_target: usize,
    sketch: FrequencySketch,
    pending_miss: Option<u64>,
    /// Requests so far (hits, misses, inserts not preceded by their miss).
    now: u64,
    /// Each resident id's last counted request (insert or counted hit): a hit counts only
    /// more than `capacity` requests later.
    counted: HashMap<u32, u64>,
    capacity: u64,
}

impl Model {
    fn new(capacity: usize) -> Self {
        let window_target = (capacity / 100).max(1);
        Model {
            window: VecDeque::new(),
            probation: VecDeque::new(),
            protected: VecDeque::new(),
            window_target,
            protected_target: (capacity.saturating_sub(window_target) * 80 / 100).max(1),
            sketch: FrequencySketch::with_capacity(capacity),
            pending_miss: None,
            now: 0,
            counted: HashMap::new(),
            capacity: capacity as u64,
        }
    }

    fn take(list: &mut VecDeque<(u32, u64)>, id: u32) -> Option<(u32, u64)> {
        let at = list.iter().position(|&(i, _)| i == id)?;
        list.remove(at)
    }

    fn resident(&self, id: u32) -> bool {
        [&self.window, &self.probation, &self.protected]
            .iter()
            .any(|list| list.iter().any(|&(i, _)| i == id))
    }

    fn insert(&mut self, id: u32, hash: u64) {
        if self.pending_miss == Some(hash) {
            self.pending_miss = None;
        } else {
            self.now += 1;
            self.sketch.increment(hash);
        }
        self.counted.insert(id, self.now);
        self.window.push_back((id, hash));
        while self.window.len() > self.window_target {
            let lru = self.window.pop_front().unwrap();
            self.probation.push_back(lru);
        }
    }

    fn access(&mut self, id: u32, hash: u64) {
        self.now += 1;
        if self.now - self.counted[&id] > self.capacity {
            self.counted.insert(id, self.now);
            self.sketch.increment(hash);
        }
        if let Some(e) = Self::take(&mut self.window, id) {
            self.window.push_back(e);
        } else if let Some(e) = Self::take(&mut self.protected, id) {
            self.protected.push_back(e);
        } else {
            let e = Self::take(&mut self.probation, id).unwrap();
            self.protected.push_back(e);
            while self.protected.len() > self.protected_target {
                let lru = self.protected.pop_front().unwrap();
                self.probation.push_back(lru);
            }
        }
    }

    fn miss(&mut self, hash: u64) {
        self.now += 1;
        self.sketch.increment(hash);
        self.pending_miss = Some(hash);
    }

    fn remove(&mut self, id: u32) {
        for list in [&mut self.window, &mut self.probation, &mut self.protected] {
            if Self::take(list, id).is_some() {
                return;
            }
        }
        panic!("removing {id}, not resident");
    }

    /// The victim rule, spelled out: the duel when the window is at its target, else main's.
    fn victim(&self) -> Option<u32> {
        let candidate = self.window.front();
        let main = self.probation.front().or(self.protected.front());
        match (candidate, main) {
            (None, None) => None,
            (Some(&(c, _)), None) => Some(c),
            (None, Some(&(v, _))) => Some(v),
            (Some(_), Some(&(v, _))) if self.window.len() < self.window_target => Some(v),
            (Some(&(c, ch)), Some(&(v, vh))) => {
                if self.sketch.frequency(ch) > self.sketch.frequency(vh) + 1 {
                    Some(v)
                } else {
                    Some(c)
                }
            }
        }
    }

    /// The eviction order, by evicting from a copy.
    fn order(&self) -> Vec<u32> {
        let mut copy = Model {
            window: self.window.clone(),
            probation: self.probation.clone(),
            protected: self.protected.clone(),
            sketch: self.sketch.clone(),
            ..Model::new(0)
        };
        copy.window_target = self.window_target;
        let mut out = Vec::new();
        while let Some(v) = copy.victim() {
            copy.remove(v);
            out.push(v);
        }
        out
    }
}

fn run(seed: u64, capacity: usize) {
    let mut rng = XorShift(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) | 1);
    let mut policy = TinyLfuPolicy::with_capacity(capacity);
    let mut model = Model::new(capacity);
    // Keys 0..48 with fixed hashes; ids 0..32, each holding at most one key.
    let hash = |key: u64| key.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29) ^ 0xABCD;
    let mut key_of: Vec<Option<u64>> = vec![None; 32];
    for step in 0..240 {
        let id = rng.below(32) as u32;
        let key = rng.below(48);
        let resident = key_of[id as usize];
        assert_eq!(resident.is_some(), model.resident(id));
        match (rng.below(10), resident) {
            (0..=3, None) => {
                policy.on_insert(EntryId::new(id), hash(key));
                model.insert(id, hash(key));
                key_of[id as usize] = Some(key);
            }
            (0..=4, Some(k)) => {
                policy.on_access(EntryId::new(id), hash(k));
                model.access(id, hash(k));
            }
            (5, Some(_)) => {
                policy.on_remove(EntryId::new(id));
                model.remove(id);
                key_of[id as usize] = None;
            }
            (6, _) => {
                let expected = model.victim();
                assert_eq!(
                    policy.evict().map(EntryId::get),
                    expected,
                    "seed {seed} step {step}"
                );
                if let Some(v) = expected {
                    model.remove(v);
                    key_of[v as usize] = None;
                }
            }
            _ => {
                policy.on_miss(hash(key));
                model.miss(hash(key));
            }
        }
        policy.validate().unwrap();
        assert_eq!(
            policy.victim().map(EntryId::get),
            model.victim(),
            "seed {seed} step {step}: victim"
        );
        let order: Vec<u32> = policy.iter().map(EntryId::get).collect();
        assert_eq!(order, model.order(), "seed {seed} step {step}: order");
    }
}

#[test]
fn matches_the_reference_with_a_one_entry_window() {
    for seed in 0..200 {
        run(seed, 10); // window 1, protected 7
    }
}

#[test]
fn matches_the_reference_with_hits_both_counted_and_paced() {
    for seed in 0..100 {
        run(seed, 30); // window 1, protected 23; hits more than 30 requests after a count count
    }
}

#[test]
fn matches_the_reference_with_a_wider_window() {
    for seed in 0..100 {
        run(seed, 400); // window 4, protected 316; no hit is due within 240 requests
    }
}
