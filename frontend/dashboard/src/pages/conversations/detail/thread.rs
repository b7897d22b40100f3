//! The thread: the customer's blue bubbles on the left, the AI's grey ones with a border, the
//! agents' orange-tinted ones on the right, system lines in between. Older messages load when
//! scrolling up (the view stays where it was); new ones arrive live and scroll into view only
//! when the agent is already at the bottom, otherwise a "New messages" button appears.

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::HashMap;
use switchboard_types::events::EventPayload;

use switchboard_types::messages::{AttachmentKind, Delivery, MessageKind, MessageView, Sender};

use super::composer::{deliver, Outgoing};
use super::delivery::DeliveryTicks;
use super::voice_player::VoicePlayer;
use super::OpenConversation;
use crate::api;
use crate::components::live_updates::use_live_updates;
use crate::components::time;
use crate::pages::conversations::paging::Paging;

/// How close to the bottom (px) still counts as "at the bottom".
const BOTTOM_SLACK: i32 = 48;
/// How close to the top (px) starts loading older messages.
const TOP_SLACK: i32 = 80;
/// How long "typing…" shows after the visitor's last keystroke event.
const TYPING_SHOWN_MS: u64 = 4_000;

/// A message the agent sent that the server has not confirmed yet.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    pub client_id: String,
    pub outgoing: Outgoing,
    pub failed: Option<String>,
}

/// The thread's messages and the agent's unconfirmed sends, shared by the thread and the
/// input bar.
#[derive(Clone, Copy)]
pub struct ThreadState {
    pub messages: RwSignal<Vec<MessageView>>,
    pub pending: RwSignal<Vec<Pending>>,
    /// WhatsApp delivery states that arrived live, by message id (newer than the message's).
    pub deliveries: RwSignal<HashMap<String, Delivery>>,
    /// The newest page first, then older ones as the agent scrolls up.
    paging: Paging,
}

impl ThreadState {
    pub fn new() -> Self {
        ThreadState {
            messages: RwSignal::new(Vec::new()),
            pending: RwSignal::new(Vec::new()),
            deliveries: RwSignal::new(HashMap::new()),
            paging: Paging::new(),
        }
    }

    /// Adds a message once, wherever it came from (the send's answer or the event).
    pub fn add(self, message: MessageView) {
        // `try_`: the answer to a send may arrive after the panel closed.
        _ = self.messages.try_update(|messages| {
            if !messages.iter().any(|m| m.id == message.id) {
                messages.push(message);
            }
        });
    }
}

#[component]
pub fn Thread() -> impl IntoView {
    let open = expect_context::<OpenConversation>();
    let state = expect_context::<ThreadState>();
    let log = NodeRef::<html::Div>::new();
    let at_bottom = RwSignal::new(true);
    let unseen = RwSignal::new(0_usize);
    let visitor_typing = RwSignal::new(None::<u64>);
    super::read_receipts::report_seen(open, state, at_bottom);

    // Runs a frame later, when the panel may have closed.
    let scroll_to_bottom = move || {
        if let Some(el) = log.try_get_untracked().flatten() {
            el.set_scroll_top(el.scroll_height());
        }
        _ = unseen.try_set(0);
    };
    // The newest page first; later scroll-ups fetch older ones.
    let first_page = state.paging.start();
    spawn_local(async move {
        let (Some(id), Some(cursor)) = (open.id.try_get_value(), first_page) else {
            return;
        };
        let Ok(page) = api::conversations::messages(&id, cursor).await else {
            state.paging.failed();
            return;
        };
        state.paging.arrived(page.next_cursor);
        // Messages that arrived live while the page was on its way stay, after it.
        _ = state.messages.try_update(|m| {
            let live: Vec<MessageView> = std::mem::take(m);
            *m = page.items;
            for message in live {
                if !m.iter().any(|x| x.id == message.id) {
                    m.push(message);
                }
            }
        });
        request_animation_frame(scroll_to_bottom);
    });

    let live = use_live_updates();
    live.on_event(move |event| match &event.payload {
        EventPayload::MessageCreated(created)
            if open
                .id
                .try_with_value(|id| created.message.conversation_id.as_str() == id)
                .unwrap_or(false) =>
        {
            let was_at_bottom = at_bottom.get_untracked();
            state.add(created.message.clone());
            if created.message.sender == Sender::Customer {
                visitor_typing.set(None);
            }
            if was_at_bottom {
                request_animation_frame(scroll_to_bottom);
            } else {
                unseen.update(|n| *n += 1);
            }
        }
        EventPayload::Typing(typing)
            if open
                .id
                .try_with_value(|id| typing.conversation_id.as_str() == id)
                .unwrap_or(false)
                && typing.sender == Sender::Customer =>
        {
            let stamp = js_sys::Date::now() as u64;
            visitor_typing.set(Some(stamp));
            set_timeout(
                move || {
                    if visitor_typing.try_get_untracked() == Some(Some(stamp)) {
                        _ = visitor_typing.try_set(None);
                    }
                },
                std::time::Duration::from_millis(TYPING_SHOWN_MS),
            );
        }
        EventPayload::MessageDelivery(moved)
            if open
                .id
                .try_with_value(|id| moved.conversation_id.as_str() == id)
                .unwrap_or(false) =>
        {
            state.deliveries.update(|d| {
                d.insert(moved.message_id.to_string(), moved.delivery.clone());
            });
        }
        _ => {}
    });

    let load_older = move || {
        let Some(cursor) = state.paging.start() else {
            return;
        };
        spawn_local(async move {
            let Some(id) = open.id.try_get_value() else {
                return;
            };
            let Ok(page) = api::conversations::messages(&id, cursor).await else {
                state.paging.failed();
                return;
            };
            state.paging.arrived(page.next_cursor);
            let Some(el) = log.try_get_untracked().flatten() else {
                return;
            };
            let before = el.scroll_height() - el.scroll_top();
            _ = state.messages.try_update(|m| {
                let mut older = page.items;
                older.retain(|o| !m.iter().any(|x| x.id == o.id));
                m.splice(0..0, older);
            });
            // Keep the message the agent was reading where it was.
            request_animation_frame(move || el.set_scroll_top(el.scroll_height() - before));
        });
    };
    let on_scroll = move |_| {
        let Some(el) = log.get_untracked() else {
            return;
        };
        let bottom = el.scroll_height() - el.scroll_top() - el.client_height() <= BOTTOM_SLACK;
        at_bottom.set(bottom);
        if bottom {
            unseen.set(0);
        }
        if el.scroll_top() < TOP_SLACK && state.paging.loaded_untracked() {
            load_older();
        }
    };
    let visitor_name = move || {
        open.detail.with(|d| {
            d.as_ref()
                .map(|d| {
                    d.visitor
                        .name
                        .clone()
                        .unwrap_or_else(|| "The visitor".into())
                })
                .unwrap_or_default()
        })
    };

    view! {
        <div class="thread-wrap">
            <div
                class="thread"
                node_ref=log
                role="log"
                aria-live="polite"
                aria-label="Messages"
                data-testid="thread"
                on:scroll=on_scroll
            >
                {move || state.paging.loading().then(|| view! {
                    <p class="thread-note" role="status">
                        {if state.paging.loaded() { "Loading earlier messages…" } else { "Loading messages…" }}
                    </p>
                })}
                <For each=move || state.messages.get() key=|m| m.id.to_string() let:message>
                    <Bubble message />
                </For>
                <For each=move || state.pending.get() key=|p| (p.client_id.clone(), p.failed.is_some()) let:pending>
                    <PendingBubble pending />
                </For>
                {move || visitor_typing.get().map(|_| view! {
                    <p class="typing" data-testid="visitor-typing">{visitor_name()} " is typing…"</p>
                })}
            </div>
            {move || (unseen.get() > 0).then(|| view! {
                <button type="button" class="new-messages" data-testid="new-messages" on:click=move |_| scroll_to_bottom()>
                    "↓ New messages"
                </button>
            })}
        </div>
    }
}

#[component]
fn Bubble(message: MessageView) -> impl IntoView {
    if message.sender == Sender::System || message.kind == MessageKind::Event {
        return view! {
            <p class="system-line" data-testid="system-line">
                {message.body.unwrap_or_default()}
                <time title=time::exact(message.created_at)>{time::clock(message.created_at)}</time>
            </p>
        }
        .into_any();
    }
    let side = match message.sender {
        Sender::Customer => "from-customer",
        Sender::Ai => "from-ai",
        _ => "from-agent",
    };
    view! {
        <div class=format!("bubble-row {side}") data-testid="message" data-sender=message.sender.as_str() data-kind=message.kind.as_str()>
            <div class="bubble">
                <Content message=message.clone() />
            </div>
            <p class="bubble-meta">
                <span class="sender">{message.sender_name.clone()}</span>
                " · "
                <time title=time::exact(message.created_at)>{time::clock(message.created_at)}</time>
                {message.delivery.clone().map(|initial| view! { " " <DeliveryTicks message_id=message.id.to_string() initial /> })}
            </p>
        </div>
    }
    .into_any()
}

/// The message's body, attachment and structured content.
#[component]
fn Content(message: MessageView) -> impl IntoView {
    let attachment = message.attachment.clone().map(|file| match file.kind {
        AttachmentKind::Image => view! { <ImageThumb url=file.url alt=file.filename /> }.into_any(),
        AttachmentKind::Voice => {
            view! { <VoicePlayer url=file.url duration_ms=file.duration_ms /> }.into_any()
        }
        AttachmentKind::File => view! {
            <a class="file-link" href=file.url download=file.filename.clone() target="_blank" rel="noopener" data-testid="file">
                <span class="file-icon" aria-hidden="true">"📄"</span>
                <span class="file-name">{file.filename.clone()}</span>
                <span class="file-size">{size(file.size_bytes)}</span>
            </a>
        }
        .into_any(),
    });
    let slots = (message.kind == MessageKind::BookingSlots)
        .then(|| booking_slots(message.payload.as_ref()))
        .filter(|slots| !slots.is_empty())
        .map(|slots| view! {
            <div class="slots-card" data-testid="booking-slots">
                <p class="slots-title">"Available times"</p>
                <div class="slots-grid">
                    {slots.into_iter().map(|s| view! { <span class="slot">{s}</span> }).collect_view()}
                </div>
            </div>
        });
    // The visitor's pick of an offered time (its payload names the card).
    let booked = message
        .payload
        .as_ref()
        .is_some_and(|p| p.get("slots_message_id").is_some())
        .then(|| view! { <span class="booked-mark" data-testid="booked-mark">"✓ Booked"</span> });
    view! {
        {attachment}
        {message.body.map(|body| view! { <p class="bubble-text">{body}</p> })}
        {slots}
        {booked}
    }
}

/// The times of a booking-slots message: `payload.slots` as ISO times or `{starts_at}`.
fn booking_slots(payload: Option<&serde_json::Value>) -> Vec<String> {
    let Some(slots) = payload
        .and_then(|p| p.get("slots"))
        .and_then(|s| s.as_array())
    else {
        return Vec::new();
    };
    slots
        .iter()
        .filter_map(|slot| slot.as_str().or_else(|| slot.get("starts_at")?.as_str()))
        .filter_map(|at| chrono::DateTime::parse_from_rfc3339(at).ok())
        .map(|at| time::exact(at.with_timezone(&chrono::Utc)))
        .collect()
}

fn size(bytes: i64) -> String {
    match bytes {
        ..1_024 => format!("{bytes} B"),
        1_024..1_048_576 => format!("{:.0} KB", bytes as f64 / 1_024.0),
        _ => format!("{:.1} MB", bytes as f64 / 1_048_576.0),
    }
}

/// A thumbnail that opens the full-size viewer; Esc or a click closes it.
#[component]
fn ImageThumb(url: String, alt: String) -> impl IntoView {
    let viewing = RwSignal::new(false);
    let full = url.clone();
    view! {
        <button type="button" class="image-thumb" data-testid="image" aria-label=format!("Open {alt}") on:click=move |_| viewing.set(true)>
            <img src=url alt=alt.clone() loading="lazy" />
        </button>
        {move || viewing.get().then(|| {
            let full = full.clone();
            view! {
                <div
                    class="image-viewer"
                    role="dialog"
                    aria-modal="true"
                    aria-label="Image"
                    tabindex="-1"
                    data-testid="image-viewer"
                    on:click=move |_| viewing.set(false)
                    on:keydown=move |e: leptos::ev::KeyboardEvent| {
                        if e.key() == "Escape" {
                            e.prevent_default();
                            viewing.set(false);
                        }
                    }
                    autofocus
                >
                    <img src=full alt="" />
                </div>
            }
        })}
    }
}

#[component]
fn PendingBubble(pending: Pending) -> impl IntoView {
    let open = expect_context::<OpenConversation>();
    let state = expect_context::<ThreadState>();
    let (client_id, outgoing) = (pending.client_id.clone(), pending.outgoing.clone());
    let failed = pending.failed.is_some();
    let shown = match &pending.outgoing {
        Outgoing::Text(body) => body.clone(),
        Outgoing::File(file) => format!("📎 {}", file.filename),
    };
    view! {
        <div class="bubble-row from-agent pending" class:failed=failed data-testid="pending-message">
            <div class="bubble"><p class="bubble-text">{shown}</p></div>
            <p class="bubble-meta">
                {match pending.failed {
                    None => view! { <span>"Sending…"</span> }.into_any(),
                    Some(reason) => view! {
                        <span class="send-failed" title=reason>"Not sent · "</span>
                        <button type="button" class="link-button" data-testid="retry" on:click=move |_| deliver(open, state, client_id.clone(), outgoing.clone())>
                            "Retry"
                        </button>
                    }.into_any(),
                }}
            </p>
        </div>
    }
}
