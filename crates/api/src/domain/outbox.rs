//! Events written in the same transaction as the change that caused them.
//!
//! A service's transaction emits events into an [`Outbox`]; they are stored with the change and
//! committed with it, so a change never exists without its event. SQLite has one writer, so
//! events are numbered in that same transaction and published after the commit; PostgreSQL
//! writers commit concurrently, so events are staged unnumbered and the sequencer numbers them.

use switchboard_types::events::EventPayload;
use switchboard_types::TenantId;

use crate::clock::now;
use crate::db::{Backend, Guard};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::events::{self as event_store, EventRecord, NewEventRecord};
use crate::store::Conn;

/// Events emitted by one transaction.
pub struct Outbox {
    tenant_id: TenantId,
    records: Vec<NewEventRecord>,
}

impl Outbox {
    fn new(tenant_id: &TenantId) -> Self {
        Outbox {
            tenant_id: tenant_id.clone(),
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
    tenant_id: &TenantId,
    payload: &EventPayload,
    conversation_id: Option<&str>,
    visitor_id: Option<&str>,
) -> NewEventRecord {
    let data = data_json(payload);
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

/// The payload's `data` as JSON text. Serialized once, as the whole `{"type":..,"data":..}`
/// object, and cut out of it: building a `serde_json::Value` tree first to take `data` out of it
/// cost as much again (this runs in the SQLite writer for every message).
fn data_json(payload: &EventPayload) -> String {
    let Ok(mut whole) = serde_json::to_string(payload) else {
        return "null".into();
    };
    let prefix = format!("{{\"type\":\"{}\",\"data\":", payload.type_name());
    if !whole.starts_with(&prefix) || !whole.ends_with('}') {
        return "null".into();
    }
    whole.truncate(whole.len() - 1);
    whole.drain(..prefix.len());
    whole
}

impl AppState {
    /// Runs `work` in one write transaction for `tenant_id`, storing the events it emits in the
    /// same transaction. On SQLite (one writer) they are numbered right there and published
    /// after the commit, in order; on PostgreSQL they are staged and the sequencer numbers them.
    pub async fn transact<T, F>(&self, tenant_id: &TenantId, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Conn, &mut Outbox) -> Result<T, AppError> + Send + 'static,
    {
        self.transact_with(Guard::Savepoint, tenant_id, work).await
    }

    /// [`AppState::transact`] for work that returns an error only before it has changed
    /// anything (or when the engine fails): on SQLite it needs no savepoint of its own (see
    /// [`Guard::None`]).
    pub async fn transact_unguarded<T, F>(
        &self,
        tenant_id: &TenantId,
        work: F,
    ) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Conn, &mut Outbox) -> Result<T, AppError> + Send + 'static,
    {
        self.transact_with(Guard::None, tenant_id, work).await
    }

    async fn transact_with<T, F>(
        &self,
        guard: Guard,
        tenant_id: &TenantId,
        work: F,
    ) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Conn, &mut Outbox) -> Result<T, AppError> + Send + 'static,
    {
        let tenant = tenant_id.clone();
        let number_now = self.db.backend() == Backend::Sqlite;
        let line = self.events.clone();
        let work = move |conn: &mut Conn| {
            let mut outbox = Outbox::new(&tenant);
            let value = work(conn, &mut outbox)?;
            if number_now {
                let numbered = event_store::append_numbered(conn, outbox.records)?;
                return Ok((value, numbered, Vec::new()));
            }
            let staged = event_store::stage(conn, outbox.records)?;
            Ok((value, Vec::new(), staged))
        };
        let published_for = tenant_id.clone();
        let publish = move |(_, numbered, _): &mut (T, Vec<EventRecord>, Vec<EventRecord>)| {
            let events = std::mem::take(numbered);
            if !events.is_empty() {
                line.publish_numbered(&published_for, events);
            }
        };
        let (value, _published, staged) = self.db.write_with(guard, work, publish).await?;
        if !staged.is_empty() {
            self.events.staged(tenant_id, staged);
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use switchboard_types::events::{EventPayload, Typing};
    use switchboard_types::messages::Sender;

    use super::data_json;

    #[test]
    fn data_is_the_payloads_data_object() {
        let payload = EventPayload::Typing(Typing {
            conversation_id: String::from("c \"1\"").into(),
            sender: Sender::Agent,
            user_id: Some(String::from("u}").into()),
            name: Some("Ann {\"x\"}".into()),
        });
        let whole = serde_json::to_value(&payload).expect("serializes");
        let data: serde_json::Value = serde_json::from_str(&data_json(&payload)).expect("JSON");
        assert_eq!(data, whole["data"]);
        assert!(data.is_object());
    }
}
