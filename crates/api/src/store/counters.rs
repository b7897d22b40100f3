//! Counters behind the tab counts and the Overview: sharded rows per (tenant, channel), and
//! 15-minute buckets for the daily charts. Writers add deltas in their own transaction, so the
//! counts always agree with the rows, and readers sum a handful of rows instead of history.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use switchboard_types::conversations::Channel;

use super::Conn;
use crate::db::schema::{conversation_counts, stats_buckets};
use switchboard_types::TenantId;

/// Counter rows per tenant and channel. Concurrent writers on different conversations usually
/// hit different rows, so PostgreSQL can commit them together instead of one after another.
pub const SHARDS: i32 = 16;

/// Changes to a conversation-counts row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CounterDelta {
    pub total: i64,
    pub unresolved: i64,
    pub needs_agent: i64,
    pub resolved: i64,
    pub booked: i64,
    pub agent_requests: i64,
    pub messages_ai: i64,
    pub messages_agent: i64,
    pub bookings: i64,
    pub rating_sum: i64,
    pub rating_count: i64,
}

impl CounterDelta {
    /// Whether applying it would change nothing.
    pub fn is_zero(&self) -> bool {
        *self == CounterDelta::default()
    }

    /// The sum of two deltas.
    pub fn plus(self, o: CounterDelta) -> CounterDelta {
        CounterDelta {
            total: self.total + o.total,
            unresolved: self.unresolved + o.unresolved,
            needs_agent: self.needs_agent + o.needs_agent,
            resolved: self.resolved + o.resolved,
            booked: self.booked + o.booked,
            agent_requests: self.agent_requests + o.agent_requests,
            messages_ai: self.messages_ai + o.messages_ai,
            messages_agent: self.messages_agent + o.messages_agent,
            bookings: self.bookings + o.bookings,
            rating_sum: self.rating_sum + o.rating_sum,
            rating_count: self.rating_count + o.rating_count,
        }
    }
}

/// Changes to a daily-chart bucket.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BucketDelta {
    pub sessions: i64,
    pub resolved: i64,
    pub messages: i64,
    pub bookings: i64,
}

impl BucketDelta {
    /// Whether applying it would change nothing.
    pub fn is_zero(&self) -> bool {
        *self == BucketDelta::default()
    }
}

/// Summed counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Queryable)]
pub struct Totals {
    pub total: i64,
    pub unresolved: i64,
    pub needs_agent: i64,
    pub resolved: i64,
    pub booked: i64,
    pub agent_requests: i64,
    pub messages_ai: i64,
    pub messages_agent: i64,
    pub bookings: i64,
    pub rating_sum: i64,
    pub rating_count: i64,
}

/// Creates the tenant's zeroed counter rows (every later change is a plain UPDATE).
pub fn create_for_tenant(conn: &mut Conn, tenant_id: &TenantId) -> QueryResult<()> {
    let rows: Vec<_> = Channel::ALL
        .iter()
        .flat_map(|channel| {
            (0..SHARDS).map(move |shard| {
                (
                    conversation_counts::tenant_id.eq(tenant_id.as_str()),
                    conversation_counts::channel.eq(channel.as_str()),
                    conversation_counts::shard.eq(shard),
                )
            })
        })
        .collect();
    for row in rows {
        diesel::insert_into(conversation_counts::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// Adds `d` to one counter row.
pub fn apply(
    conn: &mut Conn,
    tenant_id: &TenantId,
    channel: Channel,
    shard: i32,
    d: CounterDelta,
) -> QueryResult<()> {
    use conversation_counts::dsl as c;
    if d.is_zero() {
        return Ok(());
    }
    diesel::update(
        c::conversation_counts.filter(
            c::tenant_id
                .eq(tenant_id.as_str())
                .and(c::channel.eq(channel.as_str()))
                .and(c::shard.eq(shard)),
        ),
    )
    .set((
        c::total.eq(c::total + d.total),
        c::unresolved.eq(c::unresolved + d.unresolved),
        c::needs_agent.eq(c::needs_agent + d.needs_agent),
        c::resolved.eq(c::resolved + d.resolved),
        c::booked.eq(c::booked + d.booked),
        c::agent_requests.eq(c::agent_requests + d.agent_requests),
        c::messages_ai.eq(c::messages_ai + d.messages_ai),
        c::messages_agent.eq(c::messages_agent + d.messages_agent),
        c::bookings.eq(c::bookings + d.bookings),
        c::rating_sum.eq(c::rating_sum + d.rating_sum),
        c::rating_count.eq(c::rating_count + d.rating_count),
    ))
    .execute(conn)
    .map(|_| ())
}

/// The counters summed over shards, for one channel or all.
pub fn totals(conn: &mut Conn, tenant_id: &TenantId, channel: Option<&str>) -> QueryResult<Totals> {
    use conversation_counts::dsl as c;
    let mut query = c::conversation_counts
        .filter(c::tenant_id.eq(tenant_id.as_str()))
        .into_boxed();
    if let Some(channel) = channel {
        query = query.filter(c::channel.eq(channel));
    }
    let rows: Vec<Totals> = query
        .select((
            c::total,
            c::unresolved,
            c::needs_agent,
            c::resolved,
            c::booked,
            c::agent_requests,
            c::messages_ai,
            c::messages_agent,
            c::bookings,
            c::rating_sum,
            c::rating_count,
        ))
        .load(conn)?;
    Ok(rows.into_iter().fold(Totals::default(), |t, r| Totals {
        total: t.total + r.total,
        unresolved: t.unresolved + r.unresolved,
        needs_agent: t.needs_agent + r.needs_agent,
        resolved: t.resolved + r.resolved,
        booked: t.booked + r.booked,
        agent_requests: t.agent_requests + r.agent_requests,
        messages_ai: t.messages_ai + r.messages_ai,
        messages_agent: t.messages_agent + r.messages_agent,
        bookings: t.bookings + r.bookings,
        rating_sum: t.rating_sum + r.rating_sum,
        rating_count: t.rating_count + r.rating_count,
    }))
}

/// Adds `d` to the bucket that starts at `bucket_start`, creating it on first use. The insert
/// runs in a savepoint: if another process created the row first, we add to theirs.
pub fn bump_bucket(
    conn: &mut Conn,
    tenant_id: &TenantId,
    bucket_start: NaiveDateTime,
    shard: i32,
    d: BucketDelta,
) -> QueryResult<()> {
    if d.is_zero() {
        return Ok(());
    }
    if add_to_bucket(conn, tenant_id, bucket_start, shard, d)? > 0 {
        return Ok(());
    }
    let inserted = conn.transaction(|conn| {
        diesel::insert_into(stats_buckets::table)
            .values((
                stats_buckets::tenant_id.eq(tenant_id.as_str()),
                stats_buckets::bucket_start.eq(bucket_start),
                stats_buckets::shard.eq(shard),
                stats_buckets::sessions.eq(d.sessions),
                stats_buckets::resolved.eq(d.resolved),
                stats_buckets::messages.eq(d.messages),
                stats_buckets::bookings.eq(d.bookings),
            ))
            .execute(conn)
    });
    match inserted {
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => add_to_bucket(conn, tenant_id, bucket_start, shard, d).map(|_| ()),
        other => other.map(|_| ()),
    }
}

fn add_to_bucket(
    conn: &mut Conn,
    tenant_id: &TenantId,
    bucket_start: NaiveDateTime,
    shard: i32,
    d: BucketDelta,
) -> QueryResult<usize> {
    use stats_buckets::dsl as b;
    diesel::update(
        b::stats_buckets.filter(
            b::tenant_id
                .eq(tenant_id.as_str())
                .and(b::bucket_start.eq(bucket_start))
                .and(b::shard.eq(shard)),
        ),
    )
    .set((
        b::sessions.eq(b::sessions + d.sessions),
        b::resolved.eq(b::resolved + d.resolved),
        b::messages.eq(b::messages + d.messages),
        b::bookings.eq(b::bookings + d.bookings),
    ))
    .execute(conn)
}

/// Buckets in `[from, to)`, as `(bucket_start, delta)`.
pub fn buckets_between(
    conn: &mut Conn,
    tenant_id: &TenantId,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<(NaiveDateTime, BucketDelta)>> {
    use stats_buckets::dsl as b;
    let rows: Vec<(NaiveDateTime, i64, i64, i64, i64)> = b::stats_buckets
        .filter(
            b::tenant_id
                .eq(tenant_id.as_str())
                .and(b::bucket_start.ge(from))
                .and(b::bucket_start.lt(to)),
        )
        .select((
            b::bucket_start,
            b::sessions,
            b::resolved,
            b::messages,
            b::bookings,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(at, sessions, resolved, messages, bookings)| {
            (
                at,
                BucketDelta {
                    sessions,
                    resolved,
                    messages,
                    bookings,
                },
            )
        })
        .collect())
}
