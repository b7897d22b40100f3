//! SQLite: a text message to the visitor's open conversation, read and written on the single
//! writer with nothing in between, so what it read is current and needs no version check.
//!
//! Without a savepoint: the writer commits messages in groups and runs each write of a group
//! in a savepoint, and a savepoint makes SQLite copy every page the write touches first. Here
//! every check comes before the first change, so the write cannot fail half-way except in the
//! engine itself (which then rolls back the whole group).

use super::thread::next_message;
use super::Stored;
use crate::domain::conversation_rules as rules;
use crate::domain::visitor_chat::VisitorCtx;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::open_thread::{OpenThread, Versions};
use crate::store::{self, Conn};

/// Stores the message in the visitor's open conversation; `None` leaves it to the transaction
/// (no open conversation, or a resend).
pub(super) async fn append(
    state: &AppState,
    ctx: &VisitorCtx,
    client_id: &str,
    text: &str,
) -> Result<Option<Stored>, AppError> {
    let (st, ctx2) = (state.clone(), ctx.clone());
    let (client_id, text) = (client_id.to_string(), text.to_string());
    state
        .transact_unguarded(&ctx.tenant_id, move |conn, outbox| {
            let Some(thread) = read_thread(conn, &ctx2)? else {
                return Ok(None);
            };
            let (message, after, created) = next_message(&st, &thread, &client_id, &text);
            // A resend: the transaction compares it with the message stored before.
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

/// The visitor's open conversation and what its message event shows; `None` when there is no
/// open one.
fn read_thread(conn: &mut Conn, ctx: &VisitorCtx) -> Result<Option<OpenThread>, AppError> {
    let tenant = &ctx.tenant_id;
    let latest = store::conversations::latest_of_visitor(conn, tenant, &ctx.visitor_id)?;
    let Some(conversation) = latest.filter(rules::takes_visitor_activity) else {
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
        // The single writer needs no row versions.
        versions: Versions::default(),
        visitor_display_id: visitor.display_id,
        visitor_name: visitor.name,
        visitor_phone: visitor.whatsapp_phone,
        assignee_name,
        duplicate_of: None,
    }))
}
