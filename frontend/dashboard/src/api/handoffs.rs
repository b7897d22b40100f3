//! Handing a conversation to a teammate: transfer (at once) or delegate (they accept or
//! reject), and the teammates who can take it.

use switchboard_types::conversations::ConversationDetail;
use switchboard_types::handoffs::{HandoffRequest, HandoffView};
use switchboard_types::visitors::AgentSummary;

use super::client::{self, Call};
use super::ApiError;

/// `GET /agents`: the active team members with their availability.
pub async fn teammates() -> Result<Vec<AgentSummary>, ApiError> {
    client::decode(client::signed_in(Call::get("/agents")).await?).await
}

/// `POST /conversations/{id}/transfer`: the teammate gets the conversation now.
pub async fn transfer(id: &str, request: &HandoffRequest) -> Result<ConversationDetail, ApiError> {
    let path = format!("/conversations/{id}/transfer");
    client::decode(client::signed_in(Call::post(&path).json(request)).await?).await
}

/// `POST /conversations/{id}/delegations`: asks the teammate to take it; the sender keeps it
/// until they accept.
pub async fn delegate(id: &str, request: &HandoffRequest) -> Result<HandoffView, ApiError> {
    let path = format!("/conversations/{id}/delegations");
    client::decode(client::signed_in(Call::post(&path).json(request)).await?).await
}

/// What can be done with a pending delegation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Accept,
    Reject,
    Cancel,
}

/// `POST /delegations/{id}/accept|reject|cancel`.
pub async fn decide(delegation_id: &str, decision: Decision) -> Result<HandoffView, ApiError> {
    let verb = match decision {
        Decision::Accept => "accept",
        Decision::Reject => "reject",
        Decision::Cancel => "cancel",
    };
    let path = format!("/delegations/{delegation_id}/{verb}");
    client::decode(client::signed_in(Call::post(&path)).await?).await
}
