//! Keyset-paginated lists.

use serde::{Deserialize, Serialize};

/// One page of a list; pass `next_cursor` back as `cursor` to get the next page.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    /// The rows of this page, in the list's order.
    pub items: Vec<T>,
    /// Opaque cursor for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}
