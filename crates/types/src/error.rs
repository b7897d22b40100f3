//! The one error shape every failing endpoint returns.

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
    pub code: String,
    /// A sentence a person can act on.
    pub message: String,
    /// Structured context, e.g. `{"fields": {"email": "must be a valid email address"}}`.
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub details: serde_json::Value,
}
