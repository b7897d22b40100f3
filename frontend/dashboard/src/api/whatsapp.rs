//! The WhatsApp channel: the connected number (admins and the owner), its templates, and
//! template sends outside the 24-hour window.

use switchboard_types::messages::MessageView;
use switchboard_types::whatsapp::{
    SendTemplateRequest, WhatsappConnector, WhatsappConnectorRequest, WhatsappTemplates,
    WhatsappTestRequest, WhatsappTestResult,
};

use super::client::{self, Call};
use super::ApiError;

const CONNECTOR: &str = "/connectors/whatsapp";

/// `GET /connectors/whatsapp`: the number, or `None` when none is connected (404).
pub async fn connector() -> Result<Option<WhatsappConnector>, ApiError> {
    match client::decode(client::signed_in(Call::get(CONNECTOR)).await?).await {
        Ok(found) => Ok(Some(found)),
        Err(error) if error.status() == Some(404) => Ok(None),
        Err(error) => Err(error),
    }
}

/// `PUT /connectors/whatsapp`: connects or changes the number (secrets left out are kept).
pub async fn connect(request: &WhatsappConnectorRequest) -> Result<WhatsappConnector, ApiError> {
    let call = Call::put(CONNECTOR).json(request);
    client::decode(client::signed_in(call).await?).await
}

/// `DELETE /connectors/whatsapp`.
pub async fn disconnect() -> Result<(), ApiError> {
    client::expect_success(client::signed_in(Call::delete(CONNECTOR)).await?).await
}

/// `POST /connectors/whatsapp/test`: a test text to `to`, sent at once.
pub async fn send_test(to: String) -> Result<WhatsappTestResult, ApiError> {
    let call = Call::post("/connectors/whatsapp/test").json(&WhatsappTestRequest { to });
    client::decode(client::signed_in(call).await?).await
}

/// `GET /connectors/whatsapp/templates`.
pub async fn templates() -> Result<WhatsappTemplates, ApiError> {
    let call = Call::get("/connectors/whatsapp/templates");
    client::decode(client::signed_in(call).await?).await
}

/// `POST /conversations/{id}/whatsapp-template`.
pub async fn send_template(
    conversation_id: &str,
    request: &SendTemplateRequest,
) -> Result<MessageView, ApiError> {
    let path = format!("/conversations/{conversation_id}/whatsapp-template");
    let call = Call::post(&path).json(request);
    client::decode(client::signed_in(call).await?).await
}
