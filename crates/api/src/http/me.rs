//! `/api/v1/me`: the signed-in member, their sections, and their availability.

use actix_web::{get, put, web};
use switchboard_types::auth::{AvailabilityRequest, Me};
use switchboard_types::error::ErrorBody;

use super::extract::{ClientMeta, ValidJson};
use crate::domain::{member::Member, settings};
use crate::error::AppError;
use crate::state::AppState;

/// The signed-in member, their tenant, and the sidebar sections their role may open.
#[utoipa::path(tag = "me", security(("bearer" = [])), responses(
    (status = 200, body = Me),
    (status = 401, body = ErrorBody),
    (status = 403, description = "API keys act for the workspace, not for a person: this needs a team member's sign-in (`forbidden`)", body = ErrorBody)))]
#[get("/me")]
pub async fn get_me(state: web::Data<AppState>, member: Member) -> Result<web::Json<Me>, AppError> {
    Ok(web::Json(settings::me(&state, &member).await?))
}

/// Set whether you show as online to visitors.
#[utoipa::path(tag = "me", security(("bearer" = [])), request_body = AvailabilityRequest, responses(
    (status = 403, description = "API keys act for the workspace, not for a person: this needs a team member's sign-in (`forbidden`)", body = ErrorBody),
    (status = 200, body = Me),
    (status = 401, body = ErrorBody),
    (status = 422, body = ErrorBody)))]
#[put("/me/availability")]
pub async fn put_availability(
    state: web::Data<AppState>,
    member: Member,
    meta: ClientMeta,
    body: ValidJson<AvailabilityRequest>,
) -> Result<web::Json<Me>, AppError> {
    Ok(web::Json(
        settings::set_availability(&state, &member, body.0.availability, meta.0).await?,
    ))
}
