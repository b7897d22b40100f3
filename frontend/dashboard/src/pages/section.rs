//! `/:section`: the title and (until each section's own screen lands) an empty state; or a
//! clear refusal when the member's role may not open it.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use switchboard_types::{Role, Section};

use super::set_title;
use crate::components::icons::{section_icon, Icon, LOCK};
use crate::components::not_found::NotFoundPanel;
use crate::components::shell::use_member;

/// What the section is for, and what its empty state says.
struct SectionCopy {
    purpose: &'static str,
    empty_title: &'static str,
    empty_body: &'static str,
}

fn copy(section: Section) -> SectionCopy {
    let (purpose, empty_title, empty_body) = match section {
        Section::Overview => (
            "How your AI agent and your team are doing, at a glance.",
            "No activity yet",
            "Figures appear here once visitors start chatting with your widget.",
        ),
        Section::Conversations => (
            "Live chats with visitors on your website and on WhatsApp.",
            "No conversations yet",
            "New chats show up here the moment a visitor starts one.",
        ),
        Section::Tickets => (
            "Follow-ups that need more than one reply.",
            "No tickets yet",
            "Tickets opened from conversations will be listed here.",
        ),
        Section::Leads => (
            "Contact details captured during conversations.",
            "No leads yet",
            "Leads captured in conversations are collected here for follow-up.",
        ),
        Section::Analytics => (
            "Trends in sessions, resolutions, messages and bookings.",
            "Not enough data yet",
            "Charts fill in as conversations come in.",
        ),
        Section::Reviews => (
            "What customers said when they rated a conversation.",
            "No reviews yet",
            "Ratings and comments appear here after customers rate a chat.",
        ),
        Section::KnowledgeGaps => (
            "Questions your AI agent could not answer.",
            "No gaps found",
            "Unanswered questions are collected here so you can teach your agent.",
        ),
        Section::HelpCenter => (
            "Public articles your customers can read.",
            "No articles yet",
            "Articles you publish will be listed here.",
        ),
        Section::Documents => (
            "The knowledge base your AI agent answers from.",
            "No documents yet",
            "Documents you add teach your AI agent about your business.",
        ),
        Section::Connectors => (
            "Your chat widget, WhatsApp number and API keys.",
            "Nothing connected yet",
            "Connect your website widget or a WhatsApp number to receive conversations.",
        ),
        Section::Team => (
            "Members, invitations and roles.",
            "Team management",
            "Invite agents and admins, change roles and manage access from here.",
        ),
        Section::Settings => (
            "How your workspace, widget and ratings behave.",
            "Workspace settings",
            "Your workspace's settings will be gathered here.",
        ),
        Section::Billing => (
            "Your plan and invoices.",
            "No invoices yet",
            "Invoices appear here once your first billing period ends.",
        ),
    };
    SectionCopy {
        purpose,
        empty_title,
        empty_body,
    }
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
            view! { <SectionHome section /> }.into_any()
        }
        Some(section) => view! { <NoAccess section role=member.role() /> }.into_any(),
    }
}

#[component]
fn SectionHome(section: Section) -> impl IntoView {
    let copy = copy(section);
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
                <h2>{copy.empty_title}</h2>
                <p>{copy.empty_body}</p>
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
