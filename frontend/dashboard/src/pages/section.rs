//! `/:section`: the title and (until each section's own screen lands) what it will show, never
//! a claim that there is nothing; or a clear refusal when the member's role may not open it.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use switchboard_types::{Role, Section};

use super::billing::BillingPage;
use super::connectors::ConnectorsPage;
use super::leads::LeadsPage;
use super::overview::OverviewPage;
use super::reviews::ReviewsPage;
use super::set_title;
use super::settings::SettingsPage;
use super::team::TeamPage;
use crate::components::icons::{section_icon, Icon, LOCK};
use crate::components::not_found::NotFoundPanel;
use crate::components::shell::use_member;

/// What the section is for, and what its placeholder says until its screen lands.
#[derive(Clone, Copy)]
struct SectionCopy {
    purpose: &'static str,
    placeholder_body: &'static str,
}

/// `None` for the sections whose screen has landed: their own routes, or `own_screen`, draw
/// them.
fn placeholder(section: Section) -> Option<SectionCopy> {
    let (purpose, placeholder_body) = match section {
        Section::Overview => return None,
        // Its own route draws it.
        Section::Conversations => return None,
        Section::Tickets => (
            "Follow-ups that need more than one reply.",
            "Tickets opened from conversations will be listed here.",
        ),
        Section::Leads => return None,
        Section::Analytics => (
            "Trends in sessions, resolutions, messages and bookings.",
            "Charts of your conversations over time will be shown here.",
        ),
        Section::Reviews => return None,
        Section::KnowledgeGaps => (
            "Questions your AI agent could not answer.",
            "Questions your AI agent could not answer will be collected here so you can teach it.",
        ),
        Section::HelpCenter => (
            "Public articles your customers can read.",
            "Articles you publish will be listed here.",
        ),
        Section::Documents => (
            "The knowledge base your AI agent answers from.",
            "Documents that teach your AI agent about your business will be managed here.",
        ),
        Section::Connectors => return None,
        Section::Team => return None,
        Section::Settings => return None,
        Section::Billing => return None,
    };
    Some(SectionCopy {
        purpose,
        placeholder_body,
    })
}

#[component]
pub fn SectionPage() -> impl IntoView {
    let params = use_params_map();
    let member = use_member();
    let section = Memo::new(move |_| {
        let slug = params.read().get("section").unwrap_or_default();
        Section::ALL.into_iter().find(|s| s.slug() == slug)
    });
    // A memo, so that saving the availability does not redraw (and reset) the section.
    let allowed = Memo::new(move |_| member.0.with(|me| me.sections.clone()));
    Effect::new(move || set_title(section.get().map_or("Not found", Section::label)));

    move || match section.get() {
        None => view! { <NotFoundPanel /> }.into_any(),
        Some(section) if allowed.with(|sections| sections.contains(&section)) => {
            own_screen(section).unwrap_or_else(|| {
                placeholder(section)
                    .map(|copy| view! { <SectionHome section copy /> })
                    .into_any()
            })
        }
        Some(section) => view! { <NoAccess section role=member.role() /> }.into_any(),
    }
}

/// The screens that have landed and live under `/:section`.
fn own_screen(section: Section) -> Option<AnyView> {
    match section {
        Section::Overview => Some(view! { <OverviewPage /> }.into_any()),
        Section::Connectors => Some(view! { <ConnectorsPage /> }.into_any()),
        Section::Leads => Some(view! { <LeadsPage /> }.into_any()),
        Section::Reviews => Some(view! { <ReviewsPage /> }.into_any()),
        Section::Team => Some(view! { <TeamPage /> }.into_any()),
        Section::Settings => Some(view! { <SettingsPage /> }.into_any()),
        Section::Billing => Some(view! { <BillingPage /> }.into_any()),
        _ => None,
    }
}

#[component]
fn SectionHome(section: Section, copy: SectionCopy) -> impl IntoView {
    view! {
        <div class="section-page">
            <header class="page-header">
                <h1 data-testid="section-title">{section.label()}</h1>
                <p class="page-subtitle">{copy.purpose}</p>
            </header>
            <div class="panel empty-state" data-testid="empty-state">
                <div class="state-icon">
                    <Icon d=section_icon(section) />
                </div>
                <h2>"Coming soon"</h2>
                <p>{copy.placeholder_body}</p>
            </div>
        </div>
    }
}

/// Who may open a section, in words.
fn who_may_open(section: Section) -> String {
    match section.minimum_role() {
        Role::Owner => format!(
            "{} is only available to the workspace owner.",
            section.label()
        ),
        Role::Admin => format!("{} is available to admins and the owner.", section.label()),
        Role::Agent => format!("{} is not part of your role.", section.label()),
    }
}

fn signed_in_as(role: Role) -> &'static str {
    match role {
        Role::Agent => "You're signed in as an agent.",
        Role::Admin => "You're signed in as an admin.",
        Role::Owner => "You're signed in as the owner.",
    }
}

#[component]
fn NoAccess(section: Section, role: Role) -> impl IntoView {
    view! {
        <div class="panel state-panel" data-testid="no-access">
            <div class="state-icon">
                <Icon d=LOCK />
            </div>
            <h1>"You don't have access to " {section.label()}</h1>
            <p>
                {who_may_open(section)} " " {signed_in_as(role)}
                " If you need it, ask your workspace owner."
            </p>
            <a class="button button-primary" href="/overview">
                "Go to Overview"
            </a>
        </div>
    }
}
