//! Conversations: rows, the join lock, list pages with keyset pagination.

use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Text, Timestamp};
use switchboard_types::conversations::{Channel, Tab};

use super::Conn;
use crate::db::schema::{conversations, users, visitors};
use switchboard_types::conversations::ConversationState;
use switchboard_types::TenantId;

/// A conversation row.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = conversations)]
pub struct Conversation {
    pub id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub tenant_id: TenantId,
    pub visitor_id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub channel: Channel,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: ConversationState,
    pub assignee_id: Option<String>,
    pub needs_agent_since: Option<NaiveDateTime>,
    pub agent_requested: bool,
    pub booked: bool,
    pub rating: Option<i16>,
    pub pending_handoff_id: Option<String>,
    pub message_count: i64,
    pub shard: i32,
    pub started_at: NaiveDateTime,
    pub last_activity_at: NaiveDateTime,
    pub resolved_at: Option<NaiveDateTime>,
    pub resolved_by: Option<String>,
    pub last_customer_message_at: Option<NaiveDateTime>,
}

/// A conversation with what its list row needs from the visitor and the assignee.
#[derive(Debug, Clone, Queryable)]
pub struct ListedConversation {
    pub conversation: Conversation,
    pub visitor_display_id: String,
    pub visitor_phone: Option<String>,
    pub assignee_name: Option<String>,
}

pub fn insert(conn: &mut Conn, conversation: &Conversation) -> QueryResult<()> {
    diesel::insert_into(conversations::table)
        .values(conversation.clone())
        .execute(conn)
        .map(|_| ())
}

/// Writes every mutable column of `conversation` back (the caller holds the row's lock).
pub fn save(conn: &mut Conn, c: &Conversation) -> QueryResult<()> {
    diesel::update(
        conversations::table.filter(
            conversations::tenant_id
                .eq(c.tenant_id.as_str())
                .and(conversations::id.eq(&c.id)),
        ),
    )
    .set((
        conversations::status.eq(c.status.as_str()),
        conversations::assignee_id.eq(&c.assignee_id),
        conversations::needs_agent_since.eq(c.needs_agent_since),
        conversations::agent_requested.eq(c.agent_requested),
        conversations::booked.eq(c.booked),
        conversations::rating.eq(c.rating),
        conversations::pending_handoff_id.eq(&c.pending_handoff_id),
        conversations::message_count.eq(c.message_count),
        conversations::last_activity_at.eq(c.last_activity_at),
        conversations::resolved_at.eq(c.resolved_at),
        conversations::resolved_by.eq(&c.resolved_by),
        conversations::last_customer_message_at.eq(c.last_customer_message_at),
    ))
    .execute(conn)
    .map(|_| ())
}

/// Writes only what a new message changes. Touching fewer columns than [`save`] means SQLite
/// rewrites fewer index entries (only those sorted by activity).
pub fn record_activity(conn: &mut Conn, c: &Conversation) -> QueryResult<()> {
    match conn {
        Conn::Postgresql(pg) => RecordActivity(c).execute(pg).map(|_| ()),
        Conn::Sqlite(sqlite) => RecordActivity(c).execute(sqlite).map(|_| ()),
    }
}

/// [`record_activity`]'s UPDATE with one fixed text, so each connection prepares and plans it
/// once: diesel marks its own UPDATE statements never to be cached, and on every visitor message
/// PostgreSQL planned it (a table with a dozen list indexes) and SQLite's writer parsed it again
/// (with the event counter's UPDATE, a seventh of its time at 2,000 messages a second).
struct RecordActivity<'a>(&'a Conversation);

impl diesel::query_builder::QueryId for RecordActivity<'_> {
    type QueryId = RecordActivity<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

/// One fixed-text implementation per engine (the same text and binds on both).
macro_rules! record_activity_on {
    ($backend:ty, $connection:ty) => {
        impl diesel::query_builder::QueryFragment<$backend> for RecordActivity<'_> {
            fn walk_ast<'b>(
                &'b self,
                mut out: diesel::query_builder::AstPass<'_, 'b, $backend>,
            ) -> QueryResult<()> {
                push_record_activity(self.0, &mut out)
            }
        }

        impl RunQueryDsl<$connection> for RecordActivity<'_> {}
    };
}

record_activity_on!(diesel::pg::Pg, diesel::pg::PgConnection);
record_activity_on!(diesel::sqlite::Sqlite, diesel::sqlite::SqliteConnection);

/// The text and binds of [`record_activity`]'s UPDATE, the same on both engines.
fn push_record_activity<'b, DB>(
    c: &'b Conversation,
    out: &mut diesel::query_builder::AstPass<'_, 'b, DB>,
) -> QueryResult<()>
where
    DB: diesel::backend::Backend
        + diesel::sql_types::HasSqlType<BigInt>
        + diesel::sql_types::HasSqlType<Timestamp>
        + diesel::sql_types::HasSqlType<Text>,
    i64: diesel::serialize::ToSql<BigInt, DB>,
    NaiveDateTime: diesel::serialize::ToSql<Timestamp, DB>,
    String: diesel::serialize::ToSql<Text, DB>,
    str: diesel::serialize::ToSql<Text, DB>,
{
    out.push_sql("UPDATE conversations SET message_count = ");
    out.push_bind_param::<BigInt, _>(&c.message_count)?;
    out.push_sql(", last_activity_at = ");
    out.push_bind_param::<Timestamp, _>(&c.last_activity_at)?;
    out.push_sql(", last_customer_message_at = ");
    out.push_bind_param::<Nullable<Timestamp>, _>(&c.last_customer_message_at)?;
    // The key finds the row and the tenant is checked on it. `IS TRUE` keeps PostgreSQL from
    // taking the tenant as an index condition: without statistics (a new database, or one
    // where autovacuum is off, so nothing runs ANALYZE) its cached plan went in through a
    // tenant-leading index and read every conversation of the tenant to update one — 195 of
    // the 236 pages each visitor message touched, with 200 conversations.
    out.push_sql(" WHERE id = ");
    out.push_bind_param::<Text, _>(&c.id)?;
    out.push_sql(" AND (tenant_id = ");
    out.push_bind_param::<Text, _>(c.tenant_id.as_str())?;
    out.push_sql(") IS TRUE");
    Ok(())
}

/// Reads the conversation and, on PostgreSQL, locks its row until the transaction ends
/// (`FOR NO KEY UPDATE`: one statement, no new row version the way a no-op update would write,
/// and rows that only reference the conversation can still be inserted meanwhile),
/// so read-modify-write sequences on one conversation queue. SQLite needs no row lock: its
/// writes are already one at a time.
pub fn lock(conn: &mut Conn, tenant_id: &TenantId, id: &str) -> QueryResult<Option<Conversation>> {
    match conn {
        Conn::Postgresql(pg) => conversations::table
            .filter(
                conversations::tenant_id
                    .eq(tenant_id.as_str())
                    .and(conversations::id.eq(id)),
            )
            .select(Conversation::as_select())
            .for_no_key_update()
            .first(pg)
            .optional(),
        _ => find(conn, tenant_id, id),
    }
}

pub fn find(conn: &mut Conn, tenant_id: &TenantId, id: &str) -> QueryResult<Option<Conversation>> {
    conversations::table
        .filter(
            conversations::tenant_id
                .eq(tenant_id.as_str())
                .and(conversations::id.eq(id)),
        )
        .select(Conversation::as_select())
        .first(conn)
        .optional()
}

/// The join lock: takes the conversation for `user_id` only if nobody holds it. One
/// conditional UPDATE, atomic on both engines and across server processes.
pub fn try_take(
    conn: &mut Conn,
    tenant_id: &TenantId,
    id: &str,
    user_id: &str,
) -> QueryResult<bool> {
    let changed = diesel::update(
        conversations::table
            .filter(conversations::tenant_id.eq(tenant_id.as_str()))
            .filter(conversations::id.eq(id))
            .filter(conversations::assignee_id.is_null()),
    )
    .set(conversations::assignee_id.eq(user_id))
    .execute(conn)?;
    Ok(changed == 1)
}

/// The visitor's most recent conversation.
pub fn latest_of_visitor(
    conn: &mut Conn,
    tenant_id: &TenantId,
    visitor_id: &str,
) -> QueryResult<Option<Conversation>> {
    crate::on_engine!(conn, |c| conversations::table
        .filter(of_visitor(tenant_id.as_str(), visitor_id))
        .order(conversations::started_at.desc())
        .select(Conversation::as_select())
        .first(c)
        .optional())
}

/// The visitor's latest conversation, locked on PostgreSQL like [`lock`], in one statement
/// (on SQLite, where writes are one at a time, the row as read is already safe to change).
pub fn latest_of_visitor_locked(
    conn: &mut Conn,
    tenant_id: &TenantId,
    visitor_id: &str,
) -> QueryResult<Option<Conversation>> {
    let Conn::Postgresql(pg) = conn else {
        return latest_of_visitor(conn, tenant_id, visitor_id);
    };
    conversations::table
        .filter(of_visitor(tenant_id.as_str(), visitor_id))
        .order(conversations::started_at.desc())
        .select(Conversation::as_select())
        .for_no_key_update()
        .first(pg)
        .optional()
}

/// The visitor's conversations.
#[diesel::dsl::auto_type]
fn of_visitor<'a>(tenant_id: &'a str, visitor_id: &'a str) -> _ {
    conversations::tenant_id
        .eq(tenant_id)
        .and(conversations::visitor_id.eq(visitor_id))
}

/// Conversations a member holds and has not resolved.
pub fn held_by(
    conn: &mut Conn,
    tenant_id: &TenantId,
    user_id: &str,
) -> QueryResult<Vec<Conversation>> {
    conversations::table
        .filter(conversations::tenant_id.eq(tenant_id.as_str()))
        .filter(conversations::assignee_id.eq(user_id))
        .filter(sql::<Bool>("conversations.status <> 'resolved'"))
        .select(Conversation::as_select())
        .load(conn)
}

/// The tab's condition, written literally so it matches the partial index of the tab.
fn tab_condition(tab: Tab) -> Option<&'static str> {
    match tab {
        Tab::All => None,
        Tab::Open => Some("conversations.status <> 'resolved'"),
        Tab::NeedsAgent => Some("conversations.status = 'needs_agent'"),
        Tab::Resolved => Some("conversations.status = 'resolved'"),
        Tab::Booked => Some("conversations.booked = TRUE"),
    }
}

/// The column a tab is listed by: when the visitor started waiting on Needs agent (the
/// longest wait first), the latest activity elsewhere (newest first).
pub fn sorts_by_wait(tab: Tab) -> bool {
    tab == Tab::NeedsAgent
}

/// One page of a tab in its order (see [`sorts_by_wait`]), strictly after the cursor: a
/// `(time, id)` pair of that order's column.
/// Who holds the conversations a list shows.
#[derive(Debug, Clone)]
pub enum HeldBy {
    Member(String),
    Nobody,
}

/// Which conversations a list shows.
#[derive(Debug, Clone)]
pub struct ListFilter {
    pub tab: Tab,
    pub channel: Option<Channel>,
    pub held_by: Option<HeldBy>,
}

pub fn page(
    conn: &mut Conn,
    tenant_id: &TenantId,
    filter: &ListFilter,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> QueryResult<Vec<ListedConversation>> {
    let (tab, channel) = (filter.tab, filter.channel);
    let mut query = conversations::table
        .inner_join(visitors::table)
        .left_join(users::table.on(users::id.nullable().eq(conversations::assignee_id)))
        .filter(conversations::tenant_id.eq(tenant_id.as_str()))
        .select((
            Conversation::as_select(),
            visitors::display_id,
            visitors::whatsapp_phone,
            users::name.nullable(),
        ))
        .limit(limit)
        .into_boxed();
    if let Some(condition) = tab_condition(tab) {
        query = query.filter(sql::<Bool>(condition));
    }
    if let Some(channel) = channel {
        query = query.filter(conversations::channel.eq(channel.as_str()));
    }
    match &filter.held_by {
        Some(HeldBy::Member(id)) => query = query.filter(conversations::assignee_id.eq(id.clone())),
        Some(HeldBy::Nobody) => query = query.filter(conversations::assignee_id.is_null()),
        None => {}
    }
    // A row-value comparison lets both engines seek the tab's index instead of filtering.
    // Waiting conversations always have `needs_agent_since` (the state machine sets it).
    let seek = if sorts_by_wait(tab) {
        query = query.order((
            conversations::needs_agent_since.asc(),
            conversations::id.asc(),
        ));
        "(conversations.needs_agent_since, conversations.id) > ("
    } else {
        query = query.order((
            conversations::last_activity_at.desc(),
            conversations::id.desc(),
        ));
        "(conversations.last_activity_at, conversations.id) < ("
    };
    if let Some((at, id)) = after {
        query = query.filter(
            sql::<Bool>(seek)
                .bind::<Timestamp, _>(at)
                .sql(", ")
                .bind::<Text, _>(id)
                .sql(")"),
        );
    }
    query.load(conn)
}

/// One conversation with its list-row extras.
pub fn listed(
    conn: &mut Conn,
    tenant_id: &TenantId,
    id: &str,
) -> QueryResult<Option<ListedConversation>> {
    conversations::table
        .inner_join(visitors::table)
        .left_join(users::table.on(users::id.nullable().eq(conversations::assignee_id)))
        .filter(
            conversations::tenant_id
                .eq(tenant_id.as_str())
                .and(conversations::id.eq(id)),
        )
        .select((
            Conversation::as_select(),
            visitors::display_id,
            visitors::whatsapp_phone,
            users::name.nullable(),
        ))
        .first(conn)
        .optional()
}

/// Several conversations with their list-row extras, in one query (order not kept).
pub fn listed_many(
    conn: &mut Conn,
    tenant_id: &TenantId,
    ids: &[String],
) -> QueryResult<Vec<ListedConversation>> {
    conversations::table
        .inner_join(visitors::table)
        .left_join(users::table.on(users::id.nullable().eq(conversations::assignee_id)))
        .filter(conversations::tenant_id.eq(tenant_id.as_str()))
        .filter(conversations::id.eq_any(ids))
        .select((
            Conversation::as_select(),
            visitors::display_id,
            visitors::whatsapp_phone,
            users::name.nullable(),
        ))
        .load(conn)
}

/// Conversations a member holds and has not resolved (agent Overview).
pub fn count_open_held_by(
    conn: &mut Conn,
    tenant_id: &TenantId,
    user_id: &str,
) -> QueryResult<i64> {
    conversations::table
        .filter(conversations::tenant_id.eq(tenant_id.as_str()))
        .filter(conversations::assignee_id.eq(user_id))
        .filter(sql::<Bool>(
            "conversations.assignee_id IS NOT NULL AND conversations.status <> 'resolved'",
        ))
        .count()
        .get_result(conn)
}

/// Conversations a member resolved (agent Overview).
pub fn count_resolved_by(conn: &mut Conn, tenant_id: &TenantId, user_id: &str) -> QueryResult<i64> {
    conversations::table
        .filter(conversations::tenant_id.eq(tenant_id.as_str()))
        .filter(conversations::resolved_by.eq(user_id))
        .filter(sql::<Bool>(
            "conversations.resolved_by IS NOT NULL AND conversations.status = 'resolved'",
        ))
        .count()
        .get_result(conn)
}

/// Unassigned, unresolved conversations (agent Overview).
pub fn count_queue(conn: &mut Conn, tenant_id: &TenantId) -> QueryResult<i64> {
    conversations::table
        .filter(conversations::tenant_id.eq(tenant_id.as_str()))
        .filter(sql::<Bool>(
            "conversations.assignee_id IS NULL AND conversations.status <> 'resolved'",
        ))
        .count()
        .get_result(conn)
}
