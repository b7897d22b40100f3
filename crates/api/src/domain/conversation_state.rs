//! Shared steps of every transaction that changes a conversation: load it under lock, apply a
//! change while keeping the counters right, build the list row for the events.

use chrono::NaiveDateTime;
use serde_json::json;
use switchboard_types::conversations::{AgentRef, ConversationRow};
use switchboard_types::Role;
use switchboard_types::TenantId;

use super::conversation_rules::{Actor, Refusal};
use super::counting::{self, Counted};
use super::member::Member;
use super::views::conversation_row;
use crate::clock::now;
use crate::error::{AppError, ErrorCode};
use crate::store::counters::{BucketDelta, CounterDelta};
use crate::store::{self, conversations::Conversation, Conn};

/// Loads a conversation of the tenant and locks its row for the rest of the transaction.
pub fn load_locked(
    conn: &mut Conn,
    tenant_id: &TenantId,
    id: &str,
) -> Result<Conversation, AppError> {
    store::conversations::lock(conn, tenant_id, id)?.ok_or(AppError::NotFound("Conversation"))
}

/// Saves `after` and moves the counters from `before`'s state to `after`'s, plus `extra`.
pub fn save_counted(
    conn: &mut Conn,
    before: Option<&Conversation>,
    after: &Conversation,
    extra: CounterDelta,
) -> Result<(), AppError> {
    match before {
        Some(_) => store::conversations::save(conn, after)?,
        None => store::conversations::insert(conn, after)?,
    }
    let delta = counting::transition(before.map(Counted::from), Counted::from(after)).plus(extra);
    store::counters::apply(conn, &after.tenant_id, after.channel, after.shard, delta)?;
    Ok(())
}

/// Adds to the daily-chart bucket of `at`.
pub fn bump_chart(
    conn: &mut Conn,
    c: &Conversation,
    at: NaiveDateTime,
    delta: BucketDelta,
) -> Result<(), AppError> {
    store::counters::bump_bucket(conn, &c.tenant_id, counting::bucket_of(at), c.shard, delta)?;
    Ok(())
}

/// The conversation's list row as it is now in this transaction.
pub fn row(conn: &mut Conn, tenant_id: &TenantId, id: &str) -> Result<ConversationRow, AppError> {
    let listed = store::conversations::listed(conn, tenant_id, id)?
        .ok_or(AppError::NotFound("Conversation"))?;
    Ok(conversation_row(&listed, now()))
}

/// A member as shown on conversations.
pub fn agent_ref(
    conn: &mut Conn,
    tenant_id: &TenantId,
    user_id: &str,
) -> Result<AgentRef, AppError> {
    let user =
        store::users::find(conn, tenant_id, user_id)?.ok_or(AppError::NotFound("Team member"))?;
    Ok(AgentRef {
        id: user.id.into(),
        name: user.name,
    })
}

/// 409 `conversation_locked`, naming who holds it.
pub fn locked_by(conn: &mut Conn, tenant_id: &TenantId, holder_id: &str) -> AppError {
    let holder = agent_ref(conn, tenant_id, holder_id).ok();
    let name = holder
        .as_ref()
        .map(|h| h.name.clone())
        .unwrap_or_else(|| "another agent".into());
    AppError::conflict(
        ErrorCode::ConversationLocked,
        format!("Locked by another agent: {name} is in this conversation."),
        json!({ "holder": holder }),
    )
}

/// The error a person sees for a refusal of the conversation's rules.
pub fn refused(conn: &mut Conn, tenant_id: &TenantId, refusal: Refusal) -> AppError {
    match refusal {
        Refusal::Resolved => resolved_already(),
        Refusal::AlreadyResolved => AppError::conflict(
            ErrorCode::AlreadyResolved,
            "This conversation is already resolved.",
            json!({}),
        ),
        Refusal::NotResolved => AppError::conflict(
            ErrorCode::NotResolved,
            "This conversation is not resolved.",
            json!({}),
        ),
        Refusal::NotJoined => not_joined(),
        Refusal::LockedBy(holder) => locked_by(conn, tenant_id, &holder),
        Refusal::DelegationPending => AppError::conflict(
            ErrorCode::DelegationPending,
            "A delegation is already waiting for an answer. Cancel it first.",
            json!({}),
        ),
        Refusal::DelegationNotPending => AppError::conflict(
            ErrorCode::DelegationNotPending,
            "This delegation was already answered or withdrawn.",
            json!({}),
        ),
        Refusal::DelegateToHolder => AppError::rejected(
            ErrorCode::CannotDelegateToSelf,
            "This member already holds the conversation.",
        ),
        Refusal::HandToSelf => AppError::rejected(
            ErrorCode::CannotHandToSelf,
            "You cannot hand a conversation to yourself.",
        ),
    }
}

/// The rules' actor for a member: admins, the owner and API keys override the join lock.
pub fn actor(member: &Member) -> Actor<'_> {
    Actor {
        user_id: member.user_id_opt(),
        overrides: member.role.at_least(Role::Admin),
    }
}

/// 409 for acting on a conversation one has not joined.
pub fn not_joined() -> AppError {
    AppError::conflict(
        ErrorCode::NotJoined,
        "Join the conversation first.",
        json!({}),
    )
}

/// 409 for changing a resolved conversation.
pub fn resolved_already() -> AppError {
    AppError::conflict(
        ErrorCode::ConversationResolved,
        "This conversation is resolved. Reopen it first.",
        json!({}),
    )
}
