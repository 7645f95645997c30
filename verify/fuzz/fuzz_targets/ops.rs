//! Fuzzes op sequences against the reference models: the bytes become a
//! `clientcache_model::ops::Scenario` (its `Arbitrary` impl) and `check_scenario` runs it on
//! every policy, bare and through `Cache`. The same generator and check run on stable in
//! `verify/tests/fuzz_scenarios.rs`. It depends on `clientcache-model` alone, not on the
//! harness crate and its heavy dependencies (the AWS SDK, tokio, plotting).
//!
//! ```text
//! cd verify/fuzz && cargo +nightly fuzz run ops -- -max_total_time=60
//! ```
#![no_main]

use clientcache_model::ops;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|scenario: ops::Scenario| {
    if let Err(divergence) = ops::check_scenario(&scenario) {
        panic!("{divergence}\n{scenario:?}");
    }
});
