//! Loom models of clientcache, in `tests/loom.rs`; this library is empty.
//!
//! A crate of its own so that the loom build (`--cfg loom`) compiles only the cache, the
//! models' shared vocabulary (`clientcache-model`) and loom, and the harness crate needs no
//! `cfg(loom)` anywhere. Run with:
//!
//! ```text
//! RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=3 \
//!     cargo test -p clientcache-loom --release --test loom --target-dir target-loom
//! ```
#![forbid(unsafe_code)]
