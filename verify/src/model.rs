//! Reference models: the cache's semantics written as plainly as possible.
//!
//! Each resident key carries its frequency (1 at insert, +1 per hit) and the tick of its last
//! use (insert or hit). The policy order, next victim first, is a sort:
//!
//! - LRU: by last use, oldest first;
//! - LFU: by (frequency, last use), so within the lowest frequency the least recently used goes
//!   first, a new key starts at 1, and an evicted key's count is forgotten.
//!
//! The model follows the cache's documented rules: `insert` refuses a resident key, evicts the
//! victim *before* inserting when full, and stores nothing when `max_size` is 0; `peek` and
//! `contains_key` are not accesses; `set_max_size` evicts in policy order.

use std::collections::BTreeMap;

/// The policy a [`ReferenceCache`] orders by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModelPolicy {
    /// Least recently used first.
    Lru,
    /// Least frequently used first, least recently used among equals.
    Lfu,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Resident {
    value: u64,
    frequency: u64,
    last_use: u64,
}

/// A plain model of `clientcache::Cache<u16, u64, P>`.
#[derive(Clone, Debug)]
pub struct ReferenceCache {
    policy: ModelPolicy,
    max_size: usize,
    tick: u64,
    residents: BTreeMap<u16, Resident>,
}

/// Why a model `insert` or `remove` failed, mirroring `clientcache::Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModelError {
    /// The key is resident already.
    AlreadyCached,
    /// The key is not resident.
    NotCached,
}

impl ReferenceCache {
    /// An empty model holding at most `max_size` keys.
    pub fn new(policy: ModelPolicy, max_size: usize) -> Self {
        ReferenceCache {
            policy,
            max_size,
            tick: 0,
            residents: BTreeMap::new(),
        }
    }

    /// Number of resident keys.
    pub fn len(&self) -> usize {
        self.residents.len()
    }

    /// Whether nothing is resident.
    pub fn is_empty(&self) -> bool {
        self.residents.is_empty()
    }

    /// The maximum number of keys.
    pub fn max_size(&self) -> usize {
        self.max_size
    }

    fn next_tick(&mut self) -> u64 {
        self.tick += 1;
        self.tick
    }

    /// Resident keys, next victim first.
    pub fn order(&self) -> Vec<u16> {
        let mut keys: Vec<(u64, u64, u16)> = self
            .residents
            .iter()
            .map(|(&key, r)| match self.policy {
                ModelPolicy::Lru => (0, r.last_use, key),
                ModelPolicy::Lfu => (r.frequency, r.last_use, key),
            })
            .collect();
        keys.sort_unstable();
        keys.into_iter().map(|(_, _, key)| key).collect()
    }

    /// The next victim.
    pub fn victim(&self) -> Option<u16> {
        self.order().first().copied()
    }

    /// Inserts `key` with `value`; returns the evicted entry, if one was.
    pub fn insert(&mut self, key: u16, value: u64) -> Result<Option<(u16, u64)>, ModelError> {
        if self.residents.contains_key(&key) {
            return Err(ModelError::AlreadyCached);
        }
        if self.max_size == 0 {
            return Ok(None);
        }
        let evicted = if self.residents.len() >= self.max_size {
            self.pop_victim()
        } else {
            None
        };
        let last_use = self.next_tick();
        self.residents.insert(
            key,
            Resident {
                value,
                frequency: 1,
                last_use,
            },
        );
        Ok(evicted)
    }

    /// A lookup that counts as an access.
    pub fn get(&mut self, key: u16) -> Option<u64> {
        let tick = self.next_tick();
        let resident = self.residents.get_mut(&key)?;
        resident.frequency += 1;
        resident.last_use = tick;
        Some(resident.value)
    }

    /// A lookup that is not an access.
    pub fn peek(&self, key: u16) -> Option<u64> {
        self.residents.get(&key).map(|r| r.value)
    }

    /// Removes `key`.
    pub fn remove(&mut self, key: u16) -> Result<u64, ModelError> {
        self.residents
            .remove(&key)
            .map(|r| r.value)
            .ok_or(ModelError::NotCached)
    }

    /// Removes and returns the next victim.
    pub fn pop_victim(&mut self) -> Option<(u16, u64)> {
        let key = self.victim()?;
        let resident = self.residents.remove(&key)?;
        Some((key, resident.value))
    }

    /// Sets the maximum and evicts down to it in policy order; returns the evicted entries.
    pub fn set_max_size(&mut self, max_size: usize) -> Vec<(u16, u64)> {
        self.max_size = max_size;
        let mut evicted = Vec::new();
        while self.residents.len() > max_size {
            evicted.extend(self.pop_victim());
        }
        evicted
    }

    /// Removes everything.
    pub fn clear(&mut self) {
        self.residents.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lru_model_orders_by_last_use() {
        let mut m = ReferenceCache::new(ModelPolicy::Lru, 3);
        for k in [1, 2, 3] {
            m.insert(k, u64::from(k)).unwrap();
        }
        m.get(1);
        assert_eq!(m.order(), [2, 3, 1]);
        assert_eq!(m.insert(4, 4).unwrap(), Some((2, 2)));
        assert_eq!(m.order(), [3, 1, 4]);
    }

    #[test]
    fn lfu_model_breaks_frequency_ties_by_recency_and_new_keys_start_at_one() {
        let mut m = ReferenceCache::new(ModelPolicy::Lfu, 3);
        for k in [1, 2, 3] {
            m.insert(k, u64::from(k)).unwrap();
        }
        m.get(1);
        m.get(2);
        assert_eq!(m.order(), [3, 1, 2]);
        assert_eq!(m.insert(4, 4).unwrap(), Some((3, 3)));
        assert_eq!(m.order(), [4, 1, 2]);
        assert_eq!(m.remove(1), Ok(1));
        m.insert(1, 10).unwrap();
        assert_eq!(
            m.order(),
            [4, 1, 2],
            "a re-inserted key starts again at frequency 1"
        );
    }

    #[test]
    fn zero_max_size_stores_nothing() {
        let mut m = ReferenceCache::new(ModelPolicy::Lru, 0);
        assert_eq!(m.insert(1, 1), Ok(None));
        assert!(m.is_empty());
    }
}
