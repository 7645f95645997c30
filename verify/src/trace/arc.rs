//! The ARC traces' format: text lines `start count ignore ignore`, each the run of keys
//! `start, start+1, ..., start+count-1` (N. Megiddo and D. S. Modha, FAST '03).

use super::stream::{self, DecodeError, Keys};
use super::{ParseError, excerpt, parse_u64};
use std::io::BufRead;

const SYNTAX: &str = "expected `start count ignore ignore` with unsigned integers start and count";

/// Decodes an ARC trace, streaming; blank lines are skipped.
///
/// ```
/// let keys = clientcache_verify::trace::arc::parse(&b"7 3 0 0\n2 1 0 1\n"[..]);
/// assert_eq!(keys, Ok(vec![7, 8, 9, 2]));
/// ```
pub fn parse(reader: impl BufRead) -> Result<Vec<u64>, ParseError> {
    super::in_memory(decode(reader))
}

pub(crate) fn decode(reader: impl BufRead) -> Result<Keys, DecodeError> {
    let mut keys = Keys::default();
    stream::lines(reader, |line, text| {
        let mut fields = text
            .split(u8::is_ascii_whitespace)
            .filter(|f| !f.is_empty());
        let Some(first) = fields.next() else {
            return Ok(());
        };
        let bad = || ParseError {
            line,
            message: format!("{SYNTAX}, found {}", excerpt(text)),
        };
        let start = parse_u64(first).ok_or_else(bad)?;
        let count = fields.next().and_then(parse_u64).ok_or_else(bad)?;
        keys.push_run(start, count, line)
    })?;
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_expand_and_extra_fields_and_blank_lines_are_ignored() {
        assert_eq!(
            parse(&b"1 2 0 0\r\n\n10 0 0 1\n5 1\n"[..]),
            Ok(vec![1, 2, 5])
        );
    }

    #[test]
    fn a_bad_line_is_named_with_the_expected_syntax() {
        let err = parse(&b"1 1 0 0\nx 2 0 0\n"[..]).unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("start count ignore ignore"), "{err}");
        assert_eq!(parse(&b"3\n"[..]).unwrap_err().line, 1);
        assert!(parse(&b"18446744073709551615 2 0 0"[..]).is_err());
        // A run may end at the largest key, and an empty run adds nothing.
        assert_eq!(
            parse(&b"18446744073709551615 1 0 0"[..]),
            Ok(vec![u64::MAX])
        );
        assert_eq!(parse(&b"18446744073709551615 0 0 0"[..]), Ok(vec![]));
        let err = parse(&b"0 18446744073709551615 0 0"[..]).unwrap_err();
        assert!(err.message.contains("past 2000000000 requests"), "{err}");
    }
}
