//! "Seen by the team": a member with a conversation on screen marks the visitor's messages as
//! seen up to the newest one there; the visitor's widget ticks them, now and after a reload.

use switchboard_types::events::{EventPayload, MessagesSeen};
use switchboard_types::messages::Sender;
use switchboard_types::{MessageId, Section};

use super::conversation_state::load_locked;
use super::member::Member;
use crate::clock::now;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{self, conversations::Conversation, team_reads::TeamRead, Conn};

/// Marks the visitor's messages of conversation `id` seen up to `message_id`. A mark behind
/// the stored one changes nothing (and tells nobody).
pub async fn mark_seen(
    state: &AppState,
    member: &Member,
    id: String,
    message_id: String,
) -> Result<(), AppError> {
    member.require_section(Section::Conversations)?;
    let me = member.user_id()?.to_string();
    let tenant = member.tenant_id.clone();
    state
        .transact(&member.tenant_id, move |conn, outbox| {
            let c = load_locked(conn, &tenant, &id)?;
            let message = store::messages::find(conn, &tenant, &message_id)?
                .filter(|m| m.conversation_id == c.id)
                .ok_or(AppError::NotFound("Message"))?;
            if message.sender != Sender::Customer {
                return Err(AppError::invalid_field(
                    "message_id",
                    "must be a visitor message: the team reads what visitors write",
                ));
            }
            let stored = store::team_reads::find(conn, &tenant, &c.id)?;
            if stored.is_some_and(|s| s.message_created_at >= message.created_at) {
                return Ok(());
            }
            store::team_reads::put(
                conn,
                &TeamRead {
                    tenant_id: tenant.clone(),
                    conversation_id: c.id.clone(),
                    message_id: message.id.clone(),
                    message_created_at: message.created_at,
                    seen_at: now(),
                },
            )?;
            let seen = MessagesSeen {
                conversation_id: c.id.clone().into(),
                message_id: message.id.into(),
                user_id: me.into(),
            };
            outbox.emit(
                EventPayload::MessagesSeen(seen),
                Some(&c.id),
                Some(&c.visitor_id),
            );
            Ok(())
        })
        .await
}

/// The newest of the visitor's messages in `c` the team has seen.
pub fn seen_up_to(conn: &mut Conn, c: &Conversation) -> Result<Option<MessageId>, AppError> {
    let read = store::team_reads::find(conn, &c.tenant_id, &c.id)?;
    Ok(read.map(|r| r.message_id.into()))
}
