//! The widget's settings form: every setting the widget reads, saved together with one
//! `PUT`, with the server's per-field messages under the fields they are about.

use leptos::prelude::*;
use leptos::task::spawn_local;
use switchboard_types::widget_settings::{
    FieldRule, LauncherPosition, PrechatForm, WidgetSettings,
};

use super::draft::Draft;
use crate::api;
use crate::components::form::{field_error, Field, FormError, FormProblem, SubmitButton};
use crate::components::toast::use_toasts;

const GREETING_MAX: usize = 500;
const OFFLINE_MAX: usize = 500;

#[component]
pub fn WidgetForm(draft: Draft, saved: RwSignal<WidgetSettings>) -> impl IntoView {
    let toasts = use_toasts();
    let problem = RwSignal::new(FormProblem::default());
    let (busy, set_busy) = signal(false);
    let changed = Memo::new(move |_| saved.with(|s| *s != draft.settings()));
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let settings = draft.settings_untracked();
        set_busy.set(true);
        spawn_local(async move {
            let outcome = api::widget_settings::save(&settings).await;
            _ = set_busy.try_set(false);
            match outcome {
                Ok(stored) => {
                    problem.set(FormProblem::default());
                    draft.reset(&stored);
                    saved.set(stored);
                    toasts.notice("Widget settings saved.");
                }
                Err(error) => problem.set(FormProblem::from_error(&error)),
            }
        });
    };
    let discard = move |_| {
        problem.set(FormProblem::default());
        saved.with_untracked(|s| draft.reset(s));
    };
    view! {
        <form class="connector-form" data-testid="widget-settings" on:submit=submit novalidate>
            <FormError problem testid="widget-settings-error" />
            <fieldset class="settings-group">
                <legend>"Appearance"</legend>
                <AccentField draft problem />
                <Field label="Title" name="title" input_type="text" autocomplete="off" testid="widget-title" value=draft.title problem hint="Shown at the top of the chat, up to 60 characters." />
                <LongText label="Greeting" name="greeting" testid="widget-greeting" max=GREETING_MAX value=draft.greeting problem hint="The first message every visitor sees." />
                <PositionField position=draft.position />
            </fieldset>
            <fieldset class="settings-group">
                <legend>"Before the chat"</legend>
                <PrechatFields prechat=draft.prechat />
            </fieldset>
            <fieldset class="settings-group">
                <legend>"When nobody is online"</legend>
                <LongText label="Offline message" name="offline_message" testid="widget-offline" max=OFFLINE_MAX value=draft.offline_message problem hint="Shown when a visitor asks for a human and no agent is online; they can leave their email, which becomes a lead." />
            </fieldset>
            <fieldset class="settings-group">
                <legend>"Where it runs"</legend>
                <OriginsField origins=draft.origins problem />
                <label class="check">
                    <input type="checkbox" data-testid="widget-unread-title" bind:checked=draft.unread_in_title />
                    <span>"Show unread messages in the page title while the chat is closed"</span>
                </label>
            </fieldset>
            <div class="connector-actions">
                <p class="form-note" role="status" data-testid="widget-dirty">
                    {move || if changed.get() { "You have unsaved changes." } else { "All changes saved." }}
                </p>
                <button type="button" class="button" data-testid="widget-discard" disabled=move || !changed.get() || busy.get() on:click=discard>
                    "Discard"
                </button>
                <SubmitButton label="Save changes" busy_label="Saving…" testid="widget-save" busy />
            </div>
        </form>
    }
}

#[component]
fn AccentField(draft: Draft, problem: RwSignal<FormProblem>) -> impl IntoView {
    let error = field_error(problem, "accent_color");
    // The colour well only takes a valid colour.
    let well = draft.painted_accent;
    view! {
        <div class="field" class:invalid=move || error.get().is_some()>
            <label for="field-accent_color">"Accent colour"</label>
            <div class="colour-input">
                <input
                    type="color"
                    aria-label="Pick the accent colour"
                    data-testid="widget-accent-well"
                    prop:value=well
                    on:input=move |ev| draft.accent_color.set(event_target_value(&ev))
                />
                <input
                    id="field-accent_color"
                    type="text"
                    spellcheck="false"
                    autocomplete="off"
                    maxlength="7"
                    data-testid="widget-accent"
                    aria-invalid=move || error.get().is_some().then_some("true")
                    bind:value=draft.accent_color
                />
            </div>
            {move || match error.get() {
                Some(message) => view! { <p class="field-error">{message}</p> }.into_any(),
                None => view! { <p class="field-hint">"The launcher, the chat's header and the visitor's bubbles."</p> }.into_any(),
            }}
        </div>
    }
}

/// A textarea with a characters-left counter and the server's message for `name`.
#[component]
fn LongText(
    label: &'static str,
    name: &'static str,
    testid: &'static str,
    max: usize,
    value: RwSignal<String>,
    problem: RwSignal<FormProblem>,
    hint: &'static str,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error = field_error(problem, name);
    let left = move || max as i64 - value.with(|v| v.chars().count()) as i64;
    view! {
        <div class="field" class:invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            <textarea id=id rows="3" data-testid=testid aria-invalid=move || error.get().is_some().then_some("true") bind:value=value></textarea>
            {move || match error.get() {
                Some(message) => view! { <p class="field-error">{message}</p> }.into_any(),
                None => view! { <p class="field-hint">{hint}</p> }.into_any(),
            }}
            <p class="field-hint counter" class:field-error=move || left() < 0>
                {move || if left() < 0 { format!("{} characters too many", -left()) } else { format!("{} characters left", left()) }}
            </p>
        </div>
    }
}

#[component]
fn PositionField(position: RwSignal<LauncherPosition>) -> impl IntoView {
    let choice = move |value: LauncherPosition, label: &'static str, testid: &'static str| {
        view! {
            <label class="segment" class:selected=move || position.get() == value>
                <input
                    type="radio"
                    name="position"
                    data-testid=testid
                    prop:checked=move || position.get() == value
                    on:change=move |_| position.set(value)
                />
                <span>{label}</span>
            </label>
        }
    };
    view! {
        <div class="field" role="radiogroup" aria-labelledby="position-label">
            <span class="field-label" id="position-label">"Launcher position"</span>
            <div class="segments">
                {choice(LauncherPosition::BottomLeft, "Bottom left", "widget-position-left")}
                {choice(LauncherPosition::BottomRight, "Bottom right", "widget-position-right")}
            </div>
        </div>
    }
}

#[component]
fn PrechatFields(prechat: RwSignal<PrechatForm>) -> impl IntoView {
    let enabled = move || prechat.with(|p| p.enabled);
    view! {
        <label class="check">
            <input
                type="checkbox"
                data-testid="widget-prechat"
                prop:checked=enabled
                on:change=move |ev| prechat.update(|p| p.enabled = event_target_checked(&ev))
            />
            <span>"Ask for the visitor's details before the chat starts"</span>
        </label>
        <div class="prechat-rules" class:muted=move || !enabled()>
            <RuleSelect label="Name" testid="widget-prechat-name" prechat asked=Asked::Name />
            <RuleSelect label="Email" testid="widget-prechat-email" prechat asked=Asked::Email />
            <RuleSelect label="Phone" testid="widget-prechat-phone" prechat asked=Asked::Phone />
        </div>
    }
}

/// One of the details the pre-chat form can ask for.
#[derive(Clone, Copy)]
enum Asked {
    Name,
    Email,
    Phone,
}

impl Asked {
    fn of(self, form: &PrechatForm) -> FieldRule {
        match self {
            Asked::Name => form.name,
            Asked::Email => form.email,
            Asked::Phone => form.phone,
        }
    }

    fn rule(self, form: &mut PrechatForm) -> &mut FieldRule {
        match self {
            Asked::Name => &mut form.name,
            Asked::Email => &mut form.email,
            Asked::Phone => &mut form.phone,
        }
    }
}

/// Off / Optional / Required for one pre-chat field.
#[component]
fn RuleSelect(
    label: &'static str,
    testid: &'static str,
    prechat: RwSignal<PrechatForm>,
    asked: Asked,
) -> impl IntoView {
    let id = format!("rule-{testid}");
    let current = move || prechat.with(|p| asked.of(p)).as_str();
    let set = move |ev: leptos::ev::Event| {
        if let Some(rule) = FieldRule::parse(&event_target_value(&ev)) {
            prechat.update(|p| *asked.rule(p) = rule);
        }
    };
    view! {
        <div class="field rule">
            <label for=id.clone()>{label}</label>
            <select id=id data-testid=testid prop:value=current disabled=move || !prechat.with(|p| p.enabled) on:change=set>
                <option value="off">"Not asked"</option>
                <option value="optional">"Optional"</option>
                <option value="required">"Required"</option>
            </select>
        </div>
    }
}

/// The allowed origins, one per line; the server names a bad one by its index, shown here by
/// its line.
#[component]
fn OriginsField(origins: RwSignal<String>, problem: RwSignal<FormProblem>) -> impl IntoView {
    let errors = Memo::new(move |_| {
        problem.with(|p| {
            let mut lines: Vec<(usize, String)> = p
                .fields
                .iter()
                .filter_map(|(field, message)| origin_line(field).map(|n| (n, message.clone())))
                .collect();
            lines.sort();
            let whole = p.fields.get("allowed_origins").cloned();
            whole
                .into_iter()
                .chain(lines.into_iter().map(|(n, m)| format!("Line {n}: {m}")))
                .collect::<Vec<_>>()
        })
    });
    view! {
        <div class="field" class:invalid=move || !errors.with(Vec::is_empty)>
            <label for="field-allowed_origins">"Allowed websites"</label>
            <textarea
                id="field-allowed_origins"
                rows="3"
                spellcheck="false"
                placeholder="https://shop.example"
                data-testid="widget-origins"
                aria-invalid=move || (!errors.with(Vec::is_empty)).then_some("true")
                bind:value=origins
            ></textarea>
            {move || errors.get().into_iter().map(|m| view! { <p class="field-error">{m}</p> }).collect_view()}
            <p class="field-hint">
                "One origin per line (scheme and host, like https://shop.example). The widget refuses to start anywhere else. Leave empty to allow any website."
            </p>
        </div>
    }
}

/// `allowed_origins[2]` → line 3.
fn origin_line(field: &str) -> Option<usize> {
    let index = field.strip_prefix("allowed_origins[")?.strip_suffix(']')?;
    index.parse::<usize>().ok().map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::origin_line;

    #[test]
    fn a_bad_origin_is_named_by_its_line() {
        assert_eq!(origin_line("allowed_origins[0]"), Some(1));
        assert_eq!(origin_line("allowed_origins[12]"), Some(13));
        assert_eq!(origin_line("allowed_origins"), None);
        assert_eq!(origin_line("title"), None);
    }
}
