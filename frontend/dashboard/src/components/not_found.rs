//! What an address that leads nowhere shows.

use leptos::prelude::*;

use super::icons::{Icon, COMPASS};

/// A page for unknown addresses, outside the signed-in shell.
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <div class="centered-page">
            <NotFoundPanel />
        </div>
    }
}

/// The message itself, also used inside the shell for an unknown section.
#[component]
pub fn NotFoundPanel() -> impl IntoView {
    view! {
        <div class="panel state-panel" data-testid="not-found">
            <div class="state-icon">
                <Icon d=COMPASS />
            </div>
            <h1>"This page doesn't exist"</h1>
            <p>"The address may be mistyped, or the page may have moved."</p>
            <a class="button button-primary" href="/overview">
                "Go to Overview"
            </a>
        </div>
    }
}
