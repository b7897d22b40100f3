//! Live visitors: who is browsing the site now, the page they are on, how long they have been
//! there and whether they are chatting. Loaded once, then kept live from `visitor.online`
//! (a new visitor, or one moving to another page) and `visitor.offline` events; a resync loads
//! it again.

use leptos::prelude::*;
use leptos::task::spawn_local;
use switchboard_types::conversations::{ConversationRow, ConversationStatus};
use switchboard_types::events::EventPayload;
use switchboard_types::visitors::LiveVisitor;

use super::View;
use crate::api;
use crate::components::live_updates::use_live_updates;
use crate::components::time;
use crate::live::conversation_events::row_of;

/// Puts `visitor` first, replacing their older entry: the list is newest first.
fn upsert(list: &mut Vec<LiveVisitor>, visitor: LiveVisitor) {
    list.retain(|v| v.visitor_id != visitor.visitor_id);
    list.insert(0, visitor);
}

/// Marks the conversation's visitor, if live, as chatting in it while it is unresolved.
fn follow_conversation(list: &mut [LiveVisitor], row: &ConversationRow) {
    if let Some(visitor) = list.iter_mut().find(|v| v.visitor_id == row.visitor_id) {
        visitor.chatting = row.status != ConversationStatus::Resolved;
        visitor.conversation_id = Some(row.id.clone());
    }
}

#[component]
pub fn LiveVisitors(view: Memo<View>) -> impl IntoView {
    let visitors = RwSignal::new(Vec::<LiveVisitor>::new());
    let open = RwSignal::new(false);
    let load = move || {
        spawn_local(async move {
            if let Ok(list) = api::visitors::live().await {
                _ = visitors.try_set(list);
            }
        })
    };
    load();
    let live = use_live_updates();
    live.on_event(move |event| match &event.payload {
        EventPayload::VisitorOnline(visitor) => visitors.update(|l| upsert(l, visitor.clone())),
        EventPayload::VisitorOffline(gone) => {
            visitors.update(|l| l.retain(|v| v.visitor_id != gone.visitor_id))
        }
        // A conversation starting or ending turns its visitor to chatting or browsing.
        payload => {
            if let Some(row) = row_of(payload) {
                visitors.update(|l| follow_conversation(l, row));
            }
        }
    });
    live.on_resync(load);
    let clock = time::ticking_now(std::time::Duration::from_secs(15));
    // A click anywhere outside the panel closes it, as menus do.
    let wrapper = NodeRef::<leptos::html::Div>::new();
    let outside = window_event_listener(leptos::ev::click, move |event| {
        let inside = wrapper.get_untracked().is_some_and(|w| {
            let target = event
                .target()
                .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Node>(t).ok());
            w.contains(target.as_ref())
        });
        if !inside && open.get_untracked() {
            open.set(false);
        }
    });
    on_cleanup(move || outside.remove());
    let count = move || visitors.with(Vec::len);
    view! {
        <div
            class="live-visitors"
            node_ref=wrapper
            on:keydown=move |event: leptos::ev::KeyboardEvent| {
                if event.key() == "Escape" && open.get_untracked() {
                    // Closes the panel only, not an open conversation.
                    event.prevent_default();
                    event.stop_propagation();
                    open.set(false);
                }
            }
        >
            <button
                type="button"
                class="button live-visitors-button"
                aria-expanded=move || open.get().to_string()
                data-testid="live-visitors-button"
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <span class="live-status-dot" class:idle=move || count() == 0 aria-hidden="true"></span>
                <span data-testid="live-visitor-count">{count}</span>
                {move || if count() == 1 { " live visitor" } else { " live visitors" }}
            </button>
            {move || open.get().then(|| view! {
                <section class="live-visitors-panel" aria-label="Live visitors" data-testid="live-visitors">
                    {move || {
                        if visitors.with(Vec::is_empty) {
                            return view! {
                                <p class="live-visitors-empty">
                                    "Nobody is on your site right now. Visitors show here as soon as a page with your widget opens."
                                </p>
                            }
                            .into_any();
                        }
                        visitors
                            .get()
                            .into_iter()
                            .map(|visitor| view! { <VisitorLine visitor clock view /> })
                            .collect_view()
                            .into_any()
                    }}
                </section>
            })}
        </div>
    }
}

#[component]
fn VisitorLine(
    visitor: LiveVisitor,
    clock: ReadSignal<chrono::DateTime<chrono::Utc>>,
    view: Memo<View>,
) -> impl IntoView {
    let since = visitor.online_since;
    let on_site = move || time::duration((clock.get() - since).num_seconds());
    let page = visitor
        .page_title
        .clone()
        .filter(|t| !t.is_empty())
        .or_else(|| visitor.page_url.clone())
        .unwrap_or_else(|| "Unknown page".into());
    let chat = visitor.conversation_id.clone().filter(|_| visitor.chatting);
    view! {
        <div class="live-visitor" data-testid="live-visitor" data-visitor=visitor.visitor_id.to_string()>
            <div class="live-visitor-who">
                <strong>{visitor.display_id.clone()}</strong>
                <span class="live-visitor-time">{on_site}</span>
            </div>
            <p class="live-visitor-page" title=visitor.page_url.clone().unwrap_or_default()>{page}</p>
            {match chat {
                Some(id) => view! {
                    <a class="chip chip-chatting" href=move || view.get().href(Some(id.as_str()))>"Chatting"</a>
                }
                .into_any(),
                None => view! { <span class="chip chip-browsing">"Browsing"</span> }.into_any(),
            }}
        </div>
    }
}
