//! [`Delivery`]: hands removed entries to the eviction listener, one thread's listener calls
//! never nested inside each other for one cache, every entry reported even if the listener
//! panics.
//!
//! # Why
//!
//! The listener runs with no lock held, so it may use the cache: an insert from inside it can
//! evict, and that eviction has to be reported too. Reporting it from inside the listener call
//! that caused it would recurse: a listener that inserts a new key for each eviction it sees, on
//! a full cache, would go 200,000 calls deep after 200,000 evictions and overflow the stack.
//!
//! # How
//!
//! A thread that delivers for a cache marks itself ([`DELIVERING`], a thread-local list of the
//! caches it is delivering for). A delivery that starts while the same thread is already
//! delivering for the same cache (the listener called back into it) does not call the
//! listener: it queues its entries, and the outermost delivery calls the listener for them once
//! it has finished its own, in the order they were queued. So listener calls on one thread for
//! one cache happen one after another, in removal order, at a constant stack depth. (A listener
//! that re-inserts every entry it is handed loops, by its own choice, but in constant stack.)
//!
//! # Panics
//!
//! A listener that panics does not lose the other entries: the delivery catches the panic,
//! goes on with the remaining entries (its own and those queued), and then resumes the first
//! panic, so the caller of the operation that removed them sees it after every removal has
//! been reported.

use crate::listener::{Listener, RemovalCause, Removals};
use crate::sync::{self, Mutex, ThreadId, current_thread};
use std::cell::RefCell;
use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};

crate::sync::thread_local! {
    /// The caches (by their `Delivery`'s address) this thread is delivering for, innermost
    /// last.
    // Not `const { .. }`: loom\'s `thread_local!` does not take it.
    #[allow(clippy::missing_const_for_thread_local)]
    static DELIVERING: RefCell<Vec<usize>> = RefCell::new(Vec::new());
}

/// Removed entries in removal order, with why each left.
type Batch<K, V> = Vec<(K, V, RemovalCause)>;

/// One cache's listener deliveries (see the module docs).
pub(crate) struct Delivery<K, V> {
    /// Entries that deliveries nested inside a listener call queued, by the thread whose
    /// outermost delivery will hand them over. Invariant: one record per thread, none empty.
    pending: Mutex<Vec<(ThreadId, Batch<K, V>)>>,
    /// `pending.len()`, read without the lock on every outermost delivery. Relaxed suffices:
    /// only the thread that queues a record reads it back, and a thread sees its own writes.
    queued: AtomicUsize,
}

impl<K, V> Delivery<K, V> {
    /// No deliveries yet.
    pub(crate) fn new() -> Self {
        Delivery {
            pending: Mutex::new(Vec::new()),
            queued: AtomicUsize::new(0),
        }
    }

    /// Hands `removed` to `listener` (or drops it when there is none), with no cache lock held.
    pub(crate) fn deliver(&self, removed: Removals<K, V>, listener: Option<&Listener<K, V>>) {
        let Some(listener) = listener else {
            return; // `removed` is dropped here, outside the lock.
        };
        if removed.is_empty() {
            return;
        }
        let me = self as *const Self as usize;
        if DELIVERING.with(|d| d.borrow().contains(&me)) {
            self.enqueue(removed);
            return;
        }
        DELIVERING.with(|d| d.borrow_mut().push(me));
        let _frame = Frame(me);
        let mut first_panic = None;
        let mut batch = removed.into_vec();
        loop {
            for (key, value, cause) in batch.drain(..) {
                let called = panic::catch_unwind(AssertUnwindSafe(|| listener(key, value, cause)));
                if let Err(payload) = called {
                    first_panic.get_or_insert(payload);
                }
            }
            match self.take_queued() {
                Some(next) => batch = next,
                None => break,
            }
        }
        if let Some(payload) = first_panic {
            panic::resume_unwind(payload);
        }
    }

    /// Queues `removed` for this thread's outermost delivery.
    fn enqueue(&self, removed: Removals<K, V>) {
        let me = current_thread();
        let mut pending = sync::lock(&self.pending);
        match pending.iter_mut().find(|(thread, _)| *thread == me) {
            Some((_, queue)) => queue.extend(removed.into_vec()),
            None => {
                pending.push((me, removed.into_vec()));
                self.queued.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// What nested deliveries on this thread queued, if anything.
    fn take_queued(&self) -> Option<Batch<K, V>> {
        if self.queued.load(Ordering::Relaxed) == 0 {
            return None;
        }
        let me = current_thread();
        let mut pending = sync::lock(&self.pending);
        let at = pending.iter().position(|(thread, _)| *thread == me)?;
        self.queued.fetch_sub(1, Ordering::Relaxed);
        Some(pending.swap_remove(at).1)
    }
}

/// Unmarks this thread as delivering for one cache when its outermost delivery ends, however
/// it ends.
struct Frame(usize);

impl Drop for Frame {
    fn drop(&mut self) {
        DELIVERING.with(|d| {
            let mut d = d.borrow_mut();
            if let Some(at) = d.iter().rposition(|&c| c == self.0) {
                d.remove(at);
            }
        });
    }
}

impl<K, V> fmt::Debug for Delivery<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Delivery")
            .field("queued", &self.queued.load(Ordering::Relaxed))
            .finish()
    }
}
