//! Events written in the same transaction as the change that caused them.
//!
//! A service's transaction emits events into an [`Outbox`]; they are staged (unnumbered) with
//! the change and committed with it, so a change never exists without its event. After commit
//! the sequencer numbers and publishes them.

use switchboard_types::events::EventPayload;

use crate::clock::now;
use crate::error::AppError;
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
        let data = match serde_json::to_value(&payload) {
            Ok(serde_json::Value::Object(mut map)) => {
                map.remove("data").unwrap_or_default().to_string()
            }
            _ => "null".into(),
        };
        self.records.push(NewEventRecord {
            tenant_id: self.tenant_id.clone(),
            kind: payload.type_name().to_string(),
            at: now(),
            conversation_id: conversation_id.map(str::to_string),
            visitor_id: visitor_id.map(str::to_string),
            data,
        });
    }
}

impl AppState {
    /// Runs `work` in one write transaction for `tenant_id`, staging the events it emits in the
    /// same transaction, then hands the tenant to the sequencer.
    pub async fn transact<T, F>(&self, tenant_id: &str, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Conn, &mut Outbox) -> Result<T, AppError> + Send + 'static,
    {
        let tenant = tenant_id.to_string();
        let (value, emitted) = self
            .db
            .write(move |conn| {
                let mut outbox = Outbox::new(&tenant);
                let value = work(conn, &mut outbox)?;
                event_store::stage(conn, &outbox.records)?;
                Ok((value, !outbox.records.is_empty()))
            })
            .await?;
        if emitted {
            self.sequencer.notify(tenant_id);
        }
        Ok(value)
    }
}
