//! The frame of the screens used before signing in: brand on top, one card in the middle.

use leptos::prelude::*;

use super::icons::{Icon, LOGO};

#[component]
pub fn AuthLayout(children: Children) -> impl IntoView {
    view! {
        <div class="auth-page">
            <div class="auth-brand">
                <span class="logo" aria-hidden="true">
                    <Icon d=LOGO />
                </span>
                <span class="brand-name">"Switchboard"</span>
            </div>
            <main class="panel auth-card">{children()}</main>
            <p class="auth-tagline">"Customer conversations, handled together."</p>
        </div>
    }
}
