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
//! `contains_key` are not accesses; `set_max_size` evicts in policy order. It keeps the cache's
//! counters too ([`ModelStats`], the rules of `clientcache::CacheStats`), so a test can compare
//! stats as well as state.

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

/// The model's counters, counted as `clientcache::CacheStats` counts them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ModelStats {
    /// `get`s that found the key.
    pub hits: u64,
    /// `get`s that did not.
    pub misses: u64,
    /// Successful `insert`s, including a newcomer dropped at once (`max_size` 0).
    pub inserts: u64,
    /// Entries dropped by the policy: to make room, on a shrinking `set_max_size`, and the
    /// newcomer when `max_size` is 0.
    pub evictions: u64,
    /// Entries taken out by `remove`, `pop_victim` and `clear`.
    pub removals: u64,
}

/// A plain model of `clientcache::Cache<u16, u64, P>`.
#[derive(Clone, Debug)]
pub struct ReferenceCache {
    policy: ModelPolicy,
    max_size: usize,
    tick: u64,
    residents: BTreeMap<u16, Resident>,
    stats: ModelStats,
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
            stats: ModelStats::default(),
        }
    }

    /// The counters.
    pub fn stats(&self) -> ModelStats {
        self.stats
    }

    /// Resident entries, next victim first.
    pub fn entries(&self) -> Vec<(u16, u64)> {
        self.order()
            .into_iter()
            .map(|key| (key, self.residents[&key].value))
            .collect()
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
        self.stats.inserts += 1;
        if self.max_size == 0 {
            self.stats.evictions += 1;
            return Ok(None);
        }
        let evicted = if self.residents.len() >= self.max_size {
            self.evict()
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
        let Some(resident) = self.residents.get_mut(&key) else {
            self.stats.misses += 1;
            return None;
        };
        self.stats.hits += 1;
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
        let resident = self.residents.remove(&key).ok_or(ModelError::NotCached)?;
        self.stats.removals += 1;
        Ok(resident.value)
    }

    /// Removes and returns the next victim (counted as a removal: the caller asked).
    pub fn pop_victim(&mut self) -> Option<(u16, u64)> {
        let popped = self.take_victim()?;
        self.stats.removals += 1;
        Some(popped)
    }

    /// Drops the next victim (counted as an eviction: the policy chose it).
    fn evict(&mut self) -> Option<(u16, u64)> {
        let evicted = self.take_victim()?;
        self.stats.evictions += 1;
        Some(evicted)
    }

    fn take_victim(&mut self) -> Option<(u16, u64)> {
        let key = self.victim()?;
        let resident = self.residents.remove(&key)?;
        Some((key, resident.value))
    }

    /// Sets the maximum and evicts down to it in policy order; returns the evicted entries.
    pub fn set_max_size(&mut self, max_size: usize) -> Vec<(u16, u64)> {
        self.max_size = max_size;
        let mut evicted = Vec::new();
        while self.residents.len() > max_size {
            evicted.extend(self.evict());
        }
        evicted
    }

    /// Replaces `key`'s value (an access, counted as neither hit nor miss); returns the old.
    pub fn replace(&mut self, key: u16, value: u64) -> Result<u64, ModelError> {
        let tick = self.next_tick();
        let resident = self.residents.get_mut(&key).ok_or(ModelError::NotCached)?;
        resident.frequency += 1;
        resident.last_use = tick;
        Ok(std::mem::replace(&mut resident.value, value))
    }

    /// Removes every key from `split` up, next victim first; returns them (removals).
    pub fn retain_below(&mut self, split: u16) -> Vec<(u16, u64)> {
        let dropped: Vec<(u16, u64)> = self
            .entries()
            .into_iter()
            .filter(|&(key, _)| key >= split)
            .collect();
        for (key, _) in &dropped {
            self.residents.remove(key);
        }
        self.stats.removals += dropped.len() as u64;
        dropped
    }

    /// Removes everything; returns the entries, next victim first.
    pub fn clear(&mut self) -> Vec<(u16, u64)> {
        let cleared = self.entries();
        self.stats.removals += cleared.len() as u64;
        self.residents.clear();
        cleared
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
        let stats = m.stats();
        assert_eq!((stats.inserts, stats.evictions), (1, 1));
    }

    #[test]
    fn stats_count_as_the_cache_counts() {
        let mut m = ReferenceCache::new(ModelPolicy::Lru, 2);
        m.insert(1, 1).unwrap();
        m.insert(2, 2).unwrap();
        m.insert(3, 3).unwrap(); // evicts 1
        assert_eq!(m.insert(3, 9), Err(ModelError::AlreadyCached)); // not counted
        m.get(2);
        m.get(1);
        m.peek(3); // not counted
        m.remove(2).unwrap();
        m.insert(4, 4).unwrap();
        m.pop_victim().unwrap();
        m.insert(5, 5).unwrap();
        m.set_max_size(1); // evicts one
        assert_eq!(m.clear(), [(5, 5)]);
        let stats = m.stats();
        assert_eq!(
            (stats.hits, stats.misses, stats.inserts),
            (1, 1, 5),
            "{stats:?}"
        );
        assert_eq!((stats.evictions, stats.removals), (2, 3), "{stats:?}");
        assert_eq!(
            stats.inserts,
            stats.evictions + stats.removals + m.len() as u64
        );
    }
}
