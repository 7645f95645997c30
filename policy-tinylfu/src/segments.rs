//! [`Segments`]: the window, probation and protected lists, their target sizes and the
//! structural moves between them.
//!
//! ```text
//!  new id ──► window (LRU) ──overflow──► probation ──hit──► protected
//!                                          ▲                   │
//!                                          └────overflow───────┘
//! ```
//!
//! Every move here is driven by an event (insert, hit, resize); none by a query. Removal only
//! unlinks, so that the order in which successive evictions leave is fixed by the lists as they
//! stand (see [`crate::iter`]).

use clientcache_policy_api::list::Links;
use clientcache_policy_api::{EntryId, InvariantViolation, ensure};

use crate::list::{Node, Region, Segment};
use crate::sketch::Mixed;

/// The three lists over one node table.
#[derive(Clone, Debug)]
pub(crate) struct Segments {
    /// One node per id seen since the last `clear`, indexed by `EntryId::index()`.
    /// Invariant: a node is resident iff its id is on the list its `region` names. Grows to
    /// the largest id inserted; never shrinks (`clear` keeps the allocation).
    pub(crate) nodes: Vec<Node>,
    /// The admission window, LRU first. Invariant: `window.len <= window_target` after every
    /// event.
    pub(crate) window: Segment,
    /// Main region's probation segment, LRU (the main victim) first.
    pub(crate) probation: Segment,
    /// Main region's protected segment, LRU first. Invariant: `protected.len <=
    /// protected_target` after every event.
    pub(crate) protected: Segment,
    /// The window's size bound, set by the hill climber. Invariant: `>= 1`.
    pub(crate) window_target: usize,
    /// The protected segment's size bound: 80 % of the main region. Invariant: `>= 1`.
    pub(crate) protected_target: usize,
}

impl Default for Segments {
    fn default() -> Self {
        Segments {
            nodes: Vec::new(),
            window: Segment::EMPTY,
            probation: Segment::EMPTY,
            protected: Segment::EMPTY,
            window_target: 1,
            protected_target: 1,
        }
    }
}

impl Segments {
    /// Resident ids in all three lists.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.window.len + self.probation.len + self.protected.len
    }

    /// The main region's next victim: probation's LRU, else protected's LRU.
    #[inline]
    pub(crate) fn main_front(&self) -> Option<u32> {
        self.probation.front().or_else(|| self.protected.front())
    }

    /// The region of `id`, `Vacant` when not resident (or beyond the table).
    #[inline]
    pub(crate) fn region(&self, id: EntryId) -> Region {
        self.nodes
            .get(id.index())
            .map_or(Region::Vacant, Node::region)
    }

    /// Makes the vacant `id`, requested at time `now`, the window's MRU, then moves window
    /// overflow to probation.
    #[inline]
    pub(crate) fn insert(&mut self, id: EntryId, hash: Mixed, now: u32) {
        let index = id.index();
        if index >= self.nodes.len() {
            self.grow(index);
        }
        debug_assert!(
            !self.nodes[index].is_resident(),
            "{id:?} is already resident"
        );
        self.nodes[index].hash = hash;
        self.nodes[index].set_counted(now);
        self.window
            .push_back(&mut self.nodes, id.get(), Region::Window);
        self.drain_window();
    }

    /// A hit on the resident `id` in `region`: window and protected ids become their list's
    /// MRU; a probation id is promoted to protected, whose overflow is demoted to probation.
    #[inline]
    pub(crate) fn access(&mut self, id: EntryId, region: Region) {
        let i = id.get();
        match region {
            Region::Window => self.window.move_to_back(&mut self.nodes, i),
            Region::Protected => self.protected.move_to_back(&mut self.nodes, i),
            Region::Probation => {
                self.probation.unlink(&mut self.nodes, i);
                self.protected
                    .push_back(&mut self.nodes, i, Region::Protected);
                self.drain_protected();
            }
            Region::Vacant => debug_assert!(false, "access to vacant {id:?}"),
        }
    }

    /// Unlinks the resident `id` in `region`; moves nothing else.
    #[inline]
    pub(crate) fn remove(&mut self, id: EntryId, region: Region) {
        let i = id.get();
        match region {
            Region::Window => self.window.unlink(&mut self.nodes, i),
            Region::Probation => self.probation.unlink(&mut self.nodes, i),
            Region::Protected => self.protected.unlink(&mut self.nodes, i),
            Region::Vacant => debug_assert!(false, "removal of vacant {id:?}"),
        }
    }

    /// Sets both targets (each at least 1), then moves overflow down: window LRUs to
    /// probation, protected LRUs to probation. Moves at most as many ids as the targets
    /// shrank by.
    pub(crate) fn set_targets(&mut self, window_target: usize, protected_target: usize) {
        self.window_target = window_target.max(1);
        self.protected_target = protected_target.max(1);
        self.drain_window();
        self.drain_protected();
    }

    /// Moves window LRUs to probation's MRU end until the window fits its target.
    #[inline]
    fn drain_window(&mut self) {
        while self.window.len > self.window_target {
            let Some(i) = self.window.pop_front(&mut self.nodes) else {
                break;
            };
            self.probation
                .push_back(&mut self.nodes, i, Region::Probation);
        }
        debug_assert!(self.window.len <= self.window_target);
    }

    /// Demotes protected LRUs to probation's MRU end until protected fits its target.
    #[inline]
    fn drain_protected(&mut self) {
        while self.protected.len > self.protected_target {
            let Some(i) = self.protected.pop_front(&mut self.nodes) else {
                break;
            };
            self.probation
                .push_back(&mut self.nodes, i, Region::Probation);
        }
        debug_assert!(self.protected.len <= self.protected_target);
    }

    /// Forgets every id, keeping the table's allocation and the targets.
    pub(crate) fn clear(&mut self) {
        self.nodes.clear();
        self.window = Segment::EMPTY;
        self.probation = Segment::EMPTY;
        self.protected = Segment::EMPTY;
    }

    /// Reserves the table for ids `0..capacity` (ignoring failure).
    pub(crate) fn reserve(&mut self, capacity: usize) {
        let wanted = capacity.min(EntryId::MAX_INDEX + 1);
        let _ = self
            .nodes
            .try_reserve_exact(wanted.saturating_sub(self.nodes.len()));
    }

    /// Grows the table so that `index` is in it. Called once per new largest id.
    #[cold]
    #[inline(never)]
    fn grow(&mut self, index: usize) {
        self.nodes.resize(index + 1, Node::VACANT);
    }

    /// Recomputes every list invariant from scratch: links symmetric and in bounds, each list
    /// closing on its head after `len` steps with every node tagged with the list's region,
    /// the tagged nodes being exactly the listed ones, and the size bounds.
    pub(crate) fn validate(&self) -> Result<(), InvariantViolation> {
        let nodes = &self.nodes;
        ensure!(
            nodes.len() <= EntryId::MAX_INDEX + 1,
            "node table has {} slots, more than there are ids",
            nodes.len()
        );
        let mut listed = 0;
        for (name, list, region) in [
            ("window", &self.window, Region::Window),
            ("probation", &self.probation, Region::Probation),
            ("protected", &self.protected, Region::Protected),
        ] {
            validate_segment(nodes, name, list, region)?;
            let tagged = nodes.iter().filter(|n| n.region() == region).count();
            ensure!(
                tagged == list.len,
                "{tagged} nodes are tagged {region:?}, but the {name} list holds {}",
                list.len
            );
            listed += list.len;
        }
        for (i, n) in nodes.iter().enumerate() {
            ensure!(
                (n.region() == Region::Vacant) == (n.links == Links::VACANT),
                "node {i} is tagged {:?} with links ({}, {})",
                n.region(),
                n.links.prev,
                n.links.next
            );
        }
        ensure!(
            listed == self.len(),
            "lists hold {listed} ids, len is {}",
            self.len()
        );
        ensure!(
            self.window_target >= 1 && self.protected_target >= 1,
            "targets must be positive: window {}, protected {}",
            self.window_target,
            self.protected_target
        );
        ensure!(
            self.window.len <= self.window_target,
            "window holds {} ids, over its target {}",
            self.window.len,
            self.window_target
        );
        ensure!(
            self.protected.len <= self.protected_target,
            "protected holds {} ids, over its target {}",
            self.protected.len,
            self.protected_target
        );
        Ok(())
    }
}

/// Checks `segment`'s list (bounds, symmetry, closure: the shared list's walk), that its
/// length is `segment.len` and that every id on it is tagged with `region`.
fn validate_segment(
    nodes: &[Node],
    name: &str,
    segment: &Segment,
    region: Region,
) -> Result<(), InvariantViolation> {
    let listed = segment.list.validate(nodes, name)?;
    ensure!(
        listed == segment.len,
        "the {name} list holds {listed} ids, but its len is {}",
        segment.len
    );
    for (step, at) in segment.iter(nodes).enumerate() {
        let tag = nodes[at as usize].region();
        ensure!(
            tag == region,
            "walking {name} reached node {at} tagged {tag:?} at step {step}"
        );
    }
    Ok(())
}
