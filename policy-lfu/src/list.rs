//! [`Node`]: one id's place in the frequency buckets, threaded on the contract crate's shared
//! intrusive [`List`](clientcache_policy_api::list::List) (one list per bucket, all in one node
//! table).

use clientcache_policy_api::list::Links;

pub(crate) use clientcache_policy_api::list::NIL;

/// One id's place: its links within its bucket's list and the bucket. 12 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Node {
    /// Within its bucket's list: towards the bucket's least recently used id, and its most.
    /// Invariant: vacant iff the node is.
    pub(crate) links: Links,
    /// The slab key of the bucket whose list holds this id.
    /// Invariant: `NIL` iff vacant; otherwise a live bucket whose list contains this id.
    pub(crate) bucket: u32,
}

const _: () = assert!(std::mem::size_of::<Node>() == 12);

impl Node {
    /// A node whose id is not resident.
    pub(crate) const VACANT: Node = Node {
        links: Links::VACANT,
        bucket: NIL,
    };

    /// Whether the node's id is in some bucket.
    #[inline]
    pub(crate) const fn is_resident(self) -> bool {
        self.links.is_linked()
    }
}

clientcache_policy_api::impl_linked!(Node, links);
