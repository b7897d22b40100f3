//! The leads as a table: who, how to reach them, what they wanted, when and by whom they were
//! captured, and a link to the conversation.

use std::collections::HashMap;

use leptos::prelude::*;
use switchboard_types::leads::LeadView;

use crate::api;
use crate::components::time::{exact, relative, ticking_now};

#[component]
pub fn LeadsTable(rows: RwSignal<Vec<LeadView>>) -> impl IntoView {
    // Who captured each lead, by name (members only; a visitor's own email has none).
    let names = LocalResource::new(|| async {
        api::handoffs::teammates()
            .await
            .map(|team| {
                team.into_iter()
                    .map(|m| (m.id.0, m.name))
                    .collect::<HashMap<_, _>>()
            })
            .unwrap_or_default()
    });
    let now = ticking_now(std::time::Duration::from_secs(60));
    view! {
        <div class="panel table-panel">
            <table class="data-table" data-testid="leads-table">
                <thead>
                    <tr>
                        <th scope="col">"Lead"</th>
                        <th scope="col">"Phone"</th>
                        <th scope="col">"Company"</th>
                        <th scope="col">"Message"</th>
                        <th scope="col">"Captured"</th>
                        <th scope="col"><span class="visually-hidden">"Conversation"</span></th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || rows.get() key=|lead| lead.id.clone() let:lead>
                        <LeadRow lead names now />
                    </For>
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn LeadRow(
    lead: LeadView,
    names: LocalResource<HashMap<String, String>>,
    now: ReadSignal<chrono::DateTime<chrono::Utc>>,
) -> impl IntoView {
    let at = lead.created_at;
    let by = lead.captured_by.clone().map(|id| id.0);
    let captured_by = move || {
        let by = by.clone()?;
        names.get().and_then(|names| names.get(&by).cloned())
    };
    view! {
        <tr data-testid="lead-row">
            <td>
                <a class="lead-email" href=format!("mailto:{}", lead.email)>{lead.email.clone()}</a>
                {lead.name.clone().map(|name| view! { <div class="lead-name">{name}</div> })}
            </td>
            <td class="lead-phone">{or_dash(lead.phone.clone())}</td>
            <td>{or_dash(lead.company.clone())}</td>
            <td class="lead-message">{or_dash(lead.message.clone())}</td>
            <td class="lead-when">
                <time title=exact(at)>{move || relative(at, now.get())}</time>
                {move || captured_by().map(|name| view! { <div class="lead-by">"by " {name}</div> })}
            </td>
            <td class="lead-link">
                {lead.conversation_id.clone().map(|id| view! {
                    <a href=format!("/conversations/{}", id.0) data-testid="lead-conversation">"Open conversation"</a>
                })}
            </td>
        </tr>
    }
}

/// The text (whole in its tooltip, for cells that clip it), or a dash for nothing.
fn or_dash(text: Option<String>) -> AnyView {
    match text {
        Some(text) => {
            let full = text.clone();
            view! { <span title=full>{text}</span> }.into_any()
        }
        None => view! { <span class="muted">"—"</span> }.into_any(),
    }
}
