//! Entries that expire with their credentials: [`ExpiringKey`] and the [`TypedCache`]'s
//! expiry hook.
//!
//! A client built from temporary credentials fails every call once they expire, so the cache
//! must not serve it past that instant. A key that knows when its credentials expire
//! ([`ExpiringKey::expires_at`]) gives its entry a deadline: the expiration minus a safety
//! margin, so a request started just before the deadline still completes with valid
//! credentials and a modest clock skew is absorbed.
//!
//! [`TypedCache`]: super::TypedCache

use super::key::ClientCacheKey;
use super::resource::ResourceCacheKey;
use crate::expiry::Expiry;
use std::fmt::Debug;
use std::hash::Hash;
use std::marker::PhantomData;
use std::time::{Duration, SystemTime};

/// The margin a [`TypedCache`](super::TypedCache) keeps before a key's credentials expire,
/// unless [`TypedCacheBuilder::credentials_expiry_margin`](super::TypedCacheBuilder::credentials_expiry_margin)
/// says otherwise: 60 s.
pub const DEFAULT_CREDENTIALS_EXPIRY_MARGIN: Duration = Duration::from_secs(60);

/// A key of a [`TypedCache`](super::TypedCache): hashable identity, a label for messages, and
/// the instant what it names stops being valid.
///
/// # Examples
///
/// ```
/// use clientcache::aws::{ClientCacheKey, ExpiringKey};
/// use std::time::{Duration, SystemTime};
///
/// let expires = SystemTime::now() + Duration::from_secs(900);
/// let key = ClientCacheKey::builder("s3")
///     .credentials("ASIAIOSFODNN7EXAMPLE", "secret", Some("token"))
///     .credentials_expiry(expires)
///     .build()?;
/// assert_eq!(key.expires_at(), Some(expires));
/// # Ok::<(), clientcache::Error>(())
/// ```
pub trait ExpiringKey: Hash + Eq + Debug + Clone + Send + Sync + 'static {
    /// When the entry under this key must stop being served; `None` for never. The default is
    /// `None`.
    fn expires_at(&self) -> Option<SystemTime> {
        None
    }
}

impl ExpiringKey for ClientCacheKey {
    /// When the key's static credentials expire
    /// ([`ClientCacheKey::credentials_expiry`]).
    fn expires_at(&self) -> Option<SystemTime> {
        self.credentials_expiry()
    }
}

impl ExpiringKey for ResourceCacheKey {
    /// When its client key's credentials expire.
    fn expires_at(&self) -> Option<SystemTime> {
        self.client().credentials_expiry()
    }
}

/// The hook: an entry lives until its key's expiration minus `margin` (zero when that has
/// passed: it is stored expired and removed by the next operation on its shard).
pub(crate) struct CredentialsDeadline<K> {
    pub(crate) margin: Duration,
    pub(crate) _key: PhantomData<fn(&K)>,
}

impl<K: ExpiringKey, V> Expiry<K, V> for CredentialsDeadline<K> {
    fn expire_after_create(&self, key: &K, _value: &V, _now: Duration) -> Option<Duration> {
        let usable_until = key.expires_at()?.checked_sub(self.margin)?;
        Some(
            usable_until
                .duration_since(SystemTime::now())
                .unwrap_or(Duration::ZERO),
        )
    }
}
