//! Quick replies: the workspace's canned answers, inserted with `/` in the input bar.

use switchboard_types::quick_replies::{QuickReplyRequest, QuickReplyView};

use super::client::{self, Call};
use super::ApiError;

/// `GET /quick-replies`: every quick reply of the workspace, by shortcut.
pub async fn list() -> Result<Vec<QuickReplyView>, ApiError> {
    client::decode(client::signed_in(Call::get("/quick-replies")).await?).await
}

/// `POST /quick-replies`.
pub async fn create(request: &QuickReplyRequest) -> Result<QuickReplyView, ApiError> {
    let call = Call::post("/quick-replies").json(request);
    client::decode(client::signed_in(call).await?).await
}

/// `PUT /quick-replies/{id}`: replaces its shortcut, title and text.
pub async fn update(id: &str, request: &QuickReplyRequest) -> Result<QuickReplyView, ApiError> {
    let path = format!("/quick-replies/{id}");
    let call = Call::put(&path).json(request);
    client::decode(client::signed_in(call).await?).await
}

/// `DELETE /quick-replies/{id}`.
pub async fn remove(id: &str) -> Result<(), ApiError> {
    let path = format!("/quick-replies/{id}");
    client::expect_success(client::signed_in(Call::delete(&path)).await?).await
}
