//! The conversation list (the longest wait first on Needs agent, the newest activity first
//! elsewhere): keyset pages loaded as the agent scrolls, only the rows in view
//! drawn (so 100,000 conversations scroll like 50), rows updated in place from events without
//! moving under the pointer, and new conversations at the top, or behind a "3 new
//! conversations" pill when the agent has scrolled away from it.
//!
//! Keyboard: the list is one tab stop; ↑/↓ or j/k and Home/End move, Enter opens, Esc closes
//! the panel.

use std::collections::HashMap;
use std::time::Duration;

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use switchboard_types::conversations::{ConversationRow, Tab};

use super::paging::Paging;
use super::row::{Row, ROW_HEIGHT};
use super::View;
use crate::api::{self, ApiError};
use crate::components::live_updates::use_live_updates;
use crate::components::shell::use_member;
use crate::components::time;
use crate::live::conversation_events::row_of;

/// Rows drawn beyond the visible ones, above and below, so fast scrolling shows no gaps.
const OVERSCAN: usize = 8;
/// The next page is fetched when the last loaded row is this close to the view.
const PREFETCH_ROWS: usize = 30;

/// One loaded conversation: its id, and its row as a signal so an event redraws only it.
#[derive(Clone)]
struct Entry {
    id: String,
    row: RwSignal<ConversationRow>,
}

/// The loaded rows and how to get more.
#[derive(Clone, Copy)]
struct Rows {
    entries: RwSignal<Vec<Entry>>,
    by_id: StoredValue<HashMap<String, RwSignal<ConversationRow>>>,
    /// Until the first page arrives a skeleton shows.
    paging: Paging,
    error: RwSignal<Option<ApiError>>,
    /// Conversations that arrived while the agent was scrolled away: the pill.
    arrived: RwSignal<Vec<ConversationRow>>,
    /// Bumped on every reset, so the answer of a request for an older view is dropped.
    generation: StoredValue<u64>,
    /// The list's owner. Rows' signals are created under it, not under whatever runs when a
    /// row arrives (the pill's click handler, whose owner is disposed as the pill goes away).
    owner: StoredValue<Option<Owner>>,
}

impl Rows {
    fn new() -> Self {
        Rows {
            entries: RwSignal::new(Vec::new()),
            by_id: StoredValue::new(HashMap::new()),
            paging: Paging::new(),
            error: RwSignal::new(None),
            arrived: RwSignal::new(Vec::new()),
            generation: StoredValue::new(0),
            owner: StoredValue::new(Owner::current()),
        }
    }

    fn entry(&self, row: ConversationRow) -> Entry {
        let id = row.id.to_string();
        let signal = match self.owner.get_value() {
            Some(owner) => owner.with(|| RwSignal::new(row)),
            None => RwSignal::new(row),
        };
        self.by_id
            .update_value(|map| _ = map.insert(id.clone(), signal));
        Entry { id, row: signal }
    }

    /// Starts over for a view (first load, tab or channel change, resync).
    fn reset(self, view: View) {
        self.generation.update_value(|g| *g += 1);
        self.entries.set(Vec::new());
        self.by_id.set_value(HashMap::new());
        self.paging.reset();
        self.arrived.set(Vec::new());
        self.error.set(None);
        self.load_more(view);
    }

    /// Fetches the next page, unless one is on its way or there is none.
    fn load_more(self, view: View) {
        let Some(cursor) = self.paging.start() else {
            return;
        };
        let generation = self.generation.get_value();
        spawn_local(async move {
            let page =
                api::conversations::list(view.tab, view.channel, view.assignee, cursor).await;
            // A newer view started meanwhile, or the page was left.
            if self.generation.try_get_value() != Some(generation) {
                return;
            }
            match page {
                Ok(page) => {
                    let fresh: Vec<Entry> = page
                        .items
                        .into_iter()
                        .filter(|row| self.by_id.with_value(|m| !m.contains_key(row.id.as_str())))
                        .map(|row| self.entry(row))
                        .collect();
                    self.entries.update(|entries| entries.extend(fresh));
                    self.paging.arrived(page.next_cursor);
                    self.error.set(None);
                }
                Err(error) => {
                    self.paging.failed();
                    self.error.set(Some(error));
                }
            }
        });
    }

    /// Puts conversations at the top (the pill's, or one that just arrived in view).
    fn prepend(self, rows: Vec<ConversationRow>) {
        let fresh: Vec<Entry> = rows
            .into_iter()
            .filter(|row| self.by_id.with_value(|m| !m.contains_key(row.id.as_str())))
            .map(|row| self.entry(row))
            .collect();
        self.entries.update(|entries| {
            entries.splice(0..0, fresh);
        });
    }

    /// An event's row: redrawn in place if loaded; otherwise, if the view lists it, a new
    /// arrival.
    fn apply(self, row: &ConversationRow, view: View, me: &str, at_top: bool) {
        if let Some(signal) = self.by_id.with_value(|m| m.get(row.id.as_str()).copied()) {
            signal.set(row.clone());
            return;
        }
        if !view.lists(row, me) || !self.paging.loaded_untracked() {
            return;
        }
        if view.tab == Tab::NeedsAgent {
            // The longest wait first: a visitor who just started waiting goes last, once the
            // last page is loaded (until then, scrolling reaches them).
            if !self.paging.has_more_untracked() {
                let entry = self.entry(row.clone());
                self.entries.update(|entries| entries.push(entry));
            }
            return;
        }
        if at_top {
            self.prepend(vec![row.clone()]);
        } else {
            self.arrived.update(|arrived| {
                arrived.retain(|r| r.id != row.id);
                arrived.insert(0, row.clone());
            });
        }
    }
}

#[component]
pub fn ConversationList(view: Memo<View>, open: Memo<Option<String>>) -> impl IntoView {
    let rows = Rows::new();
    let scroller = NodeRef::<html::Div>::new();
    let scroll_top = RwSignal::new(0.0_f64);
    let viewport = RwSignal::new(720.0_f64);
    let active = RwSignal::new(None::<String>);
    let clock = time::ticking_now(Duration::from_secs(30));

    Effect::new(move || rows.reset(view.get()));
    let me = use_member().0.with_untracked(|m| m.user.id.0.clone());
    let live = use_live_updates();
    live.on_event(move |event| {
        if let Some(row) = row_of(&event.payload) {
            let at_top = scroll_top.get_untracked() < ROW_HEIGHT / 2.0;
            rows.apply(row, view.get_untracked(), &me, at_top);
        }
    });
    live.on_resync(move || rows.reset(view.get_untracked()));

    // The window of rows to draw.
    let window = Memo::new(move |_| {
        let len = rows.entries.with(Vec::len);
        let first = (scroll_top.get() / ROW_HEIGHT) as usize;
        let shown = (viewport.get() / ROW_HEIGHT).ceil() as usize + 1;
        let start = first.saturating_sub(OVERSCAN).min(len);
        let end = (first + shown + OVERSCAN).min(len);
        (start, end)
    });
    // Fetch the next page before the agent reaches the end.
    Effect::new(move || {
        let (_, end) = window.get();
        let len = rows.entries.with(Vec::len);
        if rows.paging.loaded() && end + PREFETCH_ROWS >= len && rows.paging.has_more() {
            rows.load_more(view.get_untracked());
        }
    });
    let measure = move || {
        if let Some(el) = scroller.get_untracked() {
            viewport.set(f64::from(el.client_height()));
        }
    };
    Effect::new(move || {
        if scroller.get().is_some() {
            measure();
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());

    let scroll_to_row = move |index: usize| {
        let Some(el) = scroller.get_untracked() else {
            return;
        };
        let top = index as f64 * ROW_HEIGHT;
        let height = f64::from(el.client_height());
        let current = f64::from(el.scroll_top());
        if top < current {
            el.set_scroll_top(top as i32);
        } else if top + ROW_HEIGHT > current + height {
            el.set_scroll_top((top + ROW_HEIGHT - height) as i32);
        }
    };
    let navigate = use_navigate();
    let open_row = {
        let navigate = navigate.clone();
        move |id: &str| navigate(&view.get_untracked().href(Some(id)), Default::default())
    };
    let on_keydown = {
        let open_row = open_row.clone();
        move |event: leptos::ev::KeyboardEvent| {
            let len = rows.entries.with_untracked(Vec::len);
            if len == 0 {
                return;
            }
            let position = active.with_untracked(|id| {
                id.as_ref().and_then(|id| {
                    rows.entries
                        .with_untracked(|e| e.iter().position(|x| &x.id == id))
                })
            });
            let target = match event.key().as_str() {
                "ArrowDown" | "j" => position.map_or(0, |p| (p + 1).min(len - 1)),
                "ArrowUp" | "k" => position.map_or(0, |p| p.saturating_sub(1)),
                "Home" => 0,
                "End" => len - 1,
                "Enter" => {
                    if let Some(id) = active.get_untracked() {
                        event.prevent_default();
                        open_row(&id);
                    }
                    return;
                }
                "Escape" => {
                    if open.get_untracked().is_some() {
                        navigate(&view.get_untracked().href(None), Default::default());
                    }
                    return;
                }
                _ => return,
            };
            event.prevent_default();
            active.set(rows.entries.with_untracked(|e| Some(e[target].id.clone())));
            scroll_to_row(target);
        }
    };
    let show_arrived = move |_| {
        let arrived = rows.arrived.try_update(std::mem::take).unwrap_or_default();
        rows.prepend(arrived);
        if let Some(el) = scroller.get_untracked() {
            el.set_scroll_top(0);
        }
    };
    let active_descendant = move || active.get().map(|id| format!("conversation-{id}"));
    let total_height = move || format!("{}px", rows.entries.with(Vec::len) as f64 * ROW_HEIGHT);
    let offset = move || format!("translateY({}px)", window.get().0 as f64 * ROW_HEIGHT);
    let drawn = move || {
        let (start, end) = window.get();
        rows.entries.with(|e| e[start..end].to_vec())
    };

    view! {
        <div class="conversation-list">
            <div class="conversation-columns" aria-hidden="true">
                <span class="cell cell-visitor">"Visitor"</span>
                <span class="cell cell-count">"Messages"</span>
                <span class="cell cell-status">"Status"</span>
                <span class="cell cell-rating">"Rating"</span>
                <span class="cell cell-agent">"Agent"</span>
                <span class="cell cell-booked">"Booked"</span>
                <span class="cell cell-duration">"Duration"</span>
                <span class="cell cell-started">"Started"</span>
            </div>
            {move || {
                let count = rows.arrived.with(Vec::len);
                (count > 0)
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="new-pill"
                                data-testid="new-pill"
                                on:click=show_arrived
                            >
                                "↑ "
                                {count}
                                {if count == 1 { " new conversation" } else { " new conversations" }}
                            </button>
                        }
                    })
            }}
            <div
                class="conversation-scroll"
                node_ref=scroller
                tabindex="0"
                role="listbox"
                aria-label="Conversations"
                aria-activedescendant=active_descendant
                data-testid="conversation-list"
                on:scroll=move |_| {
                    if let Some(el) = scroller.get_untracked() {
                        scroll_top.set(f64::from(el.scroll_top()));
                    }
                }
                on:keydown=on_keydown
            >
                <div class="conversation-rows" style:height=total_height>
                    <div class="conversation-window" style:transform=offset>
                        <For each=drawn key=|entry| entry.id.clone() let:entry>
                            {
                                let id = entry.id.clone();
                                let href = Signal::derive({
                                    let id = id.clone();
                                    move || view.get().href(Some(&id))
                                });
                                let is_active = Signal::derive({
                                    let id = id.clone();
                                    move || active.with(|a| a.as_deref() == Some(id.as_str()))
                                });
                                let is_open = Signal::derive(move || {
                                    open.with(|o| o.as_deref() == Some(id.as_str()))
                                });
                                view! {
                                    <Row row=entry.row href active=is_active selected=is_open clock />
                                }
                            }
                        </For>
                    </div>
                </div>
                <ListState rows view />
            </div>
        </div>
    }
}

/// Below the rows: the skeleton of the first load, the empty state, an error with a retry.
#[component]
fn ListState(rows: Rows, view: Memo<View>) -> impl IntoView {
    move || {
        if let Some(error) = rows.error.get() {
            let retry = move |_| rows.load_more(view.get_untracked());
            return view! {
                <div class="list-message" role="alert">
                    <p>{error.message()}</p>
                    <button type="button" class="button" on:click=retry>
                        "Try again"
                    </button>
                </div>
            }
            .into_any();
        }
        if !rows.paging.loaded() {
            return view! {
                <div class="list-skeleton" aria-busy="true" aria-label="Loading conversations">
                    {(0..8).map(|_| view! { <div class="skeleton skeleton-row"></div> }).collect_view()}
                </div>
            }
            .into_any();
        }
        if rows.entries.with(Vec::is_empty) {
            return view! {
                <div class="list-message" data-testid="list-empty">
                    <p class="list-message-title">{empty_title(view.get())}</p>
                    <p>
                        "New chats from your website widget and WhatsApp appear here as they start."
                    </p>
                </div>
            }
            .into_any();
        }
        ().into_any()
    }
}

fn empty_title(view: View) -> &'static str {
    match view.tab {
        Tab::All => "No conversations yet",
        Tab::Open => "No open conversations",
        Tab::NeedsAgent => "Nobody is waiting for an agent",
        Tab::Resolved => "No resolved conversations yet",
        Tab::Booked => "No meetings booked yet",
    }
}
