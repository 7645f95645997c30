//! The `sim` and `plot` commands end to end: JSON lines with the documented fields, a table,
//! an SVG file, and clear errors for missing or bad arguments (`bench`'s too); bad input never
//! yields a number, and a closed output pipe ends the command quietly.

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_clientcache-verify"))
        .args(args)
        .output()
        .expect("the binary starts")
}

fn stdout_of(args: &[&str]) -> String {
    let output = run(args);
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn json_lines_carry_every_documented_field() {
    let out = stdout_of(&[
        "sim",
        "--workload",
        "loop:n=10,requests=1000",
        "--capacity",
        "5,10",
        "--policy",
        "lru,opt,cache-lfu,moka,quick_cache,lru-crate",
        "--json",
    ]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 12, "{out}");
    for line in &lines {
        for field in [
            "\"trace\":\"loop:n=10,requests=1000,seed=1\"",
            "\"capacity\":",
            "\"policy\":",
            "\"requests\":1000",
            "\"hits\":",
            "\"hit_ratio\":",
            "\"seconds\":",
            "\"decode_seconds\":",
        ] {
            assert!(line.contains(field), "{field} missing in {line}");
        }
    }
    // A loop of 10 in a cache of 10: every request after the first pass hits, for everyone.
    let full: Vec<&&str> = lines
        .iter()
        .filter(|l| l.contains("\"capacity\":10,"))
        .collect();
    assert_eq!(full.len(), 6);
    assert!(
        full.iter()
            .all(|l| l.contains("\"hits\":990,") && l.contains("\"hit_ratio\":99.00")),
        "{full:?}"
    );
    // In a cache of 5, LRU never hits and the optimum does.
    assert!(
        out.contains("\"capacity\":5,\"policy\":\"lru\",\"requests\":1000,\"hits\":0,"),
        "{out}"
    );
}

#[test]
fn the_table_names_the_trace_and_its_decode_time() {
    let out = stdout_of(&[
        "sim",
        "--workload",
        "zipf:n=100,requests=2000",
        "--capacity",
        "10",
        "--policy",
        "lru,tinylfu",
    ]);
    assert!(
        out.starts_with("zipf:s=0.99,n=100,requests=2000,seed=1: 2000 requests"),
        "{out}"
    );
    assert!(
        out.contains("decoded in") && out.contains("hit %") && out.contains("tinylfu"),
        "{out}"
    );
}

#[test]
fn markdown_prints_one_table_with_a_column_per_policy_and_a_mean_row() {
    let out = stdout_of(&[
        "sim",
        "--workload",
        "loop:n=10,requests=1000",
        "--workload",
        "loop:n=4,requests=100",
        "--capacity",
        "5,10",
        "--policy",
        "lru,opt",
        "--markdown",
    ]);
    // A loop of 10: LRU never hits in 5 entries and hits 990 of 1000 in 10; the optimum
    // keeps 4 of 5 entries across each pass (after the first) in 5. A loop of 4 fits both.
    let expected = "\
| trace | capacity | lru | opt |
|---|---:|---:|---:|
| loop:n=10,requests=1000,seed=1 | 5 | 0.00 | 44.00 |
| loop:n=10,requests=1000,seed=1 | 10 | 99.00 | 99.00 |
| loop:n=4,requests=100,seed=1 | 5 | 96.00 | 96.00 |
| loop:n=4,requests=100,seed=1 | 10 | 96.00 | 96.00 |
| **mean of 4 points** | | **72.75** | **83.75** |
";
    assert_eq!(out, expected);
    let out = stdout_of(&[
        "sim",
        "--workload",
        "loop:n=10,requests=1000",
        "--capacity",
        "5,10",
        "--policy",
        "opt,lru",
        "--markdown",
        "--margin-over",
        "lru",
    ]);
    assert!(
        out.starts_with("| trace | capacity | opt | lru | opt − max(lru) |"),
        "{out}"
    );
    assert!(out.contains("| 5 | 44.00 | 0.00 | +44.00 |"), "{out}");
    assert!(out.contains("| 10 | 99.00 | 99.00 | +0.00 |"), "{out}");
    assert!(
        out.ends_with("| **71.50** | **49.50** | **min +0.00** |\n"),
        "{out}"
    );
}

#[test]
fn the_largest_capacity_replays_without_allocating_for_it() {
    // A cache never holds more than the trace's 10 keys: 90 hits at any capacity from 10 up,
    // for every policy, without sizing TinyLFU's sketch or a peer's table for 2^32 entries.
    let out = stdout_of(&[
        "sim",
        "--workload",
        "loop:n=10,requests=100",
        "--capacity",
        "4294967295",
        "--json",
    ]);
    let every_policy = clientcache_verify::sim::SimPolicy::all().len();
    assert_eq!(out.lines().count(), every_policy, "{out}");
    assert!(out.lines().all(|l| l.contains("\"hits\":90,")), "{out}");
}

#[test]
fn plot_writes_an_svg_with_a_line_per_policy() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("plots")).unwrap();
    let svg = dir.path().join("plots/zipf.svg");
    stdout_of(&[
        "plot",
        "--workload",
        "zipf:n=1000,requests=20000",
        "--capacity",
        "10,100,500",
        "--policy",
        "lru,lfu,opt",
        "--out",
        svg.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg"), "{}", &text[..100.min(text.len())]);
    for name in ["lru", "lfu", "opt", "hit ratio"] {
        assert!(text.contains(name), "{name} missing");
    }
}

#[test]
fn missing_or_bad_arguments_are_clear_errors() {
    for (args, needle) in [
        (&["sim", "--workload", "loop"][..], "give --capacity"),
        (
            &["sim", "--capacity", "5"][..],
            "give --trace PATH or --workload SPEC",
        ),
        (
            &[
                "sim",
                "--workload",
                "loop",
                "--capacity",
                "5",
                "--policy",
                "fifo",
            ][..],
            "unknown policy `fifo`",
        ),
        (
            &["sim", "--trace", "/nonexistent/x.trace", "--capacity", "5"][..],
            "cannot read trace",
        ),
        (
            &["sim", "--workload", "zipf:q=1", "--capacity", "5"][..],
            "takes no parameter `q`",
        ),
        (
            &["sim", "--standard", "--capacity", "5"][..],
            "leave out --trace",
        ),
        (
            &["bench", "--runs", "0"][..],
            "--runs takes a count of at least 1",
        ),
        (
            &["bench", "--threads", "1,0"][..],
            "--threads takes counts of at least 1",
        ),
        (
            &[
                "sim",
                "--workload",
                "loop:n=10,requests=100",
                "--capacity",
                "4294967296",
                "--policy",
                "tinylfu",
            ][..],
            "exceeds the largest supported, 4294967295",
        ),
    ] {
        let output = run(args);
        assert!(!output.status.success(), "{args:?} should fail");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

/// `(policy, hits)` of every JSON line in `out`.
fn hits_by_policy(out: &str) -> Vec<(String, u64)> {
    out.lines()
        .map(|line| {
            let field = |name: &str| {
                let start = line.find(&format!("\"{name}\":")).expect(name) + name.len() + 3;
                let rest = &line[start..];
                rest[..rest.find([',', '}']).unwrap()]
                    .trim_matches('"')
                    .to_string()
            };
            (field("policy"), field("hits").parse().unwrap())
        })
        .collect()
}

#[test]
fn hash_seed_moves_hash_indexed_policies_and_keeps_cache_and_direct_equal() {
    let under = |seed: &str| {
        hits_by_policy(&stdout_of(&[
            "sim",
            "--workload",
            "zipf:s=0.8,n=5000,requests=20000",
            "--capacity",
            "50",
            "--policy",
            "tinylfu,cache-tinylfu,lru,moka",
            "--hash-seed",
            seed,
            "--json",
        ]))
    };
    let (one, two) = (under("1"), under("2"));
    for run in [&one, &two] {
        assert_eq!(
            run[0].1, run[1].1,
            "cache-tinylfu must equal tinylfu: {run:?}"
        );
    }
    assert_eq!(one[2], two[2], "LRU does not depend on the hash");
    assert_ne!(
        one[0].1, two[0].1,
        "TinyLFU's sketch is indexed by the seeded hash"
    );
    assert_ne!(one[3].1, two[3].1, "so is moka's");
    assert_eq!(under("1"), one, "one seed, one result");
}

#[test]
fn bad_input_is_an_error_naming_it_never_a_number() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.trace");
    std::fs::write(&empty, b"\n*\n\n").unwrap();
    let text = dir.path().join("keys.bin");
    std::fs::write(&text, b"1\n2\n3\n4\n").unwrap();
    let (empty, text) = (empty.to_str().unwrap(), text.to_str().unwrap());
    let missing_folder = dir.path().join("no/such/folder/plot.svg");
    for (args, needles) in [
        (
            &["sim", "--trace", empty, "--capacity", "5"][..],
            &["the trace", "empty.trace", "holds no request", "--format"][..],
        ),
        (
            &[
                "sim",
                "--workload",
                "loop:n=10,requests=100",
                "--capacity",
                "5,0",
            ][..],
            &["--capacity 0 holds nothing", "at least 1"][..],
        ),
        (
            &[
                "sim",
                "--trace",
                text,
                "--format",
                "cache2k",
                "--capacity",
                "5",
            ][..],
            &[
                "keys.bin is not a valid cache2k trace: it is text",
                "--format",
            ][..],
        ),
        (
            // Refused before the (missing) trace is read: the capacity is the error.
            &[
                "sim",
                "--trace",
                "/nonexistent/x.trace",
                "--capacity",
                "4294967296",
            ][..],
            &[
                "capacity 4294967296 exceeds the largest supported",
                "no trace was read",
            ][..],
        ),
        (
            &[
                "plot",
                "--workload",
                "loop:n=10,requests=100",
                "--capacity",
                "5",
                "--policy",
                "lru",
                "--out",
                missing_folder.to_str().unwrap(),
            ][..],
            &["does not exist; create it first"][..],
        ),
        (
            &["libcachesim", "--quick", "--python", "/nonexistent/python3"][..],
            &["cannot run /nonexistent/python3", "pip install libcachesim"][..],
        ),
    ] {
        let output = run(args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{args:?} should fail");
        assert!(
            output.stdout.is_empty(),
            "{args:?} printed a result: {:?}",
            output.stdout
        );
        for needle in needles {
            assert!(
                stderr.contains(needle),
                "{args:?}: {needle:?} missing in {stderr}"
            );
        }
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    assert!(
        !missing_folder.parent().unwrap().exists(),
        "plot made the folder"
    );
}

#[test]
fn a_closed_output_pipe_ends_quietly_with_sigpipes_status() {
    use std::process::Stdio;
    // The replay takes a while, so the reader is gone before the first result is written.
    let mut child = Command::new(env!("CARGO_BIN_EXE_clientcache-verify"))
        .args([
            "sim",
            "--workload",
            "zipf:n=100000,requests=3000000",
            "--capacity",
            "10,100,1000",
            "--policy",
            "lru",
            "--json",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(141), "{stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("error"),
        "{stderr}"
    );
}

#[test]
fn mrc_gives_the_hits_of_separate_lru_replays_at_every_capacity_asked() {
    let multi2 = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/traces/lirs/multi2.trace.gz"
    );
    let capacities = "1,10,100,500,1000,2000,100000";
    for source in [
        ["--trace", multi2],
        ["--workload", "zipf:s=0.8,n=3000,requests=50000"],
    ] {
        let with = |extra: &[&str]| {
            let mut args = vec![
                "sim",
                source[0],
                source[1],
                "--capacity",
                capacities,
                "--json",
            ];
            args.extend_from_slice(extra);
            hits_by_policy(&stdout_of(&args))
        };
        let curve = with(&["--mrc"]);
        assert_eq!(curve.len(), 7, "{curve:?}");
        assert!(curve.iter().all(|(policy, _)| policy == "lru"), "{curve:?}");
        assert_eq!(curve, with(&["--policy", "lru"]), "{}", source[1]);
    }
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("mrc.svg");
    stdout_of(&[
        "plot",
        "--trace",
        multi2,
        "--capacity",
        "10,100,1000,3000",
        "--mrc",
        "--out",
        svg.to_str().unwrap(),
    ]);
    assert!(std::fs::read_to_string(&svg).unwrap().contains("lru"));
    let output = run(&[
        "sim",
        "--workload",
        "loop",
        "--capacity",
        "5",
        "--mrc",
        "--policy",
        "arc",
    ]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--mrc computes exact LRU"));
}
