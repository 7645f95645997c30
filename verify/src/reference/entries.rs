//! [`Entries`]: the per-entry-id table every reference policy keeps: links for its queues and
//! a small state (which queue, a bit, a count, the key hash), grown to the largest id seen.

use super::list::{self, Link};
use clientcache_policy_api::EntryId;

/// A per-id state with a value meaning "not resident".
pub(crate) trait Vacancy: Copy {
    /// The state of an id that is not resident.
    const VACANT: Self;
    /// Whether this is [`Vacancy::VACANT`].
    fn is_vacant(&self) -> bool;
}

impl Vacancy for u8 {
    const VACANT: u8 = 0;
    fn is_vacant(&self) -> bool {
        *self == 0
    }
}

/// A queue tag (0: vacant) and the key hash.
impl Vacancy for (u8, u64) {
    const VACANT: (u8, u64) = (0, 0);
    fn is_vacant(&self) -> bool {
        self.0 == 0
    }
}

/// Links and state by entry id. Invariant: `links.len() == state.len()`; an id's links are
/// unlinked when its state is vacant.
#[derive(Clone, Debug)]
pub(crate) struct Entries<S> {
    pub(crate) links: Vec<Link>,
    pub(crate) state: Vec<S>,
}

impl<S> Default for Entries<S> {
    fn default() -> Self {
        Entries {
            links: Vec::new(),
            state: Vec::new(),
        }
    }
}

impl<S: Vacancy> Entries<S> {
    /// Reserves the tables for ids `0..capacity` (ignoring failure: they grow on demand).
    pub(crate) fn reserve(&mut self, capacity: usize) {
        let wanted = capacity.min(EntryId::MAX_INDEX + 1);
        let _ = self
            .links
            .try_reserve(wanted.saturating_sub(self.links.len()));
        let _ = self
            .state
            .try_reserve(wanted.saturating_sub(self.state.len()));
    }

    /// Grows the tables to hold `id` and says whether it is vacant, as `on_insert` needs; a
    /// resident `id` (a caller bug) fails a `debug_assert!`.
    #[inline]
    pub(crate) fn make_room(&mut self, id: EntryId) -> bool {
        let i = id.index();
        if i >= self.state.len() {
            list::grow(&mut self.links, i, Link::UNLINKED);
            list::grow(&mut self.state, i, S::VACANT);
            return true;
        }
        let vacant = self.state[i].is_vacant();
        debug_assert!(vacant, "on_insert: {id:?} is already resident");
        vacant
    }

    /// The state of a resident `id`.
    #[inline]
    pub(crate) fn resident(&self, id: EntryId) -> Option<S> {
        self.state
            .get(id.index())
            .copied()
            .filter(|s| !s.is_vacant())
    }

    /// Number of resident ids, counted (for `validate`).
    pub(crate) fn count_resident(&self) -> usize {
        self.state.iter().filter(|s| !s.is_vacant()).count()
    }

    /// Forgets every id, keeping the allocations.
    pub(crate) fn clear(&mut self) {
        self.links.clear();
        self.state.clear();
    }
}
