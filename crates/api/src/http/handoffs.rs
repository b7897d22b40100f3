//! Transfers and delegations.

use actix_web::{post, web, HttpResponse};
use switchboard_types::conversations::ConversationDetail;
use switchboard_types::error::ErrorBody;
use switchboard_types::handoffs::{HandoffRequest, HandoffView};

use super::extract::ValidJson;
use crate::domain::handoffs::{self, Answer};
use crate::domain::member::Member;
use crate::error::AppError;
use crate::state::AppState;

/// Transfer the conversation: the lock moves to the target at once.
#[utoipa::path(tag = "handoffs", security(("bearer" = [])), request_body = HandoffRequest,
    params(("id" = String, Path, description = "The conversation")), responses(
    (status = 200, body = ConversationDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
    (status = 422, description = "Reason too long, unknown target, yourself (`cannot_hand_to_self`) or deactivated (`target_inactive`)", body = ErrorBody)))]
#[post("/conversations/{id}/transfer")]
pub async fn transfer(
    state: web::Data<AppState>,
    member: Member,
    id: web::Path<String>,
    body: ValidJson<HandoffRequest>,
) -> Result<web::Json<ConversationDetail>, AppError> {
    Ok(web::Json(
        handoffs::transfer(&state, &member, id.into_inner(), body.0).await?,
    ))
}

/// Delegate the conversation: a request the target accepts or rejects; the holder keeps it meanwhile.
#[utoipa::path(tag = "handoffs", security(("bearer" = [])), request_body = HandoffRequest,
    params(("id" = String, Path, description = "The conversation")), responses(
    (status = 403, description = "API keys act for the workspace, not for a person: this needs a team member's sign-in (`forbidden`)", body = ErrorBody),
    (status = 201, body = HandoffView), (status = 404, body = ErrorBody),
    (status = 409, description = "Not joined, locked, resolved, or a delegation is already pending", body = ErrorBody),
    (status = 422, body = ErrorBody)))]
#[post("/conversations/{id}/delegations")]
pub async fn delegate(
    state: web::Data<AppState>,
    member: Member,
    id: web::Path<String>,
    body: ValidJson<HandoffRequest>,
) -> Result<HttpResponse, AppError> {
    let handoff = handoffs::delegate(&state, &member, id.into_inner(), body.0).await?;
    Ok(HttpResponse::Created().json(handoff))
}

/// Accept a delegation (its target only): the lock moves to you.
#[utoipa::path(tag = "handoffs", security(("bearer" = [])), params(("id" = String, Path, description = "The delegation")), responses(
    (status = 200, body = HandoffView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/delegations/{id}/accept")]
pub async fn accept(
    state: web::Data<AppState>,
    member: Member,
    id: web::Path<String>,
) -> Result<web::Json<HandoffView>, AppError> {
    Ok(web::Json(
        handoffs::answer(&state, &member, id.into_inner(), Answer::Accept).await?,
    ))
}

/// Reject a delegation (its target only): the holder keeps the conversation.
#[utoipa::path(tag = "handoffs", security(("bearer" = [])), params(("id" = String, Path, description = "The delegation")), responses(
    (status = 200, body = HandoffView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/delegations/{id}/reject")]
pub async fn reject(
    state: web::Data<AppState>,
    member: Member,
    id: web::Path<String>,
) -> Result<web::Json<HandoffView>, AppError> {
    Ok(web::Json(
        handoffs::answer(&state, &member, id.into_inner(), Answer::Reject).await?,
    ))
}

/// Withdraw a delegation (whoever asked, an admin or the owner).
#[utoipa::path(tag = "handoffs", security(("bearer" = [])), params(("id" = String, Path, description = "The delegation")), responses(
    (status = 200, body = HandoffView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/delegations/{id}/cancel")]
pub async fn cancel(
    state: web::Data<AppState>,
    member: Member,
    id: web::Path<String>,
) -> Result<web::Json<HandoffView>, AppError> {
    Ok(web::Json(
        handoffs::answer(&state, &member, id.into_inner(), Answer::Cancel).await?,
    ))
}
