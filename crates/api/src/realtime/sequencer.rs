//! Numbers committed events per tenant and publishes them (PostgreSQL; SQLite's single writer
//! numbers events in the writing transaction itself, see `domain::outbox`).
//!
//! Why a separate step: a per-tenant counter bumped inside every writer's transaction would
//! hold the tenant's row lock through each commit, so on PostgreSQL (a few ms per fsync) one
//! tenant could not write faster than a few hundred changes a second. Writers instead stage
//! unnumbered events and commit concurrently (their commits share fsyncs); this sequencer then
//! numbers everything staged for the tenant in one short transaction. It locks the tenant row,
//! so sequencers in several processes take turns and numbers follow commit order with no gap.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::bus::{Bus, Published};
use crate::clock::now;
use crate::db::Db;
use crate::error::AppError;
use crate::store::events::{self as event_store, EventRecord};

/// Most events numbered per transaction.
const BATCH: usize = 500;
/// Staged events older than this are the sweep's (their process stopped before numbering).
const LEFT_BEHIND_AFTER: Duration = Duration::from_secs(5);

/// What a tenant has waiting to be numbered in this process.
#[derive(Default)]
struct Waiting {
    /// Ids of events this process staged and committed, in commit order.
    staged: Vec<i64>,
    /// Whether to look for events staged and left behind (by any process).
    sweep: bool,
}

/// Per-process sequencer; at most one numbering task runs per tenant at a time.
pub struct Sequencer {
    db: Db,
    bus: Arc<dyn Fn(Arc<Published>) + Send + Sync>,
    /// Tenants being sequenced now, with what arrived for them meanwhile.
    running: Mutex<HashMap<String, Waiting>>,
}

impl Sequencer {
    /// A sequencer publishing through `publish` (the local bus, or Redis plus the local bus).
    pub fn new(db: Db, publish: Arc<dyn Fn(Arc<Published>) + Send + Sync>) -> Arc<Sequencer> {
        Arc::new(Sequencer {
            db,
            bus: publish,
            running: Mutex::new(HashMap::new()),
        })
    }

    /// A sequencer that publishes to the in-process bus only.
    pub fn local(db: Db, bus: Bus) -> Arc<Sequencer> {
        Self::new(db, Arc::new(move |batch| bus.deliver_locally(batch)))
    }

    /// The function numbered events are published through.
    pub fn publisher(&self) -> Arc<dyn Fn(Arc<Published>) + Send + Sync> {
        self.bus.clone()
    }

    /// Says a transaction of the tenant committed the staged events `ids`. Returns at once;
    /// numbering happens in the background.
    pub fn staged(self: &Arc<Self>, tenant_id: &str, ids: Vec<i64>) {
        self.enqueue(tenant_id, |waiting| waiting.staged.extend(ids));
    }

    /// Says the tenant may have events left behind by a stopped process.
    fn left_behind(self: &Arc<Self>, tenant_id: &str) {
        self.enqueue(tenant_id, |waiting| waiting.sweep = true);
    }

    fn enqueue(self: &Arc<Self>, tenant_id: &str, add: impl FnOnce(&mut Waiting)) {
        {
            let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(waiting) = running.get_mut(tenant_id) {
                add(waiting);
                return;
            }
            let mut waiting = Waiting::default();
            add(&mut waiting);
            running.insert(tenant_id.to_string(), waiting);
        }
        let this = self.clone();
        let tenant = tenant_id.to_string();
        actix_web::rt::spawn(async move { this.drain(tenant).await });
    }

    /// Numbers and publishes until the tenant has nothing waiting.
    async fn drain(self: Arc<Self>, tenant_id: String) {
        while let Some(work) = self.take(&tenant_id) {
            if let Err(error) = self.sequence(&tenant_id, work).await {
                // The events stay staged; the sweep numbers them once they are old enough.
                tracing::warn!(%error, tenant = %tenant_id, "sequencing events failed");
                actix_web::rt::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }

    /// Takes up to a batch of waiting work, or marks the tenant idle when there is none.
    fn take(&self, tenant_id: &str) -> Option<Waiting> {
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        let waiting = running.get_mut(tenant_id)?;
        if waiting.staged.is_empty() && !waiting.sweep {
            running.remove(tenant_id);
            return None;
        }
        let rest = waiting.staged.split_off(waiting.staged.len().min(BATCH));
        Some(Waiting {
            staged: std::mem::replace(&mut waiting.staged, rest),
            sweep: std::mem::take(&mut waiting.sweep),
        })
    }

    async fn sequence(&self, tenant_id: &str, work: Waiting) -> Result<(), AppError> {
        if !work.staged.is_empty() {
            let tenant = tenant_id.to_string();
            let events = self
                .db
                .write(move |conn| Ok(event_store::sequence_staged(conn, &tenant, &work.staged)?))
                .await?;
            self.publish(tenant_id, events);
        }
        if work.sweep {
            loop {
                let tenant = tenant_id.to_string();
                let events = self
                    .db
                    .write(move |conn| {
                        Ok(event_store::sequence_pending(conn, &tenant, BATCH as i64)?)
                    })
                    .await?;
                let full = events.len() == BATCH;
                self.publish(tenant_id, events);
                if !full {
                    break;
                }
            }
        }
        Ok(())
    }

    fn publish(&self, tenant_id: &str, events: Vec<EventRecord>) {
        if !events.is_empty() {
            (self.bus)(Arc::new(Published {
                tenant_id: tenant_id.to_string(),
                events,
            }));
        }
    }

    /// Sequences every tenant with events left behind (at start-up, then as a periodic safety
    /// net for events staged by a process that stopped before numbering them).
    pub async fn sweep(self: &Arc<Self>) {
        let staged_before =
            now() - chrono::Duration::from_std(LEFT_BEHIND_AFTER).unwrap_or_default();
        match self
            .db
            .read(move |conn| Ok(event_store::tenants_with_pending(conn, staged_before)?))
            .await
        {
            Ok(tenants) => tenants.iter().for_each(|t| self.left_behind(t)),
            Err(error) => tracing::warn!(%error, "could not look for unsequenced events"),
        }
    }
}
