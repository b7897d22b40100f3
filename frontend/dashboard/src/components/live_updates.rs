//! Live updates: the page's one event socket, shared with every screen through context, and
//! the small indicator in the top bar that says whether updates are arriving.
//!
//! A screen keeps what it shows current with two calls, both undone when the screen goes away:
//!
//! ```ignore
//! let live = use_live_updates();
//! live.on_event(move |event| {
//!     if let EventPayload::MessageCreated(created) = &event.payload {
//!         // add created.message to the thread, move created.conversation up the list
//!     }
//! });
//! live.on_resync(move || rows.refetch());
//! ```
//!
//! Events come in order and each once, including those replayed after a reconnect, so a screen
//! never has to refetch because the connection dropped. It refetches only in `on_resync`,
//! when events were missed for good (the socket fell too far behind). Listeners run outside
//! the component tree: read context in the component body and move it in.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use switchboard_types::events::Event;

use crate::api::events::{ConnectionState, EventSocket, Update};

type EventListener = Rc<dyn Fn(&Event)>;
type ResyncListener = Rc<dyn Fn()>;

/// Who listens, each under an id so a screen can stop listening when it goes away.
#[derive(Default)]
struct Listeners {
    next_id: u64,
    events: Vec<(u64, EventListener)>,
    resyncs: Vec<(u64, ResyncListener)>,
}

impl Listeners {
    fn remove(&mut self, id: u64) {
        self.events.retain(|(each, _)| *each != id);
        self.resyncs.retain(|(each, _)| *each != id);
    }
}

/// The signed-in page's live updates, shared through context.
#[derive(Clone, Copy)]
pub struct LiveUpdates {
    state: ReadSignal<ConnectionState>,
    listeners: StoredValue<Rc<RefCell<Listeners>>, LocalStorage>,
}

impl LiveUpdates {
    /// Whether events are arriving (reactive).
    pub fn state(&self) -> ConnectionState {
        self.state.get()
    }

    /// Calls `listener` with every event from now on, in order, until the calling component
    /// goes away.
    pub fn on_event(&self, listener: impl Fn(&Event) + 'static) {
        let listener: EventListener = Rc::new(listener);
        self.listen(|listeners, id| listeners.events.push((id, listener)));
    }

    /// Calls `refetch` when events were missed and cannot be replayed, until the calling
    /// component goes away. It runs once the socket is connected again, so events after the
    /// refetch still arrive through [`LiveUpdates::on_event`].
    pub fn on_resync(&self, refetch: impl Fn() + 'static) {
        let refetch: ResyncListener = Rc::new(refetch);
        self.listen(|listeners, id| listeners.resyncs.push((id, refetch)));
    }

    fn listen(&self, add: impl FnOnce(&mut Listeners, u64)) {
        let Some(id) = self.listeners.try_with_value(|listeners| {
            let mut listeners = listeners.borrow_mut();
            let id = listeners.next_id;
            listeners.next_id += 1;
            add(&mut listeners, id);
            id
        }) else {
            return;
        };
        let listeners = self.listeners;
        on_cleanup(move || {
            listeners.try_with_value(|listeners| listeners.borrow_mut().remove(id));
        });
    }
}

/// Opens the event socket for the signed-in page and shares it; it closes when the caller (the
/// signed-in shell) goes away. The browser's network and tab visibility events let it
/// reconnect at once instead of waiting for its heartbeat to notice.
pub fn provide_live_updates() {
    let (state, set_state) = signal(ConnectionState::Connecting);
    let listeners = Rc::new(RefCell::new(Listeners::default()));
    let socket = EventSocket::open({
        let listeners = Rc::clone(&listeners);
        move |update| deliver(&listeners, set_state, update)
    });

    let handles = [
        window_event_listener(leptos::ev::online, {
            let socket = socket.clone();
            move |_| socket.network_back()
        }),
        window_event_listener(leptos::ev::offline, {
            let socket = socket.clone();
            move |_| socket.network_lost()
        }),
        // Fired at the document; it bubbles to the window.
        window_event_listener_untyped("visibilitychange", {
            let socket = socket.clone();
            move |_| {
                if document().hidden() {
                    socket.page_hidden();
                } else {
                    socket.page_shown();
                }
            }
        }),
    ];
    on_cleanup(move || {
        socket.stop();
        for handle in handles {
            handle.remove();
        }
    });

    provide_context(LiveUpdates {
        state,
        listeners: StoredValue::new_local(listeners),
    });
}

/// Hands one update to whoever listens. The listeners are copied out first, so a listener may
/// start or stop listening while it runs.
fn deliver(
    listeners: &RefCell<Listeners>,
    set_state: WriteSignal<ConnectionState>,
    update: Update,
) {
    match update {
        Update::State(state) => set_state.set(state),
        Update::Event(event) => {
            let current: Vec<EventListener> = listeners
                .borrow()
                .events
                .iter()
                .map(|(_, listener)| Rc::clone(listener))
                .collect();
            for listener in current {
                listener(&event);
            }
        }
        Update::Resync => {
            let current: Vec<ResyncListener> = listeners
                .borrow()
                .resyncs
                .iter()
                .map(|(_, listener)| Rc::clone(listener))
                .collect();
            for refetch in current {
                refetch();
            }
        }
    }
}

/// The signed-in page's live updates.
pub fn use_live_updates() -> LiveUpdates {
    expect_context::<LiveUpdates>()
}

/// What the indicator's tooltip says in each state.
fn describe(state: ConnectionState) -> &'static str {
    match state {
        ConnectionState::Live => {
            "Live: changes from your team and your visitors appear as they happen."
        }
        ConnectionState::Connecting => "Connecting to live updates…",
        ConnectionState::Reconnecting => {
            "The connection dropped. Reconnecting; nothing that happens meanwhile will be missed."
        }
        ConnectionState::Offline => {
            "You are offline. Live updates resume as soon as the network is back."
        }
    }
}

/// "Live" with a green dot while events arrive; "Reconnecting…" otherwise.
#[component]
pub fn LiveStatus() -> impl IntoView {
    let live = use_live_updates();
    let state = move || live.state();
    let is_live = move || state() == ConnectionState::Live;
    view! {
        <span
            class="live-status"
            class:live=is_live
            class:offline=move || state() == ConnectionState::Offline
            data-testid="live-status"
            role="status"
            title=move || describe(state())
        >
            <span class="live-status-dot" aria-hidden="true"></span>
            <span class="live-status-label">
                {move || if is_live() { "Live" } else { "Reconnecting…" }}
            </span>
        </span>
    }
}
