//! [`RequestClock`]: paces the hits the frequency sketch counts, at most one per key per
//! `capacity` requests, so that a burst of requests to one key (correlated references) counts
//! once.
//!
//! # The problem
//!
//! TinyLFU's sketch counts every request, so a key requested forty times in a row (a loop over
//! one record, a retry storm, a page read by every step of one query) ends its burst at the
//! sketch's ceiling. Once the burst is over the key is never used again, but its count only
//! decays by halving, once per sample period (`10 × capacity` requests): three or four periods
//! pass before newcomers that are genuinely reused can beat it in an admission duel, and
//! meanwhile it holds a slot of the main region. On the LIRS `ps` trace at 154 entries about
//! 25 such keys from the first 200 requests held a sixth of the cache for the first 4 000
//! requests, while 187 keys reused every ~400 requests were turned away.
//!
//! # The rule
//!
//! E. O'Neil, P. O'Neil, G. Weikum, "The LRU-K Page Replacement Algorithm for Database Disk
//! Buffering" (SIGMOD 1993, §2.1.1) call references to a page that follow each other within a
//! *correlated reference period* correlated, and count them as one in the page's history. We
//! pace counts instead: a hit increments the sketch only if the key's last *counted* request
//! (its insert, or a hit that counted) came more than `capacity` requests earlier. A key then
//! gains at most one count per `capacity` requests while resident, and its count says in how
//! many recent stretches of `capacity` requests it was used: a burst counts once, a key used
//! steadily keeps counting once per stretch, and reuse spaced further apart than the capacity
//! (a loop slightly larger than the cache, a working set that a scan interrupts: the reuse
//! that only frequency can protect) counts at every request, as before. A hit within the
//! period is one that LRU of the same size would have served too (fewer than `capacity` other
//! keys can come between), so the window and the segments' LRU order, which every hit still
//! refreshes, already reward it.
//!
//! Skipped hits still advance the sketch's sample period (`FrequencySketch::age_by_one`): the
//! counters halve every `10 × capacity` requests, as in the paper, whether or not a request
//! raised a counter.
//!
//! LRU-K's own rule restarts the period at every reference, so references keep being
//! correlated as long as they come often enough. Here that would starve steadily popular keys:
//! they are counted once, their count halves to zero, and when one reaches probation any
//! newcomer out-counts it. Pacing from the last *counted* request keeps counting them once per
//! stretch. Periods shorter than the capacity leave recency-heavy traces further below LRU;
//! longer ones swallow the reuse of loops just above the capacity. The measurements (the
//! 47-point table before and after, the other periods and LRU-K's rule) are in DESIGN.md.
//!
//! # Cost
//!
//! 30 bits per node, sharing a word with the node's region (nodes are 16 bytes), and a clock
//! per policy. Most hits skip the sketch's counters, which saves memory traffic in large
//! caches, at the price of a branch the CPU often mispredicts in small ones. The clock wraps
//! at 2^30: hits that come within `capacity` requests after a multiple of 2^30 requests since
//! the key's last count are not counted.

/// The clock's range: 30 bits, so that a node keeps its region in the same word (`list.rs`).
const CLOCK_MASK: u32 = (1 << 30) - 1;

/// The longest pacing period, in requests: half the clock's range, so that a period never
/// covers every possible age.
const MAX_PERIOD: u32 = CLOCK_MASK / 2;

/// The policy's request counter, the time base of the pacing, and the pacing period. Wraps.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct RequestClock {
    /// Requests seen, modulo 2^30.
    now: u32,
    /// A hit counts more than this many requests after the key's last count: the capacity,
    /// capped at [`MAX_PERIOD`]. Computed once per `set_capacity`, not on every hit.
    period: u32,
}

impl RequestClock {
    /// Sets the pacing period to `capacity` requests (at most [`MAX_PERIOD`]).
    pub(crate) fn set_period(&mut self, capacity: usize) {
        self.period = u32::try_from(capacity)
            .unwrap_or(MAX_PERIOD)
            .min(MAX_PERIOD);
    }

    /// Counts one request; returns its time.
    #[inline]
    pub(crate) fn tick(&mut self) -> u32 {
        self.now = (self.now + 1) & CLOCK_MASK;
        self.now
    }

    /// The time of the last request.
    #[inline]
    pub(crate) fn now(&self) -> u32 {
        self.now
    }

    /// Whether the current request, to a key last counted at time `counted`, counts again:
    /// more than the period later.
    #[inline]
    pub(crate) fn is_due(&self, counted: u32) -> bool {
        self.now.wrapping_sub(counted) & CLOCK_MASK > self.period
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_due_more_than_a_period_after_the_last_count() {
        let mut clock = RequestClock::default();
        let first = clock.tick();
        for _ in 0..10 {
            clock.tick();
        }
        for (period, due) in [(10, false), (11, false), (9, true)] {
            clock.set_period(period);
            assert_eq!(clock.is_due(first), due, "period {period}");
        }
    }

    #[test]
    fn the_clock_wraps() {
        let mut clock = RequestClock {
            now: CLOCK_MASK - 1,
            period: 2,
        };
        let first = clock.tick();
        clock.tick();
        clock.tick(); // wrapped to 1
        assert_eq!(clock.now(), 1);
        assert!(!clock.is_due(first));
        clock.set_period(1);
        assert!(clock.is_due(first));
    }

    #[test]
    fn a_huge_period_is_capped_below_the_clock_range() {
        let mut clock = RequestClock::default();
        clock.set_period(usize::MAX);
        let first = clock.tick();
        clock.now = (first + MAX_PERIOD + 1) & CLOCK_MASK;
        assert!(clock.is_due(first));
        assert!(!clock.is_due(first + 1));
    }
}
