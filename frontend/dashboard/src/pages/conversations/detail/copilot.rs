//! The AI Copilot: the sparkle (✨) in the input bar opens up to three suggested replies for
//! the customer's latest message; a click puts one in the input, to edit before sending. They
//! are fetched again when the customer writes while the suggestions are open.

use leptos::prelude::*;
use switchboard_types::conversations::Suggestion;
use switchboard_types::messages::Sender;

use super::thread::ThreadState;
use super::OpenConversation;
use crate::api;

/// The ✨ button in the input bar's tools.
#[component]
pub fn CopilotButton(showing: RwSignal<bool>, disabled: Signal<bool>) -> impl IntoView {
    view! {
        <button
            type="button"
            class="icon-button composer-tool"
            class:pressed=move || showing.get()
            aria-label="Suggest replies"
            title="Suggest replies (AI Copilot)"
            aria-expanded=move || showing.get().to_string()
            data-testid="copilot"
            disabled=disabled
            on:click=move |_| showing.update(|s| *s = !*s)
        >
            "✨"
        </button>
    }
}

/// The suggestions, above the input bar while open.
#[component]
pub fn CopilotPanel(showing: RwSignal<bool>, on_insert: Callback<String>) -> impl IntoView {
    move || {
        showing
            .get()
            .then(|| view! { <Suggestions showing on_insert /> })
    }
}

#[component]
fn Suggestions(showing: RwSignal<bool>, on_insert: Callback<String>) -> impl IntoView {
    let open = expect_context::<OpenConversation>();
    let thread = expect_context::<ThreadState>();
    // The customer's latest message: a new one asks for new suggestions.
    let latest_customer = Memo::new(move |_| {
        thread.messages.with(|m| {
            m.iter()
                .rev()
                .find(|m| m.sender == Sender::Customer)
                .map(|m| m.id.to_string())
        })
    });
    let suggestions = LocalResource::new(move || {
        latest_customer.track();
        let id = open.id.get_value();
        async move { api::conversations::suggestions(&id).await }
    });
    let pick = move |text: String| {
        on_insert.run(text);
        showing.set(false);
    };
    view! {
        <section class="copilot" aria-label="Suggested replies" data-testid="copilot-panel">
            <header class="copilot-header">
                <h3>"✨ Suggested replies"</h3>
                <button type="button" class="icon-button" aria-label="Close the suggestions" on:click=move |_| showing.set(false)>
                    "×"
                </button>
            </header>
            {move || match suggestions.get() {
                None => view! { <p class="copilot-note" role="status">"Finding replies…"</p> }.into_any(),
                Some(Err(error)) => view! { <p class="form-error" role="alert">{error.message()}</p> }.into_any(),
                Some(Ok(found)) if found.suggestions.is_empty() => view! {
                    <p class="copilot-note" data-testid="copilot-empty">
                        "Nothing to suggest for the customer's latest message yet. Quick replies that share its words show up here."
                    </p>
                }
                .into_any(),
                Some(Ok(found)) => found
                    .suggestions
                    .into_iter()
                    .map(|s| view! { <SuggestionCard suggestion=s pick /> })
                    .collect_view()
                    .into_any(),
            }}
        </section>
    }
}

#[component]
fn SuggestionCard(suggestion: Suggestion, pick: impl Fn(String) + Copy + 'static) -> impl IntoView {
    let text = suggestion.text.clone();
    view! {
        <button type="button" class="suggestion" data-testid="suggestion" on:click=move |_| pick(text.clone())>
            {suggestion.title.map(|t| view! { <span class="suggestion-title">{t}</span> })}
            <span class="suggestion-text">{suggestion.text}</span>
        </button>
    }
}
