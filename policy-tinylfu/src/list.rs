//! [`Node`]: one id's region, key hash and last counted request time, threaded on the
//! contract crate's shared intrusive [`List`]; and
//! [`Segment`]: one such list with its length, the window, probation or protected segment.
//!
//! Every resident id has one [`Node`] in a table indexed by
//! [`EntryId::index`](clientcache_policy_api::EntryId::index), and sits on the list its
//! [`Region`] names. Each list's front is its least recently used id and its back its most
//! recently used, as in `clientcache-policy-lru`.

use clientcache_policy_api::list::{Links, List};

pub(crate) use clientcache_policy_api::list::NIL;

use crate::sketch::Mixed;

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
    /// Within its segment's list: towards the list's least recently used id, and its most.
    /// Invariant: vacant iff `region() == Vacant`.
    pub(crate) links: Links,
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
        links: Links::VACANT,
        tag: Region::Vacant as u32,
    };

    /// Whether the node's id is on some list.
    #[inline]
    pub(crate) const fn is_resident(&self) -> bool {
        self.links.is_linked()
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

clientcache_policy_api::impl_linked!(Node, links);

/// One segment: a list of ids all tagged with the segment's region, and its length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Segment {
    /// The ids, least recently used first.
    pub(crate) list: List,
    /// Ids on the list. Invariant: the list's length, and the number of nodes tagged with
    /// its region.
    pub(crate) len: usize,
}

impl Segment {
    /// The empty segment.
    pub(crate) const EMPTY: Segment = Segment {
        list: List::EMPTY,
        len: 0,
    };

    /// The least recently used id, if any.
    #[inline]
    pub(crate) const fn front(&self) -> Option<u32> {
        self.list.front()
    }

    /// Appends the vacant id `i` at the MRU end and tags it with `region`; keeps its hash.
    #[inline]
    pub(crate) fn push_back(&mut self, nodes: &mut [Node], i: u32, region: Region) {
        self.list.push_back(nodes, i);
        nodes[i as usize].set_region(region);
        self.len += 1;
    }

    /// Moves the listed id `i` to this segment's MRU end (it must be on this segment).
    #[inline]
    pub(crate) fn move_to_back(&mut self, nodes: &mut [Node], i: u32) {
        self.list.move_to_back(nodes, i);
    }

    /// Removes the listed id `i` (it must be on this segment); its node becomes vacant but
    /// keeps its hash, so a caller can re-list it elsewhere.
    #[inline]
    pub(crate) fn unlink(&mut self, nodes: &mut [Node], i: u32) {
        self.list.unlink(nodes, i);
        nodes[i as usize].set_region(Region::Vacant);
        self.len -= 1;
    }

    /// Unlinks the LRU and returns it, or `None` when empty.
    #[inline]
    pub(crate) fn pop_front(&mut self, nodes: &mut [Node]) -> Option<u32> {
        let front = self.front()?;
        self.unlink(nodes, front);
        Some(front)
    }

    /// The ids from LRU to MRU.
    pub(crate) fn iter<'a>(&self, nodes: &'a [Node]) -> impl Iterator<Item = u32> + 'a {
        self.list.iter(nodes)
    }
}
