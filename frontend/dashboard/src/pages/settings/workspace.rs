//! The workspace's own settings, saved together; the server's messages show under the fields.

use leptos::prelude::*;
use leptos::task::spawn_local;
use switchboard_types::settings::{ReopenPolicy, UpdateSettingsRequest, WorkspaceSettings};
use wasm_bindgen::JsCast;

use crate::api;
use crate::components::form::{field_error, Field, FormError, FormProblem, SubmitButton};
use crate::components::toast::use_toasts;

#[component]
pub fn WorkspaceForm() -> impl IntoView {
    let loaded = LocalResource::new(api::settings::fetch);
    move || {
        match loaded.get() {
        None => view! { <p class="loading-note" role="status"><span class="spinner" aria-hidden="true"></span>"Loading your settings…"</p> }.into_any(),
        Some(Err(error)) => view! { <p class="form-error" role="alert">{error.message()}</p> }.into_any(),
        Some(Ok(saved)) => view! { <Form saved /> }.into_any(),
    }
    }
}

#[component]
fn Form(saved: WorkspaceSettings) -> impl IntoView {
    let toasts = use_toasts();
    let name = RwSignal::new(saved.name.clone());
    let time_zone = RwSignal::new(saved.time_zone.clone());
    let policy = RwSignal::new(saved.reopen_policy);
    let categories = RwSignal::new(saved.rating_categories.join("\n"));
    let problem = RwSignal::new(FormProblem::default());
    let (busy, set_busy) = signal(false);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let request = UpdateSettingsRequest {
            name: Some(name.get_untracked()),
            time_zone: Some(time_zone.get_untracked().trim().to_string()),
            rating_categories: Some(
                categories
                    .get_untracked()
                    .lines()
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(str::to_string)
                    .collect(),
            ),
            reopen_policy: Some(policy.get_untracked()),
        };
        set_busy.set(true);
        spawn_local(async move {
            let outcome = api::settings::save(&request).await;
            _ = set_busy.try_set(false);
            match outcome {
                Ok(stored) => {
                    problem.set(FormProblem::default());
                    name.set(stored.name);
                    time_zone.set(stored.time_zone);
                    categories.set(stored.rating_categories.join("\n"));
                    toasts.notice("Settings saved.");
                }
                Err(error) => problem.set(FormProblem::from_error(&error)),
            }
        });
    };
    let zone_error = field_error(problem, "time_zone");
    let categories_error = Memo::new(move |_| {
        problem.with(|p| {
            p.fields
                .iter()
                .find(|(f, _)| f.starts_with("rating_categories"))
                .map(|(_, m)| m.clone())
        })
    });
    let choice = move |value: ReopenPolicy, label: &'static str, testid: &'static str| {
        view! {
            <label class="check">
                <input type="radio" name="reopen_policy" data-testid=testid prop:checked=move || policy.get() == value on:change=move |_| policy.set(value) />
                <span>{label}</span>
            </label>
        }
    };
    view! {
        <section class="panel settings-card" aria-labelledby="workspace-heading">
            <h2 id="workspace-heading">"Workspace"</h2>
            <form class="form" data-testid="workspace-settings" on:submit=submit novalidate>
                <FormError problem testid="settings-error" />
                <Field label="Business name" name="name" input_type="text" autocomplete="organization" testid="settings-name" value=name problem />
                <div class="field" class:invalid=move || zone_error.get().is_some()>
                    <label for="settings-zone">"Time zone"</label>
                    <input id="settings-zone" list="time-zones" data-testid="settings-zone" autocomplete="off" bind:value=time_zone />
                    <datalist id="time-zones">
                        {time_zones().into_iter().map(|z| view! { <option value=z></option> }).collect_view()}
                    </datalist>
                    {move || match zone_error.get() {
                        Some(m) => view! { <p class="field-error">{m}</p> }.into_any(),
                        None => view! { <p class="field-hint">"Type to search, e.g. Europe/Vienna. The Overview's days follow it."</p> }.into_any(),
                    }}
                </div>
                <fieldset class="field plain-fieldset">
                    <legend class="field-label">"When a visitor writes after their conversation was resolved"</legend>
                    {choice(ReopenPolicy::Reopen, "Reopen the conversation", "policy-reopen")}
                    {choice(ReopenPolicy::NewConversation, "Start a new conversation", "policy-new")}
                </fieldset>
                <div class="field" class:invalid=move || categories_error.get().is_some()>
                    <label for="settings-categories">"Rating feedback"</label>
                    <textarea id="settings-categories" rows="4" data-testid="settings-categories" bind:value=categories></textarea>
                    {move || match categories_error.get() {
                        Some(m) => view! { <p class="field-error">{m}</p> }.into_any(),
                        None => view! { <p class="field-hint">"One per line, up to 20: what visitors can tick when they rate a conversation."</p> }.into_any(),
                    }}
                </div>
                <div class="form-buttons">
                    <SubmitButton label="Save settings" busy_label="Saving…" testid="settings-save" busy />
                </div>
            </form>
        </section>
    }
}

/// The browser's IANA time zones (`Intl.supportedValuesOf("timeZone")`), for the picker.
fn time_zones() -> Vec<String> {
    let intl = js_sys::Reflect::get(&js_sys::global(), &"Intl".into()).ok();
    let list = intl.and_then(|intl| {
        let f = js_sys::Reflect::get(&intl, &"supportedValuesOf".into()).ok()?;
        let f = f.dyn_into::<js_sys::Function>().ok()?;
        f.call1(&intl, &"timeZone".into()).ok()
    });
    list.map(|l| {
        js_sys::Array::from(&l)
            .iter()
            .filter_map(|z| z.as_string())
            .collect()
    })
    .unwrap_or_default()
}
