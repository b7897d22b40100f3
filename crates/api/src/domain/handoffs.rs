//! Handing conversations over. Transfer moves the join lock at once; a delegation is a request
//! the target accepts (the lock moves) or rejects (the holder keeps it), and the requester may
//! cancel it. One pending delegation per conversation.

use serde_json::json;
use switchboard_types::conversations::ConversationDetail;
use switchboard_types::events::{EventPayload, HandoffChange};
use switchboard_types::handoffs::{HandoffRequest, HandoffView};
use switchboard_types::{Role, Section};

use super::conversation_state::{agent_ref, load_locked, resolved_already, row, save_counted};
use super::conversations::{check_may_act, detail_in};
use super::member::Member;
use super::outbox::Outbox;
use super::validate;
use super::views::handoff_view;
use crate::clock::{new_id, now};
use crate::error::{AppError, ErrorCode, Violations};
use crate::state::AppState;
use crate::store::counters::CounterDelta;
use crate::store::{self, conversations::Conversation, handoffs::Handoff, Conn};

/// The most characters a handoff reason may have.
pub const REASON_MAX: usize = 200;

/// Moves the conversation to another member at once.
pub async fn transfer(
    state: &AppState,
    member: &Member,
    id: String,
    req: HandoffRequest,
) -> Result<ConversationDetail, AppError> {
    member.require_section(Section::Conversations)?;
    let reason = validate_reason(&req)?;
    let member2 = member.clone();
    state
        .transact(&member.tenant_id, move |conn, outbox| {
            let tenant = member2.tenant_id.as_str();
            let before = load_locked(conn, tenant, &id)?;
            check_may_act(conn, &member2, &before)?;
            if before.status == "resolved" {
                return Err(resolved_already());
            }
            let to = check_target(conn, &member2, &req.to_user_id.0)?;
            let from = before
                .assignee_id
                .clone()
                .or_else(|| member2.user_id_opt().map(str::to_string));
            let mut after = before.clone();
            cancel_pending_in_tx(conn, outbox, &mut after)?;
            after.assignee_id = Some(to.clone());
            if after.status == "needs_agent" {
                after.status = "open".into();
                after.needs_agent_since = None;
            }
            let handoff = new_handoff(&after, "transfer", from, to, reason, "completed");
            store::handoffs::insert(conn, &handoff)?;
            save_counted(conn, Some(&before), &after, CounterDelta::default())?;
            emit(
                conn,
                outbox,
                &after,
                &handoff,
                EventPayload::HandoffTransferred,
            )?;
            detail_in(conn, tenant, &id)
        })
        .await
}

/// Asks another member to take the conversation; the holder keeps it until they accept.
pub async fn delegate(
    state: &AppState,
    member: &Member,
    id: String,
    req: HandoffRequest,
) -> Result<HandoffView, AppError> {
    member.require_section(Section::Conversations)?;
    let me = member.user_id()?.to_string();
    let reason = validate_reason(&req)?;
    let member2 = member.clone();
    state
        .transact(&member.tenant_id, move |conn, outbox| {
            let tenant = member2.tenant_id.as_str();
            let before = load_locked(conn, tenant, &id)?;
            check_may_act(conn, &member2, &before)?;
            if before.status == "resolved" {
                return Err(resolved_already());
            }
            let holder = before
                .assignee_id
                .clone()
                .ok_or_else(super::conversation_state::not_joined)?;
            if before.pending_handoff_id.is_some() {
                return Err(AppError::conflict(
                    ErrorCode::DelegationPending,
                    "A delegation is already waiting for an answer. Cancel it first.",
                    json!({}),
                ));
            }
            let to = check_target(conn, &member2, &req.to_user_id.0)?;
            if to == holder {
                return Err(AppError::rejected(
                    ErrorCode::CannotDelegateToSelf,
                    "This member already holds the conversation.",
                ));
            }
            let requester = if holder == me { holder } else { me };
            let handoff = new_handoff(
                &before,
                "delegation",
                Some(requester),
                to,
                reason,
                "pending",
            );
            store::handoffs::insert(conn, &handoff)?;
            let mut after = before.clone();
            after.pending_handoff_id = Some(handoff.id.clone());
            save_counted(conn, Some(&before), &after, CounterDelta::default())?;
            emit(
                conn,
                outbox,
                &after,
                &handoff,
                EventPayload::HandoffRequested,
            )
        })
        .await
}

/// How a delegation is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Accept,
    Reject,
    Cancel,
}

/// Accepts, rejects or cancels a pending delegation.
pub async fn answer(
    state: &AppState,
    member: &Member,
    handoff_id: String,
    answer: Answer,
) -> Result<HandoffView, AppError> {
    member.require_section(Section::Conversations)?;
    let member2 = member.clone();
    state
        .transact(&member.tenant_id, move |conn, outbox| {
            let tenant = member2.tenant_id.as_str();
            let pending = store::handoffs::find(conn, tenant, &handoff_id)?
                .ok_or(AppError::NotFound("Delegation"))?;
            check_may_answer(&member2, &pending, answer)?;
            let before = load_locked(conn, tenant, &pending.conversation_id)?;
            let status = match answer {
                Answer::Accept => "accepted",
                Answer::Reject => "rejected",
                Answer::Cancel => "cancelled",
            };
            if pending.status != "pending"
                || !store::handoffs::decide(conn, tenant, &pending.id, status, now())?
            {
                return Err(AppError::conflict(
                    ErrorCode::DelegationNotPending,
                    "This delegation was already answered or withdrawn.",
                    json!({ "status": pending.status }),
                ));
            }
            let mut after = before.clone();
            after.pending_handoff_id = None;
            if answer == Answer::Accept {
                if before.status == "resolved" {
                    return Err(resolved_already());
                }
                after.assignee_id = Some(pending.to_user_id.clone());
            }
            save_counted(conn, Some(&before), &after, CounterDelta::default())?;
            let decided = store::handoffs::find(conn, tenant, &pending.id)?
                .ok_or(AppError::NotFound("Delegation"))?;
            let event = match answer {
                Answer::Accept => EventPayload::HandoffAccepted,
                Answer::Reject => EventPayload::HandoffRejected,
                Answer::Cancel => EventPayload::HandoffCancelled,
            };
            emit(conn, outbox, &after, &decided, event)
        })
        .await
}

fn check_may_answer(member: &Member, handoff: &Handoff, answer: Answer) -> Result<(), AppError> {
    if handoff.kind != "delegation" {
        return Err(AppError::NotFound("Delegation"));
    }
    let me = member.user_id_opt();
    let allowed = match answer {
        Answer::Accept | Answer::Reject => me == Some(handoff.to_user_id.as_str()),
        Answer::Cancel => {
            me == handoff.from_user_id.as_deref() || member.role.at_least(Role::Admin)
        }
    };
    if allowed {
        Ok(())
    } else if matches!(answer, Answer::Cancel) {
        Err(AppError::Forbidden(
            "Only the member who asked, an admin or the owner can withdraw this delegation.".into(),
        ))
    } else {
        Err(AppError::Forbidden(
            "Only the member this delegation is for can answer it.".into(),
        ))
    }
}

/// Withdraws the conversation's pending delegation inside the caller's transaction (the holder
/// left, resolved or transferred it). `c` is the caller's copy; its pending id is cleared.
pub fn cancel_pending_in_tx(
    conn: &mut Conn,
    outbox: &mut Outbox,
    c: &mut Conversation,
) -> Result<(), AppError> {
    let Some(handoff_id) = c.pending_handoff_id.take() else {
        return Ok(());
    };
    if store::handoffs::decide(conn, &c.tenant_id, &handoff_id, "cancelled", now())? {
        if let Some(handoff) = store::handoffs::find(conn, &c.tenant_id, &handoff_id)? {
            // The row event must show the cleared state, so save before building it.
            store::conversations::save(conn, c)?;
            emit(conn, outbox, c, &handoff, EventPayload::HandoffCancelled)?;
        }
    }
    Ok(())
}

/// The target must be another active member of the tenant.
fn check_target(conn: &mut Conn, member: &Member, to_user_id: &str) -> Result<String, AppError> {
    let target = store::users::find(conn, &member.tenant_id, to_user_id)?.ok_or_else(|| {
        AppError::invalid_field("to_user_id", "is not a member of this workspace")
    })?;
    if member.user_id_opt() == Some(target.id.as_str()) {
        return Err(AppError::rejected(
            ErrorCode::CannotHandToSelf,
            "You cannot hand a conversation to yourself.",
        ));
    }
    if !target.active {
        return Err(AppError::rejected(
            ErrorCode::TargetInactive,
            "This member is deactivated and cannot take conversations.",
        ));
    }
    Ok(target.id)
}

fn validate_reason(req: &HandoffRequest) -> Result<Option<String>, AppError> {
    let mut v = Violations::default();
    let reason = validate::optional_text(&mut v, "reason", req.reason.as_deref(), REASON_MAX);
    v.finish()?;
    Ok(reason)
}

fn new_handoff(
    c: &Conversation,
    kind: &str,
    from: Option<String>,
    to: String,
    reason: Option<String>,
    status: &str,
) -> Handoff {
    let at = now();
    Handoff {
        id: new_id(),
        tenant_id: c.tenant_id.clone(),
        conversation_id: c.id.clone(),
        kind: kind.into(),
        from_user_id: from,
        to_user_id: to,
        reason,
        status: status.into(),
        created_at: at,
        decided_at: (status != "pending").then_some(at),
    }
}

/// Emits a handoff event with the conversation's current row; returns the handoff's view.
fn emit(
    conn: &mut Conn,
    outbox: &mut Outbox,
    c: &Conversation,
    handoff: &Handoff,
    event: fn(HandoffChange) -> EventPayload,
) -> Result<HandoffView, AppError> {
    let from = match &handoff.from_user_id {
        Some(id) => Some(agent_ref(conn, &c.tenant_id, id)?.name),
        None => None,
    };
    let to = agent_ref(conn, &c.tenant_id, &handoff.to_user_id)?.name;
    let view = handoff_view(handoff, from, to);
    let conversation = row(conn, &c.tenant_id, &c.id)?;
    outbox.emit(
        event(HandoffChange {
            handoff: view.clone(),
            conversation,
        }),
        Some(&c.id),
        Some(&c.visitor_id),
    );
    Ok(view)
}
