//! A visitor's message in a transaction of its own, on both engines: the first message of a
//! chat (which starts the conversation, or reopens a resolved one), a message with an
//! attachment (checked and bound to the conversation), a pick of a time on a booking card
//! (which books it), a resend (answered with the message stored before), and a message the
//! batch kept refusing.

use switchboard_types::conversations::ConversationRow;
use switchboard_types::events::{EventPayload, MessageCreated};
use switchboard_types::messages::{BookingSlot, SlotPicked};

use super::postgres::read_in;
use super::thread::KnownThread;
use super::{SlotPick, Stored};
use crate::clock::now;
use crate::domain::bookings;
use crate::domain::conversation_rules as rules;
use crate::domain::messages::{self, insert_message_once, NewMessage};
use crate::domain::views::{conversation_row, message_view};
use crate::domain::visitor_chat::{
    emit_opened, ensure_visitor, open_for_activity, Opened, VisitorCtx,
};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::conversations::{Conversation, ListedConversation};
use crate::store::{self, visitors::Visitor, Conn};

/// Stores the message, starting or reopening the conversation as needed. On PostgreSQL the
/// socket then knows the conversation as this transaction left it.
pub(super) async fn post(
    state: &AppState,
    ctx: &VisitorCtx,
    known: &mut KnownThread,
    client_id: String,
    text: Option<String>,
    attachment_id: Option<String>,
    pick: Option<SlotPick>,
) -> Result<Stored, AppError> {
    known.forget();
    let (ctx2, st) = (ctx.clone(), state.clone());
    let (stored, thread) = state
        .transact(&ctx.tenant_id, move |conn, outbox| {
            let tenant = &ctx2.tenant_id;
            let latest = store::conversations::latest_of_visitor_locked(
                conn,
                &ctx2.tenant_id,
                &ctx2.visitor_id,
            )?;
            let mut visitor = match &latest {
                Some(_) => None,
                None => Some(ensure_visitor(conn, &ctx2)?),
            };
            // A resend after resolution must not start a new conversation for the same message.
            if let Some(c) = latest
                .as_ref()
                .filter(|c| !rules::takes_visitor_activity(c))
            {
                if let Some((m, _)) =
                    store::messages::find_by_client_id(conn, tenant, &c.id, &client_id)?
                {
                    messages::check_resend(&m, text.as_deref(), attachment_id.as_deref())?;
                    let stored = Stored {
                        message_id: m.id,
                        conversation_id: c.id.clone(),
                    };
                    return Ok((stored, None));
                }
            }
            let (opened, before) = open_for_activity(conn, &ctx2, latest)?;
            let booking = match &pick {
                Some(pick) => match booked_pick(conn, &before, pick, &client_id)? {
                    Booked::Resent(stored) => return Ok((stored, None)),
                    Booked::Slot(slot) => Some(SlotPicked {
                        slots_message_id: pick.slots_message_id.clone().into(),
                        slot,
                    }),
                },
                None => None,
            };
            let new = NewMessage {
                payload: booking.as_ref().map(bookings::pick_payload),
                ..NewMessage::customer(text.clone(), attachment_id.clone(), client_id.clone())
            };
            let (message, attachment) = match insert_message_once(conn, &before, new)? {
                messages::Stored::New(stored) => *stored,
                messages::Stored::Duplicate(m) => {
                    messages::check_resend(&m, text.as_deref(), attachment_id.as_deref())?;
                    let stored = Stored {
                        message_id: m.id,
                        conversation_id: before.id,
                    };
                    return Ok((stored, None));
                }
            };
            let mut after = before;
            after.message_count += 1;
            after.last_activity_at = message.created_at;
            after.last_customer_message_at = Some(message.created_at);
            store::conversations::record_activity(conn, &after)?;
            if let Some(picked) = booking {
                after = bookings::record(conn, &after, picked.slot, None, None)?.1;
            }
            let visitor = match visitor.take() {
                Some(v) => v,
                None => store::visitors::find(conn, tenant, &after.visitor_id)?
                    .ok_or(AppError::NotFound("Visitor"))?,
            };
            let conversation = listed_row(conn, &after, &visitor)?;
            emit_opened(outbox, opened, &conversation, &after);
            let sender_name = visitor
                .name
                .clone()
                .unwrap_or_else(|| visitor.display_id.clone());
            let view = message_view(&st, &message, attachment.as_ref(), sender_name);
            let message_id = view.id.0.clone();
            outbox.emit(
                EventPayload::MessageCreated(MessageCreated {
                    message: view,
                    conversation,
                }),
                Some(&after.id),
                Some(&after.visitor_id),
            );
            if opened != Opened::Existing {
                store::visitors::touch(conn, tenant, &ctx2.visitor_id, now())?;
            }
            // The conversation as this transaction leaves it, with the versions its rows will
            // have once it commits (a row's version is the transaction that wrote it last), so
            // the chat's next message goes straight to a batch (PostgreSQL; `None` on SQLite).
            let thread = read_in(conn, &ctx2, &client_id)?;
            let stored = Stored {
                message_id,
                conversation_id: after.id,
            };
            Ok((stored, thread))
        })
        .await?;
    if let Some(thread) = thread {
        known.know(thread);
    }
    Ok(stored)
}

/// What a pick comes to: a resend of one stored before, or the slot to book.
enum Booked {
    Resent(Stored),
    Slot(BookingSlot),
}

/// Checks the pick against the card in `c`; a resend of a stored pick is answered with it.
fn booked_pick(
    conn: &mut Conn,
    c: &Conversation,
    pick: &SlotPick,
    client_id: &str,
) -> Result<Booked, AppError> {
    if let Some((m, _)) = store::messages::find_by_client_id(conn, &c.tenant_id, &c.id, client_id)?
    {
        return Ok(Booked::Resent(Stored {
            message_id: m.id,
            conversation_id: c.id.clone(),
        }));
    }
    bookings::picked_slot(conn, c, &pick.slots_message_id, pick.starts_at).map(Booked::Slot)
}

/// The list row of `c`, built from rows already at hand (one lookup for the agent's name).
fn listed_row(
    conn: &mut Conn,
    c: &Conversation,
    visitor: &Visitor,
) -> Result<ConversationRow, AppError> {
    let assignee_name = match &c.assignee_id {
        Some(id) => store::users::find(conn, &c.tenant_id, id)?.map(|u| u.name),
        None => None,
    };
    let listed = ListedConversation {
        conversation: c.clone(),
        visitor_display_id: visitor.display_id.clone(),
        visitor_phone: visitor.whatsapp_phone.clone(),
        assignee_name,
    };
    Ok(conversation_row(&listed, now()))
}
