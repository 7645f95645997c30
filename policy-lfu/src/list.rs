//! The intrusive circular doubly linked lists that order each frequency bucket's entries.
//!
//! Nodes sit in a table indexed by [`EntryId::index`](clientcache_policy_api::EntryId::index);
//! links are `u32` ids. Each list is circular: its head is the bucket's least recently used id
//! and `nodes[head].prev` its most recently used, so a resident node never holds [`NIL`] and a
//! vacant one holds it everywhere. (The LRU crate has its own copy of this idea; the two crates
//! do not depend on each other.)

/// "No id" / "no bucket": an empty list's head, a vacant node's fields, the ends of the bucket
/// list. [`EntryId`] never carries it (its largest index is `u32::MAX - 1`), and there are
/// never `u32::MAX` buckets.
///
/// [`EntryId`]: clientcache_policy_api::EntryId
pub(crate) const NIL: u32 = u32::MAX;

/// One id's place: its links within its bucket's list and the bucket. 12 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Node {
    /// The next less recently used id in the same bucket; for the bucket's head, its MRU.
    /// Invariant: `NIL` iff vacant; otherwise `nodes[prev].next == self`.
    pub(crate) prev: u32,
    /// The next more recently used id in the same bucket; for the MRU, the head.
    /// Invariant: `NIL` iff vacant (the residency flag); otherwise `nodes[next].prev == self`.
    pub(crate) next: u32,
    /// The slab key of the bucket whose list holds this id.
    /// Invariant: `NIL` iff vacant; otherwise a live bucket whose list contains this id.
    pub(crate) bucket: u32,
}

const _: () = assert!(std::mem::size_of::<Node>() == 12);

impl Node {
    /// A node whose id is not resident.
    pub(crate) const VACANT: Node = Node {
        prev: NIL,
        next: NIL,
        bucket: NIL,
    };

    /// Whether the node's id is in some bucket.
    #[inline]
    pub(crate) const fn is_resident(self) -> bool {
        self.next != NIL
    }
}

/// Whether `i`'s links are consistent with its neighbours' (used by `debug_assert!`s).
fn linked(nodes: &[Node], i: u32) -> bool {
    let Node { prev, next, .. } = nodes[i as usize];
    next != NIL && nodes[next as usize].prev == i && nodes[prev as usize].next == i
}

/// Appends the vacant id `i` at the MRU end of the list headed by `head`, in bucket `bucket`.
#[inline]
pub(crate) fn push_back(nodes: &mut [Node], head: &mut u32, i: u32, bucket: u32) {
    debug_assert!(
        !nodes[i as usize].is_resident(),
        "id {i} is already resident"
    );
    let h = *head;
    if h == NIL {
        nodes[i as usize] = Node {
            prev: i,
            next: i,
            bucket,
        };
        *head = i;
    } else {
        let tail = nodes[h as usize].prev;
        debug_assert_eq!(nodes[h as usize].bucket, bucket, "list mixes buckets");
        nodes[tail as usize].next = i;
        nodes[h as usize].prev = i;
        nodes[i as usize] = Node {
            prev: tail,
            next: h,
            bucket,
        };
    }
    debug_assert!(linked(nodes, i) && linked(nodes, *head));
}

/// Removes the resident id `i` from the list headed by `head` and marks it vacant.
#[inline]
pub(crate) fn unlink(nodes: &mut [Node], head: &mut u32, i: u32) {
    let Node { prev, next, .. } = nodes[i as usize];
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
