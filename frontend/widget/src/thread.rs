//! The visitor's thread as data: messages from the server merged without duplicates, in
//! order, and the messages still on their way (the outbox). Pure, so it is tested natively.

use chrono::{DateTime, Utc};
use switchboard_types::messages::{AttachmentKind, AttachmentView, MessageKind, Sender};
use switchboard_types::widget::VisitorMessage;
use switchboard_types::{ConversationId, MessageId};

/// A message the visitor wrote that the server has not acknowledged yet. Kept in storage, so
/// it survives a reload while offline, and resent with the same `client_id` (never stored
/// twice).
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    pub client_id: String,
    pub text: String,
    /// Why the server refused it, if it did (shown under the bubble; not resent).
    pub refused: Option<String>,
    /// The photo, file or voice note it carries, already uploaded.
    pub attachment: Option<AttachmentView>,
    /// The time it picks on a booking card, when it is a pick (`text` says the time).
    pub pick: Option<Pick>,
}

/// A time picked on a booking card.
#[derive(Debug, Clone, PartialEq)]
pub struct Pick {
    /// The `booking_slots` message.
    pub card: MessageId,
    /// The slot's start, as offered.
    pub starts_at: DateTime<Utc>,
}

impl Pick {
    /// The payload the server stores with the pick (`SlotPicked`), so the thread shows the
    /// pick at once after the ack.
    pub fn payload(&self) -> serde_json::Value {
        serde_json::json!({
            "slots_message_id": self.card.as_str(),
            "slot": { "starts_at": crate::wire::time_json(self.starts_at) },
        })
    }
}

/// One row of the thread, with where it sorts (`at`). A message from the server sorts by the
/// time the server stored it. What the widget adds itself (a line, a message it saw
/// acknowledged) sorts right after what is already there: the browser's clock may be minutes
/// off the server's, and the order things arrived in is the truth for those.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A stored message.
    Message {
        message: VisitorMessage,
        at: DateTime<Utc>,
    },
    /// A line the widget adds itself ("Anna joined the conversation").
    Line {
        key: String,
        text: String,
        at: DateTime<Utc>,
    },
}

impl Item {
    /// A key that stays the same while the row is shown.
    pub fn key(&self) -> String {
        match self {
            Item::Message { message, .. } => message.id.0.clone(),
            Item::Line { key, .. } => key.clone(),
        }
    }

    fn at(&self) -> DateTime<Utc> {
        match self {
            Item::Message { at, .. } | Item::Line { at, .. } => *at,
        }
    }
}

/// Adds the messages not shown yet and keeps the thread in time order (a `sync` answer or a
/// welcome after a reconnect repeats what is there).
pub fn merge(items: &mut Vec<Item>, messages: Vec<VisitorMessage>) {
    for message in messages {
        let known = items
            .iter()
            .any(|i| matches!(i, Item::Message { message: m, .. } if m.id == message.id));
        if !known {
            let at = message.created_at;
            items.push(Item::Message { message, at });
        }
    }
    // Stable: rows with the same time keep the order they came in.
    items.sort_by_key(Item::at);
}

/// Just after the newest row (the very start when there is none).
fn after_last(items: &[Item]) -> DateTime<Utc> {
    items
        .iter()
        .map(Item::at)
        .max()
        .map_or(DateTime::<Utc>::MIN_UTC, |at| {
            at + chrono::Duration::milliseconds(1)
        })
}

/// Adds a line of the widget's own after what is there.
pub fn add_line(items: &mut Vec<Item>, key: String, text: String) {
    let at = after_last(items);
    items.push(Item::Line { key, text, at });
}

/// The server stored `client_id`'s message as `message_id`: it leaves the outbox and takes its
/// place in the thread (a later copy from the server is then recognised by its id).
pub fn acknowledge(
    items: &mut Vec<Item>,
    outbox: &mut Vec<Pending>,
    client_id: &str,
    message_id: MessageId,
    conversation_id: ConversationId,
    at: DateTime<Utc>,
) {
    let Some(index) = outbox.iter().position(|p| p.client_id == client_id) else {
        return;
    };
    let pending = outbox.remove(index);
    let message = VisitorMessage {
        id: message_id,
        conversation_id,
        sender: Sender::Customer,
        sender_name: String::new(),
        kind: match pending.attachment.as_ref().map(|a| a.kind) {
            None => MessageKind::Text,
            Some(AttachmentKind::Image) => MessageKind::Image,
            Some(AttachmentKind::Voice) => MessageKind::Voice,
            Some(AttachmentKind::File) => MessageKind::File,
        },
        body: Some(pending.text).filter(|t| !t.is_empty()),
        attachment: pending.attachment,
        payload: pending.pick.as_ref().map(Pick::payload),
        client_id: Some(pending.client_id),
        created_at: at,
    };
    let at = after_last(items);
    items.push(Item::Message { message, at });
}

/// A message of the visitor's own arrived from the server (another tab, or a resend after a
/// reconnect): whatever of it waits in the outbox is done.
pub fn settle(outbox: &mut Vec<Pending>, message: &VisitorMessage) {
    if let Some(client_id) = &message.client_id {
        outbox.retain(|p| &p.client_id != client_id);
    }
}

/// The time picked on booking card `card`, by a stored message or one on its way.
pub fn picked(items: &[Item], outbox: &[Pending], card: &MessageId) -> Option<DateTime<Utc>> {
    let stored = items.iter().find_map(|i| match i {
        Item::Message { message, .. } if message.sender == Sender::Customer => {
            crate::wire::slot_picked(message.payload.as_ref()?).filter(|p| &p.card == card)
        }
        _ => None,
    });
    let waiting = || {
        outbox
            .iter()
            .filter_map(|p| p.pick.clone())
            .find(|p| &p.card == card)
    };
    stored.or_else(waiting).map(|p| p.starts_at)
}

/// Whether message `id` comes at or before message `mark` in the thread (false when either
/// is not in it).
pub fn at_or_before(items: &[Item], id: &MessageId, mark: &MessageId) -> bool {
    let position = |wanted: &MessageId| {
        items
            .iter()
            .position(|i| matches!(i, Item::Message { message, .. } if &message.id == wanted))
    };
    matches!((position(id), position(mark)), (Some(at), Some(end)) if at <= end)
}

/// The newest stored message, to ask for what came after it.
pub fn last_message_id(items: &[Item]) -> Option<MessageId> {
    items.iter().rev().find_map(|i| match i {
        Item::Message { message, .. } => Some(message.id.clone()),
        Item::Line { .. } => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(id: &str, second: i64, sender: Sender) -> VisitorMessage {
        VisitorMessage {
            id: id.into(),
            conversation_id: "c".into(),
            sender,
            sender_name: "Anna".into(),
            kind: MessageKind::Text,
            body: Some(format!("message {id}")),
            attachment: None,
            payload: None,
            client_id: None,
            created_at: DateTime::from_timestamp(1_800_000_000 + second, 0).unwrap(),
        }
    }

    fn ids(items: &[Item]) -> Vec<String> {
        items.iter().map(Item::key).collect()
    }

    #[test]
    fn merging_twice_keeps_one_copy_in_time_order() {
        let mut items = Vec::new();
        merge(&mut items, vec![message("b", 2, Sender::Agent)]);
        merge(
            &mut items,
            vec![message("a", 1, Sender::Ai), message("b", 2, Sender::Agent)],
        );
        assert_eq!(ids(&items), ["a", "b"]);
    }

    #[test]
    fn an_acknowledged_message_leaves_the_outbox_and_a_later_copy_is_not_added() {
        let mut items = Vec::new();
        merge(&mut items, vec![message("a", 1, Sender::Ai)]);
        let mut outbox = vec![
            Pending {
                client_id: "k1".into(),
                text: "hello".into(),
                refused: None,
                attachment: None,
                pick: None,
            },
            Pending {
                client_id: "k2".into(),
                text: "still waiting".into(),
                refused: None,
                attachment: None,
                pick: None,
            },
        ];
        let at = DateTime::from_timestamp(1_800_000_005, 0).unwrap();
        acknowledge(&mut items, &mut outbox, "k1", "m1".into(), "c".into(), at);
        assert_eq!(ids(&items), ["a", "m1"]);
        assert_eq!(outbox.len(), 1);
        let mut copy = message("m1", 5, Sender::Customer);
        copy.client_id = Some("k1".into());
        merge(&mut items, vec![copy]);
        assert_eq!(ids(&items), ["a", "m1"]);
        assert_eq!(last_message_id(&items), Some("m1".into()));
    }

    #[test]
    fn what_the_widget_adds_sorts_after_what_is_there_whatever_the_browsers_clock() {
        let mut items = Vec::new();
        merge(&mut items, vec![message("a", 10, Sender::Ai)]);
        // The browser's clock is an hour ahead of the server's.
        let browser_now = DateTime::from_timestamp(1_800_003_600, 0).unwrap();
        let mut outbox = vec![Pending {
            client_id: "k1".into(),
            text: "hello".into(),
            refused: None,
            attachment: None,
            pick: None,
        }];
        acknowledge(
            &mut items,
            &mut outbox,
            "k1",
            "m1".into(),
            "c".into(),
            browser_now,
        );
        add_line(
            &mut items,
            "line-1".into(),
            "Anna joined the conversation".into(),
        );
        // The agent's reply, stored by the server a second after the visitor's message.
        merge(&mut items, vec![message("b", 11, Sender::Agent)]);
        assert_eq!(ids(&items), ["a", "m1", "line-1", "b"]);
    }

    #[test]
    fn messages_up_to_the_mark_are_seen() {
        let mut items = Vec::new();
        merge(
            &mut items,
            vec![
                message("a", 1, Sender::Customer),
                message("b", 2, Sender::Customer),
                message("c", 3, Sender::Customer),
            ],
        );
        let mark = MessageId::from("b");
        assert!(at_or_before(&items, &"a".into(), &mark));
        assert!(at_or_before(&items, &"b".into(), &mark));
        assert!(!at_or_before(&items, &"c".into(), &mark));
        assert!(!at_or_before(&items, &"a".into(), &"gone".into()));
    }

    #[test]
    fn the_own_message_from_another_tab_settles_the_outbox() {
        let mut outbox = vec![Pending {
            client_id: "k1".into(),
            text: "hello".into(),
            refused: None,
            attachment: None,
            pick: None,
        }];
        let mut copy = message("m1", 5, Sender::Customer);
        copy.client_id = Some("k1".into());
        settle(&mut outbox, &copy);
        assert!(outbox.is_empty());
    }
}
