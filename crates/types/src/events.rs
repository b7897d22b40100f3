//! Real-time events: what the dashboard's event socket delivers, in order, per tenant.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::auth::{Availability, UserView};
use crate::conversations::{AgentRef, ConversationRow, RatingView};
use crate::handoffs::HandoffView;
use crate::leads::LeadView;
use crate::messages::{Delivery, MessageView, Sender};
use crate::visitors::LiveVisitor;
use crate::{ConversationId, MessageId, UserId, VisitorId};

/// One event: `seq` grows by one per tenant, with no gaps, in commit order.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Position in the tenant's event log.
    pub seq: i64,
    /// When the change happened.
    pub at: DateTime<Utc>,
    /// The change.
    #[serde(flatten)]
    pub payload: EventPayload,
}

/// A conversation and the agent concerned (joins and leaves).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentChange {
    /// The conversation as the list now shows it.
    pub conversation: ConversationRow,
    /// The agent who joined or left.
    pub agent: AgentRef,
}

/// A new message and its conversation's updated list row.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageCreated {
    /// The message.
    pub message: MessageView,
    /// The conversation as the list now shows it.
    pub conversation: ConversationRow,
}

/// A handoff and its conversation's updated list row.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HandoffChange {
    /// The handoff.
    pub handoff: HandoffView,
    /// The conversation as the list now shows it.
    pub conversation: ConversationRow,
}

/// Someone is typing in a conversation.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Typing {
    /// The conversation.
    pub conversation_id: ConversationId,
    /// Customer or agent.
    pub sender: Sender,
    /// The agent, when an agent types.
    pub user_id: Option<UserId>,
    /// The agent's name, when an agent types.
    #[serde(default)]
    pub name: Option<String>,
}

/// A WhatsApp message of the business moved on: sent, delivered, read or failed.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageDelivered {
    /// The conversation.
    pub conversation_id: ConversationId,
    /// The message.
    pub message_id: MessageId,
    /// Where it is now.
    pub delivery: Delivery,
}

/// A member had the visitor's messages on screen, up to this one.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessagesSeen {
    /// The conversation.
    pub conversation_id: ConversationId,
    /// The newest visitor message seen.
    pub message_id: MessageId,
    /// The member who saw it.
    pub user_id: UserId,
}

/// A visitor left the site.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VisitorGone {
    /// The visitor.
    pub visitor_id: VisitorId,
}

/// A new rating on a conversation.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RatingCreated {
    /// The rating.
    pub rating: RatingView,
    /// The conversation as the list now shows it.
    pub conversation: ConversationRow,
}

/// A member's availability changed.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AvailabilityChanged {
    /// The member.
    pub user_id: UserId,
    /// Their name.
    pub name: String,
    /// Online or away.
    pub availability: Availability,
}

/// Every kind of event, tagged by `type` with its `data`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum EventPayload {
    /// A visitor started a conversation.
    #[serde(rename = "conversation.created")]
    ConversationCreated(ConversationRow),
    /// A conversation's list row changed.
    #[serde(rename = "conversation.updated")]
    ConversationUpdated(ConversationRow),
    /// A visitor asked for a human.
    #[serde(rename = "conversation.needs_agent")]
    ConversationNeedsAgent(ConversationRow),
    /// A conversation was resolved.
    #[serde(rename = "conversation.resolved")]
    ConversationResolved(ConversationRow),
    /// A message was stored.
    #[serde(rename = "message.created")]
    MessageCreated(MessageCreated),
    /// An agent took the join lock.
    #[serde(rename = "agent.joined")]
    AgentJoined(AgentChange),
    /// An agent released the join lock.
    #[serde(rename = "agent.left")]
    AgentLeft(AgentChange),
    /// A delegation was requested.
    #[serde(rename = "handoff.requested")]
    HandoffRequested(HandoffChange),
    /// A delegation was accepted: the lock moved.
    #[serde(rename = "handoff.accepted")]
    HandoffAccepted(HandoffChange),
    /// A delegation was rejected: the holder keeps it.
    #[serde(rename = "handoff.rejected")]
    HandoffRejected(HandoffChange),
    /// A delegation was withdrawn.
    #[serde(rename = "handoff.cancelled")]
    HandoffCancelled(HandoffChange),
    /// A conversation was transferred: the lock moved at once.
    #[serde(rename = "handoff.transferred")]
    HandoffTransferred(HandoffChange),
    /// Someone is typing.
    #[serde(rename = "typing")]
    Typing(Typing),
    /// The team saw the visitor's messages up to one.
    #[serde(rename = "messages.seen")]
    MessagesSeen(MessagesSeen),
    /// A WhatsApp message's delivery state changed.
    #[serde(rename = "message.delivery")]
    MessageDelivery(MessageDelivered),
    /// A visitor arrived or moved to another page.
    #[serde(rename = "visitor.online")]
    VisitorOnline(LiveVisitor),
    /// A visitor left.
    #[serde(rename = "visitor.offline")]
    VisitorOffline(VisitorGone),
    /// A lead was captured.
    #[serde(rename = "lead.created")]
    LeadCreated(LeadView),
    /// A visitor rated a conversation.
    #[serde(rename = "rating.created")]
    RatingCreated(RatingCreated),
    /// A member went online or away.
    #[serde(rename = "agent.availability")]
    AgentAvailability(AvailabilityChanged),
    /// A member's role or access changed (role, deactivated, reactivated); a deactivated
    /// member's own sockets close at once (`4003`).
    #[serde(rename = "member.updated")]
    MemberUpdated(UserView),
}

impl EventPayload {
    /// The event's `type` string.
    pub fn type_name(&self) -> &'static str {
        match self {
            EventPayload::ConversationCreated(_) => "conversation.created",
            EventPayload::ConversationUpdated(_) => "conversation.updated",
            EventPayload::ConversationNeedsAgent(_) => "conversation.needs_agent",
            EventPayload::ConversationResolved(_) => "conversation.resolved",
            EventPayload::MessageCreated(_) => "message.created",
            EventPayload::AgentJoined(_) => "agent.joined",
            EventPayload::AgentLeft(_) => "agent.left",
            EventPayload::HandoffRequested(_) => "handoff.requested",
            EventPayload::HandoffAccepted(_) => "handoff.accepted",
            EventPayload::HandoffRejected(_) => "handoff.rejected",
            EventPayload::HandoffCancelled(_) => "handoff.cancelled",
            EventPayload::HandoffTransferred(_) => "handoff.transferred",
            EventPayload::Typing(_) => "typing",
            EventPayload::MessagesSeen(_) => "messages.seen",
            EventPayload::MessageDelivery(_) => "message.delivery",
            EventPayload::VisitorOnline(_) => "visitor.online",
            EventPayload::VisitorOffline(_) => "visitor.offline",
            EventPayload::LeadCreated(_) => "lead.created",
            EventPayload::RatingCreated(_) => "rating.created",
            EventPayload::AgentAvailability(_) => "agent.availability",
            EventPayload::MemberUpdated(_) => "member.updated",
        }
    }
}
