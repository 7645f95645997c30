//! ARC: two LRU lists, recency and frequency, with a target split learnt from ghost hits.
//!
//! N. Megiddo and D. S. Modha, "ARC: A Self-Tuning, Low Overhead Replacement Cache", USENIX
//! FAST 2003. T1 holds entries seen once recently, T2 entries seen at least twice; B1 and B2
//! remember the keys evicted from each. A miss on a key in B1 raises the target size `p` of T1
//! by `max(|B2| / |B1|, 1)` (at most the capacity `c`), a miss on a key in B2 lowers it by
//! `max(|B1| / |B2|, 1)` (at least 0), and the key enters T2; any other key enters T1. To make
//! room (the paper's REPLACE), T1's least recently used entry goes to B1 when T1 holds more
//! than `p` entries (or exactly `p` on a B2 miss), else T2's goes to B2. On a miss on no
//! list (the paper's case IV): when T1 and B1 together would exceed `c`, B1's oldest key is
//! forgotten first (or, B1 being empty, T1's least recent entry leaves without a ghost);
//! otherwise, when all four lists hold `2c`, B2's oldest key is.
//!
//! ARC has no parameter (`p` starts at 0). This follows libCacheSim's `ARC`, which keeps `p`
//! as a floating-point number and applies case IV's trimming when an eviction is needed.
//!
//! # Implementation
//!
//! T1 and T2 are `List`s over a link table by entry id, B1 and B2 the two lists of a
//! `Ghosts` of key hashes. A lookup that misses ([`Policy::on_miss`]) finds the key in B1 or
//! B2, adapts `p` and forgets the ghost; the eviction and the insert that follow then take the
//! ghost-hit branches (an insert of a ghost key without a lookup adapts `p` then). Removing
//! the entry [`Policy::victim`] just named is its eviction, with the ghost bookkeeping above;
//! any other removal forgets the entry. Every event is O(1): one hash-map probe on a miss, one
//! or two on an eviction.
//!
//! Eviction order ([`Policy::iter`]): the evictions replayed on a copy, O(n).

use super::entries::Entries;
use super::ghost::Ghosts;
use super::list::List;
use clientcache_policy_api::{EntryId, InvariantViolation, Policy, ensure};

const VACANT: u8 = 0;
const T1: u8 = 1;
const T2: u8 = 2;
/// Ghost list indices in `Ghosts`.
const B1: usize = 0;
const B2: usize = 1;

/// ARC; see the [module docs](self).
///
/// ```
/// use clientcache_policy_api::{EntryId, Policy};
/// use clientcache_verify::reference::Arc;
///
/// let mut arc = Arc::default();
/// arc.set_capacity(2);
/// let [a, b, c] = [0, 1, 2].map(EntryId::new);
/// arc.on_insert(a, 0xA);
/// arc.on_insert(b, 0xB);
/// arc.on_access(a, 0xA); // a moves to T2
/// assert_eq!(arc.evict(), Some(b)); // T1 is over its target (p = 0): b goes to B1
/// arc.on_miss(0xB); // a miss on a B1 key raises p...
/// arc.on_insert(c, 0xB); // ...and the key comes back into T2
/// assert_eq!(arc.iter().collect::<Vec<_>>(), [a, c]);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Arc {
    /// By entry id: links (T1 and T2 are threaded through them), and `VACANT`, `T1` or `T2`
    /// with the key hash. Invariant: `T1` iff on `t1`, `T2` iff on `t2`.
    entries: Entries<(u8, u64)>,
    t1: List,
    t2: List,
    /// B1 and B2, oldest key first.
    ghosts: Ghosts<2>,
    /// The target size of T1. Invariant: `0 <= p <= capacity`.
    p: f64,
    capacity: usize,
    /// The key hash of the lookup that just missed, and the ghost list that remembered it
    /// (`None`: neither); the eviction and the insert that follow use it.
    ghost_hit: Option<(u64, Option<usize>)>,
    /// The id [`Policy::victim`] named, until the next event: removing it is an eviction.
    named: Option<EntryId>,
}

/// What one eviction does, decided on list lengths alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Step {
    /// A ghost list whose oldest key is forgotten first.
    trim: Option<usize>,
    /// The list the victim comes from.
    from: u8,
    /// Whether the victim's key is remembered (in B1 for T1, B2 for T2).
    remember: bool,
}

/// The list lengths an eviction's decision depends on.
#[derive(Clone, Copy, Debug)]
struct Lengths {
    t1: usize,
    t2: usize,
    b1: usize,
    b2: usize,
}

impl Arc {
    fn lengths(&self) -> Lengths {
        Lengths {
            t1: self.t1.len(),
            t2: self.t2.len(),
            b1: self.ghosts.len_of(B1),
            b2: self.ghosts.len_of(B2),
        }
    }

    /// The next eviction's step, for lists of lengths `n` (not both of T1 and T2 empty).
    fn step(&self, n: Lengths) -> Step {
        let c = self.capacity;
        let replace = |trim| {
            let in_b2 = matches!(self.ghost_hit, Some((_, Some(B2))));
            let t1 = n.t1 as f64;
            let from_t1 = (n.t1 > 0 && (t1 > self.p || (t1 == self.p && in_b2))) || n.t2 == 0;
            Step {
                trim,
                from: if from_t1 { T1 } else { T2 },
                remember: true,
            }
        };
        if matches!(self.ghost_hit, Some((_, Some(_)))) {
            replace(None)
        } else if n.t1 + n.b1 + 1 > c {
            if n.b1 > 0 {
                replace(Some(B1))
            } else if n.t1 > 0 {
                Step {
                    trim: None,
                    from: T1,
                    remember: false,
                }
            } else {
                replace(None)
            }
        } else if n.t1 + n.b1 + n.t2 + n.b2 >= 2 * c && n.b2 > 0 {
            replace(Some(B2))
        } else {
            replace(None)
        }
    }

    /// Adapts `p` to a miss on a key remembered in ghost list `list` (before it is forgotten).
    fn adapt(&mut self, list: usize) {
        let (b1, b2) = (self.ghosts.len_of(B1) as f64, self.ghosts.len_of(B2) as f64);
        if list == B1 {
            self.p = (self.p + (b2 / b1).max(1.0)).min(self.capacity as f64);
        } else {
            self.p = (self.p - (b1 / b2).max(1.0)).max(0.0);
        }
    }

    /// Finds `hash` in B1 or B2: adapts `p` and forgets the ghost; returns the list.
    fn ghost_lookup(&mut self, hash: u64) -> Option<usize> {
        let list = self.ghosts.find(hash)?;
        self.adapt(list);
        self.ghosts.remove(hash);
        Some(list)
    }
}

impl Policy for Arc {
    type Iter<'a> = std::vec::IntoIter<EntryId>;

    fn name(&self) -> &'static str {
        "ARC"
    }

    fn set_capacity(&mut self, capacity: usize) {
        self.capacity = capacity;
        self.p = self.p.min(capacity as f64);
        self.entries.reserve(capacity);
        self.ghosts.reserve(capacity.saturating_add(1));
        self.named = None;
    }

    fn len(&self) -> usize {
        self.t1.len() + self.t2.len()
    }

    fn on_insert(&mut self, id: EntryId, hash: u64) {
        self.named = None;
        if !self.entries.make_room(id) {
            return;
        }
        let i = id.index();
        let remembered = match self.ghost_hit.take() {
            Some((looked_up, list)) if looked_up == hash => list.is_some(),
            _ => self.ghost_lookup(hash).is_some(),
        };
        if remembered {
            self.entries.state[i] = (T2, hash);
            self.t2.push_back(&mut self.entries.links, id.get());
        } else {
            self.entries.state[i] = (T1, hash);
            self.t1.push_back(&mut self.entries.links, id.get());
        }
    }

    /// A hit moves the entry to T2's most recent end.
    fn on_access(&mut self, id: EntryId, _hash: u64) {
        self.named = None;
        self.ghost_hit = None;
        match self.entries.state.get(id.index()).map(|s| s.0) {
            Some(T1) => {
                self.t1.unlink(&mut self.entries.links, id.get());
                self.t2.push_back(&mut self.entries.links, id.get());
                self.entries.state[id.index()].0 = T2;
            }
            Some(T2) => self.t2.move_to_back(&mut self.entries.links, id.get()),
            _ => debug_assert!(false, "on_access: {id:?} is not resident"),
        }
    }

    fn on_miss(&mut self, hash: u64) {
        self.named = None;
        self.ghost_hit = Some((hash, self.ghost_lookup(hash)));
    }

    fn on_remove(&mut self, id: EntryId) {
        let evicted = self.named.take() == Some(id);
        let Some((place, hash)) = self.entries.resident(id) else {
            debug_assert!(false, "on_remove: {id:?} is not resident");
            return;
        };
        if evicted {
            let step = self.step(self.lengths());
            debug_assert_eq!(step.from, place, "the named victim left its list");
            if let Some(list) = step.trim {
                self.ghosts.pop_front(list);
            }
            if step.remember {
                self.ghosts
                    .push_back(if place == T1 { B1 } else { B2 }, hash);
            }
        }
        let list = if place == T1 {
            &mut self.t1
        } else {
            &mut self.t2
        };
        list.unlink(&mut self.entries.links, id.get());
        self.entries.state[id.index()].0 = VACANT;
    }

    fn victim(&mut self) -> Option<EntryId> {
        if self.is_empty() {
            return None;
        }
        let from = self.step(self.lengths()).from;
        let list = if from == T1 { &self.t1 } else { &self.t2 };
        let victim = list.front().map(EntryId::new);
        self.named = victim;
        victim
    }

    /// Evicts everything from a copy: the ghost lists' lengths steer the choices, and a key
    /// hash already remembered (two keys, one hash) does not lengthen them, so replaying the
    /// evictions themselves is the way to get the order exactly.
    fn iter(&self) -> Self::Iter<'_> {
        let mut copy = self.clone();
        let mut order = Vec::with_capacity(self.len());
        while let Some(victim) = copy.evict() {
            order.push(victim);
        }
        order.into_iter()
    }

    fn clear(&mut self) {
        self.entries.clear();
        self.t1 = List::EMPTY;
        self.t2 = List::EMPTY;
        self.ghosts.clear();
        self.p = 0.0;
        self.ghost_hit = None;
        self.named = None;
    }

    fn validate(&self) -> Result<(), InvariantViolation> {
        let state = &self.entries.state;
        let in_t1 = self
            .t1
            .validate(&self.entries.links, "T1", |i| state[i as usize].0 == T1)?;
        let in_t2 = self
            .t2
            .validate(&self.entries.links, "T2", |i| state[i as usize].0 == T2)?;
        let resident = self.entries.count_resident();
        ensure!(
            in_t1 + in_t2 == resident,
            "{resident} resident entries, {in_t1} in T1 and {in_t2} in T2"
        );
        ensure!(
            (0.0..=self.capacity as f64).contains(&self.p),
            "p = {} is outside 0..={}",
            self.p,
            self.capacity
        );
        self.ghosts.validate(["B1", "B2"])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conforms() {
        clientcache_policy_api::conformance::check(|capacity| {
            let mut policy = Arc::default();
            policy.set_capacity(capacity);
            policy
        });
    }

    #[test]
    fn ghost_hits_move_p_and_case_iv_forgets_b1_before_t1_exceeds_the_capacity() {
        let mut arc = Arc::default();
        arc.set_capacity(2);
        let id = EntryId::new;
        arc.on_insert(id(0), 10);
        arc.on_insert(id(1), 11);
        // Case IV, |T1| + |B1| + 1 > c and B1 empty: T1's LRU leaves without a ghost.
        assert_eq!(arc.evict(), Some(id(0)));
        assert_eq!(arc.ghosts.len(), 0);
        arc.on_insert(id(0), 12);
        arc.on_access(id(0), 12); // T1 = [1], T2 = [0]
        // |T1| + |B1| + 1 = 2, not over c: REPLACE, |T1| = 1 > p = 0: 1 goes to B1.
        assert_eq!(arc.evict(), Some(id(1)));
        assert_eq!(arc.ghosts.hashes(B1).collect::<Vec<_>>(), [11]);
        arc.on_miss(11); // B1 hit: p = min(0 + max(0 / 1, 1), 2) = 1
        assert_eq!(arc.p, 1.0);
        arc.on_insert(id(1), 11);
        assert_eq!(arc.entries.state[1].0, T2);
        assert_eq!(arc.validate(), Ok(()));
    }
}
