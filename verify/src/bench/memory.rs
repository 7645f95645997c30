//! Memory per entry: the resident-set growth of one process that fills one subject.
//!
//! Each subject runs in a fresh child process (`clientcache-verify memory-probe`), so one
//! subject's freed-but-kept heap never counts against another. The probe reads the resident set
//! from `/proc/self/statm` before building the cache and after filling it with `entries`
//! `u64 -> u64` entries, and prints the difference per entry.

use super::subjects::SubjectKind;
use std::process::Command;

/// Resident-set size in bytes, from `/proc/self/statm` (Linux).
pub fn resident_bytes() -> Result<u64, String> {
    let statm = std::fs::read_to_string("/proc/self/statm")
        .map_err(|e| format!("cannot read /proc/self/statm (the memory probe needs Linux): {e}"))?;
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|field| field.parse().ok())
        .ok_or_else(|| format!("unexpected /proc/self/statm contents: {statm:?}"))?;
    Ok(pages * 4096)
}

/// In the child: fills `kind` with `entries` entries and returns RSS growth per entry.
pub fn probe(kind: SubjectKind, entries: usize) -> Result<f64, String> {
    let before = resident_bytes()?;
    let cache = kind.build(entries);
    for key in 0..entries as u64 {
        cache.insert(key, key);
    }
    let after = resident_bytes()?;
    std::hint::black_box(&cache);
    Ok(after.saturating_sub(before) as f64 / entries as f64)
}

/// In the parent: runs the probe for `kind` in a child process of this executable.
pub fn measure(kind: SubjectKind, entries: usize) -> Result<f64, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find own executable: {e}"))?;
    let output = Command::new(exe)
        .args(["memory-probe", "--subject", kind.slug(), "--entries"])
        .arg(entries.to_string())
        .output()
        .map_err(|e| format!("cannot start the memory probe: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "memory probe for {} failed: {}",
            kind.name(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    text.trim()
        .parse()
        .map_err(|e| format!("memory probe printed {text:?}, not a number: {e}"))
}
