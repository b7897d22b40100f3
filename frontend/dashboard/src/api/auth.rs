//! Signing in and out.

use switchboard_types::auth::{AuthTokens, LoginRequest};

use super::client::{self, Call};
use super::{session, ApiError};

/// Signs in with email and password and keeps the new session.
pub async fn login(request: &LoginRequest) -> Result<(), ApiError> {
    let response = client::public(Call::post("/auth/login").json(request)).await?;
    let tokens = client::decode::<AuthTokens>(response).await?;
    session::save(&tokens);
    Ok(())
}

/// Ends the session on the server, then forgets it here. The local session is forgotten even
/// when the server cannot be reached: the person asked to leave and must not stay signed in.
pub async fn logout() {
    if session::is_signed_in() {
        if let Ok(response) = client::signed_in(Call::post("/auth/logout")).await {
            let _ = client::expect_success(response).await;
        }
    }
    session::clear();
}
