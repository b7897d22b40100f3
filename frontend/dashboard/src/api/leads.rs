//! Leads: contact details captured in a conversation.

use switchboard_types::leads::{CaptureLeadRequest, LeadView};

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
