//! [`DenseTrace`]: a trace's keys renamed `0, 1, 2, ...` (the decoder does the renaming as it
//! reads), so a replay indexes vectors instead of probing a hash map.

use crate::trace::Trace;
use clientcache::DefaultHashBuilder;
use std::hash::BuildHasher;

/// A trace with dense key ids, built once and shared by every direct replay.
#[derive(Clone, Debug)]
pub struct DenseTrace {
    /// One id per request: the index of its key in `hashes`.
    pub ids: Vec<u32>,
    /// For each distinct key (by id), the hash `Cache<u64, _>` computes for it with the
    /// hasher of the run (by default the cache's default hasher): a policy driven directly is told exactly what the cache tells it, so
    /// hash-dependent policies (TinyLFU's sketch) decide the same.
    pub hashes: Vec<u64>,
}

impl DenseTrace {
    /// Renames `keys` by first appearance, hashed with the cache's default hasher.
    ///
    /// # Panics
    ///
    /// When the trace has more than `u32::MAX` distinct keys.
    ///
    /// ```
    /// use clientcache_verify::sim::dense::DenseTrace;
    ///
    /// let dense = DenseTrace::new(&[70, 9, 70, 5]);
    /// assert_eq!(dense.ids, [0, 1, 0, 2]);
    /// assert_eq!(dense.unique(), 3);
    /// ```
    pub fn new(keys: &[u64]) -> Self {
        Self::with_hasher(keys, &DefaultHashBuilder::default())
    }

    /// [`DenseTrace::new`] with the hashes of `hasher` (the one the cache under comparison is
    /// built with).
    pub fn with_hasher(keys: &[u64], hasher: &DefaultHashBuilder) -> Self {
        let trace = Trace::from_keys("", keys.iter().copied());
        Self::from_ids(trace.ids, &trace.distinct, hasher)
    }

    /// The dense trace of requests already renamed: `ids` index `distinct`, whose keys are
    /// hashed with `hasher` (each once).
    pub fn from_ids(ids: Vec<u32>, distinct: &[u64], hasher: &DefaultHashBuilder) -> Self {
        let hashes = distinct.iter().map(|&key| hasher.hash_one(key)).collect();
        DenseTrace { ids, hashes }
    }

    /// The number of distinct keys.
    pub fn unique(&self) -> usize {
        self.hashes.len()
    }
}
