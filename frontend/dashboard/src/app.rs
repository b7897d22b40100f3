//! The router: public screens (sign-in, invitation) and the signed-in shell, one route per
//! sidebar section.

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::hooks::use_navigate;
use leptos_router::path;

use crate::api::session;
use crate::components::not_found::NotFound;
use crate::components::shell::Shell;
use crate::components::theme_toggle::provide_theme;
use crate::components::toast::{provide_toasts, ToastRegion};
use crate::pages::accept_invitation::AcceptInvitationPage;
use crate::pages::conversations::ConversationsPage;
use crate::pages::login::LoginPage;
use crate::pages::section::SectionPage;

#[component]
pub fn App() -> impl IntoView {
    provide_theme();
    provide_toasts();
    view! {
        <Router>
            <SessionWatcher />
            <Routes fallback=NotFound>
                <Route path=path!("/login") view=LoginPage />
                <Route path=path!("/accept-invitation") view=AcceptInvitationPage />
                <Route path=path!("/") view=|| view! { <Redirect path="/overview" /> } />
                <ParentRoute path=path!("") view=Shell>
                    // One route with the id optional, so opening a conversation keeps the list.
                    <Route path=path!("conversations/:id?") view=ConversationsPage />
                    <Route path=path!(":section") view=SectionPage />
                </ParentRoute>
            </Routes>
        </Router>
        <ToastRegion />
    }
}

/// Sends the person to the sign-in screen when their session ends: a refresh refused by the
/// server, or a sign-out in another tab (it clears the shared localStorage).
#[component]
fn SessionWatcher() -> impl IntoView {
    let navigate = use_navigate();
    let to_login = move || navigate("/login", Default::default());
    session::on_end(to_login.clone());
    let handle = window_event_listener(leptos::ev::storage, move |event| {
        let signed_out_elsewhere =
            event.key().as_deref() == Some(session::ACCESS_KEY) && event.new_value().is_none();
        if signed_out_elsewhere {
            to_login();
        }
    });
    on_cleanup(move || handle.remove());
}
