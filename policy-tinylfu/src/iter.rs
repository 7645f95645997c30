//! The victim rule ([`pick`]) and [`TinyLfuIter`], which replays it to list ids in the order
//! successive evictions would remove them.
//!
//! Removing an id only unlinks it (no structural move, no sketch update), so the state that
//! successive evictions see is the three lists shrinking from their LRU ends. The iterator
//! keeps a cursor into the window and one into the main region (probation, then protected) and
//! applies [`pick`] at each step to the cursors and to the number of window ids not yet
//! yielded: exactly what `victim()` would compute on the drained policy.

use std::fmt;
use std::iter::FusedIterator;

use clientcache_policy_api::EntryId;

use crate::list::{NIL, Node, Segment};
use crate::segments::Segments;
use crate::sketch::FrequencySketch;

/// Which side a victim comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Side {
    /// The window's LRU.
    Window,
    /// The main region's victim (probation's LRU, else protected's).
    Main,
}

/// How much the candidate's estimate must exceed the main victim's, beyond strictly greater:
/// the candidate enters only if `candidate > victim + ADMISSION_MARGIN`.
///
/// TinyLFU compares with a plain `>`. But a halving leaves every key touched since it one
/// count above an equally popular key not yet touched, and the candidate has always just been
/// touched while the main victim, the least recent, has not. On a loop slightly larger than
/// the cache, each halving then admits candidates that evict the very keys requested next,
/// cascading through a whole cycle. Asking for a lead of two absorbs that one-count phase
/// noise; a lead of three turns away too many keys that are genuinely reused (DESIGN.md has
/// the measurements).
const ADMISSION_MARGIN: u8 = 1;

/// The victim rule, a pure function of the state:
///
/// - While the window is under its target, a newcomer can join it without pushing anyone
///   out, so the victim is the main region's.
/// - At its target, a newcomer pushes the window's LRU (the *candidate*) towards the main
///   region, and TinyLFU's admission duel decides who leaves: the candidate enters only if its
///   estimated frequency beats the main victim's by more than [`ADMISSION_MARGIN`];
///   otherwise the candidate goes (the main region holds ids that proved themselves; TinyLFU
///   §3.1, as in Caffeine, with a margin).
/// - With one side empty, the other side's LRU.
#[inline]
pub(crate) fn pick(
    nodes: &[Node],
    sketch: &FrequencySketch,
    window_len: usize,
    window_target: usize,
    candidate: Option<u32>,
    main: Option<u32>,
) -> Option<Side> {
    match (candidate, main) {
        (None, None) => None,
        (Some(_), None) => Some(Side::Window),
        (None, Some(_)) => Some(Side::Main),
        (Some(_), Some(_)) if window_len < window_target => Some(Side::Main),
        (Some(c), Some(v)) => {
            let candidate = sketch.frequency_mixed(nodes[c as usize].hash);
            let victim = sketch.frequency_mixed(nodes[v as usize].hash);
            Some(if candidate > victim.saturating_add(ADMISSION_MARGIN) {
                Side::Main
            } else {
                Side::Window
            })
        }
    }
}

/// A cursor over one list, from its LRU end.
#[derive(Clone, Copy)]
struct Cursor {
    /// The id yielded next; meaningless when `left == 0`.
    at: u32,
    /// Ids not yet yielded.
    left: usize,
}

impl Cursor {
    fn new(segment: &Segment) -> Self {
        Cursor {
            at: segment.front().unwrap_or(NIL),
            left: segment.len,
        }
    }

    fn peek(&self) -> Option<u32> {
        (self.left > 0).then_some(self.at)
    }

    fn advance(&mut self, nodes: &[Node]) {
        self.at = nodes[self.at as usize].links.next;
        self.left -= 1;
    }
}

/// Iterator over a [`TinyLfuPolicy`](crate::TinyLfuPolicy)'s resident ids in eviction order:
/// the next victim first, and each later id in the order that calling
/// [`evict`](clientcache_policy_api::Policy::evict) repeatedly would remove it. Exact size.
///
/// Each step is O(1): at most two sketch lookups. Created by
/// [`Policy::iter`](clientcache_policy_api::Policy::iter).
///
/// # Examples
///
/// ```
/// use clientcache_policy_api::{EntryId, Policy};
/// use clientcache_policy_tinylfu::TinyLfuPolicy;
///
/// let mut policy = TinyLfuPolicy::with_capacity(100);
/// for i in 0..5 {
///     policy.on_insert(EntryId::new(i), u64::from(i) * 0x9E37_79B9);
/// }
/// let order: Vec<EntryId> = policy.iter().collect();
/// assert_eq!(order.len(), 5);
/// assert_eq!(order.first().copied(), policy.victim());
/// ```
#[derive(Clone)]
pub struct TinyLfuIter<'a> {
    /// The policy's node table.
    nodes: &'a [Node],
    /// The policy's sketch, for the duels.
    sketch: &'a FrequencySketch,
    /// The window's target size.
    window_target: usize,
    /// Window ids not yet yielded.
    window: Cursor,
    /// Probation ids not yet yielded (the main region's first part).
    probation: Cursor,
    /// Protected ids not yet yielded (the main region's second part).
    protected: Cursor,
}

impl<'a> TinyLfuIter<'a> {
    /// Iterates the ids of `segments`, duelling with `sketch`.
    pub(crate) fn new(segments: &'a Segments, sketch: &'a FrequencySketch) -> Self {
        TinyLfuIter {
            nodes: &segments.nodes,
            sketch,
            window_target: segments.window_target,
            window: Cursor::new(&segments.window),
            probation: Cursor::new(&segments.probation),
            protected: Cursor::new(&segments.protected),
        }
    }
}

impl Iterator for TinyLfuIter<'_> {
    type Item = EntryId;

    #[inline]
    fn next(&mut self) -> Option<EntryId> {
        let main = if self.probation.left > 0 {
            &mut self.probation
        } else {
            &mut self.protected
        };
        let side = pick(
            self.nodes,
            self.sketch,
            self.window.left,
            self.window_target,
            self.window.peek(),
            main.peek(),
        )?;
        let cursor = match side {
            Side::Window => &mut self.window,
            Side::Main => main,
        };
        let id = cursor.at;
        cursor.advance(self.nodes);
        Some(EntryId::new(id))
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.window.left + self.probation.left + self.protected.left;
        (left, Some(left))
    }
}

impl ExactSizeIterator for TinyLfuIter<'_> {}

impl FusedIterator for TinyLfuIter<'_> {}

impl fmt::Debug for TinyLfuIter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TinyLfuIter")
            .field("window_left", &self.window.left)
            .field("probation_left", &self.probation.left)
            .field("protected_left", &self.protected.left)
            .finish_non_exhaustive()
    }
}
