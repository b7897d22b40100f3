//! Captured leads.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Conn;
use crate::db::schema::leads;
use switchboard_types::TenantId;

/// A lead row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = leads)]
pub struct Lead {
    pub id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub tenant_id: TenantId,
    pub conversation_id: Option<String>,
    pub visitor_id: Option<String>,
    pub email: String,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub company: Option<String>,
    pub message: Option<String>,
    pub captured_by: Option<String>,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut Conn, lead: &Lead) -> QueryResult<()> {
    diesel::insert_into(leads::table)
        .values(lead.clone())
        .execute(conn)
        .map(|_| ())
}

diesel::define_sql_function! {
    /// SQL's `lower()`, the same on SQLite and PostgreSQL.
    fn lower(text: diesel::sql_types::Nullable<diesel::sql_types::Text>) -> diesel::sql_types::Nullable<diesel::sql_types::Text>;
}

/// Newest first, strictly after the `(created_at, id)` cursor; with `search`, only leads whose
/// email, name, company or phone contains it (any case).
pub fn page(
    conn: &mut Conn,
    tenant_id: &TenantId,
    search: Option<&str>,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> QueryResult<Vec<Lead>> {
    let mut query = leads::table
        .filter(leads::tenant_id.eq(tenant_id.as_str()))
        .order((leads::created_at.desc(), leads::id.desc()))
        .select(Lead::as_select())
        .limit(limit)
        .into_boxed();
    if let Some((at, id)) = after {
        query = query.filter(
            leads::created_at
                .lt(at)
                .or(leads::created_at.eq(at).and(leads::id.lt(id))),
        );
    }
    if let Some(search) = search {
        let pattern = super::contains_pattern(&search.to_lowercase());
        query = query.filter(
            lower(leads::email.nullable())
                .like(pattern.clone())
                .escape('\\')
                .or(lower(leads::name).like(pattern.clone()).escape('\\'))
                .or(lower(leads::company).like(pattern.clone()).escape('\\'))
                .or(lower(leads::phone).like(pattern).escape('\\')),
        );
    }
    query.load(conn)
}
