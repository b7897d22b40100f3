//! Quick replies: tenant-wide canned responses. Everyone reads them and may add one; changing
//! or deleting one is for its author, admins and the owner.

use serde_json::json;
use switchboard_types::quick_replies::{QuickReplyRequest, QuickReplyView};
use switchboard_types::TenantId;
use switchboard_types::{Role, Section};

use super::member::Member;
use super::validate;
use crate::clock::{new_id, now, to_utc};
use crate::error::{AppError, ErrorCode, Violations};
use crate::state::AppState;
use crate::store::{self, quick_replies::QuickReply, Conn};

/// Lists the tenant's quick replies by shortcut, or those starting with `prefix` (the `/` menu).
pub async fn list(
    state: &AppState,
    member: &Member,
    prefix: Option<String>,
) -> Result<Vec<QuickReplyView>, AppError> {
    member.require_section(Section::Conversations)?;
    // A slash and the longest shortcut; anything longer cannot match one.
    if prefix.as_ref().is_some_and(|p| p.chars().count() > 33) {
        return Err(AppError::invalid_field(
            "prefix",
            "must be at most 33 characters",
        ));
    }
    let prefix = prefix
        .map(|p| p.trim().trim_start_matches('/').to_lowercase())
        .filter(|p| !p.is_empty());
    let limit = if prefix.is_some() { 20 } else { 500 };
    let tenant = member.tenant_id.clone();
    let rows = state
        .db
        .read(move |conn| {
            Ok(store::quick_replies::list(
                conn,
                &tenant,
                prefix.as_deref(),
                limit,
            )?)
        })
        .await?;
    Ok(rows.into_iter().map(view).collect())
}

/// Adds a quick reply.
pub async fn create(
    state: &AppState,
    member: &Member,
    req: QuickReplyRequest,
) -> Result<QuickReplyView, AppError> {
    member.require_section(Section::Conversations)?;
    let (shortcut, title, body) = validate_request(&req)?;
    let at = now();
    let reply = QuickReply {
        id: new_id(),
        tenant_id: member.tenant_id.clone(),
        shortcut,
        title,
        body,
        created_by: member.user_id_opt().map(str::to_string),
        created_at: at,
        updated_at: at,
    };
    state
        .db
        .write(move |conn| {
            ensure_shortcut_free(conn, &reply.tenant_id, &reply.shortcut, None)?;
            store::quick_replies::insert(conn, &reply)?;
            Ok(view(reply))
        })
        .await
}

/// Replaces a quick reply's shortcut, title and body.
pub async fn update(
    state: &AppState,
    member: &Member,
    id: String,
    req: QuickReplyRequest,
) -> Result<QuickReplyView, AppError> {
    member.require_section(Section::Conversations)?;
    let (shortcut, title, body) = validate_request(&req)?;
    let member = member.clone();
    state
        .db
        .write(move |conn| {
            let mut reply = editable(conn, &member, &id)?;
            ensure_shortcut_free(conn, &member.tenant_id, &shortcut, Some(&id))?;
            reply.shortcut = shortcut;
            reply.title = title;
            reply.body = body;
            reply.updated_at = now();
            store::quick_replies::update(conn, &reply)?;
            Ok(view(reply))
        })
        .await
}

/// Deletes a quick reply.
pub async fn delete(state: &AppState, member: &Member, id: String) -> Result<(), AppError> {
    member.require_section(Section::Conversations)?;
    let member = member.clone();
    state
        .db
        .write(move |conn| {
            editable(conn, &member, &id)?;
            store::quick_replies::delete(conn, &member.tenant_id, &id)?;
            Ok(())
        })
        .await
}

fn editable(conn: &mut Conn, member: &Member, id: &str) -> Result<QuickReply, AppError> {
    let reply = store::quick_replies::find(conn, &member.tenant_id, id)?
        .ok_or(AppError::NotFound("Quick reply"))?;
    let author = reply.created_by.is_some() && reply.created_by.as_deref() == member.user_id_opt();
    if author || member.role.at_least(Role::Admin) {
        Ok(reply)
    } else {
        Err(AppError::Forbidden(
            "Only its author, an admin or the owner can change this quick reply.".into(),
        ))
    }
}

fn ensure_shortcut_free(
    conn: &mut Conn,
    tenant_id: &TenantId,
    shortcut: &str,
    except: Option<&str>,
) -> Result<(), AppError> {
    match store::quick_replies::find_by_shortcut(conn, tenant_id, shortcut)? {
        Some(existing) if Some(existing.id.as_str()) != except => Err(AppError::conflict(
            ErrorCode::ShortcutTaken,
            format!("The shortcut /{shortcut} is already used by another quick reply."),
            json!({ "field": "shortcut" }),
        )),
        _ => Ok(()),
    }
}

fn validate_request(req: &QuickReplyRequest) -> Result<(String, String, String), AppError> {
    let mut v = Violations::default();
    let shortcut = validate::text(
        &mut v,
        "shortcut",
        req.shortcut.trim_start_matches('/'),
        1,
        32,
    )
    .to_lowercase();
    if !shortcut
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        v.add("shortcut", "may only contain a-z, 0-9, - and _");
    }
    let title = validate::text(&mut v, "title", &req.title, 1, 100);
    let body = validate::text(&mut v, "body", &req.body, 1, 4000);
    v.finish()?;
    Ok((shortcut, title, body))
}

fn view(r: QuickReply) -> QuickReplyView {
    QuickReplyView {
        id: r.id.into(),
        shortcut: r.shortcut,
        title: r.title,
        body: r.body,
        created_at: to_utc(r.created_at),
        updated_at: to_utc(r.updated_at),
    }
}
