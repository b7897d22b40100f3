//! The WhatsApp channel over the WhatsApp Cloud API: a tenant connects its number
//! ([`connector`]); Meta posts customers' messages and delivery statuses to the number's
//! webhook, stored before answering and processed in the background ([`inbound`], read by
//! [`webhook`]); agents' replies go through a durable outbox to the Graph API ([`outbound`],
//! [`graph`]), with the 24-hour customer-service window enforced.

pub mod connector;
pub mod graph;
pub mod inbound;
pub mod outbound;
pub mod webhook;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Mutex, MutexGuard, Notify, OwnedSemaphorePermit, Semaphore};

use crate::domain::secrets::SecretBox;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::whatsapp::Connector;
use connector::Opened;
use graph::Graph;

/// What the channel shares across requests and its two background workers.
#[derive(Clone)]
pub struct Whatsapp {
    inner: Arc<Inner>,
}

struct Inner {
    graph: Graph,
    secrets: SecretBox,
    inbox: Notify,
    outbox: Notify,
    /// Bodies processed on arrival at once; past it they wait for the poller.
    inline: Arc<Semaphore>,
    /// Customers' turns, striped by their number.
    customers: Vec<Mutex<()>>,
}

/// How many webhook bodies one process works on at once on arrival: enough for the SQLite
/// writer to commit them in groups, few enough that a slow Graph API (media) cannot pile up
/// tasks without end.
const INLINE: usize = 64;

/// Stripes of customers' turns: two customers rarely share one.
const CUSTOMER_STRIPES: usize = 256;

impl Whatsapp {
    /// The channel with its secrets box and a Graph API client for `graph_url`.
    pub fn new(secrets: SecretBox, graph_url: &str) -> anyhow::Result<Whatsapp> {
        Ok(Whatsapp {
            inner: Arc::new(Inner {
                graph: Graph::new(graph_url)?,
                secrets,
                inbox: Notify::new(),
                outbox: Notify::new(),
                inline: Arc::new(Semaphore::new(INLINE)),
                customers: (0..CUSTOMER_STRIPES).map(|_| Mutex::new(())).collect(),
            }),
        })
    }

    pub fn graph(&self) -> &Graph {
        &self.inner.graph
    }

    pub fn secrets(&self) -> &SecretBox {
        &self.inner.secrets
    }

    /// A stored connector with its secrets opened.
    pub fn opened(&self, state: &AppState, c: &Connector) -> Result<Opened, AppError> {
        connector::open(state, c)
    }

    /// A slot to process a webhook body on arrival, if one is free.
    pub fn inline_slot(&self) -> Option<OwnedSemaphorePermit> {
        self.inner.inline.clone().try_acquire_owned().ok()
    }

    /// Waits for the turn of the customer with WhatsApp number `wa_id` in this process.
    pub async fn customer_turn(&self, wa_id: &str) -> MutexGuard<'_, ()> {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        wa_id.hash(&mut hasher);
        let stripe = hasher.finish() as usize % CUSTOMER_STRIPES;
        self.inner.customers[stripe].lock().await
    }

    /// A webhook body was stored: process it now rather than at the next poll.
    pub fn wake_inbox(&self) {
        self.inner.inbox.notify_one();
    }

    /// A message joined the outbox: send it now rather than at the next poll.
    pub fn wake_outbox(&self) {
        self.inner.outbox.notify_one();
    }
}

/// How often the workers look for due work without a wake-up (retries, other processes'
/// work, work left by a crash).
const POLL: Duration = Duration::from_secs(1);

/// Processes stored webhook bodies, forever.
pub async fn run_inbox(state: AppState) {
    loop {
        match inbound::process_due(&state).await {
            Ok(n) if n > 0 => continue,
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "processing WhatsApp webhooks failed"),
        }
        let _ = tokio::time::timeout(POLL, state.whatsapp.inner.inbox.notified()).await;
    }
}

/// Sends the outbox, forever.
pub async fn run_outbox(state: AppState) {
    loop {
        match outbound::send_due(&state).await {
            Ok(n) if n > 0 => continue,
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "sending WhatsApp messages failed"),
        }
        let _ = tokio::time::timeout(POLL, state.whatsapp.inner.outbox.notified()).await;
    }
}
