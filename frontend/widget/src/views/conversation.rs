//! The thread and the input bar: the greeting, the messages (the visitor's on the right), the
//! lines the widget adds, the messages on their way, typing, and "Talk to a human".

use leptos::html;
use leptos::prelude::*;
use switchboard_types::conversations::ConversationStatus;
use switchboard_types::messages::{AttachmentKind, MessageKind, Sender};
use switchboard_types::widget::{VisitorFrame, VisitorMessage};

use super::attach::{AttachButton, Attachments, ChosenFile, VoiceButton};
use super::booking::BookingCard;
use crate::chat::Chat;
use crate::thread::{Item, Pending};

#[component]
pub fn Conversation(chat: Chat) -> impl IntoView {
    let text = chat.text;
    let greeting = chat.config.with_value(|c| c.greeting.clone());
    let list = NodeRef::<html::Div>::new();
    // Follow the newest row, as chat apps do.
    Effect::new(move || {
        chat.items.track();
        chat.outbox.track();
        chat.typing.track();
        if let Some(list) = list.get() {
            list.set_scroll_top(list.scroll_height());
        }
    });
    let can_ask = move || {
        chat.agent.get().is_none()
            && !chat.requested.get()
            && chat.status.get() != Some(ConversationStatus::NeedsAgent)
    };
    view! {
        <div class="thread" role="log" aria-live="polite" node_ref=list data-testid="thread">
            <div class="row them"><div class="bubble">{greeting}</div></div>
            <For each=move || chat.items.get() key=Item::key let:item>
                {row(chat, item)}
            </For>
            <For each=move || chat.outbox.get() key=|p| p.client_id.clone() let:pending>
                {pending_row(chat, pending)}
            </For>
            {move || chat.typing.get().map(|name| view! {
                <div class="typing" data-testid="typing"><span class="dots" aria-hidden="true"><i></i><i></i><i></i></span>{format!("{name} {}", text.typing)}</div>
            })}
        </div>
        {move || (!chat.connected.get()).then(|| view! { <p class="notice" role="status">{text.reconnecting}</p> })}
        {move || chat.notice.get().map(|n| view! { <p class="notice" role="alert">{n}</p> })}
        {move || can_ask().then(|| view! {
            <div class="actions">
                <button type="button" class="human" on:click=move |_| chat.request_human()>{text.talk_to_human}</button>
            </div>
        })}
        <Composer chat/>
    }
}

fn row(chat: Chat, item: Item) -> AnyView {
    match item {
        Item::Line { text, .. } => view! { <div class="line">{text}</div> }.into_any(),
        Item::Message { message, .. } => message_row(chat, message),
    }
}

fn message_row(chat: Chat, m: VisitorMessage) -> AnyView {
    let mine = m.sender == Sender::Customer;
    let name = match m.sender {
        Sender::Customer => None,
        Sender::Ai => Some(chat.text.ai_assistant.to_string()),
        _ => Some(m.sender_name.clone()),
    };
    let card = (m.kind == MessageKind::BookingSlots)
        .then(|| view! { <BookingCard chat message=m.clone()/> });
    let attachment = m.attachment.map(|a| match a.kind {
        AttachmentKind::Image => view! { <img src=a.url alt=a.filename/> }.into_any(),
        AttachmentKind::Voice => {
            view! { <audio controls src=a.url aria-label=chat.text.voice_note></audio> }.into_any()
        }
        _ => view! { <a href=a.url target="_blank" rel="noopener">{a.filename}</a> }.into_any(),
    });
    view! {
        <div class=if mine { "row mine" } else { "row them" }>
            {name.map(|n| view! { <div class="name">{n}</div> })}
            <div class="bubble">{attachment}{m.body}{card}</div>
            <div class="meta">
                <time>{clock(m.created_at)}</time>
                {mine.then(|| {
                    let id = m.id.clone();
                    let seen = Memo::new(move |_| chat.seen_by_team(&id));
                    let label = move || if seen.get() { chat.text.seen } else { chat.text.sent };
                    view! { <span class="tick" class:seen=seen title=label aria-label=label>{move || if seen.get() { "✓✓" } else { "✓" }}</span> }
                })}
            </div>
        </div>
    }
    .into_any()
}

fn pending_row(chat: Chat, p: Pending) -> impl IntoView {
    let state = match &p.refused {
        Some(reason) => format!("{} · {reason}", chat.text.not_sent),
        None => chat.text.sending.to_string(),
    };
    view! {
        <div class="row mine pending" data-testid="pending">
            <div class="bubble">{p.attachment.map(|a| {
                let label = if a.kind == AttachmentKind::Voice { chat.text.voice_note.to_string() } else { a.filename };
                view! { <div class="file">{label}</div> }
            })}{p.text}</div>
            <div class="meta">{state}</div>
        </div>
    }
}

/// `14:05` in the visitor's own time zone.
pub fn clock(at: chrono::DateTime<chrono::Utc>) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        at.timestamp_millis() as f64
    ));
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}

#[component]
fn Composer(chat: Chat) -> impl IntoView {
    let text = chat.text;
    let draft = RwSignal::new(String::new());
    let last_typing = StoredValue::new(0.0);
    let attachments = Attachments::new(chat);
    let send = move || {
        let body = draft.get_untracked().trim().to_string();
        if attachments.send_chosen(body.clone()) {
            draft.set(String::new());
        } else if !body.is_empty() {
            chat.send_text(body);
            draft.set(String::new());
        }
    };
    let nothing_to_send =
        move || draft.with(|d| d.trim().is_empty()) && attachments.chosen.with(Option::is_none);
    let typed = move |value: String| {
        draft.set(value);
        // The server forwards typing at most every 2 s; sending more is wasted.
        let now = js_sys::Date::now();
        if now - last_typing.get_value() > 2_000.0 {
            last_typing.set_value(now);
            crate::socket::send(&VisitorFrame::Typing);
        }
    };
    view! {
        <ChosenFile attachments/>
        <form class="composer" on:submit=move |ev| { ev.prevent_default(); send(); }>
            <AttachButton attachments/>
            <VoiceButton attachments/>
            <textarea
                rows="1"
                aria-label=text.placeholder
                placeholder=text.placeholder
                maxlength="4000"
                prop:value=move || draft.get()
                on:input=move |ev| typed(event_target_value(&ev))
                on:keydown=move |ev| {
                    if ev.key() == "Enter" && !ev.shift_key() {
                        ev.prevent_default();
                        send();
                    }
                }
            ></textarea>
            <button type="submit" class="send" aria-label=text.send disabled=move || nothing_to_send() || attachments.uploading.get().is_some()>
                <svg width="20" height="20" viewBox="0 0 24 24" aria-hidden="true">
                    <path d="M3 11l18-8-8 18-2-8z" fill="currentColor"/>
                </svg>
            </button>
        </form>
    }
}
