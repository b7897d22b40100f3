//! Which events change what the conversation screens show, and the conversation each one
//! carries, so every screen reads events the same way.

use switchboard_types::conversations::ConversationRow;
use switchboard_types::events::EventPayload;

/// The conversation's updated list row, for events about a conversation.
pub fn row_of(payload: &EventPayload) -> Option<&ConversationRow> {
    match payload {
        EventPayload::ConversationCreated(row)
        | EventPayload::ConversationUpdated(row)
        | EventPayload::ConversationNeedsAgent(row)
        | EventPayload::ConversationResolved(row) => Some(row),
        EventPayload::MessageCreated(change) => Some(&change.conversation),
        EventPayload::AgentJoined(change) | EventPayload::AgentLeft(change) => {
            Some(&change.conversation)
        }
        EventPayload::HandoffRequested(change)
        | EventPayload::HandoffAccepted(change)
        | EventPayload::HandoffRejected(change)
        | EventPayload::HandoffCancelled(change)
        | EventPayload::HandoffTransferred(change) => Some(&change.conversation),
        EventPayload::RatingCreated(change) => Some(&change.conversation),
        _ => None,
    }
}

/// Whether the event can change a tab's count: a new message only bumps activity, which no
/// count depends on.
pub fn changes_counts(payload: &EventPayload) -> bool {
    row_of(payload).is_some() && !matches!(payload, EventPayload::MessageCreated(_))
}
