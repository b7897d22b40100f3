//! Who on the team has the dashboard open now: one row per event socket, owned by a server
//! process whose heartbeat says it is alive (`store::presence` keeps the processes and sweeps
//! the rows of dead ones).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Conn;
use crate::db::schema::member_presence;
use switchboard_types::TenantId;

/// A member's open dashboard socket.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = member_presence)]
pub struct MemberPresence {
    pub id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub tenant_id: TenantId,
    pub user_id: String,
    pub process_id: String,
    pub connected_at: NaiveDateTime,
}

pub fn insert(conn: &mut Conn, presence: &MemberPresence) -> QueryResult<()> {
    diesel::insert_into(member_presence::table)
        .values(presence.clone())
        .execute(conn)
        .map(|_| ())
}

pub fn remove(conn: &mut Conn, tenant_id: &TenantId, id: &str) -> QueryResult<usize> {
    diesel::delete(
        member_presence::table.filter(
            member_presence::tenant_id
                .eq(tenant_id.as_str())
                .and(member_presence::id.eq(id)),
        ),
    )
    .execute(conn)
}
