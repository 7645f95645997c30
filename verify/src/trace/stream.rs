//! Streaming decode: lines and fixed-size records read from a (decompressing) reader, keys
//! collected under the request cap.
//!
//! No format holds its file in memory: a line or a record at a time is read into a reused
//! buffer and turned into a request at once, interned to a dense id (`Keys`), so decoding
//! needs 4 bytes per request, each distinct key once with its index entry, and a line's worth
//! of buffer; a trace past [`MAX_REQUESTS`] stops at the first request too many instead of
//! after reading everything.

use super::{MAX_REQUESTS, ParseError};
use std::io::{self, BufRead, Read};

/// Why decoding stopped.
#[derive(Debug)]
pub(crate) enum DecodeError {
    /// Reading (or decompressing) failed.
    Io(io::Error),
    /// The content does not decode.
    Parse(ParseError),
}

impl From<io::Error> for DecodeError {
    fn from(error: io::Error) -> Self {
        DecodeError::Io(error)
    }
}

impl From<ParseError> for DecodeError {
    fn from(error: ParseError) -> Self {
        DecodeError::Parse(error)
    }
}

/// The decoded requests, at most [`MAX_REQUESTS`], each interned on arrival: a `u32` id per
/// request (4 bytes) and each distinct key once, so a trace is never held as 8-byte keys.
#[derive(Debug, Default)]
pub(crate) struct Keys {
    /// Key to id, for every distinct key so far.
    index: hashbrown::HashMap<u64, u32>,
    /// One id per request.
    ids: Vec<u32>,
    /// The distinct keys, by id.
    distinct: Vec<u64>,
}

impl Keys {
    /// Adds one request for `key`; `line` (0 for binary formats) names where it came from.
    #[inline]
    pub(crate) fn push(&mut self, key: u64, line: usize) -> Result<(), ParseError> {
        if self.ids.len() == MAX_REQUESTS {
            return Err(too_many(line));
        }
        let next = self.distinct.len() as u32;
        let id = *self.index.entry(key).or_insert(next);
        if id == next {
            self.distinct.push(key);
        }
        self.ids.push(id);
        Ok(())
    }

    /// Adds `count` requests for `start, start + 1, ...`, reserving fallibly first (a short
    /// line can ask for gigabytes).
    pub(crate) fn push_run(
        &mut self,
        start: u64,
        count: u64,
        line: usize,
    ) -> Result<(), ParseError> {
        let Some(last) = start.checked_add(count.saturating_sub(1)) else {
            return Err(ParseError {
                line,
                message: format!("the run {start} + {count} overflows u64"),
            });
        };
        if count == 0 {
            return Ok(());
        }
        if count > (MAX_REQUESTS - self.ids.len()) as u64 {
            return Err(ParseError {
                line,
                message: format!(
                    "the run of {count} keys takes the trace past {MAX_REQUESTS} requests, the \
                     most a replay supports"
                ),
            });
        }
        self.ids
            .try_reserve(count as usize)
            .map_err(|_| ParseError {
                line,
                message: format!(
                    "the run of {count} keys needs {} MiB more for the decoded trace, which could \
                 not be allocated; replay a part of the trace",
                    count.saturating_mul(4) >> 20
                ),
            })?;
        for key in start..=last {
            self.push(key, line)?;
        }
        Ok(())
    }

    /// The key of every request, in order (for decoding from memory).
    pub(crate) fn into_requests(self) -> Vec<u64> {
        self.ids
            .iter()
            .map(|&id| self.distinct[id as usize])
            .collect()
    }

    /// The ids and the distinct keys, the spare capacity given back.
    pub(crate) fn finish(mut self) -> (Vec<u32>, Vec<u64>) {
        self.ids.shrink_to_fit();
        self.distinct.shrink_to_fit();
        (self.ids, self.distinct)
    }
}

fn too_many(line: usize) -> ParseError {
    ParseError {
        line,
        message: format!(
            "the trace holds more than {MAX_REQUESTS} requests, the most a replay supports; \
             replay a part of it"
        ),
    }
}

/// Calls `each(number, line)` for every line of `reader`, numbered from 1, without its `\n`
/// or `\r\n`; a last line without `\n` counts, an empty input has no line.
pub(crate) fn lines(
    mut reader: impl BufRead,
    mut each: impl FnMut(usize, &[u8]) -> Result<(), ParseError>,
) -> Result<(), DecodeError> {
    let mut buf = Vec::with_capacity(256);
    let mut number = 0;
    loop {
        buf.clear();
        if reader.read_until(b'\n', &mut buf)? == 0 {
            return Ok(());
        }
        number += 1;
        let line = buf.strip_suffix(b"\n").unwrap_or(&buf);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        each(number, line)?;
    }
}

/// Bytes a binary format's sanity check looks at.
const HEAD: usize = 512;

/// Calls `each(record)` for every `N`-byte record of `reader`. Fails when the length is not
/// a whole number of records, and when the content cannot be this binary format at all
/// ([`check_binary_head`]): `format` and `what` (the record's description) name it.
pub(crate) fn records<const N: usize>(
    mut reader: impl Read,
    format: &str,
    what: &str,
    mut each: impl FnMut(&[u8; N]) -> Result<(), ParseError>,
) -> Result<(), DecodeError> {
    let mut record = [0u8; N];
    let mut head: Vec<u8> = Vec::with_capacity(HEAD);
    let mut checked = false;
    let mut total: u64 = 0;
    loop {
        let mut filled = 0;
        while filled < N {
            match reader.read(&mut record[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e.into()),
            }
        }
        total += filled as u64;
        if !checked {
            let room = HEAD - head.len();
            head.extend_from_slice(&record[..filled.min(room)]);
            if head.len() == HEAD || filled < N {
                check_binary_head(&head, format)?;
                checked = true;
            }
        }
        if filled < N {
            if filled == 0 {
                return Ok(());
            }
            return Err(ParseError {
                line: 0,
                message: format!(
                    "its length, {total} bytes, is not a multiple of {N}: a {format} trace is a \
                     stream of {what}"
                ),
            }
            .into());
        }
        each(&record)?;
    }
}

/// The sanity check of the binary formats (`cache2k`, `oracle-general`) on a file's first
/// bytes: a binary trace of integer keys is not text (keys of four printable characters in
/// every byte are not a trace anyone recorded) and does not start with a compressor's magic
/// number (a compressed file without the matching extension).
pub fn check_binary_head(head: &[u8], format: &str) -> Result<(), ParseError> {
    const MAGIC: [(&[u8], &str, &str); 3] = [
        (&[0x1F, 0x8B], "gzip", ".gz"),
        (&[0xFD, b'7', b'z', b'X', b'Z', 0], "xz", ".xz"),
        (&[0x28, 0xB5, 0x2F, 0xFD], "zstd", ".zst"),
    ];
    for (magic, name, extension) in MAGIC {
        if head.starts_with(magic) {
            return Err(ParseError {
                line: 0,
                message: format!(
                    "it starts like {name} data, not a {format} trace: give the file its {extension} \
                     extension so it is decompressed"
                ),
            });
        }
    }
    let text = |b: &u8| matches!(b, b'\t' | b'\n' | b'\r' | 0x20..=0x7E);
    if head.len() >= 4 && head.iter().all(text) {
        return Err(ParseError {
            line: 0,
            message: format!(
                "it is text ({:?}...), but a {format} trace is binary: pass the --format of a \
                 text trace (arc, lirs, lines, csv)",
                String::from_utf8_lossy(&head[..head.len().min(24)])
            ),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_lines(input: &[u8]) -> Vec<(usize, Vec<u8>)> {
        let mut out = Vec::new();
        lines(input, |n, line| {
            out.push((n, line.to_vec()));
            Ok(())
        })
        .unwrap();
        out
    }

    #[test]
    fn lines_strip_crlf_and_count_from_one() {
        let lines = all_lines(b"a\r\nb\n\nc");
        let expected: Vec<(usize, Vec<u8>)> = vec![
            (1, b"a".to_vec()),
            (2, b"b".to_vec()),
            (3, b"".to_vec()),
            (4, b"c".to_vec()),
        ];
        assert_eq!(lines, expected);
        assert_eq!(all_lines(b"").len(), 0);
        assert_eq!(all_lines(b"x\n").len(), 1);
    }

    #[test]
    fn records_refuse_partial_records_text_and_compressed_data() {
        let run = |bytes: &[u8]| {
            let mut seen = 0;
            records::<4>(bytes, "cache2k", "big-endian 32-bit integers", |_| {
                seen += 1;
                Ok(())
            })
            .map(|()| seen)
        };
        assert_eq!(run(&[0, 0, 0, 1, 0, 0, 0, 2]).unwrap(), 2);
        assert_eq!(run(&[]).unwrap(), 0);
        let message = |bytes: &[u8]| match run(bytes) {
            Err(DecodeError::Parse(e)) => e.message,
            other => panic!("{other:?}"),
        };
        assert!(message(&[0, 0, 0, 1, 2]).contains("5 bytes, is not a multiple of 4"));
        assert!(message(b"1234\n5678\n12").contains("it is text"));
        assert!(message(&[0x1F, 0x8B, 8, 0]).contains("gzip"));
    }
}
