//! The LIRS traces' format: one unsigned integer key per line; blank lines and lines that are
//! `*` are skipped (S. Jiang and X. Zhang, SIGMETRICS 2002).

use super::{ParseError, excerpt, numbered_lines, parse_u64};

/// Decodes a LIRS trace.
///
/// ```
/// assert_eq!(clientcache_verify::trace::lirs::parse(b"3\n*\n\n4\r\n"), Ok(vec![3, 4]));
/// ```
pub fn parse(bytes: &[u8]) -> Result<Vec<u64>, ParseError> {
    let mut keys = Vec::with_capacity(bytes.len() / 4);
    for (line, text) in numbered_lines(bytes) {
        let text = text.trim_ascii();
        if text.is_empty() || text == b"*" {
            continue;
        }
        let key = parse_u64(text).ok_or_else(|| ParseError {
            line,
            message: format!(
                "expected one unsigned integer key per line (or a blank or `*` line), found {}",
                excerpt(text)
            ),
        })?;
        keys.push(key);
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_parse_and_markers_are_skipped() {
        assert_eq!(parse(b" 1 \n*\n2"), Ok(vec![1, 2]));
        assert_eq!(parse(b""), Ok(vec![]));
    }

    #[test]
    fn a_bad_line_is_named() {
        let err = parse(b"1\n2\n-3\n").unwrap_err();
        assert_eq!(err.line, 3);
        assert!(
            err.to_string()
                .starts_with("line 3: expected one unsigned integer"),
            "{err}"
        );
    }
}
