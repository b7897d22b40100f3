//! Team members.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Conn;
use crate::db::schema::{member_presence, server_processes, users};
use switchboard_types::auth::Availability;
use switchboard_types::Role;
use switchboard_types::TenantId;

/// A user row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub tenant_id: TenantId,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub role: Role,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub availability: Availability,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub deactivated_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut Conn, user: &User) -> QueryResult<()> {
    diesel::insert_into(users::table)
        .values(user.clone())
        .execute(conn)
        .map(|_| ())
}

/// Looks a member up by sign-in email across tenants (emails are unique and lower-cased).
pub fn find_by_email(conn: &mut Conn, email: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::email.eq(email))
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn find(conn: &mut Conn, tenant_id: &TenantId, user_id: &str) -> QueryResult<Option<User>> {
    crate::on_engine!(conn, |c| users::table
        .filter(
            users::tenant_id
                .eq(tenant_id.as_str())
                .and(users::id.eq(user_id))
        )
        .select(User::as_select())
        .first(c)
        .optional())
}

pub fn list(conn: &mut Conn, tenant_id: &TenantId) -> QueryResult<Vec<User>> {
    users::table
        .filter(users::tenant_id.eq(tenant_id.as_str()))
        .order((users::created_at.asc(), users::id.asc()))
        .select(User::as_select())
        .load(conn)
}

pub fn set_role(
    conn: &mut Conn,
    tenant_id: &TenantId,
    user_id: &str,
    role: &str,
) -> QueryResult<usize> {
    diesel::update(
        users::table.filter(
            users::tenant_id
                .eq(tenant_id.as_str())
                .and(users::id.eq(user_id)),
        ),
    )
    .set(users::role.eq(role))
    .execute(conn)
}

pub fn set_active(
    conn: &mut Conn,
    tenant_id: &TenantId,
    user_id: &str,
    active: bool,
    at: Option<NaiveDateTime>,
) -> QueryResult<usize> {
    diesel::update(
        users::table.filter(
            users::tenant_id
                .eq(tenant_id.as_str())
                .and(users::id.eq(user_id)),
        ),
    )
    .set((users::active.eq(active), users::deactivated_at.eq(at)))
    .execute(conn)
}

pub fn set_availability(
    conn: &mut Conn,
    tenant_id: &TenantId,
    user_id: &str,
    availability: &str,
) -> QueryResult<usize> {
    diesel::update(
        users::table.filter(
            users::tenant_id
                .eq(tenant_id.as_str())
                .and(users::id.eq(user_id)),
        ),
    )
    .set(users::availability.eq(availability))
    .execute(conn)
}

pub fn count_active(conn: &mut Conn, tenant_id: &TenantId) -> QueryResult<i64> {
    users::table
        .filter(
            users::tenant_id
                .eq(tenant_id.as_str())
                .and(users::active.eq(true)),
        )
        .count()
        .get_result(conn)
}

/// Whether the workspace has someone at their desk for visitors: an active member whose
/// availability is online and who has a dashboard event socket open on a server process whose
/// heartbeat is at or after `alive_after`. The stored availability alone stays online after
/// everyone closed the dashboard.
pub fn any_online(
    conn: &mut Conn,
    tenant_id: &TenantId,
    alive_after: NaiveDateTime,
) -> QueryResult<bool> {
    let live_processes = server_processes::table
        .filter(server_processes::heartbeat_at.ge(alive_after))
        .select(server_processes::id);
    let at_dashboard = member_presence::table
        .filter(member_presence::tenant_id.eq(tenant_id.as_str()))
        .filter(member_presence::process_id.eq_any(live_processes))
        .select(member_presence::user_id);
    diesel::select(diesel::dsl::exists(
        users::table.filter(
            users::tenant_id
                .eq(tenant_id.as_str())
                .and(users::active.eq(true))
                .and(users::availability.eq("online"))
                .and(users::id.eq_any(at_dashboard)),
        ),
    ))
    .get_result(conn)
}
