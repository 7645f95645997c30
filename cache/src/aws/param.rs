//! [`ParamValue`]: the value of an extra, service-specific key parameter.

use std::fmt;

/// The value of an extra key parameter: a service-specific setting such as S3's
/// `force_path_style`, named with [`ClientCacheKeyBuilder::param`](super::ClientCacheKeyBuilder::param).
///
/// Values compare exactly: `Bool(true)` is not `Str("true")`, and every integer type converts
/// to the one `Int` variant, so `1u8` and `1i64` are the same value. Values appear in key
/// labels: never put a secret in one (give credentials to
/// [`credentials`](super::ClientCacheKeyBuilder::credentials)).
///
/// # Examples
///
/// ```
/// use clientcache::aws::ParamValue;
///
/// assert_eq!(ParamValue::from(true), ParamValue::Bool(true));
/// assert_eq!(ParamValue::from(8u8), ParamValue::from(8i64));
/// assert_eq!(ParamValue::from("virtual").to_string(), "virtual");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParamValue {
    /// A flag, e.g. `force_path_style`.
    Bool(bool),
    /// A number; every integer type converts to this one variant.
    Int(i128),
    /// Text, e.g. a named mode.
    Str(Box<str>),
}

impl fmt::Display for ParamValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamValue::Bool(value) => write!(f, "{value}"),
            ParamValue::Int(value) => write!(f, "{value}"),
            // Quoted and escaped when it could be mistaken for the label's own syntax
            // (`x, region=us-east-1`) or holds whitespace or control characters, so a label
            // cannot be forged through a value.
            ParamValue::Str(value) if is_plain(value) => f.write_str(value),
            ParamValue::Str(value) => write!(f, "{value:?}"),
        }
    }
}

/// Whether `value` prints as itself in a label: not empty, not spelled like a `Bool` or an
/// `Int` (so `"true"` and `true` label differently, as they differ as keys), and only
/// characters that cannot end a field or the label.
fn is_plain(value: &str) -> bool {
    !value.is_empty()
        && !matches!(value, "true" | "false")
        && value.parse::<i64>().is_err()
        && value.chars().all(|c| {
            !c.is_whitespace() && !c.is_control() && !matches!(c, ',' | '(' | ')' | '=' | '"')
        })
}

impl From<bool> for ParamValue {
    fn from(value: bool) -> Self {
        ParamValue::Bool(value)
    }
}

impl From<&str> for ParamValue {
    fn from(value: &str) -> Self {
        ParamValue::Str(value.into())
    }
}

impl From<String> for ParamValue {
    fn from(value: String) -> Self {
        ParamValue::Str(value.into_boxed_str())
    }
}

macro_rules! from_int {
    ($($int:ty),*) => {
        $(
            impl From<$int> for ParamValue {
                fn from(value: $int) -> Self {
                    ParamValue::Int(i128::from(value))
                }
            }
        )*
    };
}

from_int!(u8, u16, u32, u64, i8, i16, i32, i64);

impl From<usize> for ParamValue {
    fn from(value: usize) -> Self {
        // usize is at most 64 bits on every supported target.
        ParamValue::Int(value as i128)
    }
}
