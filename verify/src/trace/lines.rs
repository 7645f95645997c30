//! One key string per line: any text (or bytes), keys interned to dense ids.

use super::numbered_lines;
use hashbrown::HashMap;

/// Decodes a `lines` trace: each distinct line (without its `\n` or `\r\n`) is one key, given
/// the id `0, 1, 2, ...` in order of first appearance; blank lines are skipped. Interning,
/// unlike hashing, cannot merge two keys. Never fails: any bytes are a key.
///
/// ```
/// let keys = clientcache_verify::trace::lines::parse(b"eu\nus\n\neu\nap\n");
/// assert_eq!(keys, [0, 1, 0, 2]);
/// ```
pub fn parse(bytes: &[u8]) -> Vec<u64> {
    let mut ids: HashMap<&[u8], u64> = HashMap::new();
    numbered_lines(bytes)
        .filter(|(_, line)| !line.is_empty())
        .map(|(_, line)| {
            let next = ids.len() as u64;
            *ids.entry(line).or_insert(next)
        })
        .collect()
}
