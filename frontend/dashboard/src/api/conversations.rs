//! Conversations: the list and its counts, the detail panel, the thread, and what an agent does
//! in a conversation (join, leave, send, resolve, reopen).

use switchboard_types::conversations::{
    AssigneeFilter, Channel, ConversationDetail, ConversationRow, SuggestionsView, Tab, TabCounts,
};
use switchboard_types::messages::{MessageView, SeenRequest, SendMessageRequest};
use switchboard_types::page::Page;
use switchboard_types::MessageId;

use super::client::{self, Call};
use super::ApiError;

/// Rows per list page: a screenful and a half at 1280×720, so the first paint is one request.
pub const LIST_PAGE: &str = "50";

/// `GET /conversations`: one page of a tab (of a channel, of whose conversations), newest
/// activity first.
pub async fn list(
    tab: Tab,
    channel: Option<Channel>,
    assignee: Option<AssigneeFilter>,
    cursor: Option<String>,
) -> Result<Page<ConversationRow>, ApiError> {
    let mut query = vec![("status", tab.as_str()), ("limit", LIST_PAGE)];
    if let Some(channel) = channel {
        query.push(("channel", channel.as_str()));
    }
    if let Some(assignee) = assignee {
        query.push(("assignee", assignee.as_str()));
    }
    if let Some(cursor) = cursor.as_deref() {
        query.push(("cursor", cursor));
    }
    let call = Call::get("/conversations").query(&query);
    client::decode(client::signed_in(call).await?).await
}

/// `GET /conversations/counts`: conversations per tab, for the channel.
pub async fn counts(channel: Option<Channel>) -> Result<TabCounts, ApiError> {
    let query: Vec<(&str, &str)> = channel
        .map(|c| ("channel", c.as_str()))
        .into_iter()
        .collect();
    let call = Call::get("/conversations/counts").query(&query);
    client::decode(client::signed_in(call).await?).await
}

/// `GET /conversations/{id}`: everything the detail panel shows.
pub async fn detail(id: &str) -> Result<ConversationDetail, ApiError> {
    let path = format!("/conversations/{id}");
    client::decode(client::signed_in(Call::get(&path)).await?).await
}

/// `GET /conversations/{id}/messages`: the newest messages, or those before `before`, oldest
/// first.
pub async fn messages(id: &str, before: Option<String>) -> Result<Page<MessageView>, ApiError> {
    let path = format!("/conversations/{id}/messages");
    let query: Vec<(&str, &str)> = before
        .as_deref()
        .map(|b| ("before", b))
        .into_iter()
        .collect();
    client::decode(client::signed_in(Call::get(&path).query(&query)).await?).await
}

/// `POST /conversations/{id}/messages`: sends as the joined agent. A resend with the same
/// `client_message_id` returns the stored message instead of posting twice.
pub async fn send(id: &str, request: &SendMessageRequest) -> Result<MessageView, ApiError> {
    let path = format!("/conversations/{id}/messages");
    client::decode(client::signed_in(Call::post(&path).json(request)).await?).await
}

/// `POST /conversations/{id}/join`; `force` takes it over from another agent (admins, owner).
pub async fn join(id: &str, force: bool) -> Result<ConversationDetail, ApiError> {
    let path = format!("/conversations/{id}/join");
    let query: &[(&str, &str)] = if force { &[("force", "true")] } else { &[] };
    client::decode(client::signed_in(Call::post(&path).query(query)).await?).await
}

/// `POST /conversations/{id}/{action}` for the actions that answer with the detail: `leave`,
/// `resolve`, `reopen`.
pub async fn act(id: &str, action: Action) -> Result<ConversationDetail, ApiError> {
    let path = format!("/conversations/{id}/{}", action.path());
    client::decode(client::signed_in(Call::post(&path)).await?).await
}

/// `POST /conversations/{id}/typing`: the agent is typing (the visitor sees it).
pub async fn typing(id: &str) -> Result<(), ApiError> {
    let path = format!("/conversations/{id}/typing");
    client::expect_success(client::signed_in(Call::post(&path)).await?).await
}

/// `POST /conversations/{id}/seen`: the visitor's messages up to `message_id` are on screen
/// (the widget shows them seen by the team).
pub async fn seen(id: &str, message_id: &MessageId) -> Result<(), ApiError> {
    let path = format!("/conversations/{id}/seen");
    let body = SeenRequest {
        message_id: message_id.clone(),
    };
    client::expect_success(client::signed_in(Call::post(&path).json(&body)).await?).await
}

/// `POST /conversations/{id}/suggestions`: the copilot's replies for the latest customer
/// message, best first.
pub async fn suggestions(id: &str) -> Result<SuggestionsView, ApiError> {
    let path = format!("/conversations/{id}/suggestions");
    client::decode(client::signed_in(Call::post(&path)).await?).await
}

/// The panel's actions without a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Leave,
    Resolve,
    Reopen,
}

impl Action {
    fn path(self) -> &'static str {
        match self {
            Action::Leave => "leave",
            Action::Resolve => "resolve",
            Action::Reopen => "reopen",
        }
    }
}
