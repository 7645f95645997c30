//! The synchronization primitives, from loom under `cfg(loom)` and from std otherwise.
//!
//! Every lock in the crate goes through this module (the crossbeam pattern), so the loom models
//! in `tests/loom.rs` explore the real code's interleavings, and so do the thread identities and
//! thread-locals the delivery of removals (`delivery.rs`) and the loop detection of loads use.
//! The cache's counters are plain integers guarded by the locks.
//!
//! # Poisoning
//!
//! A std `Mutex` is poisoned when a thread panics while holding it. The cache recovers instead
//! of propagating the poison ([`lock`], [`wait`]), because a panic under its locks cannot leave
//! the state half-updated: the only user code that runs under the cache lock is `K`'s `Eq` and
//! `K`/`V`'s `Clone`, and every call site runs them before its first mutation (or after its
//! last), while loaders, listeners and drops of removed entries run after the lock is released.

#[cfg(loom)]
pub(crate) use loom::sync::{Arc, Condvar, Mutex, MutexGuard};
#[cfg(loom)]
pub(crate) use loom::thread::ThreadId;
#[cfg(loom)]
pub(crate) use loom::thread_local;
#[cfg(not(loom))]
pub(crate) use std::sync::{Arc, Condvar, Mutex, MutexGuard};
#[cfg(not(loom))]
pub(crate) use std::thread::ThreadId;
#[cfg(not(loom))]
pub(crate) use std::thread_local;

/// The calling thread (a loom model thread under loom).
pub(crate) fn current_thread() -> ThreadId {
    #[cfg(loom)]
    return loom::thread::current().id();
    #[cfg(not(loom))]
    return std::thread::current().id();
}

use std::sync::PoisonError;

/// Locks `mutex`, recovering from poisoning (see the module docs for why that is sound).
#[inline]
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Waits on `condvar`, recovering from poisoning like [`lock`].
pub(crate) fn wait<'a, T>(condvar: &Condvar, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
    condvar.wait(guard).unwrap_or_else(PoisonError::into_inner)
}
