//! PostgreSQL's event statements, with fixed texts so each connection plans them once (diesel
//! never caches `sql_query` or its own INSERT ... RETURNING with a CTE): staging an event (row
//! and data in one statement) and the calls of the numbering functions (see their migration).

use diesel::pg::{Pg, PgConnection};
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Array, BigInt, Nullable, Text, Timestamp};
use diesel::{QueryResult, RunQueryDsl};

use super::NewEventRecord;

/// Stages an event: its row and its data, in one statement; returns its id.
pub struct Stage<'a>(pub &'a NewEventRecord);

impl QueryId for Stage<'_> {
    type QueryId = Stage<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl QueryFragment<Pg> for Stage<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        let e = self.0;
        out.push_sql(
            "WITH staged AS (INSERT INTO events \
             (tenant_id, seq, kind, at, conversation_id, visitor_id) VALUES (",
        );
        out.push_bind_param::<Text, _>(&e.tenant_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<BigInt>, _>(&e.seq)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&e.kind)?;
        out.push_sql(", ");
        out.push_bind_param::<Timestamp, _>(&e.at)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<Text>, _>(&e.conversation_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<Text>, _>(&e.visitor_id)?;
        out.push_sql(") RETURNING id) INSERT INTO event_data (event_id, data) SELECT id, ");
        out.push_bind_param::<Text, _>(&e.data)?;
        out.push_sql(" FROM staged RETURNING event_id");
        Ok(())
    }
}

impl Query for Stage<'_> {
    type SqlType = BigInt;
}

impl RunQueryDsl<PgConnection> for Stage<'_> {}

/// `number_staged_events(tenant, ids)`: the ids and numbers of the events it numbered.
pub struct Staged<'a>(pub &'a str, pub &'a [i64]);

impl QueryId for Staged<'_> {
    type QueryId = Staged<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl QueryFragment<Pg> for Staged<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql("SELECT numbered_id, numbered_seq FROM number_staged_events(");
        out.push_bind_param::<Text, _>(self.0)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<BigInt>, _>(self.1)?;
        out.push_sql(")");
        Ok(())
    }
}

impl Query for Staged<'_> {
    type SqlType = (BigInt, BigInt);
}

impl RunQueryDsl<PgConnection> for Staged<'_> {}

/// `number_pending_events(tenant, max_events)`, with the numbered events' data.
pub struct Pending<'a>(pub &'a str, pub i64);

impl QueryId for Pending<'_> {
    type QueryId = Pending<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl QueryFragment<Pg> for Pending<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql(
            "SELECT p.id, p.tenant_id, p.seq, p.kind, p.at, p.conversation_id, p.visitor_id, \
             d.data FROM number_pending_events(",
        );
        out.push_bind_param::<Text, _>(self.0)?;
        out.push_sql(", ");
        out.push_bind_param::<BigInt, _>(&self.1)?;
        out.push_sql(") p JOIN event_data d ON d.event_id = p.id");
        Ok(())
    }
}

impl Query for Pending<'_> {
    type SqlType = (
        BigInt,
        Text,
        Nullable<BigInt>,
        Text,
        Timestamp,
        Nullable<Text>,
        Nullable<Text>,
        Text,
    );
}

impl RunQueryDsl<PgConnection> for Pending<'_> {}
