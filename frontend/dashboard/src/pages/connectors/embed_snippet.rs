//! The one line the business pastes into its site, with a Copy button.

use leptos::html::Textarea;
use leptos::prelude::*;

use crate::components::copy_button::{Copied, CopyButton};

/// The `<script>` tag for this workspace, loading the widget from the server that serves this
/// dashboard.
pub fn snippet(origin: &str, key: &str) -> String {
    format!(r#"<script src="{origin}/widget.js" data-key="{key}" async></script>"#)
}

#[component]
pub fn EmbedSnippet(key: String) -> impl IntoView {
    let origin = window().location().origin().unwrap_or_default();
    let code = snippet(&origin, &key);
    let copied = RwSignal::new(Copied::Not);
    let area = NodeRef::<Textarea>::new();
    view! {
        <div class="panel snippet-card">
            <h2>"Add it to your website"</h2>
            <p class="form-note">
                "Paste this line before "<code>"</body>"</code>" on every page where the chat should appear."
            </p>
            <textarea
                class="snippet"
                node_ref=area
                readonly=true
                rows="3"
                spellcheck="false"
                aria-label="Embed code"
                data-testid="widget-snippet"
                prop:value=code.clone()
            ></textarea>
            <div class="snippet-actions">
                <p class="form-note" role="status" data-testid="snippet-status">
                    {move || copied.get().note()}
                </p>
                <CopyButton text=code shown=area copied label="Copy code" testid="copy-snippet" />
            </div>
            <p class="form-note">"Widget key: "<code data-testid="widget-key">{key}</code></p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::snippet;

    #[test]
    fn the_snippet_loads_the_loader_with_the_key() {
        assert_eq!(
            snippet("https://chat.example", "wk_123"),
            r#"<script src="https://chat.example/widget.js" data-key="wk_123" async></script>"#
        );
    }
}
