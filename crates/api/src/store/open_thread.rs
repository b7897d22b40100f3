//! PostgreSQL's statements for the most frequent write of all, a visitor's message in their
//! open conversation (see `domain::visitor_append`): one reads everything the message and its
//! event need, with the row versions it was read at; one writes message, conversation and
//! event together, only if those rows are still at those versions, and returns the
//! conversation's new version, so the next message of an active chat needs no read at all.
//! Both have fixed texts, so each connection plans them once.

use diesel::pg::{Pg, PgConnection};
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};

use super::conversations::{push_record_activity, Conversation};
use super::events::postgres::{push_event_data, push_event_row};
use super::events::NewEventRecord;
use super::messages::Message;
use crate::db::schema::conversations;

/// A visitor's latest conversation as the fast path reads it.
#[derive(Debug, Clone)]
pub struct OpenThread {
    pub conversation: Conversation,
    /// The row versions (`xmin`) everything below was read at: any change gives a new one.
    pub versions: Versions,
    pub visitor_display_id: String,
    pub visitor_name: Option<String>,
    pub visitor_phone: Option<String>,
    pub assignee_name: Option<String>,
    /// The message already stored in this conversation with the client id asked about.
    pub duplicate_of: Option<String>,
}

/// Row versions of the conversation, its visitor and its assignee.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Versions {
    pub conversation: String,
    pub visitor: String,
    pub assignee: Option<String>,
}

type Row = (
    Conversation,
    (String, String, Option<String>),
    (String, Option<String>, Option<String>, Option<String>),
    Option<String>,
);

/// The visitor's latest conversation with its version, the visitor's label and name, the
/// assignee's name and the message already sent with `client_id`, in one statement.
pub fn read(
    pg: &mut PgConnection,
    tenant_id: &str,
    visitor_id: &str,
    client_id: &str,
) -> QueryResult<Option<OpenThread>> {
    let row: Option<Row> = ReadThread {
        tenant_id,
        visitor_id,
        client_id,
    }
    .get_result(pg)
    .optional()?;
    Ok(row.map(
        |(conversation, (conversation_v, visitor_v, assignee_v), names, duplicate)| {
            let (display_id, name, phone, assignee) = names;
            OpenThread {
                conversation,
                versions: Versions {
                    conversation: conversation_v,
                    visitor: visitor_v,
                    assignee: assignee_v,
                },
                visitor_display_id: display_id,
                visitor_name: name,
                visitor_phone: phone,
                assignee_name: assignee,
                duplicate_of: duplicate,
            }
        },
    ))
}

/// Stores `message`, the conversation's new activity from `after` and the staged `event`, in
/// one statement, only if the conversation, its visitor and its assignee are still at
/// `versions`. Returns the staged event's id and the conversation's new version, or `None`
/// when something changed since it was read (nothing is written then).
pub fn append_if_unchanged(
    pg: &mut PgConnection,
    versions: &Versions,
    after: &Conversation,
    message: &Message,
    event: &NewEventRecord,
) -> QueryResult<Option<(i64, String)>> {
    AppendIfUnchanged {
        versions,
        after,
        message,
        event,
    }
    .get_result(pg)
    .optional()
}

struct ReadThread<'a> {
    tenant_id: &'a str,
    visitor_id: &'a str,
    client_id: &'a str,
}

impl QueryId for ReadThread<'_> {
    type QueryId = ReadThread<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl QueryFragment<Pg> for ReadThread<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        // Columns in the order of `Conversation`'s fields (its table's order). Rows are found by
        // their keys and the tenant is checked on them (`IS TRUE`: not an index condition; see
        // `push_record_activity`), here and in `AppendIfUnchanged`.
        out.push_sql(
            "SELECT c.id, c.tenant_id, c.visitor_id, c.channel, c.status, c.assignee_id, \
             c.needs_agent_since, c.agent_requested, c.booked, c.rating, c.pending_handoff_id, \
             c.message_count, c.shard, c.started_at, c.last_activity_at, c.resolved_at, \
             c.resolved_by, c.last_customer_message_at, \
             c.xmin::text, v.xmin::text, u.xmin::text, \
             v.display_id, v.name, v.whatsapp_phone, u.name, \
             (SELECT m.id FROM messages m WHERE m.conversation_id = c.id \
              AND m.client_message_id = ",
        );
        out.push_bind_param::<Text, _>(self.client_id)?;
        out.push_sql(
            ") FROM conversations c \
             JOIN visitors v ON v.id = c.visitor_id AND (v.tenant_id = c.tenant_id) IS TRUE \
             LEFT JOIN users u ON u.id = c.assignee_id AND u.tenant_id = c.tenant_id \
             WHERE c.tenant_id = ",
        );
        out.push_bind_param::<Text, _>(self.tenant_id)?;
        out.push_sql(" AND c.visitor_id = ");
        out.push_bind_param::<Text, _>(self.visitor_id)?;
        out.push_sql(" ORDER BY c.started_at DESC LIMIT 1");
        Ok(())
    }
}

impl Query for ReadThread<'_> {
    type SqlType = (
        conversations::SqlType,
        (Text, Text, Nullable<Text>),
        (Text, Nullable<Text>, Nullable<Text>, Nullable<Text>),
        Nullable<Text>,
    );
}

impl RunQueryDsl<PgConnection> for ReadThread<'_> {}

struct AppendIfUnchanged<'a> {
    versions: &'a Versions,
    after: &'a Conversation,
    message: &'a Message,
    event: &'a NewEventRecord,
}

impl QueryId for AppendIfUnchanged<'_> {
    type QueryId = AppendIfUnchanged<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl QueryFragment<Pg> for AppendIfUnchanged<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        let (c, m, e) = (self.after, self.message, self.event);
        // The UPDATE matches nothing if a row has a new version, and a row another
        // transaction is changing right now is checked again once that one ends. The message
        // and the event are written only from the updated row, so all three or none.
        let v = self.versions;
        out.push_sql("WITH updated AS (");
        push_record_activity(c, &mut out)?;
        out.push_sql(" AND xmin = ");
        out.push_bind_param::<Text, _>(&v.conversation)?;
        out.push_sql(
            "::xid AND (SELECT vv.xmin FROM visitors vv WHERE vv.id = conversations.visitor_id \
             AND (vv.tenant_id = conversations.tenant_id) IS TRUE) = ",
        );
        out.push_bind_param::<Text, _>(&v.visitor)?;
        out.push_sql(
            "::xid AND (conversations.assignee_id IS NULL OR (SELECT uu.xmin FROM users uu \
             WHERE uu.id = conversations.assignee_id) = ",
        );
        out.push_bind_param::<Nullable<Text>, _>(&v.assignee)?;
        out.push_sql(
            "::xid) RETURNING id, xmin::text AS version), stored AS (INSERT INTO messages \
             (id, tenant_id, conversation_id, sender, sender_user_id, kind, body, attachment_id, \
             payload, client_message_id, created_at) SELECT ",
        );
        out.push_bind_param::<Text, _>(&m.id)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&m.tenant_id)?;
        out.push_sql(", updated.id, ");
        out.push_bind_param::<Text, _>(m.sender.as_str())?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<Text>, _>(&m.sender_user_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(m.kind.as_str())?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<Text>, _>(&m.body)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<Text>, _>(&m.attachment_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<Text>, _>(&m.payload)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<Text>, _>(&m.client_message_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Timestamp, _>(&m.created_at)?;
        out.push_sql(" FROM updated RETURNING conversation_id), event AS (");
        push_event_row(e, "SELECT ", " FROM stored", &mut out)?;
        out.push_sql("), payload AS (");
        push_event_data(&e.data, "event", &mut out)?;
        out.push_sql(") SELECT event.id, updated.version FROM event, updated");
        Ok(())
    }
}

impl Query for AppendIfUnchanged<'_> {
    type SqlType = (BigInt, Text);
}

impl RunQueryDsl<PgConnection> for AppendIfUnchanged<'_> {}
