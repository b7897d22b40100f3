//! The workspace's settings (admins and the owner).

use switchboard_types::settings::WorkspaceSettings;

use super::client::{self, Call};
use super::ApiError;

/// `GET /settings`.
pub async fn fetch() -> Result<WorkspaceSettings, ApiError> {
    client::decode(client::signed_in(Call::get("/settings")).await?).await
}
