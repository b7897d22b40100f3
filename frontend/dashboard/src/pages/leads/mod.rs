//! `/leads`: every lead captured, newest first, a page at a time; a search kept in the URL
//! (`/leads?q=northwind`, searched by the server); each lead linked to its conversation; the
//! CSV export; new leads appear live at the top.

mod export;
mod table;

use std::time::Duration;

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use switchboard_types::events::EventPayload;
use switchboard_types::leads::LeadView;

use crate::api::{self, ApiError};
use crate::components::icons::{Icon, ALERT};
use crate::components::live_updates::use_live_updates;
use crate::components::paged_list::{Paged, ShowMore};
use export::ExportButton;
use table::LeadsTable;

/// How long the search waits after the last keystroke before it asks the server.
const SEARCH_AFTER: Duration = Duration::from_millis(250);

#[component]
pub fn LeadsPage() -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    let search = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let typed = RwSignal::new(search.get_untracked());
    let leads = Paged::<LeadView>::new();
    let load = move |more: bool| {
        let q = search.get_untracked();
        leads.load(more, move |cursor| async move {
            api::leads::list(&q, cursor.as_deref()).await
        });
    };
    Effect::new(move || {
        search.track();
        load(false);
    });
    // A new lead goes on top while no search narrows the list.
    use_live_updates().on_event(move |event| {
        if let EventPayload::LeadCreated(lead) = &event.payload {
            if search.get_untracked().is_empty() {
                leads.rows.update(|rows| {
                    if !rows.iter().any(|r| r.id == lead.id) {
                        rows.insert(0, lead.clone());
                    }
                });
            }
        }
    });
    let keystrokes = StoredValue::new(0_u32);
    let on_input = move |ev: leptos::ev::Event| {
        typed.set(event_target_value(&ev));
        let n = keystrokes.get_value() + 1;
        keystrokes.set_value(n);
        let navigate = navigate.clone();
        set_timeout(
            move || {
                if keystrokes.try_get_value() == Some(n) {
                    let q = typed.get_untracked();
                    let href = if q.trim().is_empty() {
                        "/leads".to_string()
                    } else {
                        format!("/leads?q={}", js_sys::encode_uri_component(q.trim()))
                    };
                    navigate(
                        &href,
                        leptos_router::NavigateOptions {
                            replace: true,
                            ..Default::default()
                        },
                    );
                }
            },
            SEARCH_AFTER,
        );
    };
    view! {
        <div class="leads-page">
            <header class="page-header page-header-row">
                <div>
                    <h1 data-testid="section-title">"Leads"</h1>
                    <p class="page-subtitle">"Contact details captured during conversations."</p>
                </div>
                <div class="page-actions">
                    <input
                        type="search"
                        class="search-input"
                        placeholder="Email, name, company or phone"
                        aria-label="Search leads"
                        data-testid="leads-search"
                        maxlength="100"
                        prop:value=move || typed.get()
                        on:input=on_input
                    />
                    <ExportButton />
                </div>
            </header>
            {move || leads.error.get().map(|error| view! { <LoadError error retry=move || load(false) /> })}
            {move || {
                let empty = leads.rows.with(Vec::is_empty);
                if leads.first_loading() {
                    view! { <LeadsSkeleton /> }.into_any()
                } else if empty && leads.error.with(Option::is_none) {
                    view! { <NoLeads search=search.get() /> }.into_any()
                } else {
                    view! { <LeadsTable rows=leads.rows /> }.into_any()
                }
            }}
            <ShowMore paged=leads label="Show more leads" testid="leads-more" more=move || load(true) />
        </div>
    }
}

#[component]
fn NoLeads(search: String) -> impl IntoView {
    let (title, body) = if search.trim().is_empty() {
        (
            "No leads yet".to_string(),
            "Leads are saved when an agent uses Capture Lead in a conversation, and when a visitor leaves their email while your team is offline.".to_string(),
        )
    } else {
        (
            format!("No leads match “{}”", search.trim()),
            "Search looks in the email, name, company and phone of every lead.".to_string(),
        )
    };
    view! {
        <div class="panel empty-state" data-testid="leads-empty">
            <h2>{title}</h2>
            <p>{body}</p>
        </div>
    }
}

#[component]
fn LeadsSkeleton() -> impl IntoView {
    view! {
        <div class="panel leads-skeleton" aria-busy="true" role="status" aria-label="Loading leads">
            {(0..5).map(|_| view! { <div class="skeleton skeleton-line"></div> }).collect_view()}
        </div>
    }
}

#[component]
fn LoadError(error: ApiError, retry: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    view! {
        <div class="form-error leads-error" role="alert" data-testid="leads-error">
            <Icon d=ALERT />
            <span>"We couldn't load your leads: " {error.message()}</span>
            <button type="button" class="link-button" on:click=move |_| retry()>"Try again"</button>
        </div>
    }
}
