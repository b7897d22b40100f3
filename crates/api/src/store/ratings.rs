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
