//! The Reviews page (admins and the owner): every rating with the visitor and the agent who
//! handled the conversation, filtered by stars or feedback category; and how a period's
//! ratings add up (count, average, 1-5 distribution).

use std::collections::HashMap;

use chrono::Duration;
use switchboard_types::conversations::ConversationRow;
use switchboard_types::page::Page;
use switchboard_types::reviews::{ReviewSummary, ReviewView};
use switchboard_types::Section;

use super::member::Member;
use super::validate;
use super::views::conversation_row;
use crate::clock::{now, to_utc};
use crate::error::{AppError, Violations};
use crate::state::AppState;
use crate::store::{self, ratings::Rating, ratings::RatingFilter, Conn};
use switchboard_types::TenantId;

/// What the list asks for.
pub struct ReviewsQuery {
    pub stars: Option<i16>,
    pub category: Option<String>,
    pub cursor: Option<String>,
    pub limit: i64,
}

/// A page of ratings, newest first.
pub async fn list(
    state: &AppState,
    member: &Member,
    q: ReviewsQuery,
) -> Result<Page<ReviewView>, AppError> {
    member.require_section(Section::Reviews)?;
    let mut v = Violations::default();
    if q.stars.is_some_and(|s| !(1..=5).contains(&s)) {
        v.add("stars", "must be between 1 and 5");
    }
    let category = validate::optional_text(&mut v, "category", q.category.as_deref(), 60);
    v.finish()?;
    let after = validate::time_cursor(q.cursor.as_deref())?;
    let filter = RatingFilter {
        stars: q.stars,
        category,
    };
    let (tenant, limit) = (member.tenant_id.clone(), q.limit);
    let rows = state
        .db
        .read(move |conn| {
            let ratings = store::ratings::page(conn, &tenant, &filter, after, limit + 1)?;
            reviews_of(conn, &tenant, ratings)
        })
        .await?;
    Ok(validate::paginate(
        rows,
        limit,
        |(_, r)| (r.created_at, r.id.clone()),
        |(view, _)| view,
    ))
}

/// The ratings with their conversations' visitors and agents (one query for all of them).
fn reviews_of(
    conn: &mut Conn,
    tenant: &TenantId,
    ratings: Vec<Rating>,
) -> Result<Vec<(ReviewView, Rating)>, AppError> {
    let ids: Vec<String> = ratings.iter().map(|r| r.conversation_id.clone()).collect();
    let at = now();
    let rows: HashMap<String, ConversationRow> =
        store::conversations::listed_many(conn, tenant, &ids)?
            .iter()
            .map(|listed| (listed.conversation.id.clone(), conversation_row(listed, at)))
            .collect();
    ratings
        .into_iter()
        .map(|r| {
            let row = rows
                .get(&r.conversation_id)
                .ok_or(AppError::NotFound("Conversation"))?;
            let view = ReviewView {
                conversation_id: row.id.clone(),
                stars: r.stars,
                categories: serde_json::from_str(&r.categories).unwrap_or_default(),
                comment: r.comment.clone(),
                visitor_label: row.visitor_label.clone(),
                agent: row.assignee.clone(),
                created_at: to_utc(r.created_at),
            };
            Ok((view, r))
        })
        .collect()
}

/// The ratings of the last `days` days (1-365).
pub async fn summary(
    state: &AppState,
    member: &Member,
    days: i64,
) -> Result<ReviewSummary, AppError> {
    member.require_section(Section::Reviews)?;
    if !(1..=365).contains(&days) {
        return Err(AppError::invalid_field("days", "must be between 1 and 365"));
    }
    let tenant = member.tenant_id.clone();
    let since = now() - Duration::days(days);
    let counts = state
        .db
        .read(move |conn| Ok(store::ratings::stars_since(conn, &tenant, since)?))
        .await?;
    Ok(summarise(days, &counts))
}

/// Count, average and distribution from `(stars, how many)` pairs.
fn summarise(days: i64, counts: &[(i16, i64)]) -> ReviewSummary {
    let mut distribution = [0_i64; 5];
    for &(stars, n) in counts {
        if let Some(slot) = usize::try_from(stars - 1)
            .ok()
            .and_then(|i| distribution.get_mut(i))
        {
            *slot += n;
        }
    }
    let count: i64 = distribution.iter().sum();
    let total: i64 = distribution
        .iter()
        .enumerate()
        .map(|(i, n)| (i as i64 + 1) * n)
        .sum();
    let average = (count > 0).then(|| (total as f64 / count as f64 * 100.0).round() / 100.0);
    ReviewSummary {
        days,
        count,
        average,
        distribution,
    }
}

#[cfg(test)]
mod tests {
    use super::summarise;

    #[test]
    fn a_summary_counts_averages_and_spreads_the_stars() {
        let s = summarise(30, &[(5, 2), (4, 1), (1, 1)]);
        assert_eq!((s.count, s.distribution), (4, [1, 0, 0, 1, 2]));
        assert_eq!(s.average, Some(3.75));
        assert_eq!(summarise(7, &[]).average, None);
    }
}
