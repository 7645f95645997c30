//! The shard's atomic updates: replace, upsert, remove-if, retain and compute, each under the
//! one lock it is called with and with one policy event per entry it touches.
//!
//! User code (the predicates, the compute closure, the expiry hook) runs before the first
//! mutation of the entry it concerns, as everywhere in the shard, so a panic in it leaves the
//! shard consistent.

use super::Shard;
use crate::expiry::Timestamp;
use crate::listener::{RemovalCause, Removals};
use clientcache_policy_api::{EntryId, Policy};
use std::borrow::Borrow;
use std::hash::Hash;

/// What [`Cache::compute`](crate::Cache::compute)'s closure decides for the entry.
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use = "a Compute is only a decision; return it from the closure"]
pub enum Compute<V> {
    /// Leave the entry as it is (or absent): no policy event.
    Keep,
    /// Store this value: replace the entry's (an access) or insert it.
    Put(V),
    /// Remove the entry (the listener sees [`RemovalCause::Removed`]).
    Remove,
}

impl<K, V, P> Shard<K, V, P>
where
    K: Hash + Eq,
    V: Clone,
    P: Policy,
{
    /// Replaces the value of the live entry `id` with `value` at `now`: an access for the
    /// policy; the time-to-live and time-to-idle start again and the hook may give a new
    /// deadline. Returns the old value.
    fn replace_at(&mut self, id: EntryId, hash: u64, value: V, now: Option<Timestamp>) -> V {
        debug_assert!(self.entries.contains(id.index()));
        let own = match (&self.expiry, now) {
            (Some(expiry), Some(now)) if expiry.has_hook() => {
                let key = &self.entries[id.index()].key;
                expiry.hook_after(id, key, &value, now, false)
            }
            _ => None,
        };
        let old = std::mem::replace(&mut self.entries[id.index()].value, value);
        self.policy.on_access(id, hash);
        if let (Some(expiry), Some(now)) = (&mut self.expiry, now) {
            expiry.on_update(id, now, own);
        }
        old
    }

    /// Replaces `key`'s value if it is cached and live at `now` and returns the old value;
    /// `key` and a clone of the old value go to `removed` as replaced. When `key` is not
    /// cached, gives `key` and `value` back in `Err`.
    pub(crate) fn replace(
        &mut self,
        hash: u64,
        key: K,
        value: V,
        now: Option<Timestamp>,
        removed: &mut Removals<K, V>,
    ) -> Result<V, (K, V)> {
        let replaced = match self.find_live(hash, &key, now, removed) {
            Some(id) => Ok(self.replace_reporting(id, hash, key, value, now, removed)),
            None => Err((key, value)),
        };
        self.expire_some(now, removed);
        replaced
    }

    /// [`replace_at`](Self::replace_at), reporting `key` and a clone of the old value (made
    /// first: user code before the change) as replaced.
    fn replace_reporting(
        &mut self,
        id: EntryId,
        hash: u64,
        key: K,
        value: V,
        now: Option<Timestamp>,
        removed: &mut Removals<K, V>,
    ) -> V {
        let copy = self.entries[id.index()].value.clone();
        let old = self.replace_at(id, hash, value, now);
        removed.push(key, copy, RemovalCause::Replaced);
        old
    }

    /// Inserts `key -> value`, or replaces the value if `key` is cached and live (reported as
    /// [`replace`](Self::replace) does); returns the old value when it replaced.
    pub(crate) fn upsert(
        &mut self,
        hash: u64,
        key: K,
        value: V,
        now: Option<Timestamp>,
        deadline: Option<Timestamp>,
        removed: &mut Removals<K, V>,
    ) -> Option<V> {
        match self.find_live(hash, &key, now, removed) {
            Some(id) => {
                let old = self.replace_reporting(id, hash, key, value, now, removed);
                self.expire_some(now, removed);
                Some(old)
            }
            None => {
                self.insert_new(hash, key, value, now, deadline, removed);
                None
            }
        }
    }

    /// Removes `key`'s live entry if `remove(&value)` says so. Counts a removal.
    pub(crate) fn remove_if<Q>(
        &mut self,
        hash: u64,
        key: &Q,
        remove: impl FnOnce(&V) -> bool,
        now: Option<Timestamp>,
        removed: &mut Removals<K, V>,
    ) -> Option<(K, V)>
    where
        K: Borrow<Q>,
        Q: Eq + ?Sized,
    {
        let taken = self
            .find_live(hash, key, now, removed)
            .filter(|id| remove(&self.entries[id.index()].value))
            .map(|id| self.take(id));
        self.expire_some(now, removed);
        taken
    }

    /// Removes every entry for which `keep(&key, &value)` is false, into `removed` as removed,
    /// in policy order; returns how many. The caller purged expired entries first.
    pub(crate) fn retain(
        &mut self,
        keep: &mut impl FnMut(&K, &V) -> bool,
        removed: &mut Removals<K, V>,
    ) -> usize {
        // Every decision first (user code), then the removals.
        let doomed: Vec<EntryId> = self
            .policy
            .iter()
            .filter(|id| {
                let entry = &self.entries[id.index()];
                !keep(&entry.key, &entry.value)
            })
            .collect();
        removed.reserve(doomed.len());
        for &id in &doomed {
            let (key, value) = self.take(id);
            removed.push(key, value, RemovalCause::Removed);
        }
        doomed.len()
    }

    /// Runs `decide` on `key`'s live value (or `None`) and applies its decision; returns the
    /// value cached afterwards. A replaced value goes to `removed` as replaced, a removed entry
    /// as removed.
    pub(crate) fn compute(
        &mut self,
        hash: u64,
        key: K,
        decide: impl FnOnce(Option<&V>) -> Compute<V>,
        now: Option<Timestamp>,
        deadline: impl FnOnce(&K, &V) -> Option<Timestamp>,
        removed: &mut Removals<K, V>,
    ) -> Option<V> {
        let found = self.find_live(hash, &key, now, removed);
        let decision = decide(found.map(|id| &self.entries[id.index()].value));
        let after = match (found, decision) {
            (found, Compute::Keep) => found.map(|id| self.entries[id.index()].value.clone()),
            (Some(id), Compute::Put(value)) => {
                let copy = value.clone();
                let old = self.replace_at(id, hash, value, now);
                removed.push(key, old, RemovalCause::Replaced);
                Some(copy)
            }
            (None, Compute::Put(value)) => {
                let copy = value.clone();
                let deadline = deadline(&key, &value);
                // A refused newcomer (admission filter, max_size 0) is not cached.
                self.insert_new(hash, key, value, now, deadline, removed)
                    .then_some(copy)
            }
            (Some(id), Compute::Remove) => {
                let (key, value) = self.take(id);
                removed.push(key, value, RemovalCause::Removed);
                None
            }
            (None, Compute::Remove) => None,
        };
        self.expire_some(now, removed);
        after
    }

    /// Takes the live entry `id` out as a caller's removal.
    fn take(&mut self, id: EntryId) -> (K, V) {
        self.policy.on_remove(id);
        let entry = self.detach(id);
        self.stats.removals += 1;
        (entry.key, entry.value)
    }
}
