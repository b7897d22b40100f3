//! Us → Meta: the business's messages in a WhatsApp conversation. Free text only inside the
//! 24-hour customer-service window (refused with `whatsapp_window_closed` after it, instead of
//! being sent and silently not delivered), templates at any time. A message joins the durable
//! outbox in the transaction that stores it; the sender sends each once, retries Meta's rate
//! limits with backoff, and a permanent failure stays on the message.

use chrono::Duration;
use serde_json::{json, Value};
use switchboard_types::conversations::Channel;
use switchboard_types::events::{EventPayload, MessageDelivered};
use switchboard_types::messages::{
    AttachmentKind, Delivery, DeliveryState, MessageKind, MessageView,
};
use switchboard_types::whatsapp::SendTemplateRequest;
use switchboard_types::{Section, TenantId};

use super::connector::{self, Opened};
use super::graph::{codes, GraphError, UploadFile};
use crate::clock::now;
use crate::domain::attachments;
use crate::domain::conversation_rules as rules;
use crate::domain::conversation_state::{actor, load_locked, refused};
use crate::domain::conversations::agent_message_stored;
use crate::domain::member::Member;
use crate::domain::messages::{insert_message, message_views, NewMessage};
use crate::domain::outbox::Outbox;
use crate::domain::views::WHATSAPP_WINDOW_HOURS;
use crate::error::{AppError, ErrorCode, Violations};
use crate::state::AppState;
use crate::store::{
    self, attachments::Attachment, conversations::Conversation, messages::Message, whatsapp::Send,
    Conn,
};

/// Attempts at a send before it is failed for good.
const MAX_ATTEMPTS: i32 = 8;
/// How long a claimed send is left to its process before another may take it (a crash).
const LEASE_SECS: i64 = 60;
/// Sends in flight at once per process: Meta allows 80 messages/s per number.
const PARALLEL: usize = 32;

/// The Graph API body of a text message.
pub fn text_request(to: &str, text: &str) -> Value {
    json!({
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "text",
        "text": { "preview_url": false, "body": text },
    })
}

/// Whether the customer-service window of `c` is open at `at`.
pub fn window_open(c: &Conversation, at: chrono::NaiveDateTime) -> bool {
    c.last_customer_message_at
        .is_some_and(|last| at < last + Duration::hours(WHATSAPP_WINDOW_HOURS))
}

fn window_closed() -> AppError {
    AppError::conflict(
        ErrorCode::WhatsappWindowClosed,
        "More than 24 hours have passed since the customer's last message: WhatsApp only \
         delivers an approved template now.",
        Value::Null,
    )
}

/// Refuses free text after the window; called before the message is stored.
pub fn check_window(c: &Conversation) -> Result<(), AppError> {
    if c.channel == Channel::Whatsapp && !window_open(c, now()) {
        return Err(window_closed());
    }
    Ok(())
}

/// Puts the business's message `m` of WhatsApp conversation `c` in the outbox (inside the
/// transaction that stores it).
pub fn enqueue(
    conn: &mut Conn,
    c: &Conversation,
    m: &Message,
    attachment: Option<&Attachment>,
) -> Result<(), AppError> {
    if store::whatsapp::connector_of_tenant(conn, &c.tenant_id)?.is_none() {
        return Err(connector::not_connected());
    }
    let to = recipient(conn, c)?;
    let request = match attachment {
        Some(a) => media_request(&to, a, m.body.as_deref()),
        None => text_request(&to, &message_text(m)),
    };
    put_in_outbox(conn, c, m, to, request)
}

fn put_in_outbox(
    conn: &mut Conn,
    c: &Conversation,
    m: &Message,
    to: String,
    request: Value,
) -> Result<(), AppError> {
    let at = now();
    let send = Send {
        message_id: m.id.clone(),
        tenant_id: c.tenant_id.clone(),
        conversation_id: c.id.clone(),
        recipient: to,
        request: request.to_string(),
        state: DeliveryState::Sending.as_str().into(),
        wamid: None,
        attempts: 0,
        next_attempt_at: Some(at),
        error: None,
        created_at: at,
        updated_at: at,
    };
    Ok(store::whatsapp::insert_send(conn, &send)?)
}

/// The customer's WhatsApp number, digits only, as the Graph API wants it.
fn recipient(conn: &mut Conn, c: &Conversation) -> Result<String, AppError> {
    let visitor = store::visitors::find(conn, &c.tenant_id, &c.visitor_id)?
        .ok_or(AppError::NotFound("Visitor"))?;
    let phone = visitor.whatsapp_phone.ok_or_else(|| {
        AppError::rejected(
            ErrorCode::ValidationFailed,
            "This conversation has no WhatsApp number to send to.",
        )
    })?;
    Ok(phone.chars().filter(char::is_ascii_digit).collect())
}

/// What a message says as WhatsApp text: its body, or the offered times written out.
fn message_text(m: &Message) -> String {
    let body = m.body.clone().unwrap_or_default();
    if m.kind != MessageKind::BookingSlots {
        return body;
    }
    let times: Vec<String> = m
        .payload
        .as_deref()
        .and_then(|p| serde_json::from_str::<Value>(p).ok())
        .and_then(|p| p["slots"].as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|s| s["starts_at"].as_str().map(|t| format!("• {t}")))
        .collect();
    [body, times.join("\n")]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A file's send: the attachment is named here and uploaded to Meta when the send is made
/// (see [`with_uploaded_media`]), so nothing depends on Meta reaching our server.
fn media_request(to: &str, a: &Attachment, caption: Option<&str>) -> Value {
    let (kind, mut part) = match a.kind {
        AttachmentKind::Image => ("image", json!({})),
        AttachmentKind::Voice => ("audio", json!({})),
        AttachmentKind::File => ("document", json!({ "filename": a.filename })),
    };
    part[ATTACHMENT_KEY] = json!(a.id);
    if let (Some(caption), false) = (caption, kind == "audio") {
        part["caption"] = json!(caption);
    }
    json!({ "messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
            "type": kind, kind: part })
}

/// Where a stored send names the attachment to upload (never sent to Meta).
const ATTACHMENT_KEY: &str = "switchboard_attachment_id";

/// The send's body as Meta takes it: a named attachment uploaded (again on each attempt, as
/// Meta keeps media for 30 days only) and replaced by Meta's media id.
async fn with_uploaded_media(
    state: &AppState,
    c: &Opened,
    send: &Send,
    mut body: Value,
) -> Result<Value, GraphError> {
    let kind = body["type"].as_str().unwrap_or_default().to_string();
    let Some(attachment_id) = body[&kind][ATTACHMENT_KEY].as_str().map(str::to_string) else {
        return Ok(body);
    };
    let file = attachment_file(state, &send.tenant_id, attachment_id)
        .await
        .map_err(|e| GraphError {
            code: Some(0),
            message: format!("The file could not be read: {e}"),
        })?;
    let media_id = state
        .whatsapp
        .graph()
        .upload(&c.access_token, &c.phone_number_id, file)
        .await?;
    let part = &mut body[&kind];
    if let Some(part) = part.as_object_mut() {
        part.remove(ATTACHMENT_KEY);
    }
    part["id"] = json!(media_id);
    Ok(body)
}

/// The stored file of the tenant's attachment `id`.
async fn attachment_file(
    state: &AppState,
    tenant: &TenantId,
    id: String,
) -> Result<UploadFile, AppError> {
    let tenant = tenant.clone();
    let attachment = state
        .db
        .read(move |conn| Ok(store::attachments::find(conn, &tenant, &id)?))
        .await?
        .ok_or(AppError::NotFound("Attachment"))?;
    Ok(UploadFile {
        bytes: attachments::read_file(state, &attachment).await?,
        filename: attachment.filename,
        content_type: attachment.content_type,
    })
}

/// Sends an approved template in a WhatsApp conversation: allowed outside the window. The
/// thread shows the template's text with its parameters filled in.
pub async fn send_template(
    state: &AppState,
    member: &Member,
    conversation_id: String,
    req: SendTemplateRequest,
) -> Result<(MessageView, bool), AppError> {
    member.require_section(Section::Conversations)?;
    let me = member.user_id()?.to_string();
    let mut v = Violations::default();
    let client_id =
        crate::domain::validate::text(&mut v, "client_message_id", &req.client_message_id, 1, 100);
    if req.parameters.len() > 20
        || req
            .parameters
            .iter()
            .any(|p| p.trim().is_empty() || p.chars().count() > 1000)
    {
        v.add(
            "parameters",
            "must be at most 20 non-empty texts of up to 1000 characters",
        );
    }
    v.finish()?;
    // The conversation first: another workspace's is not found before any call to Meta.
    let (tenant, id) = (member.tenant_id.clone(), conversation_id.clone());
    let found = state
        .db
        .read(move |conn| Ok(store::conversations::find(conn, &tenant, &id)?))
        .await?
        .ok_or(AppError::NotFound("Conversation"))?;
    if found.channel != Channel::Whatsapp {
        return Err(AppError::invalid_field(
            "conversation",
            "is not a WhatsApp conversation",
        ));
    }
    let templates = connector::templates(state, member).await?.templates;
    let template = templates
        .into_iter()
        .find(|t| t.name == req.name && t.language == req.language && t.status == "APPROVED")
        .ok_or_else(|| {
            AppError::invalid_field(
                "name",
                "is not an approved template of this WhatsApp account in that language",
            )
        })?;
    if template.parameter_count != req.parameters.len() {
        return Err(AppError::invalid_field(
            "parameters",
            &format!(
                "this template takes {} parameters",
                template.parameter_count
            ),
        ));
    }
    let mut text = template.body.clone();
    for (i, p) in req.parameters.iter().enumerate() {
        text = text.replace(&format!("{{{{{}}}}}", i + 1), p.trim());
    }
    let (member2, st) = (member.clone(), state.clone());
    state
        .transact(&member.tenant_id, move |conn, outbox| {
            let tenant = &member2.tenant_id;
            let before = load_locked(conn, tenant, &conversation_id)?;
            if let Some(existing) =
                store::messages::find_by_client_id(conn, tenant, &before.id, &client_id)?
            {
                let view = message_views(conn, &st, &before, vec![existing])?.remove(0);
                return Ok((view, false));
            }
            rules::send(&before, actor(&member2)).map_err(|r| refused(conn, tenant, r))?;
            let new = NewMessage {
                payload: Some(
                    json!({ "template": { "name": req.name, "language": req.language,
                                                    "parameters": req.parameters } }),
                ),
                ..NewMessage::agent(&me, Some(text), None, client_id)
            };
            let (message, _) = insert_message(conn, &before, new)?;
            let to = recipient(conn, &before)?;
            let params: Vec<Value> = req
                .parameters
                .iter()
                .map(|p| json!({"type": "text", "text": p.trim()}))
                .collect();
            let mut template = json!({ "name": req.name, "language": { "code": req.language } });
            if !params.is_empty() {
                template["components"] = json!([{ "type": "body", "parameters": params }]);
            }
            let request = json!({ "messaging_product": "whatsapp", "recipient_type": "individual",
                                  "to": to, "type": "template", "template": template });
            put_in_outbox(conn, &before, &message, to, request)?;
            let view = agent_message_stored(conn, outbox, &st, &before, message, None)?;
            Ok((view, true))
        })
        .await
        .inspect(|_| state.whatsapp.wake_outbox())
}

/// Delivery states only move forward: sending → sent → delivered → read; a failure counts
/// unless the message already reached the phone.
pub fn moves_forward(current: DeliveryState, next: DeliveryState) -> bool {
    match (current, next) {
        (DeliveryState::Failed, _) => false,
        (c, DeliveryState::Failed) => c < DeliveryState::Delivered,
        (c, n) => n > c,
    }
}

/// Tells the dashboards where a message got.
pub fn emit_delivery(
    outbox: &mut Outbox,
    send: &Send,
    state: DeliveryState,
    error: Option<String>,
) {
    outbox.emit(
        EventPayload::MessageDelivery(MessageDelivered {
            conversation_id: send.conversation_id.clone().into(),
            message_id: send.message_id.clone().into(),
            delivery: Delivery { state, error },
        }),
        Some(&send.conversation_id),
        None,
    );
}

/// Sends what is due, up to [`PARALLEL`] at once; the number of sends attempted.
pub async fn send_due(state: &AppState) -> Result<usize, AppError> {
    let due = state
        .db
        .read(|conn| Ok(store::whatsapp::due_sends(conn, now(), PARALLEL as i64)?))
        .await?;
    if due.is_empty() {
        return Ok(0);
    }
    let lease = now() + Duration::seconds(LEASE_SECS);
    let claimed: Vec<Send> = state
        .db
        .write(move |conn| {
            let mut mine = Vec::new();
            for send in due {
                if store::whatsapp::claim_send(conn, &send, lease)? {
                    mine.push(send);
                }
            }
            Ok(mine)
        })
        .await?;
    let count = claimed.len();
    let attempts = claimed.into_iter().map(|send| attempt(state, send));
    for result in futures_util::future::join_all(attempts).await {
        if let Err(error) = result {
            tracing::warn!(%error, "a WhatsApp send could not be recorded");
        }
    }
    Ok(count)
}

/// One attempt at one send, and its outcome stored.
async fn attempt(state: &AppState, send: Send) -> Result<(), AppError> {
    let opened = match connector::opened_of_tenant(state, &send.tenant_id).await {
        Ok(c) => Some(c),
        Err(e) if e.code() == ErrorCode::WhatsappNotConnected => None,
        Err(e) => return Err(e),
    };
    let outcome = match &opened {
        Some(c) => call(state, c, &send).await,
        None => Err(GraphError {
            code: Some(0),
            message: "The WhatsApp number was disconnected before this message was sent.".into(),
        }),
    };
    record(state, &send, outcome).await
}

async fn call(state: &AppState, c: &Opened, send: &Send) -> Result<String, GraphError> {
    let body: Value = serde_json::from_str(&send.request).unwrap_or(Value::Null);
    let body = with_uploaded_media(state, c, send, body).await?;
    state
        .whatsapp
        .graph()
        .send(&c.access_token, &c.phone_number_id, &body)
        .await
}

/// Stores what an attempt came to and tells the dashboards.
async fn record(
    state: &AppState,
    send: &Send,
    outcome: Result<String, GraphError>,
) -> Result<(), AppError> {
    let attempts = send.attempts + 1;
    let at = now();
    let (next_state, wamid, error, next_attempt) = match outcome {
        Ok(wamid) => (DeliveryState::Sent, Some(wamid), None, None),
        Err(e) if e.retryable() && attempts < MAX_ATTEMPTS => {
            let wait = Duration::seconds((1i64 << attempts.clamp(0, 8)).min(120));
            (DeliveryState::Sending, None, Some(e.message), Some(at + wait))
        }
        Err(e) if e.code == Some(codes::WINDOW_CLOSED) => (
            DeliveryState::Failed,
            None,
            Some("More than 24 hours passed since the customer's last message, so WhatsApp only delivers a template.".to_string()),
            None,
        ),
        Err(e) => (DeliveryState::Failed, None, Some(e.message), None),
    };
    let send2 = send.clone();
    let tenant: TenantId = send.tenant_id.clone();
    state
        .transact(&tenant, move |conn, outbox| {
            let attempt = store::whatsapp::Attempt {
                state: next_state.as_str(),
                wamid: wamid.as_deref(),
                error: error.as_deref(),
                next_attempt_at: next_attempt,
                at,
            };
            store::whatsapp::record_attempt(conn, &send2, &attempt)?;
            let health_error = (next_state != DeliveryState::Sent)
                .then_some(error.as_deref())
                .flatten();
            if next_state != DeliveryState::Sending {
                store::whatsapp::send_outcome(conn, &send2.tenant_id, health_error, at)?;
                emit_delivery(outbox, &send2, next_state, error.clone());
            }
            Ok(())
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use DeliveryState::*;

    #[test]
    fn delivery_only_moves_forward() {
        assert!(moves_forward(Sending, Sent));
        assert!(moves_forward(Sent, Read));
        assert!(
            !moves_forward(Read, Delivered),
            "a late delivered keeps read"
        );
        assert!(!moves_forward(Delivered, Delivered));
        assert!(moves_forward(Sent, Failed));
        assert!(!moves_forward(Read, Failed));
        assert!(!moves_forward(Failed, Read));
    }
}
