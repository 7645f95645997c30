//! `clientcache-verify`: the benchmark, the demo and the research harness.
//!
//! Run `cargo run --release -p clientcache-verify -- --help` for the commands;
//! `verify/README.md` explains each and keeps the results.

#[cfg(not(loom))]
mod cli;

#[cfg(not(loom))]
fn main() -> std::process::ExitCode {
    cli::main()
}

/// Under `--cfg loom` only the loom models are built (`tests/loom.rs`); the harness and its
/// dependencies are left out (tokio, for one, does not build under `cfg(loom)`).
#[cfg(loom)]
fn main() {}
