//! The WhatsApp channel's rows: connected numbers, webhook bodies waiting to be processed,
//! customer messages already received (by Meta's id), and the business's sends with their
//! delivery state.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Conn;
use crate::db::schema::{whatsapp_connectors, whatsapp_inbox, whatsapp_received, whatsapp_sends};
use switchboard_types::TenantId;

/// A connected number; the three secrets are sealed (`domain::secrets::SecretBox`).
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = whatsapp_connectors)]
pub struct Connector {
    pub id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub tenant_id: TenantId,
    pub phone_number_id: String,
    pub business_account_id: String,
    pub access_token: String,
    pub app_secret: String,
    pub verify_token: String,
    pub access_token_last4: String,
    pub app_secret_last4: String,
    pub verify_token_last4: String,
    pub connected_at: NaiveDateTime,
    pub last_webhook_at: Option<NaiveDateTime>,
    pub last_send_error: Option<String>,
    pub last_send_error_at: Option<NaiveDateTime>,
}

pub fn connector_of_tenant(
    conn: &mut Conn,
    tenant_id: &TenantId,
) -> QueryResult<Option<Connector>> {
    whatsapp_connectors::table
        .filter(whatsapp_connectors::tenant_id.eq(tenant_id.as_str()))
        .select(Connector::as_select())
        .first(conn)
        .optional()
}

/// A connector by id: the webhook's URL names it before anything is known of the tenant.
pub fn connector(conn: &mut Conn, id: &str) -> QueryResult<Option<Connector>> {
    whatsapp_connectors::table
        .find(id)
        .select(Connector::as_select())
        .first(conn)
        .optional()
}

/// Whether another tenant connected this number already.
pub fn number_taken_elsewhere(
    conn: &mut Conn,
    tenant_id: &TenantId,
    phone_number_id: &str,
) -> QueryResult<bool> {
    let found: i64 = whatsapp_connectors::table
        .filter(whatsapp_connectors::phone_number_id.eq(phone_number_id))
        .filter(whatsapp_connectors::tenant_id.ne(tenant_id.as_str()))
        .count()
        .get_result(conn)?;
    Ok(found > 0)
}

pub fn insert_connector(conn: &mut Conn, c: &Connector) -> QueryResult<()> {
    diesel::insert_into(whatsapp_connectors::table)
        .values(c.clone())
        .execute(conn)
        .map(drop)
}

pub fn update_connector(conn: &mut Conn, c: &Connector) -> QueryResult<()> {
    diesel::update(
        whatsapp_connectors::table
            .filter(whatsapp_connectors::id.eq(&c.id))
            .filter(whatsapp_connectors::tenant_id.eq(c.tenant_id.as_str())),
    )
    .set(c.clone())
    .execute(conn)
    .map(drop)
}

pub fn delete_connector(conn: &mut Conn, tenant_id: &TenantId) -> QueryResult<usize> {
    diesel::delete(
        whatsapp_connectors::table.filter(whatsapp_connectors::tenant_id.eq(tenant_id.as_str())),
    )
    .execute(conn)
}

/// Notes a webhook that passed the signature check (the health line).
pub fn webhook_received(conn: &mut Conn, id: &str, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(whatsapp_connectors::table.find(id))
        .set(whatsapp_connectors::last_webhook_at.eq(at))
        .execute(conn)
        .map(drop)
}

/// Notes the last send's outcome: an error stays on the health line until a send succeeds.
pub fn send_outcome(
    conn: &mut Conn,
    tenant_id: &TenantId,
    error: Option<&str>,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(
        whatsapp_connectors::table.filter(whatsapp_connectors::tenant_id.eq(tenant_id.as_str())),
    )
    .set((
        whatsapp_connectors::last_send_error.eq(error),
        whatsapp_connectors::last_send_error_at.eq(error.map(|_| at)),
    ))
    .execute(conn)
    .map(drop)
}

/// A webhook body waiting to be processed (`next_attempt_at` set) or done (`None`).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = whatsapp_inbox)]
pub struct InboxItem {
    pub id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub tenant_id: TenantId,
    pub connector_id: String,
    pub body: String,
    pub received_at: NaiveDateTime,
    pub attempts: i32,
    pub next_attempt_at: Option<NaiveDateTime>,
    pub last_error: Option<String>,
}

pub fn insert_inbox(conn: &mut Conn, item: &InboxItem) -> QueryResult<()> {
    diesel::insert_into(whatsapp_inbox::table)
        .values(item.clone())
        .execute(conn)
        .map(drop)
}

/// Up to `limit` bodies due by `at`, oldest first.
pub fn due_inbox(conn: &mut Conn, at: NaiveDateTime, limit: i64) -> QueryResult<Vec<InboxItem>> {
    whatsapp_inbox::table
        .filter(whatsapp_inbox::next_attempt_at.le(at))
        .order((whatsapp_inbox::next_attempt_at, whatsapp_inbox::id))
        .select(InboxItem::as_select())
        .limit(limit)
        .load(conn)
}

/// Takes a due body for this attempt by moving its next attempt to `retry_at`: of several
/// processes, the one whose update finds it still due has it (a crash retries it then).
pub fn claim_inbox(
    conn: &mut Conn,
    item: &InboxItem,
    retry_at: NaiveDateTime,
) -> QueryResult<bool> {
    let claimed = diesel::update(
        whatsapp_inbox::table
            .filter(whatsapp_inbox::id.eq(&item.id))
            .filter(whatsapp_inbox::attempts.eq(item.attempts)),
    )
    .set((
        whatsapp_inbox::attempts.eq(item.attempts + 1),
        whatsapp_inbox::next_attempt_at.eq(retry_at),
    ))
    .execute(conn)?;
    Ok(claimed == 1)
}

/// The body was processed (`None`), or waits for another attempt with the error of this one.
pub fn finish_inbox(
    conn: &mut Conn,
    id: &str,
    next_attempt_at: Option<NaiveDateTime>,
    error: Option<&str>,
) -> QueryResult<()> {
    diesel::update(whatsapp_inbox::table.find(id))
        .set((
            whatsapp_inbox::next_attempt_at.eq(next_attempt_at),
            whatsapp_inbox::last_error.eq(error),
        ))
        .execute(conn)
        .map(drop)
}

/// Whether Meta's message `wamid` is stored already.
pub fn received(conn: &mut Conn, tenant_id: &TenantId, wamid: &str) -> QueryResult<bool> {
    let found: i64 = whatsapp_received::table
        .filter(whatsapp_received::tenant_id.eq(tenant_id.as_str()))
        .filter(whatsapp_received::wamid.eq(wamid))
        .count()
        .get_result(conn)?;
    Ok(found > 0)
}

/// Remembers that Meta's message `wamid` is stored as `message_id`; false if it already was
/// (at-least-once delivery). Runs in a savepoint so a duplicate leaves the transaction usable.
pub fn remember_received(
    conn: &mut Conn,
    tenant_id: &TenantId,
    wamid: &str,
    message_id: &str,
) -> QueryResult<bool> {
    let inserted = conn.transaction(|conn| {
        diesel::insert_into(whatsapp_received::table)
            .values((
                whatsapp_received::tenant_id.eq(tenant_id.as_str()),
                whatsapp_received::wamid.eq(wamid),
                whatsapp_received::message_id.eq(message_id),
            ))
            .execute(conn)
    });
    match inserted {
        Ok(_) => Ok(true),
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Ok(false),
        Err(e) => Err(e),
    }
}

/// A business message to WhatsApp: waiting in the outbox while `next_attempt_at` is set, then
/// its delivery state.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = whatsapp_sends)]
pub struct Send {
    pub message_id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub tenant_id: TenantId,
    pub conversation_id: String,
    pub recipient: String,
    /// The Graph API request body, JSON.
    pub request: String,
    pub state: String,
    pub wamid: Option<String>,
    pub attempts: i32,
    pub next_attempt_at: Option<NaiveDateTime>,
    pub error: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert_send(conn: &mut Conn, send: &Send) -> QueryResult<()> {
    diesel::insert_into(whatsapp_sends::table)
        .values(send.clone())
        .execute(conn)
        .map(drop)
}

/// Up to `limit` sends due by `at`, oldest first.
pub fn due_sends(conn: &mut Conn, at: NaiveDateTime, limit: i64) -> QueryResult<Vec<Send>> {
    whatsapp_sends::table
        .filter(whatsapp_sends::next_attempt_at.le(at))
        .order((whatsapp_sends::next_attempt_at, whatsapp_sends::message_id))
        .select(Send::as_select())
        .limit(limit)
        .load(conn)
}

/// Takes a due send for this attempt (see [`claim_inbox`]).
pub fn claim_send(conn: &mut Conn, send: &Send, retry_at: NaiveDateTime) -> QueryResult<bool> {
    let claimed = diesel::update(
        whatsapp_sends::table
            .filter(whatsapp_sends::message_id.eq(&send.message_id))
            .filter(whatsapp_sends::attempts.eq(send.attempts))
            .filter(whatsapp_sends::next_attempt_at.is_not_null()),
    )
    .set((
        whatsapp_sends::attempts.eq(send.attempts + 1),
        whatsapp_sends::next_attempt_at.eq(retry_at),
    ))
    .execute(conn)?;
    Ok(claimed == 1)
}

/// The outcome of one attempt at a send: the state, Meta's id once sent, the error, and when
/// to try again (`None`: no more attempts).
pub struct Attempt<'a> {
    pub state: &'a str,
    pub wamid: Option<&'a str>,
    pub error: Option<&'a str>,
    pub next_attempt_at: Option<NaiveDateTime>,
    pub at: NaiveDateTime,
}

/// Stores the outcome of an attempt at `send`.
pub fn record_attempt(conn: &mut Conn, send: &Send, attempt: &Attempt) -> QueryResult<()> {
    diesel::update(
        whatsapp_sends::table
            .filter(whatsapp_sends::tenant_id.eq(send.tenant_id.as_str()))
            .filter(whatsapp_sends::message_id.eq(&send.message_id)),
    )
    .set((
        whatsapp_sends::state.eq(attempt.state),
        whatsapp_sends::wamid.eq(attempt.wamid),
        whatsapp_sends::error.eq(attempt.error),
        whatsapp_sends::next_attempt_at.eq(attempt.next_attempt_at),
        whatsapp_sends::updated_at.eq(attempt.at),
    ))
    .execute(conn)
    .map(drop)
}

/// The send Meta knows as `wamid`.
pub fn send_by_wamid(
    conn: &mut Conn,
    tenant_id: &TenantId,
    wamid: &str,
) -> QueryResult<Option<Send>> {
    whatsapp_sends::table
        .filter(whatsapp_sends::tenant_id.eq(tenant_id.as_str()))
        .filter(whatsapp_sends::wamid.eq(wamid))
        .select(Send::as_select())
        .first(conn)
        .optional()
}

/// Moves a send's delivery state (the caller checked it moves forward).
pub fn set_state(
    conn: &mut Conn,
    send: &Send,
    state: &str,
    error: Option<&str>,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(
        whatsapp_sends::table
            .filter(whatsapp_sends::tenant_id.eq(send.tenant_id.as_str()))
            .filter(whatsapp_sends::message_id.eq(&send.message_id)),
    )
    .set((
        whatsapp_sends::state.eq(state),
        whatsapp_sends::error.eq(error),
        whatsapp_sends::updated_at.eq(at),
    ))
    .execute(conn)
    .map(drop)
}

/// The delivery state and error of each of `message_ids` that went to WhatsApp.
pub fn states_of(
    conn: &mut Conn,
    tenant_id: &TenantId,
    message_ids: &[String],
) -> QueryResult<Vec<(String, String, Option<String>)>> {
    whatsapp_sends::table
        .filter(whatsapp_sends::tenant_id.eq(tenant_id.as_str()))
        .filter(whatsapp_sends::message_id.eq_any(message_ids))
        .select((
            whatsapp_sends::message_id,
            whatsapp_sends::state,
            whatsapp_sends::error,
        ))
        .load(conn)
}
