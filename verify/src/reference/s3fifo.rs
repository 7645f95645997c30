//! S3-FIFO: a small probationary FIFO, a main FIFO with lazy promotion, and a ghost FIFO.
//!
//! J. Yang, Y. Zhang, Z. Qiu, Y. Yue, K. V. Rashmi, "FIFO queues are all you need for cache
//! eviction", ACM SOSP 2023. A new key enters the small FIFO S; a key remembered in the ghost
//! FIFO G enters the main FIFO M. Hits only count (a frequency capped at 3). When room is
//! needed and M holds more than its share (or S is empty), M's oldest entries with a count
//! above 0 go round again with their count less one, and the first with count 0 leaves;
//! otherwise S's oldest entries with a count of at least 2 move to M, and the first with less
//! leaves the cache and its key goes to G.
//!
//! Parameters, libCacheSim's `S3FIFO` defaults, the paper's: S is 10 % of the capacity
//! (`small-size-ratio=0.10`), M the rest; G remembers as many keys as 90 % of the capacity
//! (`ghost-size-ratio=0.90`); an entry moves from S to M with a count of at least 2
//! (`move-to-main-threshold=2`). Sizes are rounded down as libCacheSim does; S gets at least
//! one entry (libCacheSim refuses capacities whose S would be empty, below 10, and stores no
//! new key while S holds a single entry, below 20). As in libCacheSim, until the first
//! eviction a new key goes to M once S is full.
//!
//! # Implementation
//!
//! S and M are `List`s over one link table by entry id, G a `Ghosts` of key hashes.
//! [`Policy::victim`] runs the eviction's moves (S to M, M's second chances) up to the victim
//! and remembers which queue the eviction is working on, so that asking again, or removing
//! the victim, carries on the same eviction: this is bookkeeping the contract allows, since
//! the ids and their eviction order stay as they were. Each move is paid for by a hit, so
//! events are O(1) amortised. Removing the named victim is its eviction (a key from S goes to
//! G); any other removal forgets the key. A lookup that misses takes the key out of G if it
//! is there, and the insert that follows puts it in M; an insert of a remembered key without a
//! lookup does the same.
//!
//! Eviction order ([`Policy::iter`]): computed by running the evictions on a copy of the
//! queues, O(n).

use super::entries::{Entries, Vacancy};
use super::ghost::Ghosts;
use super::list::List;
use clientcache_policy_api::{EntryId, InvariantViolation, Policy, ensure};
use std::collections::VecDeque;

const VACANT: u8 = 0;
const SMALL: u8 = 1;
const MAIN: u8 = 2;

/// The count a hit can reach.
const MAX_FREQ: u8 = 3;
/// The count at which an entry leaves S for M instead of the cache.
const MOVE_TO_MAIN: u8 = 2;

/// S3-FIFO; see the [module docs](self).
///
/// ```
/// use clientcache_policy_api::{EntryId, Policy};
/// use clientcache_verify::reference::S3Fifo;
///
/// let mut s3 = S3Fifo::default();
/// s3.set_capacity(10); // S holds 1, M 9, G 9 keys
/// let ids: Vec<EntryId> = (0..10).map(EntryId::new).collect();
/// for (i, &id) in ids.iter().enumerate() {
///     s3.on_insert(id, i as u64); // 0 fills S, the rest go to M until the first eviction
/// }
/// assert_eq!(s3.evict(), Some(ids[0])); // S's one entry was never hit: it leaves, into G
/// s3.on_miss(0);
/// s3.on_insert(ids[0], 0); // remembered: straight into M
/// ```
#[derive(Clone, Debug, Default)]
pub struct S3Fifo {
    /// By entry id: links (S and M are threaded through them), and `VACANT`, `SMALL` or
    /// `MAIN` with the hit count (at most `MAX_FREQ`) and the key hash. Invariant: `SMALL` iff
    /// on `small`, `MAIN` iff on `main`.
    entries: Entries<Slot>,
    small: List,
    main: List,
    /// Keys of entries evicted from S. Invariant: at most `ghost_size`.
    ghost: Ghosts<1>,
    small_size: usize,
    main_size: usize,
    ghost_size: usize,
    /// Whether anything was evicted yet (libCacheSim's `has_evicted`).
    has_evicted: bool,
    /// The key hash of the lookup that just missed, and whether G remembered it: the insert
    /// that follows need not look again.
    ghost_hit: Option<(u64, bool)>,
    /// The queue the eviction in progress works on (set by `victim`), and the id it named.
    named: Option<(u8, EntryId)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Slot {
    place: u8,
    freq: u8,
    hash: u64,
}

impl Vacancy for Slot {
    const VACANT: Slot = Slot {
        place: VACANT,
        freq: 0,
        hash: 0,
    };
    fn is_vacant(&self) -> bool {
        self.place == VACANT
    }
}

impl S3Fifo {
    fn slot(&self, id: EntryId) -> Slot {
        self.entries.resident(id).unwrap_or(Slot::VACANT)
    }

    /// The queue a fresh eviction starts on, with `small` and `main` entries.
    fn start_on(&self, small: usize, main: usize) -> u8 {
        if main > self.main_size || small == 0 {
            MAIN
        } else {
            SMALL
        }
    }

    fn put(&mut self, id: u32, place: u8) {
        self.entries.state[id as usize].place = place;
        self.entries.state[id as usize].freq = 0;
        let list = if place == SMALL {
            &mut self.small
        } else {
            &mut self.main
        };
        list.push_back(&mut self.entries.links, id);
    }
}

impl Policy for S3Fifo {
    type Iter<'a> = std::vec::IntoIter<EntryId>;

    fn name(&self) -> &'static str {
        "S3-FIFO"
    }

    fn set_capacity(&mut self, capacity: usize) {
        self.small_size = ((capacity as f64 * 0.10) as usize).max(1);
        self.main_size = capacity.saturating_sub(self.small_size);
        self.ghost_size = (capacity as f64 * 0.90) as usize;
        while self.ghost.len() > self.ghost_size {
            self.ghost.pop_front(0);
        }
        self.entries.reserve(capacity);
        self.ghost.reserve(self.ghost_size + 1);
        self.named = None;
    }

    fn len(&self) -> usize {
        self.small.len() + self.main.len()
    }

    fn on_insert(&mut self, id: EntryId, hash: u64) {
        self.named = None;
        if !self.entries.make_room(id) {
            return;
        }
        let i = id.index();
        self.entries.state[i].hash = hash;
        let remembered = match self.ghost_hit.take() {
            Some((looked_up, remembered)) if looked_up == hash => remembered,
            _ => self.ghost.remove(hash).is_some(),
        };
        let place = if remembered || (!self.has_evicted && self.small.len() >= self.small_size) {
            MAIN
        } else {
            SMALL
        };
        self.put(id.get(), place);
    }

    fn on_access(&mut self, id: EntryId, _hash: u64) {
        self.named = None;
        self.ghost_hit = None;
        match self.entries.state.get_mut(id.index()) {
            Some(slot) if slot.place != VACANT => slot.freq = (slot.freq + 1).min(MAX_FREQ),
            _ => debug_assert!(false, "on_access: {id:?} is not resident"),
        }
    }

    fn on_miss(&mut self, hash: u64) {
        self.named = None;
        self.ghost_hit = Some((hash, self.ghost.remove(hash).is_some()));
    }

    fn on_remove(&mut self, id: EntryId) {
        let evicted = self.named.take().is_some_and(|(_, named)| named == id);
        let slot = self.slot(id);
        match slot.place {
            SMALL => {
                self.small.unlink(&mut self.entries.links, id.get());
                if evicted && self.ghost_size > 0 {
                    while self.ghost.len() >= self.ghost_size {
                        self.ghost.pop_front(0);
                    }
                    self.ghost.push_back(0, slot.hash);
                }
            }
            MAIN => self.main.unlink(&mut self.entries.links, id.get()),
            _ => {
                debug_assert!(false, "on_remove: {id:?} is not resident");
                return;
            }
        }
        self.has_evicted |= evicted;
        self.entries.state[id.index()].place = VACANT;
    }

    /// Runs the eviction in progress (or a fresh one) up to its victim.
    fn victim(&mut self) -> Option<EntryId> {
        let mut queue = match self.named {
            Some((queue, _)) => queue,
            None => self.start_on(self.small.len(), self.main.len()),
        };
        loop {
            if queue == SMALL {
                let Some(front) = self.small.front() else {
                    queue = MAIN; // everything moved to M: the eviction goes on there
                    continue;
                };
                if self.entries.state[front as usize].freq < MOVE_TO_MAIN {
                    self.named = Some((SMALL, EntryId::new(front)));
                    return Some(EntryId::new(front));
                }
                self.small.unlink(&mut self.entries.links, front);
                self.put(front, MAIN);
            } else {
                let front = self.main.front()?;
                let freq = self.entries.state[front as usize].freq;
                if freq == 0 {
                    self.named = Some((MAIN, EntryId::new(front)));
                    return Some(EntryId::new(front));
                }
                self.entries.state[front as usize].freq = freq - 1;
                self.main.move_to_back(&mut self.entries.links, front);
            }
        }
    }

    fn iter(&self) -> Self::Iter<'_> {
        let queue = |list: &List| -> VecDeque<(u32, u8)> {
            list.iter(&self.entries.links)
                .map(|i| (i, self.entries.state[i as usize].freq))
                .collect()
        };
        let (mut small, mut main) = (queue(&self.small), queue(&self.main));
        let mut on = self.named.map(|(queue, _)| queue);
        let mut order = Vec::with_capacity(small.len() + main.len());
        while !small.is_empty() || !main.is_empty() {
            let queue = on.unwrap_or_else(|| self.start_on(small.len(), main.len()));
            on = Some(queue);
            if queue == SMALL {
                match small.pop_front() {
                    None => on = Some(MAIN),
                    Some((i, freq)) if freq >= MOVE_TO_MAIN => main.push_back((i, 0)),
                    Some((i, _)) => {
                        order.push(EntryId::new(i));
                        on = None;
                    }
                }
            } else if let Some((i, freq)) = main.pop_front() {
                if freq == 0 {
                    order.push(EntryId::new(i));
                    on = None;
                } else {
                    main.push_back((i, freq - 1));
                }
            }
        }
        order.into_iter()
    }

    fn clear(&mut self) {
        self.entries.clear();
        self.small = List::EMPTY;
        self.main = List::EMPTY;
        self.ghost.clear();
        self.has_evicted = false;
        self.ghost_hit = None;
        self.named = None;
    }

    fn validate(&self) -> Result<(), InvariantViolation> {
        let state = &self.entries.state;
        let in_small = self.small.validate(&self.entries.links, "S", |i| {
            state[i as usize].place == SMALL
        })?;
        let in_main = self.main.validate(&self.entries.links, "M", |i| {
            state[i as usize].place == MAIN
        })?;
        let resident = self.entries.count_resident();
        ensure!(
            in_small + in_main == resident,
            "{resident} resident entries, {in_small} in S and {in_main} in M"
        );
        ensure!(
            state.iter().all(|s| s.freq <= MAX_FREQ),
            "a hit count above {MAX_FREQ}"
        );
        ensure!(
            self.ghost.len() <= self.ghost_size,
            "G remembers {} keys, more than {}",
            self.ghost.len(),
            self.ghost_size
        );
        if let Some((queue, id)) = self.named {
            let list = if queue == SMALL {
                &self.small
            } else {
                &self.main
            };
            ensure!(
                list.front() == Some(id.get()),
                "the named victim {id:?} is not at the front of its queue"
            );
        }
        self.ghost.validate(["G"])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conforms() {
        clientcache_policy_api::conformance::check(|capacity| {
            let mut policy = S3Fifo::default();
            policy.set_capacity(capacity);
            policy
        });
    }

    #[test]
    fn s_entries_hit_twice_move_to_m_and_m_entries_get_second_chances() {
        let mut s3 = S3Fifo::default();
        s3.set_capacity(20); // S 2, M 18, G 18
        let id = EntryId::new;
        s3.on_insert(id(0), 100);
        s3.on_insert(id(1), 101);
        for _ in 0..2 {
            s3.on_access(id(0), 100);
        }
        // S = [0 (count 2), 1]; M empty and not over its share: the eviction works on S,
        // moves 0 to M (count 0) and evicts 1.
        assert_eq!(s3.victim(), Some(id(1)));
        assert_eq!(s3.iter().map(EntryId::get).collect::<Vec<_>>(), [1, 0]);
        assert_eq!(s3.evict(), Some(id(1)));
        assert_eq!(s3.ghost.hashes(0).collect::<Vec<_>>(), [101]);
        s3.on_access(id(0), 100); // M entry 0: count 1, a second chance
        s3.on_miss(101);
        s3.on_insert(id(1), 101); // from G into M
        assert_eq!(s3.iter().map(EntryId::get).collect::<Vec<_>>(), [1, 0]);
        assert_eq!(s3.validate(), Ok(()));
    }
}
