//! Attachment metadata (the bytes live in the file store).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Conn;
use crate::db::schema::attachments;
use switchboard_types::messages::AttachmentKind;
use switchboard_types::TenantId;

/// An attachment row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = attachments)]
pub struct Attachment {
    pub id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub tenant_id: TenantId,
    pub conversation_id: Option<String>,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub kind: AttachmentKind,
    pub content_type: String,
    pub filename: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub duration_ms: Option<i64>,
    pub uploaded_by_user: Option<String>,
    pub uploaded_by_visitor: Option<String>,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut Conn, attachment: &Attachment) -> QueryResult<()> {
    diesel::insert_into(attachments::table)
        .values(attachment.clone())
        .execute(conn)
        .map(|_| ())
}

pub fn find(conn: &mut Conn, tenant_id: &TenantId, id: &str) -> QueryResult<Option<Attachment>> {
    attachments::table
        .filter(
            attachments::tenant_id
                .eq(tenant_id.as_str())
                .and(attachments::id.eq(id)),
        )
        .select(Attachment::as_select())
        .first(conn)
        .optional()
}

/// Looks an attachment up by id alone (for signed links, which carry their own proof).
pub fn find_any(conn: &mut Conn, id: &str) -> QueryResult<Option<Attachment>> {
    attachments::table
        .find(id)
        .select(Attachment::as_select())
        .first(conn)
        .optional()
}

/// Binds an uploaded attachment to the conversation it was sent in.
pub fn bind_to_conversation(
    conn: &mut Conn,
    tenant_id: &TenantId,
    id: &str,
    conversation_id: &str,
) -> QueryResult<usize> {
    diesel::update(
        attachments::table.filter(
            attachments::tenant_id
                .eq(tenant_id.as_str())
                .and(attachments::id.eq(id)),
        ),
    )
    .set(attachments::conversation_id.eq(conversation_id))
    .execute(conn)
}
