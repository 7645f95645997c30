//! `clientcache-verify`: the benchmark, the demo and the research harness.
//!
//! Run `cargo run --release -p clientcache-verify -- --help` for the commands;
//! `verify/README.md` explains each and keeps the results.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
