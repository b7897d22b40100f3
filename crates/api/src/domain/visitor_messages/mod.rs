//! A visitor's message, from the widget socket to the database and on to the dashboard: the
//! busiest write of the product (every message of every chat), on one path per engine.
//!
//! - SQLite ([`sqlite`]): its single writer commits whatever queued up together (group commit);
//!   a text message to the visitor's open conversation reads and writes there, with nothing in
//!   between, and without a savepoint (every check comes before the first change).
//! - PostgreSQL ([`postgres`]): the visitor's socket keeps what it knows of the conversation
//!   ([`KnownThread`]: the row versions it was read at); a message reads it only when the socket
//!   does not know it yet, then joins its tenant's next batch, written with other visitors'
//!   messages in one statement that also numbers their events (`store::open_thread_batch`,
//!   run in the tenant's turn of the sequencer, behind `domain::event_line`). A conversation
//!   that changed since it was read (an agent joined, another tab wrote, the pre-chat form was
//!   sent) is refused by the batch and read again.
//! - Anything out of the ordinary (no conversation yet, a resolved one, an attachment to check,
//!   a resend) goes through one transaction of its own ([`transaction`]), on both engines; on
//!   PostgreSQL it hands what it wrote back to the socket, so the chat's next message needs no
//!   read.
//!
//! From here the event goes to the bus (`realtime::bus`), the dispatcher and the socket hub
//! (`realtime::dispatch`, `realtime::hub`), which sends it to the tenant's dashboards and the
//! visitor's other tabs.

mod postgres;
mod sqlite;
mod thread;
mod transaction;

pub use thread::KnownThread;

use chrono::{DateTime, Utc};

use super::validate;
use super::visitor_chat::VisitorCtx;
use crate::db::Backend;
use crate::error::{AppError, Violations};
use crate::state::AppState;

/// A time the visitor picked on a booking card: their message books it.
pub struct SlotPick {
    pub slots_message_id: String,
    pub starts_at: DateTime<Utc>,
}

/// What storing a visitor's message gives back for the `ack`.
pub struct Stored {
    pub message_id: String,
    pub conversation_id: String,
}

/// Stores a visitor's message in their open conversation (starting or reopening one as the
/// workspace's policy says). A resend with the same client id returns the stored message; the
/// same client id with another message is refused (`idempotency_key_reused`).
pub async fn post(
    state: &AppState,
    ctx: &VisitorCtx,
    known: &mut KnownThread,
    client_id: String,
    text: Option<String>,
    attachment_id: Option<String>,
) -> Result<Stored, AppError> {
    let mut v = Violations::default();
    let client_id = validate::text(&mut v, "client_id", &client_id, 1, 100);
    let text = validate::optional_text(&mut v, "text", text.as_deref(), 4000);
    if text.is_none() && attachment_id.is_none() {
        v.add("text", "is required when there is no attachment");
    }
    v.finish()?;
    if let (Some(text), None) = (&text, &attachment_id) {
        let appended = match state.db.backend() {
            Backend::Sqlite => sqlite::append(state, ctx, &client_id, text).await?,
            Backend::Postgres => postgres::append(state, ctx, known, &client_id, text).await?,
        };
        if let Some(stored) = appended {
            return Ok(stored);
        }
    }
    transaction::post(state, ctx, known, client_id, text, attachment_id, None).await
}

/// Stores the visitor's pick of a time on a booking card as their message (`text`, the time in
/// their words) and books the meeting. A resend with the same client id returns the stored
/// message; a card answers one pick (`slot_already_picked`), and only with a time it offered
/// (`slot_not_offered`).
pub async fn pick_slot(
    state: &AppState,
    ctx: &VisitorCtx,
    known: &mut KnownThread,
    client_id: String,
    pick: SlotPick,
    text: String,
) -> Result<Stored, AppError> {
    let mut v = Violations::default();
    let client_id = validate::text(&mut v, "client_id", &client_id, 1, 100);
    let text = validate::text(&mut v, "text", &text, 1, 200);
    v.finish()?;
    transaction::post(state, ctx, known, client_id, Some(text), None, Some(pick)).await
}
