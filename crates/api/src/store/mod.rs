//! Diesel queries, one module per table family. Every function that touches tenant data takes
//! the tenant id and filters on it; nothing here knows about HTTP.

pub mod api_keys;
pub mod audit;
pub mod invitations;
pub mod sessions;
pub mod tenants;
pub mod throttle;
pub mod users;

pub use crate::db::DbConnection as Conn;
