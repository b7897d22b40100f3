//! The event outbox: staged with the change that caused it, numbered later by the sequencer.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Text};

use super::Conn;
use crate::db::schema::{events, tenants};

/// An event row.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = events)]
pub struct EventRecord {
    pub id: i64,
    pub tenant_id: String,
    pub seq: Option<i64>,
    pub kind: String,
    pub at: NaiveDateTime,
    pub conversation_id: Option<String>,
    pub visitor_id: Option<String>,
    pub data: String,
}

/// An event to stage.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = events)]
// NULL for `None`, not the column default: one statement text, planned once per connection.
#[diesel(treat_none_as_default_value = false)]
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

/// Stages events (seq NULL) inside the caller's transaction.
pub fn stage(conn: &mut Conn, records: &[NewEventRecord]) -> QueryResult<Vec<i64>> {
    // One row per statement: a multi-row INSERT's text varies with the row count, so it
    // would be planned anew each time, and most transactions stage a single event.
    records
        .iter()
        .map(|record| {
            diesel::insert_into(events::table)
                .values(record)
                .returning(events::id)
                .get_result(conn)
        })
        .collect()
}

/// Numbers the events and stores them, in the caller's transaction. Only for SQLite, whose
/// writes are one at a time, so numbers follow commit order without holding anything back.
pub fn append_numbered(
    conn: &mut Conn,
    records: &mut [NewEventRecord],
) -> QueryResult<Vec<EventRecord>> {
    let Some(first) = records.first() else {
        return Ok(Vec::new());
    };
    let tenant_id = first.tenant_id.clone();
    let count = records.len() as i64;
    let last: i64 = diesel::update(tenants::table.find(&tenant_id))
        .set(tenants::event_seq.eq(tenants::event_seq + count))
        .returning(tenants::event_seq)
        .get_result(conn)?;
    let mut numbered = Vec::with_capacity(records.len());
    for (i, record) in records.iter_mut().enumerate() {
        record.seq = Some(last - count + 1 + i as i64);
        diesel::insert_into(events::table)
            .values(&*record)
            .execute(conn)?;
        numbered.push(EventRecord {
            id: 0,
            tenant_id: record.tenant_id.clone(),
            seq: record.seq,
            kind: record.kind.clone(),
            at: record.at,
            conversation_id: record.conversation_id.clone(),
            visitor_id: record.visitor_id.clone(),
            data: record.data.clone(),
        });
    }
    Ok(numbered)
}

/// Numbers up to `limit` staged events of the tenant, in staging order, continuing the tenant's
/// sequence. The tenant row is locked first, so two sequencers (in any processes) take turns and
/// sequence numbers follow commit order with no gap. Returns the numbered events.
pub fn sequence_pending(
    conn: &mut Conn,
    tenant_id: &str,
    limit: i64,
) -> QueryResult<Vec<EventRecord>> {
    let Conn::Postgresql(pg) = conn else {
        return sequence_pending_one_by_one(conn, tenant_id, limit);
    };
    // The whole batch in one statement, in staging order.
    number_under_tenant_lock(pg, tenant_id, |pg, base| {
        diesel::sql_query(
            "UPDATE events SET seq = $2 + pending.n \
             FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM events \
                   WHERE tenant_id = $1 AND seq IS NULL ORDER BY id LIMIT $3) AS pending \
             WHERE events.id = pending.id RETURNING events.*",
        )
        .bind::<Text, _>(tenant_id)
        .bind::<BigInt, _>(base)
        .bind::<BigInt, _>(limit)
        .load(pg)
    })
}

/// Numbers the staged events `ids` (as returned by [`stage`], in commit order) that are still
/// unnumbered, continuing the tenant's sequence under the tenant row's lock like
/// [`sequence_pending`]. It finds them by primary key: no scan over the pending-events index,
/// whose entries for already-numbered rows stay until vacuum and would make every call slower
/// under a steady stream of events.
pub fn sequence_staged(
    conn: &mut Conn,
    tenant_id: &str,
    ids: &[i64],
) -> QueryResult<Vec<EventRecord>> {
    let Conn::Postgresql(pg) = conn else {
        return sequence_pending_one_by_one(conn, tenant_id, ids.len() as i64);
    };
    // Planned anew each time on purpose: a plan cached while the table was small scans it
    // (events grow by thousands a second, faster than statistics follow). `OFFSET 0` keeps the
    // planner on the primary key: offered `seq IS NULL`, it would pick the pending-events index,
    // whose statistics say "few rows" while it still holds an entry for every event numbered
    // since the last vacuum.
    number_under_tenant_lock(pg, tenant_id, |pg, base| {
        diesel::sql_query(
            "UPDATE events SET seq = $2 + pending.n \
             FROM (SELECT id, row_number() OVER (ORDER BY array_position($3, id)) AS n \
                   FROM (SELECT id, tenant_id, seq FROM events WHERE id = ANY($3) OFFSET 0) AS mine \
                   WHERE tenant_id = $1 AND seq IS NULL) AS pending \
             WHERE events.id = pending.id RETURNING events.*",
        )
        .bind::<Text, _>(tenant_id)
        .bind::<BigInt, _>(base)
        .bind::<Array<BigInt>, _>(ids)
        .load(pg)
    })
}

/// Locks the tenant row, numbers events with `number` (told where the tenant's sequence
/// stands), and moves the sequence past them. Returns them in sequence order.
fn number_under_tenant_lock(
    pg: &mut PgConnection,
    tenant_id: &str,
    number: impl FnOnce(&mut PgConnection, i64) -> QueryResult<Vec<EventRecord>>,
) -> QueryResult<Vec<EventRecord>> {
    // NO KEY UPDATE: writers staging events for the tenant (their foreign key takes KEY SHARE
    // on this row) carry on while a batch is numbered; other numbering batches wait.
    let base: i64 = tenants::table
        .find(tenant_id)
        .select(tenants::event_seq)
        .for_no_key_update()
        .get_result(pg)?;
    let mut numbered = number(pg, base)?;
    if !numbered.is_empty() {
        numbered.sort_by_key(|e| e.seq);
        prepared::MoveSequence(tenant_id.to_string(), base + numbered.len() as i64).execute(pg)?;
    }
    Ok(numbered)
}

/// The tenant-row UPDATE of every numbering batch, with a fixed text so PostgreSQL plans it
/// once per connection (diesel never caches its UPDATE statements). A primary-key lookup on a
/// small table: a cached plan cannot go wrong as the data grows.
mod prepared {
    use diesel::pg::Pg;
    use diesel::query_builder::{AstPass, QueryFragment, QueryId};
    use diesel::sql_types::{BigInt, Text};
    use diesel::{PgConnection, QueryResult, RunQueryDsl};

    /// Moves the tenant's sequence to the last number given.
    #[derive(QueryId)]
    pub struct MoveSequence(pub String, pub i64);

    impl QueryFragment<Pg> for MoveSequence {
        fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
            out.push_sql("UPDATE tenants SET event_seq = ");
            out.push_bind_param::<BigInt, _>(&self.1)?;
            out.push_sql(" WHERE id = ");
            out.push_bind_param::<Text, _>(&self.0)?;
            Ok(())
        }
    }

    impl RunQueryDsl<PgConnection> for MoveSequence {}
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

/// Deletes numbered events older than `before` (resuming from before then gets `resync`).
pub fn prune(conn: &mut Conn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(events::table.filter(events::at.lt(before).and(events::seq.is_not_null())))
        .execute(conn)
}
