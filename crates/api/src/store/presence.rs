//! Who is on the site now: one row per connected visitor socket, owned by a server process
//! whose heartbeat says it is alive. The union over live processes is the live-visitor list.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::visitors::Visitor;
use super::Conn;
use crate::db::schema::{member_presence, server_processes, visitor_presence, visitors};
use switchboard_types::TenantId;

/// A presence row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = visitor_presence)]
pub struct Presence {
    pub id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub tenant_id: TenantId,
    pub visitor_id: String,
    pub process_id: String,
    pub connected_at: NaiveDateTime,
    pub page_url: Option<String>,
    pub page_title: Option<String>,
    pub referrer: Option<String>,
}

/// Records or refreshes this process's heartbeat.
pub fn heartbeat(conn: &mut Conn, process_id: &str, now: NaiveDateTime) -> QueryResult<()> {
    let updated = diesel::update(server_processes::table.find(process_id))
        .set(server_processes::heartbeat_at.eq(now))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(server_processes::table)
            .values((
                server_processes::id.eq(process_id),
                server_processes::started_at.eq(now),
                server_processes::heartbeat_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Removes processes whose heartbeat stopped before `stale_before`, with their visitors' and
/// members' presence rows.
pub fn sweep_dead_processes(conn: &mut Conn, stale_before: NaiveDateTime) -> QueryResult<usize> {
    let dead: Vec<String> = server_processes::table
        .filter(server_processes::heartbeat_at.lt(stale_before))
        .select(server_processes::id)
        .load(conn)?;
    if dead.is_empty() {
        return Ok(0);
    }
    diesel::delete(visitor_presence::table.filter(visitor_presence::process_id.eq_any(&dead)))
        .execute(conn)?;
    diesel::delete(member_presence::table.filter(member_presence::process_id.eq_any(&dead)))
        .execute(conn)?;
    diesel::delete(server_processes::table.filter(server_processes::id.eq_any(&dead))).execute(conn)
}

/// Drops this process's presence rows (on start-up: sockets from a previous run are gone).
pub fn clear_process(conn: &mut Conn, process_id: &str) -> QueryResult<usize> {
    let members =
        diesel::delete(member_presence::table.filter(member_presence::process_id.eq(process_id)))
            .execute(conn)?;
    let visitors =
        diesel::delete(visitor_presence::table.filter(visitor_presence::process_id.eq(process_id)))
            .execute(conn)?;
    Ok(members + visitors)
}

pub fn insert(conn: &mut Conn, presence: &Presence) -> QueryResult<()> {
    diesel::insert_into(visitor_presence::table)
        .values(presence.clone())
        .execute(conn)
        .map(|_| ())
}

pub fn update_page(
    conn: &mut Conn,
    id: &str,
    page_url: Option<&str>,
    page_title: Option<&str>,
    referrer: Option<&str>,
) -> QueryResult<usize> {
    diesel::update(visitor_presence::table.find(id))
        .set((
            visitor_presence::page_url.eq(page_url),
            visitor_presence::page_title.eq(page_title),
            visitor_presence::referrer.eq(referrer),
        ))
        .execute(conn)
}

pub fn find(conn: &mut Conn, id: &str) -> QueryResult<Option<Presence>> {
    visitor_presence::table
        .find(id)
        .select(Presence::as_select())
        .first(conn)
        .optional()
}

pub fn remove(conn: &mut Conn, id: &str) -> QueryResult<usize> {
    diesel::delete(visitor_presence::table.find(id)).execute(conn)
}

/// Whether the visitor still has a socket on any live process.
pub fn is_online(
    conn: &mut Conn,
    tenant_id: &TenantId,
    visitor_id: &str,
    alive_after: NaiveDateTime,
) -> QueryResult<bool> {
    let live_processes = server_processes::table
        .filter(server_processes::heartbeat_at.ge(alive_after))
        .select(server_processes::id);
    diesel::select(diesel::dsl::exists(
        visitor_presence::table
            .filter(visitor_presence::tenant_id.eq(tenant_id.as_str()))
            .filter(visitor_presence::visitor_id.eq(visitor_id))
            .filter(visitor_presence::process_id.eq_any(live_processes)),
    ))
    .get_result(conn)
}

/// Presence rows of the tenant on live processes, with their visitors, newest first.
pub fn live(
    conn: &mut Conn,
    tenant_id: &TenantId,
    alive_after: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<(Presence, Visitor)>> {
    let live_processes = server_processes::table
        .filter(server_processes::heartbeat_at.ge(alive_after))
        .select(server_processes::id);
    visitor_presence::table
        .inner_join(visitors::table)
        .filter(visitor_presence::tenant_id.eq(tenant_id.as_str()))
        .filter(visitor_presence::process_id.eq_any(live_processes))
        .order(visitor_presence::connected_at.desc())
        .limit(limit)
        .select((Presence::as_select(), Visitor::as_select()))
        .load(conn)
}
