//! The eviction listener: [`RemovalCause`], and the buffer that carries removed entries out of
//! the locked section.
//!
//! # Design
//!
//! An operation that removes entries ([`Removals::push`]) collects them while it holds the cache
//! lock, and hands them to the listener ([`Removals::deliver`]) after releasing it. So the
//! listener may call back into the cache, and the removed keys and values, which can be
//! expensive to drop (a client closes its connection pool), are dropped outside the lock too,
//! whether or not a listener is set.
//!
//! The buffer holds one entry inline and spills to a `Vec` only from the second: an insert
//! evicts at most one entry, so the hot path never allocates.

use std::fmt;

/// Why an entry left the cache, as told to the eviction listener.
///
/// # Examples
///
/// ```
/// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
/// use clientcache::{Cache, LruPolicy, RemovalCause};
/// use std::sync::{Arc, Mutex};
///
/// let log = Arc::new(Mutex::new(Vec::new()));
/// let sink = Arc::clone(&log);
/// let cache = Cache::<u32, &str, LruPolicy>::builder()
///     .max_size(1)
///     .eviction_listener(move |key, _value, cause| sink.lock().unwrap().push((key, cause)))
///     .build()
///     .unwrap();
/// cache.insert(1, "a").unwrap();
/// cache.insert(2, "b").unwrap(); // evicts 1
/// cache.remove(&2).unwrap();
/// assert_eq!(
///     *log.lock().unwrap(),
///     [(1, RemovalCause::Evicted), (2, RemovalCause::Removed)]
/// );
/// # }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RemovalCause {
    /// The policy chose the entry to make room for an insert; also a newcomer that was not
    /// stored (max_size 0, or refused by the policy's admission filter).
    Evicted,
    /// The caller removed it: [`remove`](crate::Cache::remove) or
    /// [`pop_victim`](crate::Cache::pop_victim).
    Removed,
    /// [`set_max_size`](crate::Cache::set_max_size) shrank the cache below its length.
    Resized,
    /// [`clear`](crate::Cache::clear).
    Cleared,
    /// Its deadline passed (time-to-live, time-to-idle or its own; see
    /// [`CacheBuilder::time_to_live`](crate::CacheBuilder::time_to_live)).
    Expired,
    /// A new value took its place ([`replace`](crate::Cache::replace),
    /// [`upsert`](crate::Cache::upsert), [`compute`](crate::Cache::compute)): the listener
    /// gets the old value; the entry stays cached with the new one.
    Replaced,
}

impl RemovalCause {
    /// Whether the policy chose the entry ([`Evicted`](Self::Evicted) or
    /// [`Resized`](Self::Resized)) rather than the caller.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::RemovalCause;
    ///
    /// assert!(RemovalCause::Resized.was_evicted());
    /// assert!(!RemovalCause::Cleared.was_evicted());
    /// ```
    #[must_use]
    pub const fn was_evicted(self) -> bool {
        matches!(self, RemovalCause::Evicted | RemovalCause::Resized)
    }
}

/// The listener as stored: shared by a cache and its [`deep_clone`](crate::Cache::deep_clone)s.
///
/// A std `Arc` even under loom: it is only read, and loom's `Arc` cannot hold a `dyn`.
pub(crate) type Listener<K, V> = std::sync::Arc<dyn Fn(K, V, RemovalCause) + Send + Sync>;

/// Entries removed under the lock, to deliver after it is released. Never allocates for one.
pub(crate) struct Removals<K, V>(Slots<K, V>);

enum Slots<K, V> {
    Empty,
    One(K, V, RemovalCause),
    /// Two or more, in removal order.
    Many(Vec<(K, V, RemovalCause)>),
}

impl<K, V> Removals<K, V> {
    /// An empty buffer.
    #[inline]
    pub(crate) const fn new() -> Self {
        Removals(Slots::Empty)
    }

    /// Records an entry that left the cache.
    #[inline]
    pub(crate) fn push(&mut self, key: K, value: V, cause: RemovalCause) {
        match &mut self.0 {
            Slots::Empty => self.0 = Slots::One(key, value, cause),
            Slots::Many(all) => all.push((key, value, cause)),
            Slots::One(..) => self.spill(key, value, cause),
        }
    }

    /// The second entry: moves to a `Vec`.
    #[cold]
    fn spill(&mut self, key: K, value: V, cause: RemovalCause) {
        if let Slots::One(k, v, c) = std::mem::replace(&mut self.0, Slots::Empty) {
            self.0 = Slots::Many(vec![(k, v, c), (key, value, cause)]);
        }
    }

    /// Makes room for `additional` more entries (for bulk removals).
    pub(crate) fn reserve(&mut self, additional: usize) {
        if additional < 2 {
            return;
        }
        match std::mem::replace(&mut self.0, Slots::Empty) {
            Slots::Empty => self.0 = Slots::Many(Vec::with_capacity(additional)),
            Slots::One(k, v, c) => {
                let mut all = Vec::with_capacity(additional + 1);
                all.push((k, v, c));
                self.0 = Slots::Many(all);
            }
            Slots::Many(mut all) => {
                all.reserve(additional);
                self.0 = Slots::Many(all);
            }
        }
    }

    /// Whether it holds nothing.
    pub(crate) fn is_empty(&self) -> bool {
        matches!(self.0, Slots::Empty)
    }

    /// Adds `other`'s entries after these.
    pub(crate) fn append(&mut self, other: Removals<K, V>) {
        for (key, value, cause) in other.into_vec() {
            self.push(key, value, cause);
        }
    }

    /// The entries, in removal order.
    pub(crate) fn into_vec(self) -> Vec<(K, V, RemovalCause)> {
        match self.0 {
            Slots::Empty => Vec::new(),
            Slots::One(key, value, cause) => vec![(key, value, cause)],
            Slots::Many(all) => all,
        }
    }

    /// Number of entries held.
    pub(crate) fn len(&self) -> usize {
        match &self.0 {
            Slots::Empty => 0,
            Slots::One(..) => 1,
            Slots::Many(all) => all.len(),
        }
    }

    /// Hands each entry, in removal order, to `listener`, or drops it when there is none (the
    /// cache delivers through `delivery.rs`; tests use this directly).
    #[cfg(test)]
    pub(crate) fn deliver(self, listener: Option<&Listener<K, V>>) {
        let Some(listener) = listener else {
            return; // Dropped here, outside the lock.
        };
        match self.0 {
            Slots::Empty => {}
            Slots::One(key, value, cause) => listener(key, value, cause),
            Slots::Many(all) => {
                for (key, value, cause) in all {
                    listener(key, value, cause);
                }
            }
        }
    }
}

impl<K, V> fmt::Debug for Removals<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Removals")
            .field("len", &self.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    type Log = Arc<Mutex<Vec<(u32, u32, RemovalCause)>>>;

    fn recording() -> (Listener<u32, u32>, Log) {
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&log);
        let listener: Listener<u32, u32> =
            Arc::new(move |k, v, c| sink.lock().unwrap().push((k, v, c)));
        (listener, log)
    }

    #[test]
    fn removals_deliver_every_entry_in_push_order() {
        for n in 0..5u32 {
            let (listener, log) = recording();
            let mut removals = Removals::new();
            for i in 0..n {
                removals.push(i, i * 10, RemovalCause::Evicted);
            }
            assert_eq!(removals.len(), n as usize);
            removals.deliver(Some(&listener));
            let expected: Vec<_> = (0..n).map(|i| (i, i * 10, RemovalCause::Evicted)).collect();
            assert_eq!(*log.lock().unwrap(), expected);
        }
    }

    #[test]
    fn removals_keep_order_after_reserve() {
        let (listener, log) = recording();
        let mut removals = Removals::new();
        removals.push(1, 1, RemovalCause::Removed);
        removals.reserve(3);
        removals.push(2, 2, RemovalCause::Cleared);
        removals.reserve(5);
        removals.push(3, 3, RemovalCause::Cleared);
        removals.deliver(Some(&listener));
        let keys: Vec<u32> = log.lock().unwrap().iter().map(|e| e.0).collect();
        assert_eq!(keys, [1, 2, 3]);
    }

    #[test]
    fn removals_drop_their_entries_without_a_listener() {
        let value = Arc::new(());
        let mut removals = Removals::new();
        removals.push(0u32, Arc::clone(&value), RemovalCause::Evicted);
        removals.push(1u32, Arc::clone(&value), RemovalCause::Evicted);
        assert_eq!(Arc::strong_count(&value), 3);
        removals.deliver(None);
        assert_eq!(Arc::strong_count(&value), 1);
    }

    #[test]
    fn was_evicted_is_true_only_for_policy_choices() {
        assert!(RemovalCause::Evicted.was_evicted());
        assert!(RemovalCause::Resized.was_evicted());
        assert!(!RemovalCause::Removed.was_evicted());
        assert!(!RemovalCause::Cleared.was_evicted());
        assert!(!RemovalCause::Expired.was_evicted());
        assert!(!RemovalCause::Replaced.was_evicted());
    }
}
