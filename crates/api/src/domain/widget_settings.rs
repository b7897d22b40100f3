//! The chat widget's settings: admins edit them, the widget reads their public part with the
//! widget key, and the server enforces the allowed origins on everything the widget opens.

use switchboard_types::widget_settings::{WidgetConfig, WidgetSettings};
use switchboard_types::Section;

use super::audit;
use super::member::Member;
use super::member_presence;
use super::validate;
use super::RequestMeta;
use crate::error::{AppError, ErrorCode, Violations};
use crate::state::AppState;
use crate::store::{self, tenants::Tenant};

/// The most origins a workspace may list.
const MAX_ORIGINS: usize = 20;

/// The widget's settings (admins and the owner, who see Connectors).
pub async fn get(state: &AppState, member: &Member) -> Result<WidgetSettings, AppError> {
    member.require_section(Section::Connectors)?;
    let tenant_id = member.tenant_id.clone();
    let tenant = state
        .db
        .read(move |conn| Ok(store::tenants::find(conn, &tenant_id)?))
        .await?;
    Ok(of(&tenant))
}

/// Replaces the widget's settings, cleaned (trimmed texts, lower-case origins).
pub async fn update(
    state: &AppState,
    member: &Member,
    settings: WidgetSettings,
    meta: RequestMeta,
) -> Result<WidgetSettings, AppError> {
    member.require_section(Section::Connectors)?;
    let settings = validated(settings)?;
    let json = serde_json::to_string(&settings).map_err(anyhow::Error::from)?;
    let member2 = member.clone();
    let details = serde_json::to_value(&settings).unwrap_or_default();
    state
        .db
        .write(move |conn| {
            store::tenants::set_widget_settings(conn, &member2.tenant_id, &json)?;
            audit::record(
                conn,
                &member2,
                &meta,
                "widget_settings.updated",
                None,
                details,
            )
        })
        .await?;
    Ok(settings)
}

/// What the widget of `widget_key` needs before it starts, asked from `origin`.
pub async fn config(
    state: &AppState,
    widget_key: String,
    origin: Option<String>,
    own_host: Option<String>,
) -> Result<WidgetConfig, AppError> {
    let (tenant, online) = state
        .db
        .read(move |conn| {
            let Some(tenant) = store::tenants::find_by_widget_key(conn, &widget_key)? else {
                return Ok(None);
            };
            let online = member_presence::anyone_online(conn, &tenant.id)?;
            Ok(Some((tenant, online)))
        })
        .await?
        .ok_or_else(unknown_key)?;
    let settings = of(&tenant);
    check_origin(&settings, origin.as_deref(), own_host.as_deref())?;
    let categories = serde_json::from_str(&tenant.rating_categories).unwrap_or_default();
    Ok(WidgetConfig::new(settings, tenant.name, online, categories))
}

/// The stored settings of `tenant` (defaults for anything missing).
pub fn of(tenant: &Tenant) -> WidgetSettings {
    serde_json::from_str(&tenant.widget_settings).unwrap_or_default()
}

/// Refuses a browser on an origin the workspace did not list, when it listed any. Requests
/// without an `Origin` (not from a page) and from our own pages (the chat's frame) pass; the
/// frame itself is kept off unlisted sites by its `frame-ancestors` policy.
pub fn check_origin(
    settings: &WidgetSettings,
    origin: Option<&str>,
    own_host: Option<&str>,
) -> Result<(), AppError> {
    let Some(origin) = origin else { return Ok(()) };
    let origin = origin.to_ascii_lowercase();
    let own = own_host.is_some_and(|host| {
        origin
            .split_once("://")
            .is_some_and(|(_, rest)| rest.eq_ignore_ascii_case(host))
    });
    if own || settings.allowed_origins.is_empty() || settings.allowed_origins.contains(&origin) {
        return Ok(());
    }
    Err(AppError::Denied {
        code: ErrorCode::OriginNotAllowed,
        message: format!(
            "This workspace does not allow its chat widget on {origin}: an admin can add it under \
             Connectors → Widget → Allowed origins."
        ),
    })
}

fn unknown_key() -> AppError {
    AppError::unauthorized(ErrorCode::InvalidWidgetKey, "This widget key is not valid.")
}

fn validated(s: WidgetSettings) -> Result<WidgetSettings, AppError> {
    let mut v = Violations::default();
    let accent = s.accent_color.trim().to_ascii_lowercase();
    if !is_hex_colour(&accent) {
        v.add("accent_color", "must be a colour like #4f46e5");
    }
    let origins: Vec<String> = s
        .allowed_origins
        .iter()
        .enumerate()
        .map(|(i, o)| origin(&mut v, i, o))
        .collect();
    if origins.len() > MAX_ORIGINS {
        v.add("allowed_origins", "must list at most 20 origins");
    }
    let cleaned = WidgetSettings {
        accent_color: accent,
        title: validate::text(&mut v, "title", &s.title, 1, 60),
        greeting: validate::text(&mut v, "greeting", &s.greeting, 1, 500),
        offline_message: validate::text(&mut v, "offline_message", &s.offline_message, 1, 500),
        allowed_origins: origins,
        ..s
    };
    v.finish()?;
    Ok(cleaned)
}

fn is_hex_colour(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// An origin as browsers send it: `http(s)://host[:port]`, nothing after the host.
fn origin(v: &mut Violations, i: usize, raw: &str) -> String {
    let o = raw.trim().trim_end_matches('/').to_ascii_lowercase();
    let valid = o
        .strip_prefix("https://")
        .or_else(|| o.strip_prefix("http://"))
        .is_some_and(|host| {
            !host.is_empty()
                && host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
        });
    if !valid {
        v.add(
            format!("allowed_origins[{i}]"),
            "must be an origin like https://shop.example (scheme and host, no path)",
        );
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(origins: &[&str]) -> WidgetSettings {
        WidgetSettings {
            allowed_origins: origins.iter().map(|o| o.to_string()).collect(),
            ..WidgetSettings::default()
        }
    }

    #[test]
    fn any_origin_passes_when_none_is_listed() {
        assert!(check_origin(&listing(&[]), Some("https://anywhere.example"), None).is_ok());
    }

    #[test]
    fn a_listed_origin_passes_and_another_is_refused() {
        let s = listing(&["https://shop.example"]);
        assert!(check_origin(&s, Some("https://SHOP.example"), None).is_ok());
        let refused = check_origin(&s, Some("https://evil.example"), Some("chat.example"));
        assert!(matches!(
            refused,
            Err(AppError::Denied {
                code: ErrorCode::OriginNotAllowed,
                ..
            })
        ));
    }

    #[test]
    fn our_own_pages_and_non_browsers_pass() {
        let s = listing(&["https://shop.example"]);
        assert!(check_origin(
            &s,
            Some("http://chat.example:8080"),
            Some("chat.example:8080")
        )
        .is_ok());
        assert!(check_origin(&s, None, Some("chat.example")).is_ok());
    }

    #[test]
    fn origins_are_cleaned_and_paths_refused() {
        let mut v = Violations::default();
        assert_eq!(
            origin(&mut v, 0, " https://Shop.example/ "),
            "https://shop.example"
        );
        assert!(v.finish().is_ok());
        let mut v = Violations::default();
        origin(&mut v, 0, "https://shop.example/page");
        origin(&mut v, 1, "shop.example");
        assert!(v.finish().is_err());
    }
}
