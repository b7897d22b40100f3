//! Team management: invitations, roles, ownership and deactivation.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{InvitationId, Role, UserId};

/// Invites someone by email. Only the owner may invite admins.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InviteRequest {
    /// Where the invitation is meant to go.
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 254))]
    pub email: String,
    /// `agent` or `admin`.
    #[cfg_attr(feature = "openapi", schema(schema_with = assignable_role_schema))]
    pub role: Role,
}

/// Where an invitation stands.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvitationStatus {
    /// Waiting to be accepted.
    Pending,
    /// Used to create an account.
    Accepted,
    /// Withdrawn by an admin.
    Revoked,
    /// Past its expiry.
    Expired,
}

/// An invitation as the team page lists it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvitationView {
    /// The invitation's id.
    pub id: InvitationId,
    /// Invited email.
    pub email: String,
    /// Role the account will get.
    pub role: Role,
    /// Who sent it.
    pub invited_by: UserId,
    /// Where it stands.
    pub status: InvitationStatus,
    /// When it was sent.
    pub created_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// A new invitation with its single-use link. There is no mail server: show the link to the
/// inviter so they can pass it on. The token is never shown again.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreatedInvitation {
    /// The invitation.
    pub invitation: InvitationView,
    /// The single-use token.
    pub token: String,
    /// The dashboard link that accepts it.
    pub invite_url: String,
}

/// What the accept screen shows before the invitee picks a password.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvitationPreview {
    /// The workspace being joined.
    pub workspace_name: String,
    /// The invited email.
    pub email: String,
    /// The role the account will get.
    pub role: Role,
}

/// Accepts an invitation, creating the account.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AcceptInvitationRequest {
    /// The token from the invitation link.
    pub token: String,
    /// Display name, 1-100 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 100, pattern = "\\S")
    )]
    pub name: String,
    /// At least 10 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 200))]
    pub password: String,
}

/// Changes a member's role between agent and admin (owner only).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleChangeRequest {
    /// `agent` or `admin`; ownership moves with the ownership endpoint instead.
    #[cfg_attr(feature = "openapi", schema(schema_with = assignable_role_schema))]
    pub role: Role,
}

/// Hands ownership to another active member; the old owner becomes an admin.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OwnershipTransferRequest {
    /// The new owner.
    pub to_user_id: UserId,
}

/// The roles an invitation or a role change can give: every role but `owner`, which passes only
/// through the ownership transfer (the server refuses it with a message saying so).
#[cfg(feature = "openapi")]
fn assignable_role_schema() -> utoipa::openapi::schema::Object {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some([Role::Agent.as_str(), Role::Admin.as_str()]))
        .description(Some("`agent` or `admin`."))
        .build()
}
