//! One key string per line: any text (or bytes), keys interned to dense ids.

use super::ParseError;
use super::stream::{self, DecodeError, Keys};
use hashbrown::HashMap;
use std::io::BufRead;

/// Decodes a `lines` trace, streaming: each distinct line (without its `\n` or `\r\n`) is
/// one key, given the id `0, 1, 2, ...` in order of first appearance; blank lines are
/// skipped. Interning, unlike hashing, cannot merge two keys. Any bytes are a key, so the
/// only error is a trace past the request cap.
///
/// ```
/// let keys = clientcache_verify::trace::lines::parse(&b"eu\nus\n\neu\nap\n"[..]);
/// assert_eq!(keys, Ok(vec![0, 1, 0, 2]));
/// ```
pub fn parse(reader: impl BufRead) -> Result<Vec<u64>, ParseError> {
    super::in_memory(decode(reader))
}

pub(crate) fn decode(reader: impl BufRead) -> Result<Keys, DecodeError> {
    let mut interner = Interner::default();
    let mut keys = Keys::default();
    stream::lines(reader, |line, text| {
        if text.is_empty() {
            return Ok(());
        }
        keys.push(interner.id(text), line)
    })?;
    Ok(keys)
}

/// Dense ids for byte strings, first seen first.
#[derive(Debug, Default)]
pub(crate) struct Interner(HashMap<Box<[u8]>, u64>);

impl Interner {
    /// The id of `text`, a new one if it was never seen.
    pub(crate) fn id(&mut self, text: &[u8]) -> u64 {
        if let Some(&id) = self.0.get(text) {
            return id;
        }
        let id = self.0.len() as u64;
        self.0.insert(text.into(), id);
        id
    }
}
