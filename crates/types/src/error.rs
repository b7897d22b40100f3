//! The one error shape every failing endpoint returns, and every code it can carry.

use serde::{Deserialize, Serialize};

/// The body of every error response: `{"error": {...}}`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// A stable machine-readable code, a sentence for people, and optional structured details
/// (for validation errors: the failing fields, each with its message).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// Stable code, e.g. `conversation_locked`, `validation_failed`.
    pub code: ErrorCode,
    /// A sentence a person can act on.
    pub message: String,
    /// Structured context, e.g. `{"fields": {"email": "must be a valid email address"}}`.
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub details: serde_json::Value,
}

/// Declares [`ErrorCode`] with each variant's wire name written once.
macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident = $wire:literal,)+) => {
        /// Every error code the server sends, in REST error bodies and in the visitor socket's
        /// `error` frames. Clients match on these, never on the message text.
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        // Each wire name is its variant's name in snake_case (the OpenAPI schema follows
        // `rename_all`; the test below checks every `as_str` against serde).
        #[serde(rename_all = "snake_case")]
        pub enum ErrorCode {
            $($(#[$doc])* $variant,)+
            /// A code this build does not know yet (sent by a newer server).
            #[serde(other)]
            Unknown,
        }

        impl ErrorCode {
            /// Every known code, for tests and documentation.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)+];

            /// The wire name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $wire,)+
                    ErrorCode::Unknown => "unknown",
                }
            }

            /// The code of a wire name; a name this build does not know is `Unknown`, as
            /// serde reads it. (A table walk: the chat frame reads codes without serde.)
            pub fn parse(name: &str) -> ErrorCode {
                ErrorCode::ALL
                    .iter()
                    .copied()
                    .find(|code| code.as_str() == name)
                    .unwrap_or(ErrorCode::Unknown)
            }
        }
    };
}

error_codes! {
    // The request itself.
    /// The body is not valid JSON (400).
    MalformedJson = "malformed_json",
    /// The multipart body could not be read (400).
    MalformedMultipart = "malformed_multipart",
    /// The body is not `application/json` (415).
    UnsupportedMediaType = "unsupported_media_type",
    /// The body is larger than allowed (413).
    PayloadTooLarge = "payload_too_large",
    /// One or more fields are invalid; `details.fields` names them (422).
    ValidationFailed = "validation_failed",
    /// No such item, or not in this workspace (404).
    NotFound = "not_found",
    /// The path exists but not with this method; `Allow` lists those it has (405).
    MethodNotAllowed = "method_not_allowed",
    /// A socket endpoint was called without a WebSocket upgrade (400).
    WebsocketUpgradeRequired = "websocket_upgrade_required",
    /// Too many requests or attempts; `details.retry_after_seconds` says when to retry (429).
    RateLimited = "rate_limited",
    /// A dependency (the database) is unavailable (503).
    Unavailable = "unavailable",
    /// A bug on the server; it was logged (500).
    InternalError = "internal_error",
    /// The same idempotency key was sent before with a different payload (409).
    IdempotencyKeyReused = "idempotency_key_reused",

    // Signing in and credentials (401 unless said otherwise).
    /// No credential was sent.
    Unauthorized = "unauthorized",
    /// Wrong email or password.
    InvalidCredentials = "invalid_credentials",
    /// The access token expired: refresh it.
    TokenExpired = "token_expired",
    /// The session was signed out or ended.
    SessionRevoked = "session_revoked",
    /// The refresh token is unknown, expired or already used.
    InvalidRefreshToken = "invalid_refresh_token",
    /// Another tab refreshed this session a moment ago: adopt its tokens (409).
    RefreshTokenSuperseded = "refresh_token_superseded",
    /// The API key is unknown or revoked.
    InvalidApiKey = "invalid_api_key",
    /// The token's (or a webhook's `X-Hub-Signature-256`) signature does not verify.
    InvalidSignature = "invalid_signature",
    /// The widget key is unknown.
    InvalidWidgetKey = "invalid_widget_key",
    /// The widget runs on an origin the workspace did not list in its allowed origins (403).
    OriginNotAllowed = "origin_not_allowed",
    /// The visitor token does not verify.
    InvalidVisitorToken = "invalid_visitor_token",
    /// The member was deactivated.
    MemberInactive = "member_inactive",
    /// Signed in, but the role does not allow this (403).
    Forbidden = "forbidden",

    // The team.
    /// An account with this email exists already (409).
    EmailTaken = "email_taken",
    /// This person is on the team already (409).
    AlreadyMember = "already_member",
    /// This member owns the workspace already (422).
    AlreadyOwner = "already_owner",
    /// The owner's role changes only by handing ownership over (422).
    OwnerRoleFixed = "owner_role_fixed",
    /// Making someone the owner goes through the ownership transfer (422).
    UseOwnershipTransfer = "use_ownership_transfer",
    /// Members cannot deactivate themselves (422).
    CannotDeactivateSelf = "cannot_deactivate_self",
    /// The owner cannot be deactivated (422).
    CannotDeactivateOwner = "cannot_deactivate_owner",
    /// Members cannot reactivate themselves (422).
    CannotReactivateSelf = "cannot_reactivate_self",
    /// The owner is never deactivated, so never reactivated (422).
    CannotReactivateOwner = "cannot_reactivate_owner",
    /// The invitation or key was revoked already (409).
    AlreadyRevoked = "already_revoked",
    /// The chosen teammate is deactivated (422).
    TargetInactive = "target_inactive",

    // Conversations.
    /// Another agent holds the join lock; `details.holder` names them (409).
    ConversationLocked = "conversation_locked",
    /// Join the conversation first (409).
    NotJoined = "not_joined",
    /// The conversation is resolved: reopen it first (409).
    ConversationResolved = "conversation_resolved",
    /// The conversation is resolved already (409).
    AlreadyResolved = "already_resolved",
    /// The conversation is not resolved, so it cannot be reopened (409).
    NotResolved = "not_resolved",
    /// A delegation is waiting for an answer already (409).
    DelegationPending = "delegation_pending",
    /// The delegation was answered or withdrawn already (409).
    DelegationNotPending = "delegation_not_pending",
    /// The delegation's target holds the conversation already (422).
    CannotDelegateToSelf = "cannot_delegate_to_self",
    /// A conversation cannot be handed to the one handing it (422).
    CannotHandToSelf = "cannot_hand_to_self",
    /// The visitor has no conversation to rate yet (422).
    NoConversation = "no_conversation",
    /// That time is not on a booking card of the visitor's conversation (422).
    SlotNotOffered = "slot_not_offered",
    /// A time was picked from this booking card already (409).
    SlotAlreadyPicked = "slot_already_picked",

    // WhatsApp.
    /// More than 24 hours passed since the customer's last message: only a template can be
    /// sent (409).
    WhatsappWindowClosed = "whatsapp_window_closed",
    /// The workspace has no WhatsApp number connected (404 on the connector, 409 on a send).
    WhatsappNotConnected = "whatsapp_not_connected",
    /// The Graph API refused the request; the message says why in Meta's words (502).
    WhatsappApiError = "whatsapp_api_error",

    // Workspace content.
    /// Another quick reply uses this shortcut (409).
    ShortcutTaken = "shortcut_taken",
    /// This kind of file is not accepted (415).
    UnsupportedFileType = "unsupported_file_type",

    // The visitor socket's `error` frames.
    /// The frame is not a JSON text frame of a known type.
    InvalidFrame = "invalid_frame",
    /// The frame is larger than 16 KiB.
    FrameTooLarge = "frame_too_large",
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips_by_its_wire_name() {
        for code in ErrorCode::ALL {
            let wire = serde_json::to_string(code).unwrap();
            assert_eq!(wire, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<ErrorCode>(&wire).unwrap(), *code);
            assert_eq!(ErrorCode::parse(code.as_str()), *code);
        }
    }

    #[test]
    fn a_code_from_a_newer_server_is_unknown_not_an_error() {
        let detail: ErrorDetail =
            serde_json::from_str(r#"{"code":"brand_new_code","message":"x"}"#).unwrap();
        assert_eq!(detail.code, ErrorCode::Unknown);
        assert_eq!(ErrorCode::parse("brand_new_code"), ErrorCode::Unknown);
    }
}
