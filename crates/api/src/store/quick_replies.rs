//! Quick replies (canned responses), tenant-wide.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Conn;
use crate::db::schema::quick_replies;
use switchboard_types::TenantId;

/// A quick reply row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = quick_replies)]
pub struct QuickReply {
    pub id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub tenant_id: TenantId,
    pub shortcut: String,
    pub title: String,
    pub body: String,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert(conn: &mut Conn, reply: &QuickReply) -> QueryResult<()> {
    diesel::insert_into(quick_replies::table)
        .values(reply.clone())
        .execute(conn)
        .map(|_| ())
}

pub fn find(conn: &mut Conn, tenant_id: &TenantId, id: &str) -> QueryResult<Option<QuickReply>> {
    quick_replies::table
        .filter(
            quick_replies::tenant_id
                .eq(tenant_id.as_str())
                .and(quick_replies::id.eq(id)),
        )
        .select(QuickReply::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_shortcut(
    conn: &mut Conn,
    tenant_id: &TenantId,
    shortcut: &str,
) -> QueryResult<Option<QuickReply>> {
    quick_replies::table
        .filter(
            quick_replies::tenant_id
                .eq(tenant_id.as_str())
                .and(quick_replies::shortcut.eq(shortcut)),
        )
        .select(QuickReply::as_select())
        .first(conn)
        .optional()
}

/// All of the tenant's replies, or those whose shortcut starts with `prefix`, by shortcut.
pub fn list(
    conn: &mut Conn,
    tenant_id: &TenantId,
    prefix: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<QuickReply>> {
    let mut query = quick_replies::table
        .filter(quick_replies::tenant_id.eq(tenant_id.as_str()))
        .order(quick_replies::shortcut.asc())
        .select(QuickReply::as_select())
        .limit(limit)
        .into_boxed();
    if let Some(prefix) = prefix {
        // `!` escapes LIKE's wildcards; shortcuts are validated to [a-z0-9_-] anyway.
        let escaped = prefix
            .replace('!', "!!")
            .replace('_', "!_")
            .replace('%', "!%");
        query = query.filter(
            quick_replies::shortcut
                .like(format!("{escaped}%"))
                .escape('!'),
        );
    }
    query.load(conn)
}

pub fn update(conn: &mut Conn, reply: &QuickReply) -> QueryResult<usize> {
    diesel::update(
        quick_replies::table.filter(
            quick_replies::tenant_id
                .eq(reply.tenant_id.as_str())
                .and(quick_replies::id.eq(&reply.id)),
        ),
    )
    .set((
        quick_replies::shortcut.eq(&reply.shortcut),
        quick_replies::title.eq(&reply.title),
        quick_replies::body.eq(&reply.body),
        quick_replies::updated_at.eq(reply.updated_at),
    ))
    .execute(conn)
}

pub fn delete(conn: &mut Conn, tenant_id: &TenantId, id: &str) -> QueryResult<usize> {
    diesel::delete(
        quick_replies::table.filter(
            quick_replies::tenant_id
                .eq(tenant_id.as_str())
                .and(quick_replies::id.eq(id)),
        ),
    )
    .execute(conn)
}
