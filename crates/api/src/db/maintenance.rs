//! What PostgreSQL's autovacuum does for our tables, done by the server itself when autovacuum
//! is off (as on the machine this product is benchmarked on; some managed and hand-tuned
//! servers run that way too).
//!
//! Why it matters here: without ANALYZE the planner has no statistics, and a query such as
//! "the tenant's conversation with this id" may get a cached plan that enters through a
//! tenant-leading index and reads every row of the tenant (seen: every visitor of a tenant read
//! on each socket connection). Without VACUUM, dead row versions stay in every index for good:
//! the index of unnumbered events, which the numbering sweep reads every second, keeps an entry
//! for every event ever staged.
//!
//! The thresholds are autovacuum's defaults, so a table is worked on about as often as
//! autovacuum would; with autovacuum on, this does nothing.

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;

use super::DbConnection;

/// A table that autovacuum would work on now, and the command that does it.
#[derive(QueryableByName)]
struct Due {
    #[diesel(sql_type = Text)]
    relname: String,
    #[diesel(sql_type = Text)]
    command: String,
}

/// Autovacuum's default thresholds (`autovacuum_vacuum_threshold`, `..._scale_factor`, and the
/// same for analyze): 50 rows plus 20% of the table dead, or 50 plus 10% changed since the
/// last analyze. Nothing is due while autovacuum is on.
const DUE: &str = "SELECT relname, \
       CASE WHEN vacuum_due THEN 'VACUUM (ANALYZE)' ELSE 'ANALYZE' END AS command \
     FROM (SELECT s.relname::text AS relname, \
                  s.n_dead_tup > 50 + 0.2 * GREATEST(c.reltuples, 0) AS vacuum_due, \
                  s.n_mod_since_analyze > 50 + 0.1 * GREATEST(c.reltuples, 0) AS analyze_due, \
                  s.n_dead_tup + s.n_mod_since_analyze AS changed \
           FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid \
           WHERE current_setting('autovacuum') = 'off') AS t \
     WHERE vacuum_due OR analyze_due \
     ORDER BY changed DESC";

/// Session lock taken while maintaining, so that of several processes sharing the database one
/// does it at a time (the others skip their turn rather than queue behind its VACUUM).
const MAINTAINING: i64 = 7320114;

#[derive(QueryableByName)]
struct Locked {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    locked: bool,
}

/// Vacuums or analyzes every table of this database that is due, one at a time, outside any
/// transaction (VACUUM cannot run in one), unless another process is doing it now. Returns what
/// it ran, e.g. `ANALYZE "messages"`. SQLite needs none of it.
pub fn run_due(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
    let DbConnection::Postgresql(pg) = conn else {
        return Ok(Vec::new());
    };
    let lock: Locked = diesel::sql_query("SELECT pg_try_advisory_lock($1) AS locked")
        .bind::<diesel::sql_types::BigInt, _>(MAINTAINING)
        .get_result(pg)?;
    if !lock.locked {
        return Ok(Vec::new());
    }
    let ran = run_due_locked(pg);
    let unlocked = diesel::sql_query("SELECT pg_advisory_unlock($1)")
        .bind::<diesel::sql_types::BigInt, _>(MAINTAINING)
        .execute(pg);
    let ran = ran?;
    unlocked?;
    Ok(ran)
}

fn run_due_locked(pg: &mut PgConnection) -> QueryResult<Vec<String>> {
    let due: Vec<Due> = diesel::sql_query(DUE).load(pg)?;
    // At autovacuum's pace (its default cost delay), not a manual VACUUM's full speed: the
    // work shares the machine with the writes it cleans up after.
    pg.batch_execute("SET vacuum_cost_delay = '2ms'")?;
    let ran = due
        .into_iter()
        .map(|table| {
            // Names come from the catalog of this database; quoted all the same.
            let command = format!(
                "{} \"{}\"",
                table.command,
                table.relname.replace('"', "\"\"")
            );
            pg.batch_execute(&command).map(|_| command)
        })
        .collect();
    pg.batch_execute("RESET vacuum_cost_delay")?;
    ran
}
