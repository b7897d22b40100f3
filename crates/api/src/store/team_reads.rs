//! How far the team has read each conversation: the newest visitor message a member had on
//! screen (one row per conversation, moved forward only).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Conn;
use crate::db::schema::team_reads;
use switchboard_types::TenantId;

/// The team's read mark of one conversation.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = team_reads)]
pub struct TeamRead {
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub tenant_id: TenantId,
    pub conversation_id: String,
    pub message_id: String,
    /// When the message read up to was stored: what "forward" compares.
    pub message_created_at: NaiveDateTime,
    pub seen_at: NaiveDateTime,
}

pub fn find(
    conn: &mut Conn,
    tenant_id: &TenantId,
    conversation_id: &str,
) -> QueryResult<Option<TeamRead>> {
    team_reads::table
        .filter(team_reads::tenant_id.eq(tenant_id.as_str()))
        .filter(team_reads::conversation_id.eq(conversation_id))
        .select(TeamRead::as_select())
        .first(conn)
        .optional()
}

/// Stores `read` as the conversation's mark (the caller checked that it moves forward).
pub fn put(conn: &mut Conn, read: &TeamRead) -> QueryResult<()> {
    let replaced = diesel::update(
        team_reads::table
            .filter(team_reads::tenant_id.eq(read.tenant_id.as_str()))
            .filter(team_reads::conversation_id.eq(&read.conversation_id)),
    )
    .set((
        team_reads::message_id.eq(&read.message_id),
        team_reads::message_created_at.eq(read.message_created_at),
        team_reads::seen_at.eq(read.seen_at),
    ))
    .execute(conn)?;
    if replaced == 0 {
        diesel::insert_into(team_reads::table)
            .values(read.clone())
            .execute(conn)?;
    }
    Ok(())
}
