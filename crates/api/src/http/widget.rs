//! The chat widget's surface: its settings for admins, the public configuration the widget
//! reads with its key, and its files (the loader `/widget.js` and the chat's frame under
//! `/widget/`).

use std::path::{Path, PathBuf};

use actix_files::Files;
use actix_web::http::header;
use actix_web::{get, put, web, HttpRequest, HttpResponse, ResponseError};
use serde::Deserialize;
use switchboard_types::error::ErrorBody;
use switchboard_types::widget_settings::{WidgetConfig, WidgetSettings};

use super::extract::{ClientMeta, ValidJson};
use crate::domain::{member::Member, widget_settings};
use crate::error::AppError;
use crate::state::AppState;
use crate::store;

/// The widget's settings (admins and the owner).
#[utoipa::path(tag = "settings", security(("bearer" = [])), responses(
    (status = 200, body = WidgetSettings), (status = 403, body = ErrorBody)))]
#[get("/settings/widget")]
pub async fn get_settings(
    state: web::Data<AppState>,
    member: Member,
) -> Result<web::Json<WidgetSettings>, AppError> {
    Ok(web::Json(widget_settings::get(&state, &member).await?))
}

/// Replace the widget's settings; a field left out takes its default. Returns them cleaned.
#[utoipa::path(tag = "settings", security(("bearer" = [])), request_body = WidgetSettings, responses(
    (status = 200, body = WidgetSettings), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/settings/widget")]
pub async fn put_settings(
    state: web::Data<AppState>,
    member: Member,
    meta: ClientMeta,
    body: ValidJson<WidgetSettings>,
) -> Result<web::Json<WidgetSettings>, AppError> {
    Ok(web::Json(
        widget_settings::update(&state, &member, body.0, meta.0).await?,
    ))
}

/// The widget key.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct KeyQuery {
    /// The workspace's widget key.
    #[param(max_length = 100)]
    pub key: String,
}

/// What the widget needs before it starts (public, called from the host page with the widget
/// key). Refused with 403 `origin_not_allowed` from a site the workspace did not list.
#[utoipa::path(tag = "widget", params(KeyQuery), responses(
    (status = 200, body = WidgetConfig), (status = 401, description = "Unknown widget key", body = ErrorBody),
    (status = 403, description = "The page's origin is not allowed", body = ErrorBody)))]
#[get("/config")]
pub async fn config(
    state: web::Data<AppState>,
    req: HttpRequest,
    q: web::Query<KeyQuery>,
) -> HttpResponse {
    let (origin, host) = origin_and_host(&req);
    let answer = widget_settings::config(&state, q.into_inner().key, origin, host).await;
    let mut response = match answer {
        Ok(config) => HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .json(config),
        Err(error) => error.error_response(),
    };
    // Any page may read the answer (the refusal too, so the loader can say why); what it
    // may do is decided above from its Origin.
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        header::HeaderValue::from_static("*"),
    );
    response
}

/// The request's `Origin` and the host it was sent to (our own origin, for our own pages).
pub fn origin_and_host(req: &HttpRequest) -> (Option<String>, Option<String>) {
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .filter(|o| *o != "null")
        .map(str::to_string);
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string);
    (origin, host)
}

/// Registers the loader and the chat's frame, or nothing when the widget is not built.
pub fn files(dir: &Path) -> impl FnOnce(&mut web::ServiceConfig) {
    let dir = dir.to_path_buf();
    move |cfg| {
        if !dir.is_dir() {
            return;
        }
        let frame = web::Data::new(FrameFile(dir.join("frame.html")));
        let loader = web::Data::new(FrameFile(dir.join("loader.js")));
        cfg.service(
            web::resource("/widget.js")
                .app_data(loader)
                .route(web::get().to(serve_loader)),
        )
        .service(
            web::resource("/widget/frame.html")
                .app_data(frame)
                .route(web::get().to(serve_frame)),
        )
        .service(Files::new("/widget", dir).use_etag(true));
    }
}

/// One file of the widget's build.
struct FrameFile(PathBuf);

/// The loader: cached briefly, so a new release reaches every site within minutes.
async fn serve_loader(file: web::Data<FrameFile>) -> HttpResponse {
    match web::block({
        let path = file.0.clone();
        move || std::fs::read(path)
    })
    .await
    {
        Ok(Ok(body)) => HttpResponse::Ok()
            .content_type("text/javascript; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
            .body(body),
        _ => HttpResponse::NotFound().finish(),
    }
}

/// The chat's page, framed only by the workspace's allowed origins (`frame-ancestors`), so
/// another site cannot embed a business's chat.
async fn serve_frame(
    state: web::Data<AppState>,
    file: web::Data<FrameFile>,
    q: web::Query<KeyQuery>,
) -> Result<HttpResponse, AppError> {
    let key = q.into_inner().key;
    let tenant = state
        .db
        .read(move |conn| Ok(store::tenants::find_by_widget_key(conn, &key)?))
        .await?;
    let ancestors = match tenant.map(|t| widget_settings::of(&t).allowed_origins) {
        Some(origins) if !origins.is_empty() => format!("'self' {}", origins.join(" ")),
        _ => "*".to_string(),
    };
    let path = file.0.clone();
    let body = web::block(move || std::fs::read(path))
        .await
        .map_err(anyhow::Error::from)?
        .map_err(anyhow::Error::from)?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            format!("frame-ancestors {ancestors}"),
        ))
        // The frame is about the host page only through what the loader tells it.
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .body(body))
}
