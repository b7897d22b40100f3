//! `/reviews` (admins and the owner): how the last 30 days' ratings add up, and every rating
//! with its stars, feedback, comment, visitor and agent, filtered by stars or category (the
//! filters live in the URL: `/reviews?stars=5&category=Fast`); new ratings arrive live.

mod summary;

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use switchboard_types::events::EventPayload;
use switchboard_types::reviews::ReviewView;

use crate::api;
use crate::components::conversation_badges::Stars;
use crate::components::live_updates::use_live_updates;
use crate::components::paged_list::{Paged, ShowMore};
use crate::components::time::exact;
use summary::ReviewSummaryPanel;

/// What the URL filters on.
#[derive(Debug, Clone, PartialEq, Default)]
struct Filter {
    stars: Option<i16>,
    category: String,
}

impl Filter {
    fn href(&self) -> String {
        let mut query = Vec::new();
        if let Some(stars) = self.stars {
            query.push(format!("stars={stars}"));
        }
        if !self.category.is_empty() {
            query.push(format!(
                "category={}",
                js_sys::encode_uri_component(&self.category)
            ));
        }
        if query.is_empty() {
            "/reviews".into()
        } else {
            format!("/reviews?{}", query.join("&"))
        }
    }
}

#[component]
pub fn ReviewsPage() -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    let filter = Memo::new(move |_| {
        let query = query.read();
        Filter {
            stars: query
                .get("stars")
                .and_then(|s| s.parse().ok())
                .filter(|s| (1..=5).contains(s)),
            category: query.get("category").unwrap_or_default(),
        }
    });
    let reviews = Paged::<ReviewView>::new();
    let load = move |more: bool| {
        let Filter { stars, category } = filter.get_untracked();
        reviews.load(more, move |cursor| async move {
            api::reviews::list(stars, &category, cursor.as_deref()).await
        });
    };
    Effect::new(move || {
        filter.track();
        load(false);
    });
    let summary = LocalResource::new(|| api::reviews::summary(30));
    use_live_updates().on_event(move |event| {
        if matches!(event.payload, EventPayload::RatingCreated(_)) {
            summary.refetch();
            load(false);
        }
    });
    let categories = LocalResource::new(|| async {
        api::settings::fetch()
            .await
            .map(|s| s.rating_categories)
            .unwrap_or_default()
    });
    let go = move |next: Filter| {
        navigate(
            &next.href(),
            leptos_router::NavigateOptions {
                replace: true,
                ..Default::default()
            },
        )
    };
    let on_stars = {
        let go = go.clone();
        move |ev: leptos::ev::Event| {
            let stars = event_target_value(&ev).parse().ok();
            go(Filter {
                stars,
                ..filter.get_untracked()
            });
        }
    };
    let on_category = move |ev: leptos::ev::Event| {
        go(Filter {
            category: event_target_value(&ev),
            ..filter.get_untracked()
        });
    };
    view! {
        <div class="reviews-page">
            <header class="page-header">
                <h1 data-testid="section-title">"Reviews"</h1>
                <p class="page-subtitle">"What customers said when they rated a conversation."</p>
            </header>
            <ReviewSummaryPanel summary />
            <div class="filters-row" role="group" aria-label="Filter reviews">
                <select aria-label="Stars" data-testid="reviews-stars" prop:value=move || filter.with(|f| f.stars.map(|s| s.to_string()).unwrap_or_default()) on:change=on_stars>
                    <option value="">"All ratings"</option>
                    {(1..=5).rev().map(|n| view! { <option value=n.to_string()>{format!("{n} star{}", if n == 1 { "" } else { "s" })}</option> }).collect_view()}
                </select>
                <select aria-label="Feedback" data-testid="reviews-category" prop:value=move || filter.with(|f| f.category.clone()) on:change=on_category>
                    <option value="">"All feedback"</option>
                    {move || categories.get().unwrap_or_default().into_iter().map(|c| {
                        let chosen = c.clone();
                        // `selected` on the option: the list arrives after the filter is known.
                        view! { <option value=c.clone() selected=move || filter.with(|f| f.category == chosen)>{c.clone()}</option> }
                    }).collect_view()}
                </select>
            </div>
            {move || reviews.error.get().map(|error| view! {
                <p class="form-error" role="alert" data-testid="reviews-error">"We couldn't load the reviews: " {error.message()}</p>
            })}
            {move || {
                if reviews.first_loading() {
                    view! { <div class="panel leads-skeleton" aria-busy="true">{(0..4).map(|_| view! { <div class="skeleton skeleton-line"></div> }).collect_view()}</div> }.into_any()
                } else if reviews.rows.with(Vec::is_empty) {
                    view! { <NoReviews filtered=filter.with(|f| *f != Filter::default()) /> }.into_any()
                } else {
                    view! {
                        <ul class="review-list" data-testid="review-list">
                            <For each=move || reviews.rows.get() key=|r| r.conversation_id.clone() let:review>
                                <ReviewCard review />
                            </For>
                        </ul>
                    }.into_any()
                }
            }}
            <ShowMore paged=reviews label="Show more reviews" testid="reviews-more" more=move || load(true) />
        </div>
    }
}

#[component]
fn ReviewCard(review: ReviewView) -> impl IntoView {
    let href = format!("/conversations/{}", review.conversation_id.0);
    let handled = review
        .agent
        .as_ref()
        .map(|a| format!(" · handled by {}", a.name));
    view! {
        <li class="panel review-card" data-testid="review">
            <div class="review-head">
                <Stars stars=review.stars />
                <time title=exact(review.created_at)>{exact(review.created_at)}</time>
            </div>
            {(!review.categories.is_empty()).then(|| view! {
                <div class="review-categories">
                    {review.categories.iter().map(|c| view! { <span class="chip">{c.clone()}</span> }).collect_view()}
                </div>
            })}
            {review.comment.clone().map(|c| view! { <blockquote class="review-comment">{c}</blockquote> })}
            <div class="review-foot">
                <span class="review-who">{review.visitor_label.clone()}{handled}</span>
                <a href=href data-testid="review-conversation">"Open conversation"</a>
            </div>
        </li>
    }
}

#[component]
fn NoReviews(filtered: bool) -> impl IntoView {
    let (title, body) = if filtered {
        (
            "No reviews match these filters",
            "Try all ratings or all feedback.",
        )
    } else {
        (
            "No reviews yet",
            "Visitors are asked to rate a conversation when it is resolved; their stars, feedback and comments will be listed here.",
        )
    };
    view! {
        <div class="panel empty-state" data-testid="reviews-empty">
            <h2>{title}</h2>
            <p>{body}</p>
        </div>
    }
}
