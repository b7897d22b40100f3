//! How a workspace's chat widget looks and behaves: edited by admins
//! (`GET`/`PUT /api/v1/settings/widget`), read by the widget itself with the widget key
//! (`GET /api/widget/v1/config`).

use serde::{Deserialize, Serialize};

use crate::wire::wire_names;

/// Which bottom corner of the host page the launcher sits in.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LauncherPosition {
    /// Bottom right (the default).
    #[default]
    BottomRight,
    /// Bottom left.
    BottomLeft,
}

wire_names!(LauncherPosition { BottomRight => "bottom_right", BottomLeft => "bottom_left" });

/// Whether the pre-chat form asks for a field, and whether the visitor must answer it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldRule {
    /// Not asked.
    #[default]
    Off,
    /// Asked; may be left empty.
    Optional,
    /// Asked; the chat starts only once it is answered.
    Required,
}

wire_names!(FieldRule { Off => "off", Optional => "optional", Required => "required" });

/// The form shown before the first message.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PrechatForm {
    /// Whether the form is shown at all.
    #[serde(default)]
    pub enabled: bool,
    /// The visitor's name.
    #[serde(default)]
    pub name: FieldRule,
    /// The visitor's email.
    #[serde(default)]
    pub email: FieldRule,
    /// The visitor's phone number.
    #[serde(default)]
    pub phone: FieldRule,
}

/// The widget's settings. `PUT` replaces them all; a field left out takes its default.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetSettings {
    /// The accent colour as `#rrggbb`.
    #[serde(default = "default_accent")]
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^#[0-9a-fA-F]{6}$", example = "#4f46e5")
    )]
    pub accent_color: String,
    /// The chat's title, 1-60 characters.
    #[serde(default = "default_title")]
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 60, pattern = "\\S")
    )]
    pub title: String,
    /// The first message a visitor sees, 1-500 characters.
    #[serde(default = "default_greeting")]
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 500, pattern = "\\S")
    )]
    pub greeting: String,
    /// Where the launcher sits.
    #[serde(default)]
    pub position: LauncherPosition,
    /// The pre-chat form.
    #[serde(default)]
    pub prechat: PrechatForm,
    /// Shown when a visitor asks for a human and no agent is online, 1-500 characters.
    #[serde(default = "default_offline_message")]
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 500, pattern = "\\S")
    )]
    pub offline_message: String,
    /// Origins (`https://shop.example`) the widget may run on; empty means any. At most 20.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = Vec<AllowedOrigin>, max_items = 20)
    )]
    pub allowed_origins: Vec<String>,
    /// Whether the host page's title shows the unread count while the chat is closed.
    #[serde(default)]
    pub unread_in_title: bool,
}

/// What the server takes as an allowed origin: `http(s)://host[:port]` in any case, with
/// surrounding spaces and trailing slashes, which it trims off. (Only ASCII spaces here: a
/// generator's idea of `\s` is wider than what the server trims.)
pub const ALLOWED_ORIGIN_PATTERN: &str =
    "^[ \\t\\r\\n]*[hH][tT][tT][pP][sS]?://[A-Za-z0-9.:\\[\\]-]+/*[ \\t\\r\\n]*$";

/// The schema of one entry of `allowed_origins` (the wire form is a plain string).
#[cfg(feature = "openapi")]
pub struct AllowedOrigin;

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for AllowedOrigin {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(ALLOWED_ORIGIN_PATTERN))
            .examples(["https://shop.example"])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for AllowedOrigin {}

fn default_accent() -> String {
    "#4f46e5".into()
}

fn default_title() -> String {
    "Chat with us".into()
}

fn default_greeting() -> String {
    "Hi! How can we help you today?".into()
}

fn default_offline_message() -> String {
    "Our team is offline right now. Leave your email and we will get back to you.".into()
}

impl Default for WidgetSettings {
    fn default() -> Self {
        WidgetSettings {
            accent_color: default_accent(),
            title: default_title(),
            greeting: default_greeting(),
            position: LauncherPosition::default(),
            prechat: PrechatForm::default(),
            offline_message: default_offline_message(),
            allowed_origins: Vec::new(),
            unread_in_title: false,
        }
    }
}

/// What the widget reads with its key before it starts: the settings it needs (not the
/// allowed origins, which the server enforces), the workspace's name and whether anyone is
/// there to answer.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WidgetConfig {
    /// The business's name.
    pub business_name: String,
    /// The accent colour as `#rrggbb`.
    pub accent_color: String,
    /// The chat's title.
    pub title: String,
    /// The first message a visitor sees.
    pub greeting: String,
    /// Where the launcher sits.
    pub position: LauncherPosition,
    /// The pre-chat form.
    pub prechat: PrechatForm,
    /// Shown when no agent is online.
    pub offline_message: String,
    /// Whether the host page's title shows the unread count.
    pub unread_in_title: bool,
    /// Whether an active member with availability online has the dashboard open right now.
    pub agents_online: bool,
    /// Feedback categories for the rating step.
    pub rating_categories: Vec<String>,
}

impl WidgetConfig {
    /// The public part of `settings`.
    pub fn new(
        settings: WidgetSettings,
        business_name: String,
        agents_online: bool,
        rating_categories: Vec<String>,
    ) -> Self {
        WidgetConfig {
            business_name,
            accent_color: settings.accent_color,
            title: settings.title,
            greeting: settings.greeting,
            position: settings.position,
            prechat: settings.prechat,
            offline_message: settings.offline_message,
            unread_in_title: settings.unread_in_title,
            agents_online,
            rating_categories,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_object_is_the_defaults() {
        let parsed: WidgetSettings = serde_json::from_str("{}").unwrap();
        assert_eq!(parsed, WidgetSettings::default());
    }

    #[test]
    fn settings_have_their_documented_wire_form() {
        let s = WidgetSettings {
            position: LauncherPosition::BottomLeft,
            prechat: PrechatForm {
                email: FieldRule::Required,
                ..PrechatForm::default()
            },
            ..WidgetSettings::default()
        };
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["position"], "bottom_left");
        assert_eq!(json["prechat"]["email"], "required");
        assert_eq!(json["prechat"]["name"], "off");
    }
}
