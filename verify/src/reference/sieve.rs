//! SIEVE: a FIFO whose hand sifts out unvisited entries and leaves visited ones in place.
//!
//! Y. Zhang, J. Yang, Y. Yue, Y. Vigfusson, K. V. Rashmi, "SIEVE is Simpler than LRU: an
//! Efficient Turn-Key Eviction Algorithm for Web Caches", USENIX NSDI 2024. Entries sit in
//! insertion order; a hit sets the entry's *visited* bit and moves nothing. The hand moves from
//! the oldest entry towards the newest, clearing visited bits, and evicts the first unvisited
//! entry; it stays there for the next eviction and wraps to the oldest entry after the newest.
//! New entries go to the newest end, wherever the hand is. SIEVE has no parameter; this is
//! libCacheSim's `Sieve`.
//!
//! # Implementation
//!
//! The queue is a `List` from oldest (front) to newest (back), and `hand` is the node the
//! next sweep starts at (`NIL`: the front). [`Policy::victim`] moves the hand to the victim,
//! clearing the bits it passes (bookkeeping the contract allows: residency and the order below
//! stay as they were); O(1) amortised, each cleared bit having been set by one hit.
//!
//! Eviction order ([`Policy::iter`]): from the hand round the circle (to the newest, then from
//! the oldest), the unvisited entries, then the visited ones.

use super::entries::Entries;
use super::list::{self, List, NIL};
use clientcache_policy_api::{EntryId, InvariantViolation, Policy, ensure};

const VACANT: u8 = 0;
const UNVISITED: u8 = 1;
const VISITED: u8 = 2;

/// SIEVE; see the [module docs](self).
///
/// ```
/// use clientcache_policy_api::{EntryId, Policy};
/// use clientcache_verify::reference::Sieve;
///
/// let mut sieve = Sieve::default();
/// let [a, b, c] = [0, 1, 2].map(EntryId::new);
/// for id in [a, b, c] {
///     sieve.on_insert(id, 0);
/// }
/// sieve.on_access(a, 0); // a stays where it is, marked visited
/// assert_eq!(sieve.evict(), Some(b));
/// assert_eq!(sieve.iter().collect::<Vec<_>>(), [c, a]);
/// ```
#[derive(Clone, Debug)]
pub struct Sieve {
    /// By entry id: links (the queue, oldest first) and `VACANT`, `UNVISITED` or `VISITED`.
    /// Invariant: not `VACANT` iff queued.
    entries: Entries<u8>,
    queue: List,
    /// Where the next sweep starts; `NIL` for the front. Invariant: `NIL` or a queued id.
    hand: u32,
}

impl Default for Sieve {
    fn default() -> Self {
        Sieve {
            entries: Entries::default(),
            queue: List::EMPTY,
            hand: NIL,
        }
    }
}

impl Sieve {
    fn is_resident(&self, id: EntryId) -> bool {
        self.entries.resident(id).is_some()
    }

    /// The node after `i` round the circle: towards the newest, then the oldest.
    fn after(&self, i: u32) -> Option<u32> {
        list::next_of(&self.entries.links, i).or_else(|| self.queue.front())
    }
}

impl Policy for Sieve {
    type Iter<'a> = std::vec::IntoIter<EntryId>;

    fn name(&self) -> &'static str {
        "SIEVE"
    }

    fn set_capacity(&mut self, capacity: usize) {
        self.entries.reserve(capacity);
    }

    fn len(&self) -> usize {
        self.queue.len()
    }

    fn on_insert(&mut self, id: EntryId, _hash: u64) {
        if !self.entries.make_room(id) {
            return;
        }
        let i = id.index();
        self.entries.state[i] = UNVISITED;
        self.queue.push_back(&mut self.entries.links, id.get());
    }

    fn on_access(&mut self, id: EntryId, _hash: u64) {
        debug_assert!(self.is_resident(id), "on_access: {id:?} is not resident");
        if self.is_resident(id) {
            self.entries.state[id.index()] = VISITED;
        }
    }

    /// Removes `id`; a hand on it moves to the next newer entry (as libCacheSim's eviction
    /// and removal both do), or back to the front after the newest.
    fn on_remove(&mut self, id: EntryId) {
        if !self.is_resident(id) {
            debug_assert!(false, "on_remove: {id:?} is not resident");
            return;
        }
        if self.hand == id.get() {
            self.hand = list::next_of(&self.entries.links, self.hand).unwrap_or(NIL);
        }
        self.queue.unlink(&mut self.entries.links, id.get());
        self.entries.state[id.index()] = VACANT;
    }

    /// Moves the hand to the first unvisited entry, clearing the visited bits it passes.
    fn victim(&mut self) -> Option<EntryId> {
        let mut at = match self.hand {
            NIL => self.queue.front()?,
            hand => hand,
        };
        while self.entries.state[at as usize] == VISITED {
            self.entries.state[at as usize] = UNVISITED;
            at = self.after(at)?;
        }
        self.hand = at;
        Some(EntryId::new(at))
    }

    fn iter(&self) -> Self::Iter<'_> {
        let Some(start) = (match self.hand {
            NIL => self.queue.front(),
            hand => Some(hand),
        }) else {
            return Vec::new().into_iter();
        };
        let mut round = Vec::with_capacity(self.queue.len());
        let mut at = start;
        for _ in 0..self.queue.len() {
            round.push(at);
            at = self.after(at).unwrap_or(start);
        }
        let (unvisited, visited): (Vec<u32>, Vec<u32>) = round
            .into_iter()
            .partition(|&i| self.entries.state[i as usize] == UNVISITED);
        let all: Vec<EntryId> = unvisited
            .into_iter()
            .chain(visited)
            .map(EntryId::new)
            .collect();
        all.into_iter()
    }

    fn clear(&mut self) {
        self.entries.clear();
        self.queue = List::EMPTY;
        self.hand = NIL;
    }

    fn validate(&self) -> Result<(), InvariantViolation> {
        let on = self.queue.validate(&self.entries.links, "queue", |i| {
            self.entries.state[i as usize] != VACANT
        })?;
        let resident = self.entries.count_resident();
        ensure!(on == resident, "{resident} resident entries, {on} queued");
        ensure!(
            self.hand == NIL || self.is_resident(EntryId::new(self.hand)),
            "the hand is on {}, which is not queued",
            self.hand
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conforms() {
        clientcache_policy_api::conformance::check(|_| Sieve::default());
    }

    #[test]
    fn the_hand_stays_where_it_evicted_and_wraps_to_the_oldest() {
        let mut sieve = Sieve::default();
        let ids: Vec<EntryId> = (0..4).map(EntryId::new).collect();
        for &id in &ids {
            sieve.on_insert(id, 0);
        }
        for i in [0, 1, 3] {
            sieve.on_access(ids[i], 0);
        }
        // Sweep: 0 and 1 cleared, 2 evicted; the hand then points at 3.
        assert_eq!(sieve.evict(), Some(ids[2]));
        sieve.on_insert(EntryId::new(7), 0); // newest, after 3
        // From the hand: 3 (visited), 7, then round to 0 and 1 (cleared).
        assert_eq!(
            sieve.iter().map(EntryId::get).collect::<Vec<_>>(),
            [7, 0, 1, 3]
        );
        assert_eq!(sieve.evict(), Some(EntryId::new(7)));
    }
}
