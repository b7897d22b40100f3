//! What every request handler and background task shares.

use std::sync::Arc;

use crate::config::Config;
use crate::db::Db;
use crate::domain::secrets::JwtKeys;

/// Shared server state: the database, the configuration and the token keys.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub jwt: JwtKeys,
}
