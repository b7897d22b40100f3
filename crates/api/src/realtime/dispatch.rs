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

/// Runs for the life of the process.
pub async fn run(state: AppState) {
    let mut published = state.bus.subscribe();
    let mut check = actix_web::rt::time::interval(CATCH_UP_EVERY);
    loop {
        tokio::select! {
            batch = published.recv() => match batch {
                Ok(batch) => dispatch(&state.hub, &batch),
                Err(RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "event dispatch lagged; catching up from the database");
                    catch_up(&state).await;
                }
                Err(RecvError::Closed) => break,
            },
            _ = check.tick() => catch_up(&state).await,
            _ = state.catch_up.notified() => catch_up(&state).await,
        }
    }
}

/// Hands a batch to the hub.
pub fn dispatch(hub: &Hub, batch: &Published) {
    for event in &batch.events {
        let Some(seq) = event.seq else { continue };
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
    for (tenant, seq) in latest {
        let Some(&(_, dispatched)) = positions.iter().find(|(t, _)| *t == tenant) else {
            continue;
        };
        if seq > dispatched {
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
