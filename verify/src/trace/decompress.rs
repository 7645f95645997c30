//! Decompression by file extension: `.gz` (gzip), `.xz` (xz), `.zst` (zstd), else none.

use std::fs::File;
use std::io::{self, BufReader, Read};
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

    /// Reads all of `reader`, decompressing.
    pub fn decode(self, reader: impl Read) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        let result = match self {
            Compression::None => BufReader::new(reader).read_to_end(&mut out),
            Compression::Gzip => flate2::read::MultiGzDecoder::new(reader).read_to_end(&mut out),
            Compression::Xz => {
                liblzma::read::XzDecoder::new_multi_decoder(reader).read_to_end(&mut out)
            }
            Compression::Zstd => zstd::stream::read::Decoder::new(reader)?.read_to_end(&mut out),
        };
        result.map_err(|e| {
            io::Error::new(
                e.kind(),
                format!(
                    "{} decompression failed: {e} (is the extension right?)",
                    self.name()
                ),
            )
        })?;
        Ok(out)
    }
}

/// Reads the file at `path`, decompressed according to its extension.
pub fn read(path: &Path) -> io::Result<Vec<u8>> {
    let file = File::open(path)?;
    Compression::from_path(path).decode(file)
}
