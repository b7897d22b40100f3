//! The audit log: who did what and when, newest first, a page at a time, narrowed to one kind
//! of action.

use leptos::prelude::*;
use switchboard_types::audit::AuditEntry;

use crate::api;
use crate::components::paged_list::{Paged, ShowMore};
use crate::components::time::exact;

/// The groups of actions the filter offers: the prefix the server matches, and its name.
const GROUPS: [(&str, &str); 6] = [
    ("", "Everything"),
    ("auth", "Sign-ins and sign-outs"),
    ("team", "Team and invitations"),
    ("settings", "Workspace settings"),
    ("widget_settings", "Widget settings"),
    ("api_key", "API keys"),
];

#[component]
pub fn AuditLog() -> impl IntoView {
    let group = RwSignal::new(String::new());
    let entries = Paged::<AuditEntry>::new();
    let load = move |more: bool| {
        let action = group.get_untracked();
        entries.load(more, move |cursor| async move {
            api::settings::audit_log(&action, cursor.as_deref()).await
        });
    };
    Effect::new(move || {
        group.track();
        load(false);
    });
    view! {
        <section class="panel settings-card" aria-labelledby="audit-heading">
            <div class="card-head-row">
                <h2 id="audit-heading">"Audit log"</h2>
                <select class="role-select" aria-label="Show" data-testid="audit-filter" bind:value=group>
                    {GROUPS.iter().map(|(value, label)| view! { <option value=*value>{*label}</option> }).collect_view()}
                </select>
            </div>
            {move || entries.error.get().map(|e| view! { <p class="form-error" role="alert">{e.message()}</p> })}
            {move || {
                if entries.first_loading() {
                    view! { <p class="loading-note" role="status"><span class="spinner" aria-hidden="true"></span>"Loading the log…"</p> }.into_any()
                } else if entries.rows.with(Vec::is_empty) {
                    view! { <p class="form-note" data-testid="audit-empty">"Nothing recorded of this kind yet."</p> }.into_any()
                } else {
                    view! {
                        <table class="data-table" data-testid="audit-log">
                            <thead><tr><th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"What"</th></tr></thead>
                            <tbody>
                                <For each=move || entries.rows.get() key=|e| e.id.clone() let:entry>
                                    <tr data-testid="audit-entry">
                                        <td class="lead-when">{exact(entry.at)}</td>
                                        <td>{who(&entry)}</td>
                                        <td><code data-testid="audit-action">{entry.action.clone()}</code>{entry.target_type.clone().map(|t| view! { <span class="muted">{format!(" · {t}")}</span> })}</td>
                                    </tr>
                                </For>
                            </tbody>
                        </table>
                    }.into_any()
                }
            }}
            <ShowMore paged=entries label="Show older entries" testid="audit-more" more=move || load(true) />
        </section>
    }
}

/// The actor in words: a member's email, a key's name, or the system.
fn who(entry: &AuditEntry) -> String {
    match (entry.actor.kind.as_str(), entry.actor.label.clone()) {
        ("api_key", Some(name)) => format!("API key “{name}”"),
        (_, Some(label)) => label,
        ("system", None) => "Switchboard".into(),
        _ => "Someone".into(),
    }
}
