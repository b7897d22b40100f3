//! The Conversations page: the list and its counts, the detail panel and the thread, and what
//! agents do in a conversation: join and leave (the join lock), send, resolve, reopen, book.

use serde_json::json;
use switchboard_types::conversations::{
    AssigneeFilter, BookingRequest, BookingView, Channel, ConversationDetail, ConversationRow, Tab,
    TabCounts,
};
use switchboard_types::events::{AgentChange, EventPayload, MessageCreated, Typing};
use switchboard_types::messages::{
    BookingSlot, MessageKind, MessageView, SendMessageRequest, Sender,
};
use switchboard_types::page::Page;
use switchboard_types::TenantId;
use switchboard_types::{Role, Section};

use super::bookings;
use super::conversation_rules as rules;
use super::conversation_state::{
    actor, agent_ref, bump_chart, load_locked, locked_by, refused, row, save_counted,
};
use super::counting::one;
use super::handoffs::withdraw_delegation;
use super::member::Member;
use super::messages::{check_resend, insert_message, message_views, NewMessage};
use super::outbox::Outbox;
use super::system_lines::{self, SystemLine};
use super::views::{
    conversation_row, handoff_view, rating_view, visitor_details, WHATSAPP_WINDOW_HOURS,
};
use super::whatsapp;
use super::{validate, RequestMeta};
use crate::clock::{now, to_utc};
use crate::error::{AppError, ErrorCode, Violations};
use crate::state::AppState;
use crate::store::conversations::{HeldBy, ListFilter};
use crate::store::counters::CounterDelta;
use crate::store::{
    self, attachments::Attachment, conversations::Conversation, messages::Message, Conn,
};

/// What the list asks for.
pub struct ListQuery {
    pub tab: Tab,
    pub channel: Option<Channel>,
    pub assignee: Option<AssigneeFilter>,
    pub cursor: Option<String>,
    pub limit: i64,
}

/// A page of the list: the longest wait first on Needs agent, newest activity first elsewhere.
pub async fn list(
    state: &AppState,
    member: &Member,
    q: ListQuery,
) -> Result<Page<ConversationRow>, AppError> {
    member.require_section(Section::Conversations)?;
    let after = validate::time_cursor(q.cursor.as_deref())?;
    let held_by = match q.assignee {
        None => None,
        Some(AssigneeFilter::None) => Some(HeldBy::Nobody),
        Some(AssigneeFilter::Me) => Some(HeldBy::Member(member.user_id()?.to_string())),
    };
    let tenant = member.tenant_id.clone();
    let rows = state
        .db
        .read(move |conn| {
            let filter = ListFilter {
                tab: q.tab,
                channel: q.channel,
                held_by,
            };
            Ok(store::conversations::page(
                conn,
                &tenant,
                &filter,
                after,
                q.limit + 1,
            )?)
        })
        .await?;
    let at = now();
    let by_wait = store::conversations::sorts_by_wait(q.tab);
    Ok(validate::paginate(
        rows,
        q.limit,
        |r| {
            let c = &r.conversation;
            let key = match c.needs_agent_since {
                Some(since) if by_wait => since,
                _ => c.last_activity_at,
            };
            (key, c.id.clone())
        },
        |r| conversation_row(&r, at),
    ))
}

/// Conversations per tab, from the counters (no history scan).
pub async fn counts(
    state: &AppState,
    member: &Member,
    channel: Option<Channel>,
) -> Result<TabCounts, AppError> {
    member.require_section(Section::Conversations)?;
    let tenant = member.tenant_id.clone();
    let t = state
        .db
        .read(move |conn| {
            Ok(store::counters::totals(
                conn,
                &tenant,
                channel.map(Channel::as_str),
            )?)
        })
        .await?;
    Ok(TabCounts {
        all: t.total,
        open: t.unresolved,
        needs_agent: t.needs_agent,
        resolved: t.resolved,
        booked: t.booked,
    })
}

/// Everything the detail panel shows.
pub async fn detail(
    state: &AppState,
    member: &Member,
    id: String,
) -> Result<ConversationDetail, AppError> {
    member.require_section(Section::Conversations)?;
    let tenant = member.tenant_id.clone();
    state
        .db
        .read(move |conn| detail_in(conn, &tenant, &id))
        .await
}

/// The detail panel's data, read inside any connection or transaction.
pub fn detail_in(
    conn: &mut Conn,
    tenant_id: &TenantId,
    id: &str,
) -> Result<ConversationDetail, AppError> {
    let listed = store::conversations::listed(conn, tenant_id, id)?
        .ok_or(AppError::NotFound("Conversation"))?;
    let c = &listed.conversation;
    let visitor = store::visitors::find(conn, tenant_id, &c.visitor_id)?
        .ok_or(AppError::NotFound("Visitor"))?;
    let rating = store::ratings::find_for_conversation(conn, tenant_id, id)?;
    let pending_delegation = match &c.pending_handoff_id {
        Some(handoff_id) => pending_view(conn, tenant_id, handoff_id)?,
        None => None,
    };
    let whatsapp_window_ends_at = (c.channel == Channel::Whatsapp)
        .then_some(c.last_customer_message_at)
        .flatten()
        .map(|at| to_utc(at + chrono::Duration::hours(WHATSAPP_WINDOW_HOURS)));
    Ok(ConversationDetail {
        conversation: conversation_row(&listed, now()),
        visitor: visitor_details(&visitor),
        rating: rating.as_ref().map(rating_view),
        pending_delegation,
        whatsapp_window_ends_at,
        resolved_at: c.resolved_at.map(to_utc),
        resolved_by: c.resolved_by.clone().map(Into::into),
        last_customer_message_at: c.last_customer_message_at.map(to_utc),
    })
}

fn pending_view(
    conn: &mut Conn,
    tenant_id: &TenantId,
    handoff_id: &str,
) -> Result<Option<switchboard_types::handoffs::HandoffView>, AppError> {
    let Some(h) = store::handoffs::find(conn, tenant_id, handoff_id)? else {
        return Ok(None);
    };
    let from = match &h.from_user_id {
        Some(id) => Some(agent_ref(conn, tenant_id, id)?.name),
        None => None,
    };
    let to = agent_ref(conn, tenant_id, &h.to_user_id)?.name;
    Ok(Some(handoff_view(&h, from, to)))
}

/// A page of the thread: up to `limit` messages before the cursor (default: the newest), in
/// chronological order; `next_cursor` fetches the older ones.
pub async fn messages(
    state: &AppState,
    member: &Member,
    id: String,
    before: Option<String>,
    limit: i64,
) -> Result<Page<MessageView>, AppError> {
    member.require_section(Section::Conversations)?;
    let before = validate::time_cursor(before.as_deref())?;
    let (tenant, st) = (member.tenant_id.clone(), state.clone());
    state
        .db
        .read(move |conn| {
            let conversation = store::conversations::find(conn, &tenant, &id)?
                .ok_or(AppError::NotFound("Conversation"))?;
            let mut rows = store::messages::page_before(conn, &tenant, &id, before, limit + 1)?;
            let has_more = rows.len() as i64 > limit;
            rows.truncate(limit as usize);
            let next_cursor = has_more
                .then(|| {
                    rows.last()
                        .map(|(m, _)| validate::encode_time_cursor(m.created_at, &m.id))
                })
                .flatten();
            rows.reverse();
            let items = message_views(conn, &st, &conversation, rows)?;
            Ok(Page { items, next_cursor })
        })
        .await
}

/// Takes the join lock. A second agent gets 409 `conversation_locked` naming the holder; an
/// admin or the owner may pass `force` to take it over.
pub async fn join(
    state: &AppState,
    member: &Member,
    id: String,
    force: bool,
    meta: RequestMeta,
) -> Result<ConversationDetail, AppError> {
    member.require_section(Section::Conversations)?;
    let me = member.user_id()?.to_string();
    if force {
        member.require_role(Role::Admin)?;
    }
    let member2 = member.clone();
    state
        .transact(&member.tenant_id, move |conn, outbox| {
            let tenant = &member2.tenant_id;
            let before = take_lock(conn, tenant, &id, &me, force)?;
            let after = rules::join(&before, &me).map_err(|r| refused(conn, tenant, r))?;
            save_counted(conn, Some(&before), &after, CounterDelta::default())?;
            let conversation = row(conn, tenant, &id)?;
            let mut taken_from = None;
            if let Some(previous) = before.assignee_id.as_deref().filter(|p| *p != me) {
                let agent = agent_ref(conn, tenant, previous)?;
                taken_from = Some(agent.name.clone());
                outbox.emit(
                    EventPayload::AgentLeft(AgentChange {
                        conversation: conversation.clone(),
                        agent,
                    }),
                    Some(&id),
                    Some(&after.visitor_id),
                );
                super::audit::record(
                    conn,
                    &member2,
                    &meta,
                    "conversation.force_taken",
                    Some(super::audit::Target {
                        kind: "conversation",
                        id: &id,
                    }),
                    json!({ "from": previous }),
                )?;
            }
            let agent = agent_ref(conn, tenant, &me)?;
            let line = match &taken_from {
                Some(from) => Some(SystemLine::TookOver {
                    agent: &agent.name,
                    from,
                }),
                // Joining again what one holds already changes nothing.
                None if before.assignee_id.is_none() => {
                    Some(SystemLine::Joined { agent: &agent.name })
                }
                None => None,
            };
            if let Some(line) = line {
                system_lines::record(conn, outbox, &after, line)?;
            }
            outbox.emit(
                EventPayload::AgentJoined(AgentChange {
                    conversation,
                    agent,
                }),
                Some(&id),
                Some(&after.visitor_id),
            );
            detail_in(conn, tenant, &id)
        })
        .await
}

/// Takes the join lock and returns the conversation as it was before (its `assignee_id` is
/// the previous holder), locked: by the conditional UPDATE when nobody held it, by a locking
/// read when the member holds it already or takes it over.
fn take_lock(
    conn: &mut Conn,
    tenant_id: &TenantId,
    id: &str,
    me: &str,
    force: bool,
) -> Result<Conversation, AppError> {
    if force {
        return load_locked(conn, tenant_id, id);
    }
    if store::conversations::try_take(conn, tenant_id, id, me)? {
        let mut before = load_locked(conn, tenant_id, id)?;
        before.assignee_id = None;
        return Ok(before);
    }
    match store::conversations::find(conn, tenant_id, id)? {
        Some(Conversation {
            assignee_id: Some(holder),
            ..
        }) if holder == me => load_locked(conn, tenant_id, id),
        Some(Conversation {
            assignee_id: Some(holder),
            ..
        }) => Err(locked_by(conn, tenant_id, &holder)),
        // Released between the UPDATE and the read: the member may simply try again.
        Some(_) => Err(AppError::conflict(
            ErrorCode::ConversationLocked,
            "Locked by another agent.",
            json!({}),
        )),
        None => Err(AppError::NotFound("Conversation")),
    }
}

/// Releases the join lock; the AI may resume. A delegation the holder made is withdrawn.
pub async fn leave(
    state: &AppState,
    member: &Member,
    id: String,
) -> Result<ConversationDetail, AppError> {
    member.require_section(Section::Conversations)?;
    let me = member.user_id()?.to_string();
    let tenant = member.tenant_id.clone();
    state
        .transact(&member.tenant_id, move |conn, outbox| {
            let before = load_locked(conn, &tenant, &id)?;
            let after = rules::leave(&before, &me).map_err(|r| refused(conn, &tenant, r))?;
            save_counted(conn, Some(&before), &after, CounterDelta::default())?;
            withdraw_delegation(conn, outbox, &before, &after)?;
            let agent = agent_ref(conn, &tenant, &me)?;
            system_lines::record(
                conn,
                outbox,
                &after,
                SystemLine::Left { agent: &agent.name },
            )?;
            let conversation = row(conn, &tenant, &id)?;
            outbox.emit(
                EventPayload::AgentLeft(AgentChange {
                    conversation,
                    agent,
                }),
                Some(&id),
                Some(&after.visitor_id),
            );
            detail_in(conn, &tenant, &id)
        })
        .await
}

/// 409 unless `member` may act as the agent of `c`: the holder, or an admin/owner (or API key).
pub fn check_may_act(conn: &mut Conn, member: &Member, c: &Conversation) -> Result<(), AppError> {
    rules::may_act(c, actor(member)).map_err(|r| refused(conn, &c.tenant_id, r))
}

/// Sends an agent message. Idempotent on `client_message_id`: a resend returns the stored
/// message and `false` (nothing new stored, no second event).
pub async fn send(
    state: &AppState,
    member: &Member,
    id: String,
    req: SendMessageRequest,
) -> Result<(MessageView, bool), AppError> {
    member.require_section(Section::Conversations)?;
    let me = member.user_id()?.to_string();
    let (body, client_id, slots) = validate_send(&req)?;
    let attachment_id = req.attachment_id.map(|a| a.0);
    let (member2, st) = (member.clone(), state.clone());
    state
        .transact(&member.tenant_id, move |conn, outbox| {
            let tenant = &member2.tenant_id;
            let before = load_locked(conn, tenant, &id)?;
            if let Some(existing) =
                store::messages::find_by_client_id(conn, tenant, &id, &client_id)?
            {
                check_resend(&existing.0, body.as_deref(), attachment_id.as_deref())?;
                let view = message_views(conn, &st, &before, vec![existing])?.remove(0);
                return Ok((view, false));
            }
            rules::send(&before, actor(&member2)).map_err(|r| refused(conn, tenant, r))?;
            whatsapp::outbound::check_window(&before)?;
            let new = NewMessage {
                kind: slots.is_some().then_some(MessageKind::BookingSlots),
                payload: slots.map(bookings::offer_payload),
                ..NewMessage::agent(&me, body, attachment_id, client_id)
            };
            let (message, attachment) = insert_message(conn, &before, new)?;
            if before.channel == Channel::Whatsapp {
                whatsapp::outbound::enqueue(conn, &before, &message, attachment.as_ref())?;
            }
            let view = agent_message_stored(conn, outbox, &st, &before, message, attachment)?;
            Ok((view, true))
        })
        .await
        .inspect(|(_, new)| {
            if *new {
                state.whatsapp.wake_outbox();
            }
        })
}

/// After an agent's message is stored in `before`: the conversation's activity, the counters
/// and chart, and `message.created`. The message as clients see it.
pub(crate) fn agent_message_stored(
    conn: &mut Conn,
    outbox: &mut Outbox,
    st: &AppState,
    before: &Conversation,
    message: Message,
    attachment: Option<Attachment>,
) -> Result<MessageView, AppError> {
    let mut after = before.clone();
    after.message_count += 1;
    after.last_activity_at = message.created_at;
    save_counted(
        conn,
        Some(before),
        &after,
        CounterDelta {
            messages_agent: 1,
            ..Default::default()
        },
    )?;
    bump_chart(conn, &after, message.created_at, one(|d| d.messages = 1))?;
    let view = message_views(conn, st, &after, vec![(message, attachment)])?.remove(0);
    let conversation = row(conn, &after.tenant_id, &after.id)?;
    outbox.emit(
        EventPayload::MessageCreated(MessageCreated {
            message: view.clone(),
            conversation,
        }),
        Some(&after.id),
        Some(&after.visitor_id),
    );
    Ok(view)
}

/// The checked text, idempotency key and offered times (earliest first) of an agent message.
type CheckedSend = (Option<String>, String, Option<Vec<BookingSlot>>);

fn validate_send(req: &SendMessageRequest) -> Result<CheckedSend, AppError> {
    let mut v = Violations::default();
    let client_id = validate::text(&mut v, "client_message_id", &req.client_message_id, 1, 100);
    let body = validate::optional_text(&mut v, "body", req.body.as_deref(), 4000);
    let slots = req
        .booking_slots
        .as_deref()
        .map(|slots| bookings::offer(&mut v, slots, chrono::Utc::now()));
    if body.is_none() && req.attachment_id.is_none() && slots.is_none() {
        v.add("body", "is required when there is no attachment");
    }
    if slots.is_some() && req.attachment_id.is_some() {
        v.add("attachment_id", "cannot go with booking_slots");
    }
    v.finish()?;
    Ok((body, client_id, slots))
}

/// Resolves the conversation (holder, admin or owner). A pending delegation is withdrawn.
pub async fn resolve(
    state: &AppState,
    member: &Member,
    id: String,
) -> Result<ConversationDetail, AppError> {
    member.require_section(Section::Conversations)?;
    let member2 = member.clone();
    state
        .transact(&member.tenant_id, move |conn, outbox| {
            let tenant = &member2.tenant_id;
            let before = load_locked(conn, tenant, &id)?;
            let at = now();
            let after = rules::resolve(&before, actor(&member2), at)
                .map_err(|r| refused(conn, tenant, r))?;
            save_counted(conn, Some(&before), &after, CounterDelta::default())?;
            withdraw_delegation(conn, outbox, &before, &after)?;
            bump_chart(conn, &after, at, one(|d| d.resolved = 1))?;
            let by = actor_name(conn, &member2)?;
            let line = SystemLine::Resolved { by: by.as_deref() };
            system_lines::record(conn, outbox, &after, line)?;
            let conversation = row(conn, tenant, &id)?;
            outbox.emit(
                EventPayload::ConversationResolved(conversation),
                Some(&id),
                Some(&after.visitor_id),
            );
            detail_in(conn, tenant, &id)
        })
        .await
}

/// The display name of the member acting, `None` for an API key.
fn actor_name(conn: &mut Conn, member: &Member) -> Result<Option<String>, AppError> {
    match member.user_id_opt() {
        Some(user_id) => Ok(Some(agent_ref(conn, &member.tenant_id, user_id)?.name)),
        None => Ok(None),
    }
}

/// Reopens a resolved conversation.
pub async fn reopen(
    state: &AppState,
    member: &Member,
    id: String,
) -> Result<ConversationDetail, AppError> {
    member.require_section(Section::Conversations)?;
    let member2 = member.clone();
    state
        .transact(&member.tenant_id, move |conn, outbox| {
            let tenant = &member2.tenant_id;
            let before = load_locked(conn, tenant, &id)?;
            let after = rules::reopen(&before, now()).map_err(|r| refused(conn, tenant, r))?;
            save_counted(conn, Some(&before), &after, CounterDelta::default())?;
            let by = actor_name(conn, &member2)?;
            let line = SystemLine::Reopened { by: by.as_deref() };
            system_lines::record(conn, outbox, &after, line)?;
            let conversation = row(conn, tenant, &id)?;
            outbox.emit(
                EventPayload::ConversationUpdated(conversation),
                Some(&id),
                Some(&after.visitor_id),
            );
            detail_in(conn, tenant, &id)
        })
        .await
}

/// Records a meeting booked from the conversation and marks it booked.
pub async fn book(
    state: &AppState,
    member: &Member,
    id: String,
    req: BookingRequest,
) -> Result<BookingView, AppError> {
    member.require_section(Section::Conversations)?;
    let mut v = Violations::default();
    let note = validate::optional_text(&mut v, "note", req.note.as_deref(), 500);
    if req.ends_at.is_some_and(|end| end <= req.starts_at) {
        v.add("ends_at", "must be after starts_at");
    }
    v.finish()?;
    let member2 = member.clone();
    state
        .transact(&member.tenant_id, move |conn, outbox| {
            let tenant = &member2.tenant_id;
            let before = load_locked(conn, tenant, &id)?;
            let slot = BookingSlot {
                starts_at: req.starts_at,
                ends_at: req.ends_at,
            };
            let created_by = member2.user_id_opt().map(str::to_string);
            let (booking, after) = bookings::record(conn, &before, slot, note, created_by)?;
            outbox.emit(
                EventPayload::ConversationUpdated(row(conn, tenant, &id)?),
                Some(&id),
                Some(&after.visitor_id),
            );
            Ok(BookingView {
                id: booking.id.into(),
                conversation_id: booking.conversation_id.into(),
                starts_at: to_utc(booking.starts_at),
                ends_at: booking.ends_at.map(to_utc),
                note: booking.note,
                created_at: to_utc(booking.created_at),
            })
        })
        .await
}

/// The agent is typing: the visitor sees it (and other dashboards). Callers throttle.
pub async fn agent_typing(state: &AppState, member: &Member, id: String) -> Result<(), AppError> {
    member.require_section(Section::Conversations)?;
    let me = member.user_id()?.to_string();
    let member2 = member.clone();
    state
        .transact(&member.tenant_id, move |conn, outbox| {
            let c = store::conversations::find(conn, &member2.tenant_id, &id)?
                .ok_or(AppError::NotFound("Conversation"))?;
            check_may_act(conn, &member2, &c)?;
            let name = agent_ref(conn, &member2.tenant_id, &me)?.name;
            let typing = Typing {
                conversation_id: c.id.clone().into(),
                sender: Sender::Agent,
                user_id: Some(me.into()),
                name: Some(name),
            };
            outbox.emit(
                EventPayload::Typing(typing),
                Some(&c.id),
                Some(&c.visitor_id),
            );
            Ok(())
        })
        .await
}
