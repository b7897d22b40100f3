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

/// Publishes batches in order over one auto-reconnecting connection. Whatever queued up while
/// the previous round trip was out goes in one pipeline: under load the sequencer numbers
/// hundreds of small batches a second, and one round trip each would fall behind.
async fn publish_loop(
    client: redis::Client,
    channel: String,
    origin: String,
    mut rx: mpsc::UnboundedReceiver<Arc<Published>>,
) {
    let mut connection = None;
    let mut queued = Vec::new();
    while rx.recv_many(&mut queued, PIPELINE_BATCHES).await > 0 {
        let mut pipeline = redis::pipe();
        for batch in queued.drain(..) {
            pipeline
                .cmd("PUBLISH")
                .arg(&channel)
                .arg(wire_payload(&origin, &batch))
                .ignore();
        }
        if connection.is_none() {
            connection = redis::aio::ConnectionManager::new(client.clone())
                .await
                .ok();
        }
        let Some(conn) = connection.as_mut() else {
            tracing::warn!("Redis unreachable: event batches go by the database instead");
            continue;
        };
        let published: redis::RedisResult<()> = pipeline.query_async(conn).await;
        if let Err(error) = published {
            tracing::warn!(%error, "publishing to Redis failed; other processes will catch up from the database");
        }
    }
}

/// Most batches sent in one pipeline.
const PIPELINE_BATCHES: usize = 256;

fn wire_payload(origin: &str, batch: &Published) -> String {
    serde_json::to_string(&WireBatch {
        origin: origin.to_string(),
        tenant_id: batch.tenant_id.clone(),
        events: batch.events.iter().map(WireEvent::from_record).collect(),
    })
    .unwrap_or_default()
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
    // Every process hears its own batches too: recognise them by the leading `origin` field
    // (serialized first) instead of parsing a kilobyte of JSON per event to throw it away.
    if payload.starts_with(own_prefix(me).as_bytes()) {
        return;
    }
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

/// How this process's own batches begin on the wire.
fn own_prefix(me: &str) -> String {
    format!("{{\"origin\":{}", serde_json::Value::from(me))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch() -> Published {
        Published {
            tenant_id: "t1".into(),
            events: vec![EventRecord {
                id: 7,
                tenant_id: "t1".into(),
                seq: Some(3),
                kind: "typing".into(),
                at: crate::clock::now(),
                conversation_id: None,
                visitor_id: Some("v1".into()),
                data: r#"{"sender":"agent","name":"Ann \"A\""}"#.into(),
            }],
        }
    }

    #[test]
    fn a_process_skips_its_own_batches_and_delivers_the_others() {
        let payload = wire_payload("process \"one\"", &batch());
        let bus = Bus::new(8);
        let mut received = bus.subscribe();

        deliver(&bus, "process \"one\"", payload.as_bytes());
        assert!(received.try_recv().is_err(), "its own batch came back");

        deliver(&bus, "process two", payload.as_bytes());
        let delivered = received.try_recv().expect("another process's batch");
        assert_eq!(delivered.tenant_id, "t1");
        assert_eq!(delivered.events[0].seq, Some(3));
        assert_eq!(delivered.events[0].data, batch().events[0].data);
    }
}
