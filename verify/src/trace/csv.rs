//! CSV traces: one request per row, the key in a chosen column.
//!
//! Rows are split on commas (fields are not quoted: a field holding a comma is not
//! supported), each field trimmed of blanks and of one pair of surrounding double quotes.
//! The key is the chosen column's text, interned to dense ids in order of first appearance
//! (so `7` and `07` are different keys); blank rows are skipped; with a header, the first
//! row is skipped. Keys only: every object counts as size 1.

use super::lines::Interner;
use super::stream::{self, DecodeError, Keys};
use super::{ParseError, excerpt};
use std::io::BufRead;

/// Which column holds the key, and whether the first row is a header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CsvOptions {
    /// The key's column, counted from 1.
    pub column: usize,
    /// Whether to skip the first row.
    pub header: bool,
}

impl Default for CsvOptions {
    /// The first column, no header.
    fn default() -> Self {
        CsvOptions {
            column: 1,
            header: false,
        }
    }
}

/// Decodes a CSV trace, streaming.
///
/// ```
/// use clientcache_verify::trace::csv::{self, CsvOptions};
///
/// let rows = &b"time,key\n1,\"a\"\n2,b\n3,a\n"[..];
/// let options = CsvOptions { column: 2, header: true };
/// assert_eq!(csv::parse(rows, options), Ok(vec![0, 1, 0]));
/// ```
pub fn parse(reader: impl BufRead, options: CsvOptions) -> Result<Vec<u64>, ParseError> {
    super::in_memory(decode(reader, options))
}

pub(crate) fn decode(reader: impl BufRead, options: CsvOptions) -> Result<Keys, DecodeError> {
    if options.column == 0 {
        return Err(ParseError {
            line: 0,
            message: "CSV columns are counted from 1; --csv-column 0 names none".into(),
        }
        .into());
    }
    let mut interner = Interner::default();
    let mut keys = Keys::default();
    stream::lines(reader, |line, text| {
        if (options.header && line == 1) || text.trim_ascii().is_empty() {
            return Ok(());
        }
        let field = text.split(|&b| b == b',').nth(options.column - 1);
        let Some(field) = field else {
            return Err(ParseError {
                line,
                message: format!(
                    "the row has {} fields, but the key is in column {}: {}; pass \
                     --csv-column N to choose another",
                    text.split(|&b| b == b',').count(),
                    options.column,
                    excerpt(text)
                ),
            });
        };
        let field = field.trim_ascii();
        let field = field
            .strip_prefix(b"\"")
            .and_then(|f| f.strip_suffix(b"\""))
            .unwrap_or(field);
        keys.push(interner.id(field), line)
    })?;
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_row_names_its_line_and_the_column() {
        let options = CsvOptions {
            column: 3,
            header: false,
        };
        let err = parse(&b"a,b,c\nd,e\n"[..], options).unwrap_err();
        assert_eq!(err.line, 2);
        assert!(
            err.message.contains("2 fields, but the key is in column 3"),
            "{err}"
        );
        let zero = CsvOptions {
            column: 0,
            header: false,
        };
        assert!(
            parse(&b"a\n"[..], zero)
                .unwrap_err()
                .message
                .contains("from 1")
        );
    }
}
