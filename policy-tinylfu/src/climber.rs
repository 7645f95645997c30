//! [`HillClimber`]: sizes the admission window by hill climbing, one sample period at a time.
//!
//! The right window size depends on the workload: recency-biased traces want a large window
//! (W-TinyLFU then behaves like LRU), frequency-biased traces, loops and scans want a tiny one
//! (it then behaves like a pure TinyLFU admission filter). G. Einziger, O. Eytan, R. Friedman,
//! B. Manes, "Adaptive Software Cache Management" (Middleware 2018) tune it online by hill
//! climbing: after each sample of events, move the window target one step; shrink the step
//! geometrically so the size settles; and when the hit ratio swings by more than a threshold,
//! the workload changed, so restore the step to its full size. The constants below are the
//! paper's and Caffeine's (step 6.25 % of the capacity, decay 0.98, restart at a 5-point
//! swing).
//!
//! # Where the climber departs from the paper
//!
//! The paper picks each step's *direction* by comparing the sample's hit ratio with the previous
//! sample's: keep going if it rose, turn back if it fell. On real traces that signal is dominated
//! by the workload's own phases (a short trace swings 20 points between samples whatever the
//! window does), and the window wanders. So the direction comes from where the sample's hits
//! landed instead: if the window earned more hits per entry than the probation segment (the part
//! of the main region that a bigger window would take), grow the window, otherwise shrink it. A
//! hit-density comparison estimates which side's entries are worth more, within one sample and
//! so free of drift between samples. The hit ratio still drives the step size (restart on a
//! swing), and the step schedule is the paper's. The measurements behind this choice, and the
//! variants tried since, are in the crate's DESIGN.md.
//!
//! The climber is deterministic (plain `f64` arithmetic on counts) and O(1) per event; a
//! sample's end costs O(1) here plus the moves the new target causes, at most one step
//! (6.25 % of the capacity) per sample of at least `capacity` events.

use crate::list::Region;

/// The initial (and restart) step, as a fraction of the capacity (Caffeine's 6.25 %).
const STEP_FRACTION: f64 = 0.0625;

/// Each sample multiplies the step by this, so the window settles (Caffeine's 0.98).
const STEP_DECAY: f64 = 0.98;

/// A hit-ratio change at least this large (absolute) restores the step to its full size
/// (Caffeine's 0.05).
const RESTART_THRESHOLD: f64 = 0.05;

/// Events (hits and misses) per sample, per entry of capacity: 6 to 10 all did about as well
/// on the traces (DESIGN.md); 8 is in the middle.
const SAMPLE_FACTOR: usize = 8;

/// The fewest events in a sample, so tiny caches still measure something.
const MIN_SAMPLE: usize = 256;

/// The most events in a sample, unless the capacity is larger: 100 000 events measure a hit
/// ratio to about ±0.3 points, and longer samples only slow the climb (the ARC `P6` trace at
/// 131 072 entries has 12.7 M requests: twelve samples of `8 × capacity`, too few). A
/// sample is never shorter than the capacity, so that the moves one step causes (6.25 % of the
/// capacity) stay amortised O(1) per event.
const MAX_SAMPLE: usize = 100_000;

/// One sample's counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Sample {
    /// Hits by the region of the id hit, indexed by `Region as usize` (`Vacant`'s slot stays
    /// 0): one indexed add per hit, no branch on the region.
    hits: [usize; 4],
    /// All misses.
    misses: usize,
}

impl Sample {
    fn hits(&self) -> usize {
        self.hits.iter().sum()
    }
}

/// Hill-climbing state: the current sample, the last sample's hit ratio, the signed step and
/// the window target it steers.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct HillClimber {
    /// Counts of the current sample.
    sample: Sample,
    /// Events left in the current sample. Invariant: `1 <= left <= sample_size` between
    /// events; the event that takes it to 0 completes the sample (the policy then climbs,
    /// which starts the next).
    left: usize,
    /// Events per sample. Invariant: `>= MIN_SAMPLE`.
    sample_size: usize,
    /// The previous sample's hit ratio in `[0, 1]` (0 before the first sample).
    previous: f64,
    /// The size of the next move of the window target, in entries; its sign is the direction
    /// of the last move.
    step: f64,
    /// The window target, fractional so that small steps accumulate. Invariant: in
    /// `[1, max(capacity, 1)]`.
    window: f64,
    /// The capacity the target is a share of.
    capacity: usize,
}

impl HillClimber {
    /// A climber for `capacity` entries whose window starts at `window` entries.
    pub(crate) fn new(capacity: usize, window: usize) -> Self {
        let mut climber = HillClimber {
            sample: Sample::default(),
            left: MIN_SAMPLE,
            sample_size: MIN_SAMPLE,
            previous: 0.0,
            step: 0.0,
            window: 1.0,
            capacity: 0,
        };
        climber.resize(capacity, window);
        climber
    }

    /// Re-bases the climber on `capacity` with the window at `window` entries, restarting the
    /// step and the sample.
    pub(crate) fn resize(&mut self, capacity: usize, window: usize) {
        self.capacity = capacity;
        self.sample_size = capacity
            .saturating_mul(SAMPLE_FACTOR)
            .clamp(MIN_SAMPLE, MAX_SAMPLE.max(capacity));
        self.window = (window as f64).clamp(1.0, self.max_window());
        self.step = STEP_FRACTION * capacity as f64;
        self.start_sample();
    }

    /// Starts an empty sample.
    fn start_sample(&mut self) {
        self.sample = Sample::default();
        self.left = self.sample_size;
    }

    /// The window target, in whole entries, at least 1.
    #[inline]
    pub(crate) fn window(&self) -> usize {
        self.window as usize
    }

    /// Counts a hit on an id in `region`. Returns whether the sample is complete: the caller
    /// then calls [`HillClimber::climb`].
    #[inline]
    pub(crate) fn record_hit(&mut self, region: Region) -> bool {
        self.sample.hits[region as usize] += 1;
        self.count_event()
    }

    /// Counts a miss. Returns whether the sample is complete (see [`HillClimber::record_hit`]).
    #[inline]
    pub(crate) fn record_miss(&mut self) -> bool {
        self.sample.misses += 1;
        self.count_event()
    }

    #[inline]
    fn count_event(&mut self) -> bool {
        self.left = self.left.saturating_sub(1);
        self.left == 0
    }

    /// Ends a sample, given the window's and the probation segment's current lengths: steps
    /// the window target towards the denser side and adapts the step. Returns the new target.
    #[cold]
    pub(crate) fn climb(&mut self, window_len: usize, probation_len: usize) -> usize {
        let s = self.sample;
        let hits = s.hits();
        let ratio = hits as f64 / (hits + s.misses).max(1) as f64;
        // Hits per entry on each side; an empty side counts as one entry.
        let window_density = s.hits[Region::Window as usize] as f64 / window_len.max(1) as f64;
        let probation_density =
            s.hits[Region::Probation as usize] as f64 / probation_len.max(1) as f64;
        let grow = window_density > probation_density;
        if grow != (self.step >= 0.0) {
            self.step = -self.step;
        }
        self.window = (self.window + self.step).clamp(1.0, self.max_window());
        self.step = if (ratio - self.previous).abs() >= RESTART_THRESHOLD {
            STEP_FRACTION * self.capacity as f64 * if self.step >= 0.0 { 1.0 } else { -1.0 }
        } else {
            self.step * STEP_DECAY
        };
        self.previous = ratio;
        self.start_sample();
        self.window()
    }

    /// The largest window target: the whole capacity (W-TinyLFU degenerates to LRU).
    fn max_window(&self) -> f64 {
        self.capacity.max(1) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs one full sample of `hits` (split window/probation/protected) and misses.
    fn sample(c: &mut HillClimber, window: usize, probation: usize, protected: usize) -> bool {
        let mut complete = false;
        for (region, hits) in [
            (Region::Window, window),
            (Region::Probation, probation),
            (Region::Protected, protected),
        ] {
            for _ in 0..hits {
                complete |= c.record_hit(region);
            }
        }
        while !complete {
            complete = c.record_miss();
        }
        complete
    }

    #[test]
    fn a_sample_is_eight_events_per_entry_within_bounds() {
        let mut c = HillClimber::new(100, 1);
        for _ in 0..799 {
            assert!(!c.record_miss());
        }
        assert!(c.record_miss());
        assert_eq!(HillClimber::new(3, 1).sample_size, MIN_SAMPLE);
        assert_eq!(HillClimber::new(50_000, 1).sample_size, MAX_SAMPLE);
        assert_eq!(HillClimber::new(1 << 20, 1).sample_size, 1 << 20);
    }

    #[test]
    fn the_window_grows_while_it_is_denser_than_probation() {
        let mut c = HillClimber::new(1000, 10);
        sample(&mut c, 300, 20, 100);
        assert_eq!(c.climb(10, 198), 72); // 10 + 62.5
        sample(&mut c, 300, 20, 100);
        assert!(c.climb(72, 150) > 72);
    }

    #[test]
    fn the_window_shrinks_when_probation_is_denser_and_never_below_one() {
        let mut c = HillClimber::new(1000, 100);
        sample(&mut c, 1, 300, 100);
        assert_eq!(c.climb(100, 150), 37);
        sample(&mut c, 1, 300, 100);
        assert_eq!(c.climb(37, 150), 1);
        sample(&mut c, 1, 300, 100);
        assert_eq!(c.climb(1, 150), 1);
    }

    #[test]
    fn steps_decay_while_the_hit_ratio_is_steady_and_restart_on_a_swing() {
        let mut c = HillClimber::new(1000, 500);
        sample(&mut c, 100, 0, 300); // ratio 0.05, up from 0: a swing, full step
        c.climb(500, 100);
        assert_eq!(c.step, 62.5);
        sample(&mut c, 100, 0, 300); // steady: decays
        c.climb(500, 100);
        assert!((c.step - 62.5 * STEP_DECAY).abs() < 1e-9);
        sample(&mut c, 4000, 0, 0); // a jump of the hit ratio: full step again
        c.climb(500, 100);
        assert_eq!(c.step, 62.5);
    }

    #[test]
    fn the_window_never_exceeds_the_capacity() {
        let mut c = HillClimber::new(100, 90);
        for _ in 0..10 {
            sample(&mut c, 500, 0, 0);
            c.climb(90, 5);
        }
        assert_eq!(c.window(), 100);
    }
}
