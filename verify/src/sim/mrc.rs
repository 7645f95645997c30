//! Miss-ratio curves: exact LRU's hits at every capacity, from one pass over the trace.
//!
//! # The problem
//!
//! Choosing a cache size needs the hit ratio at *every* size, not at a few replayed ones.
//! LRU has the *inclusion property*: a cache of `c` entries always holds the `c` most recently
//! used keys, so a request hits at capacity `c` exactly when its key is among the `c` most
//! recently used before it, i.e. when its *stack distance* (one plus the number of distinct
//! keys requested since its previous request) is at most `c`. R. L. Mattson, J. Gecsei,
//! D. R. Slutz and I. L. Traiger ("Evaluation techniques for storage hierarchies", IBM
//! Systems Journal 9(2), 1970) used this to get every capacity's hits from one pass: a
//! histogram of stack distances, whose prefix sums are the hits.
//!
//! # Implementation
//!
//! Each key's latest request position is marked in a Fenwick tree over positions
//! (P. M. Fenwick, "A new data structure for cumulative frequency tables", Software: Practice
//! and Experience 24(3), 1994). At a request for a key last requested at `p`, the marks after
//! `p` are exactly the distinct keys requested since, one prefix sum away; then `p`'s mark
//! moves to the current position. O(log n) per request, O(n log n) in all; 4 bytes per
//! request for the tree and 4 per distinct key.

use super::driver::BLOCK;

/// The stack distances of a trace: how many requests had each distance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StackDistances {
    /// `histogram[d - 1]`: requests whose stack distance is `d`.
    histogram: Vec<u64>,
    /// Requests for a key never requested before (infinite distance: a miss at any capacity).
    cold: u64,
}

impl StackDistances {
    /// The stack distances of a trace of dense key ids (each below `unique`), calling
    /// `progress(n)` after each block of `n` requests.
    ///
    /// # Panics
    ///
    /// When the trace has `u32::MAX` requests or more, or an id is not below `unique`.
    ///
    /// ```
    /// use clientcache_verify::sim::mrc::StackDistances;
    ///
    /// // a b a c b a: distances -, -, 2, -, 3, 3.
    /// let distances = StackDistances::of(&[0, 1, 0, 2, 1, 0], 3, &mut |_| {});
    /// assert_eq!(distances.hits_at(1), 0);
    /// assert_eq!(distances.hits_at(2), 1);
    /// assert_eq!(distances.hits_at(3), 3);
    /// assert_eq!(distances.hits_at(1000), 3);
    /// ```
    pub fn of(ids: &[u32], unique: usize, progress: &mut dyn FnMut(u64)) -> Self {
        const NEVER: u32 = u32::MAX;
        assert!(
            ids.len() < NEVER as usize,
            "stack distances support traces of fewer than {NEVER} requests"
        );
        let mut marks = Fenwick::new(ids.len());
        let mut last = vec![NEVER; unique];
        let mut histogram = vec![0u64; unique];
        let (mut cold, mut seen) = (0u64, 0u64);
        for (block, chunk) in ids.chunks(BLOCK).enumerate() {
            for (offset, &key) in chunk.iter().enumerate() {
                let now = block * BLOCK + offset;
                let previous = last[key as usize];
                if previous == NEVER {
                    cold += 1;
                    seen += 1;
                } else {
                    // Marks after `previous`: the distinct keys requested since.
                    let since = seen - marks.prefix(previous as usize);
                    histogram[since as usize] += 1;
                    marks.add(previous as usize, -1);
                }
                marks.add(now, 1);
                last[key as usize] = now as u32;
            }
            progress(chunk.len() as u64);
        }
        StackDistances { histogram, cold }
    }

    /// Exact LRU's hits at `capacity`: the requests whose stack distance is at most it.
    pub fn hits_at(&self, capacity: usize) -> u64 {
        self.histogram.iter().take(capacity).sum()
    }

    /// Exact LRU's hits at each of `capacities`, in one pass over the histogram.
    pub fn hits_at_each(&self, capacities: &[usize]) -> Vec<u64> {
        let mut cumulative = Vec::with_capacity(self.histogram.len() + 1);
        cumulative.push(0u64);
        for &count in &self.histogram {
            cumulative.push(cumulative.last().copied().unwrap_or(0) + count);
        }
        let full = cumulative.last().copied().unwrap_or(0);
        capacities
            .iter()
            .map(|&c| cumulative.get(c).copied().unwrap_or(full))
            .collect()
    }

    /// Requests for a key seen for the first time (misses at every capacity).
    pub fn cold_misses(&self) -> u64 {
        self.cold
    }
}

/// A Fenwick (binary indexed) tree of counts over positions `0..n`.
struct Fenwick(Vec<u32>);

impl Fenwick {
    fn new(n: usize) -> Self {
        Fenwick(vec![0; n + 1])
    }

    /// Adds `delta` at `position`.
    #[inline]
    fn add(&mut self, position: usize, delta: i32) {
        let mut i = position + 1;
        while i < self.0.len() {
            self.0[i] = self.0[i].wrapping_add_signed(delta);
            i += i & i.wrapping_neg();
        }
    }

    /// The sum over positions `0..=position`.
    #[inline]
    fn prefix(&self, position: usize) -> u64 {
        let (mut i, mut sum) = (position + 1, 0u64);
        while i > 0 {
            sum += u64::from(self.0[i]);
            i &= i - 1;
        }
        sum
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::dense::DenseTrace;
    use crate::sim::driver::replay_policy;
    use clientcache_policy_lru::LruPolicy;

    #[test]
    fn every_capacity_matches_a_separate_lru_replay() {
        let mut x = 7u64;
        for case in 0..40 {
            let keys = 2 + case % 9;
            let trace: Vec<u64> = (0..300)
                .map(|_| {
                    x = x
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    (x >> 33) % keys
                })
                .collect();
            let dense = DenseTrace::new(&trace);
            let distances = StackDistances::of(&dense.ids, dense.unique(), &mut |_| {});
            let capacities: Vec<usize> = (1..=dense.unique() + 1).collect();
            let hits = distances.hits_at_each(&capacities);
            for (&capacity, &hits) in capacities.iter().zip(&hits) {
                let lru = replay_policy(LruPolicy::default(), &dense, capacity, &mut |_| {});
                assert_eq!(hits, lru, "case {case}, capacity {capacity}");
                assert_eq!(distances.hits_at(capacity), lru);
            }
            assert_eq!(
                distances.cold_misses() as usize,
                dense.unique(),
                "each key's first request"
            );
        }
    }
}
