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
//!   operation against the real cache, a bare policy and a model, so tests compare them op by op
//!   (both re-exported from `clientcache-model`);
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
//! [`model`] and [`ops`] come from the `clientcache-model` crate, which the loom models
//! (`clientcache-loom`) and the fuzz target share without this crate's heavy dependencies.
#![forbid(unsafe_code)]

pub mod bench;
pub mod conformance;
pub mod demo;
pub mod harness;
pub use clientcache_model::{model, ops};
pub mod opt;
pub mod plot;
pub mod policies;
pub mod reference;
pub mod sim;
pub mod trace;
pub mod workload;
