//! API keys for integrators.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{ApiKeyId, UserId};

/// Creates an API key.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateApiKeyRequest {
    /// What the key is for, 1-100 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 100, pattern = "\\S")
    )]
    pub name: String,
}

/// An API key as listed; the secret is never shown after creation.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiKeyView {
    /// The key's id.
    pub id: ApiKeyId,
    /// What the key is for.
    pub name: String,
    /// The first characters of the key, to recognise it.
    pub prefix: String,
    /// Who created it.
    pub created_by: UserId,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it was last used.
    pub last_used_at: Option<DateTime<Utc>>,
    /// When it was revoked; revoked keys no longer work.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A new key with its secret, shown this once.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreatedApiKey {
    /// The key.
    pub key: ApiKeyView,
    /// The full secret to send as `Authorization: Bearer <secret>`.
    pub secret: String,
}
