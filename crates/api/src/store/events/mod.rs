//! The event outbox: staged with the change that caused it, numbered later by the sequencer.
//! An event is a row in `events` and its data (the JSON payload) a row in `event_data`: on
//! PostgreSQL numbering rewrites the event's row, and the data kept beside it doubled the
//! bytes written per event (see the `event_data` migration).

pub(crate) mod postgres;
mod sqlite;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Conn;
use crate::db::schema::{event_data, events, tenants};

/// An event with its data (read from `events` joined with `event_data`).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = events)]
pub struct EventRecord {
    pub id: i64,
    pub tenant_id: String,
    pub seq: Option<i64>,
    pub kind: String,
    pub at: NaiveDateTime,
    pub conversation_id: Option<String>,
    pub visitor_id: Option<String>,
    #[diesel(select_expression = event_data::data)]
    pub data: String,
}

/// An event to stage.
#[derive(Debug, Clone)]
pub struct NewEventRecord {
    pub tenant_id: String,
    /// Set when numbered at once (SQLite); `None` leaves it to the sequencer.
    pub seq: Option<i64>,
    pub kind: String,
    pub at: NaiveDateTime,
    pub conversation_id: Option<String>,
    pub visitor_id: Option<String>,
    pub data: String,
}

/// The `events` row of a [`NewEventRecord`].
#[derive(Insertable)]
#[diesel(table_name = events)]
// NULL for `None`, not the column default: one statement text, planned once per connection.
#[diesel(treat_none_as_default_value = false)]
struct EventRow<'a> {
    tenant_id: &'a str,
    seq: Option<i64>,
    kind: &'a str,
    at: NaiveDateTime,
    conversation_id: Option<&'a str>,
    visitor_id: Option<&'a str>,
}

impl NewEventRecord {
    /// The event as stored under `id`, not numbered yet.
    pub fn staged_as(self, id: i64) -> EventRecord {
        EventRecord {
            id,
            tenant_id: self.tenant_id,
            seq: self.seq,
            kind: self.kind,
            at: self.at,
            conversation_id: self.conversation_id,
            visitor_id: self.visitor_id,
            data: self.data,
        }
    }

    fn row(&self) -> EventRow<'_> {
        EventRow {
            tenant_id: &self.tenant_id,
            seq: self.seq,
            kind: &self.kind,
            at: self.at,
            conversation_id: self.conversation_id.as_deref(),
            visitor_id: self.visitor_id.as_deref(),
        }
    }
}

/// Stores the event (its row, then its data) and returns its id.
fn insert(conn: &mut Conn, record: &NewEventRecord) -> QueryResult<i64> {
    if let Conn::Postgresql(pg) = conn {
        return postgres::Stage(record).get_result(pg);
    }
    let id = crate::on_engine!(&mut *conn, |c| diesel::insert_into(events::table)
        .values(record.row())
        .returning(events::id)
        .get_result(c))?;
    crate::on_engine!(conn, |c| diesel::insert_into(event_data::table)
        .values((
            event_data::event_id.eq(id),
            event_data::data.eq(&record.data),
        ))
        .execute(c))?;
    Ok(id)
}

/// Stages events (seq NULL) inside the caller's transaction; returns them with their ids.
pub fn stage(conn: &mut Conn, records: Vec<NewEventRecord>) -> QueryResult<Vec<EventRecord>> {
    // One event per statement: a multi-row INSERT's text varies with the row count, so it
    // would be planned anew each time, and most transactions stage a single event.
    records
        .into_iter()
        .map(|record| {
            let id = insert(conn, &record)?;
            Ok(record.staged_as(id))
        })
        .collect()
}

/// Numbers the events and stores them, in the caller's transaction. Only for SQLite, whose
/// writes are one at a time, so numbers follow commit order without holding anything back.
pub fn append_numbered(
    conn: &mut Conn,
    records: Vec<NewEventRecord>,
) -> QueryResult<Vec<EventRecord>> {
    let Some(first) = records.first() else {
        return Ok(Vec::new());
    };
    let Conn::Sqlite(sqlite) = conn else {
        return Err(diesel::result::Error::QueryBuilderError(
            "events are numbered as they are written only on SQLite".into(),
        ));
    };
    let count = records.len() as i64;
    let last: i64 = sqlite::Reserve {
        tenant_id: &first.tenant_id,
        count,
    }
    .get_result(sqlite)?;
    let first_seq = last - count + 1;
    (first_seq..)
        .zip(records)
        .map(|(seq, mut record)| {
            record.seq = Some(seq);
            let id = insert(conn, &record)?;
            Ok(record.staged_as(id))
        })
        .collect()
}

/// Numbers up to `limit` staged events of the tenant, in staging order, continuing the tenant's
/// sequence. The tenant row is locked first, so two sequencers (in any processes) take turns and
/// sequence numbers follow commit order with no gap. Returns the numbered events. On PostgreSQL
/// it is one call of a function (see its migration), outside any transaction: one round trip.
pub fn sequence_pending(
    conn: &mut Conn,
    tenant_id: &str,
    limit: i64,
) -> QueryResult<Vec<EventRecord>> {
    let Conn::Postgresql(pg) = conn else {
        return sequence_pending_one_by_one(conn, tenant_id, limit);
    };
    in_sequence(postgres::Pending(tenant_id, limit).load(pg)?)
}

/// Numbers the staged events `ids` (as returned by [`stage`], in commit order) that are still
/// unnumbered, continuing the tenant's sequence under the tenant row's lock like
/// [`sequence_pending`]. Returns `(id, seq)` of each event it numbered, in sequence order: the
/// caller has their data, which stays in the database instead of coming back over the wire.
pub fn sequence_staged(
    conn: &mut Conn,
    tenant_id: &str,
    ids: &[i64],
) -> QueryResult<Vec<(i64, i64)>> {
    let mut numbered: Vec<(i64, i64)> = match conn {
        Conn::Postgresql(pg) => postgres::Staged(tenant_id, ids).load(pg)?,
        _ => sequence_pending_one_by_one(conn, tenant_id, ids.len() as i64)?
            .into_iter()
            .filter_map(|e| Some((e.id, e.seq?)))
            .collect(),
    };
    numbered.sort_by_key(|(_, seq)| *seq);
    Ok(numbered)
}

fn in_sequence(mut events: Vec<EventRecord>) -> QueryResult<Vec<EventRecord>> {
    events.sort_by_key(|e| e.seq);
    Ok(events)
}

/// [`sequence_pending`] with portable statements, one per event (SQLite, which normally
/// numbers events as it writes them and has nothing staged).
fn sequence_pending_one_by_one(
    conn: &mut Conn,
    tenant_id: &str,
    limit: i64,
) -> QueryResult<Vec<EventRecord>> {
    diesel::update(tenants::table.find(tenant_id))
        .set(tenants::event_seq.eq(tenants::event_seq))
        .execute(conn)?;
    let mut pending: Vec<EventRecord> = events::table
        .inner_join(event_data::table)
        .filter(events::tenant_id.eq(tenant_id).and(events::seq.is_null()))
        .order(events::id.asc())
        .limit(limit)
        .select(EventRecord::as_select())
        .load(conn)?;
    if pending.is_empty() {
        return Ok(pending);
    }
    let base: i64 = tenants::table
        .find(tenant_id)
        .select(tenants::event_seq)
        .first(conn)?;
    for (i, event) in pending.iter_mut().enumerate() {
        let seq = base + 1 + i as i64;
        diesel::update(events::table.find(event.id))
            .set(events::seq.eq(seq))
            .execute(conn)?;
        event.seq = Some(seq);
    }
    let last = base + pending.len() as i64;
    diesel::update(tenants::table.find(tenant_id))
        .set(tenants::event_seq.eq(last))
        .execute(conn)?;
    Ok(pending)
}

/// Numbered events after `since`, in order.
pub fn after(
    conn: &mut Conn,
    tenant_id: &str,
    since: i64,
    limit: i64,
) -> QueryResult<Vec<EventRecord>> {
    events::table
        .inner_join(event_data::table)
        .filter(events::tenant_id.eq(tenant_id).and(events::seq.gt(since)))
        .order(events::seq.asc())
        .limit(limit)
        .select(EventRecord::as_select())
        .load(conn)
}

/// The oldest sequence number still kept for the tenant.
pub fn oldest_kept(conn: &mut Conn, tenant_id: &str) -> QueryResult<Option<i64>> {
    events::table
        .filter(
            events::tenant_id
                .eq(tenant_id)
                .and(events::seq.is_not_null()),
        )
        .select(diesel::dsl::min(events::seq))
        .first::<Option<i64>>(conn)
}

/// The tenant's latest sequence number.
pub fn latest_seq(conn: &mut Conn, tenant_id: &str) -> QueryResult<i64> {
    tenants::table
        .find(tenant_id)
        .select(tenants::event_seq)
        .first(conn)
}

/// Latest sequence numbers of several tenants.
pub fn latest_seqs(conn: &mut Conn, tenant_ids: &[String]) -> QueryResult<Vec<(String, i64)>> {
    tenants::table
        .filter(tenants::id.eq_any(tenant_ids))
        .select((tenants::id, tenants::event_seq))
        .load(conn)
}

/// Tenants with events staged before `staged_before` and still unnumbered: left behind by a
/// process that stopped between commit and numbering (newer ones are being numbered now).
pub fn tenants_with_pending(
    conn: &mut Conn,
    staged_before: NaiveDateTime,
) -> QueryResult<Vec<String>> {
    events::table
        .filter(events::seq.is_null().and(events::at.lt(staged_before)))
        .select(events::tenant_id)
        .distinct()
        .load(conn)
}

/// Deletes numbered events older than `before`, with their data (resuming from before then
/// gets `resync`). Run it in a transaction.
pub fn prune(conn: &mut Conn, before: NaiveDateTime) -> QueryResult<usize> {
    let old = events::at.lt(before).and(events::seq.is_not_null());
    let old_ids = events::table.filter(old).select(events::id);
    diesel::delete(event_data::table.filter(event_data::event_id.eq_any(old_ids))).execute(conn)?;
    diesel::delete(events::table.filter(old)).execute(conn)
}
