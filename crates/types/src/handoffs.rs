//! Handing a conversation to another agent: transfer (at once) or delegation (on acceptance).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::wire::wire_names;

use crate::conversations::AgentRef;
use crate::{ConversationId, HandoffId, UserId};

/// Transfer or delegation.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandoffKind {
    /// The lock moved at once.
    Transfer,
    /// A request the target accepts or rejects.
    Delegation,
}

wire_names!(HandoffKind { Transfer => "transfer", Delegation => "delegation" });

/// Where a handoff stands.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandoffStatus {
    /// Waiting for the target (delegations only).
    Pending,
    /// The target took the conversation.
    Accepted,
    /// The target declined; the holder keeps it.
    Rejected,
    /// Withdrawn before an answer.
    Cancelled,
    /// A transfer, done at once.
    Completed,
}

wire_names!(HandoffStatus { Pending => "pending", Accepted => "accepted", Rejected => "rejected", Cancelled => "cancelled", Completed => "completed" });

/// Moves or offers a conversation to another member.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HandoffRequest {
    /// The member who should take it.
    pub to_user_id: UserId,
    /// Context for them, at most 200 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub reason: Option<String>,
}

/// A transfer or delegation.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HandoffView {
    /// The handoff's id.
    pub id: HandoffId,
    /// Transfer or delegation.
    pub kind: HandoffKind,
    /// The conversation.
    pub conversation_id: ConversationId,
    /// Who handed it over.
    pub from: Option<AgentRef>,
    /// Who it went or goes to.
    pub to: AgentRef,
    /// The optional reason.
    pub reason: Option<String>,
    /// Where it stands.
    pub status: HandoffStatus,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it was accepted, rejected or cancelled.
    pub decided_at: Option<DateTime<Utc>>,
}
