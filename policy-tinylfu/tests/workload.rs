//! Replays synthetic workloads through [`TinyLfuPolicy`] driven the way the cache drives it, and
//! pins its behaviour: it beats exact LRU where frequency matters, it is deterministic, its
//! window adapts, and its invariants hold all along.

use std::collections::{HashMap, VecDeque};

use clientcache_policy_api::{EntryId, Policy};
use clientcache_policy_tinylfu::TinyLfuPolicy;

/// Marsaglia's xorshift64*: generates workloads only.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Zipf-distributed keys `0..n` with exponent `s`, by inverse transform over the CDF.
struct Zipf {
    cdf: Vec<f64>,
}

impl Zipf {
    fn new(n: usize, s: f64) -> Self {
        let mut cdf = Vec::with_capacity(n);
        let mut total = 0.0;
        for rank in 1..=n {
            total += 1.0 / (rank as f64).powf(s);
            cdf.push(total);
        }
        cdf.iter_mut().for_each(|c| *c /= total);
        Zipf { cdf }
    }

    fn sample(&self, rng: &mut Rng) -> u64 {
        let u = rng.unit();
        self.cdf.partition_point(|&c| c < u) as u64
    }
}

/// Zipf(0.9) over 20 000 keys, interrupted every 5 000 requests by a scan of 1 500 keys never
/// seen before: the kind of mix where recency alone is fooled twice (by the long tail and by
/// the scans).
fn zipf_with_scans(requests: usize, seed: u64) -> Vec<u64> {
    let zipf = Zipf::new(20_000, 0.9);
    let mut rng = Rng(seed);
    let mut next_scan_key = 1 << 40;
    let mut trace = Vec::with_capacity(requests);
    while trace.len() < requests {
        if trace.len() % 5_000 == 4_999 {
            for _ in 0..1_500 {
                trace.push(next_scan_key);
                next_scan_key += 1;
            }
        } else {
            trace.push(zipf.sample(&mut rng));
        }
    }
    trace.truncate(requests);
    trace
}

/// A fixed, well-mixed key hash (the SplitMix64 finaliser).
fn hash(key: u64) -> u64 {
    let mut z = key.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// What a replay observed.
struct Replay {
    hits: usize,
    /// Every evicted key, in order.
    evicted: Vec<u64>,
}

/// Replays `trace` as the cache does: a lookup per request; on a miss, `on_miss`, then (when
/// full) `victim`, `admit`, removal, and `on_insert` into a freed slot. Validates every
/// `validate_every` requests.
fn replay(
    policy: &mut TinyLfuPolicy,
    trace: &[u64],
    capacity: usize,
    validate_every: usize,
) -> Replay {
    policy.set_capacity(capacity);
    let mut slots: HashMap<u64, EntryId> = HashMap::new();
    let mut keys: Vec<u64> = Vec::new();
    let mut free: Vec<EntryId> = Vec::new();
    let mut out = Replay {
        hits: 0,
        evicted: Vec::new(),
    };
    for (step, &key) in trace.iter().enumerate() {
        let h = hash(key);
        if let Some(&id) = slots.get(&key) {
            out.hits += 1;
            policy.on_access(id, h);
        } else {
            policy.on_miss(h);
            let mut admitted = true;
            if slots.len() >= capacity {
                let victim = policy.victim().expect("a full cache has a victim");
                admitted = policy.admit(h, victim);
                if admitted {
                    policy.on_remove(victim);
                    slots.remove(&keys[victim.index()]);
                    out.evicted.push(keys[victim.index()]);
                    free.push(victim);
                }
            }
            if admitted {
                let id = free.pop().unwrap_or_else(|| {
                    keys.push(0);
                    EntryId::new(keys.len() as u32 - 1)
                });
                keys[id.index()] = key;
                slots.insert(key, id);
                policy.on_insert(id, h);
            }
        }
        if validate_every > 0 && step % validate_every == 0 {
            policy.validate().unwrap();
            assert_eq!(policy.len(), slots.len());
        }
    }
    out
}

/// Exact LRU hits on `trace`: a `VecDeque` of (key, stamp) in recency order with lazy
/// deletion, and each resident key's latest stamp.
fn lru_hits(trace: &[u64], capacity: usize) -> usize {
    let mut stamp_of: HashMap<u64, usize> = HashMap::new();
    let mut queue: VecDeque<(u64, usize)> = VecDeque::new();
    let mut hits = 0;
    for (stamp, &key) in trace.iter().enumerate() {
        if stamp_of.contains_key(&key) {
            hits += 1;
        } else if stamp_of.len() >= capacity {
            while let Some((old, at)) = queue.pop_front() {
                if stamp_of.get(&old) == Some(&at) {
                    stamp_of.remove(&old);
                    break;
                }
            }
        }
        stamp_of.insert(key, stamp);
        queue.push_back((key, stamp));
    }
    hits
}

#[test]
fn the_lru_reference_is_exact_on_a_small_trace() {
    // Capacity 2: 1 2 1 3 (evicts 2) 2 (miss, evicts 1) 3 (hit) 1 (miss).
    assert_eq!(lru_hits(&[1, 2, 1, 3, 2, 3, 1], 2), 2);
}

#[test]
fn beats_lru_by_a_clear_margin_on_zipf_with_scans() {
    let trace = zipf_with_scans(200_000, 0x00C0_FFEE);
    let capacity = 1_000;
    let mut policy = TinyLfuPolicy::with_capacity(capacity);
    let tinylfu = replay(&mut policy, &trace, capacity, 10_007).hits as f64 / trace.len() as f64;
    let lru = lru_hits(&trace, capacity) as f64 / trace.len() as f64;
    assert!(
        tinylfu > lru + 0.05,
        "TinyLFU {:.2} % should beat LRU {:.2} % by at least 5 points",
        tinylfu * 100.0,
        lru * 100.0
    );
}

#[test]
fn the_same_trace_twice_gives_identical_evictions() {
    let trace = zipf_with_scans(60_000, 42);
    let mut first = TinyLfuPolicy::default();
    let mut second = TinyLfuPolicy::default();
    let a = replay(&mut first, &trace, 500, 0);
    let b = replay(&mut second, &trace, 500, 0);
    assert!(!a.evicted.is_empty());
    assert_eq!(a.hits, b.hits);
    assert_eq!(a.evicted, b.evicted);
    assert!(first.iter().eq(second.iter()));
    assert_eq!(first.window_target(), second.window_target());
}

#[test]
fn the_window_grows_on_a_recency_workload_and_stays_small_on_a_frequency_one() {
    let capacity = 500;
    // Recency: a working set of 400 keys that slides forward by one key every 4 requests;
    // new keys are hot while young and never come back once left behind.
    let mut rng = Rng(9);
    let sliding: Vec<u64> = (0..400_000u64).map(|i| i / 4 + rng.next() % 400).collect();
    let mut recency = TinyLfuPolicy::with_capacity(capacity);
    replay(&mut recency, &sliding, capacity, 50_021);
    assert!(
        recency.window_target() > capacity / 4,
        "window {} of {capacity} after a recency workload",
        recency.window_target()
    );

    let zipf = zipf_with_scans(400_000, 5);
    let mut frequency = TinyLfuPolicy::with_capacity(capacity);
    replay(&mut frequency, &zipf, capacity, 50_021);
    assert!(
        frequency.window_target() < capacity / 4,
        "window {} of {capacity} after a frequency workload",
        frequency.window_target()
    );
}
