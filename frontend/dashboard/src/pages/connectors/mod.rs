//! `/connectors`: where admins connect channels to the workspace: the website widget (its
//! settings with a live preview, and the snippet to paste into their site) and WhatsApp.

mod draft;
mod embed_snippet;
mod preview;
mod whatsapp;
mod widget_form;

use leptos::prelude::*;
use switchboard_types::widget_settings::WidgetSettings;
use switchboard_types::Section;

use crate::api::{self, ApiError};
use crate::components::icons::{Icon, ALERT};
use crate::components::shell::use_member;
use draft::Draft;
use embed_snippet::EmbedSnippet;
use preview::WidgetPreview;
use whatsapp::WhatsappCard;
use widget_form::WidgetForm;

#[component]
pub fn ConnectorsPage() -> impl IntoView {
    let settings = LocalResource::new(api::widget_settings::fetch);
    let retry = move || settings.refetch();
    view! {
        <div class="connectors-page">
            <header class="page-header">
                <h1 data-testid="section-title">{Section::Connectors.label()}</h1>
                <p class="page-subtitle">"Your chat widget, WhatsApp number and API keys."</p>
            </header>
            {move || match settings.get() {
                None => view! { <WidgetLoading /> }.into_any(),
                Some(Ok(saved)) => view! { <WidgetConnector saved /> }.into_any(),
                Some(Err(error)) => view! { <LoadError error retry /> }.into_any(),
            }}
            {move || matches!(settings.get(), Some(Ok(_))).then(|| view! { <WhatsappCard /> })}
        </div>
    }
}

/// The widget's card: the form on the left, what visitors will see and the snippet on the right.
#[component]
fn WidgetConnector(saved: WidgetSettings) -> impl IntoView {
    let saved = RwSignal::new(saved);
    let draft = Draft::new(&saved.get_untracked());
    let key = use_member()
        .0
        .with_untracked(|me| me.tenant.widget_key.clone());
    let business = use_member().0.with_untracked(|me| me.tenant.name.clone());
    view! {
        <section class="connector" aria-labelledby="widget-heading">
            <div class="connector-main panel">
                <div class="connector-head">
                    <h2 id="widget-heading">"Website widget"</h2>
                    <p class="form-note">
                        "How the chat looks and behaves on your site. Changes reach visitors the next time the chat opens."
                    </p>
                </div>
                <WidgetForm draft saved />
            </div>
            <aside class="connector-side">
                <WidgetPreview draft business />
                <EmbedSnippet key />
            </aside>
        </section>
    }
}

#[component]
fn WidgetLoading() -> impl IntoView {
    view! {
        <p class="loading-note" role="status">
            <span class="spinner" aria-hidden="true"></span>
            "Loading your widget's settings…"
        </p>
    }
}

#[component]
fn LoadError(error: ApiError, retry: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let title = if error.status() == Some(403) {
        "Only admins and the owner can change the widget"
    } else {
        "We couldn't load your widget's settings"
    };
    view! {
        <div class="panel state-panel" role="alert" data-testid="connectors-error">
            <div class="state-icon state-icon-danger">
                <Icon d=ALERT />
            </div>
            <h2>{title}</h2>
            <p>{error.message()}</p>
            <button type="button" class="button button-primary" on:click=move |_| retry()>
                "Try again"
            </button>
        </div>
    }
}
