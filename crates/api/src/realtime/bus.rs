//! The event bus between the sequencer and the sockets. In one process it is a broadcast
//! channel; with several processes it is fed from Redis as well (see the Redis relay).

use std::sync::Arc;

use tokio::sync::broadcast;

use crate::store::events::EventRecord;

/// Events just numbered for one tenant, in order.
#[derive(Debug, Clone)]
pub struct Published {
    pub tenant_id: String,
    pub events: Vec<EventRecord>,
}

/// In-process fan-out of published events to the socket hub. Subscribers that fall behind
/// notice the lag and catch up from the database (the event log is the source of truth).
#[derive(Clone)]
pub struct Bus {
    sender: broadcast::Sender<Arc<Published>>,
}

impl Bus {
    /// A bus holding up to `capacity` unconsumed batches per subscriber.
    pub fn new(capacity: usize) -> Bus {
        let (sender, _) = broadcast::channel(capacity);
        Bus { sender }
    }

    /// Delivers a batch to every subscriber in this process.
    pub fn deliver_locally(&self, batch: Arc<Published>) {
        // No subscriber (no socket yet) is fine: the events are in the database.
        let _ = self.sender.send(batch);
    }

    /// A new subscription.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Published>> {
        self.sender.subscribe()
    }
}
