//! Events written in the same transaction as the change that caused them.
//!
//! A service's transaction emits events into an [`Outbox`]; they are stored with the change and
//! committed with it, so a change never exists without its event. SQLite has one writer, so
//! events are numbered in that same transaction and published after the commit; PostgreSQL
//! writers commit concurrently, so events are staged unnumbered and the sequencer numbers them.

use switchboard_types::events::EventPayload;

use std::sync::Arc;

use crate::clock::now;
use crate::db::Backend;
use crate::error::AppError;
use crate::realtime::bus::Published;
use crate::state::AppState;
use crate::store::events::{self as event_store, NewEventRecord};
use crate::store::Conn;

/// Events emitted by one transaction.
pub struct Outbox {
    tenant_id: String,
    records: Vec<NewEventRecord>,
}

impl Outbox {
    fn new(tenant_id: &str) -> Self {
        Outbox {
            tenant_id: tenant_id.to_string(),
            records: Vec::new(),
        }
    }

    /// Emits an event about a conversation and/or visitor (used to route it to the visitor).
    pub fn emit(
        &mut self,
        payload: EventPayload,
        conversation_id: Option<&str>,
        visitor_id: Option<&str>,
    ) {
        let record = event_record(&self.tenant_id, &payload, conversation_id, visitor_id);
        self.records.push(record);
    }
}

/// The stored, not yet numbered form of an event: its type and its `data` as JSON text.
pub fn event_record(
    tenant_id: &str,
    payload: &EventPayload,
    conversation_id: Option<&str>,
    visitor_id: Option<&str>,
) -> NewEventRecord {
    let data = match serde_json::to_value(payload) {
        Ok(serde_json::Value::Object(mut map)) => {
            map.remove("data").unwrap_or_default().to_string()
        }
        _ => "null".into(),
    };
    NewEventRecord {
        tenant_id: tenant_id.to_string(),
        seq: None,
        kind: payload.type_name().to_string(),
        at: now(),
        conversation_id: conversation_id.map(str::to_string),
        visitor_id: visitor_id.map(str::to_string),
        data,
    }
}

impl AppState {
    /// Runs `work` in one write transaction for `tenant_id`, storing the events it emits in the
    /// same transaction. On SQLite (one writer) they are numbered right there and published
    /// after the commit, in order; on PostgreSQL they are staged and the sequencer numbers them.
    pub async fn transact<T, F>(&self, tenant_id: &str, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Conn, &mut Outbox) -> Result<T, AppError> + Send + 'static,
    {
        let tenant = tenant_id.to_string();
        let number_now = self.db.backend() == Backend::Sqlite;
        let publish = self.sequencer.publisher();
        let (value, _published, staged) = self
            .db
            .write_then(
                move |conn| {
                    let mut outbox = Outbox::new(&tenant);
                    let value = work(conn, &mut outbox)?;
                    if number_now {
                        let numbered = event_store::append_numbered(conn, &mut outbox.records)?;
                        return Ok((value, numbered, Vec::new()));
                    }
                    let staged = event_store::stage(conn, outbox.records)?;
                    Ok((value, Vec::new(), staged))
                },
                move |(_, numbered, _)| {
                    let events = std::mem::take(numbered);
                    if let Some(first) = events.first() {
                        let tenant_id = first.tenant_id.clone();
                        publish(Arc::new(Published { tenant_id, events }));
                    }
                },
            )
            .await?;
        if !staged.is_empty() {
            self.sequencer.staged(tenant_id, staged);
        }
        Ok(value)
    }
}
