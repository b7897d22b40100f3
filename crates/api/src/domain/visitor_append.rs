//! A visitor's text message to their open conversation, the busiest write of the product (every
//! message of every chat), on a path of its own for each engine.
//!
//! PostgreSQL, in one or two round trips: the transactional path takes eight (BEGIN, lock,
//! insert, update, read the visitor, stage the event, COMMIT), and each round trip costs more
//! than the work it carries. Here one statement reads what the message and its event need, with
//! the row versions it read, and one statement writes message, conversation activity and event
//! together, only if those rows are still at those versions. The visitor's socket keeps what it
//! wrote last ([`KnownThread`]), so the next message of an active chat skips the read: it joins
//! the tenant's next batch (`message_batch`), written with other visitors' messages in one
//! statement that numbers their events too. A conversation that changed in between (an agent
//! joined, another tab wrote, the pre-chat form was sent) is read again, and that message goes
//! one by one, its event staged for the sequencer.
//!
//! SQLite, without a savepoint: its single writer already commits messages in batches, but runs
//! each write of a batch in a savepoint, and a savepoint makes SQLite copy every page the write
//! touches first. Here every check comes before the first change, so the write cannot fail
//! half-way except in the engine itself (which then rolls back the batch).
//!
//! On both, anything out of the ordinary (no conversation yet, a resolved one, an attachment to
//! check, a resend) is left to the transactional path in `visitor_chat::post_message`.

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use switchboard_types::conversations::ConversationState as State;
use switchboard_types::events::{EventPayload, MessageCreated};
use switchboard_types::messages::{MessageKind, Sender};

use super::message_batch::Queued;
use super::messages::NewMessage;
use super::outbox::event_record;
use super::views::{conversation_row, message_view};
use super::visitor_chat::{Stored, VisitorCtx};
use crate::clock::{new_id, now};
use crate::db::Backend;
use crate::error::AppError;
use crate::state::AppState;
use crate::store;
use crate::store::conversations::{Conversation, ListedConversation};
use crate::store::events::EventRecord;
use crate::store::messages::Message;
use crate::store::open_thread::{self, OpenThread, Versions};
use crate::store::Conn;

/// Reads and write attempts before leaving a busy conversation to the transactional path.
const ATTEMPTS: usize = 3;

/// The conversation a visitor's socket last wrote to, as it was right after that write. Empty
/// until the first message, and whenever it may be out of date.
#[derive(Default)]
pub struct KnownThread(Option<Box<OpenThread>>);

impl KnownThread {
    /// Forgets it: the next message reads the conversation again.
    pub fn forget(&mut self) {
        self.0 = None;
    }
}

/// What the fast path did.
enum Outcome {
    /// Stored now, with the staged event to number.
    Appended(Stored, Box<EventRecord>),
    /// Not for the fast path.
    NotHere,
}

/// Stores a visitor's text message in their open conversation if that can be done in one
/// statement; `None` means the caller takes the transactional path.
pub async fn try_append(
    state: &AppState,
    ctx: &VisitorCtx,
    known: &mut KnownThread,
    client_id: &str,
    text: &str,
) -> Result<Option<Stored>, AppError> {
    if state.db.backend() == Backend::Sqlite {
        return append_on_sqlite(state, ctx, client_id, text).await;
    }
    let new = NewMessage::customer(Some(text.to_string()), None, client_id.to_string());
    if let Some(stored) = append_in_batch(state, ctx, known, &new).await {
        return Ok(Some(stored));
    }
    let (st, ctx2, mut thread) = (state.clone(), ctx.clone(), std::mem::take(known));
    let (outcome, thread) = state
        .db
        .write_in_one_statement(move |conn| {
            let outcome = append(&st, conn, &ctx2, &mut thread, new)?;
            Ok((outcome, thread))
        })
        .await?;
    *known = thread;
    Ok(match outcome {
        Outcome::Appended(stored, event) => {
            state.sequencer.staged(&ctx.tenant_id, vec![*event]);
            Some(stored)
        }
        Outcome::NotHere => None,
    })
}

/// PostgreSQL, when the socket knows the conversation from its last message: the message goes
/// in the tenant's next batch (`message_batch`). `None` when it was not written there (no
/// knowledge yet, a resolved conversation, one changed since, a resend, a failed batch): the
/// one-by-one path reads again.
async fn append_in_batch(
    state: &AppState,
    ctx: &VisitorCtx,
    known: &mut KnownThread,
    new: &NewMessage,
) -> Option<Stored> {
    let thread = known.0.take()?;
    if thread.conversation.status == State::Resolved {
        return None;
    }
    let (message, after, created) = next_message(state, &thread, new);
    let event = event_record(
        &ctx.tenant_id,
        &created,
        Some(&after.id),
        Some(&ctx.visitor_id),
    );
    let queued = Queued {
        versions: thread.versions.clone(),
        after,
        message,
        event,
    };
    let message_id = queued.message.id.clone();
    let written = state
        .sequencer
        .write_message(&ctx.tenant_id, queued)
        .await?;
    let mut now_known = *thread;
    now_known.versions.conversation = written.version;
    now_known.conversation = written.conversation;
    let stored = Stored {
        message_id,
        conversation_id: now_known.conversation.id.clone(),
    };
    known.0 = Some(Box::new(now_known));
    Some(stored)
}

/// The SQLite path: reads, then writes, on the writer thread with nothing in between, so what it
/// read is current; `None` leaves the message to the transactional path.
async fn append_on_sqlite(
    state: &AppState,
    ctx: &VisitorCtx,
    client_id: &str,
    text: &str,
) -> Result<Option<Stored>, AppError> {
    let (st, ctx2) = (state.clone(), ctx.clone());
    let new = NewMessage::customer(Some(text.to_string()), None, client_id.to_string());
    state
        .transact_unguarded(&ctx.tenant_id, move |conn, outbox| {
            let Some(thread) = read_thread(conn, &ctx2)? else {
                return Ok(None);
            };
            let (message, after, created) = next_message(&st, &thread, &new);
            // A resend: the transactional path answers with the message stored before.
            if !store::messages::insert_unless_duplicate(conn, &message)? {
                return Ok(None);
            }
            store::conversations::record_activity(conn, &after)?;
            outbox.emit(created, Some(&after.id), Some(&ctx2.visitor_id));
            Ok(Some(Stored {
                message_id: message.id,
                conversation_id: after.id,
            }))
        })
        .await
}

/// The visitor's open conversation and what its message event shows (on SQLite); `None` when
/// there is no open one.
fn read_thread(conn: &mut Conn, ctx: &VisitorCtx) -> Result<Option<OpenThread>, AppError> {
    let tenant = ctx.tenant_id.as_str();
    let latest = store::conversations::latest_of_visitor(conn, tenant, &ctx.visitor_id)?;
    let Some(conversation) = latest.filter(|c| c.status != State::Resolved) else {
        return Ok(None);
    };
    let Some(visitor) = store::visitors::find(conn, tenant, &ctx.visitor_id)? else {
        return Ok(None);
    };
    let assignee_name = match &conversation.assignee_id {
        Some(id) => store::users::find(conn, tenant, id)?.map(|u| u.name),
        None => None,
    };
    Ok(Some(OpenThread {
        conversation,
        // SQLite has no row versions, and the single writer needs none.
        versions: Versions::default(),
        visitor_display_id: visitor.display_id,
        visitor_name: visitor.name,
        visitor_phone: visitor.whatsapp_phone,
        assignee_name,
        duplicate_of: None,
    }))
}

fn append(
    state: &AppState,
    conn: &mut Conn,
    ctx: &VisitorCtx,
    known: &mut KnownThread,
    new: NewMessage,
) -> Result<Outcome, AppError> {
    let Conn::Postgresql(pg) = conn else {
        return Ok(Outcome::NotHere);
    };
    let client_id = new.client_message_id.clone().unwrap_or_default();
    for _ in 0..ATTEMPTS {
        let (thread, fresh) = match known.0.take() {
            Some(thread) => (thread, false),
            None => match open_thread::read(pg, &ctx.tenant_id, &ctx.visitor_id, &client_id)? {
                Some(thread) => (Box::new(thread), true),
                None => return Ok(Outcome::NotHere),
            },
        };
        if thread.conversation.status == State::Resolved {
            return Ok(Outcome::NotHere);
        }
        // A resend: the transactional path compares it with the message stored before.
        if thread.duplicate_of.is_some() && fresh {
            return Ok(Outcome::NotHere);
        }
        let (message, after, created) = next_message(state, &thread, &new);
        let event = event_record(
            &ctx.tenant_id,
            &created,
            Some(&after.id),
            Some(&ctx.visitor_id),
        );
        let written =
            open_thread::append_if_unchanged(pg, &thread.versions, &after, &message, &event);
        match written {
            Ok(Some((event_id, version))) => {
                let mut now_known = *thread;
                now_known.versions.conversation = version;
                now_known.conversation = after;
                now_known.duplicate_of = None;
                let stored = Stored {
                    message_id: message.id,
                    conversation_id: now_known.conversation.id.clone(),
                };
                known.0 = Some(Box::new(now_known));
                return Ok(Outcome::Appended(
                    stored,
                    Box::new(event.staged_as(event_id)),
                ));
            }
            // Changed since: read it again.
            Ok(None) => {}
            // A resend of a message already stored (only a fresh read checks for that).
            Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
                return Ok(Outcome::NotHere)
            }
            Err(error) => return Err(error.into()),
        }
    }
    Ok(Outcome::NotHere)
}

/// The message row, the conversation after it, and its `message.created` event.
fn next_message(
    state: &AppState,
    thread: &OpenThread,
    new: &NewMessage,
) -> (Message, Conversation, EventPayload) {
    let before = &thread.conversation;
    let at = now();
    let message = Message {
        id: new_id(),
        tenant_id: before.tenant_id.clone(),
        conversation_id: before.id.clone(),
        sender: Sender::Customer,
        sender_user_id: None,
        kind: MessageKind::Text,
        body: new.body.clone(),
        attachment_id: None,
        payload: None,
        client_message_id: new.client_message_id.clone(),
        created_at: at,
    };
    let mut after = before.clone();
    after.message_count += 1;
    after.last_activity_at = at;
    after.last_customer_message_at = Some(at);
    let listed = ListedConversation {
        conversation: after,
        visitor_display_id: thread.visitor_display_id.clone(),
        visitor_phone: thread.visitor_phone.clone(),
        assignee_name: thread.assignee_name.clone(),
    };
    let sender_name = thread
        .visitor_name
        .clone()
        .unwrap_or_else(|| thread.visitor_display_id.clone());
    let created = EventPayload::MessageCreated(MessageCreated {
        message: message_view(state, &message, None, sender_name),
        conversation: conversation_row(&listed, at),
    });
    (message, listed.conversation, created)
}
