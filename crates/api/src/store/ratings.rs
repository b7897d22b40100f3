//! Visitors' ratings of conversations (one per conversation; a new rating replaces it).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Conn;
use crate::db::schema::ratings;
use switchboard_types::TenantId;

/// A rating row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = ratings)]
pub struct Rating {
    pub id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub tenant_id: TenantId,
    pub conversation_id: String,
    pub stars: i16,
    pub categories: String,
    pub comment: Option<String>,
    pub created_at: NaiveDateTime,
}

pub fn find_for_conversation(
    conn: &mut Conn,
    tenant_id: &TenantId,
    conversation_id: &str,
) -> QueryResult<Option<Rating>> {
    ratings::table
        .filter(
            ratings::tenant_id
                .eq(tenant_id.as_str())
                .and(ratings::conversation_id.eq(conversation_id)),
        )
        .select(Rating::as_select())
        .first(conn)
        .optional()
}

/// Inserts the rating or replaces the conversation's previous one (the caller holds the
/// conversation's lock, so there is no race between the two statements).
pub fn upsert(conn: &mut Conn, rating: &Rating) -> QueryResult<()> {
    let updated = diesel::update(
        ratings::table.filter(
            ratings::tenant_id
                .eq(rating.tenant_id.as_str())
                .and(ratings::conversation_id.eq(&rating.conversation_id)),
        ),
    )
    .set((
        ratings::stars.eq(rating.stars),
        ratings::categories.eq(&rating.categories),
        ratings::comment.eq(&rating.comment),
        ratings::created_at.eq(rating.created_at),
    ))
    .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(ratings::table)
            .values(rating.clone())
            .execute(conn)?;
    }
    Ok(())
}

/// Which ratings a Reviews page lists.
#[derive(Debug, Clone, Default)]
pub struct RatingFilter {
    /// Only this many stars.
    pub stars: Option<i16>,
    /// Only ratings that ticked this feedback category.
    pub category: Option<String>,
}

/// Newest first, strictly after the `(created_at, id)` cursor, as `filter` says.
pub fn page(
    conn: &mut Conn,
    tenant_id: &TenantId,
    filter: &RatingFilter,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> QueryResult<Vec<Rating>> {
    let mut query = ratings::table
        .filter(ratings::tenant_id.eq(tenant_id.as_str()))
        .order((ratings::created_at.desc(), ratings::id.desc()))
        .select(Rating::as_select())
        .limit(limit)
        .into_boxed();
    if let Some(stars) = filter.stars {
        query = query.filter(ratings::stars.eq(stars));
    }
    if let Some(category) = &filter.category {
        // `categories` is a JSON array of strings: look for the category's own JSON string.
        let quoted = serde_json::Value::from(category.as_str()).to_string();
        let pattern = super::contains_pattern(&quoted);
        query = query.filter(ratings::categories.like(pattern).escape('\\'));
    }
    if let Some((at, id)) = after {
        query = query.filter(
            ratings::created_at
                .lt(at)
                .or(ratings::created_at.eq(at).and(ratings::id.lt(id))),
        );
    }
    query.load(conn)
}

/// How many ratings of each star count were given since `since`.
pub fn stars_since(
    conn: &mut Conn,
    tenant_id: &TenantId,
    since: NaiveDateTime,
) -> QueryResult<Vec<(i16, i64)>> {
    ratings::table
        .filter(ratings::tenant_id.eq(tenant_id.as_str()))
        .filter(ratings::created_at.ge(since))
        .group_by(ratings::stars)
        .select((ratings::stars, diesel::dsl::count_star()))
        .load(conn)
}
