//! [`Clock`]: where a cache reads the time, and its two implementations.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The time source of a cache with expiry ([`CacheBuilder::clock`](crate::CacheBuilder::clock)).
///
/// A reading is the time elapsed since the clock's own origin. It must never decrease, and it
/// is all the cache knows of time: with the same operations and the same readings, a cache
/// makes the same expirations in every run ([`ManualClock`] gives tests and trace replays
/// exactly that).
///
/// The cache reads the clock once per operation, before taking its lock, and only when it was
/// built with expiry.
///
/// # Examples
///
/// ```
/// use clientcache::Clock;
/// use std::time::Duration;
///
/// /// A clock that moves one second per reading.
/// #[derive(Debug, Default)]
/// struct Ticking(std::sync::atomic::AtomicU64);
///
/// impl Clock for Ticking {
///     fn now(&self) -> Duration {
///         let seconds = self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
///         Duration::from_secs(seconds)
///     }
/// }
///
/// let clock = Ticking::default();
/// assert!(clock.now() < clock.now());
/// ```
pub trait Clock: Send + Sync + fmt::Debug + 'static {
    /// The time since the clock's origin; never less than an earlier reading.
    fn now(&self) -> Duration;
}

/// The default clock: [`std::time::Instant`], monotonic, from the moment the clock was made.
///
/// # Examples
///
/// ```
/// use clientcache::{Clock, MonotonicClock};
///
/// let clock = MonotonicClock::new();
/// let a = clock.now();
/// assert!(clock.now() >= a);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct MonotonicClock {
    origin: Instant,
}

impl MonotonicClock {
    /// A clock whose origin is now.
    #[must_use]
    pub fn new() -> Self {
        MonotonicClock {
            origin: Instant::now(),
        }
    }
}

impl Default for MonotonicClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for MonotonicClock {
    #[inline]
    fn now(&self) -> Duration {
        self.origin.elapsed()
    }
}

/// A clock that moves only when told to: for tests, and for replaying a trace with its own
/// timestamps. Clones share one time.
///
/// # Examples
///
/// ```
/// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
/// use clientcache::{Cache, LruPolicy, ManualClock};
/// use std::time::Duration;
///
/// let clock = ManualClock::new();
/// let cache = Cache::<&str, u32, LruPolicy>::builder()
///     .time_to_live(Duration::from_secs(60))
///     .clock(clock.clone())
///     .build()?;
/// cache.insert("token", 1)?;
/// clock.advance(Duration::from_secs(59));
/// assert_eq!(cache.get("token"), Some(1));
/// clock.advance(Duration::from_secs(1)); // exactly the deadline: expired
/// assert_eq!(cache.get("token"), None);
/// # }
/// # Ok::<(), clientcache::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct ManualClock {
    /// Nanoseconds since the origin. Relaxed is enough: the cache's lock orders what each
    /// operation does with a reading, and a test moves the clock between operations.
    nanos: Arc<AtomicU64>,
}

impl ManualClock {
    /// A clock at its origin (0).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Moves the clock forward by `by` (saturating at `u64::MAX` nanoseconds, about 584 years).
    pub fn advance(&self, by: Duration) {
        let by = u64::try_from(by.as_nanos()).unwrap_or(u64::MAX);
        let _ = self
            .nanos
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                Some(n.saturating_add(by))
            });
    }

    /// Sets the clock to `to`, which must not be earlier than its current time.
    ///
    /// # Panics
    ///
    /// When `to` is earlier than the current time: a clock never goes back.
    #[track_caller]
    pub fn set(&self, to: Duration) {
        let to = u64::try_from(to.as_nanos()).unwrap_or(u64::MAX);
        let before = self.nanos.fetch_max(to, Ordering::Relaxed);
        assert!(
            before <= to,
            "ManualClock::set: {to} ns is before the clock's time, {before} ns"
        );
    }
}

impl Clock for ManualClock {
    #[inline]
    fn now(&self) -> Duration {
        Duration::from_nanos(self.nanos.load(Ordering::Relaxed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_told_and_its_clones_share_it() {
        let clock = ManualClock::new();
        let other = clock.clone();
        assert_eq!(clock.now(), Duration::ZERO);
        other.advance(Duration::from_millis(5));
        assert_eq!(clock.now(), Duration::from_millis(5));
        clock.set(Duration::from_secs(1));
        assert_eq!(other.now(), Duration::from_secs(1));
        clock.advance(Duration::MAX);
        assert_eq!(clock.now(), Duration::from_nanos(u64::MAX));
    }

    #[test]
    #[should_panic(expected = "is before the clock's time")]
    fn a_manual_clock_refuses_to_go_back() {
        let clock = ManualClock::new();
        clock.advance(Duration::from_secs(2));
        clock.set(Duration::from_secs(1));
    }
}
