//! The panel's header: the business's title, who the visitor is talking to, and Close.

use leptos::prelude::*;

use crate::chat::Chat;
use crate::host;

#[component]
pub fn Header(chat: Chat) -> impl IntoView {
    let (title, business) = chat
        .config
        .with_value(|c| (c.title.clone(), c.business_name.clone()));
    let text = chat.text;
    let subtitle = move || match chat.agent.get() {
        Some(agent) => format!("{} {agent}", text.chatting_with),
        None => business.clone(),
    };
    let embedded = chat.frame.with_value(|f| f.host.is_some());
    let close = move |_| {
        chat.frame
            .with_value(|f| host::post(f, &serde_json::json!({ "sb": "close" })))
    };
    view! {
        <header class="head">
            <div class="avatar" aria-hidden="true">{title.chars().next().unwrap_or('S').to_string()}</div>
            <div class="who">
                <h1>{title.clone()}</h1>
                <p data-testid="subtitle">{subtitle}</p>
            </div>
            {embedded.then(|| view! {
                <button class="close" type="button" aria-label=text.close on:click=close>
                    <svg width="20" height="20" viewBox="0 0 24 24" aria-hidden="true">
                        <path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2.2" stroke-linecap="round"/>
                    </svg>
                </button>
            })}
        </header>
    }
}
