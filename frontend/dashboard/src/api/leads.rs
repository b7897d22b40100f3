//! Leads: contact details captured in a conversation.

use switchboard_types::leads::{CaptureLeadRequest, LeadView};
use switchboard_types::page::Page;

use super::client::{self, Call};
use super::ApiError;

/// `POST /conversations/{id}/lead`: saves the visitor's details as a lead.
pub async fn capture(
    conversation_id: &str,
    request: &CaptureLeadRequest,
) -> Result<LeadView, ApiError> {
    let path = format!("/conversations/{conversation_id}/lead");
    client::decode(client::signed_in(Call::post(&path).json(request)).await?).await
}

/// `GET /leads`: a page of leads, newest first; `search` keeps those whose email, name,
/// company or phone contains it.
pub async fn list(search: &str, cursor: Option<&str>) -> Result<Page<LeadView>, ApiError> {
    let mut query = Vec::new();
    if !search.trim().is_empty() {
        query.push(("q", search.trim()));
    }
    if let Some(cursor) = cursor {
        query.push(("cursor", cursor));
    }
    client::decode(client::signed_in(Call::get("/leads").query(&query)).await?).await
}

/// `GET /leads` as `text/csv`: every lead.
pub async fn export_csv() -> Result<String, ApiError> {
    client::text(client::signed_in(Call::get("/leads").accept("text/csv")).await?).await
}
