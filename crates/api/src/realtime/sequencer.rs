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
use crate::db::Db;
use crate::store::events as event_store;

/// Most events numbered per transaction.
const BATCH: i64 = 500;

/// Per-process sequencer; at most one numbering task runs per tenant at a time.
pub struct Sequencer {
    db: Db,
    bus: Arc<dyn Fn(Arc<Published>) + Send + Sync>,
    /// Tenants being sequenced now, and whether more events arrived meanwhile.
    running: Mutex<HashMap<String, bool>>,
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

    /// Says the tenant has staged events. Returns at once; numbering happens in the background.
    pub fn notify(self: &Arc<Self>, tenant_id: &str) {
        {
            let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(more) = running.get_mut(tenant_id) {
                *more = true;
                return;
            }
            running.insert(tenant_id.to_string(), false);
        }
        let this = self.clone();
        let tenant = tenant_id.to_string();
        actix_web::rt::spawn(async move { this.drain(tenant).await });
    }

    /// Numbers and publishes until the tenant has nothing staged.
    async fn drain(self: Arc<Self>, tenant_id: String) {
        loop {
            let batch_full = match self.sequence_once(&tenant_id).await {
                Ok(count) => count as i64 == BATCH,
                Err(error) => {
                    tracing::warn!(%error, tenant = %tenant_id, "sequencing events failed; retrying");
                    actix_web::rt::time::sleep(Duration::from_millis(200)).await;
                    true
                }
            };
            if batch_full || self.take_more(&tenant_id) {
                continue;
            }
            break;
        }
    }

    /// Whether events arrived while sequencing; if none did, marks the tenant idle.
    fn take_more(&self, tenant_id: &str) -> bool {
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        match running.get_mut(tenant_id) {
            Some(more) if *more => {
                *more = false;
                true
            }
            _ => {
                running.remove(tenant_id);
                false
            }
        }
    }

    async fn sequence_once(&self, tenant_id: &str) -> Result<usize, crate::error::AppError> {
        let tenant = tenant_id.to_string();
        let events = self
            .db
            .write(move |conn| Ok(event_store::sequence_pending(conn, &tenant, BATCH)?))
            .await?;
        let count = events.len();
        if count > 0 {
            (self.bus)(Arc::new(Published {
                tenant_id: tenant_id.to_string(),
                events,
            }));
        }
        Ok(count)
    }

    /// Sequences every tenant with staged events (start-up, and a periodic safety net for
    /// events staged by a process that died before numbering them).
    pub async fn sweep(self: &Arc<Self>) {
        match self
            .db
            .read(|conn| Ok(event_store::tenants_with_pending(conn)?))
            .await
        {
            Ok(tenants) => tenants.iter().for_each(|t| self.notify(t)),
            Err(error) => tracing::warn!(%error, "could not look for unsequenced events"),
        }
    }
}
