//! Reads the workspace's widget configuration (`GET /api/widget/v1/config`).

use switchboard_types::widget_settings::WidgetConfig;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::Response;

/// The configuration, or the server's reason in plain words.
pub async fn fetch(key: &str) -> Result<WidgetConfig, String> {
    let url = format!(
        "/api/widget/v1/config?key={}",
        js_sys::encode_uri_component(key)
    );
    let window = web_sys::window().ok_or("no window")?;
    let unreachable = |_| "The chat cannot reach its server right now.".to_string();
    let response: Response = JsFuture::from(window.fetch_with_str(&url))
        .await
        .map_err(unreachable)?
        .unchecked_into();
    let body = JsFuture::from(response.text().map_err(unreachable)?)
        .await
        .map_err(unreachable)?
        .as_string()
        .unwrap_or_default();
    if response.ok() {
        crate::wire::config(&body).ok_or_else(|| "The chat's settings could not be read.".into())
    } else {
        Err(crate::wire::error_message(&body)
            .unwrap_or_else(|| format!("The chat is unavailable ({}).", response.status())))
    }
}
