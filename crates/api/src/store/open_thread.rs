//! PostgreSQL's read for the most frequent write of all, a visitor's message in their open
//! conversation (see `domain::visitor_messages`): one statement reads everything the message
//! and its event need, with the row versions it was read at, which the tenant's batch
//! (`store::open_thread_batch`) checks before writing. Its text is fixed, so each connection
//! plans it once.

use diesel::pg::{Pg, PgConnection};
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Nullable, Text};

use super::conversations::Conversation;
use crate::db::schema::conversations;
use switchboard_types::TenantId;

/// A visitor's latest conversation as a message to it needs it.
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
    tenant_id: &TenantId,
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

struct ReadThread<'a> {
    tenant_id: &'a TenantId,
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
        // `push_record_activity` in `store::conversations`).
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
        out.push_bind_param::<Text, _>(self.tenant_id.as_str())?;
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
