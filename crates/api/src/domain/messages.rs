//! Storing messages (with their attachments) and showing them with their senders' names.

use std::collections::HashMap;

use switchboard_types::conversations::Channel;
use switchboard_types::messages::{
    AttachmentKind, Delivery, DeliveryState, MessageKind, MessageView, Sender,
};
use switchboard_types::TenantId;

use super::views::message_view;
use crate::clock::{new_id, now};
use crate::error::{AppError, ErrorCode};
use crate::state::AppState;
use crate::store::{
    self, attachments::Attachment, conversations::Conversation, messages::Message, Conn,
};

/// A message about to be stored.
pub struct NewMessage {
    pub sender: Sender,
    pub sender_user_id: Option<String>,
    pub body: Option<String>,
    pub attachment_id: Option<String>,
    pub client_message_id: Option<String>,
    pub kind: Option<MessageKind>,
    pub payload: Option<serde_json::Value>,
    /// When it was written, if not now: a WhatsApp message carries the time the customer sent
    /// it, which orders the thread when Meta delivers late or out of order.
    pub created_at: Option<chrono::NaiveDateTime>,
}

impl NewMessage {
    /// An agent's text and/or attachment.
    pub fn agent(
        user_id: &str,
        body: Option<String>,
        attachment_id: Option<String>,
        client_id: String,
    ) -> Self {
        NewMessage {
            sender: Sender::Agent,
            sender_user_id: Some(user_id.to_string()),
            body,
            attachment_id,
            client_message_id: Some(client_id),
            kind: None,
            payload: None,
            created_at: None,
        }
    }

    /// A visitor's text and/or attachment.
    pub fn customer(
        body: Option<String>,
        attachment_id: Option<String>,
        client_id: String,
    ) -> Self {
        NewMessage {
            sender: Sender::Customer,
            sender_user_id: None,
            body,
            attachment_id,
            client_message_id: Some(client_id),
            kind: None,
            payload: None,
            created_at: None,
        }
    }
}

/// Stores the message in `c`, binding its attachment to the conversation. The kind follows
/// the attachment (image, voice, file) unless given.
pub fn insert_message(
    conn: &mut Conn,
    c: &Conversation,
    new: NewMessage,
) -> Result<(Message, Option<Attachment>), AppError> {
    let (message, attachment) = prepare_message(conn, c, new)?;
    store::messages::insert(conn, &message)?;
    Ok((message, attachment))
}

/// The message row for `new` in `c`, its attachment checked, not yet stored.
fn prepare_message(
    conn: &mut Conn,
    c: &Conversation,
    new: NewMessage,
) -> Result<(Message, Option<Attachment>), AppError> {
    let attachment = match &new.attachment_id {
        Some(id) => Some(usable_attachment(conn, c, id)?),
        None => None,
    };
    let kind = new
        .kind
        .unwrap_or(match attachment.as_ref().map(|a| a.kind) {
            Some(AttachmentKind::Image) => MessageKind::Image,
            Some(AttachmentKind::Voice) => MessageKind::Voice,
            Some(AttachmentKind::File) => MessageKind::File,
            None => MessageKind::Text,
        });
    let message = Message {
        id: new_id(),
        tenant_id: c.tenant_id.clone(),
        conversation_id: c.id.clone(),
        sender: new.sender,
        sender_user_id: new.sender_user_id,
        kind,
        body: new.body,
        attachment_id: new.attachment_id,
        payload: new.payload.map(|p| p.to_string()),
        client_message_id: new.client_message_id,
        created_at: new.created_at.unwrap_or_else(now),
    };
    Ok((message, attachment))
}

/// What storing a message with a client id did.
pub enum Stored {
    /// Stored now.
    New(Box<(Message, Option<Attachment>)>),
    /// A message with this client id was already stored: nothing new.
    Duplicate(Box<Message>),
}

/// Stores the message unless its client id was already used in the conversation. The insert
/// runs in a savepoint and the unique index decides, so the common case costs no extra lookup.
pub fn insert_message_once(
    conn: &mut Conn,
    c: &Conversation,
    new: NewMessage,
) -> Result<Stored, AppError> {
    let client_id = new.client_message_id.clone().unwrap_or_default();
    let (message, attachment) = prepare_message(conn, c, new)?;
    if store::messages::insert_unless_duplicate(conn, &message)? {
        return Ok(Stored::New(Box::new((message, attachment))));
    }
    let (existing, _) = store::messages::find_by_client_id(conn, &c.tenant_id, &c.id, &client_id)?
        .ok_or(AppError::NotFound("Message"))?;
    Ok(Stored::Duplicate(Box::new(existing)))
}

/// A resend must carry what the message its client id names carries: a plain retry is answered
/// with the stored message, while a different message under a used key is a client bug that
/// would otherwise be lost silently (409 `idempotency_key_reused`, as payment APIs answer).
pub fn check_resend(
    stored: &Message,
    body: Option<&str>,
    attachment_id: Option<&str>,
) -> Result<(), AppError> {
    if stored.body.as_deref() == body && stored.attachment_id.as_deref() == attachment_id {
        return Ok(());
    }
    Err(AppError::conflict(
        ErrorCode::IdempotencyKeyReused,
        "This client message id was used for a different message. Use a new id for a new message.",
        serde_json::json!({ "message_id": stored.id }),
    ))
}

/// The attachment must belong to the tenant and not already belong to another conversation.
fn usable_attachment(conn: &mut Conn, c: &Conversation, id: &str) -> Result<Attachment, AppError> {
    let unknown = || {
        AppError::invalid_field(
            "attachment_id",
            "is not an attachment uploaded to this workspace",
        )
    };
    let mut attachment = store::attachments::find(conn, &c.tenant_id, id)?.ok_or_else(unknown)?;
    match attachment.conversation_id.as_deref() {
        Some(other) if other != c.id => Err(unknown()),
        Some(_) => Ok(attachment),
        None => {
            store::attachments::bind_to_conversation(conn, &c.tenant_id, id, &c.id)?;
            attachment.conversation_id = Some(c.id.clone());
            Ok(attachment)
        }
    }
}

/// Messages as clients see them, with each sender's display name.
pub fn message_views(
    conn: &mut Conn,
    state: &AppState,
    c: &Conversation,
    rows: Vec<(Message, Option<Attachment>)>,
) -> Result<Vec<MessageView>, AppError> {
    let mut agent_names: HashMap<String, String> = HashMap::new();
    let mut visitor_name: Option<String> = None;
    let mut views = Vec::with_capacity(rows.len());
    for (m, attachment) in rows {
        let name = match m.sender {
            Sender::Agent => {
                let id = m.sender_user_id.clone().unwrap_or_default();
                if !agent_names.contains_key(&id) {
                    let name = store::users::find(conn, &c.tenant_id, &id)?
                        .map(|u| u.name)
                        .unwrap_or_else(|| "Agent".into());
                    agent_names.insert(id.clone(), name);
                }
                agent_names[&id].clone()
            }
            Sender::Customer => {
                if visitor_name.is_none() {
                    let v = store::visitors::find(conn, &c.tenant_id, &c.visitor_id)?;
                    visitor_name = Some(
                        v.map(|v| v.name.unwrap_or(v.display_id))
                            .unwrap_or_else(|| "Visitor".into()),
                    );
                }
                visitor_name.clone().unwrap_or_default()
            }
            Sender::Ai => "AI assistant".into(),
            Sender::System => "Switchboard".into(),
        };
        views.push(message_view(state, &m, attachment.as_ref(), name));
    }
    if c.channel == Channel::Whatsapp {
        with_delivery(conn, &c.tenant_id, &mut views)?;
    }
    Ok(views)
}

/// Fills in how far each of the business's WhatsApp messages got.
fn with_delivery(
    conn: &mut Conn,
    tenant_id: &TenantId,
    views: &mut [MessageView],
) -> Result<(), AppError> {
    let ids: Vec<String> = views
        .iter()
        .filter(|v| matches!(v.sender, Sender::Agent | Sender::Ai))
        .map(|v| v.id.0.clone())
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    let states: HashMap<String, Delivery> = store::whatsapp::states_of(conn, tenant_id, &ids)?
        .into_iter()
        .filter_map(|(id, state, error)| {
            let state = DeliveryState::parse(&state)?;
            Some((id, Delivery { state, error }))
        })
        .collect();
    for view in views {
        view.delivery = states.get(&view.id.0).cloned();
    }
    Ok(())
}
