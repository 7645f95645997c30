//! The cache2k traces' format: a stream of big-endian signed 32-bit integers, one key each.

use super::{MAX_REQUESTS, ParseError};

/// Decodes a cache2k trace. A key's 32 bits become the low bits of the `u64` key, so distinct
/// integers stay distinct (-1 is `0xFFFF_FFFF`).
///
/// ```
/// let bytes = [0, 0, 0, 7, 0xFF, 0xFF, 0xFF, 0xFF];
/// assert_eq!(clientcache_verify::trace::cache2k::parse(&bytes), Ok(vec![7, 0xFFFF_FFFF]));
/// ```
pub fn parse(bytes: &[u8]) -> Result<Vec<u64>, ParseError> {
    if bytes.len() % 4 != 0 {
        return Err(ParseError {
            line: 0,
            message: format!(
                "its length, {} bytes, is not a multiple of 4: a cache2k trace is a stream of \
                 big-endian 32-bit integers",
                bytes.len()
            ),
        });
    }
    if bytes.len() / 4 > MAX_REQUESTS {
        return Err(ParseError {
            line: 0,
            message: format!(
                "it holds {} keys, more than the {MAX_REQUESTS} requests a replay supports",
                bytes.len() / 4
            ),
        });
    }
    Ok(bytes
        .chunks_exact(4)
        .map(|c| u64::from(u32::from_be_bytes([c[0], c[1], c[2], c[3]])))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_truncated_stream_is_refused_with_its_length() {
        let err = parse(&[0, 0, 1]).unwrap_err();
        assert!(err.to_string().contains("3 bytes"), "{err}");
    }
}
