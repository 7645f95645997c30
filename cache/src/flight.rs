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
//! A loader that fails publishes its error ([`Waited::Failed`], shared as an `Arc<dyn Any>`):
//! the waiters that asked with the same error type return a clone of it, so a failing load runs
//! once however many callers wait on it. A loader that panics (or, async, is cancelled)
//! publishes [`Waited::Abandoned`] (its guard does it on drop): the waiters then retry from the
//! start, and one of them becomes the next loader; so does a waiter whose error type differs.
//!
//! # Async
//!
//! The async loads (`get_or_insert_with_async`) use the same table and protocol; only the
//! waiting differs. Beside the condition variable, a [`Flight`] keeps a list of wakers: an
//! async waiter ([`FlightWait`], a future) registers its task's waker while the flight is
//! loading ([`Flight::poll_wait`]), and [`Flight::finish`] wakes every registered waker after
//! signalling the blocked threads. Sync and async callers can wait on the same flight.
//!
//! Cancellation never blocks anyone, because no caller's progress depends on another caller
//! being polled:
//!
//! - A dropped waiter only unregisters its waker ([`FlightWait`]'s `Drop`); the load and the
//!   other waiters are unaffected. (moka issue #240 was a waiter whose cancellation left a lock
//!   held that the others waited on; here a waiter holds nothing.)
//! - A dropped *loader* (its future cancelled while it awaited its loader) drops its guard,
//!   which abandons the flight exactly like a failed loader: the waiters are woken, retry, and
//!   one of them becomes the next loader.
//!
//! The waker list needs no runtime: it is `std::task::Waker`s in a [`Slab`], so any executor
//! works.

use crate::sync::{self, Arc, Condvar, Mutex};
use hashbrown::HashTable;
use slab::Slab;
use std::any::Any;
use std::borrow::Borrow;
use std::fmt;
use std::future::Future;
use std::hash::Hash;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

/// One load in flight: its outcome, once known, and the waiters' wake-up.
pub(crate) struct Flight<V> {
    /// `Loading` until [`Flight::finish`]; then final.
    state: Mutex<State<V>>,
    /// Signalled once, by [`Flight::finish`].
    done: Condvar,
}

struct State<V> {
    outcome: Outcome<V>,
    /// The async waiters' wakers, by the slot each [`FlightWait`] holds. Invariant: empty once
    /// `outcome` is final (`finish` takes them all, and nothing registers after).
    wakers: Slab<Waker>,
}

enum Outcome<V> {
    Loading,
    /// Final.
    Done(Waited<V>),
}

/// A loader's error, shared with the waiters: they downcast it to their own error type. A std
/// `Arc` even under loom: loom's cannot hold a `dyn`.
pub(crate) type SharedError = std::sync::Arc<dyn Any + Send + Sync>;

/// How a load ended, as its waiters see it.
pub(crate) enum Waited<V> {
    /// The value the load resolved to; each waiter clones it.
    Loaded(V),
    /// The loader returned this error; nothing was cached.
    Failed(SharedError),
    /// The loader panicked or was cancelled: waiters retry.
    Abandoned,
}

impl<V: Clone> Waited<V> {
    fn cloned(&self) -> Self {
        match self {
            Waited::Loaded(value) => Waited::Loaded(value.clone()),
            Waited::Failed(error) => Waited::Failed(std::sync::Arc::clone(error)),
            Waited::Abandoned => Waited::Abandoned,
        }
    }
}

impl<V: Clone> Flight<V> {
    fn new() -> Self {
        Flight {
            state: Mutex::new(State {
                outcome: Outcome::Loading,
                wakers: Slab::new(),
            }),
            done: Condvar::new(),
        }
    }

    /// Blocks until the flight finishes and returns how. Call with the cache lock released.
    pub(crate) fn wait(&self) -> Waited<V> {
        let mut state = sync::lock(&self.state);
        loop {
            match &state.outcome {
                Outcome::Loading => state = sync::wait(&self.done, state),
                Outcome::Done(waited) => return waited.cloned(),
            }
        }
    }

    /// The async [`wait`](Self::wait): `Ready` with the outcome once the flight finished;
    /// otherwise registers (or refreshes) `cx`'s waker in `slot` and returns `Pending`.
    fn poll_wait(&self, cx: &mut Context<'_>, slot: &mut Option<usize>) -> Poll<Waited<V>> {
        let mut state = sync::lock(&self.state);
        if let Outcome::Done(waited) = &state.outcome {
            return Poll::Ready(waited.cloned());
        }
        match slot.and_then(|at| state.wakers.get_mut(at)) {
            Some(waker) => {
                if !waker.will_wake(cx.waker()) {
                    waker.clone_from(cx.waker());
                }
            }
            None => *slot = Some(state.wakers.insert(cx.waker().clone())),
        }
        Poll::Pending
    }
}

impl<V> Flight<V> {
    /// Publishes the outcome and wakes every waiter, blocked threads and async tasks. Called
    /// once, with the cache lock released.
    pub(crate) fn finish(&self, outcome: Waited<V>) {
        let mut state = sync::lock(&self.state);
        debug_assert!(
            matches!(state.outcome, Outcome::Loading),
            "a flight finishes once"
        );
        state.outcome = Outcome::Done(outcome);
        let wakers = std::mem::take(&mut state.wakers);
        drop(state);
        self.done.notify_all();
        // Outside the flight's lock: a waker may run its task at once, which polls the flight.
        // Every waiter is woken even if an executor's waker panics; the first panic then
        // goes on once all are woken.
        let mut panic = None;
        for (_, waker) in wakers {
            let woken = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| waker.wake()));
            if let Err(payload) = woken {
                panic.get_or_insert(payload);
            }
        }
        if let Some(payload) = panic {
            std::panic::resume_unwind(payload);
        }
    }

    /// Unregisters the waker in `slot` (a dropped async waiter). After `finish` the slab is
    /// empty and nothing registers again, so a stale slot can never remove another's waker.
    fn forget_waker(&self, slot: usize) {
        let mut state = sync::lock(&self.state);
        let waker = state.wakers.try_remove(slot);
        drop(state);
        drop(waker); // Outside the lock: dropping a waker runs executor code.
    }
}

/// An async waiter: resolves to the flight's outcome. Dropping it before it resolves only
/// unregisters its waker.
pub(crate) struct FlightWait<V> {
    flight: Arc<Flight<V>>,
    /// This waiter's slot in the flight's waker list, once registered.
    slot: Option<usize>,
}

impl<V> FlightWait<V> {
    /// Waits on `flight`.
    pub(crate) fn new(flight: Arc<Flight<V>>) -> Self {
        FlightWait { flight, slot: None }
    }
}

impl<V: Clone> Future for FlightWait<V> {
    type Output = Waited<V>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Waited<V>> {
        // `FlightWait` is `Unpin` (an `Arc` and an index), so the pin can be unwrapped safely.
        let this = self.get_mut();
        let polled = this.flight.poll_wait(cx, &mut this.slot);
        if polled.is_ready() {
            // `finish` already took the wakers: nothing left to unregister.
            this.slot = None;
        }
        polled
    }
}

impl<V> Drop for FlightWait<V> {
    fn drop(&mut self) {
        if let Some(slot) = self.slot.take() {
            self.flight.forget_waker(slot);
        }
    }
}

impl<V> fmt::Debug for FlightWait<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FlightWait")
            .field("registered", &self.slot.is_some())
            .finish()
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
        flight.finish(Waited::Loaded(7));
        for waiter in waiters {
            assert!(matches!(waiter.join().unwrap(), Waited::Loaded(7)));
        }
        assert!(
            matches!(flight.wait(), Waited::Loaded(7)),
            "a finished flight answers at once"
        );
    }

    /// A waker that counts its wake-ups.
    struct CountingWaker(std::sync::atomic::AtomicUsize);

    impl std::task::Wake for CountingWaker {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    }

    fn counting_waker() -> (Arc<CountingWaker>, Waker) {
        let counter = Arc::new(CountingWaker(std::sync::atomic::AtomicUsize::new(0)));
        (Arc::clone(&counter), Waker::from(Arc::clone(&counter)))
    }

    fn wakes(counter: &CountingWaker) -> usize {
        counter.0.load(std::sync::atomic::Ordering::SeqCst)
    }

    fn registered<V>(flight: &Flight<V>) -> usize {
        sync::lock(&flight.state).wakers.len()
    }

    #[test]
    fn async_waiter_registers_once_and_is_woken_with_the_value() {
        let flight = Arc::new(Flight::<u32>::new());
        let (counter, waker) = counting_waker();
        let mut cx = Context::from_waker(&waker);
        let mut wait = FlightWait::new(Arc::clone(&flight));
        assert!(Pin::new(&mut wait).poll(&mut cx).is_pending());
        assert!(Pin::new(&mut wait).poll(&mut cx).is_pending());
        assert_eq!(registered(&flight), 1, "a re-poll refreshes, never adds");
        flight.finish(Waited::Loaded(9));
        assert_eq!(wakes(&counter), 1);
        assert_eq!(registered(&flight), 0);
        let polled = Pin::new(&mut wait).poll(&mut cx);
        assert!(matches!(polled, Poll::Ready(Waited::Loaded(9))));
    }

    #[test]
    fn dropped_async_waiter_unregisters_and_others_still_get_the_value() {
        let flight = Arc::new(Flight::<u32>::new());
        let (dropped_counter, dropped_waker) = counting_waker();
        let (kept_counter, kept_waker) = counting_waker();
        let mut dropped = FlightWait::new(Arc::clone(&flight));
        let mut kept = FlightWait::new(Arc::clone(&flight));
        let _ = Pin::new(&mut dropped).poll(&mut Context::from_waker(&dropped_waker));
        let _ = Pin::new(&mut kept).poll(&mut Context::from_waker(&kept_waker));
        assert_eq!(registered(&flight), 2);
        drop(dropped);
        assert_eq!(registered(&flight), 1);
        flight.finish(Waited::Abandoned);
        assert_eq!((wakes(&dropped_counter), wakes(&kept_counter)), (0, 1));
        let polled = Pin::new(&mut kept).poll(&mut Context::from_waker(&kept_waker));
        assert!(
            matches!(polled, Poll::Ready(Waited::Abandoned)),
            "the waiter retries"
        );
    }

    #[test]
    fn flight_wait_returns_none_when_abandoned() {
        let flight = Arc::new(Flight::<u32>::new());
        let waiter = {
            let flight = Arc::clone(&flight);
            thread::spawn(move || flight.wait())
        };
        flight.finish(Waited::Abandoned);
        assert!(matches!(waiter.join().unwrap(), Waited::Abandoned));
    }

    #[test]
    fn a_failed_flight_hands_its_error_to_every_waiter() {
        let flight = Arc::new(Flight::<u32>::new());
        let waiter = {
            let flight = Arc::clone(&flight);
            thread::spawn(move || flight.wait())
        };
        flight.finish(Waited::Failed(std::sync::Arc::new("denied".to_string())));
        let Waited::Failed(error) = waiter.join().unwrap() else {
            panic!("not a failure");
        };
        assert_eq!(
            error.downcast_ref::<String>().map(String::as_str),
            Some("denied")
        );
    }
}
