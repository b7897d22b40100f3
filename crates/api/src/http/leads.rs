//! Leads: capture from a conversation, list, CSV export.

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use switchboard_types::error::ErrorBody;
use switchboard_types::leads::{CaptureLeadRequest, LeadView};
use switchboard_types::page::Page;

use super::extract::ValidJson;
use crate::domain::{leads, member::Member, validate};
use crate::error::AppError;
use crate::state::AppState;
use serde::Deserialize;

/// Capture a lead from the conversation (email required; name and phone default to the pre-chat form).
#[utoipa::path(tag = "leads", security(("bearer" = [])), request_body = CaptureLeadRequest,
    params(("id" = String, Path, description = "The conversation")), responses(
    (status = 201, body = LeadView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/conversations/{id}/lead")]
pub async fn capture(
    state: web::Data<AppState>,
    member: Member,
    id: web::Path<String>,
    body: ValidJson<CaptureLeadRequest>,
) -> Result<HttpResponse, AppError> {
    let lead = leads::capture(&state, &member, id.into_inner(), body.0).await?;
    Ok(HttpResponse::Created().json(lead))
}

/// What the leads list takes: a page, and an optional search.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct LeadsQuery {
    /// Only leads whose email, name, company or phone contains this (any case), 1-100
    /// characters.
    #[param(max_length = 100)]
    pub q: Option<String>,
    /// `next_cursor` of the previous page.
    #[param(max_length = 200)]
    pub cursor: Option<String>,
    /// Rows per page, 1-100 (default 50).
    #[param(minimum = 1, maximum = 100, default = 50)]
    pub limit: Option<i64>,
}

/// Leads, newest first, optionally searched. With `Accept: text/csv`, every lead as a CSV file
/// (paging and search ignored).
#[utoipa::path(tag = "leads", security(("bearer" = [])), params(LeadsQuery), responses(
    (status = 200, description = "A page of leads, or the CSV export", content(
        (Page<LeadView> = "application/json"),
        (String = "text/csv"))),
    (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[get("/leads")]
pub async fn list(
    state: web::Data<AppState>,
    member: Member,
    req: HttpRequest,
    q: web::Query<LeadsQuery>,
) -> Result<HttpResponse, AppError> {
    let wants_csv = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/csv"));
    if wants_csv {
        let csv = leads::export_csv(&state, &member).await?;
        return Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"leads.csv\"",
            ))
            .body(csv));
    }
    let q = q.into_inner();
    let limit = validate::limit(q.limit)?;
    let page = leads::list(&state, &member, q.q, q.cursor, limit).await?;
    Ok(HttpResponse::Ok().json(page))
}
