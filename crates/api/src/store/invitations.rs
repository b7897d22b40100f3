//! Invitations to join a team.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Conn;
use crate::db::schema::invitations;
use switchboard_types::Role;
use switchboard_types::TenantId;

/// An invitation row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = invitations)]
pub struct Invitation {
    pub id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub tenant_id: TenantId,
    pub email: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub role: Role,
    pub token_hash: String,
    pub invited_by: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub accepted_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut Conn, invitation: &Invitation) -> QueryResult<()> {
    diesel::insert_into(invitations::table)
        .values(invitation.clone())
        .execute(conn)
        .map(|_| ())
}

pub fn find_by_token_hash(conn: &mut Conn, token_hash: &str) -> QueryResult<Option<Invitation>> {
    invitations::table
        .filter(invitations::token_hash.eq(token_hash))
        .select(Invitation::as_select())
        .first(conn)
        .optional()
}

pub fn list(conn: &mut Conn, tenant_id: &TenantId) -> QueryResult<Vec<Invitation>> {
    invitations::table
        .filter(invitations::tenant_id.eq(tenant_id.as_str()))
        .order((invitations::created_at.desc(), invitations::id.desc()))
        .select(Invitation::as_select())
        .load(conn)
}

/// Withdraws every still-open invitation for `email`, so only the newest link works.
pub fn revoke_open_for_email(
    conn: &mut Conn,
    tenant_id: &TenantId,
    email: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        invitations::table
            .filter(invitations::tenant_id.eq(tenant_id.as_str()))
            .filter(invitations::email.eq(email))
            .filter(invitations::accepted_at.is_null())
            .filter(invitations::revoked_at.is_null()),
    )
    .set(invitations::revoked_at.eq(Some(now)))
    .execute(conn)
}

pub fn revoke(
    conn: &mut Conn,
    tenant_id: &TenantId,
    invitation_id: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        invitations::table
            .filter(invitations::tenant_id.eq(tenant_id.as_str()))
            .filter(invitations::id.eq(invitation_id))
            .filter(invitations::accepted_at.is_null())
            .filter(invitations::revoked_at.is_null()),
    )
    .set(invitations::revoked_at.eq(Some(now)))
    .execute(conn)
}

/// Marks the invitation used, only if it still is open: a token works once, even when two
/// accepts race.
pub fn mark_accepted(
    conn: &mut Conn,
    invitation_id: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let changed = diesel::update(
        invitations::table
            .filter(invitations::id.eq(invitation_id))
            .filter(invitations::accepted_at.is_null())
            .filter(invitations::revoked_at.is_null()),
    )
    .set(invitations::accepted_at.eq(Some(now)))
    .execute(conn)?;
    Ok(changed == 1)
}
