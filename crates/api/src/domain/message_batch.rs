//! Visitors' messages written together, per tenant, on PostgreSQL.
//!
//! A chat's next message is built from what its visitor's socket knows of the conversation
//! (see `visitor_append`) and queued with the tenant's sequencer, which writes one batch at a
//! time, in turn with numbering the events other writes staged (`realtime::sequencer`), and
//! only in a turn that numbers everything staged before: so an event committed and staged
//! before a message was queued is numbered before it, and a visitor's messages reach the
//! dashboard in the order they were sent. What queues while a batch is written goes in the
//! next, so batches grow with the load and a lone message goes at once. Each batch is one
//! statement that also numbers its events (`store::open_thread_batch`). A message the batch
//! could not write (its conversation changed since it was read, a resend, a failed batch) comes
//! back unwritten and its caller takes the one-by-one path.

use std::collections::HashSet;

use tokio::sync::oneshot;

use crate::db::Db;
use crate::store::conversations::Conversation;
use crate::store::events::{EventRecord, NewEventRecord};
use crate::store::messages::Message;
use crate::store::open_thread::Versions;
use crate::store::open_thread_batch::{self, Append};
use crate::store::Conn;

/// Most messages per batch: a statement's arrays stay small and a batch quick.
const MOST_PER_BATCH: usize = 256;

/// A message to write, built from what its socket knew of the conversation.
pub struct Queued {
    /// The versions that knowledge was read at.
    pub versions: Versions,
    /// The conversation as it is after the message.
    pub after: Conversation,
    pub message: Message,
    /// Its event, not numbered.
    pub event: NewEventRecord,
}

/// A message that was written (its event is numbered and published): what its socket now knows.
pub struct Written {
    /// The conversation as the message left it.
    pub conversation: Conversation,
    /// The conversation's new version.
    pub version: String,
}

/// A queued message with where to say how it went.
pub struct Pending {
    queued: Queued,
    reply: oneshot::Sender<Written>,
}

impl Pending {
    /// The message to queue, and where its outcome arrives (an error when it was not written).
    pub fn new(queued: Queued) -> (Pending, oneshot::Receiver<Written>) {
        let (reply, written) = oneshot::channel();
        (Pending { queued, reply }, written)
    }
}

/// Takes the next batch from the tenant's queue: in order, at most one message per
/// conversation (a second one was built on the same version as the first, so it waits for the
/// next batch, where it fails its check and its caller reads the conversation again).
pub fn take(queue: &mut Vec<Pending>) -> Vec<Pending> {
    let mut seen = HashSet::new();
    let (batch, later): (Vec<Pending>, Vec<Pending>) =
        std::mem::take(queue).into_iter().partition(|pending| {
            seen.len() < MOST_PER_BATCH && seen.insert(pending.queued.after.id.clone())
        });
    *queue = later;
    batch
}

/// Writes a batch of one tenant's messages, hands the numbered events to `publish`, then
/// answers each message's caller. A message that was not written (or a batch that failed) gets
/// no answer: its caller writes it one by one.
pub async fn write(
    db: &Db,
    tenant_id: &str,
    batch: Vec<Pending>,
    publish: impl FnOnce(Vec<EventRecord>),
) {
    let tenant = tenant_id.to_string();
    let outcome = db
        .write_in_one_statement(move |conn| {
            let written = match conn {
                Conn::Postgresql(pg) => open_thread_batch::append(pg, &tenant, &appends(&batch))?,
                _ => Vec::new(),
            };
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
        let Some(Pending { queued, reply }) = batch.get_mut(w.index).and_then(Option::take) else {
            continue;
        };
        events.push(numbered(queued.event, &w));
        let conversation = queued.after;
        let version = w.version;
        answers.push((
            reply,
            Written {
                conversation,
                version,
            },
        ));
    }
    publish(events);
    for (reply, written) in answers {
        let _ = reply.send(written);
    }
}

fn appends(batch: &[Pending]) -> Vec<Append<'_>> {
    batch
        .iter()
        .map(|Pending { queued: q, .. }| Append {
            versions: &q.versions,
            after: &q.after,
            message: &q.message,
            event: &q.event,
        })
        .collect()
}

fn numbered(event: NewEventRecord, written: &open_thread_batch::Appended) -> EventRecord {
    let mut record = event.staged_as(written.event_id);
    record.seq = Some(written.seq);
    record
}
