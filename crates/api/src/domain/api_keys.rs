//! Integrators' API keys: created and revoked by admins and the owner; the secret is shown once.

use serde_json::json;
use switchboard_types::api_keys::{ApiKeyView, CreateApiKeyRequest, CreatedApiKey};
use switchboard_types::Section;

use super::audit::{self, Target};
use super::auth::API_KEY_PREFIX;
use super::member::Member;
use super::{secrets, validate, RequestMeta};
use crate::clock::{new_id, now, to_utc};
use crate::error::{AppError, ErrorCode, Violations};
use crate::state::AppState;
use crate::store::{self, api_keys::ApiKey};

/// API keys belong to the Connectors section (integrations).
const SECTION: Section = Section::Connectors;

/// Creates a key; the returned secret is never shown again.
pub async fn create(
    state: &AppState,
    member: &Member,
    req: CreateApiKeyRequest,
    meta: RequestMeta,
) -> Result<CreatedApiKey, AppError> {
    member.require_section(SECTION)?;
    let mut v = Violations::default();
    let name = validate::text(&mut v, "name", &req.name, 1, 100);
    v.finish()?;
    let created_by = member.user_id()?.to_string();
    let secret = format!("{API_KEY_PREFIX}{}", secrets::random_token());
    let key = ApiKey {
        id: new_id(),
        tenant_id: member.tenant_id.clone(),
        name,
        prefix: secret[..12].to_string(),
        secret_hash: secrets::token_hash(&secret),
        created_by,
        created_at: now(),
        last_used_at: None,
        revoked_at: None,
    };
    let member = member.clone();
    let key = state
        .db
        .write(move |conn| {
            store::api_keys::insert(conn, &key)?;
            let target = Target {
                kind: "api_key",
                id: &key.id,
            };
            audit::record(
                conn,
                &member,
                &meta,
                "api_key.created",
                Some(target),
                json!({ "name": key.name }),
            )?;
            Ok(key)
        })
        .await?;
    Ok(CreatedApiKey {
        key: view(key),
        secret,
    })
}

/// The tenant's keys, newest first, without secrets.
pub async fn list(state: &AppState, member: &Member) -> Result<Vec<ApiKeyView>, AppError> {
    member.require_section(SECTION)?;
    let tenant = member.tenant_id.clone();
    let keys = state
        .db
        .read(move |conn| Ok(store::api_keys::list(conn, &tenant)?))
        .await?;
    Ok(keys.into_iter().map(view).collect())
}

/// Revokes a key; it stops working on the next request.
pub async fn revoke(
    state: &AppState,
    member: &Member,
    key_id: String,
    meta: RequestMeta,
) -> Result<(), AppError> {
    member.require_section(SECTION)?;
    let member = member.clone();
    state
        .db
        .write(move |conn| {
            let key = store::api_keys::find(conn, &member.tenant_id, &key_id)?
                .ok_or(AppError::NotFound("API key"))?;
            if store::api_keys::revoke(conn, &member.tenant_id, &key.id, now())? == 0 {
                return Err(AppError::conflict(
                    ErrorCode::AlreadyRevoked,
                    "This API key is already revoked.",
                    json!({}),
                ));
            }
            let target = Target {
                kind: "api_key",
                id: &key.id,
            };
            audit::record(
                conn,
                &member,
                &meta,
                "api_key.revoked",
                Some(target),
                json!({ "name": key.name }),
            )
        })
        .await
}

/// Attributes one API call to the key that made it: an audit line and the key's last use.
pub async fn record_call(
    state: &AppState,
    member: Member,
    meta: RequestMeta,
    route: String,
    status: u16,
) {
    let result = state
        .db
        .write(move |conn| {
            if let super::member::Actor::ApiKey { key_id, .. } = &member.actor {
                store::api_keys::touch(conn, &member.tenant_id, key_id, now())?;
            }
            audit::record(
                conn,
                &member,
                &meta,
                "api_key.request",
                None,
                json!({ "route": route, "status": status }),
            )
        })
        .await;
    if let Err(error) = result {
        tracing::warn!(%error, "could not record an API key call in the audit log");
    }
}

fn view(key: ApiKey) -> ApiKeyView {
    ApiKeyView {
        id: key.id.into(),
        name: key.name,
        prefix: key.prefix,
        created_by: key.created_by.into(),
        created_at: to_utc(key.created_at),
        last_used_at: key.last_used_at.map(to_utc),
        revoked_at: key.revoked_at.map(to_utc),
    }
}
