//! Workspace administration: API keys, settings, billing and the audit log.

use actix_web::{delete, get, post, put, web, HttpResponse};
use serde::Deserialize;
use switchboard_types::api_keys::{ApiKeyView, CreateApiKeyRequest, CreatedApiKey};
use switchboard_types::audit::AuditEntry;
use switchboard_types::error::ErrorBody;
use switchboard_types::page::Page;
use switchboard_types::settings::{BillingSummary, UpdateSettingsRequest, WorkspaceSettings};

use super::extract::{ClientMeta, ValidJson};
use crate::domain::{api_keys, audit, member::Member, settings, validate};
use crate::error::AppError;
use crate::state::AppState;

/// Create an API key; the secret is in this response only.
#[utoipa::path(tag = "api_keys", security(("bearer" = [])), request_body = CreateApiKeyRequest, responses(
    (status = 201, body = CreatedApiKey), (status = 403, description = "API keys act for the workspace, not for a person: this needs a team member's sign-in (`forbidden`); for other roles, the role does not allow it", body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/api-keys")]
pub async fn create_api_key(
    state: web::Data<AppState>,
    member: Member,
    meta: ClientMeta,
    body: ValidJson<CreateApiKeyRequest>,
) -> Result<HttpResponse, AppError> {
    let created = api_keys::create(&state, &member, body.0, meta.0).await?;
    Ok(HttpResponse::Created().json(created))
}

/// The workspace's API keys (without secrets).
#[utoipa::path(tag = "api_keys", security(("bearer" = [])), responses(
    (status = 200, body = Vec<ApiKeyView>), (status = 403, body = ErrorBody)))]
#[get("/api-keys")]
pub async fn list_api_keys(
    state: web::Data<AppState>,
    member: Member,
) -> Result<web::Json<Vec<ApiKeyView>>, AppError> {
    Ok(web::Json(api_keys::list(&state, &member).await?))
}

/// Revoke an API key; it stops working at once.
#[utoipa::path(tag = "api_keys", security(("bearer" = [])),
    params(("key_id" = String, Path, description = "The key")), responses(
    (status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[delete("/api-keys/{key_id}")]
pub async fn revoke_api_key(
    state: web::Data<AppState>,
    member: Member,
    meta: ClientMeta,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    api_keys::revoke(&state, &member, path.into_inner(), meta.0).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The workspace's settings.
#[utoipa::path(tag = "settings", security(("bearer" = [])), responses(
    (status = 200, body = WorkspaceSettings), (status = 403, body = ErrorBody)))]
#[get("/settings")]
pub async fn get_settings(
    state: web::Data<AppState>,
    member: Member,
) -> Result<web::Json<WorkspaceSettings>, AppError> {
    Ok(web::Json(settings::get(&state, &member).await?))
}

/// Change some settings; absent fields stay.
#[utoipa::path(tag = "settings", security(("bearer" = [])), request_body = UpdateSettingsRequest, responses(
    (status = 200, body = WorkspaceSettings), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/settings")]
pub async fn put_settings(
    state: web::Data<AppState>,
    member: Member,
    meta: ClientMeta,
    body: ValidJson<UpdateSettingsRequest>,
) -> Result<web::Json<WorkspaceSettings>, AppError> {
    Ok(web::Json(
        settings::update(&state, &member, body.0, meta.0).await?,
    ))
}

/// The plan and seats in use (owner only).
#[utoipa::path(tag = "billing", security(("bearer" = [])), responses(
    (status = 200, body = BillingSummary), (status = 403, body = ErrorBody)))]
#[get("/billing")]
pub async fn get_billing(
    state: web::Data<AppState>,
    member: Member,
) -> Result<web::Json<BillingSummary>, AppError> {
    Ok(web::Json(settings::billing(&state, &member).await?))
}

/// Who did what, newest first (admins and the owner).
#[utoipa::path(tag = "settings", security(("bearer" = [])), params(AuditQuery), responses(
    (status = 200, body = Page<AuditEntry>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[get("/audit-log")]
pub async fn get_audit_log(
    state: web::Data<AppState>,
    member: Member,
    query: web::Query<AuditQuery>,
) -> Result<web::Json<Page<AuditEntry>>, AppError> {
    let query = query.into_inner();
    let limit = validate::limit(query.limit)?;
    let page = audit::list(&state, &member, query.action, query.cursor, limit).await?;
    Ok(web::Json(page))
}

/// What the audit log takes: a page, and an optional action.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct AuditQuery {
    /// One action (`team.role_changed`) or a group of them (`team`), 1-60 characters.
    #[param(max_length = 60)]
    pub action: Option<String>,
    /// `next_cursor` of the previous page.
    #[param(max_length = 200)]
    pub cursor: Option<String>,
    /// Rows per page, 1-100 (default 50).
    #[param(minimum = 1, maximum = 100, default = 50)]
    pub limit: Option<i64>,
}
