//! SQLite's event statement with a fixed text, so the writer's connection prepares it once
//! (diesel never caches its own UPDATE statements, and every batch of visitor messages ran it).

use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{BigInt, Text};
use diesel::sqlite::{Sqlite, SqliteConnection};
use diesel::{QueryResult, RunQueryDsl};

/// Moves the tenant's event counter on by `count`; returns the last number it reserved.
pub struct Reserve<'a> {
    pub tenant_id: &'a String,
    pub count: i64,
}

impl QueryId for Reserve<'_> {
    type QueryId = Reserve<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl QueryFragment<Sqlite> for Reserve<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        out.push_sql("UPDATE tenants SET event_seq = event_seq + ");
        out.push_bind_param::<BigInt, _>(&self.count)?;
        out.push_sql(" WHERE id = ");
        out.push_bind_param::<Text, _>(self.tenant_id)?;
        out.push_sql(" RETURNING event_seq");
        Ok(())
    }
}

impl Query for Reserve<'_> {
    type SqlType = BigInt;
}

impl RunQueryDsl<SqliteConnection> for Reserve<'_> {}
