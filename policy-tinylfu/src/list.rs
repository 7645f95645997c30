//! Intrusive circular doubly linked lists threaded through one node table.
//!
//! Every resident id has one [`Node`] in a table indexed by
//! [`EntryId::index`](clientcache_policy_api::EntryId::index); the node records which
//! [`Region`] (list) holds it, its two `u32` links, its key hash and the time of its last
//! counted request (see `correlation.rs`). Each region is a [`List`]: a circular list whose
//! `head` is its least recently used id and `nodes[head].prev` its most recently used, as in
//! `clientcache-policy-lru`. Circularity leaves no list ends to special-case: only the empty
//! and the one-element list.

use crate::sketch::Mixed;

/// "No id": an empty list's head and a vacant node's links. [`EntryId`] never carries it.
///
/// [`EntryId`]: clientcache_policy_api::EntryId
pub(crate) const NIL: u32 = u32::MAX;

/// Which list holds an id. The discriminants are the two bits a [`Node`] stores.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Region {
    /// Not resident.
    Vacant = 0,
    /// The admission window: plain LRU, where every new id starts.
    Window = 1,
    /// Main region, probation segment: ids admitted from the window and not hit since, plus
    /// ids demoted from the protected segment. The main victim is its LRU.
    Probation = 2,
    /// Main region, protected segment: ids hit while on probation.
    Protected = 3,
}

impl Region {
    /// The region whose discriminant is `bits & 3`.
    #[inline]
    const fn from_bits(bits: u32) -> Region {
        match bits & 3 {
            0 => Region::Vacant,
            1 => Region::Window,
            2 => Region::Probation,
            _ => Region::Protected,
        }
    }
}

/// Bits of a [`Node`]'s `tag` that hold its region; the rest hold its counted time.
const REGION_BITS: u32 = 2;

/// One id's links, region, key hash and last counted request time: 16 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Node {
    /// The key hash the id was inserted with, mixed for the sketch: what the sketch is asked
    /// about in duels.
    pub(crate) hash: Mixed,
    /// The next less recently used id of the same list; for the list's head, its MRU.
    /// Invariant: `NIL` iff `region() == Vacant`; otherwise `nodes[prev].next == self`.
    pub(crate) prev: u32,
    /// The next more recently used id of the same list; for the MRU, the head.
    /// Invariant: `NIL` iff `region() == Vacant`; otherwise `nodes[next].prev == self`.
    pub(crate) next: u32,
    /// Two fields in one word. The low [`REGION_BITS`]: the list holding the id (invariant:
    /// the id is on exactly that list, or on none when `Vacant`). The other 30: the policy
    /// clock at the id's last *counted* request (its insert, or a hit that incremented the
    /// sketch; a hit counts only more than `capacity` requests after it: see
    /// `correlation.rs`), which is why the clock has 30 bits.
    tag: u32,
}

const _: () = assert!(std::mem::size_of::<Node>() == 16);

impl Node {
    /// A node whose id is not resident.
    pub(crate) const VACANT: Node = Node {
        hash: Mixed::ZERO,
        prev: NIL,
        next: NIL,
        tag: Region::Vacant as u32,
    };

    /// Whether the node's id is on some list.
    #[inline]
    pub(crate) const fn is_resident(&self) -> bool {
        self.next != NIL
    }

    /// The list holding the id.
    #[inline]
    pub(crate) const fn region(&self) -> Region {
        Region::from_bits(self.tag)
    }

    #[inline]
    fn set_region(&mut self, region: Region) {
        self.tag = (self.tag & !((1 << REGION_BITS) - 1)) | region as u32;
    }

    /// The clock at the id's last counted request (a 30-bit time).
    #[inline]
    pub(crate) const fn counted(&self) -> u32 {
        self.tag >> REGION_BITS
    }

    /// Records `now` (a 30-bit time) as the id's last counted request.
    #[inline]
    pub(crate) fn set_counted(&mut self, now: u32) {
        debug_assert!(
            now < 1 << (32 - REGION_BITS),
            "time {now} has more than 30 bits"
        );
        self.tag = (now << REGION_BITS) | (self.tag & ((1 << REGION_BITS) - 1));
    }
}

/// Whether `i`'s links are consistent with its neighbours' (for `debug_assert!`s).
fn linked(nodes: &[Node], i: u32) -> bool {
    let Node { prev, next, .. } = nodes[i as usize];
    next != NIL && nodes[next as usize].prev == i && nodes[prev as usize].next == i
}

/// One circular list: its head (least recently used) and length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct List {
    /// The least recently used id. Invariant: `NIL` iff `len == 0`.
    pub(crate) head: u32,
    /// Ids on the list. Invariant: walking `next` from `head` returns to it after `len` steps.
    pub(crate) len: usize,
}

impl List {
    /// The empty list.
    pub(crate) const EMPTY: List = List { head: NIL, len: 0 };

    /// The least recently used id, if any.
    #[inline]
    pub(crate) fn front(&self) -> Option<u32> {
        (self.head != NIL).then_some(self.head)
    }

    /// Appends the vacant id `i` at the MRU end and tags it with `region`; keeps its hash.
    #[inline]
    pub(crate) fn push_back(&mut self, nodes: &mut [Node], i: u32, region: Region) {
        debug_assert!(!nodes[i as usize].is_resident(), "id {i} is already listed");
        let h = self.head;
        let (prev, next) = if h == NIL {
            self.head = i;
            (i, i)
        } else {
            let tail = nodes[h as usize].prev;
            nodes[tail as usize].next = i;
            nodes[h as usize].prev = i;
            (tail, h)
        };
        let node = &mut nodes[i as usize];
        node.prev = prev;
        node.next = next;
        node.set_region(region);
        self.len += 1;
        debug_assert!(linked(nodes, i) && linked(nodes, self.head));
    }

    /// Moves the listed id `i` to this list's MRU end (it must be on this list).
    #[inline]
    pub(crate) fn move_to_back(&mut self, nodes: &mut [Node], i: u32) {
        let Node { prev, next, .. } = nodes[i as usize];
        debug_assert!(linked(nodes, i), "id {i} is not listed");
        let h = self.head;
        if i == h {
            // The LRU becomes the MRU by rotating the circle one step: no link changes.
            self.head = next;
            return;
        }
        if next == h {
            return; // Already the MRU.
        }
        nodes[prev as usize].next = next;
        nodes[next as usize].prev = prev;
        let tail = nodes[h as usize].prev;
        nodes[tail as usize].next = i;
        nodes[h as usize].prev = i;
        nodes[i as usize].prev = tail;
        nodes[i as usize].next = h;
        debug_assert!(linked(nodes, i) && linked(nodes, prev) && linked(nodes, next));
    }

    /// Removes the listed id `i` (it must be on this list); its node becomes vacant but keeps
    /// its hash, so a caller can re-list it elsewhere.
    #[inline]
    pub(crate) fn unlink(&mut self, nodes: &mut [Node], i: u32) {
        let Node { prev, next, .. } = nodes[i as usize];
        debug_assert!(linked(nodes, i), "id {i} is not listed");
        if next == i {
            debug_assert_eq!(self.head, i, "a one-element list is headed by its element");
            self.head = NIL;
        } else {
            nodes[prev as usize].next = next;
            nodes[next as usize].prev = prev;
            if self.head == i {
                self.head = next;
            }
            debug_assert!(linked(nodes, prev) && linked(nodes, next));
        }
        let node = &mut nodes[i as usize];
        node.prev = NIL;
        node.next = NIL;
        node.set_region(Region::Vacant);
        self.len -= 1;
    }

    /// Unlinks the head (LRU) and returns it, or `None` when empty.
    #[inline]
    pub(crate) fn pop_front(&mut self, nodes: &mut [Node]) -> Option<u32> {
        let head = self.front()?;
        self.unlink(nodes, head);
        Some(head)
    }

    /// The ids from head to MRU (for tests).
    #[cfg(test)]
    pub(crate) fn walk<'a>(&self, nodes: &'a [Node]) -> impl Iterator<Item = u32> + 'a {
        let mut at = self.head;
        (0..self.len).map(move |_| {
            let id = at;
            at = nodes[id as usize].next;
            id
        })
    }
}
