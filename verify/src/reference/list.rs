//! Doubly linked lists threaded through a table by `u32` index; several lists share one table.
//!
//! The reference policies keep their queues (ARC's T1 and T2, S3-FIFO's small and main FIFOs,
//! LIRS's stack S and queue Q, ...) as [`List`]s over a `[Link]` table indexed by entry id or
//! slot. A [`List`] holds only its two ends and its length; which list a node is on is the
//! caller's business (each policy keeps a tag per node), so one table serves every list of a
//! policy and a splice is a handful of loads and stores, no allocation.

use clientcache_policy_api::{InvariantViolation, ensure};

/// "No node": a list end's link and an unlinked node's links.
pub(crate) const NIL: u32 = u32::MAX;

/// One node's links: 8 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Link {
    /// The neighbour towards the list's front (older); `NIL` at the front.
    pub(crate) prev: u32,
    /// The neighbour towards the list's back (newer); `NIL` at the back.
    pub(crate) next: u32,
}

impl Link {
    /// The links of a node on no list.
    pub(crate) const UNLINKED: Link = Link {
        prev: NIL,
        next: NIL,
    };
}

/// A list's ends and length. The front is the old end, where evictions happen; the back the
/// new end, where insertions go.
///
/// Invariant: `front == NIL` iff `back == NIL` iff `len == 0`; walking `next` from `front`
/// visits `len` nodes and ends at `back`, and every `prev` link mirrors a `next` link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct List {
    front: u32,
    back: u32,
    len: usize,
}

impl Default for List {
    fn default() -> Self {
        List::EMPTY
    }
}

impl List {
    /// The empty list.
    pub(crate) const EMPTY: List = List {
        front: NIL,
        back: NIL,
        len: 0,
    };

    /// Number of nodes.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The oldest node.
    #[inline]
    pub(crate) fn front(&self) -> Option<u32> {
        (self.front != NIL).then_some(self.front)
    }

    /// The newest node.
    #[inline]
    pub(crate) fn back(&self) -> Option<u32> {
        (self.back != NIL).then_some(self.back)
    }

    /// Appends the unlinked node `i` at the back.
    #[inline]
    pub(crate) fn push_back(&mut self, links: &mut [Link], i: u32) {
        debug_assert_eq!(links[i as usize], Link::UNLINKED, "node {i} is linked");
        links[i as usize] = Link {
            prev: self.back,
            next: NIL,
        };
        match self.back {
            NIL => self.front = i,
            back => links[back as usize].next = i,
        }
        self.back = i;
        self.len += 1;
    }

    /// Takes the node `i`, which is on this list, off it; its links become unlinked.
    #[inline]
    pub(crate) fn unlink(&mut self, links: &mut [Link], i: u32) {
        let Link { prev, next } = links[i as usize];
        debug_assert!(self.len > 0, "unlink {i} from an empty list");
        match prev {
            NIL => {
                debug_assert_eq!(self.front, i, "node {i} has no prev but is not the front");
                self.front = next;
            }
            p => links[p as usize].next = next,
        }
        match next {
            NIL => {
                debug_assert_eq!(self.back, i, "node {i} has no next but is not the back");
                self.back = prev;
            }
            n => links[n as usize].prev = prev,
        }
        links[i as usize] = Link::UNLINKED;
        self.len -= 1;
    }

    /// Takes the front node off and returns it.
    #[inline]
    pub(crate) fn pop_front(&mut self, links: &mut [Link]) -> Option<u32> {
        let front = self.front()?;
        self.unlink(links, front);
        Some(front)
    }

    /// Moves the node `i`, which is on this list, to the back.
    #[inline]
    pub(crate) fn move_to_back(&mut self, links: &mut [Link], i: u32) {
        if self.back != i {
            self.unlink(links, i);
            self.push_back(links, i);
        }
    }

    /// The nodes from front to back.
    pub(crate) fn iter<'a>(&self, links: &'a [Link]) -> impl Iterator<Item = u32> + 'a {
        let mut at = self.front;
        let mut left = self.len;
        std::iter::from_fn(move || {
            if at == NIL || left == 0 {
                return None;
            }
            let here = at;
            at = links[here as usize].next;
            left -= 1;
            Some(here)
        })
    }

    /// Checks the list's invariant against `links`, and that `on_list(i)` holds for each of
    /// its nodes; returns how many nodes it walked. `name` goes into the message.
    pub(crate) fn validate(
        &self,
        links: &[Link],
        name: &str,
        on_list: impl Fn(u32) -> bool,
    ) -> Result<usize, InvariantViolation> {
        ensure!(
            (self.front == NIL) == (self.len == 0) && (self.back == NIL) == (self.len == 0),
            "{name}: ends {} and {} disagree with length {}",
            self.front,
            self.back,
            self.len
        );
        let (mut at, mut prev, mut walked) = (self.front, NIL, 0usize);
        while at != NIL {
            ensure!(
                (at as usize) < links.len(),
                "{name}: node {at} is outside the table"
            );
            ensure!(
                walked < self.len,
                "{name}: longer than its length {}",
                self.len
            );
            ensure!(on_list(at), "{name}: node {at} is not tagged as on it");
            let link = links[at as usize];
            ensure!(
                link.prev == prev,
                "{name}: node {at} links back to {}, not {prev}",
                link.prev
            );
            prev = at;
            at = link.next;
            walked += 1;
        }
        ensure!(
            walked == self.len && prev == self.back,
            "{name}: walked {walked} nodes to {prev}; length {}, back {}",
            self.len,
            self.back
        );
        Ok(walked)
    }
}

/// The node after `i` (towards the back), if any.
#[inline]
pub(crate) fn next_of(links: &[Link], i: u32) -> Option<u32> {
    let next = links[i as usize].next;
    (next != NIL).then_some(next)
}

/// Grows `table` with `fill` so that `index` is in it. Called once per new largest id.
#[cold]
#[inline(never)]
pub(crate) fn grow<T: Clone>(table: &mut Vec<T>, index: usize, fill: T) {
    table.resize(index + 1, fill);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pushes_unlinks_and_moves_keep_the_order_and_the_links_consistent() {
        let mut links = vec![Link::UNLINKED; 5];
        let mut list = List::EMPTY;
        for i in [0, 1, 2, 3] {
            list.push_back(&mut links, i);
        }
        list.move_to_back(&mut links, 1);
        assert_eq!(list.iter(&links).collect::<Vec<_>>(), [0, 2, 3, 1]);
        list.unlink(&mut links, 3);
        assert_eq!(list.pop_front(&mut links), Some(0));
        assert_eq!(list.iter(&links).collect::<Vec<_>>(), [2, 1]);
        assert_eq!(
            (list.front(), list.back(), list.len()),
            (Some(2), Some(1), 2)
        );
        assert_eq!(next_of(&links, 2), Some(1));
        assert_eq!(list.validate(&links, "l", |_| true), Ok(2));
        assert_eq!(links[3], Link::UNLINKED);
        list.unlink(&mut links, 1);
        list.unlink(&mut links, 2);
        assert!(list.len() == 0 && list.front().is_none());
    }

    #[test]
    fn validate_names_a_broken_link() {
        let mut links = vec![Link::UNLINKED; 3];
        let mut list = List::EMPTY;
        list.push_back(&mut links, 0);
        list.push_back(&mut links, 1);
        links[1].prev = 2;
        let err = list.validate(&links, "T1", |_| true).unwrap_err();
        assert!(
            err.message().contains("T1: node 1 links back to 2"),
            "{err}"
        );
    }
}
