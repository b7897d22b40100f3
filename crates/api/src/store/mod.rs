//! Diesel queries, one module per table family. Every function that touches tenant data takes
//! the tenant id and filters on it; nothing here knows about HTTP.

pub mod api_keys;
pub mod attachments;
pub mod audit;
pub mod bookings;
pub mod conversations;
pub mod counters;
pub mod events;
pub mod handoffs;
pub mod invitations;
pub mod leads;
pub mod member_presence;
pub mod messages;
pub mod open_thread;
pub mod open_thread_batch;
pub mod presence;
pub mod quick_replies;
pub mod ratings;
pub mod sessions;
pub mod team_reads;
pub mod tenants;
pub mod throttle;
pub mod users;
pub mod visitors;
pub mod whatsapp;

pub use crate::db::DbConnection as Conn;

/// A LIKE pattern (escape character `\\`) matching text that contains `needle` as written:
/// its own `%`, `_` and `\\` are escaped, so a search for "50%" finds "50%" only.
pub fn contains_pattern(needle: &str) -> String {
    let mut pattern = String::from("%");
    for c in needle.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod like_tests {
    use super::contains_pattern;

    #[test]
    fn wildcards_typed_in_a_search_match_themselves() {
        assert_eq!(contains_pattern("ana"), "%ana%");
        assert_eq!(contains_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
