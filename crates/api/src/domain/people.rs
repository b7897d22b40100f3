//! Members who can take conversations, and visitors on the site right now.

use chrono::Duration as ChronoDuration;
use switchboard_types::conversations::ConversationState as State;
use switchboard_types::visitors::{AgentSummary, LiveVisitor};
use switchboard_types::Section;
use switchboard_types::TenantId;

use super::member::Member;
use crate::clock::{now, to_utc};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{self, presence::Presence, visitors::Visitor, Conn};

/// A process whose heartbeat is older than this is considered gone with its sockets.
pub const PROCESS_ALIVE_SECONDS: i64 = 30;

/// Active members, for the transfer and delegation pickers.
pub async fn agents(state: &AppState, member: &Member) -> Result<Vec<AgentSummary>, AppError> {
    member.require_section(Section::Conversations)?;
    let tenant = member.tenant_id.clone();
    let users = state
        .db
        .read(move |conn| Ok(store::users::list(conn, &tenant)?))
        .await?;
    Ok(users
        .into_iter()
        .filter(|u| u.active)
        .map(|u| AgentSummary {
            id: u.id.into(),
            name: u.name,
            role: u.role,
            availability: u.availability,
        })
        .collect())
}

/// Visitors connected now, across every live server process, one entry per visitor.
pub async fn live(state: &AppState, member: &Member) -> Result<Vec<LiveVisitor>, AppError> {
    member.require_section(Section::Conversations)?;
    let tenant = member.tenant_id.clone();
    state
        .db
        .read(move |conn| {
            let alive_after = now() - ChronoDuration::seconds(PROCESS_ALIVE_SECONDS);
            let rows = store::presence::live(conn, &tenant, alive_after, 1000)?;
            let mut seen = std::collections::HashSet::new();
            let mut out = Vec::new();
            for (presence, visitor) in rows {
                if seen.insert(visitor.id.clone()) {
                    out.push(live_visitor(conn, &tenant, &presence, &visitor)?);
                }
            }
            Ok(out)
        })
        .await
}

/// One live visitor as the panel shows it.
pub fn live_visitor(
    conn: &mut Conn,
    tenant_id: &TenantId,
    p: &Presence,
    v: &Visitor,
) -> Result<LiveVisitor, AppError> {
    let conversation = store::conversations::latest_of_visitor(conn, tenant_id, &v.id)?;
    let chatting = conversation
        .as_ref()
        .is_some_and(|c| c.status != State::Resolved);
    Ok(LiveVisitor {
        visitor_id: v.id.clone().into(),
        display_id: v.display_id.clone(),
        page_url: p.page_url.clone(),
        page_title: p.page_title.clone(),
        referrer: p.referrer.clone(),
        online_since: to_utc(p.connected_at),
        time_on_site_seconds: (now() - p.connected_at).num_seconds().max(0),
        chatting,
        conversation_id: conversation
            .filter(|c| c.status != State::Resolved)
            .map(|c| c.id.into()),
    })
}
