//! [`EntryId`]: the caller's name for a resident entry.

/// The caller's name for one resident entry: a small dense integer (the cache uses its slab
/// index). Stored as `u32` so per-entry policy nodes stay small; [`EntryId::MAX_INDEX`] is the
/// largest index, leaving `u32::MAX` free for policies to use as a "none" marker.
///
/// # Examples
///
/// ```
/// use clientcache_policy_api::EntryId;
///
/// let id = EntryId::from_index(7).unwrap();
/// assert_eq!(id.index(), 7);
/// assert_eq!(EntryId::from_index(usize::MAX), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntryId(u32);

impl EntryId {
    /// The largest index an id can carry.
    pub const MAX_INDEX: usize = (u32::MAX - 1) as usize;

    /// The id with index `index`.
    ///
    /// # Panics
    ///
    /// When `index` is `u32::MAX` (reserved); use [`EntryId::from_index`] for a checked twin.
    #[track_caller]
    #[must_use]
    pub const fn new(index: u32) -> Self {
        assert!(index != u32::MAX, "EntryId index u32::MAX is reserved");
        EntryId(index)
    }

    /// The id with index `index`, or `None` when it exceeds [`EntryId::MAX_INDEX`].
    #[must_use]
    pub const fn from_index(index: usize) -> Option<Self> {
        if index <= Self::MAX_INDEX {
            Some(EntryId(index as u32))
        } else {
            None
        }
    }

    /// The index, for addressing tables.
    #[must_use]
    pub const fn index(self) -> usize {
        self.0 as usize
    }

    /// The index as `u32`, for compact links.
    #[must_use]
    pub const fn get(self) -> u32 {
        self.0
    }
}
