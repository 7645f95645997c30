//! The fuzz target's path on stable: random bytes through the same `Arbitrary` generator
//! (`ops::Scenario`) and the same check (`ops::check_scenario`) as `verify/fuzz`, so CI
//! exercises what the fuzzer runs without nightly.

use arbitrary::{Arbitrary, Unstructured};
use clientcache_verify::ops::{Op, SCENARIO_MAX_OPS, Scenario, check_scenario};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn scenarios_from_random_bytes_match_the_reference_models(
        bytes in prop::collection::vec(any::<u8>(), 0..2048),
    ) {
        let scenario = Scenario::arbitrary_take_rest(Unstructured::new(&bytes))
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(scenario.ops.len() <= SCENARIO_MAX_OPS);
        check_scenario(&scenario).map_err(TestCaseError::fail)?;
    }
}

/// The generator reaches every op kind, key and size: a generator stuck on a few ops would
/// make the fuzzer (and the test above) check little.
#[test]
fn the_generator_reaches_every_op_kind() {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes: Vec<u8> = (0..20_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    let scenario = Scenario::arbitrary(&mut Unstructured::new(&bytes)).unwrap();
    let has = |f: fn(&Op) -> bool| scenario.ops.iter().any(f);
    assert!(has(|o| matches!(o, Op::Insert(_))));
    assert!(has(|o| matches!(o, Op::Get(_))));
    assert!(has(|o| matches!(o, Op::Peek(_))));
    assert!(has(|o| matches!(o, Op::ContainsKey(_))));
    assert!(has(|o| matches!(o, Op::Remove(_))));
    assert!(has(|o| matches!(o, Op::PopVictim)));
    assert!(has(|o| matches!(o, Op::SetMaxSize(_))));
    assert!(has(|o| matches!(o, Op::Clear)));
    assert!(
        has(|o| matches!(o, Op::Insert(11))),
        "the top key is reachable"
    );
}

/// A hand-written scenario that fills, hits, evicts, shrinks, pops and clears passes on every
/// policy (`compare_catches_a_subject_with_the_wrong_policy` in `model_policies.rs` shows the
/// comparison it relies on fails on a wrong subject).
#[test]
fn check_scenario_passes_a_hand_written_scenario() {
    let scenario = Scenario {
        max_size: 2,
        ops: vec![
            Op::Insert(1),
            Op::Insert(2),
            Op::Get(1),
            Op::Insert(3),
            Op::SetMaxSize(1),
            Op::PopVictim,
            Op::Clear,
        ],
    };
    check_scenario(&scenario).unwrap();
}
