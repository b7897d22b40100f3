//! Form pieces shared by the sign-in, invitation and panel forms: labelled fields that show their
//! own error, the error banner, and the submit button with its busy state.

use std::collections::HashMap;

use leptos::prelude::*;

use crate::api::ApiError;

/// Why the last submit failed: a sentence for the banner and messages for single fields.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FormProblem {
    pub message: Option<String>,
    pub fields: HashMap<String, String>,
}

impl FormProblem {
    /// The server's sentence, plus its per-field messages on a validation failure.
    pub fn from_error(error: &ApiError) -> Self {
        FormProblem {
            message: Some(error.message()),
            fields: error.field_errors(),
        }
    }

    /// Problems found before sending anything (empty or too short fields).
    pub fn fields(fields: impl IntoIterator<Item = (&'static str, &'static str)>) -> Self {
        FormProblem {
            message: None,
            fields: fields
                .into_iter()
                .map(|(name, msg)| (name.to_string(), msg.to_string()))
                .collect(),
        }
    }
}

/// The message for field `name` of the last failed submit, if any.
pub fn field_error(problem: RwSignal<FormProblem>, name: &'static str) -> Memo<Option<String>> {
    Memo::new(move |_| problem.with(|p| p.fields.get(name).cloned()))
}

/// A labelled input bound to `value`, showing `problem`'s message for `name` under it.
#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    input_type: &'static str,
    autocomplete: &'static str,
    testid: &'static str,
    value: RwSignal<String>,
    problem: RwSignal<FormProblem>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] autofocus: bool,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let error = field_error(problem, name);
    let described_by = {
        let error_id = error_id.clone();
        move || error.get().map(|_| error_id.clone())
    };
    view! {
        <div class="field" class:invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=input_type
                autocomplete=autocomplete
                data-testid=testid
                autofocus=autofocus
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described_by
                bind:value=value
            />
            {move || match error.get() {
                Some(message) => {
                    view! {
                        <p class="field-error" id=error_id.clone()>
                            {message}
                        </p>
                    }
                        .into_any()
                }
                None => hint.map(|hint| view! { <p class="field-hint">{hint}</p> }).into_any(),
            }}
        </div>
    }
}

/// The banner above a form saying why the last submit failed.
#[component]
pub fn FormError(problem: RwSignal<FormProblem>, testid: &'static str) -> impl IntoView {
    move || {
        problem.with(|p| p.message.clone()).map(|message| {
            view! {
                <div class="form-error" role="alert" data-testid=testid>
                    {message}
                </div>
            }
        })
    }
}

/// The submit button; while `busy` it shows a spinner and `busy_label` and ignores clicks.
#[component]
pub fn SubmitButton(
    label: &'static str,
    busy_label: &'static str,
    testid: &'static str,
    busy: ReadSignal<bool>,
) -> impl IntoView {
    view! {
        <button
            type="submit"
            class="button button-primary button-block"
            data-testid=testid
            disabled=busy
            aria-busy=move || busy.get().then_some("true")
        >
            <Show when=move || busy.get()>
                <span class="spinner" aria-hidden="true"></span>
            </Show>
            {move || if busy.get() { busy_label } else { label }}
        </button>
    }
}
