//! Fuzzes op sequences against the reference models: the bytes become a
//! `clientcache_verify::ops::Scenario` (its `Arbitrary` impl) and `check_scenario` runs it on
//! every policy, bare and through `Cache`. The same generator and check run on stable in
//! `verify/tests/fuzz_scenarios.rs`.
//!
//! The two modules are compiled in from `verify/src` rather than depending on the
//! `clientcache-verify` crate, whose harness dependencies (the AWS SDK, tokio, plotting) the
//! fuzz build does not need.
//!
//! ```text
//! cd verify/fuzz && cargo +nightly fuzz run ops -- -max_total_time=60
//! ```
#![no_main]

#[allow(dead_code, unreachable_pub)]
#[path = "../../src/model.rs"]
mod model;
#[allow(dead_code, unreachable_pub)]
#[path = "../../src/ops.rs"]
mod ops;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|scenario: ops::Scenario| {
    if let Err(divergence) = ops::check_scenario(&scenario) {
        panic!("{divergence}\n{scenario:?}");
    }
});
