//! 2Q: a FIFO for first-time entries, an LRU for proven ones, and a ghost FIFO between them.
//!
//! T. Johnson and D. Shasha, "2Q: A Low Overhead High Performance Buffer Management
//! Replacement Algorithm", VLDB 1994 (the "full version"). A missed key that is not
//! remembered enters `A1in`, a FIFO that hits do not reorder. When room is needed and `A1in`
//! holds more than `Kin` entries, its oldest entry leaves the cache and its key is remembered
//! in `A1out`, a FIFO of at most `Kout` keys; otherwise the least recently used entry of `Am`,
//! an LRU, leaves (and is forgotten). A missed key found in `A1out` enters `Am`.
//!
//! Parameters: `Kin` = 25 % and `Kout` = 50 % of the capacity, the paper's recommended
//! settings and libCacheSim's `TwoQ` defaults (`Ain-size-ratio=0.25`, `Aout-size-ratio=0.5`),
//! each rounded down as libCacheSim does. (libCacheSim stores nothing when `Kin` is 0, below 4
//! entries; here `A1in` then simply has no reserved share.)
//!
//! # Implementation
//!
//! `A1in` and `Am` are `List`s over one link table indexed by entry id, `A1out` a
//! `Ghosts` of key hashes. A lookup that misses ([`Policy::on_miss`]) takes the key out of
//! `A1out` if it is there, and the insert that follows puts it in `Am`; an insert of a
//! remembered key without a lookup does the same. Removing the entry that [`Policy::victim`]
//! just named is its eviction (an `A1in` entry's key goes to `A1out`); any other removal
//! forgets the key. Every event is O(1) (one hash-map probe on a miss or an eviction from
//! `A1in`).
//!
//! Eviction order ([`Policy::iter`]): repeated evictions take `A1in`'s oldest while it holds
//! more than `Kin` (or `Am` is empty), then `Am` from its least recently used.

use super::entries::Entries;
use super::ghost::Ghosts;
use super::list::List;
use clientcache_policy_api::{EntryId, InvariantViolation, Policy, ensure};

const VACANT: u8 = 0;
const IN: u8 = 1;
const MAIN: u8 = 2;

/// 2Q (full version); see the [module docs](self).
///
/// ```
/// use clientcache_policy_api::{EntryId, Policy};
/// use clientcache_verify::reference::TwoQ;
///
/// let mut two_q = TwoQ::default();
/// two_q.set_capacity(4); // Kin = 1, Kout = 2
/// let [a, b] = [0, 1].map(EntryId::new);
/// two_q.on_insert(a, 0xA);
/// two_q.on_insert(b, 0xB);
/// assert_eq!(two_q.evict(), Some(a)); // Am is empty: A1in's oldest goes, its key to A1out
/// two_q.on_miss(0xA); // a's key is remembered...
/// let a_again = EntryId::new(2);
/// two_q.on_insert(a_again, 0xA); // ...so it comes back into Am
/// // A1in is down to Kin, so Am's least recently used goes next.
/// assert_eq!(two_q.iter().collect::<Vec<_>>(), [a_again, b]);
/// ```
#[derive(Clone, Debug, Default)]
pub struct TwoQ {
    /// By entry id: links (`A1in` and `Am` are threaded through them), and `VACANT`, `IN` or
    /// `MAIN` with the key hash. Invariant: `IN` iff on `a1in`, `MAIN` iff on `am`.
    entries: Entries<(u8, u64)>,
    a1in: List,
    am: List,
    /// Keys of entries evicted from `A1in`, oldest first. Invariant: at most `kout`.
    a1out: Ghosts<1>,
    kin: usize,
    kout: usize,
    /// The key hash of the lookup that just missed, and whether `A1out` remembered it
    /// (libCacheSim's `hit_on_ghost`): the insert that follows need not look again.
    ghost_hit: Option<(u64, bool)>,
    /// The id [`Policy::victim`] named, until the next event: removing it is an eviction.
    named: Option<EntryId>,
}

impl TwoQ {
    fn place(&self, id: EntryId) -> u8 {
        self.entries.resident(id).map_or(VACANT, |s| s.0)
    }

    /// Whether the next eviction takes `A1in`'s oldest (else `Am`'s LRU), with `a1in` and `am`
    /// entries left.
    fn takes_a1in(&self, a1in: usize, am: usize) -> bool {
        am == 0 || a1in > self.kin
    }
}

impl Policy for TwoQ {
    type Iter<'a> = std::vec::IntoIter<EntryId>;

    fn name(&self) -> &'static str {
        "2Q"
    }

    fn set_capacity(&mut self, capacity: usize) {
        self.kin = (capacity as f64 * 0.25) as usize;
        self.kout = (capacity as f64 * 0.5) as usize;
        self.entries.reserve(capacity);
        while self.a1out.len() > self.kout {
            self.a1out.pop_front(0);
        }
        self.a1out.reserve(self.kout + 1);
        self.named = None;
    }

    fn len(&self) -> usize {
        self.a1in.len() + self.am.len()
    }

    fn on_insert(&mut self, id: EntryId, hash: u64) {
        self.named = None;
        if !self.entries.make_room(id) {
            return;
        }
        let i = id.index();
        let remembered = match self.ghost_hit.take() {
            Some((looked_up, remembered)) if looked_up == hash => remembered,
            _ => self.a1out.remove(hash).is_some(),
        };
        if remembered {
            self.entries.state[i] = (MAIN, hash);
            self.am.push_back(&mut self.entries.links, id.get());
        } else {
            self.entries.state[i] = (IN, hash);
            self.a1in.push_back(&mut self.entries.links, id.get());
        }
    }

    /// A hit in `Am` makes the entry its most recently used; a hit in `A1in` changes nothing.
    fn on_access(&mut self, id: EntryId, _hash: u64) {
        self.named = None;
        self.ghost_hit = None;
        match self.place(id) {
            MAIN => self.am.move_to_back(&mut self.entries.links, id.get()),
            IN => {}
            _ => debug_assert!(false, "on_access: {id:?} is not resident"),
        }
    }

    fn on_miss(&mut self, hash: u64) {
        self.named = None;
        self.ghost_hit = Some((hash, self.a1out.remove(hash).is_some()));
    }

    fn on_remove(&mut self, id: EntryId) {
        let evicted = self.named.take() == Some(id);
        let Some((place, hash)) = self.entries.resident(id) else {
            debug_assert!(false, "on_remove: {id:?} is not resident");
            return;
        };
        if place == IN {
            self.a1in.unlink(&mut self.entries.links, id.get());
            if evicted && self.kout > 0 {
                while self.a1out.len_of(0) >= self.kout {
                    self.a1out.pop_front(0);
                }
                self.a1out.push_back(0, hash);
            }
        } else {
            self.am.unlink(&mut self.entries.links, id.get());
        }
        self.entries.state[id.index()].0 = VACANT;
    }

    fn victim(&mut self) -> Option<EntryId> {
        let list = if self.takes_a1in(self.a1in.len(), self.am.len()) {
            &self.a1in
        } else {
            &self.am
        };
        let victim = list.front().map(EntryId::new);
        self.named = victim;
        victim
    }

    fn iter(&self) -> Self::Iter<'_> {
        let (mut a1in, mut am) = (
            self.a1in.iter(&self.entries.links),
            self.am.iter(&self.entries.links),
        );
        let (mut left_in, mut left_main) = (self.a1in.len(), self.am.len());
        let mut order = Vec::with_capacity(left_in + left_main);
        while left_in + left_main > 0 {
            let next = if self.takes_a1in(left_in, left_main) {
                left_in -= 1;
                a1in.next()
            } else {
                left_main -= 1;
                am.next()
            };
            order.extend(next.map(EntryId::new));
        }
        order.into_iter()
    }

    fn clear(&mut self) {
        self.entries.clear();
        self.a1in = List::EMPTY;
        self.am = List::EMPTY;
        self.a1out.clear();
        self.ghost_hit = None;
        self.named = None;
    }

    fn validate(&self) -> Result<(), InvariantViolation> {
        let state = &self.entries.state;
        let on_in = self
            .a1in
            .validate(&self.entries.links, "A1in", |i| state[i as usize].0 == IN)?;
        let on_main = self
            .am
            .validate(&self.entries.links, "Am", |i| state[i as usize].0 == MAIN)?;
        let resident = self.entries.count_resident();
        ensure!(
            on_in + on_main == resident,
            "{resident} resident entries, {on_in} in A1in and {on_main} in Am"
        );
        ensure!(
            self.a1out.len() <= self.kout,
            "A1out remembers {} keys, Kout is {}",
            self.a1out.len(),
            self.kout
        );
        self.a1out.validate(["A1out"])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conforms() {
        clientcache_policy_api::conformance::check(|capacity| {
            let mut policy = TwoQ::default();
            policy.set_capacity(capacity);
            policy
        });
    }

    #[test]
    fn am_is_evicted_once_a1in_is_down_to_kin_and_a1out_keeps_kout_keys() {
        let mut two_q = TwoQ::default();
        two_q.set_capacity(8); // Kin 2, Kout 4
        for i in 0..6u32 {
            two_q.on_insert(EntryId::new(i), u64::from(i) + 100);
        }
        for i in 0..4u32 {
            // 0..3 leave A1in for A1out (A1in holds more than Kin).
            assert_eq!(two_q.evict(), Some(EntryId::new(i)));
        }
        for (id, key) in [(10u32, 100u64), (11, 101)] {
            two_q.on_miss(key);
            two_q.on_insert(EntryId::new(id), key);
        }
        // A1in is {4, 5}: at Kin, so Am (10, 11) goes first, least recent first.
        assert_eq!(
            two_q.iter().map(EntryId::get).collect::<Vec<_>>(),
            [10, 11, 4, 5]
        );
        assert_eq!(two_q.a1out.hashes(0).collect::<Vec<_>>(), [102, 103]);
        two_q.on_access(EntryId::new(10), 100);
        assert_eq!(two_q.victim(), Some(EntryId::new(11)));
        assert_eq!(two_q.validate(), Ok(()));
    }
}
