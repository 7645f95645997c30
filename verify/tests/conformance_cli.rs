//! The `conformance` command's transcript is stable: golden text for small scripts, and bad
//! scripts fail with the line number and the expected syntax, never a panic.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn conformance(args: &[&str], script: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_clientcache-verify"))
        .arg("conformance")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    // A command that fails before reading its input (an unknown --policy) may exit before the
    // script is written: the pipe is then closed, which is not this test's failure.
    let written = child.stdin.take().unwrap().write_all(script.as_bytes());
    if let Err(e) = written {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    child.wait_with_output().unwrap()
}

fn transcript(args: &[&str], script: &str) -> String {
    let output = conformance(args, script);
    assert!(
        output.status.success(),
        "conformance failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

const SCRIPT: &str = "\
# every op, at max-size 2
insert a
insert b
get a
insert c
get b
insert a
peek c
remove z
remove a
pop
pop
insert x
insert  y
resize 1
clear
get x
";

#[test]
fn lru_transcript_matches_the_golden_text() {
    let expected = "\
insert a -> ok [a]
insert b -> ok [a b]
get a -> hit [b a]
insert c -> ok evicted b [a c]
get b -> miss [a c]
insert a -> already-cached [a c]
peek c -> hit [a c]
remove z -> not-cached [a c]
remove a -> removed [c]
pop -> popped c []
pop -> empty []
insert x -> ok [x]
insert y -> ok [x y]
resize 1 -> ok evicted x [y]
clear -> ok []
get x -> miss []
";
    assert_eq!(
        transcript(&["--policy", "lru", "--max-size", "2"], SCRIPT),
        expected
    );
}

#[test]
fn replace_upsert_and_retain_transcripts_match_the_golden_text() {
    let script = "insert t1-s3\ninsert t2-s3\nreplace t1-s3\nreplace t9-sqs\nupsert t1-sqs\nupsert t2-s3\nretain t2\nretain t2\n";
    let expected = "\
insert t1-s3 -> ok [t1-s3]
insert t2-s3 -> ok [t1-s3 t2-s3]
replace t1-s3 -> replaced [t2-s3 t1-s3]
replace t9-sqs -> not-cached [t2-s3 t1-s3]
upsert t1-sqs -> inserted evicted t2-s3 [t1-s3 t1-sqs]
upsert t2-s3 -> inserted evicted t1-s3 [t1-sqs t2-s3]
retain t2 -> dropped 1 t1-sqs [t2-s3]
retain t2 -> dropped 0 [t2-s3]
";
    assert_eq!(
        transcript(&["--policy", "lru", "--max-size", "2"], script),
        expected
    );
}

#[test]
fn lfu_transcript_matches_the_golden_text() {
    let script =
        "insert a\ninsert b\nget a\nget a\ninsert c\nget c\ninsert d\nresize 0\ninsert e\n";
    let expected = "\
insert a -> ok [a]
insert b -> ok [a b]
get a -> hit [b a]
get a -> hit [b a]
insert c -> ok evicted b [c a]
get c -> hit [c a]
insert d -> ok evicted c [d a]
resize 0 -> ok evicted d a []
insert e -> ok evicted e []
";
    assert_eq!(
        transcript(&["--policy", "LFU", "--max-size", "2"], script),
        expected
    );
}

#[test]
fn a_script_file_and_every_policy_run() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ops.txt");
    std::fs::write(&path, "insert k\nget k\n").unwrap();
    for policy in ["lru", "lfu", "tinylfu"] {
        let out = transcript(&[path.to_str().unwrap(), "--policy", policy], "");
        assert_eq!(out, "insert k -> ok [k]\nget k -> hit [k]\n", "{policy}");
    }
}

#[test]
fn a_bad_line_fails_naming_the_line_and_the_syntax() {
    for (script, needle) in [
        ("insert a\nfetch b\n", "line 2: unknown op `fetch`"),
        ("insert\n", "line 1: `insert` needs a KEY"),
        ("\n\nresize -1\n", "line 3: `-1` is not a size"),
        ("pop now\n", "line 1: `pop` takes no argument"),
        ("get a b\n", "line 1: `get a b` has too many words"),
    ] {
        let output = conformance(&[], script);
        assert!(!output.status.success(), "{script:?} should fail");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(needle), "{script:?}: {stderr}");
        assert!(stderr.contains("expected one of: insert KEY"), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(
            output.stdout.is_empty(),
            "nothing runs before the script is checked"
        );
    }
    let output = conformance(&["--policy", "fifo"], "pop\n");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("choose from lru, lfu"));
}
