//! Members at their desk: a presence row per open dashboard event socket, owned by this
//! process, so that "agents online" for visitors means someone really has the dashboard open
//! (on any server process), not only that their availability was left on online.

use chrono::Duration as ChronoDuration;
use switchboard_types::TenantId;

use super::member::Member;
use super::people::PROCESS_ALIVE_SECONDS;
use crate::clock::{new_id, now};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{self, member_presence::MemberPresence, Conn};

/// An open dashboard socket's presence row. Call [`AtDashboard::leave`] when the socket closes;
/// if the socket's task ends without it (a panic), dropping it removes the row in the
/// background.
pub struct AtDashboard {
    state: AppState,
    tenant_id: TenantId,
    presence_id: Option<String>,
}

/// Records that `member` opened the dashboard on this process. API keys are not people at a
/// desk: their sockets record nothing.
pub async fn arrive(state: &AppState, member: &Member) -> Result<AtDashboard, AppError> {
    let mut at = AtDashboard {
        state: state.clone(),
        tenant_id: member.tenant_id.clone(),
        presence_id: None,
    };
    let Some(user_id) = member.user_id_opt() else {
        return Ok(at);
    };
    let row = MemberPresence {
        id: new_id(),
        tenant_id: member.tenant_id.clone(),
        user_id: user_id.to_string(),
        process_id: state.process_id.clone(),
        connected_at: now(),
    };
    let id = row.id.clone();
    state
        .db
        .write(move |conn| Ok(store::member_presence::insert(conn, &row)?))
        .await?;
    at.presence_id = Some(id);
    Ok(at)
}

impl AtDashboard {
    /// The socket closed: its row goes (the member may still be at another tab or process).
    pub async fn leave(mut self) {
        if let Some(id) = self.presence_id.take() {
            remove(&self.state, self.tenant_id.clone(), id).await;
        }
    }
}

impl Drop for AtDashboard {
    fn drop(&mut self) {
        if let Some(id) = self.presence_id.take() {
            let (state, tenant_id) = (self.state.clone(), self.tenant_id.clone());
            actix_web::rt::spawn(async move { remove(&state, tenant_id, id).await });
        }
    }
}

async fn remove(state: &AppState, tenant_id: TenantId, id: String) {
    let result = state
        .db
        .write(move |conn| Ok(store::member_presence::remove(conn, &tenant_id, &id)?))
        .await;
    if let Err(error) = result {
        // The row is ignored once this process stops heartbeating, and swept after.
        tracing::warn!(%error, "could not remove a dashboard presence row");
    }
}

/// Whether a visitor of `tenant_id` can reach someone now: an active member who is online
/// and has the dashboard open on a live server process.
pub fn anyone_online(conn: &mut Conn, tenant_id: &TenantId) -> Result<bool, AppError> {
    let alive_after = now() - ChronoDuration::seconds(PROCESS_ALIVE_SECONDS);
    Ok(store::users::any_online(conn, tenant_id, alive_after)?)
}
