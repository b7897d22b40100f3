//! Opaque identifiers. Every id that appears in a URL is a UUIDv7 string: unguessable, and
//! roughly time-ordered so it doubles as a stable tie-breaker in keyset pagination.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// The id as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self(value)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(value.to_string())
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }
    )*};
}

id_type!(
    /// A business using Switchboard.
    TenantId,
    /// A member of a tenant's team (agent, admin or owner).
    UserId,
    /// A signed-in session on one device; its refresh token rotates.
    SessionId,
    /// A pending or used invitation to join a team.
    InvitationId,
    /// An integrator's API key.
    ApiKeyId,
    /// One line of the audit log.
    AuditEntryId,
    /// A website or WhatsApp visitor.
    VisitorId,
    /// A conversation between a visitor and the business.
    ConversationId,
    /// One message in a conversation.
    MessageId,
    /// An uploaded file (image, voice note, document).
    AttachmentId,
    /// A transfer or delegation of a conversation.
    HandoffId,
    /// A captured lead.
    LeadId,
    /// A canned response.
    QuickReplyId,
    /// A meeting booked from a conversation.
    BookingId,
    /// A connected WhatsApp number.
    ConnectorId,
);
