//! The workspace's settings and its API keys (admins and the owner).

use switchboard_types::api_keys::{ApiKeyView, CreateApiKeyRequest, CreatedApiKey};
use switchboard_types::audit::AuditEntry;
use switchboard_types::page::Page;
use switchboard_types::settings::{BillingSummary, UpdateSettingsRequest, WorkspaceSettings};

use super::client::{self, Call};
use super::ApiError;

/// `GET /settings`.
pub async fn fetch() -> Result<WorkspaceSettings, ApiError> {
    client::decode(client::signed_in(Call::get("/settings")).await?).await
}

/// `PUT /settings`: changes what is given; the answer is every setting as stored.
pub async fn save(request: &UpdateSettingsRequest) -> Result<WorkspaceSettings, ApiError> {
    let call = Call::put("/settings").json(request);
    client::decode(client::signed_in(call).await?).await
}

/// `GET /api-keys`: every key, revoked ones too.
pub async fn api_keys() -> Result<Vec<ApiKeyView>, ApiError> {
    client::decode(client::signed_in(Call::get("/api-keys")).await?).await
}

/// `POST /api-keys`: the key and its secret, shown this once.
pub async fn create_api_key(name: String) -> Result<CreatedApiKey, ApiError> {
    let call = Call::post("/api-keys").json(&CreateApiKeyRequest { name });
    client::decode(client::signed_in(call).await?).await
}

/// `DELETE /api-keys/{id}`: the key stops working.
pub async fn revoke_api_key(id: &str) -> Result<(), ApiError> {
    let path = format!("/api-keys/{id}");
    client::expect_success(client::signed_in(Call::delete(&path)).await?).await
}

/// `GET /billing` (the owner): the plan and its seats.
pub async fn billing() -> Result<BillingSummary, ApiError> {
    client::decode(client::signed_in(Call::get("/billing")).await?).await
}

/// `GET /audit-log`: who did what, newest first; `action` is one action or a group (`team`).
pub async fn audit_log(action: &str, cursor: Option<&str>) -> Result<Page<AuditEntry>, ApiError> {
    let mut query = Vec::new();
    if !action.is_empty() {
        query.push(("action", action));
    }
    if let Some(cursor) = cursor {
        query.push(("cursor", cursor));
    }
    client::decode(client::signed_in(Call::get("/audit-log").query(&query)).await?).await
}
