//! [`Error`]: what the AWS layer refuses, apart from what the cache itself does.
//!
//! The cache's own errors ([`crate::Error`]: not cached, already cached, a wrong type read, an
//! unknown policy...) know nothing of AWS. This layer adds its own two: a key parameter that
//! cannot be valid, and an SDK client that cannot be built. Operations of this layer that also
//! use the cache (a [`Session`](super::Session)) return this type, with the cache's error
//! inside [`Error::Cache`]; `?` converts one into the other.

/// Why the AWS layer refused a key, a session or a client.
///
/// Messages never contain a secret: credentials are reported by which part is wrong, never by
/// value, and echoed values are cut to [`LABEL_LIMIT`](crate::LABEL_LIMIT) bytes.
///
/// # Examples
///
/// ```
/// use clientcache::aws::{ClientCacheKey, Error};
///
/// let err = ClientCacheKey::builder("s3").region("us_east_1").build().unwrap_err();
/// assert!(matches!(err, Error::InvalidKey { ref parameter, .. } if parameter == "region"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A parameter of a cache key, or of a session's per-call options, that cannot be valid.
    #[error("invalid {parameter} for a client cache key: {reason}")]
    InvalidKey {
        /// The parameter's name, as the key builder spells it (`region`, `endpoint_url`, ...).
        parameter: String,
        /// What is wrong and what to do.
        reason: String,
        /// The parse error behind it, where there is one (a port, an IPv6 address).
        #[source]
        cause: Option<ParseCause>,
    },
    /// Building an SDK client failed: its `from_conf` refused the configuration (feature
    /// `aws-config`).
    #[error(
        "building the `{service}` client failed: {reason}; fix the SdkConfig given to the \
         session (for example set a behavior version, or enable the service crate's \
         `behavior-version-latest` feature)"
    )]
    ClientBuild {
        /// The service name (`s3`).
        service: String,
        /// The SDK's message.
        reason: String,
    },
    /// The cache refused the operation (the same message and source as the cache's error).
    #[error(transparent)]
    Cache(#[from] crate::Error),
}

/// A standard parse error behind an [`Error::InvalidKey`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseCause {
    /// A port that is not a `u16`.
    #[error(transparent)]
    Port(#[from] std::num::ParseIntError),
    /// An IPv6 literal that is not an address.
    #[error(transparent)]
    Address(#[from] std::net::AddrParseError),
}

impl Error {
    /// [`Error::InvalidKey`] for `parameter`, with no parse error behind it.
    pub(crate) fn invalid_key(parameter: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidKey {
            parameter: parameter.into(),
            reason: reason.into(),
            cause: None,
        }
    }

    /// [`Error::InvalidKey`] for `parameter`, caused by `cause`.
    pub(crate) fn invalid_key_from(
        parameter: impl Into<String>,
        reason: impl Into<String>,
        cause: impl Into<ParseCause>,
    ) -> Self {
        Error::InvalidKey {
            parameter: parameter.into(),
            reason: reason.into(),
            cause: Some(cause.into()),
        }
    }
}
