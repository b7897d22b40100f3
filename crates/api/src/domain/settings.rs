//! The signed-in member's own view (`/me`, availability), workspace settings and billing.

use serde_json::json;
use switchboard_types::auth::{Availability, Me, TenantView};
use switchboard_types::events::{AvailabilityChanged, EventPayload};
use switchboard_types::settings::{BillingSummary, UpdateSettingsRequest, WorkspaceSettings};
use switchboard_types::Section;

use super::audit;
use super::member::Member;
use super::team::{find_member, user_view};
use super::{validate, RequestMeta};
use crate::error::{AppError, Violations};
use crate::state::AppState;
use crate::store::{self, tenants::Tenant, tenants::TenantSettingsChange};

/// Seats included in each plan.
const TRIAL_SEATS: i64 = 5;

/// The member, their tenant and the sections their role may open.
pub async fn me(state: &AppState, member: &Member) -> Result<Me, AppError> {
    let user_id = member.user_id()?.to_string();
    let (tenant_id, role) = (member.tenant_id.clone(), member.role);
    state
        .db
        .read(move |conn| {
            let user = find_member(conn, &tenant_id, &user_id)?;
            let tenant = store::tenants::find(conn, &tenant_id)?;
            Ok(Me {
                user: user_view(user),
                tenant: tenant_view(&tenant),
                sections: role.sections(),
            })
        })
        .await
}

/// Sets whether the member shows as online to visitors; the team sees it change live.
pub async fn set_availability(
    state: &AppState,
    member: &Member,
    availability: Availability,
    meta: RequestMeta,
) -> Result<Me, AppError> {
    let user_id = member.user_id()?.to_string();
    let member2 = member.clone();
    state
        .transact(&member.tenant_id, move |conn, outbox| {
            store::users::set_availability(
                conn,
                &member2.tenant_id,
                &user_id,
                availability.as_str(),
            )?;
            let user = find_member(conn, &member2.tenant_id, &user_id)?;
            let change = AvailabilityChanged {
                user_id: user.id.into(),
                name: user.name,
                availability,
            };
            outbox.emit(EventPayload::AgentAvailability(change), None, None);
            audit::record(
                conn,
                &member2,
                &meta,
                "team.availability_changed",
                None,
                json!({ "availability": availability.as_str() }),
            )
        })
        .await?;
    me(state, member).await
}

/// The workspace's settings.
pub async fn get(state: &AppState, member: &Member) -> Result<WorkspaceSettings, AppError> {
    member.require_section(Section::Settings)?;
    let tenant_id = member.tenant_id.clone();
    let tenant = state
        .db
        .read(move |conn| Ok(store::tenants::find(conn, &tenant_id)?))
        .await?;
    Ok(settings_view(&tenant))
}

/// Changes the given settings.
pub async fn update(
    state: &AppState,
    member: &Member,
    req: UpdateSettingsRequest,
    meta: RequestMeta,
) -> Result<WorkspaceSettings, AppError> {
    member.require_section(Section::Settings)?;
    let change = validate_change(&req)?;
    let member2 = member.clone();
    state
        .db
        .write(move |conn| {
            store::tenants::update_settings(conn, &member2.tenant_id, &change)?;
            let details = serde_json::to_value(&req).unwrap_or_default();
            audit::record(conn, &member2, &meta, "settings.updated", None, details)
        })
        .await?;
    get(state, member).await
}

fn validate_change(req: &UpdateSettingsRequest) -> Result<TenantSettingsChange, AppError> {
    let mut v = Violations::default();
    let mut change = TenantSettingsChange {
        name: req
            .name
            .as_deref()
            .map(|n| validate::text(&mut v, "name", n, 1, 100)),
        time_zone: req
            .time_zone
            .as_deref()
            .map(|tz| validate::time_zone(&mut v, "time_zone", tz)),
        reopen_policy: req.reopen_policy.map(String::from),
        rating_categories: None,
    };
    if let Some(categories) = &req.rating_categories {
        if categories.len() > 20 {
            v.add("rating_categories", "must have at most 20 categories");
        }
        let cleaned: Vec<String> = categories
            .iter()
            .enumerate()
            .map(|(i, c)| validate::text(&mut v, &format!("rating_categories[{i}]"), c, 1, 40))
            .collect();
        change.rating_categories = Some(json!(cleaned).to_string());
    }
    v.finish()?;
    Ok(change)
}

/// The plan and its seats (owner only).
pub async fn billing(state: &AppState, member: &Member) -> Result<BillingSummary, AppError> {
    member.require_section(Section::Billing)?;
    let tenant_id = member.tenant_id.clone();
    state
        .db
        .read(move |conn| {
            let tenant = store::tenants::find(conn, &tenant_id)?;
            Ok(BillingSummary {
                plan: tenant.plan,
                seats_used: store::users::count_active(conn, &tenant_id)?,
                seats_included: TRIAL_SEATS,
            })
        })
        .await
}

/// The tenant as members see it.
pub fn tenant_view(tenant: &Tenant) -> TenantView {
    TenantView {
        id: tenant.id.clone(),
        name: tenant.name.clone(),
        time_zone: tenant.time_zone.clone(),
        widget_key: tenant.widget_key.clone(),
    }
}

fn settings_view(tenant: &Tenant) -> WorkspaceSettings {
    WorkspaceSettings {
        name: tenant.name.clone(),
        time_zone: tenant.time_zone.clone(),
        rating_categories: serde_json::from_str(&tenant.rating_categories).unwrap_or_default(),
        reopen_policy: tenant.reopen_policy,
    }
}
