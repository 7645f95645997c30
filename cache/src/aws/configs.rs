//! Hashing and labels for the SDK's `RetryConfig` and `TimeoutConfig`, which have `PartialEq`
//! but neither `Eq` nor `Hash`.
//!
//! Keys compare these with their own `PartialEq` (exact: every field, including
//! `TimeoutConfig`'s distinction between an *unset* timeout, which a lower layer may fill, and
//! a *disabled* one). The hash must agree: equal configs must hash equally. Each function here
//! hashes values read through public accessors, which are functions of the fields `PartialEq`
//! compares, so equal configs give equal hashes; fields without an accessor (`RetryConfig`'s
//! hidden retry spec) are simply not hashed, which costs at most a collision.
//!
//! `TimeoutConfig`'s accessors return `None` both for unset and for disabled. The distinction
//! is recovered with its public merge: `take_defaults_from` fills only *unset* fields, so
//! filling from a config whose every timeout is a sentinel tells the two apart
//! ([`timeout_states`]).

use aws_smithy_types::retry::{ReconnectMode, RetryConfig, RetryMode};
use aws_smithy_types::timeout::TimeoutConfig;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::time::Duration;

/// One timeout's state, as `TimeoutConfig` keeps it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum TimeoutState {
    /// Not set: a lower configuration layer (or the SDK's default) decides.
    Unset,
    /// Explicitly disabled: no timeout.
    Disabled,
    /// Set to a duration.
    Set(Duration),
}

impl fmt::Display for TimeoutState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeoutState::Unset => f.write_str("unset"),
            TimeoutState::Disabled => f.write_str("disabled"),
            TimeoutState::Set(duration) => write!(f, "{duration:?}"),
        }
    }
}

/// The timeouts in label order: connect, read, operation, operation attempt.
const TIMEOUT_NAMES: [&str; 4] = ["connect", "read", "operation", "operation_attempt"];

/// A duration no caller sets: marks the fields `take_defaults_from` filled.
const SENTINEL: Duration = Duration::MAX;

/// The state of each timeout in `config`, in [`TIMEOUT_NAMES`] order.
pub(crate) fn timeout_states(config: &TimeoutConfig) -> [TimeoutState; 4] {
    let sentinel = TimeoutConfig::builder()
        .connect_timeout(SENTINEL)
        .read_timeout(SENTINEL)
        .operation_timeout(SENTINEL)
        .operation_attempt_timeout(SENTINEL)
        .build();
    let mut filled = config.clone();
    filled.take_defaults_from(&sentinel);
    let read = |c: &TimeoutConfig| {
        [
            c.connect_timeout(),
            c.read_timeout(),
            c.operation_timeout(),
            c.operation_attempt_timeout(),
        ]
    };
    let (given, after) = (read(config), read(&filled));
    std::array::from_fn(|i| match (given[i], after[i]) {
        (Some(duration), _) => TimeoutState::Set(duration),
        (None, Some(_)) => TimeoutState::Unset, // Filled: it was unset.
        (None, None) => TimeoutState::Disabled, // Stayed empty: disabled.
    })
}

/// Hashes `config` consistently with its `PartialEq`, unset and disabled apart.
pub(crate) fn hash_timeouts<H: Hasher>(config: &TimeoutConfig, state: &mut H) {
    timeout_states(config).hash(state);
}

/// Hashes `config` consistently with its `PartialEq`.
pub(crate) fn hash_retry<H: Hasher>(config: &RetryConfig, state: &mut H) {
    mode_index(config.mode()).hash(state);
    config.max_attempts().hash(state);
    config.initial_backoff().hash(state);
    config.max_backoff().hash(state);
    reconnect_index(config.reconnect_mode()).hash(state);
    config.use_static_exponential_base().hash(state);
}

/// A stable number per mode (`RetryMode` has no `Hash`; it is `non_exhaustive`).
fn mode_index(mode: RetryMode) -> u8 {
    match mode {
        RetryMode::Standard => 0,
        RetryMode::Adaptive => 1,
        _ => 2,
    }
}

fn reconnect_index(mode: ReconnectMode) -> u8 {
    match mode {
        ReconnectMode::ReconnectOnTransientError => 0,
        ReconnectMode::ReuseAllConnections => 1,
    }
}

/// `retry_config(mode=Standard, max_attempts=3, initial_backoff=1s, max_backoff=20s)`, plus
/// the reconnect mode and static base when not the defaults.
pub(crate) struct RetryLabel<'a>(pub(crate) &'a RetryConfig);

impl fmt::Display for RetryLabel<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let config = self.0;
        write!(
            f,
            "retry_config(mode={:?}, max_attempts={}, initial_backoff={:?}, max_backoff={:?}",
            config.mode(),
            config.max_attempts(),
            config.initial_backoff(),
            config.max_backoff()
        )?;
        if config.reconnect_mode() != ReconnectMode::ReconnectOnTransientError {
            write!(f, ", reconnect_mode={:?}", config.reconnect_mode())?;
        }
        if config.use_static_exponential_base() {
            f.write_str(", static_exponential_base")?;
        }
        f.write_str(")")
    }
}

/// `timeout_config(connect=3.1s, read=disabled)`: the timeouts that are not unset.
pub(crate) struct TimeoutLabel<'a>(pub(crate) &'a TimeoutConfig);

impl fmt::Display for TimeoutLabel<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("timeout_config(")?;
        let mut first = true;
        for (name, state) in TIMEOUT_NAMES.iter().zip(timeout_states(self.0)) {
            if state == TimeoutState::Unset {
                continue;
            }
            if !first {
                f.write_str(", ")?;
            }
            first = false;
            write!(f, "{name}={state}")?;
        }
        f.write_str(")")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::{BuildHasher, RandomState};

    #[test]
    fn timeout_states_tell_unset_from_disabled() {
        let config = TimeoutConfig::builder()
            .connect_timeout(Duration::from_secs(3))
            .disable_read_timeout()
            .build();
        assert_eq!(
            timeout_states(&config),
            [
                TimeoutState::Set(Duration::from_secs(3)),
                TimeoutState::Disabled,
                TimeoutState::Unset,
                TimeoutState::Unset
            ]
        );
        assert_eq!(
            TimeoutLabel(&config).to_string(),
            "timeout_config(connect=3s, read=disabled)"
        );
        assert_eq!(
            timeout_states(&TimeoutConfig::disabled()),
            [TimeoutState::Disabled; 4]
        );
        assert_eq!(
            timeout_states(&TimeoutConfig::builder().build()),
            [TimeoutState::Unset; 4]
        );
    }

    #[test]
    fn unset_and_disabled_timeouts_differ_in_equality_and_in_hash() {
        let unset = TimeoutConfig::builder().build();
        let disabled = TimeoutConfig::builder().disable_connect_timeout().build();
        assert_eq!(
            unset.connect_timeout(),
            disabled.connect_timeout(),
            "the accessors agree"
        );
        assert_ne!(unset, disabled);
        let hasher = RandomState::new();
        let hash = |c: &TimeoutConfig| {
            let mut h = hasher.build_hasher();
            hash_timeouts(c, &mut h);
            h.finish()
        };
        assert_ne!(hash(&unset), hash(&disabled));
    }

    #[test]
    fn retry_label_names_the_settings() {
        let config = RetryConfig::standard().with_max_attempts(5);
        assert_eq!(
            RetryLabel(&config).to_string(),
            "retry_config(mode=Standard, max_attempts=5, initial_backoff=1s, max_backoff=20s)"
        );
    }
}
