//! `/settings` (admins and the owner): the workspace (name, time zone, what a message on a
//! resolved conversation does, the rating's feedback categories), the quick replies, the API
//! keys and the audit log.

mod api_keys;
mod audit_log;
mod quick_replies;
mod workspace;

use leptos::prelude::*;

use api_keys::ApiKeys;
use audit_log::AuditLog;
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
                <AuditLog />
            </div>
        </div>
    }
}
