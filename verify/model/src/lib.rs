//! The plain models of clientcache's semantics and the operation vocabulary its proofs share.
//!
//! # The problem
//!
//! The model tests (proptest), the fuzz target, the linearizability replay and the loom
//! models all compare the real cache with the same obviously-correct model, op by op. They live
//! in different builds: the harness crate (`clientcache-verify`) needs tokio and the AWS SDK,
//! the loom models build under `--cfg loom`, where those do not, and the fuzz target builds on
//! nightly in a workspace of its own. This small crate, with plain dependencies only, is what
//! all of them depend on.
//!
//! - [`model`]: reference models for each policy (sorting by frequency and last use, O(n log n)
//!   per operation);
//! - [`ops`]: the operation vocabulary, its proptest and `arbitrary` generators, and the
//!   functions that run one operation against the real cache, a bare policy and a model.
#![forbid(unsafe_code)]

pub mod model;
pub mod ops;
