//! The Overview's numbers.

use switchboard_types::stats::Overview;

use super::client::{self, Call};
use super::ApiError;

/// `GET /stats/overview`: the team's cards and charts, or an agent's own cards.
pub async fn overview() -> Result<Overview, ApiError> {
    client::decode(client::signed_in(Call::get("/stats/overview")).await?).await
}
