//! A policy of one's own, from the trait to hit ratios: FIFO, checked by the conformance kit,
//! replayed directly and through `clientcache::Cache`, printed as `sim --json` prints.
//!
//! ```sh
//! cargo run --release -p clientcache-verify --example custom_policy
//! cargo run --release -p clientcache-verify --example custom_policy -- ../shared/traces/lirs/gli.trace.gz
//! ```
//!
//! In a crate of one's own, `Fifo` would live in `src/lib.rs` depending on
//! `clientcache-policy-api` (with the `conformance` feature for its tests), and this `main` in
//! a binary or test depending on `clientcache-verify`. See "Writing a policy" in
//! `verify/README.md`.

use clientcache_policy_api::{EntryId, InvariantViolation, Policy, conformance, ensure};
use clientcache_verify::sim::{Prepared, replay_custom, replay_custom_cache, report};
use clientcache_verify::trace;
use clientcache_verify::workload::WorkloadSpec;

/// "No id": the end of the queue.
const NIL: u32 = u32::MAX;

/// First in, first out: evicts the oldest insertion, ignores hits. O(1) per event: a doubly
/// linked queue threaded through tables indexed by entry id (ids are dense, the contract
/// says, so tables sized by the largest id are fine).
#[derive(Clone, Debug)]
struct Fifo {
    /// `(prev, next)` by entry id; `resident[id]` says whether the id is queued.
    links: Vec<(u32, u32)>,
    resident: Vec<bool>,
    /// The oldest (the next victim) and the newest id.
    oldest: u32,
    newest: u32,
    len: usize,
}

impl Default for Fifo {
    fn default() -> Self {
        Fifo {
            links: Vec::new(),
            resident: Vec::new(),
            oldest: NIL,
            newest: NIL,
            len: 0,
        }
    }
}

impl Policy for Fifo {
    type Iter<'a> = std::vec::IntoIter<EntryId>;

    fn name(&self) -> &'static str {
        "FIFO"
    }

    fn set_capacity(&mut self, capacity: usize) {
        let _ = self
            .links
            .try_reserve(capacity.saturating_sub(self.links.len()));
    }

    fn len(&self) -> usize {
        self.len
    }

    fn on_insert(&mut self, id: EntryId, _hash: u64) {
        let i = id.index();
        if i >= self.links.len() {
            self.links.resize(i + 1, (NIL, NIL));
            self.resident.resize(i + 1, false);
        }
        debug_assert!(!self.resident[i], "on_insert: {id:?} is already resident");
        self.links[i] = (self.newest, NIL);
        match self.newest {
            NIL => self.oldest = id.get(),
            newest => self.links[newest as usize].1 = id.get(),
        }
        self.newest = id.get();
        self.resident[i] = true;
        self.len += 1;
    }

    fn on_access(&mut self, _id: EntryId, _hash: u64) {}

    fn on_remove(&mut self, id: EntryId) {
        let i = id.index();
        if !self.resident.get(i).copied().unwrap_or(false) {
            debug_assert!(false, "on_remove: {id:?} is not resident");
            return;
        }
        let (prev, next) = self.links[i];
        match prev {
            NIL => self.oldest = next,
            p => self.links[p as usize].1 = next,
        }
        match next {
            NIL => self.newest = prev,
            n => self.links[n as usize].0 = prev,
        }
        self.resident[i] = false;
        self.len -= 1;
    }

    fn victim(&mut self) -> Option<EntryId> {
        (self.oldest != NIL).then(|| EntryId::new(self.oldest))
    }

    fn iter(&self) -> Self::Iter<'_> {
        let mut order = Vec::with_capacity(self.len);
        let mut at = self.oldest;
        while at != NIL {
            order.push(EntryId::new(at));
            at = self.links[at as usize].1;
        }
        order.into_iter()
    }

    fn clear(&mut self) {
        *self = Fifo::default();
    }

    fn validate(&self) -> Result<(), InvariantViolation> {
        let queued = self.iter().count();
        let resident = self.resident.iter().filter(|&&r| r).count();
        ensure!(
            queued == self.len && resident == self.len,
            "{queued} queued, {resident} resident, len {}",
            self.len
        );
        Ok(())
    }
}

fn main() -> Result<(), String> {
    // 1. The contract: the kit drives random event streams and checks every invariant.
    conformance::check(|_capacity| Fifo::default());
    eprintln!("FIFO passes the conformance kit");

    // 2. A trace: a file given on the command line, else a synthetic Zipf workload.
    let trace = match std::env::args().nth(1) {
        Some(path) => {
            trace::load(std::path::Path::new(&path), None)
                .map_err(|e| e.to_string())?
                .trace
        }
        None => "zipf:s=0.9,n=20000,requests=500000"
            .parse::<WorkloadSpec>()?
            .generate(),
    };
    let prepared = Prepared::new(trace, 0.0);

    // 3. Replays, directly and through `Cache<u64, (), Fifo>`: the hits must be identical.
    for capacity in [100, 1000, 5000] {
        let direct = replay_custom(&prepared, Fifo::default(), capacity, "fifo");
        let cached = replay_custom_cache::<Fifo>(&prepared, capacity, "cache-fifo")?;
        assert_eq!(direct.hits, cached.hits, "direct and Cache disagree");
        for result in [direct, cached] {
            println!(
                "{}",
                report::json_line(&result, 0.0, prepared.dense_seconds)
            );
        }
    }
    Ok(())
}
