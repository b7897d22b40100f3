//! Quick replies: the workspace's canned answers, inserted with `/` in the input bar.

use switchboard_types::quick_replies::QuickReplyView;

use super::client::{self, Call};
use super::ApiError;

/// `GET /quick-replies`: every quick reply of the workspace, by shortcut.
pub async fn list() -> Result<Vec<QuickReplyView>, ApiError> {
    client::decode(client::signed_in(Call::get("/quick-replies")).await?).await
}
