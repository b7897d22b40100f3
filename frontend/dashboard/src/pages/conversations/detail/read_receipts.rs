//! "Seen by the team": while the thread is on screen (the browser tab visible, the thread
//! scrolled to its newest message), the newest visitor message is reported once, and the
//! visitor's widget ticks their messages up to it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use switchboard_types::messages::Sender;
use switchboard_types::MessageId;

use super::thread::ThreadState;
use super::OpenConversation;
use crate::api;

/// Reports what the agent has in view; `at_bottom` says the newest message is on screen.
pub fn report_seen(open: OpenConversation, state: ThreadState, at_bottom: RwSignal<bool>) {
    let tab_visible = RwSignal::new(!document().hidden());
    let handle = window_event_listener(leptos::ev::visibilitychange, move |_| {
        tab_visible.set(!document().hidden());
    });
    on_cleanup(move || handle.remove());
    let reported = StoredValue::new(None::<MessageId>);
    Effect::new(move || {
        if !tab_visible.get() || !at_bottom.get() {
            return;
        }
        let newest = state.messages.with(|messages| {
            messages
                .iter()
                .rev()
                .find(|m| m.sender == Sender::Customer)
                .map(|m| m.id.clone())
        });
        let Some(newest) = newest else { return };
        if reported.get_value().as_ref() == Some(&newest) {
            return;
        }
        reported.set_value(Some(newest.clone()));
        spawn_local(async move {
            let Some(id) = open.id.try_get_value() else {
                return;
            };
            // A failed report is not worth interrupting the agent for: the next message or
            // the next visit reports again.
            let _ = api::conversations::seen(&id, &newest).await;
        });
    });
}
