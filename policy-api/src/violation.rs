//! [`InvariantViolation`]: what `validate()` reports.

use std::fmt;

/// A broken internal invariant, found by [`Policy::validate`](crate::Policy::validate).
///
/// # Examples
///
/// ```
/// use clientcache_policy_api::InvariantViolation;
///
/// let err = InvariantViolation::new("LRU list length 3 differs from len 4");
/// assert!(err.to_string().contains("length 3"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvariantViolation {
    message: String,
}

impl InvariantViolation {
    /// A violation described by `message`.
    pub fn new(message: impl Into<String>) -> Self {
        InvariantViolation {
            message: message.into(),
        }
    }

    /// The description.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for InvariantViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "policy invariant broken: {} (a policy bug: please report it with the event sequence)",
            self.message
        )
    }
}

impl std::error::Error for InvariantViolation {}

/// Returns `Err(InvariantViolation)` with a formatted message when `cond` is false.
///
/// # Examples
///
/// ```
/// use clientcache_policy_api::{ensure, InvariantViolation};
///
/// fn check(len: usize) -> Result<(), InvariantViolation> {
///     ensure!(len < 3, "len {len} is not below 3");
///     Ok(())
/// }
/// assert!(check(2).is_ok());
/// assert!(check(5).unwrap_err().message().contains("len 5"));
/// ```
#[macro_export]
macro_rules! ensure {
    ($cond:expr, $($fmt:tt)+) => {
        if !$cond {
            return Err($crate::InvariantViolation::new(format!($($fmt)+)));
        }
    };
}
