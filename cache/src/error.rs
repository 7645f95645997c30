//! [`Error`]: everything a cache operation or a configuration can refuse.

use std::fmt::{self, Debug};

/// Why a cache operation or a configuration was refused.
///
/// Keys appear in messages by their *label*: the key's `Debug` formatting, cut to
/// [`LABEL_LIMIT`](crate::LABEL_LIMIT) bytes with a note of how many were left out. Key types
/// that hold secrets (credentials) must redact them in `Debug`; the label is then safe to log
/// (a cut only removes a suffix of it).
///
/// # Examples
///
/// ```
/// # #[cfg(all(feature = "lru", feature = "lfu", feature = "tinylfu"))] {
/// use clientcache::{Cache, Error, LruPolicy};
///
/// let cache: Cache<&str, u32, LruPolicy> = Cache::new(10);
/// cache.insert("eu-west-1", 1).unwrap();
/// let err = cache.insert("eu-west-1", 2).unwrap_err();
/// assert!(matches!(err, Error::AlreadyCached { .. }));
/// assert_eq!(
///     err.to_string(),
///     "key `\"eu-west-1\"` is already cached; remove it first, \
///      or use get_or_insert_with to reuse the cached value",
/// );
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `insert` found the key already cached; the cache never overwrites.
    #[error(
        "key `{key}` is already cached; remove it first, or use get_or_insert_with to reuse the \
         cached value"
    )]
    AlreadyCached {
        /// The key's label (its `Debug` formatting).
        key: String,
    },
    /// `try_get` or `remove` did not find the key.
    #[error(
        "key `{key}` is not cached; insert it first, or use get_or_insert_with to load it on a \
         miss"
    )]
    NotCached {
        /// The key's label (its `Debug` formatting).
        key: String,
    },
    /// A policy name that is unknown, or whose Cargo feature is off.
    #[error(
        "unknown eviction policy `{name}`; available: {} (case-insensitive; a policy whose \
         Cargo feature of clientcache is off is not available)",
        Names(available)
    )]
    UnknownPolicy {
        /// The name as given.
        name: String,
        /// The names this build accepts.
        available: Vec<&'static str>,
    },
    /// A `max_size` above what entry ids can address.
    #[error(
        "max_size {max_size} is too large: a cache holds at most {limit} entries; use a smaller \
         max_size"
    )]
    InvalidMaxSize {
        /// The size asked for.
        max_size: usize,
        /// The largest valid size, [`MAX_SIZE_LIMIT`](crate::MAX_SIZE_LIMIT).
        limit: usize,
    },
    /// A shard count of 0, or above [`MAX_SHARDS`](crate::MAX_SHARDS).
    #[error(
        "shards {shards} is invalid: use 1 to {limit} shards (1, the default, keeps one exact \
         policy for the whole cache; a few times the number of cores spreads lock contention)"
    )]
    InvalidShards {
        /// The shard count asked for.
        shards: usize,
        /// The largest valid count, [`MAX_SHARDS`](crate::MAX_SHARDS).
        limit: usize,
    },
    /// A `max_size` between 1 and the shard count minus one: some shards would have no room,
    /// so keys placed there could never be cached.
    #[error(
        "max_size {max_size} is smaller than the {shards} shards: every shard needs room for at \
         least one entry; use a max_size of at least {shards} (or 0 to cache nothing), or fewer \
         shards"
    )]
    MaxSizeBelowShards {
        /// The size asked for.
        max_size: usize,
        /// The cache's shard count.
        shards: usize,
    },
    /// An expiry setting that cannot be meant ([`CacheBuilder`](crate::CacheBuilder)).
    #[error("invalid {setting}: {reason}")]
    InvalidExpiry {
        /// The builder setting (`time_to_live`, `time_to_idle`).
        setting: &'static str,
        /// What is wrong and what to do.
        reason: &'static str,
    },
    /// A per-entry deadline asked of a cache built without expiry.
    #[error(
        "this cache was built without expiry, so an entry cannot have a deadline; build it with \
         CacheBuilder::per_entry_expiry (or time_to_live, time_to_idle, expire_after or clock)"
    )]
    ExpiryDisabled,
    /// A typed read of an `AnyValueCache` found a value of another type under the key.
    #[error(
        "key `{key}` holds a `{stored}`, not the requested `{expected}`; read it as the type it \
         was cached as, or cache each client type under its own key"
    )]
    TypeMismatch {
        /// The key's label (its `Debug` formatting, redacted).
        key: String,
        /// The type asked for.
        expected: &'static str,
        /// The type cached under the key.
        stored: &'static str,
    },
}

impl Error {
    /// [`Error::AlreadyCached`] for `key`.
    pub(crate) fn already_cached<Q: Debug + ?Sized>(key: &Q) -> Self {
        Error::AlreadyCached { key: label(key) }
    }

    /// [`Error::NotCached`] for `key`.
    pub(crate) fn not_cached<Q: Debug + ?Sized>(key: &Q) -> Self {
        Error::NotCached { key: label(key) }
    }

    /// [`Error::TypeMismatch`] for `key`.
    #[cfg(any(feature = "lru", feature = "lfu", feature = "tinylfu"))]
    pub(crate) fn type_mismatch<Q: Debug + ?Sized>(
        key: &Q,
        expected: &'static str,
        stored: &'static str,
    ) -> Self {
        Error::TypeMismatch {
            key: label(key),
            expected,
            stored,
        }
    }
}

/// A key's label in messages: its `Debug` formatting, cut to
/// [`LABEL_LIMIT`](crate::LABEL_LIMIT) bytes.
pub(crate) fn label<Q: Debug + ?Sized>(key: &Q) -> String {
    crate::label::debug_label(key)
}

/// Formats a name list as `A, B`, or `none (enable a policy feature)` when empty.
struct Names<'a>(&'a [&'static str]);

impl fmt::Display for Names<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("none (enable the `lru` or `lfu` feature)");
        }
        for (i, name) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(name)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_errors_name_the_key_by_its_debug_label_and_say_what_to_do() {
        let err = Error::already_cached("a");
        assert_eq!(
            err,
            Error::AlreadyCached {
                key: "\"a\"".into()
            }
        );
        assert!(err.to_string().contains("remove it first"));
        let err = Error::not_cached(&7u32);
        assert_eq!(
            err.to_string().split(';').next(),
            Some("key `7` is not cached")
        );
        assert!(err.to_string().contains("insert it first"));
    }

    #[test]
    fn key_labels_use_debug_so_redacting_key_types_keep_secrets_out() {
        struct Secret;
        impl Debug for Secret {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("Secret(<redacted>)")
            }
        }
        let text = Error::not_cached(&Secret).to_string();
        assert!(text.contains("Secret(<redacted>)"), "{text}");
    }

    #[test]
    fn a_huge_key_makes_a_short_message_that_says_how_much_was_cut() {
        let key = "k".repeat(10 << 20); // 10 MiB
        let text = Error::not_cached(&key).to_string();
        assert!(text.len() < 1_000, "{} bytes", text.len());
        assert!(text.contains(&format!(
            "({} more bytes)",
            (10 << 20) + 2 - crate::LABEL_LIMIT
        )));
        let text = Error::already_cached(&key).to_string();
        assert!(text.len() < 1_000, "{} bytes", text.len());
    }

    #[test]
    fn unknown_policy_message_lists_the_available_names() {
        let err = Error::UnknownPolicy {
            name: "fifo".into(),
            available: vec!["LRU", "LFU"],
        };
        assert!(
            err.to_string()
                .starts_with("unknown eviction policy `fifo`; available: LRU, LFU")
        );
        let none = Error::UnknownPolicy {
            name: "lru".into(),
            available: vec![],
        };
        assert!(none.to_string().contains("available: none"), "{none}");
    }

    #[test]
    fn shard_errors_say_what_to_use_instead() {
        let err = Error::InvalidShards {
            shards: 0,
            limit: 1024,
        };
        assert!(err.to_string().contains("use 1 to 1024 shards"), "{err}");
        let err = Error::MaxSizeBelowShards {
            max_size: 3,
            shards: 8,
        };
        let text = err.to_string();
        assert!(text.contains("max_size of at least 8"), "{text}");
        assert!(text.contains("or fewer shards"), "{text}");
    }

    #[test]
    fn invalid_max_size_message_gives_the_limit() {
        let err = Error::InvalidMaxSize {
            max_size: usize::MAX,
            limit: 5,
        };
        assert!(err.to_string().contains("at most 5 entries"), "{err}");
    }
}
