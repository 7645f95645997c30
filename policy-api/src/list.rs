//! [`List`]: the intrusive circular doubly linked list of ids that ordered policies are built
//! from (feature `list`).
//!
//! # The problem
//!
//! LRU orders every entry, LFU orders each frequency bucket, W-TinyLFU orders its window and
//! segments: each is a list of ids in which a hit moves one id to the back in O(1) and the
//! victim is the front. Written once here, so that every policy crate shares the same checked
//! splices and the same validation walk without depending on another policy.
//!
//! # Layout
//!
//! Nodes live in the policy's own table, indexed by [`EntryId::index`](crate::EntryId::index);
//! a node is any type that holds a [`Links`] ([`Linked`]), so a policy keeps its own per-id
//! fields beside the links. Links are `u32` ids. The list is circular: `head` is the front
//! (the least recently used, for an LRU order) and `nodes[head].prev` the back, so a linked
//! node never holds [`NIL`] and a vacant one holds it in both links. That gives a residency
//! flag for free and leaves no list ends to special-case, only the empty and the one-element
//! list. A list stores only its head; one node table may hold many lists (one per bucket, or
//! per segment), each id on at most one.
//!
//! # Examples
//!
//! ```
//! use clientcache_policy_api::list::{Links, List};
//!
//! let mut nodes = vec![Links::VACANT; 4];
//! let mut list = List::EMPTY;
//! for i in [2, 0, 3] {
//!     list.push_back(&mut nodes, i);
//! }
//! list.move_to_back(&mut nodes, 2); // a hit
//! assert_eq!(list.iter(&nodes).collect::<Vec<_>>(), [0, 3, 2]);
//! assert_eq!(list.pop_front(&mut nodes), Some(0));
//! assert!(!nodes[0].is_linked());
//! assert_eq!(list.validate(&nodes, "example").unwrap(), 2);
//! ```

use crate::{InvariantViolation, ensure};

/// "No id": the empty list's head and a vacant node's links. An [`EntryId`](crate::EntryId)
/// never carries it (its largest index is `u32::MAX - 1`).
pub const NIL: u32 = u32::MAX;

/// One id's links: 8 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Links {
    /// Towards the front; for the front, the back.
    /// Invariant: `NIL` iff the node is vacant; otherwise `nodes[prev].next == self`.
    pub prev: u32,
    /// Towards the back; for the back, the front.
    /// Invariant: `NIL` iff the node is vacant (the residency flag); otherwise
    /// `nodes[next].prev == self`.
    pub next: u32,
}

const _: () = assert!(std::mem::size_of::<Links>() == 8);

impl Links {
    /// The links of an id on no list.
    pub const VACANT: Links = Links {
        prev: NIL,
        next: NIL,
    };

    /// Whether the id is on a list.
    #[inline]
    #[must_use]
    pub const fn is_linked(self) -> bool {
        self.next != NIL
    }
}

impl Default for Links {
    fn default() -> Self {
        Links::VACANT
    }
}

/// A node of a policy's table: it holds the id's [`Links`].
pub trait Linked {
    /// The links.
    fn links(&self) -> Links;
    /// The links, to change.
    fn links_mut(&mut self) -> &mut Links;
}

impl Linked for Links {
    #[inline]
    fn links(&self) -> Links {
        *self
    }

    #[inline]
    fn links_mut(&mut self) -> &mut Links {
        self
    }
}

/// Implements [`Linked`] for a node type whose [`Links`] are its field `$field`: the one line a
/// policy writes for its own node.
///
/// ```
/// use clientcache_policy_api::list::{Links, List};
///
/// #[derive(Clone, Copy)]
/// struct Node {
///     links: Links,
///     bucket: u32,
/// }
/// clientcache_policy_api::impl_linked!(Node, links);
///
/// let mut nodes = [Node { links: Links::VACANT, bucket: 7 }; 2];
/// let mut list = List::EMPTY;
/// list.push_back(&mut nodes, 1);
/// assert_eq!((list.front(), nodes[1].bucket), (Some(1), 7));
/// ```
#[macro_export]
macro_rules! impl_linked {
    ($node:ty, $field:ident) => {
        impl $crate::list::Linked for $node {
            #[inline]
            fn links(&self) -> $crate::list::Links {
                self.$field
            }

            #[inline]
            fn links_mut(&mut self) -> &mut $crate::list::Links {
                &mut self.$field
            }
        }
    };
}

/// A circular list of ids threaded through a node table (see the [module docs](self)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct List {
    /// The front id, or [`NIL`] when empty.
    head: u32,
}

impl Default for List {
    fn default() -> Self {
        List::EMPTY
    }
}

/// Whether `i`'s links are consistent with its neighbours' (for `debug_assert!`s).
fn consistent<N: Linked>(nodes: &[N], i: u32) -> bool {
    let Links { prev, next } = nodes[i as usize].links();
    next != NIL && nodes[next as usize].links().prev == i && nodes[prev as usize].links().next == i
}

impl List {
    /// The empty list.
    pub const EMPTY: List = List { head: NIL };

    /// The front id (the victim of an LRU order), if any.
    #[inline]
    #[must_use]
    pub const fn front(&self) -> Option<u32> {
        if self.head == NIL {
            None
        } else {
            Some(self.head)
        }
    }

    /// The back id, if any.
    #[inline]
    #[must_use]
    pub fn back<N: Linked>(&self, nodes: &[N]) -> Option<u32> {
        self.front().map(|head| nodes[head as usize].links().prev)
    }

    /// Whether the list holds no id.
    #[inline]
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.head == NIL
    }

    /// Appends the vacant id `i` at the back.
    #[inline]
    pub fn push_back<N: Linked>(&mut self, nodes: &mut [N], i: u32) {
        debug_assert!(
            !nodes[i as usize].links().is_linked(),
            "id {i} is already linked"
        );
        let h = self.head;
        if h == NIL {
            *nodes[i as usize].links_mut() = Links { prev: i, next: i };
            self.head = i;
        } else {
            let tail = nodes[h as usize].links().prev;
            nodes[tail as usize].links_mut().next = i;
            nodes[h as usize].links_mut().prev = i;
            *nodes[i as usize].links_mut() = Links {
                prev: tail,
                next: h,
            };
        }
        debug_assert!(consistent(nodes, i) && consistent(nodes, self.head));
    }

    /// Moves the linked id `i` (on this list) to the back.
    #[inline]
    pub fn move_to_back<N: Linked>(&mut self, nodes: &mut [N], i: u32) {
        let Links { prev, next } = nodes[i as usize].links();
        debug_assert!(next != NIL, "id {i} is not linked");
        let h = self.head;
        if i == h {
            // The front becomes the back by rotating the circle one step: no link changes.
            self.head = next;
            return;
        }
        if next == h {
            return; // Already the back.
        }
        nodes[prev as usize].links_mut().next = next;
        nodes[next as usize].links_mut().prev = prev;
        // `i` was neither the head nor its predecessor, so the tail is still `nodes[h].prev`.
        let tail = nodes[h as usize].links().prev;
        nodes[tail as usize].links_mut().next = i;
        nodes[h as usize].links_mut().prev = i;
        *nodes[i as usize].links_mut() = Links {
            prev: tail,
            next: h,
        };
        debug_assert!(consistent(nodes, i) && consistent(nodes, prev) && consistent(nodes, next));
    }

    /// Takes the linked id `i` (on this list) out and marks it vacant.
    #[inline]
    pub fn unlink<N: Linked>(&mut self, nodes: &mut [N], i: u32) {
        let Links { prev, next } = nodes[i as usize].links();
        debug_assert!(consistent(nodes, i), "id {i} is not linked");
        if next == i {
            debug_assert_eq!(self.head, i, "a one-element list is headed by its element");
            self.head = NIL;
        } else {
            nodes[prev as usize].links_mut().next = next;
            nodes[next as usize].links_mut().prev = prev;
            if self.head == i {
                self.head = next;
            }
            debug_assert!(consistent(nodes, prev) && consistent(nodes, next));
        }
        *nodes[i as usize].links_mut() = Links::VACANT;
    }

    /// Takes the front id out, if any.
    #[inline]
    pub fn pop_front<N: Linked>(&mut self, nodes: &mut [N]) -> Option<u32> {
        let front = self.front()?;
        self.unlink(nodes, front);
        Some(front)
    }

    /// The ids from front to back.
    #[must_use]
    pub fn iter<'a, N: Linked>(&self, nodes: &'a [N]) -> Iter<'a, N> {
        Iter {
            nodes,
            head: self.head,
            at: self.head,
        }
    }

    /// Walks the list from scratch, both ways: every link stays inside the table and points at
    /// a linked node that points back, no id is visited twice, and each walk closes the circle.
    /// Returns how many ids the list holds; `what` names the list in the message. O(n).
    ///
    /// # Errors
    ///
    /// The first broken invariant.
    pub fn validate<N: Linked>(
        &self,
        nodes: &[N],
        what: &str,
    ) -> Result<usize, InvariantViolation> {
        if self.head == NIL {
            return Ok(0);
        }
        let mut count = 0;
        for (direction, forward) in [("next", true), ("prev", false)] {
            let mut seen = vec![false; nodes.len()];
            let mut at = self.head;
            count = 0;
            loop {
                ensure!(
                    (at as usize) < nodes.len(),
                    "walking the {what} list by {direction} reached {at}, outside the table"
                );
                let links = nodes[at as usize].links();
                ensure!(
                    links.is_linked(),
                    "walking the {what} list by {direction} reached vacant node {at}"
                );
                ensure!(
                    !std::mem::replace(&mut seen[at as usize], true),
                    "walking the {what} list by {direction} visits {at} twice"
                );
                count += 1;
                let to = if forward { links.next } else { links.prev };
                ensure!(
                    (to as usize) < nodes.len(),
                    "node {at} of the {what} list links by {direction} to {to}, outside the table"
                );
                let back = nodes[to as usize].links();
                ensure!(
                    if forward { back.prev } else { back.next } == at,
                    "node {at} of the {what} list links by {direction} to {to}, which does not \
                     link back"
                );
                at = to;
                if at == self.head {
                    break;
                }
            }
        }
        Ok(count)
    }
}

/// The ids of a [`List`], front to back ([`List::iter`]).
#[derive(Debug)]
pub struct Iter<'a, N> {
    nodes: &'a [N],
    head: u32,
    /// The id yielded next, or [`NIL`] when done.
    at: u32,
}

impl<N> Clone for Iter<'_, N> {
    fn clone(&self) -> Self {
        Iter {
            nodes: self.nodes,
            head: self.head,
            at: self.at,
        }
    }
}

impl<N: Linked> Iterator for Iter<'_, N> {
    type Item = u32;

    #[inline]
    fn next(&mut self) -> Option<u32> {
        if self.at == NIL {
            return None;
        }
        let id = self.at;
        let next = self.nodes[id as usize].links().next;
        self.at = if next == self.head { NIL } else { next };
        Some(id)
    }
}

impl<N: Linked> std::iter::FusedIterator for Iter<'_, N> {}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(list: &List, nodes: &[Links]) -> Vec<u32> {
        list.iter(nodes).collect()
    }

    #[test]
    fn splices_keep_the_circle_and_vacate_what_leaves() {
        let mut nodes = vec![Links::VACANT; 6];
        let mut list = List::EMPTY;
        assert_eq!((list.front(), list.back(&nodes)), (None, None));
        for i in 0..5 {
            list.push_back(&mut nodes, i);
        }
        list.move_to_back(&mut nodes, 0); // the front: a rotation
        list.move_to_back(&mut nodes, 0); // already the back
        list.move_to_back(&mut nodes, 2); // the middle
        assert_eq!(order(&list, &nodes), [1, 3, 4, 0, 2]);
        assert_eq!((list.front(), list.back(&nodes)), (Some(1), Some(2)));
        list.unlink(&mut nodes, 4);
        list.unlink(&mut nodes, 1); // the head
        assert_eq!(order(&list, &nodes), [3, 0, 2]);
        assert!(!nodes[4].is_linked() && !nodes[1].is_linked());
        assert_eq!(list.validate(&nodes, "test").unwrap(), 3);
        while list.pop_front(&mut nodes).is_some() {}
        assert!(list.is_empty());
        assert!(nodes.iter().all(|n| *n == Links::VACANT));
    }

    #[test]
    fn two_lists_share_one_table() {
        let mut nodes = vec![Links::VACANT; 4];
        let (mut a, mut b) = (List::EMPTY, List::EMPTY);
        a.push_back(&mut nodes, 0);
        b.push_back(&mut nodes, 1);
        a.push_back(&mut nodes, 2);
        b.push_back(&mut nodes, 3);
        assert_eq!(
            (order(&a, &nodes), order(&b, &nodes)),
            (vec![0, 2], vec![1, 3])
        );
        assert_eq!(
            a.validate(&nodes, "a").unwrap() + b.validate(&nodes, "b").unwrap(),
            4
        );
    }

    #[test]
    fn validate_reports_a_broken_link() {
        let mut nodes = vec![Links::VACANT; 3];
        let mut list = List::EMPTY;
        for i in 0..3 {
            list.push_back(&mut nodes, i);
        }
        nodes[1].prev = 2; // 0 -> 1, but 1 says its predecessor is 2
        let err = list.validate(&nodes, "broken").unwrap_err();
        assert!(err.to_string().contains("does not link back"), "{err}");
        nodes[1] = Links::VACANT;
        assert!(list.validate(&nodes, "broken").is_err());
    }
}
