//! The sidebar: the workspace name and exactly the sections the server says this member may
//! open, in its order. Under ~800px wide it folds into a top bar with a menu button.

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use switchboard_types::{Role, Section};

use super::icons::{section_icon, Icon, LOGO, MENU};
use super::shell::use_member;
use crate::live::counts::use_live_counts;

/// The section slug of a path: `/knowledge-gaps/123` -> `knowledge-gaps`.
fn first_segment(path: &str) -> String {
    path.trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default()
        .to_string()
}

#[component]
pub fn Sidebar() -> impl IntoView {
    let member = use_member();
    let location = use_location();
    let current = Memo::new(move |_| first_segment(&location.pathname.get()));
    let menu_open = RwSignal::new(false);
    // On narrow screens the menu covers the page; close it once a section is picked.
    Effect::new(move || {
        current.track();
        menu_open.set(false);
    });
    let workspace = move || member.0.with(|me| me.tenant.name.clone());
    let sections = member.0.with_untracked(|me| me.sections.clone());
    // Admins and owners get a long list; a heading before the management sections helps scanning.
    let first_managed = sections
        .iter()
        .position(|s| s.minimum_role() != Role::Agent);
    view! {
        <aside class="sidebar" class:menu-open=move || menu_open.get()>
            <div class="sidebar-head">
                <span class="logo" aria-hidden="true">
                    <Icon d=LOGO />
                </span>
                <div class="workspace">
                    <span class="workspace-name" data-testid="workspace-name" title=workspace>
                        {workspace}
                    </span>
                    <span class="workspace-product">"Switchboard"</span>
                </div>
                <button
                    type="button"
                    class="icon-button menu-button"
                    aria-label="Menu"
                    aria-controls="sidebar-nav"
                    aria-expanded=move || menu_open.get().to_string()
                    on:click=move |_| menu_open.update(|open| *open = !*open)
                >
                    <Icon d=MENU />
                </button>
            </div>
            <nav id="sidebar-nav" class="sidebar-nav" data-testid="sidebar" aria-label="Sections">
                <ul>
                    {sections
                        .into_iter()
                        .enumerate()
                        .map(|(index, section)| {
                            view! {
                                {(Some(index) == first_managed)
                                    .then(|| {
                                        view! {
                                            <li class="nav-group" aria-hidden="true">
                                                "Manage"
                                            </li>
                                        }
                                    })}
                                <SectionLink section current />
                            }
                        })
                        .collect_view()}
                </ul>
            </nav>
        </aside>
    }
}

#[component]
fn SectionLink(section: Section, current: Memo<String>) -> impl IntoView {
    let is_current = move || current.with(|slug| slug == section.slug());
    // Conversations carries the number of visitors waiting for an agent.
    let counts = use_live_counts().all_channels;
    let waiting = move || {
        (section == Section::Conversations)
            .then(|| counts.with(|c| c.as_ref().map_or(0, |c| c.needs_agent)))
            .filter(|n| *n > 0)
    };
    view! {
        <li>
            <a
                href=format!("/{}", section.slug())
                class="nav-link"
                class:active=is_current
                data-testid=format!("nav-{}", section.slug())
                aria-current=move || is_current().then_some("page")
            >
                <Icon d=section_icon(section) />
                <span>{section.label()}</span>
                {move || {
                    waiting()
                        .map(|n| {
                            view! {
                                <span
                                    class="nav-badge"
                                    data-testid="needs-agent-badge"
                                    title=format!("{n} waiting for an agent")
                                >
                                    {n}
                                </span>
                            }
                        })
                }}
            </a>
        </li>
    }
}
