//! The WhatsApp channel: a tenant's connected number, its templates, and what an agent sends
//! outside the 24-hour window.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ConnectorId;

/// Connects (or reconnects) the workspace's WhatsApp number. On an update a secret left out
/// keeps its stored value.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct WhatsappConnectorRequest {
    /// The number's id in Meta's app settings (digits).
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 40, pattern = "^[0-9]+$")
    )]
    pub phone_number_id: String,
    /// The WhatsApp Business account id (digits).
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 40, pattern = "^[0-9]+$")
    )]
    pub business_account_id: String,
    /// A permanent access token of the business's system user; required on first connection.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub access_token: Option<String>,
    /// The Meta app's secret, which signs every webhook; required on first connection.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub app_secret: Option<String>,
    /// A token of the workspace's choosing that Meta echoes when verifying the webhook;
    /// required on first connection.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub verify_token: Option<String>,
}

/// The connected number as admins see it: secrets only by their last four characters.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WhatsappConnector {
    /// The connector's id (part of its webhook URL).
    pub id: ConnectorId,
    /// The number's id at Meta.
    pub phone_number_id: String,
    /// The WhatsApp Business account id.
    pub business_account_id: String,
    /// The access token's last four characters.
    pub access_token_last4: String,
    /// The app secret's last four characters.
    pub app_secret_last4: String,
    /// The verify token's last four characters.
    pub verify_token_last4: String,
    /// The callback URL to paste into Meta's app settings.
    pub webhook_url: String,
    /// When the number was connected.
    pub connected_at: DateTime<Utc>,
    /// When Meta last delivered a webhook that passed the signature check.
    pub last_webhook_at: Option<DateTime<Utc>>,
    /// The last send that failed, in plain words, until a later send succeeds.
    pub last_send_error: Option<String>,
    /// When that send failed.
    pub last_send_error_at: Option<DateTime<Utc>>,
}

/// Sends a test message to a phone number from the connected number.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WhatsappTestRequest {
    /// The recipient in international format: 6-20 digits with an optional leading `+`.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 6, max_length = 21, pattern = "^\\+?[0-9]{6,20}$")
    )]
    pub to: String,
}

/// What Meta answered to the test message.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WhatsappTestResult {
    /// Meta's id of the sent message.
    pub wamid: String,
}

/// An approved (or pending) message template of the business account.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WhatsappTemplate {
    /// The template's name.
    pub name: String,
    /// Its language code, e.g. `en_US`.
    pub language: String,
    /// `APPROVED`, `PENDING`, `REJECTED`, as Meta says.
    pub status: String,
    /// `MARKETING`, `UTILITY` or `AUTHENTICATION`.
    pub category: String,
    /// The body text with `{{1}}`-style placeholders.
    pub body: String,
    /// How many parameters the body takes.
    pub parameter_count: usize,
}

/// The business account's templates.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WhatsappTemplates {
    /// As listed by the Graph API.
    pub templates: Vec<WhatsappTemplate>,
}

/// Sends an approved template in a WhatsApp conversation (allowed outside the 24-hour window).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SendTemplateRequest {
    /// Idempotency key chosen by the client (1-100 characters).
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 100, pattern = "\\S")
    )]
    pub client_message_id: String,
    /// The template's name.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 512, pattern = "\\S")
    )]
    pub name: String,
    /// Its language code.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 2, max_length = 15, pattern = "\\S")
    )]
    pub language: String,
    /// The body's parameters, in order.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = template_parameters_schema))]
    pub parameters: Vec<String>,
}

/// 0-20 template parameters of 1-1000 characters each.
#[cfg(feature = "openapi")]
fn template_parameters_schema() -> utoipa::openapi::schema::Array {
    crate::schema::text_list(
        (1, 1000),
        20,
        false,
        "0-20 texts of 1-1000 characters, not only spaces.",
    )
}
