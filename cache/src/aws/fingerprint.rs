//! [`CredentialsFingerprint`]: what a key keeps of static credentials instead of the secrets.
//!
//! # Construction
//!
//! `HMAC-SHA256(K, "clientcache/credentials/v1" ‖ len(id) ‖ id ‖ len(secret) ‖ secret ‖ flag ‖
//! len(token) ‖ token)`, lengths as 8-byte little-endian integers, `flag` one byte saying
//! whether a session token was given. `K` is 64 random bytes drawn once per process from the
//! operating system (`getrandom`).
//!
//! Why this construction:
//!
//! - **Identity needs only equality within one process.** Keys are compared with keys built
//!   in the same process, so a fingerprint only has to be a deterministic, collision-free
//!   function of the credentials *for the life of the process*. It does not need to be stable
//!   across processes, and deliberately is not.
//! - **A keyed hash, not a plain hash.** A plain `SHA-256(secret)` in a log line or a heap
//!   dump is a permanent offline oracle: whoever holds it can test guesses (a leaked or
//!   reused secret, a candidate from another breach) at GPU speed, and can link the same
//!   secret across services and processes. With a secret per-process key `K`, a fingerprint
//!   reveals nothing without `K`, cannot be compared with fingerprints from another process,
//!   and stops meaning anything when the process exits.
//! - **HMAC-SHA256** is the standard keyed hash (RFC 2104; a PRF when SHA-256's compression
//!   function is one), already compiled into every AWS SDK build (aws-sigv4 signs with it), so
//!   it adds no crate to an SDK build. The SHA-NI instructions make one fingerprint a few
//!   hundred nanoseconds; the keyed state is computed once and cloned, so each fingerprint
//!   costs only the message blocks. A keyed BLAKE3 would be as good and faster in software,
//!   but is one more crate and C/assembly build step.
//! - **Length-prefixed fields** make the encoding injective: `("ab", "c")` and `("a", "bc")`
//!   cannot collide by concatenation. The domain string separates this use of `K` from any
//!   future one.
//! - **256-bit output, compared in full:** collisions are out of reach, so equal fingerprints
//!   mean equal credentials.
//!
//! The access key id goes into the MAC too, and the key keeps only its first 4 characters as a
//! *hint* for labels (`AKIA***`: long-term IAM user keys start `AKIA`, temporary STS keys
//! `ASIA`). AWS does not treat the id as a secret, but it names an account
//! (`sts:GetAccessKeyInfo`), so labels show no more of it than that prefix.
//!
//! If the operating system cannot provide randomness, `K` falls back to std's `RandomState`
//! (also seeded from the OS at thread start): 128 bits of entropy instead of 512, still secret
//! and per process.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::fmt;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::OnceLock;

/// What a key holds of static credentials: a per-process keyed hash of all three parts, and
/// the access key id's first 4 characters for labels. Never the secret or the token.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct CredentialsFingerprint {
    /// The HMAC. Equality and hashing use only this: equal MACs mean equal inputs, hence
    /// equal hints.
    mac: [u8; 32],
    /// The access key id's first 4 characters when it has at least 16 (as every AWS id does);
    /// otherwise empty, so a short made-up id is not shown whole.
    hint: Hint,
}

#[derive(Clone, Copy, PartialEq, Eq)]
struct Hint {
    bytes: [u8; 4],
    len: u8,
}

impl CredentialsFingerprint {
    /// Fingerprints credentials that [`validate::credentials`](super::validate::credentials)
    /// accepted (so the id is visible ASCII).
    pub(crate) fn new(
        access_key_id: &str,
        secret_access_key: &str,
        session_token: Option<&str>,
    ) -> Self {
        let mut mac = process_mac().clone();
        mac.update(b"clientcache/credentials/v1");
        for part in [access_key_id, secret_access_key] {
            mac.update(&(part.len() as u64).to_le_bytes());
            mac.update(part.as_bytes());
        }
        let token = session_token.unwrap_or_default();
        mac.update(&[u8::from(session_token.is_some())]);
        mac.update(&(token.len() as u64).to_le_bytes());
        mac.update(token.as_bytes());
        let mut hint = Hint {
            bytes: [0; 4],
            len: 0,
        };
        if access_key_id.len() >= 16 && access_key_id.is_ascii() {
            hint.bytes.copy_from_slice(&access_key_id.as_bytes()[..4]);
            hint.len = 4;
        }
        CredentialsFingerprint {
            mac: mac.finalize().into_bytes().into(),
            hint,
        }
    }
}

impl Hash for CredentialsFingerprint {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.mac.hash(state);
    }
}

impl fmt::Display for CredentialsFingerprint {
    /// `AKIA***`: the id's first 4 characters (when it is AWS-length), then `***`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hint = &self.hint.bytes[..usize::from(self.hint.len)];
        // The hint is ASCII (checked in `new`).
        f.write_str(std::str::from_utf8(hint).unwrap_or_default())?;
        f.write_str("***")
    }
}

impl fmt::Debug for CredentialsFingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The HMAC state keyed with this process's random key, computed once; each fingerprint
/// clones it, skipping the two key blocks.
fn process_mac() -> &'static Hmac<Sha256> {
    static MAC: OnceLock<Hmac<Sha256>> = OnceLock::new();
    MAC.get_or_init(|| {
        let mut key = [0u8; 64];
        if getrandom::fill(&mut key).is_err() {
            fallback_key(&mut key);
        }
        // A 64-byte key is exactly one SHA-256 block: HMAC uses it as is.
        let mac = Hmac::<Sha256>::new(&key.into());
        key.fill(0);
        mac
    })
}

/// Fills `key` from std's randomly seeded `RandomState` (see the module docs).
fn fallback_key(key: &mut [u8; 64]) {
    let state = std::hash::RandomState::new();
    for (i, chunk) in key.chunks_mut(8).enumerate() {
        chunk.copy_from_slice(&state.hash_one(i).to_le_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_credentials_give_equal_fingerprints_and_any_difference_changes_it() {
        let a = CredentialsFingerprint::new("AKIAIOSFODNN7EXAMPLE", "secret", None);
        assert!(a == CredentialsFingerprint::new("AKIAIOSFODNN7EXAMPLE", "secret", None));
        for other in [
            CredentialsFingerprint::new("AKIAIOSFODNN7EXAMPLF", "secret", None),
            CredentialsFingerprint::new("AKIAIOSFODNN7EXAMPLE", "secreT", None),
            CredentialsFingerprint::new("AKIAIOSFODNN7EXAMPLE", "secret", Some("t")),
        ] {
            assert!(a != other);
        }
        // Field boundaries are part of the input.
        assert!(
            CredentialsFingerprint::new("AKIAIOSFODNN7EXAMPL", "Esecret", None)
                != CredentialsFingerprint::new("AKIAIOSFODNN7EXAMPLE", "secret", None)
        );
    }

    #[test]
    fn display_shows_only_the_id_prefix() {
        let fp = CredentialsFingerprint::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI", Some("tok"));
        assert_eq!(fp.to_string(), "AKIA***");
        assert_eq!(format!("{fp:?}"), "AKIA***");
        let short = CredentialsFingerprint::new("test", "test", None);
        assert_eq!(short.to_string(), "***", "a short id is not shown whole");
    }

    #[test]
    fn fallback_key_is_not_all_zero() {
        let mut key = [0u8; 64];
        fallback_key(&mut key);
        assert!(key.iter().any(|&b| b != 0));
    }
}
