//! Leads captured from conversations.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{ConversationId, LeadId, UserId, VisitorId};

/// Captures a lead; name and phone default to the visitor's pre-chat answers.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaptureLeadRequest {
    /// Required, a valid email.
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 254))]
    pub email: String,
    /// At most 100 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub name: Option<String>,
    /// At most 40 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 40))]
    pub phone: Option<String>,
    /// At most 100 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub company: Option<String>,
    /// At most 2000 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub message: Option<String>,
}

/// A captured lead.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadView {
    /// The lead's id.
    pub id: LeadId,
    /// Where it was captured.
    pub conversation_id: Option<ConversationId>,
    /// The visitor.
    pub visitor_id: Option<VisitorId>,
    /// Email.
    pub email: String,
    /// Name.
    pub name: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Company.
    pub company: Option<String>,
    /// Message.
    pub message: Option<String>,
    /// The agent who captured it.
    pub captured_by: Option<UserId>,
    /// When.
    pub created_at: DateTime<Utc>,
}
