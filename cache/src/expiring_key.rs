//! [`ExpiringKey`]: a key that knows when what it names stops being valid, and the
//! [`AnyValueCache`](crate::AnyValueCache)'s hook that turns that instant into a deadline.
//!
//! A client built from temporary credentials fails every call once they expire, so a cache
//! must not serve it past that instant. A key that knows it ([`ExpiringKey::expires_at`])
//! gives its entry a deadline: the instant minus a safety margin, so that a request started
//! just before the deadline still completes with valid credentials, and a modest clock skew is
//! absorbed.

use crate::expiry::Expiry;
use std::fmt::Debug;
use std::hash::Hash;
use std::marker::PhantomData;
use std::time::{Duration, SystemTime};

/// The margin an [`AnyValueCache`](crate::AnyValueCache) keeps before a key's expiration unless
/// [`AnyValueCacheBuilder::expiry_margin`](crate::AnyValueCacheBuilder::expiry_margin) says
/// otherwise: 60 s.
pub const DEFAULT_EXPIRY_MARGIN: Duration = Duration::from_secs(60);

/// A key of an [`AnyValueCache`](crate::AnyValueCache): hashable identity, a label for
/// messages, and the instant the value under it stops being valid.
///
/// # Examples
///
/// ```
/// use clientcache::{AnyValueCache, ExpiringKey};
/// use std::time::{Duration, SystemTime};
///
/// /// A tenant's session, valid until its token expires.
/// #[derive(Clone, Debug, PartialEq, Eq, Hash)]
/// struct TenantSession {
///     tenant: String,
///     token_expires: SystemTime,
/// }
///
/// impl ExpiringKey for TenantSession {
///     fn expires_at(&self) -> Option<SystemTime> {
///         Some(self.token_expires)
///     }
/// }
///
/// let cache: AnyValueCache<TenantSession> = AnyValueCache::new(10)?;
/// let soon = TenantSession {
///     tenant: "a".into(),
///     token_expires: SystemTime::now() + Duration::from_secs(30), // inside the 60 s margin
/// };
/// cache.insert(soon.clone(), "client")?;
/// assert!(!cache.contains_key(&soon), "never served past expiry minus the margin");
/// # Ok::<(), clientcache::Error>(())
/// ```
pub trait ExpiringKey: Hash + Eq + Debug + Clone + Send + Sync + 'static {
    /// When the entry under this key must stop being served; `None` (the default) for never.
    fn expires_at(&self) -> Option<SystemTime> {
        None
    }
}

macro_rules! never_expiring {
    ($($ty:ty),*) => {
        $(impl ExpiringKey for $ty {})*
    };
}

never_expiring!(
    String,
    &'static str,
    u8,
    u16,
    u32,
    u64,
    u128,
    usize,
    i8,
    i16,
    i32,
    i64,
    i128,
    isize,
    char,
    bool
);

impl<A: ExpiringKey, B: ExpiringKey> ExpiringKey for (A, B) {
    /// The earlier of the two.
    fn expires_at(&self) -> Option<SystemTime> {
        match (self.0.expires_at(), self.1.expires_at()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

/// The hook: an entry lives until its key's expiration minus `margin` (zero when that has
/// passed: it is stored expired and removed by the next operation on its shard).
#[cfg_attr(
    not(any(feature = "lru", feature = "lfu", feature = "tinylfu")),
    allow(dead_code) // the AnyValueCache's, which needs a compiled-in policy
)]
pub(crate) struct KeyDeadline<K> {
    pub(crate) margin: Duration,
    pub(crate) _key: PhantomData<fn(&K)>,
}

impl<K: ExpiringKey, V> Expiry<K, V> for KeyDeadline<K> {
    fn expire_after_create(&self, key: &K, _value: &V, _now: Duration) -> Option<Duration> {
        let usable_until = key.expires_at()?.checked_sub(self.margin)?;
        Some(
            usable_until
                .duration_since(SystemTime::now())
                .unwrap_or(Duration::ZERO),
        )
    }
}
