//! The server's notion of "now" and id generation. Times are naive UTC truncated to
//! microseconds, which both SQLite and PostgreSQL store exactly, so a value read back compares
//! equal to the value written.

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};

/// The current UTC time at microsecond precision.
pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}

/// A naive UTC time as the API shows it.
pub fn to_utc(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

/// A new time-ordered, unguessable id.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
