//! libCacheSim's oracleGeneral binary format: little-endian records of a `u32` timestamp, a
//! `u64` object id, a `u32` object size and an `i64` virtual time of the object's next access
//! (-1 for none), 24 bytes each. The format of libCacheSim's public trace collections, often
//! `.zst`-compressed.
//!
//! Keys only: the object id is the key, and the timestamp, size and next access are ignored
//! (every object counts as size 1, as in every replay here). [`fn@write`] produces the format, so
//! the harness can hand any trace to libCacheSim.

use super::ParseError;
use super::stream::{self, DecodeError, Keys};
use std::io::{self, Read, Write};

/// Bytes per record.
pub const RECORD_BYTES: usize = 24;

/// Decodes an oracleGeneral trace, streaming. Refuses a length that is not a multiple of 24
/// and content that cannot be this format (text, or a compressor's magic number: see
/// [`stream::check_binary_head`]).
///
/// ```
/// use clientcache_verify::trace::oracle_general;
///
/// let mut bytes = Vec::new();
/// oracle_general::write(&mut bytes, &[7, 9, 7]).unwrap();
/// assert_eq!(bytes.len(), 3 * oracle_general::RECORD_BYTES);
/// assert_eq!(oracle_general::parse(&bytes[..]), Ok(vec![7, 9, 7]));
/// ```
pub fn parse(reader: impl Read) -> Result<Vec<u64>, ParseError> {
    super::in_memory(decode(reader))
}

pub(crate) fn decode(reader: impl Read) -> Result<Keys, DecodeError> {
    let mut keys = Keys::default();
    stream::records::<RECORD_BYTES>(
        reader,
        "oracle-general",
        "24-byte records (u32 timestamp, u64 id, u32 size, i64 next access)",
        |record| {
            let id: [u8; 8] = record[4..12].try_into().expect("8 bytes");
            keys.push(u64::from_le_bytes(id), 0)
        },
    )?;
    Ok(keys)
}

/// Writes `keys` as an oracleGeneral trace: request `i` has timestamp `i` (wrapping at 2^32),
/// object id the key, size 1 and the position of the key's next request (-1 if none), as
/// libCacheSim's own converter computes it.
pub fn write(out: &mut impl Write, keys: &[u64]) -> io::Result<()> {
    let mut next = vec![-1i64; keys.len()];
    let mut last: hashbrown::HashMap<u64, usize> = hashbrown::HashMap::new();
    for (i, &key) in keys.iter().enumerate().rev() {
        if let Some(j) = last.insert(key, i) {
            next[i] = j as i64;
        }
    }
    let mut out = io::BufWriter::new(out);
    for (i, (&key, &next)) in keys.iter().zip(&next).enumerate() {
        let mut record = [0u8; RECORD_BYTES];
        record[0..4].copy_from_slice(&(i as u32).to_le_bytes());
        record[4..12].copy_from_slice(&key.to_le_bytes());
        record[12..16].copy_from_slice(&1u32.to_le_bytes());
        record[16..24].copy_from_slice(&next.to_le_bytes());
        out.write_all(&record)?;
    }
    out.flush()
}
