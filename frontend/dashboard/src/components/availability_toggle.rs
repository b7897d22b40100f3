//! Online/Away: whether visitors see this member as available. The switch flips at once and
//! goes back (with a notice) if the server refuses or cannot be reached. A change made in
//! another tab or device arrives as an `agent.availability` event and shows here too.

use leptos::prelude::*;
use leptos::task::spawn_local;
use switchboard_types::auth::Availability;
use switchboard_types::events::EventPayload;

use super::live_updates::use_live_updates;
use super::shell::{use_member, SignedInMember};
use super::toast::use_toasts;
use crate::api::{self, ApiError};

fn opposite(availability: Availability) -> Availability {
    match availability {
        Availability::Online => Availability::Away,
        Availability::Away => Availability::Online,
    }
}

fn show(member: SignedInMember, availability: Availability) {
    member.0.update(|me| me.user.availability = availability);
}

/// Keeps the switch in step with changes made elsewhere: the member's own `agent.availability`
/// events, and a fresh copy of the member after a resync.
fn follow_other_tabs(member: SignedInMember) {
    let live = use_live_updates();
    live.on_event(move |event| {
        let EventPayload::AgentAvailability(change) = &event.payload else {
            return;
        };
        if member.0.with_untracked(|me| me.user.id == change.user_id) {
            show(member, change.availability);
        }
    });
    live.on_resync(move || {
        spawn_local(async move {
            // A failure changes nothing visible: the switch keeps its last known state.
            if let Ok(me) = api::me::fetch_me().await {
                member.0.set(me);
            }
        });
    });
}

#[component]
pub fn AvailabilityToggle() -> impl IntoView {
    let member = use_member();
    let toasts = use_toasts();
    let saving = RwSignal::new(false);
    follow_other_tabs(member);
    let online = move || {
        member
            .0
            .with(|me| me.user.availability == Availability::Online)
    };

    let toggle = move |_| {
        if saving.get_untracked() {
            return;
        }
        let before = member.0.with_untracked(|me| me.user.availability);
        let wanted = opposite(before);
        show(member, wanted);
        saving.set(true);
        spawn_local(async move {
            match api::me::set_availability(wanted).await {
                Ok(me) => member.0.set(me),
                // Already on the way to the sign-in screen.
                Err(ApiError::SignedOut) => {}
                Err(error) => {
                    show(member, before);
                    toasts.error(format!(
                        "Could not change your availability. {}",
                        error.message()
                    ));
                }
            }
            saving.set(false);
        });
    };

    view! {
        <button
            type="button"
            role="switch"
            class="availability"
            class:online=online
            data-testid="availability-toggle"
            aria-checked=move || online().to_string()
            // Disabled while saving, so a second click cannot race the first request.
            disabled=move || saving.get()
            aria-busy=move || saving.get().then_some("true")
            title=move || {
                if online() {
                    "Visitors see you as available. Click to go away."
                } else {
                    "Visitors see you as away. Click to go online."
                }
            }
            on:click=toggle
        >
            <span class="availability-dot" aria-hidden="true"></span>
            {move || if online() { "Online" } else { "Away" }}
        </button>
    }
}
