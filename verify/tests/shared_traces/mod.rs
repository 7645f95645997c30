//! The project's `shared/traces` folder, for the tests that replay real traces.
//!
//! The folder lives beside the workspace (see its README for formats and citations); the
//! project never commits the traces. When it is missing these helpers fail the test and say
//! where they looked: a test that needs a trace never skips.

use clientcache_verify::sim::{Prepared, RunResult, SimPolicy, run_one};
use clientcache_verify::trace::{self, Trace};
use std::path::PathBuf;

/// The shared traces folder; panics, naming the path, when it is missing.
pub(crate) fn traces_dir() -> PathBuf {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/traces"));
    assert!(
        dir.is_dir(),
        "the shared traces are not at {}: these tests need the project's shared/traces folder \
         beside the workspace (see its README.md); they do not skip",
        dir.display()
    );
    dir
}

/// The trace at `path` under the traces folder, decoded; panics naming it when it cannot load.
pub(crate) fn load(path: &str) -> Trace {
    trace::load(&traces_dir().join(path), None)
        .unwrap_or_else(|e| panic!("cannot load {path}: {e}"))
        .trace
}

/// Replays the trace at `path` through each of `policies` at `capacity`, in order; panics
/// naming the policy and the point when a replay fails.
#[allow(
    dead_code,
    reason = "agreement.rs loads a trace but replays it its own way"
)]
pub(crate) fn replay(path: &str, capacity: usize, policies: &[SimPolicy]) -> Vec<RunResult> {
    let prepared = Prepared::new(load(path), 0.0);
    policies
        .iter()
        .map(|&p| {
            run_one(&prepared, p, capacity, &mut |_| {})
                .unwrap_or_else(|e| panic!("{} on {path} at {capacity}: {e}", p.slug()))
        })
        .collect()
}
