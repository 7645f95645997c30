//! The AWS keys as [`ExpiringKey`]s: they expire with their static credentials.

use super::key::ClientCacheKey;
use super::resource::ResourceCacheKey;
use crate::ExpiringKey;
use std::time::SystemTime;

impl ExpiringKey for ClientCacheKey {
    /// When the key's static credentials expire ([`ClientCacheKey::credentials_expiry`]).
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
