//! The audit log.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Conn;
use crate::db::schema::audit_log;
use switchboard_types::TenantId;

/// An audit log row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub tenant_id: TenantId,
    pub at: NaiveDateTime,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub actor_label: Option<String>,
    pub action: String,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub ip: Option<String>,
    pub details: String,
}

pub fn insert(conn: &mut Conn, row: &AuditRow) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values(row.clone())
        .execute(conn)
        .map(|_| ())
}

/// A page of the tenant's log, newest first, after the `(at, id)` cursor when given.
/// Newest first, strictly after the `(at, id)` cursor; with `action`, only that action or the
/// actions of that group (`team` is `team.invited`, `team.role_changed`, …).
pub fn page(
    conn: &mut Conn,
    tenant_id: &TenantId,
    action: Option<&str>,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> QueryResult<Vec<AuditRow>> {
    let mut query = audit_log::table
        .filter(audit_log::tenant_id.eq(tenant_id.as_str()))
        .select(AuditRow::as_select())
        .order((audit_log::at.desc(), audit_log::id.desc()))
        .limit(limit)
        .into_boxed();
    if let Some(action) = action {
        let group = format!("{}.%", super::contains_pattern(action).trim_matches('%'));
        query = query.filter(
            audit_log::action
                .eq(action.to_string())
                .or(audit_log::action.like(group).escape('\\')),
        );
    }
    if let Some((at, id)) = after {
        query = query.filter(
            audit_log::at
                .lt(at)
                .or(audit_log::at.eq(at).and(audit_log::id.lt(id))),
        );
    }
    query.load(conn)
}
