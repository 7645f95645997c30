//! Reading cache traces into memory, once.
//!
//! # The problem
//!
//! Published cache traces come in several formats (the ARC traces' runs of block numbers, the
//! LIRS traces' one key per line, cache2k's binary integers, libCacheSim's oracleGeneral
//! records, CSV exports), usually compressed. A replay must not pay for parsing on every pass:
//! [`load`] decompresses and decodes a file once into a [`Trace`], a dense id per request and
//! each distinct key once, that every policy and capacity then replays.
//!
//! # Memory
//!
//! Decoding streams: the file is read through its decompressor a line or a record at a time
//! ([`stream`]), never held whole, and each request is interned on arrival, so a trace costs
//! 4 bytes a request (a `u32` id; the vector's spare capacity is given back at the end) plus
//! each distinct key once, and one past [`MAX_REQUESTS`] is refused at the first request too
//! many.
//!
//! # Formats
//!
//! | [`Format`] | content | key |
//! |---|---|---|
//! | `arc` | text lines `start count ignore ignore` | `start, start+1, ..., start+count-1` |
//! | `lirs` | text, one unsigned integer per line; blank and `*` lines skipped | the integer |
//! | `cache2k` | binary stream of big-endian `i32` | the integer's 32 bits, as `u64` |
//! | `lines` | text, one key string per line; blank lines skipped | dense id, first seen first |
//! | `oracle-general` | binary little-endian records `u32 time, u64 id, u32 size, i64 next` | the id |
//! | `csv` | text rows, the key in a chosen column ([`csv::CsvOptions`]), optional header | the column's text, as a dense id |
//!
//! Keys only: sizes (oracleGeneral's, a CSV's columns) are ignored, every object counts as size
//! 1, and every request is a lookup followed by an insert on a miss.
//!
//! A file ending in `.gz`, `.xz` or `.zst` is decompressed first ([`decompress`]). The format
//! can be told from the path ([`Format::from_path`]): a parent folder named `arc`, `lirs` or
//! `cache2k`, a file name containing `oracleGeneral`, else the extension under the compression
//! one (`.lis` arc, `.trace` lirs, `.csv` csv, `.txt`, `.lines` or `.log` lines).

pub mod arc;
pub mod cache2k;
pub mod csv;
pub mod decompress;
pub mod lines;
pub mod lirs;
pub mod oracle_general;
pub mod stream;

use csv::CsvOptions;
use std::io::BufRead;
use stream::DecodeError;

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::{Duration, Instant};

/// The most requests a trace may hold: the replays number requests and keys with `u32`
/// (Bélády's next-use positions, the dense key ids), and a bad line must not be able to ask
/// for more memory than any machine has (an ARC run of 2^64 keys).
pub const MAX_REQUESTS: usize = 2_000_000_000;

/// A decoded trace: the keys requested, in order, as a dense id per request and each
/// distinct key once (4 bytes a request, however wide the keys).
///
/// ```
/// use clientcache_verify::trace::Trace;
///
/// let trace = Trace::from_keys("t", [70, 9, 70, 5]);
/// assert_eq!(trace.ids, [0, 1, 0, 2]);
/// assert_eq!(trace.distinct, [70, 9, 5]);
/// assert_eq!(trace.requests().collect::<Vec<_>>(), [70, 9, 70, 5]);
/// assert_eq!((trace.len(), trace.unique_keys()), (4, 3));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trace {
    /// What the reports call it: the file name (`OLTP.lis.zst`) or the workload spec.
    pub name: String,
    /// One id per request: the index of its key in `distinct`, first seen first.
    pub ids: Vec<u32>,
    /// The distinct keys, by id.
    pub distinct: Vec<u64>,
}

impl Trace {
    /// The trace of `keys`, one request each, interned to dense ids.
    ///
    /// # Panics
    ///
    /// With more than [`MAX_REQUESTS`] keys.
    pub fn from_keys(name: impl Into<String>, keys: impl IntoIterator<Item = u64>) -> Trace {
        let mut collected = stream::Keys::default();
        for key in keys {
            collected
                .push(key, 0)
                .expect("at most MAX_REQUESTS requests");
        }
        let (ids, distinct) = collected.finish();
        Trace {
            name: name.into(),
            ids,
            distinct,
        }
    }

    /// The number of requests.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the trace has no request.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The number of distinct keys.
    pub fn unique_keys(&self) -> usize {
        self.distinct.len()
    }

    /// The key of every request, in order.
    pub fn requests(&self) -> impl Iterator<Item = u64> + '_ {
        self.ids.iter().map(|&id| self.distinct[id as usize])
    }
}

/// A trace file format. Parses from `arc`, `lirs`, `cache2k`, `lines`, `oracle-general` or
/// `csv`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// ARC traces: `start count ignore ignore` runs.
    Arc,
    /// LIRS traces: one unsigned integer per line.
    Lirs,
    /// cache2k traces: big-endian `i32` stream.
    Cache2k,
    /// One key string per line.
    Lines,
    /// libCacheSim's oracleGeneral: 24-byte little-endian records.
    OracleGeneral,
    /// CSV rows, the key in a chosen column.
    Csv,
}

impl Format {
    /// Every format, in `--help` order.
    pub const ALL: [Format; 6] = [
        Format::Arc,
        Format::Lirs,
        Format::Cache2k,
        Format::Lines,
        Format::OracleGeneral,
        Format::Csv,
    ];

    /// The command-line name.
    pub fn name(self) -> &'static str {
        match self {
            Format::Arc => "arc",
            Format::Lirs => "lirs",
            Format::Cache2k => "cache2k",
            Format::Lines => "lines",
            Format::OracleGeneral => "oracle-general",
            Format::Csv => "csv",
        }
    }

    /// The format a path suggests: its parent folder's name (`arc/`, `lirs/`, `cache2k/`), a
    /// file name containing `oracleGeneral` (libCacheSim's naming), else its extension under
    /// any compression extension. `None` when none tells.
    ///
    /// ```
    /// use clientcache_verify::trace::Format;
    /// use std::path::Path;
    ///
    /// assert_eq!(Format::from_path(Path::new("traces/arc/OLTP.lis.zst")), Some(Format::Arc));
    /// assert_eq!(Format::from_path(Path::new("x/web07.trace.xz")), Some(Format::Lirs));
    /// assert_eq!(Format::from_path(Path::new("cache2k/web07.trace.xz")), Some(Format::Cache2k));
    /// assert_eq!(Format::from_path(Path::new("keys.txt.gz")), Some(Format::Lines));
    /// assert_eq!(Format::from_path(Path::new("w82.oracleGeneral.zst")), Some(Format::OracleGeneral));
    /// assert_eq!(Format::from_path(Path::new("requests.csv.gz")), Some(Format::Csv));
    /// assert_eq!(Format::from_path(Path::new("data.bin")), None);
    /// ```
    pub fn from_path(path: &Path) -> Option<Format> {
        let parent = path
            .parent()
            .and_then(Path::file_name)
            .and_then(|n| n.to_str());
        if let Some(format) = parent.and_then(|dir| dir.parse().ok()) {
            return Some(format);
        }
        let name = path.file_name()?.to_str()?;
        if name.contains("oracleGeneral") {
            return Some(Format::OracleGeneral);
        }
        let stem = decompress::Compression::from_path(path).strip(name);
        match stem.rsplit_once('.')?.1 {
            "lis" => Some(Format::Arc),
            "trace" => Some(Format::Lirs),
            "txt" | "lines" | "log" => Some(Format::Lines),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    /// Decodes decompressed `bytes` in this format (a CSV's key in its first column, no
    /// header); a trace of more than [`MAX_REQUESTS`] requests is an error in every format.
    pub fn parse(self, bytes: &[u8]) -> Result<Vec<u64>, ParseError> {
        in_memory(self.decode(bytes, CsvOptions::default()))
    }

    /// Decodes `reader` (decompressed) in this format, streaming; `csv` says where a CSV's
    /// key is.
    pub(crate) fn decode(
        self,
        reader: impl BufRead,
        csv: CsvOptions,
    ) -> Result<stream::Keys, DecodeError> {
        match self {
            Format::Arc => arc::decode(reader),
            Format::Lirs => lirs::decode(reader),
            Format::Cache2k => cache2k::decode(reader),
            Format::Lines => lines::decode(reader),
            Format::OracleGeneral => oracle_general::decode(reader),
            Format::Csv => csv::decode(reader, csv),
        }
    }
}

/// A decode from memory as each request's key, or its parse error (reading memory cannot
/// fail): what each format's `parse` returns.
pub(crate) fn in_memory(
    decoded: Result<stream::Keys, DecodeError>,
) -> Result<Vec<u64>, ParseError> {
    decoded.map(stream::Keys::into_requests).map_err(parse_only)
}

/// The parse error of a decode from memory (which cannot fail to read).
pub(crate) fn parse_only(error: DecodeError) -> ParseError {
    match error {
        DecodeError::Parse(error) => error,
        DecodeError::Io(error) => ParseError {
            line: 0,
            message: error.to_string(),
        },
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, String> {
        Format::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| {
                format!(
                    "unknown trace format `{name}`; choose arc, lirs, cache2k, lines, \
                     oracle-general or csv"
                )
            })
    }
}

/// A line (or, for binary formats, byte offset) that does not decode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line number; 0 for the binary formats and whole-file problems (the message
    /// says where).
    pub line: usize,
    /// What was wrong and what was expected.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            f.write_str(&self.message)
        } else {
            write!(f, "line {}: {}", self.line, self.message)
        }
    }
}

impl std::error::Error for ParseError {}

/// Why a trace could not be loaded.
#[derive(Debug)]
pub enum TraceError {
    /// The file could not be read or decompressed.
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Neither `--format` nor the path says which format the file is in.
    UnknownFormat {
        /// The file.
        path: PathBuf,
    },
    /// The content does not decode in the chosen format.
    Parse {
        /// The file.
        path: PathBuf,
        /// The format tried.
        format: Format,
        /// Where and why.
        error: ParseError,
    },
}

impl fmt::Display for TraceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TraceError::Io { path, source } => {
                write!(f, "cannot read trace {}: {source}", path.display())
            }
            TraceError::UnknownFormat { path } => write!(
                f,
                "cannot tell the format of {} from its folder or extension; pass \
                 --format arc|lirs|cache2k|lines|oracle-general|csv",
                path.display()
            ),
            TraceError::Parse {
                path,
                format,
                error,
            } => write!(
                f,
                "{} is not a valid {format} trace: {error} (pass --format if the format is \
                 another)",
                path.display()
            ),
        }
    }
}

impl std::error::Error for TraceError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            TraceError::Io { source, .. } => Some(source),
            TraceError::Parse { error, .. } => Some(error),
            TraceError::UnknownFormat { .. } => None,
        }
    }
}

/// A loaded trace and how long reading it took.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The trace.
    pub trace: Trace,
    /// Time to read, decompress and decode the file.
    pub decode_time: Duration,
}

/// Reads, decompresses (by extension) and decodes the trace at `path`, in `format` or else the
/// one [`Format::from_path`] tells (a CSV's key in its first column, no header).
pub fn load(path: &Path, format: Option<Format>) -> Result<Loaded, TraceError> {
    load_with(path, format, CsvOptions::default())
}

/// [`load`], with `csv` saying where a CSV trace's key is.
pub fn load_with(
    path: &Path,
    format: Option<Format>,
    csv: CsvOptions,
) -> Result<Loaded, TraceError> {
    let start = Instant::now();
    let format =
        format
            .or_else(|| Format::from_path(path))
            .ok_or_else(|| TraceError::UnknownFormat {
                path: path.to_path_buf(),
            })?;
    let io = |source| TraceError::Io {
        path: path.to_path_buf(),
        source,
    };
    let reader = decompress::open(path).map_err(io)?;
    let keys = format.decode(reader, csv).map_err(|error| match error {
        DecodeError::Io(source) => io(source),
        DecodeError::Parse(error) => TraceError::Parse {
            path: path.to_path_buf(),
            format,
            error,
        },
    })?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let (ids, distinct) = keys.finish();
    Ok(Loaded {
        trace: Trace {
            name,
            ids,
            distinct,
        },
        decode_time: start.elapsed(),
    })
}

/// Parses an unsigned decimal integer made of ASCII digits only.
#[inline]
pub(crate) fn parse_u64(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() {
        return None;
    }
    let mut value: u64 = 0;
    for &b in digits {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        value = value.checked_mul(10)?.checked_add(u64::from(d))?;
    }
    Some(value)
}

/// A short, printable excerpt of a bad line for error messages.
pub(crate) fn excerpt(line: &[u8]) -> String {
    let text = String::from_utf8_lossy(line);
    let mut short: String = text.chars().take(60).collect();
    if text.chars().count() > 60 {
        short.push_str("...");
    }
    format!("{short:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_u64_rejects_signs_spaces_and_overflow() {
        assert_eq!(parse_u64(b"0"), Some(0));
        assert_eq!(parse_u64(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_u64(b"18446744073709551616"), None);
        assert_eq!(parse_u64(b"-1"), None);
        assert_eq!(parse_u64(b" 1"), None);
        assert_eq!(parse_u64(b""), None);
    }

    #[test]
    fn format_parses_case_insensitively_and_names_the_choices() {
        assert_eq!("ARC".parse::<Format>(), Ok(Format::Arc));
        let err = "tsv".parse::<Format>().unwrap_err();
        assert!(
            err.contains("arc, lirs, cache2k, lines, oracle-general or csv"),
            "{err}"
        );
    }
}
