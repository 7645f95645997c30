//! The synchronization primitives, from loom under `cfg(loom)` and from std otherwise.
//!
//! Every lock in the crate goes through this module (the crossbeam pattern), so the loom models
//! in `tests/loom.rs` explore the real code's interleavings. Nothing here uses atomics directly:
//! the cache's counters are plain integers guarded by the one lock.
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
#[cfg(not(loom))]
pub(crate) use std::sync::{Arc, Condvar, Mutex, MutexGuard};

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
