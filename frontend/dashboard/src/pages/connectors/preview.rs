//! What visitors will see with the settings being edited, before they are saved: the chat's
//! header, greeting, pre-chat form or offline message, and the launcher in its corner. It is
//! drawn here from the draft (the real widget reads saved settings only), in the widget's
//! own shapes and English words.

use leptos::prelude::*;
use switchboard_types::widget_settings::{FieldRule, LauncherPosition};

use super::draft::Draft;

/// Which moment of the chat the preview shows.
#[derive(Clone, Copy, PartialEq)]
enum Moment {
    Greeting,
    Prechat,
    Offline,
}

#[component]
pub fn WidgetPreview(draft: Draft, business: String) -> impl IntoView {
    let moment = RwSignal::new(Moment::Greeting);
    let accent = draft.painted_accent;
    let prechat_on = move || draft.prechat.with(|p| p.enabled);
    // Leaving the pre-chat moment when the form is switched off.
    Effect::new(move || {
        if !prechat_on() && moment.get_untracked() == Moment::Prechat {
            moment.set(Moment::Greeting);
        }
    });
    let left = move || draft.position.get() == LauncherPosition::BottomLeft;
    let initial = move || {
        draft
            .title
            .with(|t| t.trim().chars().next().unwrap_or('S').to_string())
    };
    view! {
        <div class="panel preview-card">
            <div class="preview-head">
                <h2>"Preview"</h2>
                <div class="preview-moments" role="group" aria-label="Show">
                    <MomentButton moment this=Moment::Greeting label="Chat" />
                    <MomentButton moment this=Moment::Prechat label="Pre-chat form" disabled=Signal::derive(move || !prechat_on()) />
                    <MomentButton moment this=Moment::Offline label="Team offline" />
                </div>
            </div>
            <div class="preview-site" data-testid="widget-preview" style=move || format!("--preview-accent: {}", accent.get())>
                <div class="preview-window" class:left=left>
                    <div class="preview-header">
                        <div class="preview-avatar" aria-hidden="true">{initial}</div>
                        <div>
                            <p class="preview-title" data-testid="preview-title">{move || draft.title.get()}</p>
                            <p class="preview-business">{business.clone()}</p>
                        </div>
                    </div>
                    <div class="preview-body">
                        {move || match moment.get() {
                            Moment::Greeting => view! { <GreetingMoment draft /> }.into_any(),
                            Moment::Prechat => view! { <PrechatMoment draft /> }.into_any(),
                            Moment::Offline => view! { <OfflineMoment draft /> }.into_any(),
                        }}
                    </div>
                </div>
                <div class="preview-launcher" class:left=left data-testid="preview-launcher" aria-hidden="true">
                    <svg width="24" height="24" viewBox="0 0 24 24">
                        <path d="M4 5h16v11H8l-4 4z" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" />
                    </svg>
                </div>
            </div>
        </div>
    }
}

#[component]
fn MomentButton(
    moment: RwSignal<Moment>,
    this: Moment,
    label: &'static str,
    #[prop(optional, into)] disabled: Signal<bool>,
) -> impl IntoView {
    view! {
        <button
            type="button"
            class="preview-moment"
            aria-pressed=move || if moment.get() == this { "true" } else { "false" }
            disabled=move || disabled.get()
            on:click=move |_| moment.set(this)
        >
            {label}
        </button>
    }
}

#[component]
fn GreetingMoment(draft: Draft) -> impl IntoView {
    view! {
        <div class="preview-bubble them" data-testid="preview-greeting">{move || draft.greeting.get()}</div>
        <div class="preview-bubble mine">"Do you ship to Austria?"</div>
        <div class="preview-human">"Talk to a human"</div>
        <div class="preview-composer">"Write a message…"</div>
    }
}

#[component]
fn PrechatMoment(draft: Draft) -> impl IntoView {
    let asked = move || {
        draft.prechat.with(|p| {
            [("Name", p.name), ("Email", p.email), ("Phone", p.phone)]
                .into_iter()
                .filter(|(_, rule)| *rule != FieldRule::Off)
                .map(|(label, rule)| {
                    let note = if rule == FieldRule::Optional {
                        " (optional)"
                    } else {
                        ""
                    };
                    view! {
                        <div class="preview-field">
                            <span>{label}{note}</span>
                            <div class="preview-input"></div>
                        </div>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <div class="preview-form" data-testid="preview-prechat">
            <p>"Before we start, tell us a little about you."</p>
            {asked}
            <div class="preview-primary">"Start chat"</div>
        </div>
    }
}

#[component]
fn OfflineMoment(draft: Draft) -> impl IntoView {
    view! {
        <div class="preview-form" data-testid="preview-offline">
            <p>{move || draft.offline_message.get()}</p>
            <div class="preview-field">
                <span>"Email"</span>
                <div class="preview-input"></div>
            </div>
            <div class="preview-primary">"Leave my email"</div>
        </div>
    }
}
