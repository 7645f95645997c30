//! [`Ghosts`]: remembered key hashes of entries that left the cache, in `N` ordered lists.
//!
//! ARC's B1 and B2, 2Q's A1out and S3-FIFO's ghost FIFO remember *keys* that are no longer
//! resident, so that a miss on one of them can be told apart from a miss on a stranger. A
//! policy sees keys only as their 64-bit hashes, so a ghost is a hash: [`Ghosts`] keeps them in
//! slots threaded on [`List`]s (oldest at the front) and finds a hash's slot through a
//! [`HashIndex`], so remembering, forgetting the oldest and finding-and-removing are each O(1). Freed
//! slots are reused, and the map is reserved for the capacity the policy asks for, so in
//! steady state nothing allocates.
//!
//! Two keys with the same 64-bit hash are one ghost (the chance is about n²/2⁶⁵ for n keys);
//! remembering a hash that is already remembered moves it instead of duplicating it.

use super::hash_index::HashIndex;
use super::list::{Link, List};
use clientcache_policy_api::{InvariantViolation, ensure};

/// Remembered hashes in `N` lists (list `k` is named by `k`), each oldest first.
#[derive(Clone, Debug)]
pub(crate) struct Ghosts<const N: usize> {
    /// Links of every slot; a free slot is unlinked.
    links: Vec<Link>,
    /// The hash a slot remembers, and the list it is on (`u8::MAX` when free).
    /// Invariant: `index[hashes[s]] == s` for every slot `s` on a list.
    slots: Vec<(u64, u8)>,
    /// Free slots, reused before the table grows.
    free: Vec<u32>,
    /// Hash to slot, for every remembered hash.
    index: HashIndex,
    lists: [List; N],
}

impl<const N: usize> Default for Ghosts<N> {
    fn default() -> Self {
        Ghosts {
            links: Vec::new(),
            slots: Vec::new(),
            free: Vec::new(),
            index: HashIndex::default(),
            lists: [List::EMPTY; N],
        }
    }
}

/// The tag of a free slot.
const FREE: u8 = u8::MAX;

impl<const N: usize> Ghosts<N> {
    /// Reserves room for `n` ghosts (ignoring failure: the tables then grow on demand).
    pub(crate) fn reserve(&mut self, n: usize) {
        let wanted = n.saturating_sub(self.len());
        self.index.reserve(n);
        let _ = self.links.try_reserve(wanted);
        let _ = self.slots.try_reserve(wanted);
    }

    /// Number of ghosts on `list`.
    #[inline]
    pub(crate) fn len_of(&self, list: usize) -> usize {
        self.lists[list].len()
    }

    /// Number of ghosts on every list.
    pub(crate) fn len(&self) -> usize {
        self.index.len()
    }

    /// The list `hash` is remembered on, if it is.
    #[inline]
    pub(crate) fn find(&self, hash: u64) -> Option<usize> {
        let slot = self.index.get(hash)?;
        Some(usize::from(self.slots[slot as usize].1))
    }

    /// Remembers `hash` as the newest ghost of `list` (moving it there if it is remembered).
    pub(crate) fn push_back(&mut self, list: usize, hash: u64) {
        let slot = match self.free.pop() {
            Some(slot) => slot,
            None => {
                let Ok(slot) = u32::try_from(self.links.len()) else {
                    return; // 2^32 ghosts: remember no more (no policy asks for that many).
                };
                self.links.push(Link::UNLINKED);
                self.slots.push((0, FREE));
                slot
            }
        };
        self.slots[slot as usize] = (hash, list as u8);
        self.lists[list].push_back(&mut self.links, slot);
        if let Some(older) = self.index.insert(hash, slot) {
            // The hash was remembered already: drop the older slot.
            let (_, list) = std::mem::replace(&mut self.slots[older as usize], (0, FREE));
            self.lists[usize::from(list)].unlink(&mut self.links, older);
            self.free.push(older);
        }
    }

    /// Forgets the oldest ghost of `list`; returns its hash.
    pub(crate) fn pop_front(&mut self, list: usize) -> Option<u64> {
        let slot = self.lists[list].pop_front(&mut self.links)?;
        let (hash, _) = std::mem::replace(&mut self.slots[slot as usize], (0, FREE));
        self.index.remove(hash);
        self.free.push(slot);
        Some(hash)
    }

    /// Forgets `hash`; returns the list it was on.
    pub(crate) fn remove(&mut self, hash: u64) -> Option<usize> {
        let slot = self.index.remove(hash)?;
        let (_, list) = std::mem::replace(&mut self.slots[slot as usize], (0, FREE));
        self.lists[usize::from(list)].unlink(&mut self.links, slot);
        self.free.push(slot);
        Some(usize::from(list))
    }

    /// Forgets every ghost, keeping the allocations.
    pub(crate) fn clear(&mut self) {
        self.links.clear();
        self.slots.clear();
        self.free.clear();
        self.index.clear();
        self.lists = [List::EMPTY; N];
    }

    /// The hashes of `list`, oldest first.
    #[cfg(test)]
    pub(crate) fn hashes(&self, list: usize) -> impl Iterator<Item = u64> + '_ {
        self.lists[list]
            .iter(&self.links)
            .map(|slot| self.slots[slot as usize].0)
    }

    /// Checks every list, and that the map holds exactly the listed slots.
    pub(crate) fn validate(&self, names: [&str; N]) -> Result<(), InvariantViolation> {
        let mut listed = 0;
        for (k, list) in self.lists.iter().enumerate() {
            listed += list.validate(&self.links, names[k], |slot| {
                self.slots.get(slot as usize).map(|s| usize::from(s.1)) == Some(k)
            })?;
        }
        ensure!(
            listed == self.index.len(),
            "{listed} ghosts on the lists, {} in the index",
            self.index.len()
        );
        for (hash, slot) in self.index.entries() {
            ensure!(
                self.slots.get(slot as usize).map(|s| s.0) == Some(hash),
                "the index sends hash {hash:#x} to slot {slot}, which remembers another"
            );
        }
        ensure!(
            self.free.len() + listed == self.links.len(),
            "{} free and {listed} listed slots, but {} in the table",
            self.free.len(),
            self.links.len()
        );
        Ok(())
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ghosts_are_found_moved_popped_oldest_first_and_slots_reused() {
        let mut ghosts = Ghosts::<2>::default();
        for hash in [10, 11, 12] {
            ghosts.push_back(0, hash);
        }
        ghosts.push_back(1, 11); // moves 11 from list 0 to list 1
        assert_eq!(ghosts.find(11), Some(1));
        assert_eq!(ghosts.hashes(0).collect::<Vec<_>>(), [10, 12]);
        assert_eq!(ghosts.pop_front(0), Some(10));
        assert_eq!(ghosts.remove(12), Some(0));
        assert_eq!(ghosts.remove(12), None);
        assert_eq!(
            (ghosts.len_of(0), ghosts.len_of(1), ghosts.len()),
            (0, 1, 1)
        );
        ghosts.push_back(0, 13);
        assert_eq!(
            ghosts.links.len(),
            4,
            "freed slots are reused (moving 11 took a fourth)"
        );
        assert_eq!(ghosts.validate(["B1", "B2"]), Ok(()));
        ghosts.clear();
        assert_eq!((ghosts.len(), ghosts.find(13)), (0, None));
    }
}
