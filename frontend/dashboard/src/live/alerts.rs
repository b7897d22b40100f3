//! "A customer asks for a human": on every signed-in page, visible or not, a toast that opens
//! the conversation, a short tone (unless muted), and while the tab is hidden the waiting
//! count in the tab title and a dot on the favicon.

use leptos::prelude::*;
use switchboard_types::events::EventPayload;
use wasm_bindgen::JsCast;
use web_sys::{AudioContext, HtmlLinkElement, OscillatorType};

use super::counts::use_live_counts;
use crate::components::live_updates::use_live_updates;
use crate::components::toast::use_toasts;
use crate::title;

/// localStorage key of the mute switch.
const MUTE_KEY: &str = "sb.mute";

/// The favicon with an orange dot: someone is waiting.
const FAVICON_WAITING: &str = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' \
    viewBox='0 0 32 32'%3E%3Crect width='32' height='32' rx='9' fill='%236366f1'/%3E%3Cpath \
    d='M6.5 4a2.5 2.5 0 1 0 0 5a2.5 2.5 0 1 0 0-5z M17.5 15a2.5 2.5 0 1 0 0 5a2.5 2.5 0 1 0 \
    0-5z M9 6.5h4.5a4 4 0 0 1 4 4V15' fill='none' stroke='white' stroke-width='2.4' \
    stroke-linecap='round' transform='translate(4 4)'/%3E%3Ccircle cx='25' cy='7' r='6.5' \
    fill='%23f97316' stroke='white' stroke-width='2'/%3E%3C/svg%3E";

/// Whether alerts are silent, remembered on this browser.
#[derive(Clone, Copy)]
pub struct Mute(pub RwSignal<bool>);

fn stored_mute() -> bool {
    window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(MUTE_KEY).ok().flatten())
        .is_some_and(|v| v == "1")
}

impl Mute {
    /// Flips the switch and remembers it.
    pub fn toggle(self) {
        let muted = !self.0.get_untracked();
        self.0.set(muted);
        if let Some(storage) = window().local_storage().ok().flatten() {
            // Storage only fails when disabled; the choice then lasts until reload.
            let _ = storage.set_item(MUTE_KEY, if muted { "1" } else { "0" });
        }
    }
}

/// The mute switch of the top bar.
pub fn use_mute() -> Mute {
    expect_context::<Mute>()
}

/// Starts the alerts for the signed-in shell.
pub fn provide_alerts() {
    let mute = Mute(RwSignal::new(stored_mute()));
    provide_context(mute);
    let toasts = use_toasts();
    use_live_updates().on_event(move |event| {
        let EventPayload::ConversationNeedsAgent(row) = &event.payload else {
            return;
        };
        let toned = !mute.0.get_untracked() && play_tone();
        toasts.alert(
            format!("{} is waiting for an agent", row.visitor_label),
            format!("/conversations/{}?status=needs_agent", row.id),
            toned,
        );
    });
    show_waiting_while_hidden();
}

/// While the tab is hidden: "(3) …" in the title and a dot on the favicon.
fn show_waiting_while_hidden() {
    let counts = use_live_counts();
    let hidden = RwSignal::new(document().hidden());
    let handle = window_event_listener_untyped("visibilitychange", move |_| {
        hidden.set(document().hidden());
    });
    on_cleanup(move || {
        handle.remove();
        title::set_waiting(None);
    });
    let normal_icon = favicon().map(|link| link.href());
    Effect::new(move || {
        let waiting = counts
            .all_channels
            .with(|c| c.as_ref().map_or(0, |c| c.needs_agent));
        let show = hidden.get() && waiting > 0;
        title::set_waiting(show.then_some(waiting));
        if let (Some(link), Some(normal)) = (favicon(), normal_icon.as_deref()) {
            link.set_href(if show { FAVICON_WAITING } else { normal });
        }
    });
}

fn favicon() -> Option<HtmlLinkElement> {
    document()
        .query_selector("link[rel='icon']")
        .ok()
        .flatten()?
        .dyn_into()
        .ok()
}

thread_local! {
    static AUDIO: std::cell::OnceCell<Option<AudioContext>> = const { std::cell::OnceCell::new() };
}

/// Two short rising notes, synthesised (no audio file to download). Returns whether it played:
/// browsers refuse sound on a page the person has never interacted with.
fn play_tone() -> bool {
    AUDIO.with(|audio| {
        let Some(context) = audio.get_or_init(|| AudioContext::new().ok()) else {
            return false;
        };
        // A context created before any click starts suspended; resuming needs that click.
        let _ = context.resume();
        let start = context.current_time();
        [(660.0, 0.0), (880.0, 0.14)]
            .into_iter()
            .all(|(frequency, at)| note(context, frequency, start + at).is_some())
    })
}

fn note(context: &AudioContext, frequency: f32, at: f64) -> Option<()> {
    let oscillator = context.create_oscillator().ok()?;
    oscillator.set_type(OscillatorType::Sine);
    oscillator.frequency().set_value(frequency);
    let gain = context.create_gain().ok()?;
    // A quick fade in and out, so the note does not click.
    let level = gain.gain();
    level.set_value_at_time(0.0, at).ok()?;
    level.linear_ramp_to_value_at_time(0.18, at + 0.02).ok()?;
    level.linear_ramp_to_value_at_time(0.0, at + 0.13).ok()?;
    oscillator.connect_with_audio_node(&gain).ok()?;
    gain.connect_with_audio_node(&context.destination()).ok()?;
    oscillator.start_with_when(at).ok()?;
    oscillator.stop_with_when(at + 0.14).ok()
}
