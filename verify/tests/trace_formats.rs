//! Every trace format, plain and under every compression, decodes to the same keys; bad input
//! is an error that says what to do, never a panic. Fixtures are written at test time.

use clientcache_verify::trace::csv::CsvOptions;
use clientcache_verify::trace::{self, Format, TraceError};
use std::io::Write;
use std::path::{Path, PathBuf};

/// `(format, file stem, content, keys)` for each format.
fn fixtures() -> Vec<(Format, &'static str, Vec<u8>, Vec<u64>)> {
    let mut cache2k = Vec::new();
    for key in [5i32, -1, 5, 70_000] {
        cache2k.extend_from_slice(&key.to_be_bytes());
    }
    let mut oracle = Vec::new();
    clientcache_verify::trace::oracle_general::write(&mut oracle, &[9, 1 << 40, 9]).unwrap();
    vec![
        (
            Format::OracleGeneral,
            "t.oracleGeneral",
            oracle,
            vec![9, 1 << 40, 9],
        ),
        (
            Format::Csv,
            "t.csv",
            b"us-east-1,17,3\neu-west-1,18\r\n\n\"us-east-1\",19,2\n".to_vec(),
            vec![0, 1, 0],
        ),
        (
            Format::Arc,
            "t.lis",
            b"10 3 0 0\n2 1 0 1\r\n\n10 1 0 2\n".to_vec(),
            vec![10, 11, 12, 2, 10],
        ),
        (
            Format::Lirs,
            "t.trace",
            b"7\r\n*\n\n8\n7\n".to_vec(),
            vec![7, 8, 7],
        ),
        (
            Format::Cache2k,
            "t.bin",
            cache2k,
            vec![5, 0xFFFF_FFFF, 5, 70_000],
        ),
        (
            Format::Lines,
            "t.txt",
            b"us-east-1\neu-west-1\n\nus-east-1\r\n".to_vec(),
            vec![0, 1, 0],
        ),
    ]
}

fn compress(extension: &str, data: &[u8]) -> Vec<u8> {
    match extension {
        "" => data.to_vec(),
        ".gz" => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        }
        ".xz" => {
            let mut e = liblzma::write::XzEncoder::new(Vec::new(), 6);
            e.write_all(data).unwrap();
            e.finish().unwrap()
        }
        ".zst" => zstd::encode_all(data, 3).unwrap(),
        other => panic!("no fixture compression {other}"),
    }
}

/// The key of every request of `trace`, in order.
fn requests(trace: &trace::Trace) -> Vec<u64> {
    trace.requests().collect()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn every_format_decodes_under_every_compression() {
    let dir = tempfile::tempdir().unwrap();
    for (format, stem, content, keys) in fixtures() {
        for extension in ["", ".gz", ".xz", ".zst"] {
            let name = format!("{stem}{extension}");
            let path = write(dir.path(), &name, &compress(extension, &content));
            // CSV fixtures keep the key in column 1; the column test is below.
            let loaded = trace::load(&path, Some(format))
                .unwrap_or_else(|e| panic!("{name} as {format}: {e}"));
            assert_eq!(requests(&loaded.trace), keys, "{name} as {format}");
            assert_eq!(loaded.trace.name, name);
        }
    }
}

#[test]
fn the_format_defaults_from_the_folder_or_extension() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("cache2k");
    std::fs::create_dir(&sub).unwrap();
    let (_, _, content, keys) = fixtures()
        .into_iter()
        .find(|f| f.0 == Format::Cache2k)
        .unwrap();
    let path = write(&sub, "web.trace.xz", &compress(".xz", &content));
    assert_eq!(
        requests(&trace::load(&path, None).unwrap().trace),
        keys,
        "cache2k/ folder wins"
    );
    let path = write(dir.path(), "x.lis.zst", &compress(".zst", b"3 2 0 0\n"));
    assert_eq!(
        requests(&trace::load(&path, None).unwrap().trace),
        [3, 4],
        ".lis is arc"
    );
}

#[test]
fn an_unknown_format_asks_for_format() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "data.bin", b"1\n");
    let err = trace::load(&path, None).unwrap_err();
    assert!(matches!(err, TraceError::UnknownFormat { .. }));
    assert!(
        err.to_string()
            .contains("--format arc|lirs|cache2k|lines|oracle-general|csv"),
        "{err}"
    );
}

#[test]
fn bad_content_names_the_line_and_the_format() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "bad.trace.gz",
        &compress(".gz", b"1\n2\nthree\n"),
    );
    let err = trace::load(&path, None).unwrap_err().to_string();
    assert!(err.contains("not a valid lirs trace: line 3"), "{err}");
    let path = write(dir.path(), "odd.bin", &[0, 0, 0, 1, 2]);
    let err = trace::load(&path, Some(Format::Cache2k))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("5 bytes") && err.contains("multiple of 4"),
        "{err}"
    );
}

#[test]
fn corrupt_or_missing_files_are_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["junk.trace.gz", "junk.trace.xz", "junk.trace.zst"] {
        let path = write(dir.path(), name, b"this is not compressed at all");
        let err = trace::load(&path, None).unwrap_err().to_string();
        assert!(err.contains("decompression failed"), "{name}: {err}");
    }
    let truncated = compress(".gz", b"1\n2\n3\n");
    let path = write(
        dir.path(),
        "cut.trace.gz",
        &truncated[..truncated.len() / 2],
    );
    assert!(trace::load(&path, None).is_err());
    let err = trace::load(&dir.path().join("absent.trace"), None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("cannot read trace"), "{err}");
}

#[test]
fn csv_takes_the_chosen_column_and_skips_a_header() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "req.csv.gz",
        &compress(".gz", b"time,region,size\n1, \"eu\" ,9\n2,us,9\n3,eu,1\n"),
    );
    let csv = CsvOptions {
        column: 2,
        header: true,
    };
    let loaded = trace::load_with(&path, None, csv).unwrap();
    assert_eq!(requests(&loaded.trace), [0, 1, 0]);
    let without_header = CsvOptions {
        column: 2,
        header: false,
    };
    // Without --csv-header the header row is a request for the key `region`.
    assert_eq!(
        requests(&trace::load_with(&path, None, without_header).unwrap().trace),
        [0, 1, 2, 1]
    );
    let far = CsvOptions {
        column: 5,
        header: true,
    };
    let err = trace::load_with(&path, None, far).unwrap_err().to_string();
    assert!(
        err.contains(
            "not a valid csv trace: line 2: the row has 3 fields, but the key is in column 5"
        ),
        "{err}"
    );
}

#[test]
fn binary_formats_refuse_text_and_misnamed_compressed_files() {
    let dir = tempfile::tempdir().unwrap();
    for format in [Format::Cache2k, Format::OracleGeneral] {
        // 24 bytes of text: a whole number of records in both formats.
        let text = write(
            dir.path(),
            "keys.bin",
            b"1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n",
        );
        let err = trace::load(&text, Some(format)).unwrap_err().to_string();
        assert!(
            err.contains(&format!("is not a valid {format} trace: it is text")),
            "{err}"
        );
        let mut packed = Vec::new();
        clientcache_verify::trace::oracle_general::write(&mut packed, &[1, 2]).unwrap();
        let gz = write(dir.path(), "keys.dat", &compress(".gz", &packed));
        let err = trace::load(&gz, Some(format)).unwrap_err().to_string();
        assert!(
            err.contains("starts like gzip data") && err.contains(".gz extension"),
            "{err}"
        );
    }
    let err = trace::load(&write(dir.path(), "x.oracleGeneral", &[0; 25]), None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("25 bytes, is not a multiple of 24"), "{err}");
}
