//! Integrators' API keys (stored as SHA-256 of the secret).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Conn;
use crate::db::schema::api_keys;
use switchboard_types::TenantId;

/// An API key row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = api_keys)]
pub struct ApiKey {
    pub id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub tenant_id: TenantId,
    pub name: String,
    pub prefix: String,
    pub secret_hash: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut Conn, key: &ApiKey) -> QueryResult<()> {
    diesel::insert_into(api_keys::table)
        .values(key.clone())
        .execute(conn)
        .map(|_| ())
}

/// The live (not revoked) key with this secret hash.
pub fn find_live_by_hash(conn: &mut Conn, secret_hash: &str) -> QueryResult<Option<ApiKey>> {
    api_keys::table
        .filter(api_keys::secret_hash.eq(secret_hash))
        .filter(api_keys::revoked_at.is_null())
        .select(ApiKey::as_select())
        .first(conn)
        .optional()
}

pub fn find(conn: &mut Conn, tenant_id: &TenantId, key_id: &str) -> QueryResult<Option<ApiKey>> {
    api_keys::table
        .filter(
            api_keys::tenant_id
                .eq(tenant_id.as_str())
                .and(api_keys::id.eq(key_id)),
        )
        .select(ApiKey::as_select())
        .first(conn)
        .optional()
}

pub fn list(conn: &mut Conn, tenant_id: &TenantId) -> QueryResult<Vec<ApiKey>> {
    api_keys::table
        .filter(api_keys::tenant_id.eq(tenant_id.as_str()))
        .order((api_keys::created_at.desc(), api_keys::id.desc()))
        .select(ApiKey::as_select())
        .load(conn)
}

pub fn revoke(
    conn: &mut Conn,
    tenant_id: &TenantId,
    key_id: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        api_keys::table
            .filter(api_keys::tenant_id.eq(tenant_id.as_str()))
            .filter(api_keys::id.eq(key_id))
            .filter(api_keys::revoked_at.is_null()),
    )
    .set(api_keys::revoked_at.eq(Some(now)))
    .execute(conn)
}

pub fn touch(
    conn: &mut Conn,
    tenant_id: &TenantId,
    key_id: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        api_keys::table.filter(
            api_keys::tenant_id
                .eq(tenant_id.as_str())
                .and(api_keys::id.eq(key_id)),
        ),
    )
    .set(api_keys::last_used_at.eq(Some(now)))
    .execute(conn)
}
