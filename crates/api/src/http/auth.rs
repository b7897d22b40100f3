//! `/api/v1/auth/*`: sign-up, sign-in, refresh, sign-out.

use actix_web::{post, web, HttpResponse};
use switchboard_types::auth::{AuthTokens, LoginRequest, RefreshRequest, SignupRequest};
use switchboard_types::error::ErrorBody;

use super::extract::{ClientMeta, ValidJson};
use crate::domain::{auth, member::Member};
use crate::error::AppError;
use crate::state::AppState;

/// Create a workspace and its owner; signs the owner in.
#[utoipa::path(tag = "auth", request_body = SignupRequest, responses(
    (status = 201, description = "Workspace created, owner signed in", body = AuthTokens),
    (status = 409, description = "Email already has an account", body = ErrorBody),
    (status = 422, description = "Invalid fields", body = ErrorBody)))]
#[post("/auth/signup")]
pub async fn signup(
    state: web::Data<AppState>,
    meta: ClientMeta,
    body: ValidJson<SignupRequest>,
) -> Result<HttpResponse, AppError> {
    let tokens = auth::signup(&state, body.0, meta.0).await?;
    Ok(HttpResponse::Created().json(tokens))
}

/// Sign in with email and password.
#[utoipa::path(tag = "auth", request_body = LoginRequest, responses(
    (status = 200, description = "Signed in", body = AuthTokens),
    (status = 401, description = "Wrong email or password (one generic message)", body = ErrorBody),
    (status = 429, description = "Too many failures; see Retry-After", body = ErrorBody)))]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    meta: ClientMeta,
    body: ValidJson<LoginRequest>,
) -> Result<web::Json<AuthTokens>, AppError> {
    Ok(web::Json(auth::login(&state, body.0, meta.0).await?))
}

/// Exchange a refresh token for new tokens; the old refresh token stops working.
#[utoipa::path(tag = "auth", request_body = RefreshRequest, responses(
    (status = 200, description = "New tokens", body = AuthTokens),
    (status = 401, description = "Refresh token unknown, used, revoked or expired", body = ErrorBody),
    (status = 409, description = "`refresh_token_superseded`: replaced moments ago by a refresh from another tab; use the newer tokens (the session goes on)", body = ErrorBody)))]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    meta: ClientMeta,
    body: ValidJson<RefreshRequest>,
) -> Result<web::Json<AuthTokens>, AppError> {
    Ok(web::Json(auth::refresh(&state, body.0, meta.0).await?))
}

/// Sign out: this session's tokens stop working.
#[utoipa::path(tag = "auth", security(("bearer" = [])), responses(
    (status = 204, description = "Signed out"),
    (status = 401, description = "Not signed in", body = ErrorBody),
    (status = 403, description = "API keys act for the workspace, not for a person: this needs a team member's sign-in (`forbidden`); revoke a key instead", body = ErrorBody)))]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    member: Member,
    meta: ClientMeta,
) -> Result<HttpResponse, AppError> {
    auth::logout(&state, &member, meta.0).await?;
    Ok(HttpResponse::NoContent().finish())
}
