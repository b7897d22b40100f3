//! The visitor's side of a conversation, as the widget socket drives it: who the visitor is
//! (a signed token they keep), their messages, asking for a human, the pre-chat form, ratings,
//! typing, and catching up after a reconnect.

use serde::{Deserialize, Serialize};
use serde_json::json;
use switchboard_types::conversations::ConversationRow;
use switchboard_types::events::{EventPayload, RatingCreated, Typing};
use switchboard_types::messages::{MessageView, Sender};
use switchboard_types::widget::{ServerFrame, VisitorConversation, VisitorMessage};
use switchboard_types::TenantId;

use super::conversation_rules::{self as rules, reopened};
use super::conversation_state::{bump_chart, row, save_counted};
use super::counting::one;
use super::messages::message_views;
use super::outbox::Outbox;
use super::system_lines::is_system_line;
use super::validate;
use super::views::{conversation_row, rating_view};
use crate::clock::{new_id, now};
use crate::error::{AppError, ErrorCode, Violations};
use crate::state::AppState;
use crate::store::conversations::Conversation;
use crate::store::counters::CounterDelta;
use crate::store::{
    self, attachments::Attachment, messages::Message, ratings::Rating, tenants::Tenant,
    visitors::Visitor, Conn,
};
use switchboard_types::conversations::{Channel, ConversationState as State};
use switchboard_types::settings::ReopenPolicy;

/// How many recent messages the welcome frame carries.
const WELCOME_MESSAGES: i64 = 50;

/// Claims of a visitor token.
#[derive(Debug, Serialize, Deserialize)]
struct VisitorClaims {
    /// Visitor id.
    vid: String,
    /// Tenant id.
    tid: String,
    /// Short id shown to agents.
    did: String,
    /// Always "visitor", so an access token can never pass as a visitor token or back.
    typ: String,
    /// Expiry: a year; the widget gets a fresh token on every connection.
    exp: i64,
}

/// The visitor behind a socket.
#[derive(Debug, Clone)]
pub struct VisitorCtx {
    pub tenant_id: TenantId,
    pub visitor_id: String,
    pub display_id: String,
}

/// Finds the tenant of a widget key, and the visitor of a token (or a new visitor). New visitors
/// are not stored until they do something, so idle page views cost no writes.
pub async fn identify(
    state: &AppState,
    widget_key: &str,
    token: Option<&str>,
) -> Result<(Tenant, VisitorCtx, String), AppError> {
    let key = widget_key.to_string();
    let tenant = state
        .db
        .read(move |conn| Ok(store::tenants::find_by_widget_key(conn, &key)?))
        .await?
        .ok_or_else(|| {
            AppError::unauthorized(ErrorCode::InvalidWidgetKey, "This widget key is not valid.")
        })?;
    let known = token
        .and_then(|t| state.jwt.verify::<VisitorClaims>(t).ok())
        .filter(|c| c.typ == "visitor" && c.tid == tenant.id.as_str());
    let ctx = match known {
        Some(c) => VisitorCtx {
            tenant_id: c.tid.into(),
            visitor_id: c.vid,
            display_id: c.did,
        },
        None => VisitorCtx {
            tenant_id: tenant.id.clone(),
            visitor_id: new_id(),
            display_id: new_display_id(),
        },
    };
    let token = visitor_token(state, &ctx)?;
    Ok((tenant, ctx, token))
}

/// Finds the visitor of a token alone (widget uploads).
pub fn verify_token(state: &AppState, token: &str) -> Result<VisitorCtx, AppError> {
    let claims: VisitorClaims = state.jwt.verify(token).map_err(|_| {
        AppError::unauthorized(
            ErrorCode::InvalidVisitorToken,
            "This visitor token is not valid.",
        )
    })?;
    if claims.typ != "visitor" {
        return Err(AppError::unauthorized(
            ErrorCode::InvalidVisitorToken,
            "This visitor token is not valid.",
        ));
    }
    Ok(VisitorCtx {
        tenant_id: claims.tid.into(),
        visitor_id: claims.vid,
        display_id: claims.did,
    })
}

fn visitor_token(state: &AppState, ctx: &VisitorCtx) -> Result<String, AppError> {
    let claims = VisitorClaims {
        vid: ctx.visitor_id.clone(),
        tid: ctx.tenant_id.to_string(),
        did: ctx.display_id.clone(),
        typ: "visitor".into(),
        exp: chrono::Utc::now().timestamp() + 365 * 86_400,
    };
    Ok(state.jwt.sign(&claims)?)
}

/// A short id agents can read out: `V-` and six characters without look-alikes.
fn new_display_id() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTVWXYZ23456789";
    let bytes: [u8; 6] = rand::random();
    let code: String = bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect();
    format!("V-{code}")
}

/// Stores the visitor on first use. Two tabs may race: the loser's insert fails in a savepoint.
pub fn ensure_visitor(conn: &mut Conn, ctx: &VisitorCtx) -> Result<Visitor, AppError> {
    if let Some(v) = store::visitors::find(conn, &ctx.tenant_id, &ctx.visitor_id)? {
        return Ok(v);
    }
    let at = now();
    let visitor = Visitor {
        id: ctx.visitor_id.clone(),
        tenant_id: ctx.tenant_id.clone(),
        display_id: ctx.display_id.clone(),
        channel: Channel::Widget,
        whatsapp_phone: None,
        name: None,
        email: None,
        phone: None,
        custom_fields: "{}".into(),
        first_seen_at: at,
        last_seen_at: at,
    };
    let inserted =
        diesel::Connection::transaction(conn, |conn| store::visitors::insert(conn, &visitor));
    match inserted {
        Ok(()) => Ok(visitor),
        Err(_) => store::visitors::find(conn, &ctx.tenant_id, &ctx.visitor_id)?
            .ok_or(AppError::NotFound("Visitor")),
    }
}

/// The first frame: the token to keep, the current conversation and its recent messages.
pub async fn welcome(
    state: &AppState,
    tenant: &Tenant,
    ctx: &VisitorCtx,
    token: String,
) -> Result<ServerFrame, AppError> {
    let (ctx2, st) = (ctx.clone(), state.clone());
    let (conversation, messages) = state
        .db
        .read(move |conn| {
            let Some(c) =
                store::conversations::latest_of_visitor(conn, &ctx2.tenant_id, &ctx2.visitor_id)?
            else {
                return Ok((None, Vec::new()));
            };
            let mut rows =
                store::messages::page_before(conn, &ctx2.tenant_id, &c.id, None, WELCOME_MESSAGES)?;
            rows.reverse();
            let messages = visitor_history(conn, &st, &c, rows)?;
            Ok((Some(visitor_conversation(conn, &c)?), messages))
        })
        .await?;
    Ok(ServerFrame::Welcome {
        visitor_id: ctx.visitor_id.clone().into(),
        display_id: ctx.display_id.clone(),
        token,
        conversation,
        messages,
        rating_categories: serde_json::from_str(&tenant.rating_categories).unwrap_or_default(),
    })
}

fn visitor_conversation(
    conn: &mut Conn,
    c: &Conversation,
) -> Result<VisitorConversation, AppError> {
    let agent_name = match &c.assignee_id {
        Some(id) => store::users::find(conn, &c.tenant_id, id)?.map(|u| u.name),
        None => None,
    };
    // Visitors never see "delegated": that is the team's business.
    let status = c.status.shown(false);
    Ok(VisitorConversation {
        id: c.id.clone().into(),
        status,
        agent_name,
        seen_up_to: super::team_reads::seen_up_to(conn, c)?,
    })
}

/// A message as the visitor sees it.
pub fn visitor_message(m: &MessageView) -> VisitorMessage {
    VisitorMessage {
        id: m.id.clone(),
        conversation_id: m.conversation_id.clone(),
        sender: m.sender,
        sender_name: m.sender_name.clone(),
        kind: m.kind,
        body: m.body.clone(),
        attachment: m.attachment.clone(),
        payload: m.payload.clone(),
        client_id: if m.sender == Sender::Customer {
            m.client_message_id.clone()
        } else {
            None
        },
        created_at: m.created_at,
    }
}

/// How the conversation for new visitor activity was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Opened {
    Existing,
    Reopened,
    New,
}

/// The conversation new visitor activity goes to, stored and counted: the open one, the
/// resolved one reopened, or a new one (no conversation yet, or the workspace starts new ones
/// after resolution). The row exists before anything refers to it.
pub(crate) fn open_for_activity(
    conn: &mut Conn,
    ctx: &VisitorCtx,
    latest: Option<Conversation>,
) -> Result<(Opened, Conversation), AppError> {
    open_on_channel(conn, ctx, Channel::Widget, latest)
}

/// [`open_for_activity`] on `channel` (a new conversation starts there).
pub(crate) fn open_on_channel(
    conn: &mut Conn,
    ctx: &VisitorCtx,
    channel: Channel,
    latest: Option<Conversation>,
) -> Result<(Opened, Conversation), AppError> {
    let at = now();
    match latest {
        Some(c) if c.status != State::Resolved => Ok((Opened::Existing, c)),
        Some(c) if reopen_policy(conn, &ctx.tenant_id)? => {
            let after = reopened(&c, at);
            save_counted(conn, Some(&c), &after, CounterDelta::default())?;
            Ok((Opened::Reopened, after))
        }
        _ => {
            let c = Conversation {
                channel,
                ..new_conversation(ctx, at)
            };
            save_counted(conn, None, &c, CounterDelta::default())?;
            bump_chart(conn, &c, c.started_at, one(|d| d.sessions = 1))?;
            Ok((Opened::New, c))
        }
    }
}

/// Tells dashboards a conversation started or came back.
pub(crate) fn emit_opened(
    outbox: &mut Outbox,
    opened: Opened,
    row: &ConversationRow,
    c: &Conversation,
) {
    let payload = match opened {
        Opened::New => EventPayload::ConversationCreated(row.clone()),
        Opened::Reopened => EventPayload::ConversationUpdated(row.clone()),
        Opened::Existing => return,
    };
    outbox.emit(payload, Some(&c.id), Some(&c.visitor_id));
}

fn reopen_policy(conn: &mut Conn, tenant_id: &TenantId) -> Result<bool, AppError> {
    Ok(store::tenants::find(conn, tenant_id)?.reopen_policy != ReopenPolicy::NewConversation)
}

pub(crate) fn new_conversation(ctx: &VisitorCtx, at: chrono::NaiveDateTime) -> Conversation {
    Conversation {
        id: new_id(),
        tenant_id: ctx.tenant_id.clone(),
        visitor_id: ctx.visitor_id.clone(),
        channel: Channel::Widget,
        status: State::Open,
        assignee_id: None,
        needs_agent_since: None,
        agent_requested: false,
        booked: false,
        rating: None,
        pending_handoff_id: None,
        message_count: 0,
        shard: rand::random_range(0..store::counters::SHARDS),
        started_at: at,
        last_activity_at: at,
        resolved_at: None,
        resolved_by: None,
        last_customer_message_at: None,
    }
}

/// The visitor asks for a human: the conversation (started if needed) waits for an agent and
/// the team is alerted. Nothing changes if an agent is already in it or it already waits.
pub async fn request_agent(state: &AppState, ctx: &VisitorCtx) -> Result<(), AppError> {
    let ctx2 = ctx.clone();
    state
        .transact(&ctx.tenant_id, move |conn, outbox| {
            ensure_visitor(conn, &ctx2)?;
            let latest = store::conversations::latest_of_visitor_locked(
                conn,
                &ctx2.tenant_id,
                &ctx2.visitor_id,
            )?;
            let (opened, before) = open_for_activity(conn, &ctx2, latest)?;
            let Some(after) = rules::request_agent(&before, now()) else {
                // An agent is in it or it waits already; a reopened one is still news.
                let conversation = row(conn, &ctx2.tenant_id, &before.id)?;
                emit_opened(outbox, opened, &conversation, &before);
                return Ok(());
            };
            save_counted(conn, Some(&before), &after, CounterDelta::default())?;
            let conversation = row(conn, &ctx2.tenant_id, &after.id)?;
            emit_opened(outbox, opened, &conversation, &after);
            outbox.emit(
                EventPayload::ConversationNeedsAgent(conversation),
                Some(&after.id),
                Some(&after.visitor_id),
            );
            Ok(())
        })
        .await
}

/// Pre-chat answers.
pub struct Prechat {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub fields: Option<serde_json::Map<String, serde_json::Value>>,
}

/// Stores the pre-chat form's answers on the visitor (agents see them; leads default to them).
pub async fn prechat(state: &AppState, ctx: &VisitorCtx, form: Prechat) -> Result<(), AppError> {
    let change = validate_prechat(&form)?;
    let ctx2 = ctx.clone();
    state
        .transact(&ctx.tenant_id, move |conn, outbox| {
            ensure_visitor(conn, &ctx2)?;
            store::visitors::save_prechat(conn, &ctx2.tenant_id, &ctx2.visitor_id, &change)?;
            if let Some(c) =
                store::conversations::latest_of_visitor(conn, &ctx2.tenant_id, &ctx2.visitor_id)?
            {
                let conversation = row(conn, &ctx2.tenant_id, &c.id)?;
                outbox.emit(
                    EventPayload::ConversationUpdated(conversation),
                    Some(&c.id),
                    Some(&c.visitor_id),
                );
            }
            Ok(())
        })
        .await
}

fn validate_prechat(form: &Prechat) -> Result<store::visitors::PrechatChange, AppError> {
    let mut v = Violations::default();
    let name = validate::optional_text(&mut v, "name", form.name.as_deref(), 100);
    let email = form
        .email
        .as_deref()
        .filter(|e| !e.trim().is_empty())
        .map(|e| validate::email(&mut v, "email", e));
    let phone = validate::optional_text(&mut v, "phone", form.phone.as_deref(), 40);
    let fields = match &form.fields {
        Some(map) if map.len() > 20 => {
            v.add("fields", "must have at most 20 fields");
            None
        }
        Some(map) => {
            for (key, value) in map {
                if key.chars().count() > 50
                    || value.as_str().is_none_or(|s| s.chars().count() > 500)
                {
                    v.add(
                        format!("fields.{key}"),
                        "must be text of at most 500 characters under a name of at most 50",
                    );
                }
            }
            Some(serde_json::Value::Object(map.clone()).to_string())
        }
        None => None,
    };
    v.finish()?;
    Ok(store::visitors::PrechatChange {
        name,
        email,
        phone,
        custom_fields: fields,
    })
}

/// The visitor rates their latest conversation; a new rating replaces the previous one.
pub async fn rate(
    state: &AppState,
    ctx: &VisitorCtx,
    stars: i16,
    categories: Vec<String>,
    comment: Option<String>,
) -> Result<(), AppError> {
    let mut v = Violations::default();
    if !(1..=5).contains(&stars) {
        v.add("stars", "must be between 1 and 5");
    }
    let comment = validate::optional_text(&mut v, "comment", comment.as_deref(), 1000);
    v.finish()?;
    let ctx2 = ctx.clone();
    state
        .transact(&ctx.tenant_id, move |conn, outbox| {
            let before = store::conversations::latest_of_visitor_locked(
                conn,
                &ctx2.tenant_id,
                &ctx2.visitor_id,
            )?
            .ok_or_else(|| {
                AppError::rejected(
                    ErrorCode::NoConversation,
                    "There is no conversation to rate yet.",
                )
            })?;
            let allowed: Vec<String> = serde_json::from_str(
                &store::tenants::find(conn, &ctx2.tenant_id)?.rating_categories,
            )
            .unwrap_or_default();
            if let Some(bad) = categories.iter().find(|c| !allowed.contains(c)) {
                return Err(AppError::invalid_field(
                    "categories",
                    &format!("{bad:?} is not one of the workspace's feedback categories"),
                ));
            }
            let previous =
                store::ratings::find_for_conversation(conn, &ctx2.tenant_id, &before.id)?;
            let rating = Rating {
                id: previous
                    .as_ref()
                    .map(|p| p.id.clone())
                    .unwrap_or_else(new_id),
                tenant_id: ctx2.tenant_id.clone(),
                conversation_id: before.id.clone(),
                stars,
                categories: json!(categories).to_string(),
                comment,
                created_at: now(),
            };
            store::ratings::upsert(conn, &rating)?;
            let mut after = before.clone();
            after.rating = Some(stars);
            let delta = CounterDelta {
                rating_sum: stars as i64 - previous.as_ref().map(|p| p.stars as i64).unwrap_or(0),
                rating_count: previous.is_none() as i64,
                ..Default::default()
            };
            save_counted(conn, Some(&before), &after, delta)?;
            let conversation = row(conn, &ctx2.tenant_id, &after.id)?;
            outbox.emit(
                EventPayload::RatingCreated(RatingCreated {
                    rating: rating_view(&rating),
                    conversation,
                }),
                Some(&after.id),
                Some(&after.visitor_id),
            );
            Ok(())
        })
        .await
}

/// The visitor is typing in their open conversation (no event when there is none).
pub async fn typing(state: &AppState, ctx: &VisitorCtx) -> Result<(), AppError> {
    let ctx2 = ctx.clone();
    state
        .transact(&ctx.tenant_id, move |conn, outbox| {
            let Some(c) =
                store::conversations::latest_of_visitor(conn, &ctx2.tenant_id, &ctx2.visitor_id)?
            else {
                return Ok(());
            };
            if c.status != State::Resolved {
                let typing = Typing {
                    conversation_id: c.id.clone().into(),
                    sender: Sender::Customer,
                    user_id: None,
                    name: None,
                };
                outbox.emit(
                    EventPayload::Typing(typing),
                    Some(&c.id),
                    Some(&c.visitor_id),
                );
            }
            Ok(())
        })
        .await
}

/// Messages of the visitor's latest conversation after `after` (or the recent ones).
pub async fn sync(
    state: &AppState,
    ctx: &VisitorCtx,
    after: Option<String>,
) -> Result<Vec<VisitorMessage>, AppError> {
    let (ctx2, st) = (ctx.clone(), state.clone());
    state
        .db
        .read(move |conn| {
            let Some(c) =
                store::conversations::latest_of_visitor(conn, &ctx2.tenant_id, &ctx2.visitor_id)?
            else {
                return Ok(Vec::new());
            };
            let anchor = match after {
                Some(id) => store::messages::find(conn, &ctx2.tenant_id, &id)?
                    .filter(|m| m.conversation_id == c.id),
                None => None,
            };
            let rows = match anchor {
                Some(m) => {
                    store::messages::after(conn, &ctx2.tenant_id, &c.id, (m.created_at, m.id), 500)?
                }
                None => {
                    let mut rows = store::messages::page_before(
                        conn,
                        &ctx2.tenant_id,
                        &c.id,
                        None,
                        WELCOME_MESSAGES,
                    )?;
                    rows.reverse();
                    rows
                }
            };
            visitor_history(conn, &st, &c, rows)
        })
        .await
}

/// Stored messages as the visitor sees them: the team's system lines left out.
fn visitor_history(
    conn: &mut Conn,
    state: &AppState,
    c: &Conversation,
    mut rows: Vec<(Message, Option<Attachment>)>,
) -> Result<Vec<VisitorMessage>, AppError> {
    rows.retain(|(m, _)| !is_system_line(m.sender, m.kind));
    Ok(message_views(conn, state, c, rows)?
        .iter()
        .map(visitor_message)
        .collect())
}

/// The visitor's current conversation row (for presence).
pub fn current_row(
    conn: &mut Conn,
    ctx: &VisitorCtx,
) -> Result<Option<switchboard_types::conversations::ConversationRow>, AppError> {
    let Some(c) = store::conversations::latest_of_visitor(conn, &ctx.tenant_id, &ctx.visitor_id)?
    else {
        return Ok(None);
    };
    Ok(store::conversations::listed(conn, &ctx.tenant_id, &c.id)?
        .map(|l| conversation_row(&l, now())))
}
