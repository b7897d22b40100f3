//! Tenants (workspaces).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Conn;
use crate::db::schema::tenants;
use switchboard_types::settings::ReopenPolicy;
use switchboard_types::TenantId;

/// A tenant row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = tenants)]
pub struct Tenant {
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub id: TenantId,
    pub name: String,
    pub time_zone: String,
    pub widget_key: String,
    pub rating_categories: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub reopen_policy: ReopenPolicy,
    pub plan: String,
    pub event_seq: i64,
    pub created_at: NaiveDateTime,
    /// `WidgetSettings` as JSON.
    pub widget_settings: String,
}

/// Settings columns an admin may change.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = tenants)]
pub struct TenantSettingsChange {
    pub name: Option<String>,
    pub time_zone: Option<String>,
    pub rating_categories: Option<String>,
    pub reopen_policy: Option<String>,
}

impl TenantSettingsChange {
    /// Whether it changes nothing.
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.time_zone.is_none()
            && self.rating_categories.is_none()
            && self.reopen_policy.is_none()
    }
}

pub fn insert(conn: &mut Conn, tenant: &Tenant) -> QueryResult<()> {
    diesel::insert_into(tenants::table)
        .values(tenant.clone())
        .execute(conn)
        .map(|_| ())
}

pub fn find(conn: &mut Conn, tenant_id: &TenantId) -> QueryResult<Tenant> {
    tenants::table
        .find(tenant_id.as_str())
        .select(Tenant::as_select())
        .first(conn)
}

pub fn find_by_widget_key(conn: &mut Conn, widget_key: &str) -> QueryResult<Option<Tenant>> {
    tenants::table
        .filter(tenants::widget_key.eq(widget_key))
        .select(Tenant::as_select())
        .first(conn)
        .optional()
}

/// Replaces the widget's settings (JSON).
pub fn set_widget_settings(conn: &mut Conn, tenant_id: &TenantId, json: &str) -> QueryResult<()> {
    diesel::update(tenants::table.find(tenant_id.as_str()))
        .set(tenants::widget_settings.eq(json))
        .execute(conn)
        .map(|_| ())
}

/// Writes the settings `change` names; a change that names none is a no-op (diesel refuses an
/// UPDATE with nothing to set, and "absent stays as it is" holds for every field at once too).
pub fn update_settings(
    conn: &mut Conn,
    tenant_id: &TenantId,
    change: &TenantSettingsChange,
) -> QueryResult<()> {
    if change.is_empty() {
        return Ok(());
    }
    diesel::update(tenants::table.find(tenant_id.as_str()))
        .set(change)
        .execute(conn)
        .map(|_| ())
}

/// Whether any tenant exists yet (first start seeds a demo workspace when none does).
pub fn any_exist(conn: &mut Conn) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(tenants::table.select(tenants::id))).get_result(conn)
}
