//! [`TimeQueue`]: entries in the order of one timestamp each, for a fixed time-to-live (ordered
//! by insertion) or time-to-idle (ordered by last read).
//!
//! With one duration for every entry, the order of the deadlines is the order of the
//! timestamps, so a doubly linked list by [`EntryId`] suffices: an insert or a read appends at
//! the tail, the head is always the next entry due, and removal is O(1). Each entry costs one
//! [`Node`] of 16 bytes (two links and the timestamp), in a vector indexed by entry id that the
//! cache allocates only when the duration is configured.

use crate::expiry::Timestamp;
use clientcache_policy_api::{EntryId, InvariantViolation, ensure};

/// No entry.
const NIL: u32 = u32::MAX;

/// One entry's place in the queue.
#[derive(Clone, Copy, Debug)]
struct Node {
    /// Towards the head (older), or [`NIL`].
    prev: u32,
    /// Towards the tail (newer), or [`NIL`].
    next: u32,
    /// The entry's deadline: its insertion (TTL) or last read (TTI) plus the duration.
    time: Timestamp,
}

/// Entries ordered by a timestamp that only grows from head to tail.
#[derive(Clone, Debug)]
pub(crate) struct TimeQueue {
    /// By entry id. Invariant: a node is meaningful only while its id is queued.
    nodes: Vec<Node>,
    /// The oldest queued entry, or [`NIL`].
    head: u32,
    /// The newest, or [`NIL`].
    tail: u32,
    /// Queued entries. Invariant: walking from `head` by `next` visits `len` nodes, in
    /// non-decreasing `time`, and ends at `tail`.
    len: usize,
}

impl TimeQueue {
    /// An empty queue (does not allocate).
    pub(crate) const fn new() -> Self {
        TimeQueue {
            nodes: Vec::new(),
            head: NIL,
            tail: NIL,
            len: 0,
        }
    }

    /// Appends `id` (not queued) with `time`, which must be at least the tail's.
    pub(crate) fn push(&mut self, id: EntryId, time: Timestamp) {
        let i = id.index();
        if i >= self.nodes.len() {
            let node = Node {
                prev: NIL,
                next: NIL,
                time: Timestamp::ZERO,
            };
            self.nodes.resize(i + 1, node);
        }
        debug_assert!(
            self.tail == NIL || self.nodes[self.tail as usize].time <= time,
            "a clock went backwards"
        );
        self.nodes[i] = Node {
            prev: self.tail,
            next: NIL,
            time,
        };
        match self.tail {
            NIL => self.head = id.get(),
            tail => self.nodes[tail as usize].next = id.get(),
        }
        self.tail = id.get();
        self.len += 1;
    }

    /// Takes `id` (queued) out.
    pub(crate) fn remove(&mut self, id: EntryId) {
        let Node { prev, next, .. } = self.nodes[id.index()];
        match prev {
            NIL => self.head = next,
            prev => self.nodes[prev as usize].next = next,
        }
        match next {
            NIL => self.tail = prev,
            next => self.nodes[next as usize].prev = prev,
        }
        self.len -= 1;
    }

    /// Moves `id` (queued) to the tail with a new `time` (a read, for time-to-idle).
    pub(crate) fn touch(&mut self, id: EntryId, time: Timestamp) {
        if self.tail == id.get() {
            self.nodes[id.index()].time = time;
            return;
        }
        self.remove(id);
        self.push(id, time);
    }

    /// `id`'s timestamp (queued).
    #[inline]
    pub(crate) fn time(&self, id: EntryId) -> Timestamp {
        self.nodes[id.index()].time
    }

    /// The oldest entry and its timestamp.
    #[inline]
    pub(crate) fn oldest(&self) -> Option<(EntryId, Timestamp)> {
        (self.head != NIL).then(|| (EntryId::new(self.head), self.nodes[self.head as usize].time))
    }

    /// Empties the queue (keeps its memory).
    pub(crate) fn clear(&mut self) {
        self.head = NIL;
        self.tail = NIL;
        self.len = 0;
    }

    /// The queued ids, oldest first (for `validate`).
    pub(crate) fn ids(&self) -> impl Iterator<Item = EntryId> + '_ {
        let mut at = self.head;
        std::iter::from_fn(move || {
            (at != NIL).then(|| {
                let id = EntryId::new(at);
                at = self.nodes[at as usize].next;
                id
            })
        })
        .take(self.len + 1)
    }

    /// Number of queued entries.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Checks the links, the length and the order from scratch.
    pub(crate) fn validate(&self, what: &str) -> Result<(), InvariantViolation> {
        let mut count = 0;
        let mut prev = NIL;
        let mut last = Timestamp::ZERO;
        for id in self.ids() {
            let node = self.nodes[id.index()];
            ensure!(
                node.prev == prev,
                "the {what} queue's links are broken at {id:?}"
            );
            ensure!(
                node.time >= last,
                "the {what} queue is out of time order at {id:?}"
            );
            last = node.time;
            prev = id.get();
            count += 1;
        }
        ensure!(
            count == self.len && prev == self.tail,
            "the {what} queue holds {count} entries, its length says {}",
            self.len
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(i: u32) -> EntryId {
        EntryId::new(i)
    }

    fn t(ns: u64) -> Timestamp {
        Timestamp::from_nanos(ns)
    }

    #[test]
    fn the_oldest_comes_first_and_touch_moves_to_the_back() {
        let mut q = TimeQueue::new();
        q.push(id(3), t(1));
        q.push(id(0), t(2));
        q.push(id(7), t(2));
        assert_eq!(q.oldest(), Some((id(3), t(1))));
        q.touch(id(3), t(5));
        assert_eq!(q.ids().collect::<Vec<_>>(), [id(0), id(7), id(3)]);
        q.touch(id(3), t(6)); // already the tail: only the time changes
        assert_eq!(q.time(id(3)), t(6));
        q.remove(id(7));
        q.remove(id(0));
        assert_eq!(q.oldest(), Some((id(3), t(6))));
        assert_eq!(q.len(), 1);
        q.validate("test").unwrap();
        q.remove(id(3));
        assert_eq!(q.oldest(), None);
        q.validate("test").unwrap();
    }

    #[test]
    fn validate_catches_a_wrong_length() {
        let mut q = TimeQueue::new();
        q.push(id(1), t(1));
        q.len = 2;
        assert!(q.validate("test").is_err());
    }
}
