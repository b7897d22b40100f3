//! Several server processes behind one database: each process publishes the events it numbered
//! to a Redis channel and delivers what the others published to its own sockets.
//!
//! Redis is only a fast path. If it is down or restarts, publishes are dropped and every
//! process notices nothing missing until its dispatcher compares positions with the database
//! (every two seconds, and at once after re-subscribing) and replays from the event log. So a
//! Redis restart delays events by a moment and loses none.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, Notify};

use super::bus::{Bus, Published};
use crate::store::events::EventRecord;

/// A batch on the wire, tagged with the process that published it.
#[derive(Serialize, Deserialize)]
struct WireBatch {
    origin: String,
    tenant_id: String,
    events: Vec<WireEvent>,
}

#[derive(Serialize, Deserialize)]
struct WireEvent {
    id: i64,
    seq: Option<i64>,
    kind: String,
    at: chrono::NaiveDateTime,
    conversation_id: Option<String>,
    visitor_id: Option<String>,
    data: String,
}

impl WireEvent {
    fn from_record(e: &EventRecord) -> Self {
        WireEvent {
            id: e.id,
            seq: e.seq,
            kind: e.kind.clone(),
            at: e.at,
            conversation_id: e.conversation_id.clone(),
            visitor_id: e.visitor_id.clone(),
            data: e.data.clone(),
        }
    }

    fn into_record(self, tenant_id: &str) -> EventRecord {
        EventRecord {
            id: self.id,
            tenant_id: tenant_id.to_string(),
            seq: self.seq,
            kind: self.kind,
            at: self.at,
            conversation_id: self.conversation_id,
            visitor_id: self.visitor_id,
            data: self.data,
        }
    }
}

/// Starts the relay; returns the function the sequencer publishes through (local delivery
/// plus Redis, in order).
pub fn start(
    url: &str,
    channel: String,
    process_id: String,
    bus: Bus,
    resubscribed: Arc<Notify>,
) -> anyhow::Result<Arc<dyn Fn(Arc<Published>) + Send + Sync>> {
    let client = redis::Client::open(url)?;
    let (tx, rx) = mpsc::unbounded_channel::<Arc<Published>>();
    actix_web::rt::spawn(publish_loop(
        client.clone(),
        channel.clone(),
        process_id.clone(),
        rx,
    ));
    actix_web::rt::spawn(subscribe_loop(
        client,
        channel,
        process_id,
        bus.clone(),
        resubscribed,
    ));
    Ok(Arc::new(move |batch: Arc<Published>| {
        bus.deliver_locally(batch.clone());
        // The queue only grows while Redis is slower than the sequencer; the loop drains it.
        let _ = tx.send(batch);
    }))
}

/// Publishes batches in order over one auto-reconnecting connection.
async fn publish_loop(
    client: redis::Client,
    channel: String,
    origin: String,
    mut rx: mpsc::UnboundedReceiver<Arc<Published>>,
) {
    let mut connection = None;
    while let Some(batch) = rx.recv().await {
        let payload = serde_json::to_string(&WireBatch {
            origin: origin.clone(),
            tenant_id: batch.tenant_id.clone(),
            events: batch.events.iter().map(WireEvent::from_record).collect(),
        })
        .unwrap_or_default();
        if connection.is_none() {
            connection = redis::aio::ConnectionManager::new(client.clone())
                .await
                .ok();
        }
        let Some(conn) = connection.as_mut() else {
            tracing::warn!("Redis unreachable: an event batch goes by the database instead");
            continue;
        };
        let published: redis::RedisResult<i64> = redis::cmd("PUBLISH")
            .arg(&channel)
            .arg(payload)
            .query_async(conn)
            .await;
        if let Err(error) = published {
            tracing::warn!(%error, "publishing to Redis failed; other processes will catch up from the database");
        }
    }
}

/// Subscribes, re-subscribing with backoff whenever the connection drops.
async fn subscribe_loop(
    client: redis::Client,
    channel: String,
    me: String,
    bus: Bus,
    resubscribed: Arc<Notify>,
) {
    let mut backoff = Duration::from_millis(100);
    loop {
        match client.get_async_pubsub().await {
            Ok(mut pubsub) => match pubsub.subscribe(&channel).await {
                Ok(()) => {
                    tracing::info!("subscribed to Redis events");
                    backoff = Duration::from_millis(100);
                    // Anything published while we were away is in the database: catch up now.
                    resubscribed.notify_one();
                    let mut messages = pubsub.into_on_message();
                    while let Some(message) = messages.next().await {
                        deliver(&bus, &me, message.get_payload_bytes());
                    }
                    tracing::warn!("Redis subscription lost; reconnecting");
                }
                Err(error) => tracing::warn!(%error, "Redis subscribe failed"),
            },
            Err(error) => tracing::debug!(%error, "Redis not reachable yet"),
        }
        actix_web::rt::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(2));
    }
}

fn deliver(bus: &Bus, me: &str, payload: &[u8]) {
    match serde_json::from_slice::<WireBatch>(payload) {
        Ok(batch) if batch.origin != me => {
            let tenant_id = batch.tenant_id;
            let events = batch
                .events
                .into_iter()
                .map(|e| e.into_record(&tenant_id))
                .collect();
            bus.deliver_locally(Arc::new(Published { tenant_id, events }));
        }
        Ok(_) => {}
        Err(error) => tracing::warn!(%error, "ignoring a malformed event batch from Redis"),
    }
}
