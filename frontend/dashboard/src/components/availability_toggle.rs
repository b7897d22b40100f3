//! Online/Away: whether visitors see this member as available. The switch flips at once and
//! goes back (with a notice) if the server refuses or cannot be reached.

use leptos::prelude::*;
use leptos::task::spawn_local;
use switchboard_types::auth::Availability;

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

#[component]
pub fn AvailabilityToggle() -> impl IntoView {
    let member = use_member();
    let toasts = use_toasts();
    let saving = RwSignal::new(false);
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
