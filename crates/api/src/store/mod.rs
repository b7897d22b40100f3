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

pub use crate::db::DbConnection as Conn;
