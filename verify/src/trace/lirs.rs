//! The LIRS traces' format: one unsigned integer key per line; blank lines and lines that are
//! `*` are skipped (S. Jiang and X. Zhang, SIGMETRICS 2002).

use super::stream::{self, DecodeError, Keys};
use super::{ParseError, excerpt, parse_u64};
use std::io::BufRead;

/// Decodes a LIRS trace, streaming.
///
/// ```
/// let keys = clientcache_verify::trace::lirs::parse(&b"3\n*\n\n4\r\n"[..]);
/// assert_eq!(keys, Ok(vec![3, 4]));
/// ```
pub fn parse(reader: impl BufRead) -> Result<Vec<u64>, ParseError> {
    super::in_memory(decode(reader))
}

pub(crate) fn decode(reader: impl BufRead) -> Result<Keys, DecodeError> {
    let mut keys = Keys::default();
    stream::lines(reader, |line, text| {
        let text = text.trim_ascii();
        if text.is_empty() || text == b"*" {
            return Ok(());
        }
        let key = parse_u64(text).ok_or_else(|| ParseError {
            line,
            message: format!(
                "expected one unsigned integer key per line (or a blank or `*` line), found {}",
                excerpt(text)
            ),
        })?;
        keys.push(key, line)
    })?;
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_parse_and_markers_are_skipped() {
        assert_eq!(parse(&b" 1 \n*\n2"[..]), Ok(vec![1, 2]));
        assert_eq!(parse(&b""[..]), Ok(vec![]));
    }

    #[test]
    fn a_bad_line_is_named() {
        let err = parse(&b"1\n2\n-3\n"[..]).unwrap_err();
        assert_eq!(err.line, 3);
        assert!(
            err.to_string()
                .starts_with("line 3: expected one unsigned integer"),
            "{err}"
        );
    }
}
