//! The synthetic workloads: the same spec gives the same trace, seeds differ, Zipf is skewed as
//! its exponent says, and each shape has the structure its docs promise.

use clientcache_verify::workload::WorkloadSpec;

fn keys(spec: &str) -> Vec<u64> {
    spec.parse::<WorkloadSpec>()
        .unwrap_or_else(|e| panic!("{spec}: {e}"))
        .generate()
        .requests()
        .collect()
}

/// The share of requests that go to the most requested key.
fn top_share(keys: &[u64]) -> f64 {
    let mut counts = std::collections::HashMap::new();
    for &k in keys {
        *counts.entry(k).or_insert(0u64) += 1;
    }
    *counts.values().max().unwrap() as f64 / keys.len() as f64
}

#[test]
fn the_same_spec_gives_the_same_trace_and_seeds_differ() {
    for spec in [
        "zipf:n=1000,requests=5000",
        "scan:n=500,every=100,len=50,requests=5000",
        "shift:n=500,period=1000,step=100,requests=5000",
    ] {
        assert_eq!(keys(spec), keys(spec), "{spec}");
        assert_ne!(keys(spec), keys(&format!("{spec},seed=2")), "{spec}");
    }
    // Pinned: a change to the generator or sampler changes every published workload figure.
    assert_eq!(&keys("zipf:s=0.99,n=100000,requests=8,seed=1")[..], &PINNED);
}

const PINNED: [u64; 8] = [125, 13, 0, 550, 551, 10, 2, 212];

#[test]
fn zipf_skew_grows_with_the_exponent() {
    let n = 10_000;
    let share = |s: f64| top_share(&keys(&format!("zipf:s={s},n={n},requests=200000")));
    let harmonic = |s: f64| (1..=n).map(|k| (k as f64).powf(-s)).sum::<f64>();
    for s in [0.6, 0.99, 1.2] {
        let expected = 1.0 / harmonic(s);
        let got = share(s);
        assert!(
            (got - expected).abs() < 0.1 * expected,
            "s={s}: top key share {got}, expected {expected}"
        );
    }
    assert!(share(0.0) < 0.001, "s=0 is uniform");
    let sample = keys("zipf:s=0.99,n=100,requests=10000");
    assert!(sample.iter().all(|&k| k < 100), "keys stay in 0..n");
}

#[test]
fn scans_are_fresh_consecutive_keys_between_zipf_runs() {
    let k = keys("scan:s=0.99,n=100,every=10,len=5,requests=45");
    assert!(k[..10].iter().all(|&x| x < 100));
    assert_eq!(&k[10..15], &[100, 101, 102, 103, 104]);
    assert!(k[15..25].iter().all(|&x| x < 100));
    assert_eq!(&k[25..30], &[105, 106, 107, 108, 109]);
}

#[test]
fn loops_cycle_and_shifts_slide() {
    assert_eq!(keys("loop:n=3,requests=7"), [0, 1, 2, 0, 1, 2, 0]);
    let k = keys("shift:s=0.99,n=10,period=100,step=1000,requests=300");
    assert!(k[..100].iter().all(|&x| x < 10));
    assert!(k[100..200].iter().all(|&x| (1000..1010).contains(&x)));
    assert!(k[200..].iter().all(|&x| (2000..2010).contains(&x)));
}

#[test]
fn specs_print_canonically_and_parse_back() {
    let spec: WorkloadSpec = "zipf".parse().unwrap();
    assert_eq!(
        spec.to_string(),
        "zipf:s=0.99,n=100000,requests=1000000,seed=1"
    );
    assert_eq!(spec.to_string().parse::<WorkloadSpec>().unwrap(), spec);
    let spec: WorkloadSpec = "scan: n = 10 , requests=1_000".parse().unwrap();
    assert_eq!(
        spec.to_string(),
        "scan:s=0.99,n=10,every=100000,len=20000,requests=1000,seed=1"
    );
}

#[test]
fn bad_specs_say_what_is_wrong() {
    for (spec, needle) in [
        ("pareto:n=3", "unknown workload kind `pareto`"),
        ("zipf:n=0", "n >= 1"),
        ("zipf:s=-1", "s >= 0"),
        ("zipf:x=1", "takes no parameter `x`"),
        ("loop:n", "is not param=value"),
        ("loop:n=ten", "not an unsigned integer"),
        ("loop:requests=0", "requests must be at least 1"),
        ("scan:every=0", "every must be at least 1"),
        ("loop:requests=3000000000", "more than the 2000000000"),
        (
            "shift:period=1,step=18446744073709551615,requests=10",
            "overflows the u64 keys",
        ),
        ("scan:n=18446744073709551615", "overflows the u64 keys"),
    ] {
        let err = spec.parse::<WorkloadSpec>().unwrap_err();
        assert!(err.contains(needle), "{spec}: {err}");
    }
}
