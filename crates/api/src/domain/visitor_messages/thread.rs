//! What a visitor's socket knows of their conversation, and the message built from it.

use switchboard_types::events::{EventPayload, MessageCreated};
use switchboard_types::messages::{MessageKind, Sender};

use crate::clock::{new_id, now};
use crate::domain::views::{conversation_row, message_view};
use crate::state::AppState;
use crate::store::conversations::{Conversation, ListedConversation};
use crate::store::messages::Message;
use crate::store::open_thread::OpenThread;
use crate::store::open_thread_batch::Written;

/// The conversation a visitor's socket last wrote to, as it was right after that write, with
/// the row versions a batch checks (PostgreSQL). Empty until the socket's first message, and
/// whenever it may be out of date.
#[derive(Default)]
pub struct KnownThread(Option<Box<OpenThread>>);

impl KnownThread {
    /// Takes what is known, leaving nothing: a refused write must read again.
    pub(super) fn take(&mut self) -> Option<Box<OpenThread>> {
        self.0.take()
    }

    /// Knows `thread` as it is now (read or written in a transaction just now).
    pub(super) fn know(&mut self, mut thread: OpenThread) {
        thread.duplicate_of = None;
        self.0 = Some(Box::new(thread));
    }

    /// Knows `thread` as the batch that wrote its next message left it.
    pub(super) fn know_written(&mut self, mut thread: OpenThread, written: Written) {
        thread.conversation = written.conversation;
        thread.versions.conversation = written.version;
        self.know(thread);
    }

    /// Forgets it: the next message reads the conversation again.
    pub(super) fn forget(&mut self) {
        self.0 = None;
    }
}

/// The next text message of `thread`: its row, the conversation after it, and its
/// `message.created` event.
pub(super) fn next_message(
    state: &AppState,
    thread: &OpenThread,
    client_id: &str,
    text: &str,
) -> (Message, Conversation, EventPayload) {
    let before = &thread.conversation;
    let at = now();
    let message = Message {
        id: new_id(),
        tenant_id: before.tenant_id.clone(),
        conversation_id: before.id.clone(),
        sender: Sender::Customer,
        sender_user_id: None,
        kind: MessageKind::Text,
        body: Some(text.to_string()),
        attachment_id: None,
        payload: None,
        client_message_id: Some(client_id.to_string()),
        created_at: at,
    };
    let mut after = before.clone();
    after.message_count += 1;
    after.last_activity_at = at;
    after.last_customer_message_at = Some(at);
    let listed = ListedConversation {
        conversation: after,
        visitor_display_id: thread.visitor_display_id.clone(),
        visitor_phone: thread.visitor_phone.clone(),
        assignee_name: thread.assignee_name.clone(),
    };
    let sender_name = thread
        .visitor_name
        .clone()
        .unwrap_or_else(|| thread.visitor_display_id.clone());
    let created = EventPayload::MessageCreated(MessageCreated {
        message: message_view(state, &message, None, sender_name),
        conversation: conversation_row(&listed, at),
    });
    (message, listed.conversation, created)
}
