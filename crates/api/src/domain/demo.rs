//! The demo workspace created on first start, so a fresh install can be signed into at once.

use super::auth::create_workspace;
use super::secrets;
use crate::db::Db;
use crate::error::AppError;
use crate::store;

/// The sign-in printed on the console after seeding.
pub struct DemoLogin {
    pub email: String,
    pub password: String,
}

/// The demo owner's email.
pub const DEMO_EMAIL: &str = "owner@demo.switchboard.local";

/// Creates the demo workspace and its owner with a generated password, only when the database
/// has no tenant at all. Returns the credentials to print, or `None` when nothing was created.
pub fn seed_if_empty(db: &Db) -> Result<Option<DemoLogin>, AppError> {
    let mut conn = db.conn()?;
    if store::tenants::any_exist(&mut conn)? {
        return Ok(None);
    }
    let password = secrets::random_token()[..16].to_string();
    let hash = secrets::hash_password(&password)?;
    db.write_blocking(|conn| {
        if store::tenants::any_exist(conn)? {
            return Ok(None);
        }
        create_workspace(conn, "Demo Company", "UTC", "Demo Owner", DEMO_EMAIL, hash)?;
        Ok(Some(DemoLogin {
            email: DEMO_EMAIL.to_string(),
            password,
        }))
    })
}
