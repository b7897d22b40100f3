//! `/api/v1/team/*` and `/api/v1/invitations/*`: members, invitations, roles, ownership.

use actix_web::{delete, get, post, put, web, HttpResponse};
use serde::Deserialize;
use switchboard_types::auth::{AuthTokens, UserView};
use switchboard_types::error::ErrorBody;
use switchboard_types::team::{
    AcceptInvitationRequest, CreatedInvitation, InvitationPreview, InvitationView, InviteRequest,
    OwnershipTransferRequest, RoleChangeRequest,
};

use super::extract::{ClientMeta, ValidJson};
use crate::domain::{member::Member, team};
use crate::error::AppError;
use crate::state::AppState;

/// Every member of the team (admins and the owner).
#[utoipa::path(tag = "team", security(("bearer" = [])), responses(
    (status = 200, body = Vec<UserView>), (status = 403, body = ErrorBody)))]
#[get("/team/members")]
pub async fn list_members(
    state: web::Data<AppState>,
    member: Member,
) -> Result<web::Json<Vec<UserView>>, AppError> {
    Ok(web::Json(team::list_members(&state, &member).await?))
}

/// Change a member's role between agent and admin (owner only).
#[utoipa::path(tag = "team", security(("bearer" = [])), request_body = RoleChangeRequest,
    params(("user_id" = String, Path, description = "The member")), responses(
    (status = 200, body = UserView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 422, body = ErrorBody)))]
#[put("/team/members/{user_id}/role")]
pub async fn change_role(
    state: web::Data<AppState>,
    member: Member,
    meta: ClientMeta,
    path: web::Path<String>,
    body: ValidJson<RoleChangeRequest>,
) -> Result<web::Json<UserView>, AppError> {
    Ok(web::Json(
        team::change_role(&state, &member, path.into_inner(), body.0, meta.0).await?,
    ))
}

/// Deactivate a member: their sessions and tokens stop working at once.
#[utoipa::path(tag = "team", security(("bearer" = [])),
    params(("user_id" = String, Path, description = "The member")), responses(
    (status = 200, body = UserView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 422, body = ErrorBody)))]
#[post("/team/members/{user_id}/deactivate")]
pub async fn deactivate(
    state: web::Data<AppState>,
    member: Member,
    meta: ClientMeta,
    path: web::Path<String>,
) -> Result<web::Json<UserView>, AppError> {
    Ok(web::Json(
        team::set_active(&state, &member, path.into_inner(), false, meta.0).await?,
    ))
}

/// Reactivate a deactivated member; they sign in again.
#[utoipa::path(tag = "team", security(("bearer" = [])),
    params(("user_id" = String, Path, description = "The member")), responses(
    (status = 200, body = UserView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[post("/team/members/{user_id}/reactivate")]
pub async fn reactivate(
    state: web::Data<AppState>,
    member: Member,
    meta: ClientMeta,
    path: web::Path<String>,
) -> Result<web::Json<UserView>, AppError> {
    Ok(web::Json(
        team::set_active(&state, &member, path.into_inner(), true, meta.0).await?,
    ))
}

/// Hand ownership to another active member; you become an admin.
#[utoipa::path(tag = "team", security(("bearer" = [])), request_body = OwnershipTransferRequest, responses(
    (status = 200, description = "The new owner", body = UserView), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/team/ownership")]
pub async fn transfer_ownership(
    state: web::Data<AppState>,
    member: Member,
    meta: ClientMeta,
    body: ValidJson<OwnershipTransferRequest>,
) -> Result<web::Json<UserView>, AppError> {
    Ok(web::Json(
        team::transfer_ownership(&state, &member, body.0, meta.0).await?,
    ))
}

/// Invite someone by email; returns the single-use link to pass on.
#[utoipa::path(tag = "team", security(("bearer" = [])), request_body = InviteRequest, responses(
    (status = 201, body = CreatedInvitation), (status = 403, description = "API keys act for the workspace, not for a person: this needs a team member's sign-in (`forbidden`); for other roles, the role does not allow it", body = ErrorBody), (status = 409, body = ErrorBody),
    (status = 422, body = ErrorBody)))]
#[post("/team/invitations")]
pub async fn invite(
    state: web::Data<AppState>,
    member: Member,
    meta: ClientMeta,
    body: ValidJson<InviteRequest>,
) -> Result<HttpResponse, AppError> {
    let created = team::invite(&state, &member, body.0, meta.0).await?;
    Ok(HttpResponse::Created().json(created))
}

/// The team's invitations, newest first.
#[utoipa::path(tag = "team", security(("bearer" = [])), responses(
    (status = 200, body = Vec<InvitationView>), (status = 403, body = ErrorBody)))]
#[get("/team/invitations")]
pub async fn list_invitations(
    state: web::Data<AppState>,
    member: Member,
) -> Result<web::Json<Vec<InvitationView>>, AppError> {
    Ok(web::Json(team::list_invitations(&state, &member).await?))
}

/// Withdraw a pending invitation.
#[utoipa::path(tag = "team", security(("bearer" = [])),
    params(("invitation_id" = String, Path, description = "The invitation")), responses(
    (status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/team/invitations/{invitation_id}")]
pub async fn revoke_invitation(
    state: web::Data<AppState>,
    member: Member,
    meta: ClientMeta,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    team::revoke_invitation(&state, &member, path.into_inner(), meta.0).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Query of the public invitation preview.
#[derive(Deserialize, utoipa::IntoParams)]
struct TokenQuery {
    /// The token from the invitation link.
    token: String,
}

/// What an invitation is for, shown before the invitee picks a password (no sign-in needed).
#[utoipa::path(tag = "team", params(TokenQuery), responses(
    (status = 200, body = InvitationPreview),
    (status = 404, description = "Unknown, used, withdrawn or expired", body = ErrorBody)))]
#[get("/invitations/preview")]
pub async fn preview_invitation(
    state: web::Data<AppState>,
    query: web::Query<TokenQuery>,
) -> Result<web::Json<InvitationPreview>, AppError> {
    Ok(web::Json(
        team::preview_invitation(&state, query.into_inner().token).await?,
    ))
}

/// Accept an invitation: creates the account and signs it in.
#[utoipa::path(tag = "team", request_body = AcceptInvitationRequest, responses(
    (status = 201, body = AuthTokens), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
    (status = 422, body = ErrorBody)))]
#[post("/invitations/accept")]
pub async fn accept_invitation(
    state: web::Data<AppState>,
    meta: ClientMeta,
    body: ValidJson<AcceptInvitationRequest>,
) -> Result<HttpResponse, AppError> {
    let tokens = team::accept_invitation(&state, body.0, meta.0).await?;
    Ok(HttpResponse::Created().json(tokens))
}
