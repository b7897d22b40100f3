//! The demo shop (`DEMO_SITE_BIND`): a plausible business website on its own origin with the
//! demo workspace's widget embedded, so a newcomer can chat as a visitor in one window and
//! answer as an agent in the other. Its pages are `frontend/demo-site/*.html`, each with a
//! `<!--SWITCHBOARD_WIDGET-->` placeholder for the script tag.

use std::path::PathBuf;

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};

use crate::domain::demo::DEMO_EMAIL;
use crate::error::AppError;
use crate::state::AppState;
use crate::store;

const PLACEHOLDER: &str = "<!--SWITCHBOARD_WIDGET-->";

/// The shop's pages, with the script tag filled in.
#[derive(Clone)]
struct Shop {
    dir: PathBuf,
    script: String,
}

/// The script tag the demo workspace's owner would paste into their site, or `None` when the
/// demo workspace does not exist (a database that was not seeded).
pub async fn embed_snippet(state: &AppState) -> Result<Option<String>, AppError> {
    let base = state.config.public_url.clone().unwrap_or_default();
    let key = state
        .db
        .read(|conn| {
            let Some(owner) = store::users::find_by_email(conn, DEMO_EMAIL)? else {
                return Ok(None);
            };
            Ok(Some(
                store::tenants::find(conn, &owner.tenant_id)?.widget_key,
            ))
        })
        .await?;
    Ok(
        key.map(|key| {
            format!(r#"<script src="{base}/widget.js" data-key="{key}" async></script>"#)
        }),
    )
}

/// Serves the shop on `bind` until the process stops.
pub async fn serve(state: AppState, bind: String) -> anyhow::Result<()> {
    let Some(script) = embed_snippet(&state).await? else {
        tracing::warn!("no demo workspace: the demo shop is not served");
        return Ok(());
    };
    let shop = Shop {
        dir: PathBuf::from("frontend/demo-site"),
        script,
    };
    HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(shop.clone()))
            .default_service(web::get().to(page))
    })
    .workers(1)
    // The main server handles SIGTERM and SIGINT (and stops the process).
    .disable_signals()
    .bind(&bind)?
    .run()
    .await?;
    Ok(())
}

async fn page(shop: web::Data<Shop>, req: HttpRequest) -> HttpResponse {
    let name = match req.path().trim_start_matches('/') {
        "" => "index.html",
        other => other,
    };
    // Only the shop's own pages: no directories, nothing outside it.
    let known = name.ends_with(".html") && !name.contains('/') && !name.contains("..");
    let file = shop.dir.join(name);
    match known.then(|| std::fs::read_to_string(&file)) {
        Some(Ok(html)) => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(html.replace(PLACEHOLDER, &shop.script)),
        _ => HttpResponse::NotFound()
            .content_type("text/html; charset=utf-8")
            .body("<!doctype html><title>Not found</title><p>No such page. <a href=\"/\">Home</a></p>"),
    }
}
