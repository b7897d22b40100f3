//! Reviews: every rating visitors gave, with who they talked to, and how the ratings add up.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::conversations::AgentRef;
use crate::ConversationId;

/// One rating as the Reviews page lists it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewView {
    /// The rated conversation (one rating each).
    pub conversation_id: ConversationId,
    /// 1-5 stars.
    pub stars: i16,
    /// Feedback categories the visitor ticked.
    pub categories: Vec<String>,
    /// Written comment.
    pub comment: Option<String>,
    /// The visitor as agents see them (name, WhatsApp number or short id).
    pub visitor_label: String,
    /// The agent who handled the conversation, if one did.
    pub agent: Option<AgentRef>,
    /// When it was given.
    pub created_at: DateTime<Utc>,
}

/// How the ratings of a period add up.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewSummary {
    /// The period's length in days, ending now.
    pub days: i64,
    /// Ratings in the period.
    pub count: i64,
    /// Their average, 1-5 (none without ratings).
    pub average: Option<f64>,
    /// How many gave 1, 2, 3, 4 and 5 stars, in that order.
    pub distribution: [i64; 5],
}
