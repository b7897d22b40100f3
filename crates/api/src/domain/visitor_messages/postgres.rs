//! PostgreSQL: read the conversation if the socket does not know it yet, then the tenant's
//! batch.
//!
//! Why batches: written one by one, every message cost a statement and a commit of its own,
//! and its event a second write when the sequencer numbered it. In a batch a busy tenant's
//! messages share one statement, one commit and one bump of the event counter, and their
//! events are written once, already numbered. The batch writes a message only if its
//! conversation, visitor and assignee are still at the versions it was built on
//! (`record_visitor_message`, in the migrations: the one place that check is written).

use super::thread::{next_message, KnownThread};
use super::Stored;
use crate::domain::conversation_rules as rules;
use crate::domain::outbox::event_record;
use crate::domain::visitor_chat::VisitorCtx;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::open_thread::{self, OpenThread};
use crate::store::open_thread_batch::Queued;
use crate::store::Conn;

/// Reads of the conversation before a message that keeps being refused (another tab writing
/// at the same moment, an agent acting) goes through a transaction of its own instead.
const READS: usize = 3;

/// Stores a visitor's text message in their open conversation through the tenant's batch;
/// `None` leaves it to the transaction (no open conversation, or a resend).
pub(super) async fn append(
    state: &AppState,
    ctx: &VisitorCtx,
    known: &mut KnownThread,
    client_id: &str,
    text: &str,
) -> Result<Option<Stored>, AppError> {
    for _ in 0..READS {
        let thread = match known.take() {
            Some(thread) => *thread,
            None => match read(state, ctx, client_id).await? {
                Some(thread) => thread,
                None => return Ok(None),
            },
        };
        // A resend (only a fresh read finds it): the transaction compares it with the stored
        // message and answers with that.
        if !rules::takes_visitor_activity(&thread.conversation) || thread.duplicate_of.is_some() {
            return Ok(None);
        }
        let (message, after, created) = next_message(state, &thread, client_id, text);
        let event = event_record(
            &ctx.tenant_id,
            &created,
            Some(&after.id),
            Some(&ctx.visitor_id),
        );
        let stored = Stored {
            message_id: message.id.clone(),
            conversation_id: after.id.clone(),
        };
        let queued = Queued {
            versions: thread.versions.clone(),
            after,
            message,
            event,
        };
        if let Some(written) = state.events.write_in_batch(&ctx.tenant_id, queued).await {
            known.know_written(thread, written);
            return Ok(Some(stored));
        }
    }
    Ok(None)
}

/// The visitor's latest conversation with what its message event shows and the row versions.
async fn read(
    state: &AppState,
    ctx: &VisitorCtx,
    client_id: &str,
) -> Result<Option<OpenThread>, AppError> {
    let (ctx, client_id) = (ctx.clone(), client_id.to_string());
    state
        .db
        .read(move |conn| read_in(conn, &ctx, &client_id))
        .await
}

/// [`read`] on a connection or in a transaction (`None` on SQLite, which needs no versions).
pub(super) fn read_in(
    conn: &mut Conn,
    ctx: &VisitorCtx,
    client_id: &str,
) -> Result<Option<OpenThread>, AppError> {
    match conn {
        Conn::Postgresql(pg) => Ok(open_thread::read(
            pg,
            &ctx.tenant_id,
            &ctx.visitor_id,
            client_id,
        )?),
        Conn::Sqlite(_) => Ok(None),
    }
}
