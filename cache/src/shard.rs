//! [`Shard`]: the sequential core. Everything the cache lock guards, with no locking inside.
//!
//! # Layout
//!
//! Entries live in a [`Slab`]; an entry's slab key is the [`EntryId`] the policy knows it by.
//! A [`HashTable<EntryId>`] indexes the slab keys by the 64-bit key hash stored in each entry, so a
//! lookup is one probe that compares the stored key, and a rehash never calls the user's
//! `Hash`. At 1M `u64 -> u64` entries that is 32 bytes of slab slot plus about 10 of table per
//! entry, before the policy's own nodes.
//!
//! # Panic safety
//!
//! The only user code a shard runs is `K`'s `Eq` (lookups) and `K`/`V`'s `Clone` (reads and
//! snapshots), plus `K`'s `Hash` in [`Shard::validate`]. Every method runs them before its
//! first mutation or after its last, so a panic leaves the shard consistent; that is what lets
//! the cache recover a poisoned lock.
//!
//! A cache has one or more shards (`sharding.rs`); each key lives in one of them.
//!
//! # Loading
//!
//! The shard owns the single-flight bookkeeping of its keys: [`Shard::begin_load`] decides
//! whether a `get_or_insert_with` caller hits, waits on a load in flight or becomes the loader,
//! and [`Shard::finish_load`] / [`Shard::abandon_load`] end a load. `loading.rs` only drives
//! them and runs the loader with no lock held.

use crate::expiry::{ExpiryConfig, PER_OPERATION, ShardExpiry, Timestamp};
use crate::flight::{Flight, FlightTable};
use crate::listener::{RemovalCause, Removals};
use crate::stats::CacheStats;
use crate::sync::Arc;
use clientcache_policy_api::{EntryId, InvariantViolation, Policy, ensure};
use hashbrown::HashTable;
use slab::Slab;
use std::borrow::Borrow;
use std::fmt;
use std::hash::Hash;

/// One resident entry.
#[derive(Clone)]
pub(crate) struct Entry<K, V> {
    pub(crate) key: K,
    pub(crate) value: V,
    /// The key's hash under the cache's hasher; what the table and the policy were given.
    hash: u64,
}

/// The sequential cache: map, entries, policy, counters and the loads in flight.
pub(crate) struct Shard<K, V, P> {
    /// The resident entries. Invariant: `entries.len() == table.len() == policy.len()
    /// <= max_size`, and every slab key is at most [`EntryId::MAX_INDEX`].
    entries: Slab<Entry<K, V>>,
    /// The slab keys of the resident entries. Invariant: each occupied slab key appears exactly
    /// once, stored under its entry's `hash`; nothing else appears.
    table: HashTable<EntryId>,
    /// Orders the resident entries. Invariant: its resident ids are exactly the occupied slab
    /// keys, each inserted with its entry's `hash`.
    policy: P,
    /// Invariant: `max_size <= MAX_SIZE_LIMIT`; the policy was last told this capacity.
    max_size: usize,
    /// Counters; see [`CacheStats`] for what each counts.
    stats: CacheStats,
    /// Loads in flight (`get_or_insert_with`). Independent of the entries: a key may be both
    /// resident and loading when `insert` raced a loader.
    flights: FlightTable<K, V>,
    /// The deadlines, when the cache has expiry. Invariant: its structures hold exactly the
    /// resident entries (the wheel: those with a deadline of their own). Every method that
    /// takes a `now` is given one exactly when this is `Some`.
    expiry: Option<ShardExpiry<K, V>>,
}

/// What a caller of the `get_or_insert_with` family does next ([`Shard::begin_load`]).
pub(crate) enum Begin<K, V> {
    /// The key is cached: return the value.
    Hit(V),
    /// Another call loads the key: wait on its flight, then (if it was abandoned) retry with
    /// the key given back.
    Wait(K, Arc<Flight<V>>),
    /// This call registered the flight (the shard holds the key): run the loader.
    Load(Arc<Flight<V>>),
}

/// A finished load ([`Shard::finish_load`]).
pub(crate) struct Finished<K, V> {
    /// What the load resolves to, for the loader and its waiters: the loaded value, or the
    /// cached one when `insert` raced the loader.
    pub(crate) value: V,
    /// When the cached value won: the key and the loaded value with its copy, to drop outside
    /// the lock.
    pub(crate) unused: Option<(K, V, V)>,
}

impl<K, V, P> Shard<K, V, P> {
    /// Number of resident entries.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// The most entries the shard holds.
    #[inline]
    pub(crate) fn max_size(&self) -> usize {
        self.max_size
    }

    /// The counters.
    pub(crate) fn stats(&self) -> CacheStats {
        self.stats
    }

    /// Zeroes the counters.
    pub(crate) fn reset_stats(&mut self) {
        self.stats = CacheStats::default();
    }

    /// The policy.
    pub(crate) fn policy(&self) -> &P {
        &self.policy
    }

    /// Number of loads in flight.
    pub(crate) fn loads_in_flight(&self) -> usize {
        self.flights.len()
    }

    /// Unregisters the abandoned load `flight` (its loader failed, panicked or was cancelled)
    /// and gives its key back; `None` when [`finish_load`](Self::finish_load) already did.
    pub(crate) fn abandon_load(&mut self, hash: u64, flight: &Arc<Flight<V>>) -> Option<K> {
        self.flights.take(hash, flight)
    }
}

impl<K, V, P> Shard<K, V, P>
where
    K: Hash + Eq,
    V: Clone,
    P: Policy,
{
    /// An empty shard holding at most `max_size` entries, with `expiry`'s structures if any;
    /// `policy` forgets any ids it holds (they name no entry here).
    pub(crate) fn new(mut policy: P, max_size: usize, expiry: Option<&ExpiryConfig<K, V>>) -> Self {
        policy.clear();
        debug_assert!(max_size <= crate::MAX_SIZE_LIMIT);
        policy.set_capacity(max_size);
        Shard {
            entries: Slab::new(),
            table: HashTable::new(),
            policy,
            max_size,
            stats: CacheStats::default(),
            flights: FlightTable::new(),
            expiry: expiry.map(ShardExpiry::new),
        }
    }

    /// Whether the entry `id` is expired at `now` (never, without expiry).
    #[inline]
    fn is_expired(&self, id: EntryId, now: Option<Timestamp>) -> bool {
        match (&self.expiry, now) {
            (Some(expiry), Some(now)) => expiry.is_expired(id, now),
            _ => false,
        }
    }

    /// The entry for `key` if resident and not expired at `now`; an expired one is removed
    /// into `removed`.
    #[inline]
    fn find_live<Q>(
        &mut self,
        hash: u64,
        key: &Q,
        now: Option<Timestamp>,
        removed: &mut Removals<K, V>,
    ) -> Option<EntryId>
    where
        K: Borrow<Q>,
        Q: Eq + ?Sized,
    {
        let id = self.find(hash, key)?;
        if self.is_expired(id, now) {
            self.expire(id, removed);
            return None;
        }
        Some(id)
    }

    /// Removes the expired entry `id` into `removed`, as a removal the policy hears of.
    fn expire(&mut self, id: EntryId, removed: &mut Removals<K, V>) {
        self.policy.on_remove(id);
        let entry = self.detach(id);
        self.stats.expirations += 1;
        removed.push(entry.key, entry.value, RemovalCause::Expired);
    }

    /// Removes at most [`PER_OPERATION`] entries due at `now`: every operation's share of the
    /// proactive expiry. Runs no user code.
    #[inline]
    pub(crate) fn expire_some(&mut self, now: Option<Timestamp>, removed: &mut Removals<K, V>) {
        let (Some(now), Some(expiry)) = (now, &self.expiry) else {
            return;
        };
        if !expiry.may_be_due(now) {
            return; // the common case: one comparison
        }
        self.expire_due(now, removed);
    }

    /// [`expire_some`](Self::expire_some) past its quick check.
    #[cold]
    fn expire_due(&mut self, now: Timestamp, removed: &mut Removals<K, V>) {
        let mut work = ShardExpiry::<K, V>::operation_budget();
        for _ in 0..PER_OPERATION {
            let Some(expiry) = &mut self.expiry else {
                return;
            };
            let Some(id) = expiry.next_due(now, &mut work) else {
                expiry.checked_until(now);
                return;
            };
            self.expire(id, removed);
        }
    }

    /// Removes every entry due at `now`; returns how many.
    pub(crate) fn purge_expired(
        &mut self,
        now: Option<Timestamp>,
        removed: &mut Removals<K, V>,
    ) -> usize {
        let (Some(now), Some(_)) = (now, &self.expiry) else {
            return 0;
        };
        let before = self.stats.expirations;
        loop {
            let mut work = usize::MAX;
            let expiry = self.expiry.as_mut().expect("checked above");
            match expiry.next_due(now, &mut work) {
                Some(id) => self.expire(id, removed),
                None => break,
            }
        }
        let expiry = self.expiry.as_ref().expect("checked above");
        for id in expiry.due_in_this_tick(now) {
            self.expire(id, removed);
        }
        (self.stats.expirations - before) as usize
    }

    /// The slab key of the entry for `key`, if resident.
    #[inline]
    fn find<Q>(&self, hash: u64, key: &Q) -> Option<EntryId>
    where
        K: Borrow<Q>,
        Q: Eq + ?Sized,
    {
        let entries = &self.entries;
        self.table
            .find(hash, |id| entries[id.index()].key.borrow() == key)
            .copied()
    }

    /// A counted lookup: an access for the policy on a hit, `on_miss` on a miss. For a cache
    /// without expiry ([`get_at`](Self::get_at) otherwise): the hot path, with nothing else.
    #[inline]
    pub(crate) fn get<Q>(&mut self, hash: u64, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Eq + ?Sized,
    {
        debug_assert!(self.expiry.is_none(), "a cache with expiry reads at a time");
        match self.find(hash, key) {
            Some(id) => {
                // Clone first: a panicking `V::clone` then leaves everything untouched.
                let value = self.entries[id.index()].value.clone();
                self.policy.on_access(id, hash);
                self.stats.hits += 1;
                Some(value)
            }
            None => {
                self.policy.on_miss(hash);
                self.stats.misses += 1;
                None
            }
        }
    }

    /// [`get`](Self::get) for a cache with expiry, at `now`: an expired entry is removed
    /// into `removed` and the lookup misses; a hit refreshes the time-to-idle and asks the
    /// expiry hook for a new deadline.
    #[inline]
    pub(crate) fn get_at<Q>(
        &mut self,
        hash: u64,
        key: &Q,
        now: Timestamp,
        removed: &mut Removals<K, V>,
    ) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Eq + ?Sized,
    {
        let found = match self.find_live(hash, key, Some(now), removed) {
            Some(id) => {
                // User code first (the clone, the hook): a panic then changes nothing more.
                let entry = &self.entries[id.index()];
                let value = entry.value.clone();
                let own = match &self.expiry {
                    Some(expiry) if expiry.has_hook() => {
                        expiry.hook_after(id, &entry.key, &entry.value, now, true)
                    }
                    _ => None,
                };
                self.policy.on_access(id, hash);
                self.stats.hits += 1;
                if let Some(expiry) = &mut self.expiry {
                    expiry.on_read(id, now, own);
                }
                Some(value)
            }
            None => {
                self.policy.on_miss(hash);
                self.stats.misses += 1;
                None
            }
        };
        self.expire_some(Some(now), removed);
        found
    }

    /// A lookup that is not an access: no policy event, no counter, no time-to-idle refresh.
    /// An entry expired at `now` is absent (and left for the next operation to remove).
    #[inline]
    pub(crate) fn peek<Q>(&self, hash: u64, key: &Q, now: Option<Timestamp>) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Eq + ?Sized,
    {
        let id = self.find(hash, key)?;
        (!self.is_expired(id, now)).then(|| self.entries[id.index()].value.clone())
    }

    /// Whether `key` is resident and not expired at `now`; not an access.
    #[inline]
    pub(crate) fn contains<Q>(&self, hash: u64, key: &Q, now: Option<Timestamp>) -> bool
    where
        K: Borrow<Q>,
        Q: Eq + ?Sized,
    {
        self.find(hash, key)
            .is_some_and(|id| !self.is_expired(id, now))
    }

    /// One step of the `get_or_insert_with` family: a hit, a flight to wait on, or a new
    /// flight the caller loads. The first look is the call's one counted lookup; retries after
    /// an abandoned load (`counted`) are the same request, so they only peek.
    pub(crate) fn begin_load(
        &mut self,
        hash: u64,
        key: K,
        counted: bool,
        now: Option<Timestamp>,
        removed: &mut Removals<K, V>,
    ) -> Begin<K, V> {
        let hit = match now {
            _ if counted => self.peek(hash, &key, now),
            Some(now) => self.get_at(hash, &key, now, removed),
            None => self.get(hash, &key),
        };
        if let Some(value) = hit {
            return Begin::Hit(value);
        }
        if let Some(flight) = self.flights.find(hash, &key) {
            return Begin::Wait(key, Arc::clone(flight));
        }
        Begin::Load(self.flights.start(hash, key))
    }

    /// Ends the load `flight` with `value` (`copy` is a clone of it, made before the lock was
    /// taken): unregisters the flight and stores `copy` unless the key was inserted meanwhile
    /// and is not expired, in which case the cached value wins. With expiry, `at` is the time
    /// and the settings, whose hook gives the stored entry its deadline (run here: the shard
    /// held the key during the load). Evictions and expirations go to `removed`.
    pub(crate) fn finish_load(
        &mut self,
        hash: u64,
        flight: &Arc<Flight<V>>,
        (value, copy): (V, V),
        at: Option<(Timestamp, Option<&ExpiryConfig<K, V>>)>,
        removed: &mut Removals<K, V>,
    ) -> Finished<K, V> {
        let key = self
            .flights
            .take(hash, flight)
            .expect("only its loader unregisters a flight");
        let now = at.map(|(now, _)| now);
        let current = self.peek(hash, &key, now);
        let deadline = match (current.is_none(), at) {
            (true, Some((now, Some(config)))) => config.created(&key, &copy, now),
            _ => None,
        };
        if current.is_none() {
            if let Some(id) = self.find(hash, &key) {
                self.expire(id, removed); // resident, but expired
            }
        }
        match current {
            // `insert` raced the loader: the cached value wins.
            Some(current) => Finished {
                value: current,
                unused: Some((key, value, copy)),
            },
            None => {
                self.insert_new(hash, key, copy, now, deadline, removed);
                Finished {
                    value,
                    unused: None,
                }
            }
        }
    }

    /// The flight loading `key`, if any (tests count its waiters).
    #[cfg(all(test, not(loom)))]
    pub(crate) fn flight_of(&self, hash: u64, key: &K) -> Option<&Arc<Flight<V>>> {
        self.flights.find(hash, key)
    }

    /// Stores `key -> value` (with its own `deadline`, if any) unless `key` is resident and
    /// not expired at `now`, in which case both come back in `Err`. An expired entry for `key`
    /// is removed first; evicted and expired entries go to `removed`.
    #[inline]
    pub(crate) fn insert(
        &mut self,
        hash: u64,
        key: K,
        value: V,
        now: Option<Timestamp>,
        deadline: Option<Timestamp>,
        removed: &mut Removals<K, V>,
    ) -> Result<(), (K, V)> {
        if self.find_live(hash, &key, now, removed).is_some() {
            return Err((key, value));
        }
        self.insert_new(hash, key, value, now, deadline, removed);
        Ok(())
    }

    /// Stores `key -> value`; `key` must not be resident. Entries due at `now` go first (some
    /// of them; they may make room). When full, evicts the policy's victim first, unless the
    /// policy's admission filter refuses the newcomer: then (and when `max_size` is 0) the
    /// newcomer is not stored and goes to `removed` as evicted.
    pub(crate) fn insert_new(
        &mut self,
        hash: u64,
        key: K,
        value: V,
        now: Option<Timestamp>,
        deadline: Option<Timestamp>,
        removed: &mut Removals<K, V>,
    ) -> bool {
        debug_assert!(
            self.find(hash, &key).is_none(),
            "insert_new of a resident key"
        );
        debug_assert_eq!(now.is_some(), self.expiry.is_some());
        self.expire_some(now, removed);
        self.stats.inserts += 1;
        if self.entries.len() >= self.max_size {
            let victim = match self.policy.victim() {
                Some(victim) if self.policy.admit(hash, victim) => victim,
                // Refused, or max_size 0: nothing to displace, nowhere to store.
                _ => {
                    self.stats.evictions += 1;
                    removed.push(key, value, RemovalCause::Evicted);
                    return false;
                }
            };
            // What `evict` does, without asking the policy for its victim a second time (a
            // TinyLFU victim costs two sketch estimates).
            self.policy.on_remove(victim);
            self.stats.evictions += 1;
            let evicted = self.detach(victim);
            removed.push(evicted.key, evicted.value, RemovalCause::Evicted);
        }
        // Cannot fail: slab keys stay below the largest `len` ever reached, and
        // `len <= max_size <= MAX_SIZE_LIMIT = EntryId::MAX_INDEX + 1`.
        let id =
            EntryId::from_index(self.entries.vacant_key()).expect("slab keys fit in an EntryId");
        let slot = self.entries.insert(Entry { key, value, hash });
        debug_assert_eq!(slot, id.index());
        let entries = &self.entries;
        self.table
            .insert_unique(hash, id, |id| entries[id.index()].hash);
        self.policy.on_insert(id, hash);
        if let (Some(expiry), Some(now)) = (&mut self.expiry, now) {
            expiry.on_insert(id, now, deadline);
        }
        debug_assert!(self.entries.len() <= self.max_size);
        debug_assert_eq!(self.table.len(), self.entries.len());
        debug_assert_eq!(self.policy.len(), self.entries.len());
        true
    }

    /// Removes `key`'s entry, if resident and not expired at `now` (an expired one goes to
    /// `removed` as expired, and this returns `None`). Counts a removal.
    pub(crate) fn remove<Q>(
        &mut self,
        hash: u64,
        key: &Q,
        now: Option<Timestamp>,
        removed: &mut Removals<K, V>,
    ) -> Option<(K, V)>
    where
        K: Borrow<Q>,
        Q: Eq + ?Sized,
    {
        let found = self.find_live(hash, key, now, removed).map(|id| {
            self.policy.on_remove(id);
            let entry = self.detach(id);
            self.stats.removals += 1;
            (entry.key, entry.value)
        });
        self.expire_some(now, removed);
        found
    }

    /// Removes the policy's next victim. Counts a removal (the caller asked for it).
    pub(crate) fn pop_victim(&mut self) -> Option<(K, V)> {
        let id = self.policy.evict()?;
        let entry = self.detach(id);
        self.stats.removals += 1;
        Some((entry.key, entry.value))
    }

    /// Sets `max_size` (at most `MAX_SIZE_LIMIT`, checked by the caller) and evicts in policy
    /// order down to it, into `removed` as resized: the first entries of the order `iter`
    /// reported just before. The policy hears of the new capacity only afterwards, since a
    /// policy may reorder on it (TinyLFU resizes its window). The caller purges expired
    /// entries first.
    pub(crate) fn set_max_size(&mut self, max_size: usize, removed: &mut Removals<K, V>) {
        debug_assert!(max_size <= crate::MAX_SIZE_LIMIT);
        removed.reserve(self.entries.len().saturating_sub(max_size));
        while self.entries.len() > max_size {
            let entry = self.evict().expect("a non-empty shard has a victim");
            removed.push(entry.key, entry.value, RemovalCause::Resized);
        }
        self.max_size = max_size;
        self.policy.set_capacity(max_size);
        debug_assert!(self.entries.len() <= self.max_size);
    }

    /// Removes every entry, in policy order, into `removed` as cleared. Loads in flight go on.
    /// The caller purges expired entries first.
    pub(crate) fn clear(&mut self, removed: &mut Removals<K, V>) {
        let len = self.entries.len();
        removed.reserve(len);
        for id in self.policy.iter() {
            let entry = self.entries.remove(id.index());
            removed.push(entry.key, entry.value, RemovalCause::Cleared);
        }
        debug_assert!(self.entries.is_empty(), "the policy named every entry");
        self.stats.removals += len as u64;
        self.entries.clear(); // Also resets the free list: slab keys restart at 0.
        self.table.clear();
        self.policy.clear();
        if let Some(expiry) = &mut self.expiry {
            expiry.clear();
        }
        debug_assert!(self.policy.is_empty());
    }

    /// The entries in policy order, next victim first.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&K, &V)> + '_ {
        self.policy.iter().map(|id| {
            let entry = &self.entries[id.index()];
            (&entry.key, &entry.value)
        })
    }

    /// An independent copy: same entries, slab keys, policy state, max_size and counters; no
    /// loads in flight.
    pub(crate) fn deep_clone(&self) -> Self
    where
        K: Clone,
    {
        Shard {
            entries: self.entries.clone(),
            table: self.table.clone(),
            policy: self.policy.clone(),
            max_size: self.max_size,
            stats: self.stats,
            flights: FlightTable::new(),
            expiry: self.expiry.clone(),
        }
    }

    /// Checks every invariant from scratch; `hash_key` recomputes a key's hash. O(n).
    pub(crate) fn validate(&self, hash_key: impl Fn(&K) -> u64) -> Result<(), InvariantViolation> {
        let len = self.entries.len();
        ensure!(
            len <= self.max_size,
            "len {len} exceeds max_size {}",
            self.max_size
        );
        ensure!(
            self.table.len() == len,
            "the table indexes {} entries, the slab holds {len}",
            self.table.len()
        );
        ensure!(
            self.policy.len() == len,
            "the {} policy has {} resident ids, the slab holds {len} entries",
            self.policy.name(),
            self.policy.len()
        );
        for (slot, entry) in &self.entries {
            ensure!(
                slot <= EntryId::MAX_INDEX,
                "slab key {slot} exceeds EntryId::MAX_INDEX"
            );
            ensure!(
                entry.hash == hash_key(&entry.key),
                "the entry at slot {slot} stores a hash its key no longer has (a key whose Hash \
                 changed while cached?)"
            );
            ensure!(
                self.table
                    .find(entry.hash, |id| id.index() == slot)
                    .is_some(),
                "the entry at slot {slot} is not indexed under its hash"
            );
        }
        for id in &self.table {
            ensure!(
                self.entries.contains(id.index()),
                "the table indexes {id:?}, which is vacant"
            );
        }
        let mut seen = vec![false; self.entries.capacity()];
        for id in self.policy.iter() {
            ensure!(
                self.entries.contains(id.index()),
                "the policy orders {id:?}, which is vacant"
            );
            ensure!(
                !std::mem::replace(&mut seen[id.index()], true),
                "the policy orders {id:?} twice"
            );
        }
        if let Some(expiry) = &self.expiry {
            expiry.validate(len, |id| self.entries.contains(id.index()))?;
        }
        self.policy.validate()
    }

    /// Removes the policy's next victim from the policy and the slab.
    fn evict(&mut self) -> Option<Entry<K, V>> {
        let id = self.policy.evict()?;
        self.stats.evictions += 1;
        Some(self.detach(id))
    }

    /// Takes the entry `id` out of the slab and the table; the policy must already have
    /// forgotten it.
    #[inline]
    fn detach(&mut self, id: EntryId) -> Entry<K, V> {
        if let Some(expiry) = &mut self.expiry {
            expiry.remove(id);
        }
        let entry = self.entries.remove(id.index());
        match self.table.find_entry(entry.hash, |&x| x == id) {
            Ok(found) => {
                found.remove();
            }
            Err(_) => debug_assert!(false, "{id:?} is not indexed under its hash"),
        }
        debug_assert_eq!(self.table.len(), self.entries.len());
        debug_assert_eq!(self.policy.len(), self.entries.len());
        entry
    }
}

impl<K, V, P: Policy> fmt::Debug for Shard<K, V, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shard")
            .field("len", &self.entries.len())
            .field("max_size", &self.max_size)
            .field("policy", &self.policy.name())
            .field("stats", &self.stats)
            .field("loading", &self.flights.len())
            .finish()
    }
}

#[path = "shard_update.rs"]
mod update;
pub use update::Compute;

#[cfg(all(test, not(loom)))]
#[path = "shard_tests.rs"]
mod tests;
