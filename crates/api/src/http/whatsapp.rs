//! The WhatsApp channel's surface: the connector for admins, templates and template sends for
//! agents, and each connected number's public webhook for Meta.

use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use switchboard_types::error::ErrorBody;
use switchboard_types::messages::MessageView;
use switchboard_types::whatsapp::{
    SendTemplateRequest, WhatsappConnector, WhatsappConnectorRequest, WhatsappTemplates,
    WhatsappTestRequest, WhatsappTestResult,
};

use super::extract::{ClientMeta, ValidJson};
use crate::domain::member::Member;
use crate::domain::whatsapp::{connector, inbound, outbound};
use crate::error::AppError;
use crate::state::AppState;

/// The connected WhatsApp number (admins and the owner); 404 when none is connected.
#[utoipa::path(tag = "whatsapp", security(("bearer" = [])), responses(
    (status = 200, body = WhatsappConnector), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/connectors/whatsapp")]
pub async fn get_connector(
    state: web::Data<AppState>,
    member: Member,
) -> Result<web::Json<WhatsappConnector>, AppError> {
    Ok(web::Json(connector::get(&state, &member).await?))
}

/// Connect the workspace's WhatsApp number, or change it. Secrets are stored encrypted and
/// shown only by their last four characters; one left out on a change keeps its value.
#[utoipa::path(tag = "whatsapp", security(("bearer" = [])), request_body = WhatsappConnectorRequest, responses(
    (status = 200, body = WhatsappConnector), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/connectors/whatsapp")]
pub async fn put_connector(
    state: web::Data<AppState>,
    member: Member,
    meta: ClientMeta,
    body: ValidJson<WhatsappConnectorRequest>,
) -> Result<web::Json<WhatsappConnector>, AppError> {
    Ok(web::Json(
        connector::put(&state, &member, body.0, meta.0).await?,
    ))
}

/// Disconnect the number: its webhook refuses posts from then on.
#[utoipa::path(tag = "whatsapp", security(("bearer" = [])), responses(
    (status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/connectors/whatsapp")]
pub async fn delete_connector(
    state: web::Data<AppState>,
    member: Member,
    meta: ClientMeta,
) -> Result<HttpResponse, AppError> {
    connector::delete(&state, &member, meta.0).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Send a test message from the connected number; Meta's refusal comes back as 502
/// `whatsapp_api_error` in its own words.
#[utoipa::path(tag = "whatsapp", security(("bearer" = [])), request_body = WhatsappTestRequest, responses(
    (status = 200, body = WhatsappTestResult), (status = 403, body = ErrorBody),
    (status = 409, description = "No number connected (`whatsapp_not_connected`)", body = ErrorBody),
    (status = 422, body = ErrorBody), (status = 502, body = ErrorBody)))]
#[post("/connectors/whatsapp/test")]
pub async fn test_message(
    state: web::Data<AppState>,
    member: Member,
    body: ValidJson<WhatsappTestRequest>,
) -> Result<web::Json<WhatsappTestResult>, AppError> {
    Ok(web::Json(
        connector::send_test(&state, &member, body.0).await?,
    ))
}

/// The business account's message templates, as the Graph API lists them.
#[utoipa::path(tag = "whatsapp", security(("bearer" = [])), responses(
    (status = 200, body = WhatsappTemplates), (status = 403, body = ErrorBody),
    (status = 409, description = "No number connected (`whatsapp_not_connected`)", body = ErrorBody),
    (status = 502, body = ErrorBody)))]
#[get("/connectors/whatsapp/templates")]
pub async fn templates(
    state: web::Data<AppState>,
    member: Member,
) -> Result<web::Json<WhatsappTemplates>, AppError> {
    Ok(web::Json(connector::templates(&state, &member).await?))
}

/// Send an approved template in a WhatsApp conversation (also after the 24-hour window).
#[utoipa::path(tag = "whatsapp", security(("bearer" = [])),
    params(("id" = String, Path, description = "The conversation")), request_body = SendTemplateRequest, responses(
    (status = 403, description = "API keys act for the workspace, not for a person: this needs a team member's sign-in (`forbidden`)", body = ErrorBody),
    (status = 201, description = "Stored and queued for sending", body = MessageView),
    (status = 200, description = "Already stored with this client_message_id", body = MessageView),
    (status = 404, body = ErrorBody),
    (status = 409, description = "Not joined, locked by another agent, resolved, or no number connected", body = ErrorBody),
    (status = 422, body = ErrorBody), (status = 502, body = ErrorBody)))]
#[post("/conversations/{id}/whatsapp-template")]
pub async fn send_template(
    state: web::Data<AppState>,
    member: Member,
    id: web::Path<String>,
    body: ValidJson<SendTemplateRequest>,
) -> Result<HttpResponse, AppError> {
    let (message, created) =
        outbound::send_template(&state, &member, id.into_inner(), body.0).await?;
    Ok(if created {
        HttpResponse::Created().json(message)
    } else {
        HttpResponse::Ok().json(message)
    })
}

/// Meta's verification request.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct Verification {
    /// `subscribe`.
    #[serde(rename = "hub.mode")]
    #[param(rename = "hub.mode")]
    pub mode: Option<String>,
    /// The verify token the workspace chose.
    #[serde(rename = "hub.verify_token")]
    #[param(rename = "hub.verify_token")]
    pub verify_token: Option<String>,
    /// What to echo.
    #[serde(rename = "hub.challenge")]
    #[param(rename = "hub.challenge")]
    pub challenge: Option<String>,
}

/// Meta verifies the webhook of a connected number: the challenge is echoed when the verify
/// token is the workspace's; anything else is 403.
#[utoipa::path(tag = "whatsapp", params(("connector_id" = String, Path, description = "The connector"), Verification), responses(
    (status = 200, description = "The challenge, as plain text", body = String), (status = 403, body = ErrorBody)))]
#[get("/webhook/{connector_id}")]
pub async fn verify_webhook(
    state: web::Data<AppState>,
    connector_id: web::Path<String>,
    q: web::Query<Verification>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let challenge = inbound::verify(
        &state,
        connector_id.into_inner(),
        q.mode,
        q.verify_token,
        q.challenge,
    )
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain")
        .body(challenge))
}

/// Meta posts customers' messages and delivery statuses. The `X-Hub-Signature-256` header
/// must be the HMAC-SHA256 of the raw body with the app secret (401 otherwise, nothing
/// stored); the body is stored and answered at once, and processed in the background.
#[utoipa::path(tag = "whatsapp", params(("connector_id" = String, Path, description = "The connector")),
    request_body(content = serde_json::Value, description = "Meta's webhook payload"), responses(
    (status = 200, description = "Stored"), (status = 400, body = ErrorBody),
    (status = 401, description = "Missing or wrong signature (`invalid_signature`)", body = ErrorBody),
    (status = 403, description = "The payload is for another number", body = ErrorBody),
    (status = 404, body = ErrorBody)))]
#[post("/webhook/{connector_id}")]
pub async fn receive_webhook(
    state: web::Data<AppState>,
    req: HttpRequest,
    connector_id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let signature = req
        .headers()
        .get("x-hub-signature-256")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    inbound::receive(&state, connector_id.into_inner(), signature, body).await?;
    Ok(HttpResponse::Ok().finish())
}
