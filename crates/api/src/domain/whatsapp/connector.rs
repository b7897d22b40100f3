//! Connecting a WhatsApp number (admins and the owner): its ids and secrets, stored sealed and
//! shown only by their last four characters, its webhook URL, and its health line.

use switchboard_types::whatsapp::{
    WhatsappConnector, WhatsappConnectorRequest, WhatsappTemplate, WhatsappTemplates,
    WhatsappTestRequest, WhatsappTestResult,
};
use switchboard_types::{Section, TenantId};

use super::graph::GraphError;
use crate::clock::{new_id, now, to_utc};
use crate::domain::audit::{self, Target};
use crate::domain::member::Member;
use crate::domain::secrets::last4;
use crate::domain::RequestMeta;
use crate::error::{AppError, ErrorCode, Violations};
use crate::state::AppState;
use crate::store::{self, whatsapp::Connector};

/// A connector with its secrets opened, for calling the Graph API and checking webhooks.
#[derive(Clone)]
pub struct Opened {
    pub id: String,
    pub tenant_id: TenantId,
    pub phone_number_id: String,
    pub business_account_id: String,
    pub access_token: String,
    pub app_secret: String,
    pub verify_token: String,
}

/// Opens a stored connector's secrets.
pub fn open(state: &AppState, c: &Connector) -> Result<Opened, AppError> {
    let secrets = state.whatsapp.secrets();
    Ok(Opened {
        id: c.id.clone(),
        tenant_id: c.tenant_id.clone(),
        phone_number_id: c.phone_number_id.clone(),
        business_account_id: c.business_account_id.clone(),
        access_token: secrets.open(&c.access_token)?,
        app_secret: secrets.open(&c.app_secret)?,
        verify_token: secrets.open(&c.verify_token)?,
    })
}

/// The tenant's connector, opened; 409 `whatsapp_not_connected` when there is none.
pub async fn opened_of_tenant(state: &AppState, tenant_id: &TenantId) -> Result<Opened, AppError> {
    let tenant_id = tenant_id.clone();
    let stored = state
        .db
        .read(move |conn| Ok(store::whatsapp::connector_of_tenant(conn, &tenant_id)?))
        .await?
        .ok_or_else(not_connected)?;
    open(state, &stored)
}

pub fn not_connected() -> AppError {
    AppError::conflict(
        ErrorCode::WhatsappNotConnected,
        "No WhatsApp number is connected: connect one under Connectors → WhatsApp.",
        serde_json::Value::Null,
    )
}

/// The connected number (404 when none).
pub async fn get(state: &AppState, member: &Member) -> Result<WhatsappConnector, AppError> {
    member.require_section(Section::Connectors)?;
    let tenant_id = member.tenant_id.clone();
    let stored = state
        .db
        .read(move |conn| Ok(store::whatsapp::connector_of_tenant(conn, &tenant_id)?))
        .await?
        .ok_or(AppError::NotFound("WhatsApp connector"))?;
    Ok(view(state, &stored))
}

/// Connects the number, or changes it; a secret left out keeps its stored value.
pub async fn put(
    state: &AppState,
    member: &Member,
    req: WhatsappConnectorRequest,
    meta: RequestMeta,
) -> Result<WhatsappConnector, AppError> {
    member.require_section(Section::Connectors)?;
    let req = validated(req)?;
    let (st, member2) = (state.clone(), member.clone());
    let saved = state
        .db
        .write(move |conn| {
            let tenant = &member2.tenant_id;
            if store::whatsapp::number_taken_elsewhere(conn, tenant, &req.phone_number_id)? {
                return Err(AppError::invalid_field(
                    "phone_number_id",
                    "is connected to another workspace",
                ));
            }
            let before = store::whatsapp::connector_of_tenant(conn, tenant)?;
            let c = merged(&st, tenant, before.as_ref(), req)?;
            match before {
                Some(_) => store::whatsapp::update_connector(conn, &c)?,
                None => store::whatsapp::insert_connector(conn, &c)?,
            }
            let details = serde_json::json!({ "phone_number_id": c.phone_number_id });
            let target = Target {
                kind: "whatsapp_connector",
                id: &c.id,
            };
            audit::record(
                conn,
                &member2,
                &meta,
                "whatsapp.connected",
                Some(target),
                details,
            )?;
            Ok(c)
        })
        .await?;
    Ok(view(state, &saved))
}

/// Disconnects the number: its webhook stops accepting posts at once.
pub async fn delete(state: &AppState, member: &Member, meta: RequestMeta) -> Result<(), AppError> {
    member.require_section(Section::Connectors)?;
    let member2 = member.clone();
    state
        .db
        .write(move |conn| {
            if store::whatsapp::delete_connector(conn, &member2.tenant_id)? == 0 {
                return Err(AppError::NotFound("WhatsApp connector"));
            }
            let details = serde_json::Value::Null;
            audit::record(
                conn,
                &member2,
                &meta,
                "whatsapp.disconnected",
                None,
                details,
            )
        })
        .await
}

/// Sends a text from the connected number to `to`, straight away (not through the outbox:
/// the admin waits for Meta's answer).
pub async fn send_test(
    state: &AppState,
    member: &Member,
    req: WhatsappTestRequest,
) -> Result<WhatsappTestResult, AppError> {
    member.require_section(Section::Connectors)?;
    let to: String = req.to.trim().trim_start_matches('+').to_string();
    if to.len() < 6 || to.len() > 20 || !to.chars().all(|c| c.is_ascii_digit()) {
        return Err(AppError::invalid_field(
            "to",
            "must be a phone number in international format, e.g. +4915112345678",
        ));
    }
    let c = opened_of_tenant(state, &member.tenant_id).await?;
    let body = super::outbound::text_request(
        &to,
        "This is a test message from Switchboard: your WhatsApp number is connected.",
    );
    let sent = state
        .whatsapp
        .graph()
        .send(&c.access_token, &c.phone_number_id, &body)
        .await;
    let error = sent.as_ref().err().map(|e| e.message.clone());
    let tenant_id = member.tenant_id.clone();
    state
        .db
        .write(move |conn| {
            Ok(store::whatsapp::send_outcome(
                conn,
                &tenant_id,
                error.as_deref(),
                now(),
            )?)
        })
        .await?;
    let wamid = sent.map_err(upstream)?;
    Ok(WhatsappTestResult { wamid })
}

/// The business account's templates, as the Graph API lists them.
pub async fn templates(state: &AppState, member: &Member) -> Result<WhatsappTemplates, AppError> {
    member.require_section(Section::Conversations)?;
    let c = opened_of_tenant(state, &member.tenant_id).await?;
    let listed = state
        .whatsapp
        .graph()
        .templates(&c.access_token, &c.business_account_id)
        .await
        .map_err(upstream)?;
    let templates = listed["data"]
        .as_array()
        .map(|all| all.iter().filter_map(template).collect())
        .unwrap_or_default();
    Ok(WhatsappTemplates { templates })
}

fn template(t: &serde_json::Value) -> Option<WhatsappTemplate> {
    let body = t["components"]
        .as_array()?
        .iter()
        .find(|c| c["type"].as_str() == Some("BODY"))
        .and_then(|c| c["text"].as_str())
        .unwrap_or_default()
        .to_string();
    Some(WhatsappTemplate {
        name: t["name"].as_str()?.to_string(),
        language: t["language"].as_str()?.to_string(),
        status: t["status"].as_str().unwrap_or_default().to_string(),
        category: t["category"].as_str().unwrap_or_default().to_string(),
        parameter_count: body.matches("{{").count(),
        body,
    })
}

pub fn upstream(e: GraphError) -> AppError {
    AppError::Upstream(e.message)
}

/// The connector as admins see it.
fn view(state: &AppState, c: &Connector) -> WhatsappConnector {
    let base = state.config.public_url.clone().unwrap_or_default();
    WhatsappConnector {
        id: c.id.clone().into(),
        phone_number_id: c.phone_number_id.clone(),
        business_account_id: c.business_account_id.clone(),
        access_token_last4: c.access_token_last4.clone(),
        app_secret_last4: c.app_secret_last4.clone(),
        verify_token_last4: c.verify_token_last4.clone(),
        webhook_url: format!("{base}/api/whatsapp/v1/webhook/{}", c.id),
        connected_at: to_utc(c.connected_at),
        last_webhook_at: c.last_webhook_at.map(to_utc),
        last_send_error: c.last_send_error.clone(),
        last_send_error_at: c.last_send_error_at.map(to_utc),
    }
}

/// Trimmed, with every field's problem named.
fn validated(req: WhatsappConnectorRequest) -> Result<WhatsappConnectorRequest, AppError> {
    let mut v = Violations::default();
    let digits = |v: &mut Violations, field: &str, value: &str| -> String {
        let value = value.trim().to_string();
        if value.is_empty() || value.len() > 40 || !value.chars().all(|c| c.is_ascii_digit()) {
            v.add(field, "must be the id Meta shows, digits only");
        }
        value
    };
    let secret = |v: &mut Violations, field: &str, value: Option<String>, max: usize| {
        let value = value
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        if value.as_ref().is_some_and(|s| s.chars().count() > max) {
            v.add(field, format!("must be at most {max} characters"));
        }
        value
    };
    let req = WhatsappConnectorRequest {
        phone_number_id: digits(&mut v, "phone_number_id", &req.phone_number_id),
        business_account_id: digits(&mut v, "business_account_id", &req.business_account_id),
        access_token: secret(&mut v, "access_token", req.access_token, 1000),
        app_secret: secret(&mut v, "app_secret", req.app_secret, 200),
        verify_token: secret(&mut v, "verify_token", req.verify_token, 200),
    };
    v.finish()?;
    Ok(req)
}

/// The row to store: new secrets sealed, missing ones kept (required when connecting anew).
fn merged(
    state: &AppState,
    tenant_id: &TenantId,
    before: Option<&Connector>,
    req: WhatsappConnectorRequest,
) -> Result<Connector, AppError> {
    let secrets = state.whatsapp.secrets();
    let mut v = Violations::default();
    let mut sealed =
        |field: &str, new: Option<String>, kept: Option<(&String, &String)>| match (new, kept) {
            (Some(s), _) => (secrets.seal(&s), last4(&s)),
            (None, Some((stored, last))) => (stored.clone(), last.clone()),
            (None, None) => {
                v.add(field, "is required to connect a number");
                (String::new(), String::new())
            }
        };
    let (access_token, access_token_last4) = sealed(
        "access_token",
        req.access_token,
        before.map(|b| (&b.access_token, &b.access_token_last4)),
    );
    let (app_secret, app_secret_last4) = sealed(
        "app_secret",
        req.app_secret,
        before.map(|b| (&b.app_secret, &b.app_secret_last4)),
    );
    let (verify_token, verify_token_last4) = sealed(
        "verify_token",
        req.verify_token,
        before.map(|b| (&b.verify_token, &b.verify_token_last4)),
    );
    v.finish()?;
    Ok(Connector {
        id: before.map(|b| b.id.clone()).unwrap_or_else(new_id),
        tenant_id: tenant_id.clone(),
        phone_number_id: req.phone_number_id,
        business_account_id: req.business_account_id,
        access_token,
        app_secret,
        verify_token,
        access_token_last4,
        app_secret_last4,
        verify_token_last4,
        connected_at: before.map(|b| b.connected_at).unwrap_or_else(now),
        last_webhook_at: before.and_then(|b| b.last_webhook_at),
        last_send_error: before.and_then(|b| b.last_send_error.clone()),
        last_send_error_at: before.and_then(|b| b.last_send_error_at),
    })
}
