//! The audit log: who did what, and when.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::AuditEntryId;

/// Who performed an audited action.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditActor {
    /// `user`, `api_key` or `system`.
    pub kind: String,
    /// The user's or key's id.
    pub id: Option<String>,
    /// Email of the user or name of the key, for display.
    pub label: Option<String>,
}

/// One audited action.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// The entry's id.
    pub id: AuditEntryId,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// Who did it.
    pub actor: AuditActor,
    /// What was done, e.g. `auth.login`, `team.role_changed`, `api_key.created`.
    pub action: String,
    /// Kind of the object acted on, e.g. `user`.
    pub target_type: Option<String>,
    /// Id of the object acted on.
    pub target_id: Option<String>,
    /// Client address.
    pub ip: Option<String>,
    /// Action-specific context (never secrets).
    pub details: serde_json::Value,
}
