//! Writing and reading the audit log.

use serde_json::Value;
use switchboard_types::audit::{AuditActor, AuditEntry};
use switchboard_types::page::Page;
use switchboard_types::Section;
use switchboard_types::TenantId;

use super::member::Member;
use super::RequestMeta;
use crate::clock::{new_id, now, to_utc};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{self, audit::AuditRow, Conn};

/// What was acted on.
pub struct Target<'a> {
    pub kind: &'a str,
    pub id: &'a str,
}

/// Records an action by `member` inside the caller's transaction.
pub fn record(
    conn: &mut Conn,
    member: &Member,
    meta: &RequestMeta,
    action: &str,
    target: Option<Target<'_>>,
    details: Value,
) -> Result<(), AppError> {
    let (kind, id, label) = member.audit_identity();
    record_as(
        conn,
        &member.tenant_id,
        (kind, Some(id), Some(label)),
        meta,
        action,
        target,
        details,
    )
}

/// Records an action by an explicit actor (sign-in, where no member exists yet).
pub fn record_as(
    conn: &mut Conn,
    tenant_id: &TenantId,
    actor: (&str, Option<String>, Option<String>),
    meta: &RequestMeta,
    action: &str,
    target: Option<Target<'_>>,
    details: Value,
) -> Result<(), AppError> {
    let row = AuditRow {
        id: new_id(),
        tenant_id: tenant_id.clone(),
        at: now(),
        actor_kind: actor.0.to_string(),
        actor_id: actor.1,
        actor_label: actor.2,
        action: action.to_string(),
        target_type: target.as_ref().map(|t| t.kind.to_string()),
        target_id: target.as_ref().map(|t| t.id.to_string()),
        ip: meta.ip.clone(),
        details: if details.is_null() {
            "{}".into()
        } else {
            details.to_string()
        },
    };
    store::audit::insert(conn, &row)?;
    Ok(())
}

/// A page of the tenant's audit log, newest first, optionally of one action or group.
pub async fn list(
    state: &AppState,
    member: &Member,
    action: Option<String>,
    cursor: Option<String>,
    limit: i64,
) -> Result<Page<AuditEntry>, AppError> {
    member.require_section(Section::Settings)?;
    let after = super::validate::time_cursor(cursor.as_deref())?;
    let mut v = crate::error::Violations::default();
    let action = super::validate::optional_text(&mut v, "action", action.as_deref(), 60);
    v.finish()?;
    let tenant = member.tenant_id.clone();
    let rows = state
        .db
        .read(move |conn| {
            let rows = store::audit::page(conn, &tenant, action.as_deref(), after, limit + 1)?;
            Ok(rows)
        })
        .await?;
    Ok(super::validate::paginate(
        rows,
        limit,
        |r| (r.at, r.id.clone()),
        to_entry,
    ))
}

fn to_entry(row: AuditRow) -> AuditEntry {
    AuditEntry {
        id: row.id.into(),
        at: to_utc(row.at),
        actor: AuditActor {
            kind: row.actor_kind,
            id: row.actor_id,
            label: row.actor_label,
        },
        action: row.action,
        target_type: row.target_type,
        target_id: row.target_id,
        ip: row.ip,
        details: serde_json::from_str(&row.details).unwrap_or(Value::Null),
    }
}
