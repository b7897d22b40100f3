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

use tokio::sync::Notify;

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
}

impl Whatsapp {
    /// The channel with its secrets box and a Graph API client for `graph_url`.
    pub fn new(secrets: SecretBox, graph_url: &str) -> anyhow::Result<Whatsapp> {
        Ok(Whatsapp {
            inner: Arc::new(Inner {
                graph: Graph::new(graph_url)?,
                secrets,
                inbox: Notify::new(),
                outbox: Notify::new(),
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
