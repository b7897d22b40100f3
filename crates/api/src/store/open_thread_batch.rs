//! PostgreSQL's statement for several visitors' messages of one tenant at once (see
//! `domain::visitor_messages` and `realtime::sequencer`): each message with its conversation's new activity and its event,
//! and the events numbered in the same statement.
//!
//! Why: written one by one, every message cost a statement and a commit of its own, and its
//! event a second write when the sequencer numbered it (an update of the event row, and a
//! transaction holding the tenant's counter). Batched, a busy tenant's messages share one
//! statement, one commit and one bump of the counter, and their events are written once,
//! already numbered. The counter is bumped once the messages are stored, and its row is held
//! from there through the events' inserts to the commit (its WAL flush included, as in the
//! sequencer's numbering); the sequencer and the batches of other processes take turns on it as
//! they do among themselves, so numbers still follow commit order with no gap.
//!
//! Each message is written only if its conversation, visitor and assignee are still at the
//! versions it was read at (as in `open_thread::append_if_unchanged`) and its client id is new
//! in the conversation; those that are not come back missing from the result and nothing of
//! them is written. That check and the conversation's update are a database function
//! (`record_visitor_message`, in the migrations) called per message, so they keep the plan of
//! a single-row statement. Conversations are taken in the order of their ids, so two batches
//! (of two processes) that share some lock them in the same order and never deadlock. The text
//! is fixed, so each connection plans it once.

use diesel::pg::{Pg, PgConnection};
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Array, BigInt, Nullable, Text, Timestamp};

use super::conversations::Conversation;
use super::events::NewEventRecord;
use super::messages::Message;
use super::open_thread::Versions;
use switchboard_types::TenantId;

/// A visitor's message waiting for its tenant's next batch, built from what its socket knew of
/// the conversation.
pub struct Queued {
    /// The versions that knowledge was read at.
    pub versions: Versions,
    /// The conversation as it is after the message.
    pub after: Conversation,
    pub message: Message,
    /// Its event, not numbered.
    pub event: NewEventRecord,
}

/// A queued message that was written (its event numbered and published): what its socket now
/// knows.
pub struct Written {
    /// The conversation as the message left it.
    pub conversation: Conversation,
    /// The conversation's new version.
    pub version: String,
}

impl<'a> From<&'a Queued> for Append<'a> {
    fn from(q: &'a Queued) -> Append<'a> {
        Append {
            versions: &q.versions,
            after: &q.after,
            message: &q.message,
            event: &q.event,
        }
    }
}

/// One message of a batch.
pub struct Append<'a> {
    /// The versions its conversation, visitor and assignee were read at.
    pub versions: &'a Versions,
    /// The conversation as it is after the message.
    pub after: &'a Conversation,
    pub message: &'a Message,
    /// Its event, without a number (it gets one here).
    pub event: &'a NewEventRecord,
}

/// A message of the batch that was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    /// Its place in the batch.
    pub index: usize,
    pub event_id: i64,
    pub seq: i64,
    /// The conversation's new version.
    pub version: String,
}

/// Writes what it can of `batch` (all of one tenant) in one statement and returns what it
/// wrote, in sequence order. Of two messages to one conversation only the first can be written
/// (the second was built on the version the first replaces).
pub fn append(
    pg: &mut PgConnection,
    tenant_id: &TenantId,
    batch: &[Append<'_>],
) -> QueryResult<Vec<Appended>> {
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    let mut order: Vec<usize> = (0..batch.len()).collect();
    order.sort_by(|a, b| batch[*a].after.id.cmp(&batch[*b].after.id));
    let rows: Vec<(i64, i64, i64, String)> = AppendBatch {
        tenant_id,
        columns: Columns::of(order.iter().map(|i| &batch[*i])),
    }
    .load(pg)?;
    let mut written: Vec<Appended> = rows
        .into_iter()
        .filter_map(|(n, event_id, seq, version)| {
            let place = usize::try_from(n - 1).ok()?;
            Some(Appended {
                index: *order.get(place)?,
                event_id,
                seq,
                version,
            })
        })
        .collect();
    written.sort_by_key(|a| a.seq);
    Ok(written)
}

/// The batch as one array per column (bound as arrays and unnested: one statement text for any
/// batch size), borrowed from the batch.
#[derive(Default)]
struct Columns<'a> {
    conversation_id: Vec<&'a str>,
    conversation_v: Vec<&'a str>,
    visitor_v: Vec<&'a str>,
    assignee_v: Vec<Option<&'a str>>,
    message_count: Vec<i64>,
    last_activity_at: Vec<chrono::NaiveDateTime>,
    last_customer_message_at: Vec<Option<chrono::NaiveDateTime>>,
    message_id: Vec<&'a str>,
    sender: Vec<&'a str>,
    sender_user_id: Vec<Option<&'a str>>,
    kind: Vec<&'a str>,
    body: Vec<Option<&'a str>>,
    attachment_id: Vec<Option<&'a str>>,
    payload: Vec<Option<&'a str>>,
    client_message_id: Vec<Option<&'a str>>,
    created_at: Vec<chrono::NaiveDateTime>,
    event_kind: Vec<&'a str>,
    event_at: Vec<chrono::NaiveDateTime>,
    visitor_id: Vec<Option<&'a str>>,
    data: Vec<&'a str>,
}

impl<'a> Columns<'a> {
    fn of(batch: impl Iterator<Item = &'a Append<'a>>) -> Columns<'a> {
        let mut c = Columns::default();
        for a in batch {
            c.conversation_id.push(a.after.id.as_str());
            c.conversation_v.push(a.versions.conversation.as_str());
            c.visitor_v.push(a.versions.visitor.as_str());
            c.assignee_v.push(a.versions.assignee.as_deref());
            c.message_count.push(a.after.message_count);
            c.last_activity_at.push(a.after.last_activity_at);
            c.last_customer_message_at
                .push(a.after.last_customer_message_at);
            let m = a.message;
            c.message_id.push(m.id.as_str());
            c.sender.push(m.sender.as_str());
            c.sender_user_id.push(m.sender_user_id.as_deref());
            c.kind.push(m.kind.as_str());
            c.body.push(m.body.as_deref());
            c.attachment_id.push(m.attachment_id.as_deref());
            c.payload.push(m.payload.as_deref());
            c.client_message_id.push(m.client_message_id.as_deref());
            c.created_at.push(m.created_at);
            c.event_kind.push(a.event.kind.as_str());
            c.event_at.push(a.event.at);
            c.visitor_id.push(a.event.visitor_id.as_deref());
            c.data.push(a.event.data.as_str());
        }
        c
    }
}

/// `$1, $2, ...`: each value bound as its SQL type, separated by commas.
macro_rules! bind_arrays {
    ($out:ident, $($ty:ty => $value:expr,)+) => {{
        let mut first = true;
        $(
            if !std::mem::take(&mut first) {
                $out.push_sql(", ");
            }
            $out.push_bind_param::<$ty, _>(&$value)?;
        )+
    }};
}

struct AppendBatch<'a> {
    tenant_id: &'a TenantId,
    columns: Columns<'a>,
}

impl QueryId for AppendBatch<'_> {
    type QueryId = AppendBatch<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl QueryFragment<Pg> for AppendBatch<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        let c = &self.columns;
        out.push_sql("WITH input AS (SELECT * FROM unnest(");
        // One array per column, in the order of the names after `WITH ORDINALITY`.
        bind_arrays!(out,
            Array<Text> => c.conversation_id,
            Array<Text> => c.conversation_v,
            Array<Text> => c.visitor_v,
            Array<Nullable<Text>> => c.assignee_v,
            Array<BigInt> => c.message_count,
            Array<Timestamp> => c.last_activity_at,
            Array<Nullable<Timestamp>> => c.last_customer_message_at,
            Array<Text> => c.message_id,
            Array<Text> => c.sender,
            Array<Nullable<Text>> => c.sender_user_id,
            Array<Text> => c.kind,
            Array<Nullable<Text>> => c.body,
            Array<Nullable<Text>> => c.attachment_id,
            Array<Nullable<Text>> => c.payload,
            Array<Nullable<Text>> => c.client_message_id,
            Array<Timestamp> => c.created_at,
            Array<Text> => c.event_kind,
            Array<Timestamp> => c.event_at,
            Array<Nullable<Text>> => c.visitor_id,
            Array<Text> => c.data,
        );
        out.push_sql(
            ") WITH ORDINALITY AS i(conversation_id, conversation_v, visitor_v, assignee_v, \
             message_count, last_activity_at, last_customer_message_at, message_id, sender, \
             sender_user_id, kind, body, attachment_id, payload, client_message_id, created_at, \
             event_kind, event_at, visitor_id, data, n)), ",
        );
        // Each conversation moves only if it is still at the versions read and the client id
        // is new in it (`record_visitor_message`, in the migrations: one row by its key), once
        // per message, in the input's order (by conversation id, see `append`). Message and
        // event follow only from conversations moved here, joined by the message's place (`n`):
        // all three or none.
        out.push_sql("moved AS MATERIALIZED (SELECT i.n, record_visitor_message(");
        out.push_bind_param::<Text, _>(self.tenant_id.as_str())?;
        out.push_sql(
            ", i.conversation_id, i.conversation_v, i.visitor_v, i.assignee_v, i.message_count, \
             i.last_activity_at, i.last_customer_message_at, i.client_message_id) AS version \
             FROM input i), \
             updated AS (SELECT n, version FROM moved WHERE version IS NOT NULL), \
             stored AS (INSERT INTO messages (id, tenant_id, conversation_id, sender, \
             sender_user_id, kind, body, attachment_id, payload, client_message_id, created_at) \
             SELECT i.message_id, ",
        );
        out.push_bind_param::<Text, _>(self.tenant_id.as_str())?;
        out.push_sql(
            ", i.conversation_id, i.sender, i.sender_user_id, i.kind, i.body, i.attachment_id, \
             i.payload, i.client_message_id, i.created_at \
             FROM updated u JOIN input i ON i.n = u.n RETURNING 1), ",
        );
        // The counter moves once the messages are stored (counting them makes them go first).
        out.push_sql(
            "bumped AS (UPDATE tenants t SET event_seq = t.event_seq + stored_count.count \
             FROM (SELECT count(*) AS count FROM stored) stored_count WHERE t.id = ",
        );
        out.push_bind_param::<Text, _>(self.tenant_id.as_str())?;
        out.push_sql(
            " AND stored_count.count > 0 \
             RETURNING t.event_seq - stored_count.count AS base), \
             numbers AS (SELECT u.n, u.version, b.base + row_number() OVER (ORDER BY u.n) AS seq \
             FROM updated u CROSS JOIN bumped b), \
             numbered AS (INSERT INTO events (tenant_id, seq, kind, at, conversation_id, \
             visitor_id) SELECT ",
        );
        out.push_bind_param::<Text, _>(self.tenant_id.as_str())?;
        out.push_sql(
            ", s.seq, i.event_kind, i.event_at, i.conversation_id, i.visitor_id \
             FROM numbers s JOIN input i ON i.n = s.n RETURNING id, seq), \
             payload AS (INSERT INTO event_data (event_id, data) SELECT e.id, i.data \
             FROM numbered e JOIN numbers s ON s.seq = e.seq JOIN input i ON i.n = s.n) \
             SELECT s.n, e.id, e.seq, s.version FROM numbered e JOIN numbers s ON s.seq = e.seq",
        );
        Ok(())
    }
}

impl Query for AppendBatch<'_> {
    type SqlType = (BigInt, BigInt, BigInt, Text);
}

impl RunQueryDsl<PgConnection> for AppendBatch<'_> {}
