//! Meta → us: the webhook (verification, signature, storing the body before answering) and
//! the background processing of stored bodies into customers' messages and delivery states.
//!
//! A customer's message goes the way a widget message goes: into their open conversation
//! (started or reopened as the workspace's policy says), with `message.created` for the
//! dashboards. Delivery is at-least-once and unordered, so each message is stored once by
//! Meta's id and ordered by the time the customer sent it; statuses only move forward.

use chrono::NaiveDateTime;
use switchboard_types::conversations::Channel;
use switchboard_types::events::{EventPayload, MessageCreated};
use switchboard_types::messages::DeliveryState;
use switchboard_types::TenantId;

use super::connector::{self, Opened};
use super::webhook::{self, Content, Inbound, Status};
use crate::clock::{new_id, now};
use crate::domain::attachments::{self, Upload, Uploader, MAX_UPLOAD_BYTES};
use crate::domain::conversation_state::row;
use crate::domain::messages::{insert_message, NewMessage};
use crate::domain::system_lines::{self, SystemLine};
use crate::domain::views::message_view;
use crate::domain::visitor_chat::{emit_opened, open_on_channel, VisitorCtx};
use crate::error::{AppError, ErrorCode};
use crate::state::AppState;
use crate::store::whatsapp::InboxItem;
use crate::store::{self, visitors::Visitor};

/// `GET` verification: Meta sends `hub.mode=subscribe`, the verify token the business chose
/// and a challenge to echo. Anything else is 403.
pub async fn verify(
    state: &AppState,
    connector_id: String,
    mode: Option<String>,
    token: Option<String>,
    challenge: Option<String>,
) -> Result<String, AppError> {
    let refused = || AppError::Forbidden("This webhook could not be verified.".into());
    let stored = state
        .db
        .read(move |conn| Ok(store::whatsapp::connector(conn, &connector_id)?))
        .await?
        .ok_or_else(refused)?;
    let opened = connector::open(state, &stored)?;
    let token_matches = token.is_some_and(|t| {
        bool::from(subtle::ConstantTimeEq::ct_eq(
            t.as_bytes(),
            opened.verify_token.as_bytes(),
        ))
    });
    match (mode.as_deref(), challenge) {
        (Some("subscribe"), Some(challenge)) if token_matches => Ok(challenge),
        _ => Err(refused()),
    }
}

/// `POST`: checks the signature over the raw body before reading it, checks that it is for
/// this connector's number, stores it and wakes the processing. Nothing is stored on a
/// refusal.
pub async fn receive(
    state: &AppState,
    connector_id: String,
    signature: Option<String>,
    body: bytes::Bytes,
) -> Result<(), AppError> {
    let id = connector_id.clone();
    let stored = state
        .db
        .read(move |conn| Ok(store::whatsapp::connector(conn, &id)?))
        .await?
        .ok_or(AppError::NotFound("WhatsApp connector"))?;
    let opened = state.whatsapp.opened(state, &stored)?;
    if !webhook::signature_valid(&opened.app_secret, &body, signature.as_deref()) {
        return Err(AppError::unauthorized(
            ErrorCode::InvalidSignature,
            "The X-Hub-Signature-256 header is missing or does not match the body.",
        ));
    }
    let payload: webhook::Payload = serde_json::from_slice(&body)
        .map_err(|e| AppError::MalformedJson(format!("The webhook body is not valid: {e}")))?;
    if webhook::read(payload, &opened.phone_number_id).foreign_numbers > 0 {
        return Err(AppError::Forbidden(
            "This payload is for another WhatsApp number than this webhook's.".into(),
        ));
    }
    // Processed right here after the answer when a slot is free: stored already claimed for
    // LEASE, so the poller (of any process) takes it over only if this process dies first.
    let permit = state.whatsapp.inline_slot();
    let at = now();
    let item = InboxItem {
        id: new_id(),
        tenant_id: opened.tenant_id.clone(),
        connector_id,
        body: String::from_utf8_lossy(&body).into_owned(),
        received_at: at,
        attempts: i32::from(permit.is_some()),
        next_attempt_at: Some(if permit.is_some() { at + LEASE } else { at }),
        last_error: None,
    };
    let stored = item.clone();
    state
        .db
        .write(move |conn| {
            store::whatsapp::insert_inbox(conn, &stored)?;
            Ok(store::whatsapp::webhook_received(
                conn,
                &stored.connector_id,
                at,
            )?)
        })
        .await?;
    match permit {
        Some(permit) => {
            let state = state.clone();
            actix_web::rt::spawn(async move {
                let first = InboxItem {
                    attempts: 0,
                    ..item
                };
                if let Err(error) = attempt(&state, &first).await {
                    tracing::warn!(%error, "recording a WhatsApp webhook body's outcome failed");
                }
                drop(permit);
            });
        }
        None => state.whatsapp.wake_inbox(),
    }
    Ok(())
}

/// How long a body processed on arrival stays claimed by its process.
const LEASE: chrono::Duration = chrono::Duration::seconds(30);

/// Attempts before a body whose processing keeps failing is given up (logged, kept).
const MAX_ATTEMPTS: i32 = 8;

/// Processes the bodies that are due, oldest first.
pub async fn process_due(state: &AppState) -> Result<usize, AppError> {
    let due = state
        .db
        .read(|conn| Ok(store::whatsapp::due_inbox(conn, now(), 50)?))
        .await?;
    let mut done = 0;
    for item in due {
        let claim = item.clone();
        let retry_at = now() + backoff(item.attempts);
        let claimed = state
            .db
            .write(move |conn| Ok(store::whatsapp::claim_inbox(conn, &claim, retry_at)?))
            .await?;
        if claimed {
            attempt(state, &item).await?;
            done += 1;
        }
    }
    Ok(done)
}

/// One claimed attempt at `item` (which holds the attempts made before this one), and its
/// outcome recorded: done, retried later, or given up.
async fn attempt(state: &AppState, item: &InboxItem) -> Result<(), AppError> {
    let outcome = process(state, item).await;
    let attempts = item.attempts + 1;
    let (next, error) = match outcome {
        Ok(()) => (None, None),
        Err(e) if attempts >= MAX_ATTEMPTS => {
            tracing::error!(inbox_id = %item.id, error = %e, "giving up a WhatsApp webhook body");
            (None, Some(e.to_string()))
        }
        Err(e) => {
            tracing::warn!(inbox_id = %item.id, error = %e, "WhatsApp webhook body will be retried");
            (Some(now() + backoff(attempts)), Some(e.to_string()))
        }
    };
    let id = item.id.clone();
    state
        .db
        .write(move |conn| {
            Ok(store::whatsapp::finish_inbox(
                conn,
                &id,
                next,
                error.as_deref(),
            )?)
        })
        .await
}

/// 1 s, 2 s, 4 s ... up to 5 minutes.
fn backoff(attempts: i32) -> chrono::Duration {
    chrono::Duration::seconds((1i64 << attempts.clamp(0, 9)).min(300))
}

/// One body: its messages (each stored once) and its statuses.
async fn process(state: &AppState, item: &InboxItem) -> Result<(), AppError> {
    let id = item.connector_id.clone();
    let Some(stored) = state
        .db
        .read(move |conn| Ok(store::whatsapp::connector(conn, &id)?))
        .await?
    else {
        // Disconnected since: nothing to deliver it to.
        return Ok(());
    };
    let opened = state.whatsapp.opened(state, &stored)?;
    let payload: webhook::Payload =
        serde_json::from_str(&item.body).map_err(anyhow::Error::from)?;
    let read = webhook::read(payload, &opened.phone_number_id);
    let mut messages = read.messages;
    // The customer's order, whatever order Meta delivered them in.
    messages.sort_by_key(|m| m.timestamp);
    for message in messages {
        store_message(state, &opened, message, item.attempts).await?;
    }
    let mut unknown = 0;
    for status in read.statuses {
        if !apply_status(state, &opened.tenant_id, status).await? {
            unknown += 1;
        }
    }
    // A status can overtake the answer to our own send (the wamid is not stored yet): try
    // again shortly; statuses of messages sent elsewhere stay unknown and are let go.
    if unknown > 0 && item.attempts < 3 {
        return Err(AppError::Internal(anyhow::anyhow!(
            "{unknown} statuses name messages not sent from here yet"
        )));
    }
    Ok(())
}

/// Stores a customer's message unless it was stored before.
async fn store_message(
    state: &AppState,
    c: &Opened,
    m: Inbound,
    attempts: i32,
) -> Result<(), AppError> {
    let tenant = c.tenant_id.clone();
    let wamid = m.wamid.clone();
    let seen = state
        .db
        .read(move |conn| Ok(store::whatsapp::received(conn, &tenant, &wamid)?))
        .await?;
    if seen {
        return Ok(());
    }
    // One customer's messages are stored one at a time: their first ones would otherwise
    // each create the customer, or each start a conversation.
    let _turn = state.whatsapp.customer_turn(&m.from).await;
    let visitor = customer(state, &c.tenant_id, &m).await?;
    let attachment = match &m.content {
        Content::Media {
            media_id, filename, ..
        } => media(state, c, &visitor, media_id, filename.clone(), attempts).await?,
        _ => None,
    };
    let sent_at = sent_at(m.timestamp);
    let (st, wamid) = (state.clone(), m.wamid.clone());
    let stored = state
        .transact(&c.tenant_id, move |conn, outbox| {
            let tenant = &visitor.tenant_id;
            let ctx = VisitorCtx {
                tenant_id: tenant.clone(),
                visitor_id: visitor.id.clone(),
                display_id: visitor.display_id.clone(),
            };
            let latest = store::conversations::latest_of_visitor_locked(conn, tenant, &visitor.id)?;
            let (opened, before) = open_on_channel(conn, &ctx, Channel::Whatsapp, latest)?;
            let (text, attachment_id, unsupported) = match (&m.content, attachment) {
                (Content::Text(t), _) => (Some(t.clone()), None, None),
                (Content::Media { caption, .. }, Some(MediaOutcome::Stored(id))) => {
                    (caption.clone(), Some(id), None)
                }
                (Content::Media { .. }, Some(MediaOutcome::Refused(kind))) => {
                    (None, None, Some(kind))
                }
                (Content::Media { .. }, None) => (None, None, Some("media".to_string())),
                (Content::Unsupported(kind), _) => (None, None, Some(kind.clone())),
            };
            let message_id = match unsupported {
                Some(kind) => {
                    let row = row(conn, tenant, &before.id)?;
                    emit_opened(outbox, opened, &row, &before);
                    let line = SystemLine::Unsupported { kind: &kind };
                    system_lines::record(conn, outbox, &before, line)?;
                    new_id()
                }
                None => {
                    let new = NewMessage {
                        created_at: Some(sent_at),
                        ..NewMessage::customer(text, attachment_id, format!("wa:{}", m.wamid))
                    };
                    let (message, file) = insert_message(conn, &before, new)?;
                    let mut after = before.clone();
                    after.message_count += 1;
                    after.last_activity_at = after.last_activity_at.max(sent_at);
                    after.last_customer_message_at = Some(
                        after
                            .last_customer_message_at
                            .map_or(sent_at, |t| t.max(sent_at)),
                    );
                    store::conversations::record_activity(conn, &after)?;
                    let conversation = row(conn, tenant, &after.id)?;
                    emit_opened(outbox, opened, &conversation, &after);
                    let name = visitor.name.clone().unwrap_or(visitor.display_id.clone());
                    let view = message_view(&st, &message, file.as_ref(), name);
                    outbox.emit(
                        EventPayload::MessageCreated(MessageCreated {
                            message: view,
                            conversation,
                        }),
                        Some(&after.id),
                        None,
                    );
                    message.id
                }
            };
            // A second delivery processed at the same moment fails here and is rolled back.
            if !store::whatsapp::remember_received(conn, tenant, &m.wamid, &message_id)? {
                return Err(AppError::Internal(anyhow::anyhow!("stored concurrently")));
            }
            Ok(())
        })
        .await;
    match stored {
        Ok(()) => Ok(()),
        Err(e) => {
            let tenant = c.tenant_id.clone();
            let seen = state
                .db
                .read(move |conn| Ok(store::whatsapp::received(conn, &tenant, &wamid)?))
                .await?;
            if seen {
                Ok(())
            } else {
                Err(e)
            }
        }
    }
}

/// The time the customer sent it, never in the future.
fn sent_at(timestamp: i64) -> NaiveDateTime {
    let at = chrono::DateTime::from_timestamp(timestamp, 0)
        .map(|t| t.naive_utc())
        .unwrap_or_else(now);
    at.min(now())
}

/// The customer as a visitor of the tenant, keyed by their WhatsApp number: stored on their
/// first message, with the profile name as their name.
async fn customer(
    state: &AppState,
    tenant_id: &TenantId,
    m: &Inbound,
) -> Result<Visitor, AppError> {
    let tenant_id = tenant_id.clone();
    let phone = format!("+{}", m.from.trim_start_matches('+'));
    let name = m.profile_name.clone();
    state
        .db
        .write(move |conn| {
            if let Some(v) = store::visitors::find_by_phone(conn, &tenant_id, &phone)? {
                return Ok(v);
            }
            let at = now();
            let visitor = Visitor {
                id: new_id(),
                tenant_id: tenant_id.clone(),
                display_id: phone.clone(),
                channel: Channel::Whatsapp,
                whatsapp_phone: Some(phone),
                name,
                email: None,
                phone: None,
                custom_fields: "{}".into(),
                first_seen_at: at,
                last_seen_at: at,
            };
            store::visitors::insert(conn, &visitor)?;
            Ok(visitor)
        })
        .await
}

/// What became of a customer's media.
enum MediaOutcome {
    /// Stored as this attachment.
    Stored(String),
    /// Downloaded but not a type we keep (named for the system line).
    Refused(String),
}

/// Downloads a customer's media into an attachment. The link Meta gives lasts minutes, so a
/// failed download asks for a fresh link once before the body is retried later; after the
/// body's last attempt the message is kept as a system line rather than lost.
async fn media(
    state: &AppState,
    c: &Opened,
    visitor: &Visitor,
    media_id: &str,
    filename: Option<String>,
    attempts: i32,
) -> Result<Option<MediaOutcome>, AppError> {
    let graph = state.whatsapp.graph();
    let mut last_error = None;
    let mut bytes = None;
    for _ in 0..2 {
        let fetched = match graph.media(&c.access_token, media_id).await {
            Ok(info) => {
                graph
                    .download(&c.access_token, &info.url, MAX_UPLOAD_BYTES)
                    .await
            }
            Err(e) => Err(e),
        };
        match fetched {
            Ok(b) => {
                bytes = Some(b);
                break;
            }
            Err(e) => last_error = Some(e),
        }
    }
    let Some(bytes) = bytes else {
        let e = last_error.map(|e| e.message).unwrap_or_default();
        if attempts + 1 >= MAX_ATTEMPTS {
            return Ok(None);
        }
        return Err(AppError::Internal(anyhow::anyhow!("media {media_id}: {e}")));
    };
    let upload = Upload {
        bytes,
        filename,
        duration_ms: None,
    };
    let uploader = Uploader::Visitor {
        tenant_id: &c.tenant_id,
        visitor_id: &visitor.id,
    };
    match attachments::upload(state, uploader, upload).await {
        Ok(view) => Ok(Some(MediaOutcome::Stored(view.id.0))),
        Err(AppError::Rejected { .. } | AppError::PayloadTooLarge { .. }) => {
            Ok(Some(MediaOutcome::Refused("file".into())))
        }
        Err(e) if e.code() == ErrorCode::UnsupportedFileType => {
            Ok(Some(MediaOutcome::Refused("file".into())))
        }
        Err(e) => Err(e),
    }
}

/// Moves a send's delivery state forward (a `read` that arrives before `delivered` stays
/// `read`); false when no send of ours has that wamid.
async fn apply_status(
    state: &AppState,
    tenant_id: &TenantId,
    status: Status,
) -> Result<bool, AppError> {
    let Some(next) = DeliveryState::parse(&status.status) else {
        return Ok(true);
    };
    let error = (next == DeliveryState::Failed)
        .then(|| status.error_text())
        .flatten();
    let tenant = tenant_id.clone();
    state
        .transact(tenant_id, move |conn, outbox| {
            let Some(send) = store::whatsapp::send_by_wamid(conn, &tenant, &status.id)? else {
                return Ok(false);
            };
            let current = DeliveryState::parse(&send.state).unwrap_or(DeliveryState::Sending);
            if !super::outbound::moves_forward(current, next) {
                return Ok(true);
            }
            store::whatsapp::set_state(conn, &send, next.as_str(), error.as_deref(), now())?;
            super::outbound::emit_delivery(outbox, &send, next, error.clone());
            Ok(true)
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_bounded() {
        assert_eq!(backoff(0).num_seconds(), 1);
        assert_eq!(backoff(3).num_seconds(), 8);
        assert_eq!(backoff(40).num_seconds(), 300);
    }

    #[test]
    fn a_send_time_in_the_future_is_now() {
        let later = chrono::Utc::now().timestamp() + 3600;
        assert!(sent_at(later) <= now());
        assert_eq!(sent_at(1_700_000_000).and_utc().timestamp(), 1_700_000_000);
    }
}
