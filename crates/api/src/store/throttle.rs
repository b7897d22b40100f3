//! Failed sign-in counters, kept in the database so every server process sees the same ones.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Conn;
use crate::db::schema::login_throttle;

/// A throttle row for one key (`ip:<address>` or `account:<email>`).
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = login_throttle, treat_none_as_null = true)]
pub struct ThrottleRow {
    pub key: String,
    pub failures: i32,
    pub window_started_at: NaiveDateTime,
    pub blocked_until: Option<NaiveDateTime>,
}

pub fn find(conn: &mut Conn, key: &str) -> QueryResult<Option<ThrottleRow>> {
    login_throttle::table
        .find(key)
        .select(ThrottleRow::as_select())
        .first(conn)
        .optional()
}

/// Writes the row, inserting it the first time. If another process inserted it in between,
/// the insert runs in a savepoint so its failure does not abort the caller's transaction.
pub fn save(conn: &mut Conn, row: &ThrottleRow) -> QueryResult<()> {
    let updated = diesel::update(login_throttle::table.find(&row.key))
        .set(row)
        .execute(conn)?;
    if updated > 0 {
        return Ok(());
    }
    let inserted = conn.transaction(|conn| {
        diesel::insert_into(login_throttle::table)
            .values(row)
            .execute(conn)
    });
    match inserted {
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => diesel::update(login_throttle::table.find(&row.key))
            .set(row)
            .execute(conn)
            .map(|_| ()),
        other => other.map(|_| ()),
    }
}

pub fn clear(conn: &mut Conn, key: &str) -> QueryResult<usize> {
    diesel::delete(login_throttle::table.find(key)).execute(conn)
}
