//! The ARC traces' format: text lines `start count ignore ignore`, each the run of keys
//! `start, start+1, ..., start+count-1` (N. Megiddo and D. S. Modha, FAST '03).

use super::{MAX_REQUESTS, ParseError, excerpt, numbered_lines, parse_u64};

const SYNTAX: &str = "expected `start count ignore ignore` with unsigned integers start and count";

/// Decodes an ARC trace; blank lines are skipped.
///
/// ```
/// assert_eq!(clientcache_verify::trace::arc::parse(b"7 3 0 0\n2 1 0 1\n"), Ok(vec![7, 8, 9, 2]));
/// ```
pub fn parse(bytes: &[u8]) -> Result<Vec<u64>, ParseError> {
    let mut keys = Vec::with_capacity(bytes.len() / 4);
    for (line, text) in numbered_lines(bytes) {
        let mut fields = text
            .split(u8::is_ascii_whitespace)
            .filter(|f| !f.is_empty());
        let Some(first) = fields.next() else { continue };
        let bad = || ParseError {
            line,
            message: format!("{SYNTAX}, found {}", excerpt(text)),
        };
        let start = parse_u64(first).ok_or_else(bad)?;
        let count = fields.next().and_then(parse_u64).ok_or_else(bad)?;
        if count == 0 {
            continue;
        }
        // The run's last key must fit (a run may end at `u64::MAX` itself).
        let last = start.checked_add(count - 1).ok_or_else(|| ParseError {
            line,
            message: format!("the run {start} + {count} overflows u64"),
        })?;
        if count > (MAX_REQUESTS - keys.len()) as u64 {
            return Err(ParseError {
                line,
                message: format!(
                    "the run of {count} keys takes the trace past {MAX_REQUESTS} requests, the \
                     most a replay supports"
                ),
            });
        }
        // Reserve fallibly: a short line can ask for gigabytes.
        keys.try_reserve(count as usize).map_err(|_| ParseError {
            line,
            message: format!(
                "the run of {count} keys needs {} MiB more for the decoded trace, which could \
                 not be allocated; replay a part of the trace",
                count.saturating_mul(8) >> 20
            ),
        })?;
        keys.extend(start..=last);
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_expand_and_extra_fields_and_blank_lines_are_ignored() {
        assert_eq!(parse(b"1 2 0 0\r\n\n10 0 0 1\n5 1\n"), Ok(vec![1, 2, 5]));
    }

    #[test]
    fn a_bad_line_is_named_with_the_expected_syntax() {
        let err = parse(b"1 1 0 0\nx 2 0 0\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("start count ignore ignore"), "{err}");
        assert_eq!(parse(b"3\n").unwrap_err().line, 1);
        assert!(parse(b"18446744073709551615 2 0 0").is_err());
        // A run may end at the largest key, and an empty run adds nothing.
        assert_eq!(parse(b"18446744073709551615 1 0 0"), Ok(vec![u64::MAX]));
        assert_eq!(parse(b"18446744073709551615 0 0 0"), Ok(vec![]));
        let err = parse(b"0 18446744073709551615 0 0").unwrap_err();
        assert!(err.message.contains("past 2000000000 requests"), "{err}");
    }
}
