//! Conversations: the list rows, the detail panel, filters and counts.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::wire::wire_names;

use crate::{ConversationId, MessageId, QuickReplyId, UserId, VisitorId};

/// Where a conversation happens.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The website chat widget.
    Widget,
    /// WhatsApp.
    Whatsapp,
}

wire_names!(Channel { Widget => "widget", Whatsapp => "whatsapp" });

/// Where a conversation is in its life, as stored (see the state machine in
/// `crates/api/src/domain/conversation_rules.rs`). The list shows it as a
/// [`ConversationStatus`], which adds "delegated" while a delegation waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConversationState {
    /// Handled by the AI or an agent.
    Open,
    /// The visitor asked for a human and is waiting.
    NeedsAgent,
    /// Done (a new visitor message reopens it or starts a new one, per the workspace setting).
    Resolved,
}

wire_names!(ConversationState { Open => "open", NeedsAgent => "needs_agent", Resolved => "resolved" });

impl ConversationState {
    /// How the list shows it: "delegated" while a delegation waits, unless resolved.
    pub fn shown(self, delegation_pending: bool) -> ConversationStatus {
        match self {
            ConversationState::Resolved => ConversationStatus::Resolved,
            _ if delegation_pending => ConversationStatus::Delegated,
            ConversationState::NeedsAgent => ConversationStatus::NeedsAgent,
            ConversationState::Open => ConversationStatus::Open,
        }
    }
}

/// The status shown in the list: the stored status, with "delegated" while a delegation waits.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConversationStatus {
    /// Handled by the AI or an agent.
    Open,
    /// The visitor is waiting for a human.
    NeedsAgent,
    /// A delegation to another agent is waiting for an answer.
    Delegated,
    /// Done.
    Resolved,
}

wire_names!(ConversationStatus { Open => "open", NeedsAgent => "needs_agent", Delegated => "delegated", Resolved => "resolved" });

/// The list's filter tabs.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Tab {
    /// Every conversation.
    #[default]
    All,
    /// Not resolved (includes those waiting for an agent).
    Open,
    /// Waiting for a human.
    NeedsAgent,
    /// Resolved.
    Resolved,
    /// A meeting was booked.
    Booked,
}

wire_names!(Tab { All => "all", Open => "open", NeedsAgent => "needs_agent", Resolved => "resolved", Booked => "booked" });

/// Whose conversations the list shows (`assignee=`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssigneeFilter {
    /// Those the signed-in member holds.
    Me,
    /// Those nobody holds.
    None,
}

wire_names!(AssigneeFilter { Me => "me", None => "none" });

/// A team member as shown on a conversation.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentRef {
    /// The member's id.
    pub id: UserId,
    /// Display name.
    pub name: String,
}

/// One row of the conversation list (also the payload of conversation events).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConversationRow {
    /// The conversation's id.
    pub id: ConversationId,
    /// Widget or WhatsApp.
    pub channel: Channel,
    /// The visitor's id.
    pub visitor_id: VisitorId,
    /// What the list shows for the visitor: the visitor's short id, or the WhatsApp number.
    pub visitor_label: String,
    /// Started in the last 10 minutes.
    pub is_new: bool,
    /// The visitor is waiting for a human.
    pub needs_agent: bool,
    /// Since when the visitor has been waiting for a human.
    pub needs_agent_since: Option<DateTime<Utc>>,
    /// Messages in the conversation.
    pub message_count: i64,
    /// Status as the list shows it.
    pub status: ConversationStatus,
    /// 1-5 stars if the visitor rated it.
    pub rating: Option<i16>,
    /// The agent holding the join lock, if any.
    pub assignee: Option<AgentRef>,
    /// A meeting was booked.
    pub booked: bool,
    /// How long it lasted (until resolved, or until the last activity), in seconds.
    pub duration_seconds: i64,
    /// When it began.
    pub started_at: DateTime<Utc>,
    /// The last message or change; the list is sorted by it, newest first.
    pub last_activity_at: DateTime<Utc>,
}

/// Who the visitor is, from the widget, WhatsApp and the pre-chat form.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VisitorDetails {
    /// The visitor's id.
    pub id: VisitorId,
    /// Short id shown in the list.
    pub display_id: String,
    /// Where they came from.
    pub channel: Channel,
    /// WhatsApp number, on that channel.
    pub whatsapp_phone: Option<String>,
    /// Name from the pre-chat form.
    pub name: Option<String>,
    /// Email from the pre-chat form.
    pub email: Option<String>,
    /// Phone from the pre-chat form.
    pub phone: Option<String>,
    /// Other pre-chat fields, as given.
    pub custom_fields: serde_json::Value,
    /// First visit.
    pub first_seen_at: DateTime<Utc>,
    /// Latest activity.
    pub last_seen_at: DateTime<Utc>,
}

/// The visitor's rating of a conversation.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RatingView {
    /// 1-5 stars.
    pub stars: i16,
    /// Feedback categories the visitor ticked.
    pub categories: Vec<String>,
    /// Written comment.
    pub comment: Option<String>,
    /// When it was given.
    pub created_at: DateTime<Utc>,
}

/// Everything the detail panel shows.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConversationDetail {
    /// The list row.
    pub conversation: ConversationRow,
    /// The visitor and their pre-chat data.
    pub visitor: VisitorDetails,
    /// Rating with categories and comment.
    pub rating: Option<RatingView>,
    /// A delegation waiting for an answer.
    pub pending_delegation: Option<crate::handoffs::HandoffView>,
    /// WhatsApp only: until when a reply reaches the customer (24 h after their last message).
    pub whatsapp_window_ends_at: Option<DateTime<Utc>>,
    /// When it was resolved.
    pub resolved_at: Option<DateTime<Utc>>,
    /// Who resolved it.
    pub resolved_by: Option<UserId>,
    /// The customer's latest message.
    pub last_customer_message_at: Option<DateTime<Utc>>,
}

/// Conversations per tab (the needs-agent badge and the tab counters).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TabCounts {
    /// Every conversation.
    pub all: i64,
    /// Not resolved.
    pub open: i64,
    /// Waiting for a human.
    pub needs_agent: i64,
    /// Resolved.
    pub resolved: i64,
    /// Booked.
    pub booked: i64,
}

/// Records a meeting booked from a conversation (marks it booked).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BookingRequest {
    /// When the meeting starts.
    pub starts_at: DateTime<Utc>,
    /// When it ends.
    #[serde(default)]
    pub ends_at: Option<DateTime<Utc>>,
    /// A note, at most 500 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub note: Option<String>,
}

/// A booked meeting.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BookingView {
    /// The booking's id.
    pub id: crate::BookingId,
    /// The conversation it was booked from.
    pub conversation_id: ConversationId,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: Option<DateTime<Utc>>,
    /// Note.
    pub note: Option<String>,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
}

/// Replies the agent's copilot suggests for a conversation, best first (at most three).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuggestionsView {
    /// The suggestions, best first; empty when nothing fits.
    pub suggestions: Vec<Suggestion>,
    /// The customer's message they answer: the latest one with text (none yet: `null`).
    pub based_on: Option<MessageId>,
}

/// One suggested reply.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    /// The text to insert in the input bar.
    pub text: String,
    /// Where it comes from.
    pub source: SuggestionSource,
    /// The quick reply it is, for `quick_reply` suggestions.
    pub quick_reply_id: Option<QuickReplyId>,
    /// A short label (the quick reply's title).
    pub title: Option<String>,
    /// How well it fits, 0 to 1: for a quick reply, the share of the message's words it shares.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1))]
    pub score: f32,
}

/// Where a suggestion comes from.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuggestionSource {
    /// One of the workspace's quick replies, matched on the customer's words.
    QuickReply,
}
