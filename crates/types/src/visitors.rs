//! Live visitors and the members conversations can be handed to.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::auth::Availability;
use crate::{ConversationId, Role, UserId, VisitorId};

/// A visitor browsing the site right now.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveVisitor {
    /// The visitor's id.
    pub visitor_id: VisitorId,
    /// Short id shown in the list.
    pub display_id: String,
    /// The page they are on.
    pub page_url: Option<String>,
    /// Its title.
    pub page_title: Option<String>,
    /// Where they came from.
    pub referrer: Option<String>,
    /// When this visit began.
    pub online_since: DateTime<Utc>,
    /// Seconds on the site so far.
    pub time_on_site_seconds: i64,
    /// Whether they have an unresolved conversation.
    pub chatting: bool,
    /// Their current conversation.
    pub conversation_id: Option<ConversationId>,
}

/// A member who can take conversations (for transfer and delegation pickers).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentSummary {
    /// The member's id.
    pub id: UserId,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Online or away.
    pub availability: Availability,
}
