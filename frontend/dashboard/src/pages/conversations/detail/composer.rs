//! The input bar, active once the agent has joined: Enter sends, Shift+Enter starts a new
//! line; emoji, files and voice notes from its tools. Each message carries a client id, so a retry after a network failure never posts it
//! twice; a failed send stays in the thread with Retry.

use std::time::Duration;

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use switchboard_types::messages::{AttachmentView, SendMessageRequest};
use switchboard_types::quick_replies::QuickReplyView;

use super::attachments::{self, Uploads};
use super::copilot;
use super::emoji::EmojiPicker;
use super::quick_replies::{self, QuickReplyMenu};
use super::thread::{Pending, ThreadState};
use super::OpenConversation;
use crate::api;

/// The visitor sees "typing…" from at most one signal per this interval.
const TYPING_EVERY: Duration = Duration::from_secs(2);

/// A new idempotency key for a message.
pub fn client_message_id() -> String {
    window()
        .crypto()
        .ok()
        .map(|c| c.random_uuid())
        .unwrap_or_else(|| format!("m-{}-{}", js_sys::Date::now(), js_sys::Math::random()))
}

/// What an agent sends: text, or an uploaded file.
#[derive(Debug, Clone, PartialEq)]
pub enum Outgoing {
    Text(String),
    File(AttachmentView),
}

impl Outgoing {
    fn request(&self, client_message_id: String) -> SendMessageRequest {
        let (body, attachment_id) = match self {
            Outgoing::Text(body) => (Some(body.clone()), None),
            Outgoing::File(file) => (None, Some(file.id.clone())),
        };
        SendMessageRequest {
            client_message_id,
            body,
            attachment_id,
            booking_slots: None,
        }
    }
}

/// Sends (or resends) one message and settles its pending bubble.
pub fn deliver(open: OpenConversation, state: ThreadState, client_id: String, outgoing: Outgoing) {
    let request = outgoing.request(client_id.clone());
    _ = state.pending.try_update(|pending| {
        match pending.iter_mut().find(|p| p.client_id == client_id) {
            Some(p) => p.failed = None,
            None => pending.push(Pending {
                client_id: client_id.clone(),
                outgoing,
                failed: None,
            }),
        }
    });
    spawn_local(async move {
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
        deliver(open, state, client_message_id(), Outgoing::Text(body));
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
    let insert_emoji = Callback::new(move |emoji: &'static str| {
        let Some(el) = input.get_untracked() else {
            return;
        };
        let value = text.get_untracked();
        let caret = el
            .selection_start()
            .ok()
            .flatten()
            .map_or(value.len(), |at| byte_index(&value, at as usize));
        let after = (value[..caret].encode_utf16().count() + emoji.encode_utf16().count()) as u32;
        text.set(format!("{}{emoji}{}", &value[..caret], &value[caret..]));
        _ = el.focus();
        // Once the new text is in the field, the caret goes after the emoji.
        request_animation_frame(move || _ = el.set_selection_range(after, after));
    });
    let uploads = Uploads::new(open, state);
    let copilot = RwSignal::new(false);
    // A quick reply or a suggestion replaces the input's text, ready to edit and send.
    let replace_text = Callback::new(move |reply: String| {
        text.set(reply);
        if let Some(el) = input.get_untracked() {
            _ = el.focus();
        }
    });
    let not_joined = Signal::derive(move || !joined.get());
    let menu = QuickReplyMenu::new(text);
    let insert = move |reply: QuickReplyView| replace_text.run(reply.body);
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
        <copilot::CopilotPanel showing=copilot on_insert=replace_text />
        <attachments::UploadStatus uploads />
        <form
            class="composer"
            class:inactive=move || !joined.get()
            on:submit=move |event| {
                event.prevent_default();
                send();
            }
        >
            <quick_replies::Menu menu insert />
            <div class="composer-tools">
                <EmojiPicker on_pick=insert_emoji disabled=not_joined />
                <attachments::AttachButton uploads disabled=not_joined />
                <attachments::VoiceRecorder uploads disabled=not_joined />
                <copilot::CopilotButton showing=copilot disabled=not_joined />
            </div>
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

/// The byte index in `text` of the UTF-16 offset a text field reports (its caret).
fn byte_index(text: &str, utf16_offset: usize) -> usize {
    let mut units = 0;
    for (at, c) in text.char_indices() {
        if units >= utf16_offset {
            return at;
        }
        units += c.len_utf16();
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::byte_index;

    #[test]
    fn carets_count_utf16_units_and_strings_count_bytes() {
        assert_eq!(byte_index("hello", 2), 2);
        assert_eq!(byte_index("é😀x", 1), 2, "é is one unit, two bytes");
        assert_eq!(
            byte_index("é😀x", 3),
            6,
            "the emoji is two units, four bytes"
        );
        assert_eq!(byte_index("ab", 10), 2);
    }
}
