//! [`ResourceCacheKey`]: the identity of a handle built on a client.

use super::error::Error;
use super::key::{ClientCacheKey, resource_hash};
use super::validate;
use std::fmt;
use std::hash::{Hash, Hasher};

/// The identity of a higher-level handle built on a client: a bucket or table handle, a
/// paginator factory. The client's [`ClientCacheKey`] plus the resource's own type and id.
///
/// A resource key never equals a client key: they are different types, and the resource
/// key's hash is domain-separated from the client's. Two resource keys are equal when their
/// client keys, types and ids are all equal (compared exactly, as given).
///
/// # Examples
///
/// ```
/// use clientcache::aws::{ClientCacheKey, ResourceCacheKey};
///
/// let client = ClientCacheKey::builder("dynamodb").region("eu-west-1").build()?;
/// let orders = ResourceCacheKey::new(client.clone(), "table", "orders")?;
/// assert_eq!(orders, client.resource("table", "orders")?);
/// assert_ne!(orders, client.resource("table", "invoices")?);
/// assert_eq!(orders.to_string(), "dynamodb(region=eu-west-1)/table=orders");
/// assert!(orders != client);
/// # Ok::<(), clientcache::aws::Error>(())
/// ```
#[derive(Clone)]
pub struct ResourceCacheKey {
    client: ClientCacheKey,
    resource_type: Box<str>,
    resource_id: Box<str>,
    /// `resource_hash(client hash, type, id)`.
    hash: u64,
}

impl ResourceCacheKey {
    /// The key of resource `resource_type`/`resource_id` built on `client`'s client.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] when the type or id is empty or contains control characters.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::{ClientCacheKey, ResourceCacheKey};
    ///
    /// let client = ClientCacheKey::builder("s3").build()?;
    /// assert!(ResourceCacheKey::new(client.clone(), "bucket", "").is_err());
    /// assert!(ResourceCacheKey::new(client, "bucket", "logs").is_ok());
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    pub fn new(
        client: ClientCacheKey,
        resource_type: impl Into<String>,
        resource_id: impl Into<String>,
    ) -> Result<Self, Error> {
        let (resource_type, resource_id) = (resource_type.into(), resource_id.into());
        validate::resource_part("resource_type", &resource_type)?;
        validate::resource_part("resource_id", &resource_id)?;
        let hash = resource_hash(client.precomputed_hash(), &resource_type, &resource_id);
        Ok(ResourceCacheKey {
            client,
            resource_type: resource_type.into_boxed_str(),
            resource_id: resource_id.into_boxed_str(),
            hash,
        })
    }

    /// The client's key.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCacheKey;
    ///
    /// let client = ClientCacheKey::builder("s3").build()?;
    /// assert_eq!(client.resource("bucket", "logs")?.client(), &client);
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    #[must_use]
    pub fn client(&self) -> &ClientCacheKey {
        &self.client
    }

    /// The resource's type, e.g. `bucket`.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCacheKey;
    ///
    /// let key = ClientCacheKey::builder("s3").build()?.resource("bucket", "logs")?;
    /// assert_eq!((key.resource_type(), key.resource_id()), ("bucket", "logs"));
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    #[must_use]
    pub fn resource_type(&self) -> &str {
        &self.resource_type
    }

    /// The resource's id, e.g. the bucket name.
    ///
    /// # Examples
    ///
    /// ```
    /// use clientcache::aws::ClientCacheKey;
    ///
    /// let key = ClientCacheKey::builder("s3").build()?.resource("bucket", "logs")?;
    /// assert_eq!(key.resource_id(), "logs");
    /// # Ok::<(), clientcache::aws::Error>(())
    /// ```
    #[must_use]
    pub fn resource_id(&self) -> &str {
        &self.resource_id
    }
}

impl PartialEq for ResourceCacheKey {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash
            && self.resource_type == other.resource_type
            && self.resource_id == other.resource_id
            && self.client == other.client
    }
}

impl Eq for ResourceCacheKey {}

impl Hash for ResourceCacheKey {
    /// Writes the precomputed hash, a function of exactly what `eq` compares.
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

impl PartialEq<ClientCacheKey> for ResourceCacheKey {
    /// Never: a resource's identity is not a client's.
    fn eq(&self, _other: &ClientCacheKey) -> bool {
        false
    }
}

impl fmt::Display for ResourceCacheKey {
    /// `<client label>/<type>=<id>`, e.g. `s3(region=us-east-1)/bucket=invoices`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}={}",
            self.client, self.resource_type, self.resource_id
        )
    }
}

impl fmt::Debug for ResourceCacheKey {
    /// `ResourceCacheKey(<label>)`, the label cut to [`LABEL_LIMIT`](crate::LABEL_LIMIT) bytes: as
    /// redacted as the client's label.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResourceCacheKey({})", crate::label::display_label(self))
    }
}
