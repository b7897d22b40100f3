//! Moves published events from the bus into the hub: one serialized frame per event, shared by
//! every dashboard socket of the tenant, and the event handed to the visitor it concerns.
//! A periodic check compares each tenant's position with the database and replays anything the
//! bus lost (a lagging subscriber, a Redis outage): the event log is the source of truth.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::broadcast::error::RecvError;

use super::bus::Published;
use super::hub::{Frame, Hub};
use crate::state::AppState;
use crate::store::events::{self as event_store, EventRecord};

/// How often positions are compared with the database.
const CATCH_UP_EVERY: Duration = Duration::from_secs(2);
/// How long an event the database has numbered may still be on its way to this process (the
/// sequencer publishes right after its commit; Redis adds a hop) before it counts as lost.
const IN_FLIGHT: Duration = Duration::from_millis(250);

/// Runs for the life of the process.
pub async fn run(state: AppState) {
    actix_web::rt::spawn(check_positions(state.clone()));
    let mut published = state.bus.subscribe();
    loop {
        match published.recv().await {
            Ok(batch) => dispatch(&state.hub, &batch),
            Err(RecvError::Lagged(missed)) => {
                tracing::warn!(
                    missed,
                    "event dispatch lagged; catching up from the database"
                );
                state.catch_up.notify_one();
            }
            Err(RecvError::Closed) => break,
        }
    }
}

/// Compares positions with the database every [`CATCH_UP_EVERY`] and when asked (a lagging
/// bus, a Redis re-subscription). Its own task: a database read that waits for a pooled
/// connection under load must not hold up live events.
async fn check_positions(state: AppState) {
    let mut check = actix_web::rt::time::interval(CATCH_UP_EVERY);
    loop {
        tokio::select! {
            _ = check.tick() => {}
            _ = state.catch_up.notified() => {}
        }
        catch_up(&state).await;
    }
}

/// Hands a batch to the hub.
pub fn dispatch(hub: &Hub, batch: &Published) {
    for event in &batch.events {
        let Some(seq) = event.seq else { continue };
        if !hub.accept(&batch.tenant_id, seq) {
            continue;
        }
        hub.to_dashboards(&batch.tenant_id, seq, &envelope(event, seq));
        if let Some(visitor) = event.visitor_id.as_deref() {
            let sockets = hub.visitor_sockets(&batch.tenant_id, visitor);
            // The tab that sent a message has its ack; only the visitor's other tabs need it.
            if sockets > 1 || (sockets == 1 && !is_own_message(event)) {
                hub.to_visitor(
                    &batch.tenant_id,
                    visitor,
                    &Frame::from(event.kind.as_str()),
                    &Frame::from(event.data.as_str()),
                );
            }
        }
    }
}

/// Whether the event is a message the visitor wrote.
fn is_own_message(event: &EventRecord) -> bool {
    #[derive(serde::Deserialize)]
    struct Probe {
        message: Sender,
    }
    #[derive(serde::Deserialize)]
    struct Sender {
        sender: switchboard_types::messages::Sender,
    }
    event.kind == "message.created"
        && serde_json::from_str::<Probe>(&event.data)
            .is_ok_and(|p| p.message.sender == switchboard_types::messages::Sender::Customer)
}

/// The dashboard frame `{"seq", "type", "at", "data"}`, built from the stored JSON without
/// parsing it again.
pub fn envelope(event: &EventRecord, seq: i64) -> Frame {
    let at = event
        .at
        .and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    Frame::from(format!(
        r#"{{"seq":{seq},"type":"{}","at":"{at}","data":{}}}"#,
        event.kind, event.data
    ))
}

/// Replays events the database has and this process has not dispatched.
async fn catch_up(state: &AppState) {
    let positions = state.hub.positions();
    if positions.is_empty() {
        return;
    }
    let tenants: Vec<String> = positions.iter().map(|(t, _)| t.clone()).collect();
    let latest = match state
        .db
        .read(move |conn| Ok(event_store::latest_seqs(conn, &tenants)?))
        .await
    {
        Ok(latest) => latest,
        Err(error) => return tracing::warn!(%error, "could not check event positions"),
    };
    let behind = |positions: &[(String, i64)], tenant: &str, seq: i64| {
        positions
            .iter()
            .find(|(t, _)| t == tenant)
            .filter(|(_, dispatched)| seq > *dispatched)
            .map(|(_, dispatched)| *dispatched)
    };
    let mut suspects: Vec<(String, i64)> = latest
        .into_iter()
        .filter(|(tenant, seq)| behind(&positions, tenant, *seq).is_some())
        .collect();
    if suspects.is_empty() {
        return;
    }
    // Under load the database is almost always a moment ahead of the bus: only what is still
    // missing after that moment was lost.
    actix_web::rt::time::sleep(IN_FLIGHT).await;
    let positions = state.hub.positions();
    for (tenant, seq) in suspects.drain(..) {
        if let Some(dispatched) = behind(&positions, &tenant, seq) {
            replay(state, tenant, dispatched).await;
        }
    }
}

async fn replay(state: &AppState, tenant_id: String, after: i64) {
    let t = tenant_id.clone();
    match state
        .db
        .read(move |conn| Ok(event_store::after(conn, &t, after, 1000)?))
        .await
    {
        Ok(events) if !events.is_empty() => {
            tracing::info!(tenant = %tenant_id, count = events.len(), "replaying events the bus did not deliver");
            dispatch(&state.hub, &Arc::new(Published { tenant_id, events }));
        }
        Ok(_) => {}
        Err(error) => tracing::warn!(%error, "could not replay events"),
    }
}
