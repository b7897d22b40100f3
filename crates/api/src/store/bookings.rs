//! Meetings booked from conversations.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Conn;
use crate::db::schema::{bookings, documents};

/// A booking row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = bookings)]
pub struct Booking {
    pub id: String,
    pub tenant_id: String,
    pub conversation_id: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: Option<NaiveDateTime>,
    pub note: Option<String>,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut Conn, booking: &Booking) -> QueryResult<()> {
    diesel::insert_into(bookings::table)
        .values(booking)
        .execute(conn)
        .map(|_| ())
}

/// Knowledge-base documents processed and ready (the Overview's "Documents Ready").
pub fn count_documents_ready(conn: &mut Conn, tenant_id: &str) -> QueryResult<i64> {
    documents::table
        .filter(documents::tenant_id.eq(tenant_id))
        .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
            "documents.status = 'ready'",
        ))
        .count()
        .get_result(conn)
}
