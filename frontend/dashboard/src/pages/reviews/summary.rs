//! The last 30 days' ratings at a glance: the average with its stars, how many, and a bar per
//! star count.

use leptos::prelude::*;
use switchboard_types::reviews::ReviewSummary;

use crate::api::ApiError;
use crate::components::conversation_badges::Stars;

#[component]
pub fn ReviewSummaryPanel(
    summary: LocalResource<Result<ReviewSummary, ApiError>>,
) -> impl IntoView {
    move || match summary.get() {
        None => view! { <div class="panel review-summary skeleton-block" aria-busy="true"></div> }
            .into_any(),
        Some(Err(error)) => {
            view! { <p class="form-error" role="alert">{error.message()}</p> }.into_any()
        }
        Some(Ok(s)) => view! { <Summary s /> }.into_any(),
    }
}

#[component]
fn Summary(s: ReviewSummary) -> impl IntoView {
    let most = s.distribution.iter().copied().max().unwrap_or(0).max(1);
    let average = s.average.map_or("–".to_string(), |a| format!("{a:.1}"));
    let rounded = s.average.map_or(0, |a| a.round() as i16);
    let ratings = match s.count {
        1 => "1 rating".to_string(),
        n => format!("{n} ratings"),
    };
    view! {
        <section class="panel review-summary" data-testid="review-summary" aria-label="The last 30 days">
            <div class="review-average">
                <span class="review-average-value" data-testid="review-average">{average}</span>
                <Stars stars=rounded />
                <span class="review-count" data-testid="review-count">{format!("{ratings} in the last {} days", s.days)}</span>
            </div>
            <ol class="review-bars" reversed>
                {(1..=5).rev().map(|stars| {
                    let n = s.distribution[stars - 1];
                    let width = format!("width: {}%", n * 100 / most);
                    view! {
                        <li class="review-bar" data-testid="review-bar" data-stars=stars>
                            <span class="review-bar-label">{format!("{stars} ★")}</span>
                            <span class="review-bar-track"><span class="review-bar-fill" style=width></span></span>
                            <span class="review-bar-count">{n}</span>
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}
