//! The WebSocket endpoints: the dashboard's event socket and the visitor (widget) socket, plus
//! the widget's upload endpoint.

use actix_http::ws;
use actix_multipart::Multipart;
use actix_web::{get, post, web, HttpMessage, HttpRequest, HttpResponse};
use serde::Deserialize;
use switchboard_types::error::ErrorBody;
use switchboard_types::messages::AttachmentView;

use super::attachments::read_upload;
use super::extract::{bearer_token, client_ip};
use super::upgrades::{LeanUpgrade, LeanVisitor};
use crate::domain::attachments::{self, Uploader};
use crate::domain::auth::{self, AccessClaims};
use crate::domain::{visitor_chat, widget_settings};
use crate::error::{AppError, ErrorCode};
use crate::realtime::{dashboard_socket, visitor_socket};
use crate::state::AppState;

/// Parameters of the event socket.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct EventsQuery {
    /// Access token (browsers cannot set headers on WebSockets); `Authorization` works too.
    pub access_token: Option<String>,
    /// The last `seq` the client saw: everything after it is replayed, in order, first.
    #[param(minimum = 0)]
    pub since: Option<i64>,
}

/// The per-tenant event socket (WebSocket). Frames: `{"type":"hello","seq"}`, then events
/// `{"seq","type","at","data"}` in order; `{"type":"resync"}` when the client must refetch.
/// Close codes: 4001 token expired (refresh, reconnect with `since`), 4003 session ended,
/// 4008 fell behind (after `resync`), 1012 server restarting.
#[utoipa::path(tag = "realtime", params(EventsQuery), responses(
    (status = 101, description = "Switching to the WebSocket protocol"), (status = 401, body = ErrorBody)))]
#[get("/events")]
pub async fn events(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Payload,
    q: web::Query<EventsQuery>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let bearer = q
        .access_token
        .or_else(|| bearer_token(&req))
        .ok_or_else(|| AppError::unauthorized(ErrorCode::Unauthorized, "Sign in to continue."))?;
    let member = auth::authenticate(&state, &bearer).await?;
    if q.since.is_some_and(|since| since < 0) {
        return Err(AppError::invalid_field(
            "since",
            "must be an event number (0 or more)",
        ));
    }
    let token_expires_at = state
        .jwt
        .verify::<AccessClaims>(&bearer)
        .ok()
        .map(|c| c.exp);
    let (response, session, stream) =
        actix_ws::handle(&req, body).map_err(|_| AppError::WebsocketUpgradeRequired)?;
    let dashboard = dashboard_socket::Dashboard {
        member,
        bearer,
        token_expires_at,
        since: q.since,
    };
    actix_web::rt::spawn(dashboard_socket::serve(
        state.get_ref().clone(),
        session,
        stream,
        dashboard,
    ));
    Ok(response)
}

/// Parameters of the visitor socket.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct WidgetQuery {
    /// The workspace's widget key.
    pub key: String,
    /// The visitor token from an earlier `welcome` frame; absent for a new visitor.
    pub token: Option<String>,
}

/// The visitor socket (WebSocket) the chat widget uses. The first frame is `welcome` with the
/// visitor token to keep; `docs/protocols.md` lists every frame.
#[utoipa::path(tag = "widget", params(WidgetQuery), responses(
    (status = 101, description = "Switching to the WebSocket protocol"),
    (status = 401, description = "Unknown widget key", body = ErrorBody),
    (status = 403, description = "The page's origin is not in the workspace's allowed origins", body = ErrorBody),
    (status = 429, description = "Too many sockets from this address", body = ErrorBody)))]
#[get("/ws")]
pub async fn widget(
    state: web::Data<AppState>,
    req: HttpRequest,
    q: web::Query<WidgetQuery>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let address = client_ip(&req, state.config.trust_proxy_headers)
        .and_then(|ip| ip.parse().ok())
        .unwrap_or(std::net::IpAddr::from([0, 0, 0, 0]));
    let (tenant, ctx, token) = visitor_chat::identify(&state, &q.key, q.token.as_deref()).await?;
    let (origin, host) = super::widget::origin_and_host(&req);
    widget_settings::check_origin(
        &widget_settings::of(&tenant),
        origin.as_deref(),
        host.as_deref(),
    )?;
    let mut handshake =
        ws::handshake(req.head()).map_err(|_| AppError::WebsocketUpgradeRequired)?;
    if !req.extensions().contains::<LeanUpgrade>() {
        // Every upgrade request is routed before the app sees it (`http::upgrades`).
        return Err(AppError::WebsocketUpgradeRequired);
    }
    // Counted against the address until the visitor is dropped (the socket closes).
    let admission = state
        .hub
        .admit(address, state.config.widget_max_connections_per_address)
        .ok_or(AppError::RateLimited {
            retry_after_secs: 10,
        })?;
    let visitor = visitor_socket::Visitor {
        rating_categories: serde_json::from_str(&tenant.rating_categories).unwrap_or_default(),
        ctx,
        admission,
    };
    let welcome = visitor_chat::welcome(&state, &tenant, &visitor.ctx, token).await?;
    let mut response = HttpResponse::from(handshake.finish().map_into_boxed_body());
    // The upgrade router takes the visitor from here and runs the socket.
    response
        .extensions_mut()
        .insert(LeanVisitor { visitor, welcome });
    Ok(response)
}

/// Upload a file from the widget (`Authorization: Bearer <visitor token>`), then send its id
/// in a `message` frame.
#[utoipa::path(tag = "widget", request_body(content = super::attachments::UploadForm, content_type = "multipart/form-data"), responses(
    (status = 201, body = AttachmentView), (status = 401, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/attachments")]
pub async fn widget_upload(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: Multipart,
) -> Result<HttpResponse, AppError> {
    let token = bearer_token(&req).ok_or_else(|| {
        AppError::unauthorized(ErrorCode::InvalidVisitorToken, "Send the visitor token.")
    })?;
    let ctx = visitor_chat::verify_token(&state, &token)?;
    let upload = read_upload(form).await?;
    let uploader = Uploader::Visitor {
        tenant_id: &ctx.tenant_id,
        visitor_id: &ctx.visitor_id,
    };
    let view = attachments::upload(&state, uploader, upload).await?;
    Ok(HttpResponse::Created().json(view))
}
