//! Visitors browsing the site: a presence row per visitor socket (owned by this process) and
//! the `visitor.online` / `visitor.offline` events the dashboard's live panel follows.

use chrono::Duration as ChronoDuration;
use switchboard_types::events::{EventPayload, VisitorGone};

use super::people::{live_visitor, PROCESS_ALIVE_SECONDS};
use super::validate;
use super::visitor_chat::{ensure_visitor, VisitorCtx};
use crate::clock::{new_id, now};
use crate::error::{AppError, Violations};
use crate::state::AppState;
use crate::store::{self, presence::Presence};

/// The page a visitor reports.
pub struct Page {
    pub url: String,
    pub title: Option<String>,
    pub referrer: Option<String>,
}

/// Records the visitor's page: the first report makes them live (a presence row), later ones
/// move them. Returns the presence row's id.
pub async fn report_page(
    state: &AppState,
    ctx: &VisitorCtx,
    presence_id: Option<String>,
    page: Page,
) -> Result<String, AppError> {
    let mut v = Violations::default();
    let url = validate::text(&mut v, "url", &page.url, 1, 2000);
    let title = validate::optional_text(&mut v, "title", page.title.as_deref(), 300);
    let referrer = validate::optional_text(&mut v, "referrer", page.referrer.as_deref(), 2000);
    v.finish()?;
    let (ctx2, process_id) = (ctx.clone(), state.process_id.clone());
    state
        .transact(&ctx.tenant_id, move |conn, outbox| {
            let visitor = ensure_visitor(conn, &ctx2)?;
            let id = match presence_id {
                Some(id) => {
                    store::presence::update_page(
                        conn,
                        &id,
                        Some(&url),
                        title.as_deref(),
                        referrer.as_deref(),
                    )?;
                    id
                }
                None => {
                    let row = Presence {
                        id: new_id(),
                        tenant_id: ctx2.tenant_id.clone(),
                        visitor_id: ctx2.visitor_id.clone(),
                        process_id,
                        connected_at: now(),
                        page_url: Some(url),
                        page_title: title,
                        referrer,
                    };
                    store::presence::insert(conn, &row)?;
                    row.id
                }
            };
            store::visitors::touch(conn, &ctx2.tenant_id, &ctx2.visitor_id, now())?;
            let presence =
                store::presence::find(conn, &id)?.ok_or(AppError::NotFound("Presence"))?;
            let live = live_visitor(conn, &ctx2.tenant_id, &presence, &visitor)?;
            outbox.emit(EventPayload::VisitorOnline(live), None, None);
            Ok(id)
        })
        .await
}

/// The socket closed: drops its presence row; the visitor goes offline if no other tab is open.
pub async fn depart(
    state: &AppState,
    ctx: &VisitorCtx,
    presence_id: String,
) -> Result<(), AppError> {
    let ctx2 = ctx.clone();
    state
        .transact(&ctx.tenant_id, move |conn, outbox| {
            store::presence::remove(conn, &presence_id)?;
            let alive_after = now() - ChronoDuration::seconds(PROCESS_ALIVE_SECONDS);
            if !store::presence::is_online(conn, &ctx2.tenant_id, &ctx2.visitor_id, alive_after)? {
                outbox.emit(
                    EventPayload::VisitorOffline(VisitorGone {
                        visitor_id: ctx2.visitor_id.clone().into(),
                    }),
                    None,
                    None,
                );
            }
            Ok(())
        })
        .await
}
