//! Turning rows into what the API shows: list rows, details, messages, handoffs, leads.

use chrono::{Duration as ChronoDuration, NaiveDateTime};
use switchboard_types::conversations::ConversationState as State;
use switchboard_types::conversations::{
    AgentRef, Channel, ConversationRow, RatingView, VisitorDetails,
};
use switchboard_types::handoffs::HandoffView;
use switchboard_types::leads::LeadView;
use switchboard_types::messages::{AttachmentView, MessageView};

use super::attachments::signed_url;
use crate::clock::to_utc;
use crate::state::AppState;
use crate::store::attachments::Attachment;
use crate::store::conversations::ListedConversation;
use crate::store::handoffs::Handoff;
use crate::store::leads::Lead;
use crate::store::messages::Message;
use crate::store::ratings::Rating;
use crate::store::visitors::Visitor;

/// A conversation counts as new for this long after it started.
const NEW_FOR_MINUTES: i64 = 10;
/// WhatsApp lets a business reply for this long after the customer's last message.
pub const WHATSAPP_WINDOW_HOURS: i64 = 24;

/// The list row of a conversation as of `now`.
pub fn conversation_row(listed: &ListedConversation, now: NaiveDateTime) -> ConversationRow {
    let c = &listed.conversation;
    let channel = c.channel;
    let status = c.status.shown(c.pending_handoff_id.is_some());
    let ended = c.resolved_at.unwrap_or(c.last_activity_at);
    ConversationRow {
        id: c.id.clone().into(),
        channel,
        visitor_id: c.visitor_id.clone().into(),
        visitor_label: match (channel, &listed.visitor_phone) {
            (Channel::Whatsapp, Some(phone)) => phone.clone(),
            _ => listed.visitor_display_id.clone(),
        },
        is_new: now - c.started_at < ChronoDuration::minutes(NEW_FOR_MINUTES),
        needs_agent: c.status == State::NeedsAgent,
        needs_agent_since: c.needs_agent_since.map(to_utc),
        message_count: c.message_count,
        status,
        rating: c.rating,
        assignee: match (&c.assignee_id, &listed.assignee_name) {
            (Some(id), Some(name)) => Some(AgentRef {
                id: id.clone().into(),
                name: name.clone(),
            }),
            _ => None,
        },
        booked: c.booked,
        duration_seconds: (ended - c.started_at).num_seconds().max(0),
        started_at: to_utc(c.started_at),
        last_activity_at: to_utc(c.last_activity_at),
    }
}

/// The visitor as the detail panel shows them.
pub fn visitor_details(v: &Visitor) -> VisitorDetails {
    VisitorDetails {
        id: v.id.clone().into(),
        display_id: v.display_id.clone(),
        channel: v.channel,
        whatsapp_phone: v.whatsapp_phone.clone(),
        name: v.name.clone(),
        email: v.email.clone(),
        phone: v.phone.clone(),
        custom_fields: serde_json::from_str(&v.custom_fields).unwrap_or(serde_json::Value::Null),
        first_seen_at: to_utc(v.first_seen_at),
        last_seen_at: to_utc(v.last_seen_at),
    }
}

/// A rating as shown on the conversation.
pub fn rating_view(r: &Rating) -> RatingView {
    RatingView {
        stars: r.stars,
        categories: serde_json::from_str(&r.categories).unwrap_or_default(),
        comment: r.comment.clone(),
        created_at: to_utc(r.created_at),
    }
}

/// An attachment with a signed link valid for a while.
pub fn attachment_view(state: &AppState, a: &Attachment) -> AttachmentView {
    AttachmentView {
        id: a.id.clone().into(),
        kind: a.kind,
        content_type: a.content_type.clone(),
        filename: a.filename.clone(),
        size_bytes: a.size_bytes,
        duration_ms: a.duration_ms,
        url: signed_url(state, &a.id),
    }
}

/// A message as clients see it; `sender_name` is resolved by the caller.
pub fn message_view(
    state: &AppState,
    m: &Message,
    attachment: Option<&Attachment>,
    sender_name: String,
) -> MessageView {
    MessageView {
        attachment: attachment.map(|a| attachment_view(state, a)),
        ..message_view_without_file(m, sender_name)
    }
}

/// A message's view without its attachment, which needs no file URL (a system line).
pub fn message_view_without_file(m: &Message, sender_name: String) -> MessageView {
    MessageView {
        id: m.id.clone().into(),
        conversation_id: m.conversation_id.clone().into(),
        sender: m.sender,
        sender_user_id: m.sender_user_id.clone().map(Into::into),
        sender_name,
        kind: m.kind,
        body: m.body.clone(),
        attachment: None,
        payload: m
            .payload
            .as_deref()
            .and_then(|p| serde_json::from_str(p).ok()),
        client_message_id: m.client_message_id.clone(),
        created_at: to_utc(m.created_at),
        delivery: None,
    }
}

/// A handoff with its members' names.
pub fn handoff_view(h: &Handoff, from_name: Option<String>, to_name: String) -> HandoffView {
    HandoffView {
        id: h.id.clone().into(),
        kind: h.kind,
        conversation_id: h.conversation_id.clone().into(),
        from: match (&h.from_user_id, from_name) {
            (Some(id), Some(name)) => Some(AgentRef {
                id: id.clone().into(),
                name,
            }),
            _ => None,
        },
        to: AgentRef {
            id: h.to_user_id.clone().into(),
            name: to_name,
        },
        reason: h.reason.clone(),
        status: h.status,
        created_at: to_utc(h.created_at),
        decided_at: h.decided_at.map(to_utc),
    }
}

/// A lead as listed.
pub fn lead_view(l: &Lead) -> LeadView {
    LeadView {
        id: l.id.clone().into(),
        conversation_id: l.conversation_id.clone().map(Into::into),
        visitor_id: l.visitor_id.clone().map(Into::into),
        email: l.email.clone(),
        name: l.name.clone(),
        phone: l.phone.clone(),
        company: l.company.clone(),
        message: l.message.clone(),
        captured_by: l.captured_by.clone().map(Into::into),
        created_at: to_utc(l.created_at),
    }
}
