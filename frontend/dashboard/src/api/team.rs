//! The team: members, their roles and access, and invitations (admins and the owner).

use switchboard_types::auth::UserView;
use switchboard_types::team::{
    CreatedInvitation, InvitationView, InviteRequest, OwnershipTransferRequest, RoleChangeRequest,
};
use switchboard_types::Role;

use super::client::{self, Call};
use super::ApiError;

/// `GET /team/members`: everyone, active or not.
pub async fn members() -> Result<Vec<UserView>, ApiError> {
    client::decode(client::signed_in(Call::get("/team/members")).await?).await
}

/// `GET /team/invitations`.
pub async fn invitations() -> Result<Vec<InvitationView>, ApiError> {
    client::decode(client::signed_in(Call::get("/team/invitations")).await?).await
}

/// `POST /team/invitations`: the invitation and its single-use link.
pub async fn invite(email: String, role: Role) -> Result<CreatedInvitation, ApiError> {
    let call = Call::post("/team/invitations").json(&InviteRequest { email, role });
    client::decode(client::signed_in(call).await?).await
}

/// `DELETE /team/invitations/{id}`.
pub async fn revoke(invitation_id: &str) -> Result<(), ApiError> {
    let path = format!("/team/invitations/{invitation_id}");
    client::expect_success(client::signed_in(Call::delete(&path)).await?).await
}

/// `PUT /team/members/{id}/role` (the owner makes admins and agents).
pub async fn change_role(user_id: &str, role: Role) -> Result<UserView, ApiError> {
    let path = format!("/team/members/{user_id}/role");
    let call = Call::put(&path).json(&RoleChangeRequest { role });
    client::decode(client::signed_in(call).await?).await
}

/// `POST /team/members/{id}/deactivate` or `…/reactivate`.
pub async fn set_active(user_id: &str, active: bool) -> Result<UserView, ApiError> {
    let action = if active { "reactivate" } else { "deactivate" };
    let path = format!("/team/members/{user_id}/{action}");
    client::decode(client::signed_in(Call::post(&path)).await?).await
}

/// `POST /team/ownership`: `user_id` becomes the owner, the caller an admin.
pub async fn transfer_ownership(user_id: &str) -> Result<UserView, ApiError> {
    let body = OwnershipTransferRequest {
        to_user_id: user_id.to_string().into(),
    };
    let call = Call::post("/team/ownership").json(&body);
    client::decode(client::signed_in(call).await?).await
}
