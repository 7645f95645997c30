//! The intrusive circular doubly linked list the LRU order lives in.
//!
//! Nodes sit in a table indexed by [`EntryId::index`](clientcache_policy_api::EntryId::index);
//! links are `u32` ids. The list is circular: `head` is the least recently used id and
//! `nodes[head].prev` the most recently used, so a resident node never holds [`NIL`] and a
//! vacant one holds it in both links. That gives a residency flag for free and keeps every
//! splice branch-light: there are no list ends to special-case, only the empty and the
//! one-element list.

/// "No id": the empty list's head and a vacant node's links. [`EntryId`] never carries it
/// (its largest index is `u32::MAX - 1`).
///
/// [`EntryId`]: clientcache_policy_api::EntryId
pub(crate) const NIL: u32 = u32::MAX;

/// One id's links: 8 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Node {
    /// The next less recently used id; for the head (the LRU), the MRU.
    /// Invariant: `NIL` iff the node is vacant; otherwise `nodes[prev].next == self`.
    pub(crate) prev: u32,
    /// The next more recently used id; for the MRU, the head.
    /// Invariant: `NIL` iff the node is vacant (this is the residency flag); otherwise
    /// `nodes[next].prev == self`.
    pub(crate) next: u32,
}

const _: () = assert!(std::mem::size_of::<Node>() == 8);

impl Node {
    /// A node whose id is not resident.
    pub(crate) const VACANT: Node = Node {
        prev: NIL,
        next: NIL,
    };

    /// Whether the node's id is in the list.
    #[inline]
    pub(crate) const fn is_resident(self) -> bool {
        self.next != NIL
    }
}

/// Whether `i`'s links are consistent with its neighbours' (used by `debug_assert!`s).
fn linked(nodes: &[Node], i: u32) -> bool {
    let Node { prev, next } = nodes[i as usize];
    next != NIL && nodes[next as usize].prev == i && nodes[prev as usize].next == i
}

/// Appends the vacant id `i` at the MRU end of the list headed by `head`.
#[inline]
pub(crate) fn push_back(nodes: &mut [Node], head: &mut u32, i: u32) {
    debug_assert!(
        !nodes[i as usize].is_resident(),
        "id {i} is already resident"
    );
    let h = *head;
    if h == NIL {
        nodes[i as usize] = Node { prev: i, next: i };
        *head = i;
    } else {
        let tail = nodes[h as usize].prev;
        nodes[tail as usize].next = i;
        nodes[h as usize].prev = i;
        nodes[i as usize] = Node {
            prev: tail,
            next: h,
        };
    }
    debug_assert!(linked(nodes, i) && linked(nodes, *head));
}

/// Moves the resident id `i` to the MRU end of the list headed by `head`.
#[inline]
pub(crate) fn move_to_back(nodes: &mut [Node], head: &mut u32, i: u32) {
    let Node { prev, next } = nodes[i as usize];
    debug_assert!(next != NIL, "id {i} is not resident");
    let h = *head;
    if i == h {
        // The LRU becomes the MRU by rotating the circle one step: no link changes.
        *head = next;
        return;
    }
    if next == h {
        return; // Already the MRU.
    }
    nodes[prev as usize].next = next;
    nodes[next as usize].prev = prev;
    // `i` was neither the head nor its predecessor, so the tail is still `nodes[h].prev`.
    let tail = nodes[h as usize].prev;
    nodes[tail as usize].next = i;
    nodes[h as usize].prev = i;
    nodes[i as usize] = Node {
        prev: tail,
        next: h,
    };
    debug_assert!(linked(nodes, i) && linked(nodes, prev) && linked(nodes, next));
}

/// Removes the resident id `i` from the list headed by `head` and marks it vacant.
#[inline]
pub(crate) fn unlink(nodes: &mut [Node], head: &mut u32, i: u32) {
    let Node { prev, next } = nodes[i as usize];
    debug_assert!(linked(nodes, i), "id {i} is not resident");
    if next == i {
        debug_assert_eq!(*head, i, "a one-element list is headed by its element");
        *head = NIL;
    } else {
        nodes[prev as usize].next = next;
        nodes[next as usize].prev = prev;
        if *head == i {
            *head = next;
        }
        debug_assert!(linked(nodes, prev) && linked(nodes, next));
    }
    nodes[i as usize] = Node::VACANT;
}
