//! The visitor socket's frames (`GET /api/widget/v1/ws`), both directions.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::conversations::ConversationStatus;
use crate::error::ErrorCode;
use crate::messages::{AttachmentView, MessageKind, Sender};
use crate::{AttachmentId, ConversationId, MessageId, VisitorId};

/// What the widget sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum VisitorFrame {
    /// The page the visitor is on (sent on load and on navigation), even before any chat.
    Page {
        /// Page URL.
        url: String,
        /// Page title.
        #[serde(default)]
        title: Option<String>,
        /// Referrer.
        #[serde(default)]
        referrer: Option<String>,
    },
    /// A message: text, an uploaded attachment, or both.
    Message {
        /// Idempotency key chosen by the widget; a resend is acknowledged, never stored twice.
        client_id: String,
        /// Text, at most 4000 characters.
        #[serde(default)]
        text: Option<String>,
        /// An attachment uploaded with `POST /api/widget/v1/attachments`.
        #[serde(default)]
        attachment_id: Option<AttachmentId>,
    },
    /// The visitor picks a time on a `booking_slots` card: stored as their message (`text`,
    /// the time in their words) and booked; acknowledged like a message.
    PickSlot {
        /// Idempotency key chosen by the widget.
        client_id: String,
        /// The `booking_slots` message.
        message_id: MessageId,
        /// The slot's start, as offered.
        starts_at: DateTime<Utc>,
        /// The pick as the visitor's thread shows it ("Tue 8 Dec, 10:00"), 1-200 characters.
        text: String,
    },
    /// The visitor is typing.
    Typing,
    /// Pre-chat form answers.
    Prechat {
        /// Name.
        #[serde(default)]
        name: Option<String>,
        /// Email.
        #[serde(default)]
        email: Option<String>,
        /// Phone.
        #[serde(default)]
        phone: Option<String>,
        /// Other fields, as a JSON object of strings.
        #[serde(default)]
        fields: Option<serde_json::Map<String, serde_json::Value>>,
    },
    /// The visitor asks for a human.
    RequestAgent,
    /// The visitor rates the conversation.
    Rating {
        /// 1-5.
        stars: i16,
        /// Feedback categories from the workspace's list.
        #[serde(default)]
        categories: Vec<String>,
        /// At most 1000 characters.
        #[serde(default)]
        comment: Option<String>,
    },
    /// The visitor has seen messages up to this one.
    Seen {
        /// The newest message seen.
        message_id: MessageId,
    },
    /// Asks for messages after one the widget already has (after a reconnect).
    Sync {
        /// The newest message the widget has; absent means "the recent ones".
        #[serde(default)]
        after: Option<MessageId>,
    },
    /// With no agent online, the visitor leaves their email to be answered later: it becomes a
    /// lead of their conversation.
    LeaveEmail {
        /// Where to answer.
        email: String,
        /// Their name, if they gave it.
        #[serde(default)]
        name: Option<String>,
        /// What they want, at most 2000 characters.
        #[serde(default)]
        message: Option<String>,
    },
    /// Application-level heartbeat (WebSocket pings work too).
    Ping,
}

/// A message as the visitor sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VisitorMessage {
    /// The message's id.
    pub id: MessageId,
    /// Its conversation.
    pub conversation_id: ConversationId,
    /// Who wrote it.
    pub sender: Sender,
    /// Display name (the agent's first name, "AI assistant", or the visitor).
    pub sender_name: String,
    /// What it carries.
    pub kind: MessageKind,
    /// Text or caption.
    pub body: Option<String>,
    /// The file, with a signed link.
    pub attachment: Option<AttachmentView>,
    /// Structured content (booking slots).
    pub payload: Option<serde_json::Value>,
    /// The widget's idempotency key, for the visitor's own messages.
    pub client_id: Option<String>,
    /// When it was stored.
    pub created_at: DateTime<Utc>,
}

/// The visitor's current conversation, as the widget needs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VisitorConversation {
    /// The conversation's id.
    pub id: ConversationId,
    /// Its status.
    pub status: ConversationStatus,
    /// The agent in it, if any (display name).
    pub agent_name: Option<String>,
    /// The newest of the visitor's messages the team has seen, if any.
    #[serde(default)]
    pub seen_up_to: Option<MessageId>,
}

/// What the server sends the widget.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame {
    /// First frame: who the visitor is (keep `token` to come back as the same visitor).
    Welcome {
        /// The visitor's id.
        visitor_id: VisitorId,
        /// Short id shown to agents.
        display_id: String,
        /// Signed visitor token; pass it as `token` when reconnecting.
        token: String,
        /// The current conversation, if any.
        conversation: Option<VisitorConversation>,
        /// Its most recent messages, oldest first.
        messages: Vec<VisitorMessage>,
        /// Feedback categories offered when rating.
        rating_categories: Vec<String>,
    },
    /// A message was stored under this id.
    Ack {
        /// The widget's idempotency key.
        client_id: String,
        /// The stored message.
        message_id: MessageId,
        /// Its conversation.
        conversation_id: ConversationId,
    },
    /// A message in the visitor's conversation (from the AI, an agent, or another tab).
    Message {
        /// The message.
        message: VisitorMessage,
    },
    /// Messages the widget asked for with `sync`, oldest first.
    Messages {
        /// The messages.
        messages: Vec<VisitorMessage>,
    },
    /// A human agent joined.
    AgentJoined {
        /// The agent's display name.
        agent_name: String,
    },
    /// The agent left.
    AgentLeft {
        /// The agent's display name.
        agent_name: String,
    },
    /// The agent is typing.
    Typing {
        /// Who is typing.
        sender_name: String,
    },
    /// The team has seen the visitor's messages up to this one.
    Seen {
        /// The newest visitor message seen.
        message_id: MessageId,
    },
    /// The request for a human was recorded; an agent is being alerted.
    AgentRequested,
    /// The conversation was resolved.
    Resolved,
    /// Please rate the conversation.
    RatingRequest {
        /// Feedback categories to offer.
        categories: Vec<String>,
    },
    /// The rating was stored.
    RatingSaved,
    /// The email left with `leave_email` was stored as a lead.
    EmailSaved,
    /// Answer to `ping`.
    Pong,
    /// Something the widget sent was refused.
    Error {
        /// Stable code, e.g. `rate_limited`, `invalid_frame`, `frame_too_large`.
        code: ErrorCode,
        /// A sentence for people.
        message: String,
        /// The `client_id` of the refused message, if it was one (its first 100 characters).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client_id: Option<String>,
    },
}
