//! LIRS: keep the entries with a low inter-reference recency, judged on a stack that also
//! remembers recently evicted keys.
//!
//! S. Jiang and X. Zhang, "LIRS: An Efficient Low Inter-reference Recency Set Replacement
//! Policy to Improve Buffer Cache Performance", ACM SIGMETRICS 2002. Entries are LIR (the
//! protected set, at most `c - Lhirs`) or HIR (the rest, `Lhirs` of them resident in the queue
//! Q, oldest first). The stack S orders recently used blocks by recency, LIR and HIR alike,
//! including HIR blocks that were evicted ("non-resident"), and is *pruned* so that a LIR
//! block is always at its bottom. A hit on a LIR block moves it to the top; a hit on a HIR
//! block that is in S (its reuse distance is below the oldest LIR's) makes it LIR and demotes
//! the bottom LIR block to Q; a HIR block not in S goes to the top of S and the end of Q. A
//! miss on a non-resident block still in S makes it LIR (demoting the bottom LIR block); any
//! other missed key enters S as LIR while the LIR set has room, else as HIR in S and Q.
//! Evictions take Q's oldest block; if it is in S it stays there, non-resident.
//!
//! Parameters: `Lhirs` = 1 % of the capacity, at least 1, the paper's setting and
//! libCacheSim's (`hirs_ratio = 0.01`, rounded down); S holds at most `2c` blocks, the oldest
//! non-resident ones going first, as in libCacheSim's `LIRS`. This follows libCacheSim's
//! decisions with one difference the contract imposes: a policy never evicts during a hit,
//! so where libCacheSim evicts Q's oldest block during a hit (a hit on a HIR block not in S
//! while the LIR set is full demotes a LIR block into a full Q), that block stays until the
//! next miss, which evicts it (Q holding one block over `Lhirs` meanwhile). See
//! `verify/README.md` for what this does to the hit ratios.
//!
//! # Implementation
//!
//! Blocks live in slots of a table (resident or not); an entry id names its block through
//! `slot_of`, a non-resident block is found by its key hash through a hash map. S, Q and NH
//! (the non-resident blocks in S, in the order they left, so the oldest can be dropped when S
//! is too long) are `List`s: S over one link plane, Q and NH over a second (a block is on
//! one of them at most: Q if resident, NH if not). Every event is O(1) amortised: pruning
//! removes each block from S once.
//!
//! Eviction order ([`Policy::iter`]): Q from its oldest, then the LIR blocks from the bottom
//! of S (once Q is empty, the bottom LIR block is the victim).

use super::hash_index::HashIndex;
use super::list::{self, Link, List, NIL};
use clientcache_policy_api::{EntryId, InvariantViolation, Policy, ensure};

/// A slot's kind.
const FREE: u8 = 0;
const LIR: u8 = 1;
/// A resident HIR block: on Q, and maybe on S.
const HIR: u8 = 2;
/// A non-resident HIR block: on S and NH.
const GHOST: u8 = 3;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Block {
    kind: u8,
    /// Whether the block is on S.
    in_s: bool,
    /// The entry id of a resident block; `NIL` otherwise.
    id: u32,
    hash: u64,
}

impl Block {
    const FREE: Block = Block {
        kind: FREE,
        in_s: false,
        id: NIL,
        hash: 0,
    };
}

/// LIRS; see the [module docs](self).
///
/// ```
/// use clientcache_policy_api::{EntryId, Policy};
/// use clientcache_verify::reference::Lirs;
///
/// let mut lirs = Lirs::default();
/// lirs.set_capacity(3); // Lhirs 1: two LIR blocks, one resident HIR block
/// let [a, b, c] = [0, 1, 2].map(EntryId::new);
/// lirs.on_insert(a, 0xA); // LIR
/// lirs.on_insert(b, 0xB); // LIR
/// lirs.on_insert(c, 0xC); // the LIR set is full: HIR, in Q
/// assert_eq!(lirs.victim(), Some(c));
/// lirs.on_access(c, 0xC); // c is in S above a: it becomes LIR and a (the bottom) HIR
/// assert_eq!(lirs.iter().collect::<Vec<_>>(), [a, b, c]);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Lirs {
    /// Every block's place on S (front: bottom, back: top).
    s_links: Vec<Link>,
    /// Every block's place on Q (resident HIR) or NH (non-resident).
    q_links: Vec<Link>,
    /// Invariant: `LIR` blocks are on S only; `HIR` on Q (and maybe S); `GHOST` on S and NH
    /// and in `ghosts`; `FREE` slots on no list and in `free`.
    blocks: Vec<Block>,
    free: Vec<u32>,
    /// Entry id to slot; `NIL` when the id is not resident.
    slot_of: Vec<u32>,
    /// Key hash to slot, for every `GHOST` block.
    ghosts: HashIndex,
    s: List,
    q: List,
    nh: List,
    /// Number of `LIR` blocks.
    lirs: usize,
    lir_limit: usize,
    capacity: usize,
    /// The key hash of the lookup that just missed, and the slot of its non-resident block in
    /// S if it has one: the insert that follows need not look again.
    ghost_hit: Option<(u64, Option<u32>)>,
    /// The id [`Policy::victim`] named, until the next event: removing it is an eviction.
    named: Option<EntryId>,
}

impl Lirs {
    fn slot(&self, id: EntryId) -> Option<u32> {
        self.slot_of
            .get(id.index())
            .copied()
            .filter(|&slot| slot != NIL)
    }

    fn new_slot(&mut self, block: Block) -> u32 {
        if let Some(slot) = self.free.pop() {
            self.blocks[slot as usize] = block;
            return slot;
        }
        let slot = u32::try_from(self.blocks.len()).expect("fewer than 2^32 blocks");
        self.blocks.push(block);
        self.s_links.push(Link::UNLINKED);
        self.q_links.push(Link::UNLINKED);
        slot
    }

    fn free_slot(&mut self, slot: u32) {
        self.blocks[slot as usize] = Block::FREE;
        self.free.push(slot);
    }

    /// Takes `slot` off S; a non-resident block is then forgotten.
    fn leave_s(&mut self, slot: u32) {
        self.s.unlink(&mut self.s_links, slot);
        let block = &mut self.blocks[slot as usize];
        block.in_s = false;
        if block.kind == GHOST {
            let hash = block.hash;
            self.nh.unlink(&mut self.q_links, slot);
            self.ghosts.remove(hash);
            self.free_slot(slot);
        }
    }

    /// Removes HIR blocks from the bottom of S until a LIR block is there (or one block is
    /// left, as libCacheSim stops at the top).
    fn prune(&mut self) {
        while let (Some(bottom), Some(top)) = (self.s.front(), self.s.back()) {
            if bottom == top || self.blocks[bottom as usize].kind == LIR {
                break;
            }
            self.leave_s(bottom);
        }
    }

    /// Demotes LIR blocks from the bottom of S into Q until the LIR set has room for one
    /// more. (libCacheSim also evicts Q's oldest when Q is full; the caller's next eviction
    /// does that here.)
    fn make_lir_room(&mut self) {
        while self.lirs + 1 > self.lir_limit {
            let Some(bottom) = self.s.front() else { return };
            if self.blocks[bottom as usize].kind != LIR {
                return; // no LIR block left to demote
            }
            self.s.unlink(&mut self.s_links, bottom);
            let block = &mut self.blocks[bottom as usize];
            block.in_s = false;
            block.kind = HIR;
            self.lirs -= 1;
            self.q.push_back(&mut self.q_links, bottom);
            self.prune();
        }
    }

    /// Drops the oldest non-resident blocks while S holds more than twice the capacity.
    fn limit_stack(&mut self) {
        while self.s.len() > self.capacity.saturating_mul(2) {
            let Some(oldest) = self.nh.front() else {
                return;
            };
            self.leave_s(oldest);
        }
    }

    /// A miss on the non-resident block of `hash`, if it is in S: the block goes to the top
    /// of S and the LIR set makes room for it. Returns its slot.
    fn ghost_miss(&mut self, hash: u64) -> Option<u32> {
        let slot = self.ghosts.get(hash)?;
        self.s.move_to_back(&mut self.s_links, slot);
        self.make_lir_room();
        Some(slot)
    }

    /// The block the next eviction takes: Q's oldest, else the bottom-most LIR block.
    fn victim_slot(&self) -> Option<u32> {
        self.q.front().or_else(|| {
            self.s
                .iter(&self.s_links)
                .find(|&slot| self.blocks[slot as usize].kind == LIR)
        })
    }
}

impl Policy for Lirs {
    type Iter<'a> = std::vec::IntoIter<EntryId>;

    fn name(&self) -> &'static str {
        "LIRS"
    }

    fn set_capacity(&mut self, capacity: usize) {
        self.capacity = capacity;
        let hir_limit = ((capacity as f64 * 0.01) as usize).max(1);
        self.lir_limit = capacity.saturating_sub(hir_limit);
        let wanted = capacity.min(EntryId::MAX_INDEX + 1);
        let _ = self
            .slot_of
            .try_reserve(wanted.saturating_sub(self.slot_of.len()));
        self.ghosts.reserve(wanted);
        self.named = None;
    }

    fn len(&self) -> usize {
        self.lirs + self.q.len()
    }

    fn on_insert(&mut self, id: EntryId, hash: u64) {
        self.named = None;
        let i = id.index();
        if i >= self.slot_of.len() {
            list::grow(&mut self.slot_of, i, NIL);
        } else if self.slot_of[i] != NIL {
            debug_assert!(false, "on_insert: {id:?} is already resident");
            return;
        }
        let looked_up = match self.ghost_hit.take() {
            Some((h, slot)) if h == hash => slot,
            _ => self.ghost_miss(hash),
        };
        let slot = if let Some(slot) = looked_up {
            // A non-resident block in S: it becomes LIR.
            self.nh.unlink(&mut self.q_links, slot);
            self.ghosts.remove(hash);
            let block = &mut self.blocks[slot as usize];
            block.kind = LIR;
            block.id = id.get();
            self.lirs += 1;
            slot
        } else {
            let kind = if self.lirs < self.lir_limit { LIR } else { HIR };
            let slot = self.new_slot(Block {
                kind,
                in_s: true,
                id: id.get(),
                hash,
            });
            self.s.push_back(&mut self.s_links, slot);
            if kind == LIR {
                self.lirs += 1;
            } else {
                self.q.push_back(&mut self.q_links, slot);
            }
            slot
        };
        self.slot_of[i] = slot;
        self.limit_stack();
    }

    fn on_access(&mut self, id: EntryId, _hash: u64) {
        self.named = None;
        self.ghost_hit = None;
        let Some(slot) = self.slot(id) else {
            debug_assert!(false, "on_access: {id:?} is not resident");
            return;
        };
        let block = self.blocks[slot as usize];
        if block.kind == LIR {
            self.s.move_to_back(&mut self.s_links, slot);
            self.prune();
        } else if block.in_s {
            // Its reuse distance beats the bottom LIR block's: it becomes LIR.
            self.s.move_to_back(&mut self.s_links, slot);
            self.q.unlink(&mut self.q_links, slot);
            self.make_lir_room();
            self.blocks[slot as usize].kind = LIR;
            self.lirs += 1;
        } else {
            // libCacheSim makes room in the LIR set here too (demoting the bottom LIR block).
            self.q.move_to_back(&mut self.q_links, slot);
            self.make_lir_room();
            self.s.push_back(&mut self.s_links, slot);
            self.blocks[slot as usize].in_s = true;
        }
        self.limit_stack();
    }

    fn on_miss(&mut self, hash: u64) {
        self.named = None;
        self.ghost_hit = Some((hash, self.ghost_miss(hash)));
    }

    fn on_remove(&mut self, id: EntryId) {
        let evicted = self.named.take() == Some(id);
        let Some(slot) = self.slot(id) else {
            debug_assert!(false, "on_remove: {id:?} is not resident");
            return;
        };
        self.slot_of[id.index()] = NIL;
        let block = self.blocks[slot as usize];
        if block.kind == LIR {
            self.s.unlink(&mut self.s_links, slot);
            self.lirs -= 1;
            self.free_slot(slot);
            self.prune();
            return;
        }
        self.q.unlink(&mut self.q_links, slot);
        if block.in_s && evicted {
            // It stays in S, non-resident, remembered by its key hash (replacing an older
            // block of another key with the same hash).
            if let Some(older) = self.ghosts.get(block.hash) {
                self.leave_s(older);
            }
            let block = &mut self.blocks[slot as usize];
            block.kind = GHOST;
            block.id = NIL;
            self.nh.push_back(&mut self.q_links, slot);
            let _ = self.ghosts.insert(block.hash, slot);
        } else {
            if block.in_s {
                self.s.unlink(&mut self.s_links, slot);
            }
            self.free_slot(slot);
        }
    }

    fn victim(&mut self) -> Option<EntryId> {
        let victim = self
            .victim_slot()
            .map(|slot| EntryId::new(self.blocks[slot as usize].id));
        self.named = victim;
        victim
    }

    fn iter(&self) -> Self::Iter<'_> {
        let q = self.q.iter(&self.q_links);
        let lir = self
            .s
            .iter(&self.s_links)
            .filter(|&slot| self.blocks[slot as usize].kind == LIR);
        let order: Vec<EntryId> = q
            .chain(lir)
            .map(|slot| EntryId::new(self.blocks[slot as usize].id))
            .collect();
        order.into_iter()
    }

    fn clear(&mut self) {
        *self = Lirs {
            capacity: self.capacity,
            lir_limit: self.lir_limit,
            ..Lirs::default()
        };
    }

    fn validate(&self) -> Result<(), InvariantViolation> {
        let kind = |slot: u32| self.blocks[slot as usize].kind;
        let in_s = self.s.validate(&self.s_links, "S", |slot| {
            self.blocks[slot as usize].in_s && kind(slot) != FREE
        })?;
        let in_q = self
            .q
            .validate(&self.q_links, "Q", |slot| kind(slot) == HIR)?;
        let in_nh = self.nh.validate(&self.q_links, "NH", |slot| {
            kind(slot) == GHOST && self.blocks[slot as usize].in_s
        })?;
        let count = |k: u8| self.blocks.iter().filter(|b| b.kind == k).count();
        ensure!(
            count(LIR) == self.lirs,
            "{} LIR blocks, counted {}",
            count(LIR),
            self.lirs
        );
        ensure!(
            count(HIR) == in_q,
            "{} resident HIR blocks, {in_q} on Q",
            count(HIR)
        );
        ensure!(
            count(GHOST) == in_nh && in_nh == self.ghosts.len(),
            "{} non-resident blocks, {in_nh} on NH, {} by hash",
            count(GHOST),
            self.ghosts.len()
        );
        let on_s = self.blocks.iter().filter(|b| b.in_s).count();
        ensure!(on_s == in_s, "{on_s} blocks marked on S, {in_s} on it");
        ensure!(
            self.blocks.iter().all(|b| b.kind != LIR || b.in_s),
            "a LIR block is not on S"
        );
        ensure!(
            count(FREE) == self.free.len(),
            "{} free slots, {} listed free",
            count(FREE),
            self.free.len()
        );
        for (id, &slot) in self.slot_of.iter().enumerate() {
            if slot != NIL {
                let block = self.blocks[slot as usize];
                ensure!(
                    matches!(block.kind, LIR | HIR) && block.id as usize == id,
                    "entry {id} maps to slot {slot}, which holds {block:?}"
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conforms() {
        clientcache_policy_api::conformance::check(|capacity| {
            let mut policy = Lirs::default();
            policy.set_capacity(capacity);
            policy
        });
    }

    #[test]
    fn a_non_resident_block_in_s_comes_back_as_lir_and_demotes_the_bottom_one() {
        let mut lirs = Lirs::default();
        lirs.set_capacity(3);
        let id = EntryId::new;
        for i in 0..3u32 {
            lirs.on_insert(id(i), u64::from(i) + 100);
        }
        // S: 0 1 2 (bottom to top), LIR 0 1, Q [2]. Evicting 2 leaves it in S.
        assert_eq!(lirs.evict(), Some(id(2)));
        lirs.on_insert(id(2), 103); // a new key: HIR in S and Q
        lirs.on_miss(102); // 2's old key, non-resident in S: to the top; 0 demoted to Q
        assert_eq!(lirs.victim(), Some(id(2)));
        assert_eq!(lirs.evict(), Some(id(2)));
        lirs.on_insert(id(2), 102);
        // LIR: 1 and 102's block; Q: 0.
        assert_eq!(lirs.iter().map(EntryId::get).collect::<Vec<_>>(), [0, 1, 2]);
        assert_eq!(lirs.validate(), Ok(()));
    }
}
