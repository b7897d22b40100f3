//! What the domain needs from the tenant's line of events: its committed events numbered and
//! published in order, and visitors' messages written in batches in that same line. The domain
//! owns this interface; `realtime::sequencer::Sequencer` implements it, so calls go one way,
//! from the domain down, and never from the real-time layer back up into the rules.

use futures_util::future::BoxFuture;
use switchboard_types::TenantId;

use crate::store::events::EventRecord;
use crate::store::open_thread_batch::{Queued, Written};

/// A tenant's line of events (one per process, shared by all tenants).
pub trait EventLine: Send + Sync {
    /// A committed transaction of the tenant staged these events unnumbered (PostgreSQL):
    /// number and publish them, in the background, after whatever came before.
    fn staged(&self, tenant_id: &TenantId, events: Vec<EventRecord>);

    /// These events were numbered in their own transaction (SQLite's single writer): publish
    /// them now, in the order given.
    fn publish_numbered(&self, tenant_id: &TenantId, events: Vec<EventRecord>);

    /// Writes a visitor's message in the tenant's next batch (PostgreSQL), after every event
    /// staged before it is numbered, so a visitor's messages keep their order. Resolves once
    /// it is stored and its event published, or to `None` when the batch did not write it
    /// (its conversation changed since it was read, a resend, a failed batch).
    fn write_in_batch(
        &self,
        tenant_id: &TenantId,
        message: Queued,
    ) -> BoxFuture<'static, Option<Written>>;
}
