//! Meetings booked from conversations.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Conn;
use crate::db::schema::{bookings, documents};
use switchboard_types::TenantId;

/// A booking row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = bookings)]
pub struct Booking {
    pub id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub tenant_id: TenantId,
    pub conversation_id: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: Option<NaiveDateTime>,
    pub note: Option<String>,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut Conn, booking: &Booking) -> QueryResult<()> {
    diesel::insert_into(bookings::table)
        .values(booking.clone())
        .execute(conn)
        .map(|_| ())
}

/// Knowledge-base documents processed and ready (the Overview's "Documents Ready").
pub fn count_documents_ready(conn: &mut Conn, tenant_id: &TenantId) -> QueryResult<i64> {
    documents::table
        .filter(documents::tenant_id.eq(tenant_id.as_str()))
        .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
            "documents.status = 'ready'",
        ))
        .count()
        .get_result(conn)
}
