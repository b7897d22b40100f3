//! Numbers committed events per tenant and publishes them (PostgreSQL; SQLite's single writer
//! numbers events in the writing transaction itself, see `domain::outbox`).
//!
//! Why a separate step: a per-tenant counter bumped inside every writer's transaction would
//! hold the tenant's row lock through each commit, so on PostgreSQL (a few ms per fsync) one
//! tenant could not write faster than a few hundred changes a second. Writers instead stage
//! unnumbered events and commit concurrently (their commits share fsyncs); this sequencer then
//! numbers everything staged for the tenant in one call of a database function (one round trip,
//! no explicit transaction). It locks the tenant row, so sequencers in several processes take
//! turns and numbers follow commit order with no gap.
//!
//! The same per-tenant turn writes batches of visitors' messages (`domain::visitor_messages`
//! builds them), whose statement numbers their events itself under the same lock
//! (`store::open_thread_batch`): taking turns with the numbering of staged events keeps a
//! visitor's messages in the order they were sent even when one went in a transaction of its
//! own (staged) and the next in a batch. What queues while a batch is written goes in the
//! next, so batches grow with the load and a lone message goes at once.
//!
//! The domain reaches all this through `domain::event_line::EventLine`, which this implements.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use futures_util::future::BoxFuture;
use tokio::sync::oneshot;

use super::bus::{Bus, Published};
use crate::clock::now;
use crate::db::Db;
use crate::domain::event_line::EventLine;
use crate::error::AppError;
use crate::store::events::{self as event_store, EventRecord, NewEventRecord};
use crate::store::open_thread_batch::{self, Append, Queued, Written};
use crate::store::Conn;
use switchboard_types::TenantId;

/// Most events numbered per transaction.
const BATCH: usize = 500;
/// Most messages per batch: a statement's arrays stay small and a batch quick.
const MOST_PER_BATCH: usize = 256;
/// Staged events older than this are the sweep's (their process stopped before numbering).
const LEFT_BEHIND_AFTER: Duration = Duration::from_secs(5);

/// What a tenant has waiting in this process: events to number, messages to write.
#[derive(Default)]
struct Waiting {
    /// Events this process staged and committed, in commit order.
    staged: Vec<EventRecord>,
    /// Whether to look for events staged and left behind (by any process).
    sweep: bool,
    /// Visitors' messages to write in a batch, in the order they were queued.
    messages: Vec<Pending>,
}

impl Waiting {
    /// Takes the next turn's work: up to a batch of staged events, the sweep if asked, and a
    /// batch of messages only in a turn that numbers everything staged so far (an event staged
    /// before a message was queued must get the lower number). `None` when nothing waits.
    fn next_turn(&mut self) -> Option<Waiting> {
        if self.staged.is_empty() && !self.sweep && self.messages.is_empty() {
            return None;
        }
        let rest = self.staged.split_off(self.staged.len().min(BATCH));
        let messages = if rest.is_empty() {
            take_batch(&mut self.messages)
        } else {
            Vec::new()
        };
        Some(Waiting {
            staged: std::mem::replace(&mut self.staged, rest),
            sweep: std::mem::take(&mut self.sweep),
            messages,
        })
    }
}

/// A queued message with where to say how it went.
struct Pending {
    queued: Queued,
    reply: oneshot::Sender<Written>,
}

/// Takes the next batch from the tenant's queue: in order, at most one message per
/// conversation (a second one was built on the same version as the first, so it waits for the
/// next batch, where it fails its check and its caller reads the conversation again).
fn take_batch(queue: &mut Vec<Pending>) -> Vec<Pending> {
    let mut seen = HashSet::new();
    let (batch, later): (Vec<Pending>, Vec<Pending>) =
        std::mem::take(queue).into_iter().partition(|pending| {
            seen.len() < MOST_PER_BATCH && seen.insert(pending.queued.after.id.clone())
        });
    *queue = later;
    batch
}

/// Per-process sequencer; at most one numbering task runs per tenant at a time.
pub struct Sequencer {
    db: Db,
    bus: Arc<dyn Fn(Arc<Published>) + Send + Sync>,
    /// Tenants being sequenced now, with what arrived for them meanwhile.
    running: Mutex<HashMap<String, Waiting>>,
    /// Itself, for the tasks it starts.
    me: Weak<Sequencer>,
}

impl EventLine for Sequencer {
    fn staged(&self, tenant_id: &TenantId, events: Vec<EventRecord>) {
        self.enqueue(tenant_id.as_str(), |waiting| waiting.staged.extend(events));
    }

    fn publish_numbered(&self, tenant_id: &TenantId, events: Vec<EventRecord>) {
        self.publish(tenant_id.as_str(), events);
    }

    fn write_in_batch(
        &self,
        tenant_id: &TenantId,
        queued: Queued,
    ) -> BoxFuture<'static, Option<Written>> {
        let (reply, written) = oneshot::channel();
        let pending = Pending { queued, reply };
        self.enqueue(tenant_id.as_str(), |waiting| waiting.messages.push(pending));
        Box::pin(async move { written.await.ok() })
    }
}

impl Sequencer {
    /// A sequencer publishing through `publish` (the local bus, or Redis plus the local bus).
    pub fn new(db: Db, publish: Arc<dyn Fn(Arc<Published>) + Send + Sync>) -> Arc<Sequencer> {
        Arc::new_cyclic(|me| Sequencer {
            db,
            bus: publish,
            running: Mutex::new(HashMap::new()),
            me: me.clone(),
        })
    }

    /// A sequencer that publishes to the in-process bus only.
    pub fn local(db: Db, bus: Bus) -> Arc<Sequencer> {
        Self::new(db, Arc::new(move |batch| bus.deliver_locally(batch)))
    }

    /// Says the tenant may have events left behind by a stopped process.
    fn left_behind(&self, tenant_id: &str) {
        self.enqueue(tenant_id, |waiting| waiting.sweep = true);
    }

    fn enqueue(&self, tenant_id: &str, add: impl FnOnce(&mut Waiting)) {
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
        // Only while the server shuts down is there no sequencer left to run it.
        let Some(this) = self.me.upgrade() else {
            return;
        };
        let tenant = tenant_id.to_string();
        actix_web::rt::spawn(async move { this.drain(tenant).await });
    }

    /// Numbers and publishes until the tenant has nothing waiting.
    async fn drain(self: Arc<Self>, tenant_id: String) {
        while let Some(work) = self.take(&tenant_id) {
            if let Err(error) = self.sequence(&tenant_id, work).await {
                // Staged events not numbered are put back first in line; the turn's messages go
                // back to their callers unwritten, who read their conversations again.
                tracing::warn!(%error, tenant = %tenant_id, "sequencing events failed");
                actix_web::rt::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }

    /// Takes up to a batch of waiting work, or marks the tenant idle when there is none.
    fn take(&self, tenant_id: &str) -> Option<Waiting> {
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        let turn = running.get_mut(tenant_id)?.next_turn();
        if turn.is_none() {
            running.remove(tenant_id);
        }
        turn
    }

    /// Puts staged events back at the head of the tenant's line (their numbering failed).
    fn put_back(&self, tenant_id: &str, mut events: Vec<EventRecord>) {
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(waiting) = running.get_mut(tenant_id) {
            events.append(&mut waiting.staged);
            waiting.staged = events;
        }
    }

    async fn sequence(&self, tenant_id: &str, work: Waiting) -> Result<(), AppError> {
        if !work.staged.is_empty() {
            let tenant = tenant_id.to_string();
            let ids: Vec<i64> = work.staged.iter().map(|e| e.id).collect();
            let numbered = self
                .db
                .write_in_one_statement(move |conn| {
                    Ok(event_store::sequence_staged(conn, &tenant, &ids)?)
                })
                .await;
            let numbered = match numbered {
                Ok(numbered) => numbered,
                Err(error) => {
                    self.put_back(tenant_id, work.staged);
                    return Err(error);
                }
            };
            self.publish(tenant_id, with_numbers(work.staged, &numbered));
        }
        if work.sweep {
            loop {
                let tenant = tenant_id.to_string();
                let events = self
                    .db
                    .write_in_one_statement(move |conn| {
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
        // Last: everything staged before these messages were queued is numbered by now.
        if !work.messages.is_empty() {
            self.write_batch(tenant_id, work.messages).await;
        }
        Ok(())
    }

    /// Writes a batch of one tenant's messages, publishes the numbered events, then answers
    /// each message's caller. A message that was not written (or a batch that failed) gets no
    /// answer: its caller reads its conversation again.
    async fn write_batch(&self, tenant_id: &str, batch: Vec<Pending>) {
        let tenant = TenantId::from(tenant_id.to_string());
        let outcome = self
            .db
            .write_in_one_statement(move |conn| {
                let appends: Vec<Append<'_>> =
                    batch.iter().map(|p| Append::from(&p.queued)).collect();
                let written = match conn {
                    Conn::Postgresql(pg) => open_thread_batch::append(pg, &tenant, &appends)?,
                    _ => Vec::new(),
                };
                drop(appends);
                Ok((batch, written))
            })
            .await;
        let (batch, written) = match outcome {
            Ok(outcome) => outcome,
            Err(error) => {
                // If it committed all the same (the connection broke on the answer), the
                // dispatcher's position check finds its events in the database and sends them.
                tracing::warn!(%error, tenant = %tenant_id, "writing a batch of messages failed");
                return;
            }
        };
        let mut batch: Vec<Option<Pending>> = batch.into_iter().map(Some).collect();
        let mut events = Vec::with_capacity(written.len());
        let mut answers = Vec::with_capacity(written.len());
        for w in written {
            let Some(Pending { queued, reply }) = batch.get_mut(w.index).and_then(Option::take)
            else {
                continue;
            };
            events.push(numbered(queued.event, &w));
            let written = Written {
                conversation: queued.after,
                version: w.version,
            };
            answers.push((reply, written));
        }
        self.publish(tenant_id, events);
        for (reply, written) in answers {
            let _ = reply.send(written);
        }
    }

    fn publish(&self, tenant_id: &str, events: Vec<EventRecord>) {
        if !events.is_empty() {
            (self.bus)(Arc::new(Published {
                tenant_id: tenant_id.to_string(),
                events,
            }));
        }
    }

    /// Sequences, in the background, every tenant with events left behind: a periodic safety
    /// net for events staged by a process that stopped before numbering them. Only events a
    /// few seconds old count, so this process's own, being numbered right now, are left alone.
    pub async fn sweep(&self) {
        let staged_before =
            now() - chrono::Duration::from_std(LEFT_BEHIND_AFTER).unwrap_or_default();
        match self.tenants_with_pending(staged_before).await {
            Ok(tenants) => tenants.iter().for_each(|t| self.left_behind(t)),
            Err(error) => tracing::warn!(%error, "could not look for unsequenced events"),
        }
    }

    /// Numbers every event staged before now and still unnumbered, and returns once they are
    /// numbered and published. Run at start-up, before serving: a process killed between a
    /// commit and its numbering left those events behind, and dashboards resuming on the
    /// restarted process get them at once, not after the sweep's few seconds. An event that a
    /// live process (another one, behind the same database) is numbering meanwhile is numbered
    /// once: whoever comes second finds it numbered and skips it.
    pub async fn number_left_behind(&self) -> Result<(), AppError> {
        for tenant in self.tenants_with_pending(now()).await? {
            let work = Waiting {
                sweep: true,
                ..Waiting::default()
            };
            self.sequence(&tenant, work).await?;
        }
        Ok(())
    }

    async fn tenants_with_pending(
        &self,
        staged_before: chrono::NaiveDateTime,
    ) -> Result<Vec<String>, AppError> {
        self.db
            .read(move |conn| Ok(event_store::tenants_with_pending(conn, staged_before)?))
            .await
    }
}

/// A batch's event with the id and number the statement gave it.
fn numbered(event: NewEventRecord, written: &open_thread_batch::Appended) -> EventRecord {
    let mut record = event.staged_as(written.event_id);
    record.seq = Some(written.seq);
    record
}

/// The staged events that were numbered, with their numbers, in sequence order. Events missing
/// from `numbered` were numbered (and published) by someone else meanwhile: the sweep.
fn with_numbers(staged: Vec<EventRecord>, numbered: &[(i64, i64)]) -> Vec<EventRecord> {
    let mut by_id: HashMap<i64, EventRecord> = staged.into_iter().map(|e| (e.id, e)).collect();
    numbered
        .iter()
        .filter_map(|(id, seq)| {
            let mut event = by_id.remove(id)?;
            event.seq = Some(*seq);
            Some(event)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::visitor_chat::{new_conversation, VisitorCtx};
    use crate::store::messages::Message;
    use crate::store::open_thread::Versions;

    fn staged(id: i64) -> EventRecord {
        EventRecord {
            id,
            tenant_id: "t".into(),
            seq: None,
            kind: "typing".into(),
            at: now(),
            conversation_id: None,
            visitor_id: None,
            data: format!("{{\"n\":{id}}}"),
        }
    }

    /// A visitor's message queued for a batch.
    fn message() -> Pending {
        let at = now();
        let ctx = VisitorCtx {
            tenant_id: "t".into(),
            visitor_id: "v".into(),
            display_id: "V-1".into(),
        };
        let after = new_conversation(&ctx, at);
        let message = Message {
            id: "m".into(),
            tenant_id: "t".into(),
            conversation_id: after.id.clone(),
            sender: switchboard_types::messages::Sender::Customer,
            sender_user_id: None,
            kind: switchboard_types::messages::MessageKind::Text,
            body: Some("hi".into()),
            attachment_id: None,
            payload: None,
            client_message_id: Some("k".into()),
            created_at: at,
        };
        let event = NewEventRecord {
            tenant_id: "t".into(),
            seq: None,
            kind: "message.created".into(),
            at,
            conversation_id: Some(after.id.clone()),
            visitor_id: Some("v".into()),
            data: "{}".into(),
        };
        let queued = Queued {
            versions: Versions::default(),
            after,
            message,
            event,
        };
        Pending {
            queued,
            reply: oneshot::channel().0,
        }
    }

    #[test]
    fn a_message_waits_until_everything_staged_before_it_is_numbered() {
        let mut waiting = Waiting {
            staged: (1..=BATCH as i64 + 200).map(staged).collect(),
            sweep: false,
            messages: vec![message()],
        };
        let first = waiting.next_turn().unwrap();
        assert_eq!(first.staged.len(), BATCH);
        assert!(
            first.messages.is_empty(),
            "200 staged events are still ahead"
        );
        let second = waiting.next_turn().unwrap();
        assert_eq!(second.staged.first().map(|e| e.id), Some(BATCH as i64 + 1));
        assert_eq!(second.staged.len(), 200);
        assert_eq!(second.messages.len(), 1);
        assert!(waiting.next_turn().is_none());
    }

    #[test]
    fn numbered_events_keep_their_data_in_sequence_order_and_others_are_dropped() {
        let events = with_numbers(vec![staged(1), staged(2), staged(3)], &[(3, 10), (1, 11)]);
        let got: Vec<_> = events
            .iter()
            .map(|e| (e.id, e.seq, e.data.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![(3, Some(10), "{\"n\":3}"), (1, Some(11), "{\"n\":1}")]
        );
    }
}
