//! Messages and attachments.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::wire::wire_names;

use crate::{AttachmentId, ConversationId, MessageId, UserId};

/// Who wrote a message.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sender {
    /// The visitor.
    Customer,
    /// The AI agent.
    Ai,
    /// A human agent.
    Agent,
    /// The system (joins, handoffs, resolution notices).
    System,
}

wire_names!(Sender { Customer => "customer", Ai => "ai", Agent => "agent", System => "system" });

/// What a message carries.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// Plain text.
    Text,
    /// An image (shown as a thumbnail).
    Image,
    /// A voice note (inline player).
    Voice,
    /// A document (download link).
    File,
    /// Available meeting slots (a card with a grid of times).
    BookingSlots,
    /// A system event in the thread (joined, transferred, resolved...).
    Event,
}

wire_names!(MessageKind { Text => "text", Image => "image", Voice => "voice", File => "file", BookingSlots => "booking_slots", Event => "event" });

/// The kind of an uploaded file, decided from its content.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    /// JPEG, PNG, GIF or WebP.
    Image,
    /// Audio: a voice note.
    Voice,
    /// PDF, office documents, plain text.
    File,
}

wire_names!(AttachmentKind { Image => "image", Voice => "voice", File => "file" });

/// An uploaded file.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttachmentView {
    /// The attachment's id.
    pub id: AttachmentId,
    /// Image, voice or file.
    pub kind: AttachmentKind,
    /// The type sniffed from the content.
    pub content_type: String,
    /// The original file name, cleaned.
    pub filename: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// Voice notes: length in milliseconds.
    pub duration_ms: Option<i64>,
    /// A signed link that serves the file for a limited time.
    pub url: String,
}

/// One message of a conversation.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageView {
    /// The message's id.
    pub id: MessageId,
    /// Its conversation.
    pub conversation_id: ConversationId,
    /// Who wrote it.
    pub sender: Sender,
    /// The agent who wrote it, for agent messages.
    pub sender_user_id: Option<UserId>,
    /// Display name of the sender (agent's name, "AI", the visitor's name or label).
    pub sender_name: String,
    /// What it carries.
    pub kind: MessageKind,
    /// Text, or the caption of an attachment.
    pub body: Option<String>,
    /// The file, for image, voice and file messages.
    pub attachment: Option<AttachmentView>,
    /// Structured content (booking slots, event details).
    pub payload: Option<serde_json::Value>,
    /// The sender's idempotency key.
    pub client_message_id: Option<String>,
    /// When it was stored.
    pub created_at: DateTime<Utc>,
    /// WhatsApp only, on the business's messages: how far it got to the customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<Delivery>,
}

/// How far a message sent over WhatsApp got.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Waiting in the outbox (also while retrying a rate limit).
    Sending,
    /// Meta accepted it.
    Sent,
    /// It reached the customer's phone.
    Delivered,
    /// The customer opened it.
    Read,
    /// It will not be delivered; `error` says why.
    Failed,
}

wire_names!(DeliveryState { Sending => "sending", Sent => "sent", Delivered => "delivered", Read => "read", Failed => "failed" });

/// A message's delivery state, with Meta's reason when it failed.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    /// The state.
    pub state: DeliveryState,
    /// Why it failed, in plain words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// An agent's message: text, an uploaded attachment, or both (the text is the caption).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SendMessageRequest {
    /// Idempotency key chosen by the client (1-100 characters); a resend with the same key
    /// returns the stored message instead of storing it twice.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 100, pattern = "\\S")
    )]
    pub client_message_id: String,
    /// Text, at most 4000 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 4000))]
    pub body: Option<String>,
    /// An attachment uploaded with `POST /api/v1/attachments`.
    #[serde(default)]
    pub attachment_id: Option<AttachmentId>,
    /// Times the visitor can book (1-24, in the future): the message becomes a
    /// `booking_slots` card, `body` its caption; the visitor's pick books the meeting.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 24))]
    pub booking_slots: Option<Vec<BookingSlot>>,
}

/// The newest visitor message a member has on screen (`POST /conversations/{id}/seen`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeenRequest {
    /// A visitor message of the conversation.
    pub message_id: MessageId,
}

/// One time a visitor can pick on a `booking_slots` card.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct BookingSlot {
    /// When the meeting would start.
    pub starts_at: DateTime<Utc>,
    /// When it would end.
    #[serde(default)]
    pub ends_at: Option<DateTime<Utc>>,
}

/// The payload of a `booking_slots` message.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingSlots {
    /// The times offered, earliest first.
    pub slots: Vec<BookingSlot>,
}

/// The payload of the visitor's message that picked a time (a text message whose body says
/// the time in the visitor's words).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotPicked {
    /// The `booking_slots` message the time was picked from.
    pub slots_message_id: MessageId,
    /// The time picked.
    pub slot: BookingSlot,
}
