//! Serves the built dashboard at `/`, with deep links (`/conversations/123`) falling back to
//! `index.html` so the client-side router can take over.

use std::path::{Path, PathBuf};

use actix_files::{Files, NamedFile};
use actix_web::dev::{fn_service, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::{HttpResponse, Responder};

/// Registers the static-file service for the dashboard, or a page that says how to build it.
pub fn dashboard(dir: &Path) -> impl FnOnce(&mut actix_web::web::ServiceConfig) {
    let dir = dir.to_path_buf();
    move |cfg| {
        if dir.is_dir() {
            cfg.service(files(&dir));
        } else {
            cfg.default_service(actix_web::web::to(|| async { not_built() }));
        }
    }
}

fn files(dir: &Path) -> Files {
    let index: PathBuf = dir.join("index.html");
    Files::new("/", dir)
        .index_file("index.html")
        .use_etag(true)
        .default_handler(fn_service(move |req: ServiceRequest| {
            let index = index.clone();
            async move {
                let (req, _) = req.into_parts();
                let response = match actix_web::web::block(move || NamedFile::open(index)).await {
                    Ok(Ok(file)) => file
                        .customize()
                        .insert_header((header::CACHE_CONTROL, "no-cache"))
                        .respond_to(&req)
                        .map_into_boxed_body(),
                    _ => not_built(),
                };
                Ok(ServiceResponse::new(req, response))
            }
        }))
}

fn not_built() -> HttpResponse {
    HttpResponse::ServiceUnavailable()
        .content_type("text/html; charset=utf-8")
        .body(
            "<!doctype html><title>Switchboard</title><h1>The dashboard is not built</h1>\
             <p>Run <code>just run</code> (it builds the dashboard), or set <code>DASHBOARD_DIR</code>.\
             The API is up under <code>/api/v1</code>.</p>",
        )
}
