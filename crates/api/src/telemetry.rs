//! Logging: one structured line per request (tenant, user, route, status, latency) and nothing
//! secret — routes are logged as their pattern, so tokens in paths or query strings never are.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage};
use tracing_subscriber::EnvFilter;

use crate::domain::member::{Actor, Member};
use crate::domain::{api_keys, RequestMeta};
use crate::http::extract::client_ip;
use crate::state::AppState;

/// Sets up the global subscriber once, writing to stderr (stdout carries the start-up banner).
/// `LOG` takes an env-filter directive (default `info`);
/// `LOG_FORMAT=json` switches to JSON lines.
pub fn init() {
    let filter = EnvFilter::try_from_env("LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        // Colours only for a person at a terminal: in a log file or collector they are noise.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    let result = if std::env::var("LOG_FORMAT").as_deref() == Ok("json") {
        builder.json().try_init()
    } else {
        builder.compact().try_init()
    };
    // A second init (tests) keeps the first subscriber.
    let _ = result;
}

/// Middleware: logs every request and attributes API-key calls to their key in the audit log.
pub async fn log_request(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().to_string();
    let response = next.call(req).await?;
    let request = response.request();
    let route = request
        .match_pattern()
        .unwrap_or_else(|| "(unmatched)".into());
    let status = response.status().as_u16();
    let member = request.extensions().get::<Member>().cloned();
    let (tenant, user) = match &member {
        Some(m) => (m.tenant_id.as_str().to_owned(), actor_label(&m.actor)),
        None => (String::new(), String::new()),
    };
    tracing::info!(
        target: "request",
        method,
        route,
        status,
        latency_us = started.elapsed().as_micros() as u64,
        tenant,
        user,
    );
    if let Some(member) = member.filter(|m| matches!(m.actor, Actor::ApiKey { .. })) {
        if let Some(state) = request.app_data::<web::Data<AppState>>().cloned() {
            let meta = RequestMeta {
                ip: client_ip(request, state.config.trust_proxy_headers),
                user_agent: None,
            };
            let route = format!("{method} {route}");
            // Before the response leaves: whoever reads the audit log after a call sees it.
            api_keys::record_call(&state, member, meta, route, status).await;
        }
    }
    Ok(response)
}

fn actor_label(actor: &Actor) -> String {
    match actor {
        Actor::User { user_id, .. } => user_id.clone(),
        Actor::ApiKey { key_id, .. } => format!("api_key:{key_id}"),
    }
}
