//! CLOCK: FIFO with one reference bit per entry (second chance).
//!
//! F. J. Corbató, "A paging experiment with the Multics system", MIT Project MAC report
//! MAC-M-384, 1968. Entries sit in a circle in insertion order; a hit sets the entry's bit;
//! to find a victim the hand sweeps from the oldest entry, clearing set bits and moving on,
//! and stops at the first clear one. As libCacheSim's `Clock` with its defaults
//! (`n-bit-counter=1`, `init-freq=0`): one bit, clear on insertion.
//!
//! # Implementation
//!
//! The circle is a `List` in hand order: the front is where the hand points, the back is
//! just behind it, where insertions go. Passing a referenced entry clears its bit and moves it
//! to the back, which is what the hand moving past it means. [`Policy::victim`] does that
//! sweeping (bookkeeping the contract allows: it never changes residency nor the order below)
//! and is O(1) amortised: each bit it clears was set by one hit.
//!
//! Eviction order ([`Policy::iter`]): the unreferenced entries from the hand on, then the
//! referenced ones from the hand on (the sweep clears those and comes back to them).

use super::entries::Entries;
use super::list::List;
use clientcache_policy_api::{EntryId, InvariantViolation, Policy, ensure};

/// A node's state.
const VACANT: u8 = 0;
const CLEAR: u8 = 1;
const REFERENCED: u8 = 2;

/// CLOCK with one reference bit; see the [module docs](self).
///
/// ```
/// use clientcache_policy_api::{EntryId, Policy};
/// use clientcache_verify::reference::Clock;
///
/// let mut clock = Clock::default();
/// let [a, b, c] = [0, 1, 2].map(EntryId::new);
/// for id in [a, b, c] {
///     clock.on_insert(id, 0);
/// }
/// clock.on_access(a, 0); // a gets a second chance
/// assert_eq!(clock.iter().collect::<Vec<_>>(), [b, c, a]);
/// assert_eq!(clock.evict(), Some(b));
/// ```
#[derive(Clone, Debug, Default)]
pub struct Clock {
    /// By entry id: links (the circle in hand order) and `VACANT`, `CLEAR` or `REFERENCED`.
    /// Invariant: not `VACANT` iff on `circle`.
    entries: Entries<u8>,
    /// Resident ids, the hand's position at the front.
    circle: List,
}

impl Clock {
    fn is_resident(&self, id: EntryId) -> bool {
        self.entries.resident(id).is_some()
    }
}

impl Policy for Clock {
    type Iter<'a> = std::vec::IntoIter<EntryId>;

    fn name(&self) -> &'static str {
        "CLOCK"
    }

    fn set_capacity(&mut self, capacity: usize) {
        self.entries.reserve(capacity);
    }

    fn len(&self) -> usize {
        self.circle.len()
    }

    fn on_insert(&mut self, id: EntryId, _hash: u64) {
        if !self.entries.make_room(id) {
            return;
        }
        let i = id.index();
        self.entries.state[i] = CLEAR;
        self.circle.push_back(&mut self.entries.links, id.get());
    }

    fn on_access(&mut self, id: EntryId, _hash: u64) {
        debug_assert!(self.is_resident(id), "on_access: {id:?} is not resident");
        if self.is_resident(id) {
            self.entries.state[id.index()] = REFERENCED;
        }
    }

    fn on_remove(&mut self, id: EntryId) {
        if !self.is_resident(id) {
            debug_assert!(false, "on_remove: {id:?} is not resident");
            return;
        }
        self.circle.unlink(&mut self.entries.links, id.get());
        self.entries.state[id.index()] = VACANT;
    }

    /// Sweeps the hand past referenced entries, clearing their bits, to the first clear one.
    fn victim(&mut self) -> Option<EntryId> {
        loop {
            let front = self.circle.front()?;
            if self.entries.state[front as usize] == CLEAR {
                return Some(EntryId::new(front));
            }
            self.entries.state[front as usize] = CLEAR;
            self.circle.move_to_back(&mut self.entries.links, front);
        }
    }

    fn iter(&self) -> Self::Iter<'_> {
        let order = self.circle.iter(&self.entries.links);
        let (clear, referenced): (Vec<u32>, Vec<u32>) =
            order.partition(|&i| self.entries.state[i as usize] == CLEAR);
        let all: Vec<EntryId> = clear
            .into_iter()
            .chain(referenced)
            .map(EntryId::new)
            .collect();
        all.into_iter()
    }

    fn clear(&mut self) {
        self.entries.clear();
        self.circle = List::EMPTY;
    }

    fn validate(&self) -> Result<(), InvariantViolation> {
        let on = self.circle.validate(&self.entries.links, "circle", |i| {
            self.entries.state[i as usize] != VACANT
        })?;
        let resident = self.entries.count_resident();
        ensure!(
            on == resident,
            "{resident} resident entries, {on} on the circle"
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conforms() {
        clientcache_policy_api::conformance::check(|_| Clock::default());
    }

    #[test]
    fn the_hand_clears_bits_as_it_passes_and_new_entries_go_behind_it() {
        let mut clock = Clock::default();
        let ids: Vec<EntryId> = (0..4).map(EntryId::new).collect();
        for &id in &ids {
            clock.on_insert(id, 0);
        }
        clock.on_access(ids[0], 0);
        clock.on_access(ids[2], 0);
        assert_eq!(clock.victim(), Some(ids[1]));
        clock.on_remove(ids[1]);
        clock.on_insert(EntryId::new(9), 0); // behind the hand, after 0 (passed, now clear)
        // From the hand: 2 (referenced), 3, 0 (cleared), 9.
        assert_eq!(
            clock.iter().map(EntryId::get).collect::<Vec<_>>(),
            [3, 0, 9, 2]
        );
    }
}
