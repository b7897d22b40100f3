//! The bar above every section: live updates, availability, theme, who is signed in, and
//! sign out.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use super::availability_toggle::AvailabilityToggle;
use super::icons::{Icon, SIGN_OUT};
use super::live_updates::LiveStatus;
use super::mute_toggle::MuteToggle;
use super::shell::{role_label, use_member};
use super::theme_toggle::ThemeToggle;
use crate::api;

/// Up to two initials for the avatar: "Ada Lovelace" -> "AL".
fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|word| word.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

#[component]
pub fn Topbar() -> impl IntoView {
    view! {
        <header class="topbar">
            <div class="topbar-actions">
                <LiveStatus />
                <AvailabilityToggle />
                <MuteToggle />
                <ThemeToggle />
                <span class="topbar-divider" aria-hidden="true"></span>
                <CurrentUser />
                <SignOutButton />
            </div>
        </header>
    }
}

#[component]
fn CurrentUser() -> impl IntoView {
    let member = use_member();
    let name = move || member.0.with(|me| me.user.name.clone());
    let role = move || role_label(member.role());
    view! {
        <div class="current-user">
            <span class="avatar" aria-hidden="true">
                {move || initials(&name())}
            </span>
            <span class="current-user-text">
                <span class="current-user-name" data-testid="current-user">
                    {name}
                </span>
                <span class="current-user-role" data-testid="current-role">
                    {role}
                </span>
            </span>
        </div>
    }
}

#[component]
fn SignOutButton() -> impl IntoView {
    let navigate = use_navigate();
    let leaving = RwSignal::new(false);
    let sign_out = move |_| {
        if leaving.get_untracked() {
            return;
        }
        leaving.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            api::auth::logout().await;
            navigate("/login", Default::default());
        });
    };
    view! {
        <button
            type="button"
            class="button button-ghost sign-out"
            data-testid="sign-out"
            disabled=move || leaving.get()
            on:click=sign_out
        >
            <Icon d=SIGN_OUT />
            <span class="sign-out-label">"Sign out"</span>
        </button>
    }
}
