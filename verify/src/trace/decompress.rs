//! Decompression by file extension: `.gz` (gzip), `.xz` (xz), `.zst` (zstd), else none.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

/// A compression a trace file may be stored with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    /// Plain file.
    None,
    /// `.gz`, read with `flate2` (multi-member files too).
    Gzip,
    /// `.xz`, read with `liblzma`.
    Xz,
    /// `.zst`, read with `zstd`.
    Zstd,
}

impl Compression {
    /// The compression a path's extension names.
    ///
    /// ```
    /// use clientcache_verify::trace::decompress::Compression;
    /// use std::path::Path;
    ///
    /// assert_eq!(Compression::from_path(Path::new("a/OLTP.lis.zst")), Compression::Zstd);
    /// assert_eq!(Compression::from_path(Path::new("gli.trace")), Compression::None);
    /// ```
    pub fn from_path(path: &Path) -> Compression {
        match path.extension().and_then(|e| e.to_str()) {
            Some("gz") => Compression::Gzip,
            Some("xz") => Compression::Xz,
            Some("zst") => Compression::Zstd,
            _ => Compression::None,
        }
    }

    /// The file name without this compression's extension.
    pub fn strip(self, name: &str) -> &str {
        let suffix = match self {
            Compression::None => return name,
            Compression::Gzip => ".gz",
            Compression::Xz => ".xz",
            Compression::Zstd => ".zst",
        };
        name.strip_suffix(suffix).unwrap_or(name)
    }

    /// What the errors call it.
    fn name(self) -> &'static str {
        match self {
            Compression::None => "plain",
            Compression::Gzip => "gzip",
            Compression::Xz => "xz",
            Compression::Zstd => "zstd",
        }
    }

    /// A buffered, decompressing reader over `reader`; its read errors say which
    /// decompression failed.
    pub fn reader<'a>(self, reader: impl Read + 'a) -> io::Result<Box<dyn BufRead + 'a>> {
        const BUFFER: usize = 1 << 16;
        let inner: Box<dyn Read + 'a> = match self {
            Compression::None => return Ok(Box::new(BufReader::with_capacity(BUFFER, reader))),
            Compression::Gzip => {
                Box::new(flate2::read::MultiGzDecoder::new(BufReader::new(reader)))
            }
            Compression::Xz => Box::new(liblzma::read::XzDecoder::new_multi_decoder(
                BufReader::new(reader),
            )),
            Compression::Zstd => {
                Box::new(zstd::stream::read::Decoder::new(reader).map_err(|e| self.failed(e))?)
            }
        };
        Ok(Box::new(BufReader::with_capacity(
            BUFFER,
            Labeled {
                inner,
                compression: self,
            },
        )))
    }

    fn failed(self, e: io::Error) -> io::Error {
        io::Error::new(
            e.kind(),
            format!(
                "{} decompression failed: {e} (is the extension right?)",
                self.name()
            ),
        )
    }
}

/// A decompressor whose errors name the compression.
struct Labeled<'a> {
    inner: Box<dyn Read + 'a>,
    compression: Compression,
}

impl Read for Labeled<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf).map_err(|e| self.compression.failed(e))
    }
}

/// Opens the file at `path` for streaming, decompressed according to its extension.
pub fn open(path: &Path) -> io::Result<Box<dyn BufRead>> {
    let file = File::open(path)?;
    Compression::from_path(path).reader(file)
}
