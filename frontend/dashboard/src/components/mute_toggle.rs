//! The bell in the top bar: whether the needs-agent alert plays its tone. Remembered on this
//! browser; the toasts show either way.

use leptos::prelude::*;

use super::icons::Icon;
use crate::live::alerts::use_mute;

const BELL: &str = "M6 16V11a6 6 0 0 1 12 0v5l1.5 2h-15z M10 20.5a2 2 0 0 0 4 0";
const BELL_OFF: &str = "M6 16V11a6 6 0 0 1 9.5-4.9 M18 11v5l1.5 2h-15 M10 20.5a2 2 0 0 0 4 0 \
    M4 4l16 16";

#[component]
pub fn MuteToggle() -> impl IntoView {
    let mute = use_mute();
    let muted = move || mute.0.get();
    let label = move || {
        if muted() {
            "Alert sound off: turn it on"
        } else {
            "Alert sound on: mute it"
        }
    };
    view! {
        <button
            type="button"
            class="icon-button"
            data-testid="mute-toggle"
            aria-label=label
            aria-pressed=move || muted().to_string()
            title=label
            on:click=move |_| mute.toggle()
        >
            {move || if muted() { view! { <Icon d=BELL_OFF /> } } else { view! { <Icon d=BELL /> } }}
        </button>
    }
}
