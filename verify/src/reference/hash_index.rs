//! [`HashIndex`]: key hash to slot, the ghost lists' lookup table.
//!
//! The ghost lookups are on every miss. Keys are already hashes, so the table hashes them
//! with one folded multiply ([`MixHasher`]), which spreads even poorly mixed ones (small
//! integers) over the buckets, is deterministic (no random seed) and costs about a nanosecond;
//! the table is `hashbrown`'s, reserved up front so that steady state allocates nothing.

use hashbrown::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Map from a 64-bit key hash to a `u32` slot.
#[derive(Clone, Debug, Default)]
pub(crate) struct HashIndex(HashMap<u64, u32, BuildHasherDefault<MixHasher>>);

impl HashIndex {
    /// Number of entries.
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    /// Makes room for `n` entries without growing (ignoring failure: it then grows later).
    pub(crate) fn reserve(&mut self, n: usize) {
        let _ = self.0.try_reserve(n.saturating_sub(self.0.len()));
    }

    /// The slot of `hash`.
    #[inline]
    pub(crate) fn get(&self, hash: u64) -> Option<u32> {
        self.0.get(&hash).copied()
    }

    /// Maps `hash` to `slot`; returns the slot it had.
    #[inline]
    pub(crate) fn insert(&mut self, hash: u64, slot: u32) -> Option<u32> {
        self.0.insert(hash, slot)
    }

    /// Removes `hash`; returns its slot.
    #[inline]
    pub(crate) fn remove(&mut self, hash: u64) -> Option<u32> {
        self.0.remove(&hash)
    }

    /// Forgets every entry, keeping the allocation.
    pub(crate) fn clear(&mut self) {
        self.0.clear();
    }

    /// Every `(hash, slot)`.
    pub(crate) fn entries(&self) -> impl Iterator<Item = (u64, u32)> + '_ {
        self.0.iter().map(|(&hash, &slot)| (hash, slot))
    }
}

/// Hashes a key hash for the index: one folded multiply (the 128-bit product's halves
/// xored), so both the low bits (bucket) and the high bits (hashbrown's tag) vary.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct MixHasher(u64);

impl Hasher for MixHasher {
    #[inline]
    fn finish(&self) -> u64 {
        let product = u128::from(self.0) * 0x9E37_79B9_7F4A_7C15;
        (product as u64) ^ ((product >> 64) as u64)
    }

    #[inline]
    fn write_u64(&mut self, hash: u64) {
        self.0 = hash;
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_hashes_to_slots_and_spreads_small_integers() {
        let mut index = HashIndex::default();
        index.reserve(100);
        for key in 0..100u64 {
            assert_eq!(index.insert(key, key as u32), None);
        }
        assert_eq!(index.insert(7, 70), Some(7));
        assert_eq!(
            (index.get(7), index.remove(7), index.get(7)),
            (Some(70), Some(70), None)
        );
        assert_eq!(index.len(), 99);
        assert_eq!(index.entries().count(), 99);
        let finish = |x: u64| {
            let mut h = MixHasher::default();
            h.write_u64(x);
            h.finish()
        };
        // Consecutive integers land in different top-7-bit tags.
        let tags: std::collections::HashSet<u64> = (0..64).map(|x| finish(x) >> 57).collect();
        assert!(tags.len() > 32, "{}", tags.len());
        index.clear();
        assert_eq!(index.len(), 0);
    }
}
