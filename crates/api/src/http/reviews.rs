//! Reviews: the ratings list and its summary (admins and the owner).

use actix_web::{get, web};
use serde::Deserialize;
use switchboard_types::error::ErrorBody;
use switchboard_types::page::Page;
use switchboard_types::reviews::{ReviewSummary, ReviewView};

use crate::domain::reviews::{self, ReviewsQuery};
use crate::domain::{member::Member, validate};
use crate::error::AppError;
use crate::state::AppState;

/// What the ratings list takes.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct RatingsQuery {
    /// Only ratings with this many stars, 1-5.
    #[param(minimum = 1, maximum = 5)]
    pub stars: Option<i16>,
    /// Only ratings that ticked this feedback category, 1-60 characters.
    #[param(max_length = 60)]
    pub category: Option<String>,
    /// `next_cursor` of the previous page.
    #[param(max_length = 200)]
    pub cursor: Option<String>,
    /// Rows per page, 1-100 (default 50).
    #[param(minimum = 1, maximum = 100, default = 50)]
    pub limit: Option<i64>,
}

/// Every rating visitors gave, newest first, with the visitor and the agent who handled the
/// conversation.
#[utoipa::path(tag = "reviews", security(("bearer" = [])), params(RatingsQuery), responses(
    (status = 200, body = Page<ReviewView>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[get("/ratings")]
pub async fn list(
    state: web::Data<AppState>,
    member: Member,
    q: web::Query<RatingsQuery>,
) -> Result<web::Json<Page<ReviewView>>, AppError> {
    let q = q.into_inner();
    let query = ReviewsQuery {
        stars: q.stars,
        category: q.category,
        cursor: q.cursor,
        limit: validate::limit(q.limit)?,
    };
    Ok(web::Json(reviews::list(&state, &member, query).await?))
}

/// The period's length.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct SummaryQuery {
    /// Days ending now, 1-365 (default 30).
    #[param(minimum = 1, maximum = 365, default = 30)]
    pub days: Option<i64>,
}

/// How the ratings of the last `days` days add up: count, average and the 1-5 distribution.
#[utoipa::path(tag = "reviews", security(("bearer" = [])), params(SummaryQuery), responses(
    (status = 200, body = ReviewSummary), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[get("/ratings/summary")]
pub async fn summary(
    state: web::Data<AppState>,
    member: Member,
    q: web::Query<SummaryQuery>,
) -> Result<web::Json<ReviewSummary>, AppError> {
    let days = q.days.unwrap_or(30);
    Ok(web::Json(reviews::summary(&state, &member, days).await?))
}
