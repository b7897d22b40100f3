//! Messages of a conversation and their attachments.

use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text, Timestamp};

use super::attachments::Attachment;
use super::Conn;
use crate::db::schema::{attachments, messages};
use switchboard_types::messages::MessageKind;
use switchboard_types::messages::Sender;
use switchboard_types::TenantId;

/// A message row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = messages)]
// `None` is stored as NULL rather than left to the column default: the INSERT's text is then
// the same for every message, so PostgreSQL plans it once per connection.
#[diesel(treat_none_as_default_value = false)]
pub struct Message {
    pub id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub tenant_id: TenantId,
    pub conversation_id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub sender: Sender,
    pub sender_user_id: Option<String>,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub kind: MessageKind,
    pub body: Option<String>,
    pub attachment_id: Option<String>,
    pub payload: Option<String>,
    pub client_message_id: Option<String>,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut Conn, message: &Message) -> QueryResult<()> {
    diesel::insert_into(messages::table)
        .values(message.clone())
        .execute(conn)
        .map(|_| ())
}

/// Inserts the message unless its client id was already used in the conversation (a unique
/// index); says whether it was inserted. One statement: no savepoint around a failing insert.
pub fn insert_unless_duplicate(conn: &mut Conn, message: &Message) -> QueryResult<bool> {
    let insert = diesel::insert_into(messages::table).values(message.clone());
    let inserted = match conn {
        Conn::Postgresql(pg) => insert.on_conflict_do_nothing().execute(pg)?,
        Conn::Sqlite(sqlite) => insert.on_conflict_do_nothing().execute(sqlite)?,
    };
    Ok(inserted == 1)
}

/// The message a client already sent with this idempotency key, if any.
pub fn find_by_client_id(
    conn: &mut Conn,
    tenant_id: &TenantId,
    conversation_id: &str,
    client_message_id: &str,
) -> QueryResult<Option<(Message, Option<Attachment>)>> {
    messages::table
        .left_join(attachments::table)
        .filter(messages::tenant_id.eq(tenant_id.as_str()))
        .filter(messages::conversation_id.eq(conversation_id))
        .filter(messages::client_message_id.eq(client_message_id))
        .select((Message::as_select(), Option::<Attachment>::as_select()))
        .first(conn)
        .optional()
}

/// Whether the visitor picked a time from booking card `slots_message_id` already: their pick
/// message's payload names the card (`picked_slot` found the card by this id, a UUID: no LIKE
/// wildcards in it).
pub fn has_pick(
    conn: &mut Conn,
    tenant_id: &TenantId,
    conversation_id: &str,
    slots_message_id: &str,
) -> QueryResult<bool> {
    let pattern = format!("%\"slots_message_id\":\"{slots_message_id}\"%");
    let found: i64 = messages::table
        .filter(messages::tenant_id.eq(tenant_id.as_str()))
        .filter(messages::conversation_id.eq(conversation_id))
        .filter(messages::sender.eq(Sender::Customer.as_str()))
        .filter(messages::payload.like(pattern))
        .count()
        .get_result(conn)?;
    Ok(found > 0)
}

/// Up to `limit` messages before the `(created_at, id)` cursor (or the newest), newest first.
pub fn page_before(
    conn: &mut Conn,
    tenant_id: &TenantId,
    conversation_id: &str,
    before: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> QueryResult<Vec<(Message, Option<Attachment>)>> {
    let mut query = messages::table
        .left_join(attachments::table)
        .filter(messages::conversation_id.eq(conversation_id))
        .filter(messages::tenant_id.eq(tenant_id.as_str()))
        .order((messages::created_at.desc(), messages::id.desc()))
        .select((Message::as_select(), Option::<Attachment>::as_select()))
        .limit(limit)
        .into_boxed();
    if let Some((at, id)) = before {
        query = query.filter(
            sql::<Bool>("(messages.created_at, messages.id) < (")
                .bind::<Timestamp, _>(at)
                .sql(", ")
                .bind::<Text, _>(id)
                .sql(")"),
        );
    }
    query.load(conn)
}

/// Messages after a message the client already has, oldest first (visitor resume).
pub fn after(
    conn: &mut Conn,
    tenant_id: &TenantId,
    conversation_id: &str,
    after: (NaiveDateTime, String),
    limit: i64,
) -> QueryResult<Vec<(Message, Option<Attachment>)>> {
    messages::table
        .left_join(attachments::table)
        .filter(messages::conversation_id.eq(conversation_id))
        .filter(messages::tenant_id.eq(tenant_id.as_str()))
        .filter(
            sql::<Bool>("(messages.created_at, messages.id) > (")
                .bind::<Timestamp, _>(after.0)
                .sql(", ")
                .bind::<Text, _>(after.1)
                .sql(")"),
        )
        .order((messages::created_at.asc(), messages::id.asc()))
        .select((Message::as_select(), Option::<Attachment>::as_select()))
        .limit(limit)
        .load(conn)
}

pub fn find(
    conn: &mut Conn,
    tenant_id: &TenantId,
    message_id: &str,
) -> QueryResult<Option<Message>> {
    messages::table
        .filter(
            messages::tenant_id
                .eq(tenant_id.as_str())
                .and(messages::id.eq(message_id)),
        )
        .select(Message::as_select())
        .first(conn)
        .optional()
}

/// The customer's most recent message with text (a caption counts), walking the thread index
/// from its newest end.
pub fn latest_customer_text(
    conn: &mut Conn,
    tenant_id: &TenantId,
    conversation_id: &str,
) -> QueryResult<Option<Message>> {
    messages::table
        .filter(messages::conversation_id.eq(conversation_id))
        .filter(messages::tenant_id.eq(tenant_id.as_str()))
        .filter(messages::sender.eq(Sender::Customer.as_str()))
        .filter(messages::body.is_not_null())
        .order((messages::created_at.desc(), messages::id.desc()))
        .select(Message::as_select())
        .first(conn)
        .optional()
}
