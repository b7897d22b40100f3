//! Conversations per tab, for every channel (the sidebar badge and the tab title) and for the
//! channel the Conversations page filters on (its tabs). Fetched from the counts endpoint and
//! fetched again shortly after any event that can change them: a burst of events costs one
//! request, and the figures are always the server's, never a drifting tally.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use switchboard_types::conversations::{Channel, TabCounts};

use super::conversation_events::changes_counts;
use super::settle::Settle;
use crate::api;
use crate::components::live_updates::use_live_updates;

/// How long after an event the counts are fetched: events come in bursts (a join is an
/// update and a system message), and one request answers them all.
const SETTLE: Duration = Duration::from_millis(250);

/// The live counts, shared through context.
#[derive(Clone, Copy)]
pub struct LiveCounts {
    /// Every channel: the badge on Conversations and the waiting count in the tab title.
    pub all_channels: RwSignal<Option<TabCounts>>,
    /// The channel the Conversations page shows (`None`: all channels).
    pub channel: RwSignal<Option<Channel>>,
    /// The counts of that channel, for the tabs.
    pub for_channel: RwSignal<Option<TabCounts>>,
    settle: Settle,
}

impl LiveCounts {
    /// Fetches the counts after the next quiet moment, once however often it is asked.
    pub fn refresh_soon(self) {
        self.settle.soon(move || self.refresh());
    }

    fn refresh(self) {
        spawn_local(async move {
            let Some(channel) = self.channel.try_get_untracked() else {
                return;
            };
            // A failed fetch keeps the last figures; the next event or resync fetches again.
            if let Ok(counts) = api::conversations::counts(None).await {
                if channel.is_none() {
                    self.for_channel.set(Some(counts.clone()));
                }
                self.all_channels.set(Some(counts));
            }
            if channel.is_some() {
                if let Ok(counts) = api::conversations::counts(channel).await {
                    // The filter may have changed while the request was out.
                    if self.channel.get_untracked() == channel {
                        self.for_channel.set(Some(counts));
                    }
                }
            }
        });
    }
}

/// Fetches the counts for the signed-in shell and keeps them live.
pub fn provide_live_counts() {
    let counts = LiveCounts {
        all_channels: RwSignal::new(None),
        channel: RwSignal::new(None),
        for_channel: RwSignal::new(None),
        settle: Settle::new(SETTLE),
    };
    counts.refresh();
    // Switching the page's channel shows that channel's counts at once.
    Effect::new(move |previous: Option<Option<Channel>>| {
        let channel = counts.channel.get();
        if previous.is_some_and(|p| p != channel) {
            counts.for_channel.set(None);
            counts.refresh();
        }
        channel
    });
    let live = use_live_updates();
    live.on_event(move |event| {
        if changes_counts(&event.payload) {
            counts.refresh_soon();
        }
    });
    live.on_resync(move || counts.refresh_soon());
    provide_context(counts);
}

/// The shell's live counts.
pub fn use_live_counts() -> LiveCounts {
    expect_context::<LiveCounts>()
}
