//! Loom models of the cache: every interleaving (up to the preemption bound) of two or three
//! threads on the real code, whose locks come from loom under `cfg(loom)` (`cache/src/sync.rs`).
//!
//! Run with (the `.ci/run` step):
//!
//! ```text
//! RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=3 \
//!     cargo test -p clientcache-loom --release --test loom --target-dir target-loom
//! ```
//!
//! Each model is small on purpose: a few operations per thread, capacity 1 or 2, so evictions,
//! refusals and races on one key happen in most interleavings. What each checks:
//!
//! - `dict_ops`: insert/get/remove/set_max_size on overlapping keys. The results, the listener
//!   calls, the final entries and the counters are those of some sequential order of the same
//!   operations on the plain reference model (`check::explain`); no entry is lost or
//!   duplicated and the stats add up (`check::assert_conserved`).
//! - `single_flight`: concurrent misses run one loader and share its value; a failing or
//!   panicking loader caches nothing, leaves no load registered, and never strands a waiter.
//! - `listener`: the eviction listener runs with the lock released and may call back into the
//!   cache.
//! - `async_flight`: the async single-flight; a cancelled caller never blocks the others.
//! - `expiry`: an entry expiring while a reader and a loader race on its key.
//! - `shards`: a two-shard cache: snapshots, `set_max_size` and `clear` lock every shard at
//!   once, so they see and make consistent states while other threads work in both shards.
//!
//! A deadlock (a lock taken twice, a lost wake-up) fails a model: loom reports every thread
//! blocked.
#![cfg(loom)]

#[path = "loom/async_flight.rs"]
mod async_flight;
#[path = "loom/check.rs"]
mod check;
#[path = "loom/dict_ops.rs"]
mod dict_ops;
#[path = "loom/expiry.rs"]
mod expiry;
#[path = "loom/listener.rs"]
mod listener;
#[path = "loom/shards.rs"]
mod shards;
#[path = "loom/single_flight.rs"]
mod single_flight;
