//! Sign-up, sign-in, tokens and the signed-in member's view of themselves.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::wire::wire_names;

use crate::{Role, Section, TenantId, UserId};

/// Creates a workspace (tenant) and its owner.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignupRequest {
    /// The business's name, 1-100 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 100, pattern = "\\S")
    )]
    pub workspace_name: String,
    /// The owner's display name, 1-100 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 100, pattern = "\\S")
    )]
    pub name: String,
    /// The owner's email; also the sign-in name.
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 254))]
    pub email: String,
    /// At least 10 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 200))]
    pub password: String,
    /// IANA time zone for daily figures, e.g. `Europe/Paris`; defaults to UTC.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 64, example = "Europe/Paris"))]
    pub time_zone: Option<String>,
}

/// Email and password sign-in.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoginRequest {
    /// The member's email.
    #[cfg_attr(feature = "openapi", schema(max_length = 254))]
    pub email: String,
    /// The member's password.
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub password: String,
}

/// Exchanges a refresh token for a new access token and a new refresh token.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefreshRequest {
    /// The refresh token from the last sign-in or refresh; it works once.
    pub refresh_token: String,
}

/// A short-lived access token and the rotating refresh token that renews it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuthTokens {
    /// JWT to send as `Authorization: Bearer <token>`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Single-use token for `POST /api/v1/auth/refresh`.
    pub refresh_token: String,
}

/// Whether an agent shows as online to visitors.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    /// Available for conversations.
    Online,
    /// Not taking conversations.
    Away,
}

wire_names!(Availability { Online => "online", Away => "away" });

/// Sets the signed-in member's availability.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AvailabilityRequest {
    /// `online` or `away`.
    pub availability: Availability,
}

/// A team member as others see them.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserView {
    /// The member's id.
    pub id: UserId,
    /// Sign-in email.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Role in the tenant.
    pub role: Role,
    /// Online or away.
    pub availability: Availability,
    /// False once deactivated.
    pub active: bool,
    /// When the member joined.
    pub created_at: DateTime<Utc>,
}

/// The tenant (workspace) as its members see it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TenantView {
    /// The tenant's id.
    pub id: TenantId,
    /// The business's name.
    pub name: String,
    /// IANA time zone used for daily figures.
    pub time_zone: String,
    /// Public key the chat widget embeds to reach this tenant.
    pub widget_key: String,
}

/// The signed-in member, their tenant and the sections their role may open.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Me {
    /// The member.
    pub user: UserView,
    /// Their tenant.
    pub tenant: TenantView,
    /// Sidebar sections this role may open, in order.
    pub sections: Vec<Section>,
}
