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
//! - the `clientcache-verify` binary runs them (see the README).
#![forbid(unsafe_code)]

pub mod bench;
pub mod demo;
pub mod model;
pub mod ops;
