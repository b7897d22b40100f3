//! Handing conversations over. Transfer moves the join lock at once; a delegation is a request
//! the target accepts (the lock moves) or rejects (the holder keeps it), and the requester may
//! cancel it. One pending delegation per conversation.

use switchboard_types::conversations::ConversationDetail;
use switchboard_types::events::{EventPayload, HandoffChange};
use switchboard_types::handoffs::{HandoffKind, HandoffRequest, HandoffStatus, HandoffView};
use switchboard_types::{Role, Section};

pub use super::conversation_rules::Answer;
use super::conversation_rules::{self as rules, Refusal};
use super::conversation_state::{actor, agent_ref, load_locked, refused, row, save_counted};
use super::conversations::detail_in;
use super::member::Member;
use super::outbox::Outbox;
use super::system_lines::{self, SystemLine};
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
            let tenant = &member2.tenant_id;
            let before = load_locked(conn, tenant, &id)?;
            let after = rules::transfer(&before, actor(&member2), &req.to_user_id.0)
                .map_err(|r| refused(conn, tenant, r))?;
            let to = check_target(conn, &member2, &req.to_user_id.0)?;
            let from = before
                .assignee_id
                .clone()
                .or_else(|| member2.user_id_opt().map(str::to_string));
            let handoff = new_handoff(&after, HandoffKind::Transfer, from, to, reason);
            store::handoffs::insert(conn, &handoff)?;
            save_counted(conn, Some(&before), &after, CounterDelta::default())?;
            withdraw_delegation(conn, outbox, &before, &after)?;
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
            let tenant = &member2.tenant_id;
            let before = load_locked(conn, tenant, &id)?;
            let to = req.to_user_id.0.as_str();
            let handoff_id = new_id();
            let after = rules::delegate(&before, actor(&member2), to, &handoff_id)
                .map_err(|r| refused(conn, tenant, r))?;
            let to = check_target(conn, &member2, to)?;
            let mut handoff = new_handoff(&before, HandoffKind::Delegation, Some(me), to, reason);
            handoff.id = handoff_id;
            store::handoffs::insert(conn, &handoff)?;
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
            let tenant = &member2.tenant_id;
            let pending = store::handoffs::find(conn, tenant, &handoff_id)?
                .ok_or(AppError::NotFound("Delegation"))?;
            check_may_answer(&member2, &pending, answer)?;
            let before = load_locked(conn, tenant, &pending.conversation_id)?;
            let after = rules::answer_delegation(&before, &pending.id, &pending.to_user_id, answer)
                .map_err(|r| refused(conn, tenant, r))?;
            let status = match answer {
                Answer::Accept => HandoffStatus::Accepted,
                Answer::Reject => HandoffStatus::Rejected,
                Answer::Cancel => HandoffStatus::Cancelled,
            };
            if !store::handoffs::decide(conn, tenant, &pending.id, status, now())? {
                return Err(refused(conn, tenant, Refusal::DelegationNotPending));
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
    if handoff.kind != HandoffKind::Delegation {
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

/// Withdraws the delegation `before` was waiting on when the rules cleared it in `after` (the
/// holder left, resolved or transferred), inside the caller's transaction, after `after` is
/// saved: the `handoff.cancelled` event shows the conversation without it.
pub fn withdraw_delegation(
    conn: &mut Conn,
    outbox: &mut Outbox,
    before: &Conversation,
    after: &Conversation,
) -> Result<(), AppError> {
    let Some(handoff_id) = before
        .pending_handoff_id
        .as_deref()
        .filter(|_| after.pending_handoff_id.is_none())
    else {
        return Ok(());
    };
    let tenant = &after.tenant_id;
    if store::handoffs::decide(conn, tenant, handoff_id, HandoffStatus::Cancelled, now())? {
        if let Some(handoff) = store::handoffs::find(conn, tenant, handoff_id)? {
            emit(
                conn,
                outbox,
                after,
                &handoff,
                EventPayload::HandoffCancelled,
            )?;
        }
    }
    Ok(())
}

/// The target must be another active member of the tenant.
fn check_target(conn: &mut Conn, member: &Member, to_user_id: &str) -> Result<String, AppError> {
    let target = store::users::find(conn, &member.tenant_id, to_user_id)?.ok_or_else(|| {
        AppError::invalid_field("to_user_id", "is not a member of this workspace")
    })?;
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

/// A handoff row: a transfer is done at once, a delegation waits for its answer.
fn new_handoff(
    c: &Conversation,
    kind: HandoffKind,
    from: Option<String>,
    to: String,
    reason: Option<String>,
) -> Handoff {
    let at = now();
    let (status, decided_at) = match kind {
        HandoffKind::Transfer => (HandoffStatus::Completed, Some(at)),
        HandoffKind::Delegation => (HandoffStatus::Pending, None),
    };
    Handoff {
        id: new_id(),
        tenant_id: c.tenant_id.clone(),
        conversation_id: c.id.clone(),
        kind,
        from_user_id: from,
        to_user_id: to,
        reason,
        status,
        created_at: at,
        decided_at,
    }
}

/// The thread's line for a handoff in its current status.
fn handoff_line<'a>(handoff: &Handoff, from: Option<&'a str>, to: &'a str) -> SystemLine<'a> {
    match (handoff.kind, handoff.status) {
        (HandoffKind::Transfer, _) => SystemLine::Transferred { from, to },
        (HandoffKind::Delegation, HandoffStatus::Accepted) => SystemLine::DelegationAccepted { to },
        (HandoffKind::Delegation, HandoffStatus::Rejected) => SystemLine::DelegationRejected { to },
        (HandoffKind::Delegation, HandoffStatus::Cancelled) => {
            SystemLine::DelegationCancelled { to }
        }
        (HandoffKind::Delegation, _) => SystemLine::DelegationAsked { from, to },
    }
}

/// Emits a handoff event with the conversation's current row, and its line in the thread;
/// returns the handoff's view.
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
    let line = handoff_line(handoff, from.as_deref(), &to);
    system_lines::record(conn, outbox, c, line)?;
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
