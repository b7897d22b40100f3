//! Workspace settings and billing.

use serde::{Deserialize, Serialize};

use crate::wire::wire_names;

/// What happens when a visitor writes again after their conversation was resolved.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReopenPolicy {
    /// The resolved conversation reopens.
    Reopen,
    /// A new conversation starts.
    NewConversation,
}

wire_names!(ReopenPolicy { Reopen => "reopen", NewConversation => "new_conversation" });

/// The workspace's settings.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkspaceSettings {
    /// The business's name.
    pub name: String,
    /// IANA time zone for daily figures.
    pub time_zone: String,
    /// Feedback categories visitors may tick when rating a conversation.
    pub rating_categories: Vec<String>,
    /// What a message on a resolved conversation does.
    pub reopen_policy: ReopenPolicy,
}

/// Changes some settings; absent fields stay as they are.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct UpdateSettingsRequest {
    /// The business's name, 1-100 characters.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 100, pattern = "\\S")
    )]
    pub name: Option<String>,
    /// IANA time zone.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 64, example = "Europe/Paris"))]
    pub time_zone: Option<String>,
    /// 0-20 categories of 1-40 characters each.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = rating_categories_schema))]
    pub rating_categories: Option<Vec<String>>,
    /// Reopen or start a new conversation.
    #[serde(default)]
    pub reopen_policy: Option<ReopenPolicy>,
}

/// The plan and its usage (owner only).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BillingSummary {
    /// The plan's name.
    pub plan: String,
    /// Active members counted as seats.
    pub seats_used: i64,
    /// Seats the plan includes.
    pub seats_included: i64,
}

/// 0-20 categories of 1-40 characters each, or null.
#[cfg(feature = "openapi")]
fn rating_categories_schema() -> utoipa::openapi::schema::Array {
    crate::schema::text_list(
        (1, 40),
        20,
        true,
        "0-20 categories of 1-40 characters each.",
    )
}
