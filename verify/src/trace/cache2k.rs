//! The cache2k traces' format: a stream of big-endian signed 32-bit integers, one key each.

use super::ParseError;
use super::stream::{self, DecodeError, Keys};
use std::io::Read;

/// Decodes a cache2k trace, streaming. A key's 32 bits become the low bits of the `u64` key, so
/// distinct integers stay distinct (-1 is `0xFFFF_FFFF`).
///
/// The sanity check: a length that is not a multiple of 4, a file that is text, or one that
/// starts with a compressor's magic number cannot be a cache2k trace and is refused (see
/// [`stream::check_binary_head`]).
///
/// ```
/// let bytes = [0, 0, 0, 7, 0xFF, 0xFF, 0xFF, 0xFF];
/// assert_eq!(clientcache_verify::trace::cache2k::parse(&bytes[..]), Ok(vec![7, 0xFFFF_FFFF]));
/// ```
pub fn parse(reader: impl Read) -> Result<Vec<u64>, ParseError> {
    super::in_memory(decode(reader))
}

pub(crate) fn decode(reader: impl Read) -> Result<Keys, DecodeError> {
    let mut keys = Keys::default();
    stream::records::<4>(reader, "cache2k", "big-endian 32-bit integers", |record| {
        keys.push(u64::from(u32::from_be_bytes(*record)), 0)
    })?;
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_truncated_stream_is_refused_with_its_length() {
        let err = parse(&[0u8, 0, 1][..]).unwrap_err();
        assert!(err.to_string().contains("3 bytes"), "{err}");
    }
}
