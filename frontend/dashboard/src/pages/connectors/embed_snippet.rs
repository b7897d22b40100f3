//! The one line the business pastes into its site, with a Copy button.

use leptos::html::Textarea;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen_futures::JsFuture;

/// Whether the last Copy worked, so the button can say so.
#[derive(Clone, Copy, PartialEq)]
enum Copied {
    Not,
    Yes,
    /// The browser refused the clipboard (a page not served over HTTPS): the text is selected
    /// for the person to copy themselves.
    Selected,
}

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
    let copy = {
        let code = code.clone();
        move |_| {
            let code = code.clone();
            spawn_local(async move {
                let promise = window().navigator().clipboard().write_text(&code);
                let outcome = if JsFuture::from(promise).await.is_ok() {
                    Copied::Yes
                } else {
                    if let Some(area) = area.get_untracked() {
                        area.select();
                    }
                    Copied::Selected
                };
                _ = copied.try_set(outcome);
            });
        }
    };
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
                prop:value=code
            ></textarea>
            <div class="snippet-actions">
                <p class="form-note" role="status" data-testid="snippet-status">
                    {move || match copied.get() {
                        Copied::Not => "",
                        Copied::Yes => "Copied to the clipboard.",
                        Copied::Selected => "Your browser blocked the clipboard: press Ctrl+C (⌘C on a Mac) to copy the selected code.",
                    }}
                </p>
                <button type="button" class="button button-primary" data-testid="copy-snippet" on:click=copy>
                    {move || if copied.get() == Copied::Yes { "Copied" } else { "Copy code" }}
                </button>
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
