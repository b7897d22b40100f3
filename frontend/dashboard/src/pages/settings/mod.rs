//! `/settings` (admins and the owner): the workspace (name, time zone, what a message on a
//! resolved conversation does, the rating's feedback categories), the quick replies and the
//! API keys.

mod api_keys;
mod quick_replies;
mod workspace;

use leptos::prelude::*;

use api_keys::ApiKeys;
use quick_replies::QuickReplies;
use workspace::WorkspaceForm;

#[component]
pub fn SettingsPage() -> impl IntoView {
    view! {
        <div class="settings-page">
            <header class="page-header">
                <h1 data-testid="section-title">"Settings"</h1>
                <p class="page-subtitle">"How your workspace, widget and ratings behave."</p>
            </header>
            <div class="settings-stack">
                <WorkspaceForm />
                <QuickReplies />
                <ApiKeys />
            </div>
        </div>
    }
}
