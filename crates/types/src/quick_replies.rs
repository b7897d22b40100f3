//! Quick replies: canned responses agents insert with `/`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::QuickReplyId;

/// Creates or replaces a quick reply.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuickReplyRequest {
    /// What follows `/`: 1-32 of a-z, 0-9, `-` and `_`; unique in the workspace.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 33, pattern = "^/?[A-Za-z0-9_-]+$")
    )]
    pub shortcut: String,
    /// 1-100 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 100, pattern = "\\S")
    )]
    pub title: String,
    /// The text inserted, 1-4000 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 4000, pattern = "\\S")
    )]
    pub body: String,
}

/// A quick reply.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuickReplyView {
    /// The quick reply's id.
    pub id: QuickReplyId,
    /// What follows `/`.
    pub shortcut: String,
    /// Title shown in the menu.
    pub title: String,
    /// The text inserted.
    pub body: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}
