//! Bounded labels: how keys and echoed values appear in messages.
//!
//! Errors name keys by their `Debug` formatting, and AWS validation errors echo the value they
//! refuse. Unbounded, a 10 MB key makes a 10 MB error string, and a log line nobody can read.
//! So a label keeps at most [`LABEL_LIMIT`] bytes (cut at a character boundary) and says how
//! much it left out: `"…" (12345 more bytes)`. The text is formatted through a writer that
//! stops keeping bytes at the limit, so a huge key costs its formatting time, never its size in
//! memory. Cutting only removes a suffix: a label never shows more of a key than its full
//! `Debug` would, so a key type that redacts its secrets (as the AWS keys do) stays redacted.

use std::fmt::{self, Debug, Display, Write};

/// The most bytes of a key's `Debug` (or an echoed value) a message keeps: 256.
pub const LABEL_LIMIT: usize = 256;

/// `key`'s `Debug`, cut to [`LABEL_LIMIT`] bytes.
pub(crate) fn debug_label<Q: Debug + ?Sized>(key: &Q) -> String {
    bounded(format_args!("{key:?}"))
}

/// `value`'s `Display`, cut to [`LABEL_LIMIT`] bytes.
#[cfg_attr(not(feature = "aws"), allow(dead_code))] // the AWS layer's, and this module's tests
pub(crate) fn display_label(value: impl Display) -> String {
    bounded(format_args!("{value}"))
}

fn bounded(args: fmt::Arguments<'_>) -> String {
    let mut out = Bounded {
        kept: String::new(),
        left_out: 0,
    };
    // Only our own writer can fail, and it never does.
    let _ = out.write_fmt(args);
    if out.left_out > 0 {
        let _ = write!(out.kept, "… ({} more bytes)", out.left_out);
    }
    out.kept
}

/// Keeps the first [`LABEL_LIMIT`] bytes written, counts the rest.
struct Bounded {
    kept: String,
    left_out: usize,
}

impl Write for Bounded {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let room = LABEL_LIMIT.saturating_sub(self.kept.len());
        let mut take = room.min(s.len());
        while !s.is_char_boundary(take) {
            take -= 1;
        }
        self.kept.push_str(&s[..take]);
        self.left_out += s.len() - take;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_labels_are_whole_and_long_ones_say_what_they_left_out() {
        assert_eq!(debug_label("abc"), "\"abc\"");
        let long = "x".repeat(10_000_000);
        let label = debug_label(&long);
        assert!(label.len() < LABEL_LIMIT + 40, "{}", label.len());
        assert!(label.starts_with("\"xxx"));
        assert!(
            label.ends_with(&format!("… ({} more bytes)", 10_000_002 - LABEL_LIMIT)),
            "{label}"
        );
    }

    #[test]
    fn a_cut_never_splits_a_character() {
        let wide = "é".repeat(1_000); // 2 bytes each
        let label = display_label(&wide);
        let kept = label.split('…').next().unwrap();
        assert!(kept.len() <= LABEL_LIMIT);
        assert!(kept.chars().all(|c| c == 'é'));
    }
}
