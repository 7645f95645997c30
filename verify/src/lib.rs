//! Verification and measurement for clientcache.
//!
//! # The problem
//!
//! A cache that decides which expensive client to drop must be *provably* right: the same
//! operations must give the same evictions every time, and every answer must match what the
//! policy promises. This crate holds what checks and measures that, apart from the library so
//! the library's own tests stay quick:
//!
//! - [`model`]: plain, obviously-correct reference models of the cache's semantics for each
//!   policy (sorting by frequency and last use, O(n log n) per operation);
//! - [`ops`]: the operation vocabulary, its proptest generator, and the functions that run one
//!   operation against the real cache, a bare policy and a model, so tests compare them op by op;
//! - [`mod@bench`]: the side-by-side benchmark against the peers;
//! - [`demo`]: what the README's main command shows;
//! - the research harness: [`trace`] reads the published traces, [`workload`] generates
//!   synthetic ones, [`sim`] replays them through our policies (directly and through
//!   `Cache`), Bélády's optimum ([`opt`]) and the peers, [`plot`] draws hit ratio against
//!   capacity, and [`conformance`] runs scripted ops so other implementations can be compared
//!   line by line; [`mod@reference`] holds the field's policies (ARC, LIRS, 2Q, CLOCK, SIEVE,
//!   S3-FIFO) written against the policy API as a third-party crate would be; [`policies`]
//!   lists ours and those once for all of them, and [`harness`] takes the commands from their
//!   options to their output;
//! - the `clientcache-verify` binary runs them (see `verify/README.md`).
//!
//! Under `--cfg loom` only [`model`] and [`ops`] are built: the loom models need nothing else,
//! and the harness's dependencies (tokio among them) do not build under loom.
#![forbid(unsafe_code)]

#[cfg(not(loom))]
pub mod bench;
#[cfg(not(loom))]
pub mod conformance;
#[cfg(not(loom))]
pub mod demo;
#[cfg(not(loom))]
pub mod harness;
pub mod model;
pub mod ops;
#[cfg(not(loom))]
pub mod opt;
#[cfg(not(loom))]
pub mod plot;
#[cfg(not(loom))]
pub mod policies;
#[cfg(not(loom))]
pub mod reference;
#[cfg(not(loom))]
pub mod sim;
#[cfg(not(loom))]
pub mod trace;
#[cfg(not(loom))]
pub mod workload;
