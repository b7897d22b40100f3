//! Visitors (widget and WhatsApp).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Conn;
use crate::db::schema::visitors;
use switchboard_types::conversations::Channel;
use switchboard_types::TenantId;

/// A visitor row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = visitors)]
pub struct Visitor {
    pub id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub tenant_id: TenantId,
    pub display_id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub channel: Channel,
    pub whatsapp_phone: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub custom_fields: String,
    pub first_seen_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
}

/// Pre-chat answers to store.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = visitors)]
pub struct PrechatChange {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub custom_fields: Option<String>,
}

pub fn insert(conn: &mut Conn, visitor: &Visitor) -> QueryResult<()> {
    diesel::insert_into(visitors::table)
        .values(visitor.clone())
        .execute(conn)
        .map(|_| ())
}

pub fn find(
    conn: &mut Conn,
    tenant_id: &TenantId,
    visitor_id: &str,
) -> QueryResult<Option<Visitor>> {
    crate::on_engine!(conn, |c| visitors::table
        .filter(
            visitors::tenant_id
                .eq(tenant_id.as_str())
                .and(visitors::id.eq(visitor_id)),
        )
        .select(Visitor::as_select())
        .first(c)
        .optional())
}

pub fn find_by_phone(
    conn: &mut Conn,
    tenant_id: &TenantId,
    phone: &str,
) -> QueryResult<Option<Visitor>> {
    visitors::table
        .filter(
            visitors::tenant_id
                .eq(tenant_id.as_str())
                .and(visitors::whatsapp_phone.eq(phone)),
        )
        .select(Visitor::as_select())
        .first(conn)
        .optional()
}

pub fn touch(
    conn: &mut Conn,
    tenant_id: &TenantId,
    visitor_id: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        visitors::table.filter(
            visitors::tenant_id
                .eq(tenant_id.as_str())
                .and(visitors::id.eq(visitor_id)),
        ),
    )
    .set(visitors::last_seen_at.eq(at))
    .execute(conn)
}

pub fn save_prechat(
    conn: &mut Conn,
    tenant_id: &TenantId,
    visitor_id: &str,
    change: &PrechatChange,
) -> QueryResult<usize> {
    diesel::update(
        visitors::table.filter(
            visitors::tenant_id
                .eq(tenant_id.as_str())
                .and(visitors::id.eq(visitor_id)),
        ),
    )
    .set(change)
    .execute(conn)
}
