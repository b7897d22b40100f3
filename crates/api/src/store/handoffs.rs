//! Transfers and delegations.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Conn;
use crate::db::schema::handoffs;
use switchboard_types::handoffs::HandoffKind;
use switchboard_types::handoffs::HandoffStatus;
use switchboard_types::TenantId;

/// A handoff row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = handoffs)]
pub struct Handoff {
    pub id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub tenant_id: TenantId,
    pub conversation_id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub kind: HandoffKind,
    pub from_user_id: Option<String>,
    pub to_user_id: String,
    pub reason: Option<String>,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: HandoffStatus,
    pub created_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut Conn, handoff: &Handoff) -> QueryResult<()> {
    diesel::insert_into(handoffs::table)
        .values(handoff.clone())
        .execute(conn)
        .map(|_| ())
}

pub fn find(conn: &mut Conn, tenant_id: &TenantId, id: &str) -> QueryResult<Option<Handoff>> {
    handoffs::table
        .filter(
            handoffs::tenant_id
                .eq(tenant_id.as_str())
                .and(handoffs::id.eq(id)),
        )
        .select(Handoff::as_select())
        .first(conn)
        .optional()
}

/// Settles a pending handoff, only if it is still pending (concurrent answers: one wins).
pub fn decide(
    conn: &mut Conn,
    tenant_id: &TenantId,
    id: &str,
    status: HandoffStatus,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let changed = diesel::update(
        handoffs::table
            .filter(handoffs::tenant_id.eq(tenant_id.as_str()))
            .filter(handoffs::id.eq(id))
            .filter(handoffs::status.eq(HandoffStatus::Pending.as_str())),
    )
    .set((
        handoffs::status.eq(status.as_str()),
        handoffs::decided_at.eq(Some(at)),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}
