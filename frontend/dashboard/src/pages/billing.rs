//! `/billing` (the owner): the workspace's plan and how many of its seats are taken (active
//! members count as seats).

use leptos::prelude::*;
use switchboard_types::settings::BillingSummary;

use crate::api;

#[component]
pub fn BillingPage() -> impl IntoView {
    let billing = LocalResource::new(api::settings::billing);
    view! {
        <div class="billing-page">
            <header class="page-header">
                <h1 data-testid="section-title">"Billing"</h1>
                <p class="page-subtitle">"Your plan and its seats."</p>
            </header>
            {move || match billing.get() {
                None => view! { <p class="loading-note" role="status"><span class="spinner" aria-hidden="true"></span>"Loading your plan…"</p> }.into_any(),
                Some(Err(error)) => view! { <p class="form-error" role="alert">{error.message()}</p> }.into_any(),
                Some(Ok(b)) => view! { <Plan b /> }.into_any(),
            }}
        </div>
    }
}

#[component]
fn Plan(b: BillingSummary) -> impl IntoView {
    let share = if b.seats_included > 0 {
        (b.seats_used * 100 / b.seats_included).min(100)
    } else {
        100
    };
    let plan = capitalised(&b.plan);
    view! {
        <section class="panel settings-card plan-card" data-testid="plan">
            <p class="stat-label">"Plan"</p>
            <p class="stat-value" data-testid="plan-name">{plan}</p>
            <p class="stat-label">"Seats"</p>
            <p data-testid="plan-seats"><strong>{b.seats_used}</strong>{format!(" of {} seats in use", b.seats_included)}</p>
            <div class="review-bar-track" role="img" aria-label=format!("{share}% of the seats in use")>
                <span class="review-bar-fill seats-fill" style=format!("width: {share}%")></span>
            </div>
            <p class="form-note">"Every active member takes a seat; deactivating a member frees theirs."</p>
        </section>
    }
}

/// `trial` → `Trial`.
fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
