//! The frame around every signed-in screen: sidebar, top bar, and the section in the middle.
//! It loads the signed-in member once and shares it, and the page's live updates, with
//! everything inside.

use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect};
use switchboard_types::auth::Me;
use switchboard_types::Role;

use super::icons::{Icon, ALERT};
use super::live_updates::provide_live_updates;
use super::sidebar::Sidebar;
use super::topbar::Topbar;
use crate::api::{self, session, ApiError};
use crate::live::alerts::provide_alerts;
use crate::live::counts::provide_live_counts;

/// The signed-in member, their workspace and their sections, shared through context. The
/// top bar writes to it (availability); everything else reads.
#[derive(Clone, Copy)]
pub struct SignedInMember(pub RwSignal<Me>);

impl SignedInMember {
    pub fn role(&self) -> Role {
        self.0.with(|me| me.user.role)
    }
}

/// The member signed in on this page.
pub fn use_member() -> SignedInMember {
    expect_context::<SignedInMember>()
}

/// How people read a role.
pub fn role_label(role: Role) -> &'static str {
    match role {
        Role::Agent => "Agent",
        Role::Admin => "Admin",
        Role::Owner => "Owner",
    }
}

#[component]
pub fn Shell() -> impl IntoView {
    if !session::is_signed_in() {
        return view! { <Redirect path="/login" /> }.into_any();
    }
    let me = LocalResource::new(api::me::fetch_me);
    let retry = move || me.refetch();
    (move || match me.get() {
        None => view! { <ShellLoading /> }.into_any(),
        Some(Ok(me)) => view! { <SignedInShell me /> }.into_any(),
        // The session watcher is already taking the person to /login.
        Some(Err(ApiError::SignedOut)) => ().into_any(),
        Some(Err(error)) => view! { <ShellError error retry /> }.into_any(),
    })
    .into_any()
}

#[component]
fn SignedInShell(me: Me) -> impl IntoView {
    provide_context(SignedInMember(RwSignal::new(me)));
    provide_live_updates();
    provide_live_counts();
    provide_alerts();
    view! {
        <a class="skip-link" href="#content">
            "Skip to content"
        </a>
        <div class="shell">
            <Sidebar />
            <div class="shell-main">
                <Topbar />
                <main class="content" id="content" tabindex="-1">
                    <Outlet />
                </main>
            </div>
        </div>
    }
}

/// A skeleton of the shell while the member loads, so the page does not jump when it arrives.
#[component]
fn ShellLoading() -> impl IntoView {
    view! {
        <div class="shell" aria-busy="true">
            <aside class="sidebar sidebar-skeleton">
                <div class="skeleton skeleton-title"></div>
                {(0..6).map(|_| view! { <div class="skeleton skeleton-line"></div> }).collect_view()}
            </aside>
            <div class="shell-main">
                <header class="topbar"></header>
                <main class="content">
                    <p class="loading-note" role="status">
                        <span class="spinner" aria-hidden="true"></span>
                        "Loading your workspace…"
                    </p>
                </main>
            </div>
        </div>
    }
}

/// The member could not be loaded for a reason other than the session ending.
#[component]
fn ShellError(error: ApiError, retry: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    view! {
        <div class="centered-page">
            <div class="panel state-panel" role="alert">
                <div class="state-icon state-icon-danger">
                    <Icon d=ALERT />
                </div>
                <h1>"We couldn't load your workspace"</h1>
                <p>{error.message()}</p>
                <button type="button" class="button button-primary" on:click=move |_| retry()>
                    "Try again"
                </button>
            </div>
        </div>
    }
}
