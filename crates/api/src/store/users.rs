//! Team members.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Conn;
use crate::db::schema::users;
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

/// Whether an active member of the workspace is online to visitors.
pub fn any_online(conn: &mut Conn, tenant_id: &TenantId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        users::table.filter(
            users::tenant_id
                .eq(tenant_id.as_str())
                .and(users::active.eq(true))
                .and(users::availability.eq("online")),
        ),
    ))
    .get_result(conn)
}
