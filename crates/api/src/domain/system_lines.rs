//! The thread's system lines: "Bea joined the conversation", transfers, delegations, resolve
//! and reopen. Each is stored as a message (sender `system`, kind `event`) in the transaction of
//! the change it records, so whoever reads the thread later sees what happened and when, and
//! members get it live as `message.created`. Lines are for the team: they are not counted as
//! messages, and the visitor's socket and history leave them out (the widget shows its own
//! "joined" lines from the socket's frames).

use serde_json::json;
use switchboard_types::events::{EventPayload, MessageCreated};
use switchboard_types::messages::{MessageKind, Sender};

use super::conversation_state::row;
use super::messages::{insert_message, NewMessage};
use super::outbox::Outbox;
use super::views::message_view_without_file;
use crate::error::AppError;
use crate::store::{conversations::Conversation, Conn};

/// What a system line records; names are members' display names.
pub enum SystemLine<'a> {
    Joined {
        agent: &'a str,
    },
    TookOver {
        agent: &'a str,
        from: &'a str,
    },
    Left {
        agent: &'a str,
    },
    Transferred {
        from: Option<&'a str>,
        to: &'a str,
    },
    DelegationAsked {
        from: Option<&'a str>,
        to: &'a str,
    },
    DelegationAccepted {
        to: &'a str,
    },
    DelegationRejected {
        to: &'a str,
    },
    DelegationCancelled {
        to: &'a str,
    },
    Resolved {
        by: Option<&'a str>,
    },
    Reopened {
        by: Option<&'a str>,
    },
    /// A WhatsApp message of a type Switchboard cannot show (kept, never dropped).
    Unsupported {
        kind: &'a str,
    },
}

impl SystemLine<'_> {
    /// The event name kept in the message's payload, for clients that style lines by kind.
    fn event(&self) -> &'static str {
        match self {
            SystemLine::Joined { .. } => "agent_joined",
            SystemLine::TookOver { .. } => "agent_took_over",
            SystemLine::Left { .. } => "agent_left",
            SystemLine::Transferred { .. } => "transferred",
            SystemLine::DelegationAsked { .. } => "delegation_requested",
            SystemLine::DelegationAccepted { .. } => "delegation_accepted",
            SystemLine::DelegationRejected { .. } => "delegation_rejected",
            SystemLine::DelegationCancelled { .. } => "delegation_cancelled",
            SystemLine::Resolved { .. } => "resolved",
            SystemLine::Reopened { .. } => "reopened",
            SystemLine::Unsupported { .. } => "unsupported_message",
        }
    }

    /// The line as the thread shows it.
    pub fn text(&self) -> String {
        let someone = |name: &Option<&str>| name.unwrap_or("A teammate").to_string();
        match self {
            SystemLine::Joined { agent } => format!("{agent} joined the conversation"),
            SystemLine::TookOver { agent, from } => {
                format!("{agent} took over the conversation from {from}")
            }
            SystemLine::Left { agent } => format!("{agent} left the conversation"),
            SystemLine::Transferred { from, to } => {
                format!("{} transferred the conversation to {to}", someone(from))
            }
            SystemLine::DelegationAsked { from, to } => {
                format!("{} asked {to} to take the conversation", someone(from))
            }
            SystemLine::DelegationAccepted { to } => format!("{to} accepted the delegation"),
            SystemLine::DelegationRejected { to } => format!("{to} rejected the delegation"),
            SystemLine::DelegationCancelled { to } => {
                format!("The delegation to {to} was cancelled")
            }
            SystemLine::Resolved { by: Some(by) } => format!("{by} resolved the conversation"),
            SystemLine::Resolved { by: None } => "The conversation was resolved".into(),
            SystemLine::Reopened { by: Some(by) } => format!("{by} reopened the conversation"),
            SystemLine::Reopened { by: None } => "The conversation was reopened".into(),
            SystemLine::Unsupported { kind } => format!(
                "Unsupported message type: the customer sent a WhatsApp \"{kind}\" message, \
                 which cannot be shown here"
            ),
        }
    }
}

/// Stores `line` in `c` and emits it to members, inside the caller's transaction, after the
/// change it records is saved (the event carries the conversation's current row).
pub fn record(
    conn: &mut Conn,
    outbox: &mut Outbox,
    c: &Conversation,
    line: SystemLine,
) -> Result<(), AppError> {
    let new = NewMessage {
        sender: Sender::System,
        sender_user_id: None,
        body: Some(line.text()),
        attachment_id: None,
        client_message_id: None,
        kind: Some(MessageKind::Event),
        payload: Some(json!({ "event": line.event() })),
        created_at: None,
    };
    let (message, _) = insert_message(conn, c, new)?;
    let conversation = row(conn, &c.tenant_id, &c.id)?;
    outbox.emit(
        EventPayload::MessageCreated(MessageCreated {
            message: message_view_without_file(&message, "Switchboard".into()),
            conversation,
        }),
        Some(&c.id),
        // Not routed to the visitor: their socket has its own frames for joins and leaves.
        None,
    );
    Ok(())
}

/// Whether a stored message is a system line (left out of what the visitor sees).
pub fn is_system_line(sender: Sender, kind: MessageKind) -> bool {
    sender == Sender::System && kind == MessageKind::Event
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_read_as_sentences_with_names() {
        assert_eq!(
            SystemLine::Joined { agent: "Bea" }.text(),
            "Bea joined the conversation"
        );
        assert_eq!(
            SystemLine::TookOver {
                agent: "Ann",
                from: "Bea"
            }
            .text(),
            "Ann took over the conversation from Bea"
        );
        assert_eq!(
            SystemLine::Transferred {
                from: None,
                to: "Bea"
            }
            .text(),
            "A teammate transferred the conversation to Bea"
        );
        assert_eq!(
            SystemLine::Resolved { by: None }.text(),
            "The conversation was resolved"
        );
        assert_eq!(
            SystemLine::DelegationCancelled { to: "Bea" }.event(),
            "delegation_cancelled"
        );
    }
}
