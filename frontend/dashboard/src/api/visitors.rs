//! Visitors browsing the site now (the Conversations page's Live visitors panel).

use switchboard_types::visitors::LiveVisitor;

use super::client::{self, Call};
use super::ApiError;

/// `GET /visitors/live`: who is on the site now, across every server process, newest first.
pub async fn live() -> Result<Vec<LiveVisitor>, ApiError> {
    client::decode(client::signed_in(Call::get("/visitors/live")).await?).await
}
