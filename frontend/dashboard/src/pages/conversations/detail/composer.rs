//! The input bar, active once the agent has joined: Enter sends, Shift+Enter starts a new
//! line. Each message carries a client id, so a retry after a network failure never posts it
//! twice; a failed send stays in the thread with Retry.

use std::time::Duration;

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use switchboard_types::messages::SendMessageRequest;
use switchboard_types::quick_replies::QuickReplyView;

use super::quick_replies::{self, QuickReplyMenu};
use super::thread::{Pending, ThreadState};
use super::OpenConversation;
use crate::api;

/// The visitor sees "typing…" from at most one signal per this interval.
const TYPING_EVERY: Duration = Duration::from_secs(2);

/// A new idempotency key for a message.
fn client_message_id() -> String {
    window()
        .crypto()
        .ok()
        .map(|c| c.random_uuid())
        .unwrap_or_else(|| format!("m-{}-{}", js_sys::Date::now(), js_sys::Math::random()))
}

/// Sends (or resends) one message and settles its pending bubble.
pub fn deliver(open: OpenConversation, state: ThreadState, client_id: String, body: String) {
    state.pending.update(
        |pending| match pending.iter_mut().find(|p| p.client_id == client_id) {
            Some(p) => p.failed = None,
            None => pending.push(Pending {
                client_id: client_id.clone(),
                body: body.clone(),
                failed: None,
            }),
        },
    );
    spawn_local(async move {
        let request = SendMessageRequest {
            client_message_id: client_id.clone(),
            body: Some(body),
            attachment_id: None,
        };
        let Some(id) = open.id.try_get_value() else {
            return;
        };
        let sent = api::conversations::send(&id, &request).await;
        match sent {
            Ok(message) => {
                _ = state
                    .pending
                    .try_update(|p| p.retain(|x| x.client_id != client_id));
                state.add(message);
            }
            Err(error) => {
                _ = state.pending.try_update(|p| {
                    if let Some(p) = p.iter_mut().find(|x| x.client_id == client_id) {
                        p.failed = Some(error.message());
                    }
                });
            }
        }
    });
}

#[component]
pub fn Composer() -> impl IntoView {
    let open = expect_context::<OpenConversation>();
    let state = expect_context::<ThreadState>();
    let text = RwSignal::new(String::new());
    let input = NodeRef::<html::Textarea>::new();
    let last_typing = StoredValue::new(0.0_f64);
    let joined = open.joined;

    let send = move || {
        let body = text.get_untracked().trim().to_string();
        if body.is_empty() || !joined.get_untracked() {
            return;
        }
        text.set(String::new());
        deliver(open, state, client_message_id(), body);
    };
    let signal_typing = move || {
        let now = js_sys::Date::now();
        if now - last_typing.get_value() < TYPING_EVERY.as_millis() as f64 {
            return;
        }
        last_typing.set_value(now);
        // Best effort: a lost typing signal only means the visitor sees no dots.
        let id = open.id.get_value();
        spawn_local(async move { _ = api::conversations::typing(&id).await });
    };
    let menu = QuickReplyMenu::new(text);
    let insert = move |reply: QuickReplyView| {
        text.set(reply.body);
        if let Some(el) = input.get_untracked() {
            _ = el.focus();
        }
    };
    let on_keydown = move |event: leptos::ev::KeyboardEvent| {
        if event.key() == "Escape" && menu.shown.get_untracked().is_some() {
            // Closes the menu (by dropping the `/` command), not the panel.
            event.prevent_default();
            text.set(String::new());
            return;
        }
        let (handled, chosen) = menu.key(&event.key());
        if handled {
            event.prevent_default();
            if let Some(reply) = chosen {
                insert(reply);
            }
            return;
        }
        if event.key() == "Enter" && !event.shift_key() && !event.is_composing() {
            event.prevent_default();
            send();
        }
    };
    let placeholder = move || {
        if joined.get() {
            "Type a message… (Enter sends, Shift+Enter for a new line)"
        } else {
            "Join the session to reply"
        }
    };
    // Focus the input as soon as the agent joins.
    Effect::new(move || {
        if joined.get() {
            if let Some(el) = input.get_untracked() {
                _ = el.focus();
            }
        }
    });

    view! {
        <form
            class="composer"
            class:inactive=move || !joined.get()
            on:submit=move |event| {
                event.prevent_default();
                send();
            }
        >
            <quick_replies::Menu menu insert />
            <label class="visually-hidden" for="composer-input">
                "Message"
            </label>
            <textarea
                id="composer-input"
                node_ref=input
                rows="2"
                maxlength="4000"
                data-testid="composer"
                placeholder=placeholder
                disabled=move || !joined.get()
                prop:value=move || text.get()
                on:input=move |event| {
                    text.set(event_target_value(&event));
                    signal_typing();
                }
                on:keydown=on_keydown
            ></textarea>
            <button
                type="submit"
                class="button button-primary"
                data-testid="send"
                disabled=move || !joined.get() || text.with(|t| t.trim().is_empty())
            >
                "Send"
            </button>
        </form>
    }
}
