//! `/api/v1/conversations/*`: the list, counts, detail, thread, and agents' actions.

use actix_web::{get, post, web, HttpResponse};
use serde::Deserialize;
use switchboard_types::conversations::{
    AssigneeFilter, BookingRequest, BookingView, Channel, ConversationDetail, ConversationRow,
    SuggestionsView, Tab, TabCounts,
};
use switchboard_types::error::ErrorBody;
use switchboard_types::messages::{MessageView, SeenRequest, SendMessageRequest};
use switchboard_types::page::Page;

use super::extract::{ClientMeta, ValidJson};
use crate::domain::conversations::{self, ListQuery};
use crate::domain::{member::Member, validate};
use crate::error::AppError;
use crate::state::AppState;

/// Filters and paging of the conversation list.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct ListParams {
    /// `all` (default), `open`, `needs_agent`, `resolved` or `booked`.
    pub status: Option<Tab>,
    /// `widget` or `whatsapp`; absent means both.
    pub channel: Option<Channel>,
    /// `me` (those you hold) or `none` (those nobody holds); absent means anyone's.
    pub assignee: Option<AssigneeFilter>,
    /// `next_cursor` of the previous page.
    #[param(max_length = 200)]
    pub cursor: Option<String>,
    /// Rows per page, 1-100 (default 50).
    #[param(minimum = 1, maximum = 100, default = 50)]
    pub limit: Option<i64>,
}

/// The conversation list, keyset-paginated: on `needs_agent` the longest-waiting visitor first
/// (by `needs_agent_since`), on every other tab the newest activity first.
#[utoipa::path(tag = "conversations", security(("bearer" = [])), params(ListParams), responses(
    (status = 200, body = Page<ConversationRow>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[get("/conversations")]
pub async fn list(
    state: web::Data<AppState>,
    member: Member,
    q: web::Query<ListParams>,
) -> Result<web::Json<Page<ConversationRow>>, AppError> {
    let q = q.into_inner();
    let query = ListQuery {
        tab: q.status.unwrap_or_default(),
        channel: q.channel,
        assignee: q.assignee,
        cursor: q.cursor,
        limit: validate::limit(q.limit)?,
    };
    Ok(web::Json(
        conversations::list(&state, &member, query).await?,
    ))
}

/// Channel filter of the counts.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct CountParams {
    /// `widget` or `whatsapp`; absent means both.
    pub channel: Option<Channel>,
}

/// Conversations per tab (the needs-agent badge), from counters.
#[utoipa::path(tag = "conversations", security(("bearer" = [])), params(CountParams), responses(
    (status = 200, body = TabCounts), (status = 401, body = ErrorBody)))]
#[get("/conversations/counts")]
pub async fn counts(
    state: web::Data<AppState>,
    member: Member,
    q: web::Query<CountParams>,
) -> Result<web::Json<TabCounts>, AppError> {
    Ok(web::Json(
        conversations::counts(&state, &member, q.into_inner().channel).await?,
    ))
}

/// One conversation with its visitor, pre-chat data, rating, pending delegation and WhatsApp window.
#[utoipa::path(tag = "conversations", security(("bearer" = [])), params(("id" = String, Path, description = "The conversation")),
    responses((status = 200, body = ConversationDetail), (status = 404, body = ErrorBody)))]
#[get("/conversations/{id}")]
pub async fn detail(
    state: web::Data<AppState>,
    member: Member,
    id: web::Path<String>,
) -> Result<web::Json<ConversationDetail>, AppError> {
    Ok(web::Json(
        conversations::detail(&state, &member, id.into_inner()).await?,
    ))
}

/// Paging of the thread.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct ThreadParams {
    /// `next_cursor` of the previous page: returns older messages.
    #[param(max_length = 200)]
    pub before: Option<String>,
    /// Messages per page, 1-100 (default 50).
    #[param(minimum = 1, maximum = 100, default = 50)]
    pub limit: Option<i64>,
}

/// The thread: the newest messages (or those before the cursor) in chronological order.
#[utoipa::path(tag = "conversations", security(("bearer" = [])),
    params(("id" = String, Path, description = "The conversation"), ThreadParams),
    responses((status = 200, body = Page<MessageView>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[get("/conversations/{id}/messages")]
pub async fn messages(
    state: web::Data<AppState>,
    member: Member,
    id: web::Path<String>,
    q: web::Query<ThreadParams>,
) -> Result<web::Json<Page<MessageView>>, AppError> {
    let q = q.into_inner();
    let limit = validate::limit(q.limit)?;
    Ok(web::Json(
        conversations::messages(&state, &member, id.into_inner(), q.before, limit).await?,
    ))
}

/// Send an agent message (holder, admin or owner); idempotent on `client_message_id`.
#[utoipa::path(tag = "conversations", security(("bearer" = [])), request_body = SendMessageRequest,
    params(("id" = String, Path, description = "The conversation")), responses(
    (status = 403, description = "API keys act for the workspace, not for a person: this needs a team member's sign-in (`forbidden`)", body = ErrorBody),
    (status = 201, description = "Stored", body = MessageView),
    (status = 200, description = "Already stored with this client_message_id", body = MessageView),
    (status = 404, body = ErrorBody), (status = 409, description = "Not joined, locked by another agent, or resolved", body = ErrorBody),
    (status = 422, body = ErrorBody)))]
#[post("/conversations/{id}/messages")]
pub async fn send(
    state: web::Data<AppState>,
    member: Member,
    id: web::Path<String>,
    body: ValidJson<SendMessageRequest>,
) -> Result<HttpResponse, AppError> {
    let (message, created) = conversations::send(&state, &member, id.into_inner(), body.0).await?;
    Ok(if created {
        HttpResponse::Created().json(message)
    } else {
        HttpResponse::Ok().json(message)
    })
}

/// Options of joining.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct JoinParams {
    /// Admins and the owner: take the conversation even if another agent holds it.
    pub force: Option<bool>,
}

/// Join the conversation (take the join lock). Another agent's hold gives 409 `conversation_locked`.
#[utoipa::path(tag = "conversations", security(("bearer" = [])),
    params(("id" = String, Path, description = "The conversation"), JoinParams), responses(
    (status = 403, description = "API keys act for the workspace, not for a person: this needs a team member's sign-in (`forbidden`)", body = ErrorBody),
    (status = 200, body = ConversationDetail), (status = 404, body = ErrorBody),
    (status = 409, description = "`conversation_locked` with `details.holder`, or resolved", body = ErrorBody)))]
#[post("/conversations/{id}/join")]
pub async fn join(
    state: web::Data<AppState>,
    member: Member,
    meta: ClientMeta,
    id: web::Path<String>,
    q: web::Query<JoinParams>,
) -> Result<web::Json<ConversationDetail>, AppError> {
    let force = q.into_inner().force.unwrap_or(false);
    Ok(web::Json(
        conversations::join(&state, &member, id.into_inner(), force, meta.0).await?,
    ))
}

/// Leave the conversation (release the join lock).
#[utoipa::path(tag = "conversations", security(("bearer" = [])), params(("id" = String, Path, description = "The conversation")), responses(
    (status = 403, description = "API keys act for the workspace, not for a person: this needs a team member's sign-in (`forbidden`)", body = ErrorBody),
    (status = 200, body = ConversationDetail), (status = 404, body = ErrorBody), (status = 409, description = "Not joined", body = ErrorBody)))]
#[post("/conversations/{id}/leave")]
pub async fn leave(
    state: web::Data<AppState>,
    member: Member,
    id: web::Path<String>,
) -> Result<web::Json<ConversationDetail>, AppError> {
    Ok(web::Json(
        conversations::leave(&state, &member, id.into_inner()).await?,
    ))
}

/// Resolve the conversation (holder, admin or owner).
#[utoipa::path(tag = "conversations", security(("bearer" = [])), params(("id" = String, Path, description = "The conversation")), responses(
    (status = 200, body = ConversationDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/conversations/{id}/resolve")]
pub async fn resolve(
    state: web::Data<AppState>,
    member: Member,
    id: web::Path<String>,
) -> Result<web::Json<ConversationDetail>, AppError> {
    Ok(web::Json(
        conversations::resolve(&state, &member, id.into_inner()).await?,
    ))
}

/// Reopen a resolved conversation.
#[utoipa::path(tag = "conversations", security(("bearer" = [])), params(("id" = String, Path, description = "The conversation")), responses(
    (status = 200, body = ConversationDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/conversations/{id}/reopen")]
pub async fn reopen(
    state: web::Data<AppState>,
    member: Member,
    id: web::Path<String>,
) -> Result<web::Json<ConversationDetail>, AppError> {
    Ok(web::Json(
        conversations::reopen(&state, &member, id.into_inner()).await?,
    ))
}

/// Record a meeting booked from the conversation; marks it booked.
#[utoipa::path(tag = "conversations", security(("bearer" = [])), request_body = BookingRequest,
    params(("id" = String, Path, description = "The conversation")), responses(
    (status = 201, body = BookingView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/conversations/{id}/bookings")]
pub async fn book(
    state: web::Data<AppState>,
    member: Member,
    id: web::Path<String>,
    body: ValidJson<BookingRequest>,
) -> Result<HttpResponse, AppError> {
    let booking = conversations::book(&state, &member, id.into_inner(), body.0).await?;
    Ok(HttpResponse::Created().json(booking))
}

/// The copilot's suggested replies, best first (at most 3): the workspace's quick replies that
/// share the most words with the customer's latest message. Reads only; no body (or `{}`).
#[utoipa::path(tag = "conversations", security(("bearer" = [])), params(("id" = String, Path, description = "The conversation")),
    responses((status = 200, body = SuggestionsView), (status = 404, body = ErrorBody)))]
#[post("/conversations/{id}/suggestions")]
pub async fn suggestions(
    state: web::Data<AppState>,
    member: Member,
    id: web::Path<String>,
) -> Result<web::Json<SuggestionsView>, AppError> {
    Ok(web::Json(
        crate::domain::suggestions::suggest(&state, &member, id.into_inner()).await?,
    ))
}

/// Mark the visitor's messages seen up to one you have on screen: the visitor's widget shows
/// them "seen by the team". A mark behind the stored one changes nothing.
#[utoipa::path(tag = "conversations", security(("bearer" = [])), params(("id" = String, Path, description = "The conversation")), request_body = SeenRequest, responses(
    (status = 403, description = "API keys act for the workspace, not for a person: this needs a team member's sign-in (`forbidden`)", body = ErrorBody),
    (status = 204), (status = 404, body = ErrorBody), (status = 422, description = "A message the team wrote, not the visitor", body = ErrorBody)))]
#[post("/conversations/{id}/seen")]
pub async fn seen(
    state: web::Data<AppState>,
    member: Member,
    id: web::Path<String>,
    body: ValidJson<SeenRequest>,
) -> Result<HttpResponse, AppError> {
    let message_id = body.0.message_id.0;
    crate::domain::team_reads::mark_seen(&state, &member, id.into_inner(), message_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Tell the visitor you are typing (send at most every few seconds while typing).
#[utoipa::path(tag = "conversations", security(("bearer" = [])), params(("id" = String, Path, description = "The conversation")), responses(
    (status = 403, description = "API keys act for the workspace, not for a person: this needs a team member's sign-in (`forbidden`)", body = ErrorBody),
    (status = 204), (status = 404, body = ErrorBody), (status = 409, description = "Not joined or locked", body = ErrorBody)))]
#[post("/conversations/{id}/typing")]
pub async fn typing(
    state: web::Data<AppState>,
    member: Member,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    conversations::agent_typing(&state, &member, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
