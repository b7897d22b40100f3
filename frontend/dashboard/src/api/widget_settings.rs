//! The chat widget's settings, as admins edit them on Connectors → Widget.

use switchboard_types::widget_settings::WidgetSettings;

use super::client::{self, Call};
use super::ApiError;

/// `GET /settings/widget`.
pub async fn fetch() -> Result<WidgetSettings, ApiError> {
    client::decode(client::signed_in(Call::get("/settings/widget")).await?).await
}

/// `PUT /settings/widget`: replaces them all; the answer is what the server stored (trimmed
/// texts, lower-case origins).
pub async fn save(settings: &WidgetSettings) -> Result<WidgetSettings, ApiError> {
    let call = Call::put("/settings/widget").json(settings);
    client::decode(client::signed_in(call).await?).await
}
