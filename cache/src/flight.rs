//! Single-flight bookkeeping: the in-flight loads ([`FlightTable`], inside the shard) and the
//! waiting primitive ([`Flight`]).
//!
//! # Design
//!
//! When `get_or_insert_with` misses and no load of the key is in flight, the caller registers a
//! [`Flight`] in the shard's [`FlightTable`] (under the cache lock, keyed by the key's hash and
//! the key itself, which the table owns meanwhile) and becomes the *loader*: it runs the loader
//! closure with no lock held. Other callers that miss the same key find the flight, clone its
//! `Arc` (under the cache lock), release the cache lock and [`Flight::wait`] on it.
//!
//! The loader finishes in two steps, never holding two locks: under the cache lock it takes the
//! flight out of the table ([`FlightTable::take`], which gives the key back) and stores the
//! value; after releasing it, it publishes the outcome with [`Flight::finish`], which wakes the
//! waiters. Once the flight has left the table no new waiter can find it, so every waiter
//! already holds its `Arc` and sees the outcome.
//!
//! A loader that fails or panics publishes `None` (its guard does it on drop): the waiters then
//! retry from the start, and one of them becomes the next loader.
//!
//! # Async
//!
//! Only [`Flight`] blocks. An async variant keeps the table and the protocol and gives
//! `Flight` a waker list beside the condition variable: `finish` also wakes the wakers, and a
//! `poll_wait(&self, cx)` registers `cx.waker()` while the state is `Loading`.

use crate::sync::{self, Arc, Condvar, Mutex};
use hashbrown::HashTable;
use std::borrow::Borrow;
use std::fmt;
use std::hash::Hash;

/// One load in flight: its outcome, once known, and the waiters' wake-up.
pub(crate) struct Flight<V> {
    /// `Loading` until [`Flight::finish`]; then final.
    state: Mutex<Outcome<V>>,
    /// Signalled once, by [`Flight::finish`].
    done: Condvar,
}

enum Outcome<V> {
    Loading,
    /// The value the load resolved to; each waiter clones it.
    Loaded(V),
    /// The loader failed or panicked: waiters retry.
    Abandoned,
}

impl<V: Clone> Flight<V> {
    fn new() -> Self {
        Flight {
            state: Mutex::new(Outcome::Loading),
            done: Condvar::new(),
        }
    }

    /// Blocks until the flight finishes; `Some(value)` when it loaded, `None` when it was
    /// abandoned. Call with the cache lock released.
    pub(crate) fn wait(&self) -> Option<V> {
        let mut state = sync::lock(&self.state);
        loop {
            match &*state {
                Outcome::Loading => state = sync::wait(&self.done, state),
                Outcome::Loaded(value) => return Some(value.clone()),
                Outcome::Abandoned => return None,
            }
        }
    }
}

impl<V> Flight<V> {
    /// Publishes the outcome (`None`: abandoned) and wakes every waiter. Called once, with the
    /// cache lock released.
    pub(crate) fn finish(&self, value: Option<V>) {
        let mut state = sync::lock(&self.state);
        debug_assert!(matches!(*state, Outcome::Loading), "a flight finishes once");
        *state = match value {
            Some(value) => Outcome::Loaded(value),
            None => Outcome::Abandoned,
        };
        drop(state);
        self.done.notify_all();
    }
}

impl<V> fmt::Debug for Flight<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Flight").finish_non_exhaustive()
    }
}

/// A registered load: the key (owned until the loader takes it back) and its flight.
struct InFlight<K, V> {
    hash: u64,
    key: K,
    flight: Arc<Flight<V>>,
}

/// The loads in flight, by key. Lives in the shard, under the cache lock.
pub(crate) struct FlightTable<K, V> {
    /// Invariant: at most one record per key; each record's flight is `Loading`.
    table: HashTable<InFlight<K, V>>,
}

impl<K: Hash + Eq, V: Clone> FlightTable<K, V> {
    /// An empty table (does not allocate).
    pub(crate) const fn new() -> Self {
        FlightTable {
            table: HashTable::new(),
        }
    }

    /// The flight loading `key`, if any.
    pub(crate) fn find<Q>(&self, hash: u64, key: &Q) -> Option<&Arc<Flight<V>>>
    where
        K: Borrow<Q>,
        Q: Eq + ?Sized,
    {
        self.table
            .find(hash, |f| f.key.borrow() == key)
            .map(|f| &f.flight)
    }

    /// Registers a load of `key` (which must have none) and returns its flight.
    pub(crate) fn start(&mut self, hash: u64, key: K) -> Arc<Flight<V>> {
        debug_assert!(self.find(hash, &key).is_none(), "one flight per key");
        let flight = Arc::new(Flight::new());
        let record = InFlight {
            hash,
            key,
            flight: Arc::clone(&flight),
        };
        self.table.insert_unique(hash, record, |f| f.hash);
        flight
    }
}

impl<K, V> FlightTable<K, V> {
    /// Unregisters `flight` and gives its key back. Matches by identity, so no user code runs.
    pub(crate) fn take(&mut self, hash: u64, flight: &Arc<Flight<V>>) -> Option<K> {
        let entry = self
            .table
            .find_entry(hash, |f| Arc::ptr_eq(&f.flight, flight))
            .ok()?;
        let (record, _) = entry.remove();
        Some(record.key)
    }

    /// Number of loads in flight.
    pub(crate) fn len(&self) -> usize {
        self.table.len()
    }
}

impl<K, V> fmt::Debug for FlightTable<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FlightTable")
            .field("len", &self.table.len())
            .finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::thread;

    #[test]
    fn flight_table_finds_starts_and_takes_by_key_and_identity() {
        let mut flights: FlightTable<String, u32> = FlightTable::new();
        assert!(flights.find(1, "a").is_none());
        let a = flights.start(1, "a".to_string());
        let b = flights.start(1, "b".to_string()); // same hash, other key
        assert_eq!(flights.len(), 2);
        assert!(Arc::ptr_eq(flights.find(1, "a").unwrap(), &a));
        assert!(Arc::ptr_eq(flights.find(1, "b").unwrap(), &b));
        assert_eq!(flights.take(1, &a).as_deref(), Some("a"));
        assert_eq!(flights.take(1, &a), None, "taken once");
        assert!(flights.find(1, "a").is_none());
        assert_eq!(flights.len(), 1);
    }

    #[test]
    fn flight_wait_returns_the_published_value_to_every_waiter() {
        let flight = Arc::new(Flight::<u32>::new());
        let waiters: Vec<_> = (0..4)
            .map(|_| {
                let flight = Arc::clone(&flight);
                thread::spawn(move || flight.wait())
            })
            .collect();
        flight.finish(Some(7));
        for waiter in waiters {
            assert_eq!(waiter.join().unwrap(), Some(7));
        }
        assert_eq!(flight.wait(), Some(7), "a finished flight answers at once");
    }

    #[test]
    fn flight_wait_returns_none_when_abandoned() {
        let flight = Arc::new(Flight::<u32>::new());
        let waiter = {
            let flight = Arc::clone(&flight);
            thread::spawn(move || flight.wait())
        };
        flight.finish(None);
        assert_eq!(waiter.join().unwrap(), None);
    }
}
