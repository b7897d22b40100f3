//! Quick replies for the `/` menu.

use actix_web::{delete, get, post, put, web, HttpResponse};
use serde::Deserialize;
use switchboard_types::error::ErrorBody;
use switchboard_types::quick_replies::{QuickReplyRequest, QuickReplyView};

use super::extract::ValidJson;
use crate::domain::{member::Member, quick_replies};
use crate::error::AppError;
use crate::state::AppState;

/// Filter of the list.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct PrefixQuery {
    /// Only shortcuts starting with this (what the agent typed after `/`); at most 20 results.
    #[param(max_length = 33)]
    pub prefix: Option<String>,
}

/// The workspace's quick replies, by shortcut.
#[utoipa::path(tag = "quick_replies", security(("bearer" = [])), params(PrefixQuery), responses(
    (status = 200, body = Vec<QuickReplyView>), (status = 401, body = ErrorBody)))]
#[get("/quick-replies")]
pub async fn list(
    state: web::Data<AppState>,
    member: Member,
    q: web::Query<PrefixQuery>,
) -> Result<web::Json<Vec<QuickReplyView>>, AppError> {
    Ok(web::Json(
        quick_replies::list(&state, &member, q.into_inner().prefix).await?,
    ))
}

/// Add a quick reply.
#[utoipa::path(tag = "quick_replies", security(("bearer" = [])), request_body = QuickReplyRequest, responses(
    (status = 201, body = QuickReplyView), (status = 409, description = "Shortcut taken", body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/quick-replies")]
pub async fn create(
    state: web::Data<AppState>,
    member: Member,
    body: ValidJson<QuickReplyRequest>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Created().json(quick_replies::create(&state, &member, body.0).await?))
}

/// Replace a quick reply (its author, admins and the owner).
#[utoipa::path(tag = "quick_replies", security(("bearer" = [])), request_body = QuickReplyRequest,
    params(("id" = String, Path, description = "The quick reply")), responses(
    (status = 200, body = QuickReplyView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/quick-replies/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    member: Member,
    id: web::Path<String>,
    body: ValidJson<QuickReplyRequest>,
) -> Result<web::Json<QuickReplyView>, AppError> {
    Ok(web::Json(
        quick_replies::update(&state, &member, id.into_inner(), body.0).await?,
    ))
}

/// Delete a quick reply (its author, admins and the owner).
#[utoipa::path(tag = "quick_replies", security(("bearer" = [])), params(("id" = String, Path, description = "The quick reply")), responses(
    (status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/quick-replies/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    member: Member,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    quick_replies::delete(&state, &member, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
