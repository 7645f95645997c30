//! The field's reference eviction policies, written against `clientcache-policy-api` as any
//! third-party policy crate would be.
//!
//! # The problem
//!
//! A hit ratio means something next to the baselines researchers know: ARC, LIRS, 2Q, CLOCK,
//! SIEVE and S3-FIFO. Each is here as a [`Policy`](clientcache_policy_api::Policy), so the
//! simulator replays them directly (`sim --policy arc,...`) and through `clientcache::Cache`
//! (`cache-arc`, ...), and the conformance kit checks each like our own crates. They use only
//! the policy API's public items: they are also the proof that the contract serves policies
//! we did not design it around (ghost lists keyed by hash, a clock hand that `victim` moves).
//!
//! Each follows its paper with the paper's default parameters, and, where the paper leaves a
//! choice, libCacheSim's implementation (the field's reference simulator; `verify/README.md`
//! compares the two at every standard point and explains each difference):
//!
//! | policy | paper | parameters |
//! |---|---|---|
//! | [`Arc`] | N. Megiddo, D. S. Modha, FAST 2003 | none (`p` adapts, from 0) |
//! | [`Lirs`] | S. Jiang, X. Zhang, SIGMETRICS 2002 | HIR share 1 % of the capacity, at least 1; S at most 2× the capacity |
//! | [`TwoQ`] | T. Johnson, D. Shasha, VLDB 1994 | `Kin` 25 %, `Kout` 50 % of the capacity |
//! | [`Clock`] | F. J. Corbató, MIT Project MAC, 1968 | one reference bit, clear on insertion |
//! | [`Sieve`] | Y. Zhang et al., NSDI 2024 | none |
//! | [`S3Fifo`] | J. Yang et al., SOSP 2023 | small FIFO 10 %, ghost 90 % of the capacity, move to main at 2 hits |
//!
//! # How they use the contract
//!
//! - Ghosts (ARC's B1/B2, 2Q's A1out, S3-FIFO's G, LIRS's non-resident blocks) are key
//!   *hashes*: [`on_miss(hash)`](clientcache_policy_api::Policy::on_miss) finds the missed key
//!   among them, and the [`on_insert(id, hash)`](clientcache_policy_api::Policy::on_insert)
//!   that follows gives it the remembered treatment. An insert of a remembered key without a
//!   lookup first is treated the same way.
//! - Removing the id that [`victim`](clientcache_policy_api::Policy::victim) just named, with
//!   no event in between, is that entry's *eviction* (what `evict()` and the cache's full
//!   insert do): its key becomes a ghost where the policy says so. Any other removal forgets
//!   the key, as a user's removal does in libCacheSim.
//! - CLOCK, SIEVE and S3-FIFO move their hand (or run their second chances) inside `victim`,
//!   which the contract allows as long as residency and the `iter()` order stay the same;
//!   that is what makes them O(1) amortised.
//! - `iter()` computes the eviction order (O(n), allocating), by walking the queues or by
//!   replaying the evictions on their lengths or on a copy. Events stay O(1) (amortised where
//!   a module says so) and allocate only when a table grows for a new largest id or ghost
//!   count.
//!
//! Every size rounds down as libCacheSim's does; each module says what happens at capacities
//! too small for a share to be non-empty.

pub mod arc;
pub mod clock;
mod entries;
mod ghost;
mod hash_index;
pub mod lirs;
mod list;
pub mod s3fifo;
pub mod sieve;
pub mod two_q;

pub use arc::Arc;
pub use clock::Clock;
pub use lirs::Lirs;
pub use s3fifo::S3Fifo;
pub use sieve::Sieve;
pub use two_q::TwoQ;
