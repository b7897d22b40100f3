//! After resolution: the rating step (stars, the workspace's categories, a comment), then thanks.

use leptos::prelude::*;
use switchboard_types::widget::VisitorFrame;

use crate::chat::{Chat, Step};

#[component]
pub fn Rating(chat: Chat) -> impl IntoView {
    let text = chat.text;
    let stars = RwSignal::new(0i16);
    let picked = RwSignal::new(Vec::<String>::new());
    let comment = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let note = comment.get_untracked().trim().to_string();
        chat.send(VisitorFrame::Rating {
            stars: stars.get_untracked(),
            categories: picked.get_untracked(),
            comment: (!note.is_empty()).then_some(note),
        });
    };
    let star = move |n: i16| {
        view! {
            <button
                type="button"
                class="star"
                class:on=move || { stars.get() >= n }
                aria-pressed=move || (stars.get() == n).to_string()
                aria-label=format!("{n} / 5")
                on:click=move |_| stars.set(n)
            >"★"</button>
        }
    };
    let chip = move |category: String| {
        let label = category.clone();
        let shown = category.clone();
        let on = move || picked.with(|p| p.contains(&shown));
        let toggle = move |_| {
            picked.update(|p| match p.iter().position(|c| c == &category) {
                Some(i) => {
                    p.remove(i);
                }
                None => p.push(category.clone()),
            })
        };
        view! {
            <button type="button" class="chip" class:on=on.clone() aria-pressed=move || on().to_string() on:click=toggle>{label}</button>
        }
    };
    view! {
        <form class="form rating" on:submit=submit data-testid="rating">
            <h2>{text.rate_title}</h2>
            <div class="stars" role="group" aria-label=text.rate_stars>
                {(1..=5).map(star).collect_view()}
            </div>
            <div class="chips">{move || chat.categories.get().into_iter().map(chip).collect_view()}</div>
            <label class="field">
                <span>{text.rate_comment}</span>
                <textarea rows="3" maxlength="1000" prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
            </label>
            <button type="submit" class="primary" disabled=move || stars.get() == 0>{text.rate_send}</button>
            <button type="button" class="link" on:click=move |_| chat.step.set(Step::Chat)>{text.rate_skip}</button>
            {move || chat.notice.get().map(|n| view! { <p class="notice" role="alert">{n}</p> })}
        </form>
    }
}

#[component]
pub fn Thanks(chat: Chat) -> impl IntoView {
    let text = chat.text;
    view! {
        <div class="form done" role="status" data-testid="thanks">
            <p class="big">"🙏"</p>
            <p>{text.thanks}</p>
            <button type="button" class="primary" on:click=move |_| chat.step.set(Step::Chat)>{text.new_message}</button>
        </div>
    }
}
