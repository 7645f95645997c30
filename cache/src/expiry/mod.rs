//! Expiry: entries that leave the cache when their time is up, not only when evicted.
//!
//! # The problem
//!
//! A client built from temporary credentials is useless once they expire; an idle tenant's
//! client holds a connection pool nobody uses. So an entry may have a deadline, from three
//! sources, the earliest winning:
//!
//! - a time-to-live for every entry, counted from its insertion
//!   ([`CacheBuilder::time_to_live`](crate::CacheBuilder::time_to_live));
//! - a time-to-idle for every entry, counted from its last read (`get`; not `peek`)
//!   ([`CacheBuilder::time_to_idle`](crate::CacheBuilder::time_to_idle));
//! - a deadline of its own: given with the insert ([`Cache::insert_with_ttl`](crate::Cache::insert_with_ttl),
//!   [`Cache::insert_with_deadline`](crate::Cache::insert_with_deadline)), or computed by an
//!   [`Expiry`] hook from the key and value on insert and, if the hook says so, on read.
//!
//! # Semantics
//!
//! Time is what the cache's [`Clock`] reads. An entry whose deadline is at or before the time an
//! operation read is expired: no operation returns it (`get`, `peek`, `try_get` and
//! `contains_key` see it as absent, `insert` replaces it, `get_or_insert_with` loads it again
//! through single-flight), and whole-cache operations (`len`, the snapshots, `clear`,
//! `set_max_size`, `pop_victim`) first remove every expired entry. Expired entries leave as
//! [`RemovalCause::Expired`](crate::RemovalCause::Expired), through the same path as a removal
//! (the policy hears `on_remove`), and are counted in
//! [`CacheStats::expirations`](crate::CacheStats::expirations).
//!
//! They are removed when touched, and proactively: every operation on a shard removes at most
//! two due entries (`PER_OPERATION`; amortised O(1), never a scan), and
//! [`Cache::purge_expired`](crate::Cache::purge_expired) removes all that are due. The library
//! runs no thread of its own; an application that wants idle entries released without traffic
//! calls `purge_expired` periodically (see its docs).
//!
//! # Structures
//!
//! Per shard, each only when configured: a [`TimeQueue`] in insertion order for the
//! time-to-live (16 bytes per entry), one in read order for the time-to-idle (16 more), and a
//! hierarchical [`TimerWheel`] for per-entry deadlines (18 more, for the entries that have
//! one). A cache without expiry has none of them and never reads a clock.

mod clock;
mod queue;
mod wheel;

pub use clock::{Clock, ManualClock, MonotonicClock};

use clientcache_policy_api::{EntryId, InvariantViolation, ensure};
use queue::TimeQueue;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
use wheel::TimerWheel;

/// Most due entries one operation removes besides the one it touches.
pub(crate) const PER_OPERATION: usize = 2;

/// Units of wheel work (steps and cascaded entries) one operation may spend.
const WHEEL_WORK_PER_OPERATION: usize = 8;

/// A per-entry deadline hook ([`CacheBuilder::expire_after`](crate::CacheBuilder::expire_after)):
/// computes how long an entry lives from its key and value.
///
/// Each method returns the time the entry has left from `now`, or `None` for no deadline of
/// its own (the builder's time-to-live and time-to-idle still apply). `expire_after_create`
/// runs before the cache lock is taken, except for a value a `get_or_insert_with` loader made
/// (the shard holds that key during the load) or [`Cache::compute`](crate::Cache::compute)
/// inserts; there, and in `expire_after_read` and
/// `expire_after_update`, it runs under the lock of the entry's shard, before the entry
/// changes. So a hook must be quick, must not call into the cache, and should not panic (a
/// panic leaves the cache consistent, without the entry it was computing a deadline for).
///
/// # Examples
///
/// ```
/// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
/// use clientcache::{Cache, Expiry, LruPolicy, ManualClock};
/// use std::time::Duration;
///
/// /// Tokens carry their lifetime; everything else lives a minute.
/// struct ByLifetime;
///
/// impl Expiry<String, (String, Duration)> for ByLifetime {
///     fn expire_after_create(
///         &self,
///         _key: &String,
///         value: &(String, Duration),
///         _now: Duration,
///     ) -> Option<Duration> {
///         Some(value.1)
///     }
/// }
///
/// let clock = ManualClock::new();
/// let cache = Cache::<String, (String, Duration), LruPolicy>::builder()
///     .expire_after(ByLifetime)
///     .clock(clock.clone())
///     .build()?;
/// cache.insert("short".into(), ("a".into(), Duration::from_secs(5)))?;
/// cache.insert("long".into(), ("b".into(), Duration::from_secs(50)))?;
/// clock.advance(Duration::from_secs(10));
/// assert_eq!(cache.keys(), ["long"]);
/// # }
/// # Ok::<(), clientcache::Error>(())
/// ```
pub trait Expiry<K, V>: Send + Sync {
    /// The lifetime of an entry inserted at `now`.
    fn expire_after_create(&self, key: &K, value: &V, now: Duration) -> Option<Duration>;

    /// The lifetime left after a read (`get`) at `now`, given the time it had left (`None`: no
    /// deadline of its own). The default keeps it.
    fn expire_after_read(
        &self,
        key: &K,
        value: &V,
        now: Duration,
        remaining: Option<Duration>,
    ) -> Option<Duration> {
        let _ = (key, value, now);
        remaining
    }

    /// The lifetime left after the value was replaced at `now`. The default keeps it.
    fn expire_after_update(
        &self,
        key: &K,
        value: &V,
        now: Duration,
        remaining: Option<Duration>,
    ) -> Option<Duration> {
        let _ = (key, value, now);
        remaining
    }
}

/// A point in a cache's time: nanoseconds since its clock's origin.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub(crate) struct Timestamp(u64);

impl Timestamp {
    /// The clock's origin.
    pub(crate) const ZERO: Timestamp = Timestamp(0);

    /// `nanos` after the origin.
    pub(crate) const fn from_nanos(nanos: u64) -> Self {
        Timestamp(nanos)
    }

    /// A clock reading (saturating at `u64::MAX` nanoseconds).
    #[inline]
    pub(crate) fn from_duration(since_origin: Duration) -> Self {
        // Not `as_nanos()`: a u128 multiplication on every operation of an expiring cache.
        let nanos = since_origin
            .as_secs()
            .saturating_mul(1_000_000_000)
            .saturating_add(u64::from(since_origin.subsec_nanos()));
        Timestamp(nanos)
    }

    /// Nanoseconds since the origin.
    pub(crate) const fn as_nanos(self) -> u64 {
        self.0
    }

    /// As a clock reading.
    pub(crate) const fn as_duration(self) -> Duration {
        Duration::from_nanos(self.0)
    }

    /// `by` later, saturating.
    pub(crate) fn after(self, by: Duration) -> Self {
        Timestamp(self.0.saturating_add(Timestamp::from_duration(by).0))
    }

    /// The time from `self` to `later` (zero when `later` is not later).
    pub(crate) fn until(self, later: Timestamp) -> Duration {
        Duration::from_nanos(later.0.saturating_sub(self.0))
    }
}

/// A cache's expiry settings, shared by its shards.
pub(crate) struct ExpiryConfig<K, V> {
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) time_to_live: Option<Duration>,
    pub(crate) time_to_idle: Option<Duration>,
    pub(crate) hook: Option<Arc<dyn Expiry<K, V>>>,
}

impl<K, V> ExpiryConfig<K, V> {
    /// Reads the clock.
    #[inline]
    pub(crate) fn now(&self) -> Timestamp {
        Timestamp::from_duration(self.clock.now())
    }

    /// The per-entry deadline of an entry inserted at `now`, from the hook.
    pub(crate) fn created(&self, key: &K, value: &V, now: Timestamp) -> Option<Timestamp> {
        let hook = self.hook.as_ref()?;
        let lifetime = hook.expire_after_create(key, value, now.as_duration())?;
        Some(now.after(lifetime))
    }
}

impl<K, V> Clone for ExpiryConfig<K, V> {
    fn clone(&self) -> Self {
        ExpiryConfig {
            clock: Arc::clone(&self.clock),
            time_to_live: self.time_to_live,
            time_to_idle: self.time_to_idle,
            hook: self.hook.clone(),
        }
    }
}

impl<K, V> fmt::Debug for ExpiryConfig<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Expiry")
            .field("clock", &self.clock)
            .field("time_to_live", &self.time_to_live)
            .field("time_to_idle", &self.time_to_idle)
            .field("hook", &self.hook.is_some())
            .finish()
    }
}

/// One shard's expiry structures (see the module docs).
pub(crate) struct ShardExpiry<K, V> {
    /// The time-to-live, and the entries in insertion order, each queued with its deadline
    /// (insertion time plus the time-to-live: with one duration for all, deadline order is
    /// insertion order).
    ttl: Option<(Duration, TimeQueue)>,
    /// The time-to-idle, and the entries in read order, each with its deadline.
    tti: Option<(Duration, TimeQueue)>,
    /// Per-entry deadlines; made on the first one.
    wheel: Option<Box<TimerWheel>>,
    hook: Option<Arc<dyn Expiry<K, V>>>,
    /// Nothing is due before this time. Invariant: at most the earliest deadline in the
    /// queues, and at most the end of the wheel's current tick while it holds any entry; a
    /// lower value only costs a look.
    quiet_until: Timestamp,
}

impl<K, V> ShardExpiry<K, V> {
    /// Empty structures for `config`.
    pub(crate) fn new(config: &ExpiryConfig<K, V>) -> Self {
        ShardExpiry {
            ttl: config.time_to_live.map(|d| (d, TimeQueue::new())),
            tti: config.time_to_idle.map(|d| (d, TimeQueue::new())),
            wheel: None,
            hook: config.hook.clone(),
            quiet_until: Timestamp::ZERO,
        }
    }

    /// Whether anything may be due at `now` (`false`: certainly nothing).
    #[inline]
    pub(crate) fn may_be_due(&self, now: Timestamp) -> bool {
        now >= self.quiet_until
    }

    /// Nothing was due at `now`: until when nothing can be (see `quiet_until`).
    pub(crate) fn checked_until(&mut self, now: Timestamp) {
        let mut until = Timestamp(u64::MAX);
        for (_, queue) in [&self.ttl, &self.tti].into_iter().flatten() {
            if let Some((_, deadline)) = queue.oldest() {
                until = until.min(deadline);
            }
        }
        if let Some(wheel) = self.wheel.as_ref().filter(|w| w.len() > 0) {
            until = until.min(wheel.tick_end(now));
        }
        self.quiet_until = until;
    }

    /// Whether a hook may change deadlines on reads and updates.
    #[inline]
    pub(crate) fn has_hook(&self) -> bool {
        self.hook.is_some()
    }

    /// `id` was inserted at `now`, with its own `deadline` if any.
    pub(crate) fn on_insert(&mut self, id: EntryId, now: Timestamp, deadline: Option<Timestamp>) {
        for (duration, queue) in [&mut self.ttl, &mut self.tti].into_iter().flatten() {
            let deadline = now.after(*duration);
            self.quiet_until = self.quiet_until.min(deadline);
            queue.push(id, deadline);
        }
        if let Some(deadline) = deadline {
            self.quiet_until = self.quiet_until.min(deadline);
            self.wheel
                .get_or_insert_with(|| Box::new(TimerWheel::new()))
                .schedule(id, deadline);
        }
    }

    /// Whether `id` (resident) is expired at `now`: any of its deadlines is at or before it.
    #[inline]
    pub(crate) fn is_expired(&self, id: EntryId, now: Timestamp) -> bool {
        if let Some((_, queue)) = &self.ttl {
            if queue.time(id) <= now {
                return true;
            }
        }
        if let Some((_, queue)) = &self.tti {
            if queue.time(id) <= now {
                return true;
            }
        }
        match &self.wheel {
            Some(wheel) => wheel.deadline(id).is_some_and(|deadline| deadline <= now),
            None => false,
        }
    }

    /// The lifetime the hook gives `id` after a read or an update at `now` (`None` when the
    /// hook keeps it): computed before anything changes, since the hook is user code.
    pub(crate) fn hook_after(
        &self,
        id: EntryId,
        key: &K,
        value: &V,
        now: Timestamp,
        read: bool,
    ) -> Option<Option<Timestamp>> {
        let hook = self.hook.as_ref()?;
        let own = self.wheel.as_ref().and_then(|w| w.deadline(id));
        let remaining = own.map(|deadline| now.until(deadline));
        let after = if read {
            hook.expire_after_read(key, value, now.as_duration(), remaining)
        } else {
            hook.expire_after_update(key, value, now.as_duration(), remaining)
        };
        (after != remaining).then(|| after.map(|lifetime| now.after(lifetime)))
    }

    /// `id` was read at `now`; `own` is a new per-entry deadline from the hook, if it changed.
    #[inline]
    pub(crate) fn on_read(&mut self, id: EntryId, now: Timestamp, own: Option<Option<Timestamp>>) {
        if let Some((tti, queue)) = &mut self.tti {
            queue.touch(id, now.after(*tti));
        }
        if own.is_some() {
            self.set_own(id, own);
        }
    }

    /// `id`'s value was replaced at `now`: its time-to-live and time-to-idle start again;
    /// `own` is a new per-entry deadline from the hook, if it changed.
    pub(crate) fn on_update(
        &mut self,
        id: EntryId,
        now: Timestamp,
        own: Option<Option<Timestamp>>,
    ) {
        for (duration, queue) in [&mut self.ttl, &mut self.tti].into_iter().flatten() {
            queue.touch(id, now.after(*duration));
        }
        if own.is_some() {
            self.set_own(id, own);
        }
    }

    /// Applies a changed per-entry deadline (`Some(None)`: none any more).
    pub(crate) fn set_own(&mut self, id: EntryId, own: Option<Option<Timestamp>>) {
        match own {
            None => {}
            Some(None) => {
                if let Some(wheel) = &mut self.wheel {
                    wheel.cancel(id);
                }
            }
            Some(Some(deadline)) => {
                self.quiet_until = self.quiet_until.min(deadline);
                self.wheel
                    .get_or_insert_with(|| Box::new(TimerWheel::new()))
                    .schedule(id, deadline);
            }
        }
    }

    /// `id` left the cache.
    pub(crate) fn remove(&mut self, id: EntryId) {
        if let Some((_, queue)) = &mut self.ttl {
            queue.remove(id);
        }
        if let Some((_, queue)) = &mut self.tti {
            queue.remove(id);
        }
        if let Some(wheel) = &mut self.wheel {
            wheel.cancel(id);
        }
    }

    /// A resident entry due at `now`, if the structures name one within `wheel_work`: the
    /// oldest past its time-to-live or time-to-idle, else one the wheel finds due. The caller
    /// removes it.
    #[inline]
    pub(crate) fn next_due(&mut self, now: Timestamp, wheel_work: &mut usize) -> Option<EntryId> {
        for (_, queue) in [&self.ttl, &self.tti].into_iter().flatten() {
            if let Some((id, deadline)) = queue.oldest() {
                if deadline <= now {
                    return Some(id);
                }
            }
        }
        self.wheel.as_mut()?.pop_due(now, wheel_work)
    }

    /// A budget of wheel work for one operation.
    pub(crate) fn operation_budget() -> usize {
        WHEEL_WORK_PER_OPERATION
    }

    /// Entries due at `now` that [`next_due`](Self::next_due) leaves: those whose own deadline
    /// falls in `now`'s wheel tick. Call after `next_due` returned `None` with an unlimited
    /// budget.
    pub(crate) fn due_in_this_tick(&self, now: Timestamp) -> Vec<EntryId> {
        self.wheel
            .as_ref()
            .map_or_else(Vec::new, |w| w.due_now(now))
    }

    /// Forgets every entry.
    pub(crate) fn clear(&mut self) {
        for (_, queue) in [&mut self.ttl, &mut self.tti].into_iter().flatten() {
            queue.clear();
        }
        if let Some(wheel) = &mut self.wheel {
            wheel.clear();
        }
        self.quiet_until = Timestamp(u64::MAX);
    }

    /// Checks the structures against the `len` resident entries (`resident(id)`).
    pub(crate) fn validate(
        &self,
        len: usize,
        resident: impl Fn(EntryId) -> bool,
    ) -> Result<(), InvariantViolation> {
        for (what, entry) in [("time-to-live", &self.ttl), ("time-to-idle", &self.tti)] {
            let Some((_, queue)) = entry else { continue };
            queue.validate(what)?;
            ensure!(
                queue.len() == len,
                "the {what} queue holds {} entries, the shard {len}",
                queue.len()
            );
            for id in queue.ids() {
                ensure!(
                    resident(id),
                    "the {what} queue holds {id:?}, which is vacant"
                );
            }
        }
        if let Some(wheel) = &self.wheel {
            wheel.validate()?;
            ensure!(
                wheel.len() <= len,
                "the wheel holds {} deadlines for {len} entries",
                wheel.len()
            );
        }
        Ok(())
    }
}

impl<K, V> Clone for ShardExpiry<K, V> {
    fn clone(&self) -> Self {
        ShardExpiry {
            ttl: self.ttl.clone(),
            tti: self.tti.clone(),
            wheel: self.wheel.clone(),
            hook: self.hook.clone(),
            quiet_until: self.quiet_until,
        }
    }
}
