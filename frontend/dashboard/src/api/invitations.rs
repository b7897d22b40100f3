//! Joining a team from an invitation link (no session needed).

use switchboard_types::auth::AuthTokens;
use switchboard_types::team::{AcceptInvitationRequest, InvitationPreview};

use super::client::{self, Call};
use super::{session, ApiError};

/// What the invitation is for: workspace, email and role.
pub async fn preview(token: &str) -> Result<InvitationPreview, ApiError> {
    let query = [("token", token)];
    let call = Call::get("/invitations/preview").query(&query);
    client::decode(client::public(call).await?).await
}

/// Creates the account and keeps its new session.
pub async fn accept(request: &AcceptInvitationRequest) -> Result<(), ApiError> {
    let response = client::public(Call::post("/invitations/accept").json(request)).await?;
    let tokens = client::decode::<AuthTokens>(response).await?;
    session::save(&tokens);
    Ok(())
}
