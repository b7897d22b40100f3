//! The panel: the header, then the step the chat is at.

use leptos::prelude::*;

use super::conversation::Conversation;
use super::forms::{LeaveEmail, PrechatForm};
use super::header::Header;
use super::rating::{Rating, Thanks};
use crate::chat::{Chat, Step};

/// The whole frame: a blank panel while the configuration loads, then the chat (or why not).
#[component]
pub fn App(state: RwSignal<Option<Result<Chat, String>>>) -> impl IntoView {
    move || match state.get() {
        None => view! { <div class="panel" aria-busy="true"></div> }.into_any(),
        Some(Err(reason)) => view! {
            <div class="panel"><p class="unavailable" role="alert">{reason}</p></div>
        }
        .into_any(),
        Some(Ok(chat)) => view! { <Panel chat/> }.into_any(),
    }
}

#[component]
fn Panel(chat: Chat) -> impl IntoView {
    let accent = chat.config.with_value(|c| c.accent_color.clone());
    view! {
        <div class="panel" style=format!("--accent:{accent}")>
            <Header chat/>
            {move || match chat.step.get() {
                Step::Prechat => view! { <PrechatForm chat/> }.into_any(),
                Step::LeaveEmail | Step::EmailSaved => view! { <LeaveEmail chat/> }.into_any(),
                Step::Rating => view! { <Rating chat/> }.into_any(),
                Step::Thanks => view! { <Thanks chat/> }.into_any(),
                Step::Chat => view! { <Conversation chat/> }.into_any(),
            }}
        </div>
    }
}
