//! Liveness and readiness probes for load balancers and orchestrators.

use actix_web::{get, web, HttpResponse};

use crate::state::AppState;

/// The process is up.
#[utoipa::path(tag = "health", responses((status = 200, description = "Up")))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

/// The database answers; take the process out of rotation otherwise.
#[utoipa::path(tag = "health", responses(
    (status = 200, description = "Database reachable"),
    (status = 503, description = "Database unreachable")))]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    if state.db.ping().await {
        HttpResponse::Ok().json(serde_json::json!({ "status": "ready" }))
    } else {
        HttpResponse::ServiceUnavailable().json(serde_json::json!({
            "error": { "code": "database_unreachable", "message": "The database does not answer." }
        }))
    }
}
