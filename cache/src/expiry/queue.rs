//! [`TimeQueue`]: entries in the order of one timestamp each, for a fixed time-to-live (ordered
//! by insertion) or time-to-idle (ordered by last read).
//!
//! With one duration for every entry, the order of the deadlines is the order of the
//! timestamps, so a doubly linked list by [`EntryId`] suffices (the contract crate's shared
//! [`List`]): an insert or a read appends at the back, the front is always the next entry due,
//! and removal is O(1). Each entry costs one node of 16 bytes (two links and the timestamp), in
//! a vector indexed by entry id that the cache allocates only when the duration is configured.

use crate::expiry::Timestamp;
use clientcache_policy_api::list::{Links, List};
use clientcache_policy_api::{EntryId, InvariantViolation, ensure};

/// One entry's place in the queue: its links and its deadline.
#[derive(Clone, Copy, Debug)]
struct Node {
    links: Links,
    /// The entry's deadline: its insertion (TTL) or last read (TTI) plus the duration.
    time: Timestamp,
}

const _: () = assert!(std::mem::size_of::<Node>() == 16);

clientcache_policy_api::impl_linked!(Node, links);

/// Entries ordered by a timestamp that only grows from front to back: a [`List`] of the
/// contract crate's, over nodes that carry the timestamp.
#[derive(Clone, Debug)]
pub(crate) struct TimeQueue {
    /// By entry id. Invariant: linked iff the id is queued.
    nodes: Vec<Node>,
    /// The queued ids, oldest first. Invariant: non-decreasing `time` from front to back.
    list: List,
    /// Queued entries. Invariant: the length of `list`.
    len: usize,
}

impl TimeQueue {
    /// An empty queue (does not allocate).
    pub(crate) const fn new() -> Self {
        TimeQueue {
            nodes: Vec::new(),
            list: List::EMPTY,
            len: 0,
        }
    }

    /// Appends `id` (not queued) with `time`, which must be at least the back's.
    pub(crate) fn push(&mut self, id: EntryId, time: Timestamp) {
        let i = id.index();
        if i >= self.nodes.len() {
            let vacant = Node {
                links: Links::VACANT,
                time: Timestamp::ZERO,
            };
            self.nodes.resize(i + 1, vacant);
        }
        debug_assert!(
            self.list
                .back(&self.nodes)
                .is_none_or(|back| self.nodes[back as usize].time <= time),
            "a clock went backwards"
        );
        self.nodes[i].time = time;
        self.list.push_back(&mut self.nodes, id.get());
        self.len += 1;
    }

    /// Takes `id` (queued) out.
    pub(crate) fn remove(&mut self, id: EntryId) {
        self.list.unlink(&mut self.nodes, id.get());
        self.len -= 1;
    }

    /// Moves `id` (queued) to the back with a new `time` (a read, for time-to-idle).
    pub(crate) fn touch(&mut self, id: EntryId, time: Timestamp) {
        self.nodes[id.index()].time = time;
        self.list.move_to_back(&mut self.nodes, id.get());
    }

    /// `id`'s timestamp (queued).
    #[inline]
    pub(crate) fn time(&self, id: EntryId) -> Timestamp {
        self.nodes[id.index()].time
    }

    /// The oldest entry and its timestamp.
    #[inline]
    pub(crate) fn oldest(&self) -> Option<(EntryId, Timestamp)> {
        let front = self.list.front()?;
        Some((EntryId::new(front), self.nodes[front as usize].time))
    }

    /// Empties the queue (keeps its memory).
    pub(crate) fn clear(&mut self) {
        self.nodes.iter_mut().for_each(|n| n.links = Links::VACANT);
        self.list = List::EMPTY;
        self.len = 0;
    }

    /// The queued ids, oldest first (for `validate`).
    pub(crate) fn ids(&self) -> impl Iterator<Item = EntryId> + '_ {
        self.list.iter(&self.nodes).map(EntryId::new)
    }

    /// Number of queued entries.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Checks the links ([`List::validate`]), the length and the order from scratch.
    pub(crate) fn validate(&self, what: &str) -> Result<(), InvariantViolation> {
        let count = self.list.validate(&self.nodes, what)?;
        ensure!(
            count == self.len,
            "the {what} queue holds {count} entries, its length says {}",
            self.len
        );
        let mut last = Timestamp::ZERO;
        for id in self.ids() {
            let time = self.time(id);
            ensure!(
                time >= last,
                "the {what} queue is out of time order at {id:?}"
            );
            last = time;
        }
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
