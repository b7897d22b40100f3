//! Reviews: the ratings visitors gave and how they add up.

use switchboard_types::page::Page;
use switchboard_types::reviews::{ReviewSummary, ReviewView};

use super::client::{self, Call};
use super::ApiError;

/// `GET /ratings`: newest first, optionally only `stars` or one feedback `category`.
pub async fn list(
    stars: Option<i16>,
    category: &str,
    cursor: Option<&str>,
) -> Result<Page<ReviewView>, ApiError> {
    let stars = stars.map(|s| s.to_string());
    let mut query = Vec::new();
    if let Some(stars) = stars.as_deref() {
        query.push(("stars", stars));
    }
    if !category.is_empty() {
        query.push(("category", category));
    }
    if let Some(cursor) = cursor {
        query.push(("cursor", cursor));
    }
    client::decode(client::signed_in(Call::get("/ratings").query(&query)).await?).await
}

/// `GET /ratings/summary?days=`: count, average and distribution of the last `days` days.
pub async fn summary(days: i64) -> Result<ReviewSummary, ApiError> {
    let days = days.to_string();
    let query = [("days", days.as_str())];
    let call = Call::get("/ratings/summary").query(&query);
    client::decode(client::signed_in(call).await?).await
}
