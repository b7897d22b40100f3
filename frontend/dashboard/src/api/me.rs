//! The signed-in member: who they are, their workspace, their sections, their availability.

use switchboard_types::auth::{Availability, AvailabilityRequest, Me};

use super::client::{self, Call};
use super::ApiError;

/// `GET /me`: the member, their tenant and the sidebar sections their role may open.
pub async fn fetch_me() -> Result<Me, ApiError> {
    client::decode(client::signed_in(Call::get("/me")).await?).await
}

/// `PUT /me/availability`: whether the member shows as online to visitors.
pub async fn set_availability(availability: Availability) -> Result<Me, ApiError> {
    let call = Call::put("/me/availability").json(&AvailabilityRequest { availability });
    client::decode(client::signed_in(call).await?).await
}
