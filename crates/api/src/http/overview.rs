//! The Overview numbers, the members available for handoffs, and live visitors.

use actix_web::{get, web};
use switchboard_types::error::ErrorBody;
use switchboard_types::stats::Overview;
use switchboard_types::visitors::{AgentSummary, LiveVisitor};

use crate::domain::{member::Member, people, stats};
use crate::error::AppError;
use crate::state::AppState;

/// The Overview for your role: eight cards and four 14-day series for admins and the owner
/// (`view: team`), four cards for agents (`view: agent`). Days follow the workspace time zone.
#[utoipa::path(tag = "overview", security(("bearer" = [])), responses((status = 200, body = Overview), (status = 401, body = ErrorBody)))]
#[get("/stats/overview")]
pub async fn overview(
    state: web::Data<AppState>,
    member: Member,
) -> Result<web::Json<Overview>, AppError> {
    Ok(web::Json(stats::overview(&state, &member).await?))
}

/// Active members, for transfer and delegation.
#[utoipa::path(tag = "conversations", security(("bearer" = [])), responses((status = 200, body = Vec<AgentSummary>), (status = 401, body = ErrorBody)))]
#[get("/agents")]
pub async fn agents(
    state: web::Data<AppState>,
    member: Member,
) -> Result<web::Json<Vec<AgentSummary>>, AppError> {
    Ok(web::Json(people::agents(&state, &member).await?))
}

/// Visitors on the site right now (across every server process), newest first.
#[utoipa::path(tag = "conversations", security(("bearer" = [])), responses((status = 200, body = Vec<LiveVisitor>), (status = 401, body = ErrorBody)))]
#[get("/visitors/live")]
pub async fn live_visitors(
    state: web::Data<AppState>,
    member: Member,
) -> Result<web::Json<Vec<LiveVisitor>>, AppError> {
    Ok(web::Json(people::live(&state, &member).await?))
}
