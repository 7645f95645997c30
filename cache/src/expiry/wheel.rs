//! [`TimerWheel`]: per-entry deadlines in a hierarchical timing wheel (G. Varghese and
//! T. Lauck, "Hashed and hierarchical timing wheels: data structures for the efficient
//! implementation of a timer facility", SOSP 1987; Caffeine's `TimerWheel` was read as a
//! reference design).
//!
//! # Layout
//!
//! Time is counted in ticks of 2^20 ns (about 1 ms). Level `l` has 64 buckets of 64^l ticks
//! each, so level 0 spans 67 ms, level 1 4.3 s, level 2 4.6 min, level 3 4.9 h, level 4 13 days,
//! and the eighth level reaches past any `u64` deadline: nothing overflows. A deadline is
//! placed by the highest tick bit in which it differs from the wheel's time: in the level of
//! that bit, in the bucket its tick falls in; a deadline at or before the wheel's tick goes to
//! the current level-0 bucket. Every bucket is a circular doubly linked list of entry ids (the contract crate's `List`), and
//! one bit per bucket says whether it holds any, so finding the next non-empty bucket is a few
//! bit operations per level.
//!
//! # Advancing
//!
//! [`TimerWheel::pop_due`] moves the wheel's time towards `now` one event at a time: the start of
//! the next non-empty bucket on any level. Reaching a level-0 bucket makes its entries due once
//! `now` has left that tick (their deadline lies within it); reaching a bucket on a higher level
//! *cascades* it: its entries are placed again, now on lower levels. Each step is one unit of
//! work from the caller's budget, so an operation never does more than a bounded amount, and the
//! time spent is amortised O(1) per entry (an entry moves down at most once per level). Entries
//! due within the current tick are left for the next tick, or for [`TimerWheel::due_now`]; a read
//! checks an entry's own deadline exactly, so a late removal never serves an expired value.

use crate::expiry::Timestamp;
use clientcache_policy_api::list::{Links, List};
use clientcache_policy_api::{EntryId, InvariantViolation, ensure};

/// Bits of a tick: 2^20 ns.
const TICK_BITS: u32 = 20;
/// Bits of bucket index per level.
const LEVEL_BITS: u32 = 6;
/// Buckets per level.
const BUCKETS: usize = 1 << LEVEL_BITS;
/// Levels: enough that `TICK_BITS + LEVELS * LEVEL_BITS >= 64`.
const LEVELS: usize = 8;
/// Not in any bucket.
const NO_SLOT: u16 = u16::MAX;

/// One entry's links within its bucket, and its deadline.
#[derive(Clone, Copy, Debug)]
struct Node {
    links: Links,
    deadline: Timestamp,
}

clientcache_policy_api::impl_linked!(Node, links);

/// Per-entry deadlines (see the module docs).
#[derive(Clone, Debug)]
pub(crate) struct TimerWheel {
    /// By entry id; meaningful while `slots[id] != NO_SLOT`.
    nodes: Vec<Node>,
    /// By entry id: the bucket (`level * BUCKETS + index`) holding it, or [`NO_SLOT`].
    slots: Vec<u16>,
    /// Each bucket's entries: a [`List`] of the contract crate's, over the nodes.
    buckets: Box<[List]>,
    /// Bit `i` of `occupied[l]`: bucket `i` of level `l` is not empty.
    occupied: [u64; LEVELS],
    /// The wheel's time, in ticks. Invariant: every entry outside `cascading` sits in the bucket
    /// [`place`] gives its deadline at this tick.
    tick: u64,
    /// A bucket being cascaded: its entries are placed again, one per unit of work.
    cascading: Option<u16>,
    /// Entries in the wheel.
    len: usize,
}

/// Ticks of a timestamp.
fn ticks(t: Timestamp) -> u64 {
    t.as_nanos() >> TICK_BITS
}

/// The bucket for a deadline at `deadline` ticks when the wheel's time is `tick` ticks.
fn place(deadline: u64, tick: u64) -> u16 {
    if deadline <= tick {
        return (tick % BUCKETS as u64) as u16;
    }
    let highest = 63 - (deadline ^ tick).leading_zeros();
    let level = (highest / LEVEL_BITS) as usize;
    debug_assert!(level < LEVELS);
    let index = (deadline >> (level as u32 * LEVEL_BITS)) % BUCKETS as u64;
    (level * BUCKETS) as u16 + index as u16
}

impl TimerWheel {
    /// An empty wheel at time 0.
    pub(crate) fn new() -> Self {
        TimerWheel {
            nodes: Vec::new(),
            slots: Vec::new(),
            buckets: vec![List::EMPTY; LEVELS * BUCKETS].into_boxed_slice(),
            occupied: [0; LEVELS],
            tick: 0,
            cascading: None,
            len: 0,
        }
    }

    /// Gives `id` the deadline `deadline`, replacing any it had.
    pub(crate) fn schedule(&mut self, id: EntryId, deadline: Timestamp) {
        let i = id.index();
        if i >= self.slots.len() {
            self.slots.resize(i + 1, NO_SLOT);
            let node = Node {
                links: Links::VACANT,
                deadline: Timestamp::ZERO,
            };
            self.nodes.resize(i + 1, node);
        }
        self.cancel(id);
        self.nodes[i].deadline = deadline;
        self.link(id, place(ticks(deadline), self.tick));
    }

    /// Takes `id` out of the wheel, if it is in it.
    pub(crate) fn cancel(&mut self, id: EntryId) {
        if let Some(&slot) = self.slots.get(id.index()) {
            if slot != NO_SLOT {
                self.unlink(id, slot);
            }
        }
    }

    /// `id`'s deadline, if it has one.
    #[inline]
    pub(crate) fn deadline(&self, id: EntryId) -> Option<Timestamp> {
        match self.slots.get(id.index()) {
            Some(&slot) if slot != NO_SLOT => Some(self.nodes[id.index()].deadline),
            _ => None,
        }
    }

    /// The next entry due by `now`, taken out of the wheel, spending at most `budget` units of
    /// work (each placement of a cascaded entry, each step of the wheel's time, each entry
    /// returned costs one). `None` when nothing more is due up to `now`'s tick, or the budget is
    /// spent. An entry whose deadline falls in `now`'s own tick is not returned.
    pub(crate) fn pop_due(&mut self, now: Timestamp, budget: &mut usize) -> Option<EntryId> {
        let now_tick = ticks(now);
        while *budget > 0 {
            *budget -= 1;
            if let Some(slot) = self.cascading {
                match self.buckets[slot as usize].front() {
                    None => self.cascading = None,
                    Some(first) => {
                        let id = EntryId::new(first);
                        self.unlink(id, slot);
                        let deadline = ticks(self.nodes[id.index()].deadline);
                        self.link(id, place(deadline, self.tick));
                    }
                }
                continue;
            }
            if self.tick >= now_tick {
                return None;
            }
            let current = (self.tick % BUCKETS as u64) as u16;
            if let Some(first) = self.buckets[current as usize].front() {
                // Its deadline lies in an earlier tick than `now`'s.
                let id = EntryId::new(first);
                self.unlink(id, current);
                return Some(id);
            }
            self.step(now_tick);
        }
        None
    }

    /// Moves the wheel's time to the next bucket start on any level, or to `now_tick` when that
    /// comes first; a higher-level bucket reached starts cascading.
    fn step(&mut self, now_tick: u64) {
        let mut next: Option<(u64, usize, usize)> = None;
        for level in 0..LEVELS {
            let shift = level as u32 * LEVEL_BITS;
            let index = (self.tick >> shift) % BUCKETS as u64;
            // Buckets after the current one, within this level's window.
            let later = self.occupied[level] & !(u64::MAX >> (63 - index));
            if later == 0 {
                continue;
            }
            let bucket = later.trailing_zeros() as u64;
            let window = shift + LEVEL_BITS;
            let base = if window >= 64 {
                0
            } else {
                (self.tick >> window) << window
            };
            let start = base | (bucket << shift);
            if next.is_none_or(|(earliest, ..)| start < earliest) {
                next = Some((start, level, bucket as usize));
            }
        }
        match next {
            Some((start, level, bucket)) if start <= now_tick => {
                self.tick = start;
                if level > 0 {
                    self.cascading = Some((level * BUCKETS + bucket) as u16);
                }
            }
            _ => self.tick = now_tick,
        }
    }

    /// The first instant after `now`'s tick, or after the wheel's own tick if it lags behind:
    /// until then, [`pop_due`](Self::pop_due) has nothing new to find.
    pub(crate) fn tick_end(&self, now: Timestamp) -> Timestamp {
        let tick = self.tick.min(ticks(now));
        Timestamp::from_nanos((tick + 1).saturating_mul(1 << TICK_BITS))
    }

    /// Every entry due by `now` that [`pop_due`](Self::pop_due) leaves, namely those in
    /// `now`'s own tick: for an explicit purge, after `pop_due` has caught up.
    pub(crate) fn due_now(&self, now: Timestamp) -> Vec<EntryId> {
        if self.tick != ticks(now) {
            return Vec::new();
        }
        let current = (self.tick % BUCKETS as u64) as u16;
        self.bucket(current)
            .filter(|id| self.nodes[id.index()].deadline <= now)
            .collect()
    }

    /// Empties the wheel; its time stays.
    pub(crate) fn clear(&mut self) {
        self.slots.iter_mut().for_each(|slot| *slot = NO_SLOT);
        self.nodes
            .iter_mut()
            .for_each(|node| node.links = Links::VACANT);
        self.buckets
            .iter_mut()
            .for_each(|bucket| *bucket = List::EMPTY);
        self.occupied = [0; LEVELS];
        self.cascading = None;
        self.len = 0;
    }

    /// Number of entries with a deadline.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The ids in bucket `slot`.
    fn bucket(&self, slot: u16) -> impl Iterator<Item = EntryId> + '_ {
        self.buckets[slot as usize]
            .iter(&self.nodes)
            .map(EntryId::new)
    }

    /// Adds `id` at the end of bucket `slot`.
    fn link(&mut self, id: EntryId, slot: u16) {
        let bucket = &mut self.buckets[slot as usize];
        if bucket.is_empty() {
            let (level, index) = (slot as usize / BUCKETS, slot as usize % BUCKETS);
            self.occupied[level] |= 1 << index;
        }
        bucket.push_back(&mut self.nodes, id.get());
        self.slots[id.index()] = slot;
        self.len += 1;
    }

    /// Takes `id` out of bucket `slot`.
    fn unlink(&mut self, id: EntryId, slot: u16) {
        let bucket = &mut self.buckets[slot as usize];
        bucket.unlink(&mut self.nodes, id.get());
        if bucket.is_empty() {
            let (level, index) = (slot as usize / BUCKETS, slot as usize % BUCKETS);
            self.occupied[level] &= !(1 << index);
        }
        self.slots[id.index()] = NO_SLOT;
        self.len -= 1;
    }

    /// Checks the buckets, the bits, the count and every placement from scratch.
    pub(crate) fn validate(&self) -> Result<(), InvariantViolation> {
        let mut count = 0;
        for slot in 0..(LEVELS * BUCKETS) as u16 {
            let (level, index) = (slot as usize / BUCKETS, slot as usize % BUCKETS);
            let bucket = &self.buckets[slot as usize];
            let occupied = self.occupied[level] & (1 << index) != 0;
            ensure!(
                occupied != bucket.is_empty(),
                "wheel bucket {slot}'s occupied bit is wrong"
            );
            count += bucket.validate(&self.nodes, "wheel bucket")?;
            for id in self.bucket(slot) {
                ensure!(
                    self.slots[id.index()] == slot,
                    "{id:?} is in wheel bucket {slot} but recorded in another"
                );
                if self.cascading != Some(slot) {
                    let deadline = self.nodes[id.index()].deadline;
                    let expected = place(ticks(deadline), self.tick);
                    ensure!(
                        expected == slot,
                        "{id:?} sits in wheel bucket {slot}, its deadline belongs in {expected}"
                    );
                }
            }
        }
        ensure!(
            count == self.len,
            "the wheel holds {count} entries, its length says {}",
            self.len
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(i: u32) -> EntryId {
        EntryId::new(i)
    }

    const MS: u64 = 1_000_000;

    fn at(ns: u64) -> Timestamp {
        Timestamp::from_nanos(ns)
    }

    /// Every entry popped by `now` with an unlimited budget, then those of `now`'s tick.
    fn drain(wheel: &mut TimerWheel, now: Timestamp) -> Vec<u32> {
        let mut budget = usize::MAX;
        let mut due: Vec<u32> = std::iter::from_fn(|| wheel.pop_due(now, &mut budget))
            .map(EntryId::get)
            .collect();
        for id in wheel.due_now(now) {
            wheel.cancel(id);
            due.push(id.get());
        }
        wheel.validate().unwrap();
        due
    }

    #[test]
    fn deadlines_on_every_level_come_due_at_their_time_not_before() {
        let mut wheel = TimerWheel::new();
        // 5 ms, 2 s, 10 min, 3 h, 40 days, 300 years.
        let deadlines = [
            5 * MS,
            2_000 * MS,
            600_000 * MS,
            3 * 3_600_000 * MS,
            40 * 86_400_000 * MS,
            u64::MAX / 2,
        ];
        for (i, &d) in deadlines.iter().enumerate() {
            wheel.schedule(id(i as u32), at(d));
        }
        wheel.validate().unwrap();
        for (i, &d) in deadlines.iter().enumerate() {
            assert_eq!(
                drain(&mut wheel, at(d - 1)),
                Vec::<u32>::new(),
                "entry {i} early"
            );
            assert_eq!(
                drain(&mut wheel, at(d)),
                [i as u32],
                "entry {i} at its deadline"
            );
        }
        assert_eq!(wheel.len(), 0);
    }

    #[test]
    fn many_deadlines_come_due_in_order_of_their_ticks() {
        let mut wheel = TimerWheel::new();
        let mut x = 7u64;
        let mut deadlines = Vec::new();
        for i in 0..2_000u32 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let d = (x >> 20) % (20_000 * MS);
            deadlines.push((d, i));
            wheel.schedule(id(i), at(d));
        }
        wheel.validate().unwrap();
        let mut now = 0;
        let mut seen = Vec::new();
        while now < 21_000 * MS {
            now += 37 * MS;
            for i in drain(&mut wheel, at(now)) {
                let d = deadlines[i as usize].0;
                assert!(d <= now, "entry {i} (deadline {d}) popped at {now}");
                assert!(
                    now - d < 38 * MS,
                    "entry {i} (deadline {d}) popped late, at {now}"
                );
                seen.push(i);
            }
        }
        assert_eq!(seen.len(), 2_000);
    }

    #[test]
    fn a_small_budget_advances_step_by_step_and_loses_nothing() {
        let mut wheel = TimerWheel::new();
        for i in 0..100u32 {
            wheel.schedule(id(i), at(u64::from(i) * 500 * MS));
        }
        let now = at(60_000 * MS);
        let mut due = Vec::new();
        let mut calls = 0;
        while due.len() < 100 {
            let mut budget = 2;
            while let Some(x) = wheel.pop_due(now, &mut budget) {
                due.push(x.get());
            }
            wheel.validate().unwrap();
            calls += 1;
            assert!(calls < 10_000, "no progress");
        }
        due.sort_unstable();
        assert_eq!(due, (0..100).collect::<Vec<_>>());
    }

    #[test]
    fn cancel_and_reschedule_move_an_entry() {
        let mut wheel = TimerWheel::new();
        wheel.schedule(id(1), at(10 * MS));
        wheel.schedule(id(2), at(10 * MS));
        wheel.schedule(id(1), at(3_000 * MS)); // rescheduled later
        wheel.cancel(id(2));
        assert_eq!(wheel.deadline(id(2)), None);
        assert_eq!(wheel.deadline(id(1)), Some(at(3_000 * MS)));
        assert_eq!(drain(&mut wheel, at(2_999 * MS)), Vec::<u32>::new());
        assert_eq!(drain(&mut wheel, at(3_000 * MS)), [1]);
    }

    #[test]
    fn a_deadline_in_the_past_is_due_at_once() {
        let mut wheel = TimerWheel::new();
        let mut budget = usize::MAX;
        assert_eq!(wheel.pop_due(at(50 * MS), &mut budget), None); // the wheel moves to 50 ms
        wheel.schedule(id(4), at(MS));
        assert_eq!(drain(&mut wheel, at(50 * MS)), [4]);
    }
}
