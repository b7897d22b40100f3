//! Signed-in sessions and their rotating refresh tokens.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::users::User;
use super::Conn;
use crate::db::schema::{sessions, users};
use switchboard_types::TenantId;

/// A session row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub tenant_id: TenantId,
    pub user_id: String,
    pub refresh_hash: String,
    pub previous_refresh_hash: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub created_at: NaiveDateTime,
    pub last_used_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut Conn, session: &Session) -> QueryResult<()> {
    diesel::insert_into(sessions::table)
        .values(session.clone())
        .execute(conn)
        .map(|_| ())
}

pub fn find(conn: &mut Conn, session_id: &str) -> QueryResult<Option<Session>> {
    sessions::table
        .find(session_id)
        .select(Session::as_select())
        .first(conn)
        .optional()
}

/// The member behind a live session: the session is not revoked or expired and the member is
/// active. One indexed lookup per request, so deactivation and sign-out take effect at once.
pub fn live_member(
    conn: &mut Conn,
    tenant_id: &TenantId,
    user_id: &str,
    session_id: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<User>> {
    sessions::table
        .inner_join(users::table)
        .filter(sessions::id.eq(session_id))
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::tenant_id.eq(tenant_id.as_str()))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(now))
        .filter(users::tenant_id.eq(tenant_id.as_str()))
        .filter(users::active.eq(true))
        .select(User::as_select())
        .first(conn)
        .optional()
}

/// Replaces the refresh token only if `current_hash` is still the live one, so two concurrent
/// refreshes with the same token cannot both succeed. Returns whether it rotated.
pub fn rotate(
    conn: &mut Conn,
    session_id: &str,
    current_hash: &str,
    new_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let changed = diesel::update(
        sessions::table
            .filter(sessions::id.eq(session_id))
            .filter(sessions::refresh_hash.eq(current_hash))
            .filter(sessions::revoked_at.is_null()),
    )
    .set((
        sessions::refresh_hash.eq(new_hash),
        sessions::previous_refresh_hash.eq(Some(current_hash)),
        sessions::last_used_at.eq(now),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

pub fn revoke(
    conn: &mut Conn,
    tenant_id: &TenantId,
    session_id: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        sessions::table
            .filter(sessions::id.eq(session_id))
            .filter(sessions::tenant_id.eq(tenant_id.as_str()))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(Some(now)))
    .execute(conn)
}

pub fn revoke_all_of_user(
    conn: &mut Conn,
    tenant_id: &TenantId,
    user_id: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::tenant_id.eq(tenant_id.as_str()))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(Some(now)))
    .execute(conn)
}
