//! The forms that open in the panel: Capture Lead (email required; pre-filled from the
//! pre-chat form) and Transfer / Delegate (a teammate and an optional reason of at most 200
//! characters), and Offer times (`offer_times`). The server's field errors show under each
//! field.

use leptos::prelude::*;
use leptos::task::spawn_local;
use switchboard_types::auth::Availability;
use switchboard_types::handoffs::HandoffRequest;
use switchboard_types::leads::CaptureLeadRequest;
use switchboard_types::visitors::AgentSummary;

use super::offer_times::OfferTimesForm;
use super::OpenConversation;
use crate::api;
use crate::components::form::{field_error, Field, FormError, FormProblem, SubmitButton};
use crate::components::shell::use_member;
use crate::components::toast::use_toasts;

/// The longest handoff reason the server accepts.
const REASON_MAX: usize = 200;

/// Which form is open in the panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PanelForm {
    Lead,
    Transfer,
    Delegate,
    OfferTimes,
}

/// `None` for an empty field, so optional fields are left out rather than sent blank.
fn optional(value: RwSignal<String>) -> Option<String> {
    Some(value.get_untracked().trim().to_string()).filter(|v| !v.is_empty())
}

#[component]
pub fn OpenForm() -> impl IntoView {
    let open = expect_context::<OpenConversation>();
    move || {
        open.form.get().map(|form| match form {
            PanelForm::Lead => view! { <LeadForm /> }.into_any(),
            PanelForm::Transfer | PanelForm::Delegate => view! { <HandoffForm form /> }.into_any(),
            PanelForm::OfferTimes => view! { <OfferTimesForm /> }.into_any(),
        })
    }
}

#[component]
fn LeadForm() -> impl IntoView {
    let open = expect_context::<OpenConversation>();
    let toasts = use_toasts();
    let visitor = open
        .detail
        .with_untracked(|d| d.as_ref().map(|d| d.visitor.clone()));
    let prefill =
        |pick: fn(&switchboard_types::conversations::VisitorDetails) -> Option<String>| {
            RwSignal::new(visitor.as_ref().and_then(pick).unwrap_or_default())
        };
    let email = prefill(|v| v.email.clone());
    let name = prefill(|v| v.name.clone());
    let phone = prefill(|v| v.phone.clone().or_else(|| v.whatsapp_phone.clone()));
    let company = RwSignal::new(String::new());
    let message = RwSignal::new(String::new());
    let problem = RwSignal::new(FormProblem::default());
    let (busy, set_busy) = signal(false);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if email.with_untracked(|e| e.trim().is_empty()) {
            problem.set(FormProblem::fields([(
                "email",
                "Enter the visitor's email address.",
            )]));
            return;
        }
        set_busy.set(true);
        let request = CaptureLeadRequest {
            email: email.get_untracked().trim().to_string(),
            name: optional(name),
            phone: optional(phone),
            company: optional(company),
            message: optional(message),
        };
        spawn_local(async move {
            let Some(id) = open.id.try_get_value() else {
                return;
            };
            let saved = api::leads::capture(&id, &request).await;
            _ = set_busy.try_set(false);
            match saved {
                Ok(lead) => {
                    toasts.notice(format!("Lead saved: {}", lead.email));
                    _ = open.form.try_set(None);
                }
                Err(error) => _ = problem.try_set(FormProblem::from_error(&error)),
            }
        });
    };
    view! {
        <form class="panel-form" data-testid="lead-form" on:submit=submit novalidate>
            <h3>"Capture lead"</h3>
            <FormError problem testid="lead-error" />
            <Field label="Email" name="email" input_type="email" autocomplete="off" testid="lead-email" value=email problem autofocus=true />
            <div class="field-row">
                <Field label="Name (optional)" name="name" input_type="text" autocomplete="off" testid="lead-name" value=name problem />
                <Field label="Phone (optional)" name="phone" input_type="tel" autocomplete="off" testid="lead-phone" value=phone problem />
            </div>
            <Field label="Company (optional)" name="company" input_type="text" autocomplete="off" testid="lead-company" value=company problem />
            <Field label="Message (optional)" name="message" input_type="text" autocomplete="off" testid="lead-message" value=message problem />
            <FormButtons busy label="Save lead" busy_label="Saving…" testid="lead-save" />
        </form>
    }
}

#[component]
fn HandoffForm(form: PanelForm) -> impl IntoView {
    let open = expect_context::<OpenConversation>();
    let toasts = use_toasts();
    let me = use_member().0.with_untracked(|m| m.user.id.clone());
    let teammates = LocalResource::new(api::handoffs::teammates);
    let target = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let problem = RwSignal::new(FormProblem::default());
    let (busy, set_busy) = signal(false);
    let transfer = form == PanelForm::Transfer;
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let to = target.get_untracked();
        if to.is_empty() {
            problem.set(FormProblem::fields([("to_user_id", "Choose a teammate.")]));
            return;
        }
        set_busy.set(true);
        let request = HandoffRequest {
            to_user_id: to.into(),
            reason: optional(reason),
        };
        spawn_local(async move {
            let Some(id) = open.id.try_get_value() else {
                return;
            };
            let outcome = if transfer {
                api::handoffs::transfer(&id, &request).await.map(|detail| {
                    _ = open.detail.try_set(Some(detail));
                    "Transferred."
                })
            } else {
                api::handoffs::delegate(&id, &request)
                    .await
                    .map(|_| "Delegation sent.")
            };
            _ = set_busy.try_set(false);
            match outcome {
                Ok(done) => {
                    toasts.notice(done);
                    _ = open.form.try_set(None);
                    open.refetch_soon();
                }
                Err(error) => _ = problem.try_set(FormProblem::from_error(&error)),
            }
        });
    };
    let options = move || {
        teammates.get().map(|loaded| match loaded {
            Ok(list) => list
                .into_iter()
                .filter(|a| a.id != me)
                .map(|a| view! { <TeammateOption agent=a /> })
                .collect_view()
                .into_any(),
            Err(error) => view! { <option disabled=true>{error.message()}</option> }.into_any(),
        })
    };
    let target_error = field_error(problem, "to_user_id");
    let reason_error = field_error(problem, "reason");
    let left = move || REASON_MAX as i64 - reason.with(|r| r.chars().count()) as i64;
    view! {
        <form class="panel-form" data-testid="handoff-form" on:submit=submit novalidate>
            <h3>{if transfer { "Transfer to a teammate" } else { "Delegate to a teammate" }}</h3>
            <p class="form-note">
                {if transfer {
                    "They get the conversation at once."
                } else {
                    "They can accept or reject; you keep the conversation until they accept."
                }}
            </p>
            <FormError problem testid="handoff-error" />
            <div class="field" class:invalid=move || target_error.get().is_some()>
                <label for="handoff-target">"Teammate"</label>
                <select id="handoff-target" data-testid="handoff-target" bind:value=target>
                    <option value="">"Choose a teammate…"</option>
                    {options}
                </select>
                {move || target_error.get().map(|m| view! { <p class="field-error">{m}</p> })}
            </div>
            <div class="field" class:invalid=move || reason_error.get().is_some()>
                <label for="handoff-reason">"Reason (optional)"</label>
                <textarea
                    id="handoff-reason"
                    data-testid="handoff-reason"
                    rows="2"
                    maxlength=REASON_MAX.to_string()
                    bind:value=reason
                ></textarea>
                <p class="field-hint" class:field-error=move || left() < 0 data-testid="reason-left">
                    {move || format!("{} characters left", left().max(0))}
                </p>
                {move || reason_error.get().map(|m| view! { <p class="field-error">{m}</p> })}
            </div>
            <FormButtons
                busy
                label=if transfer { "Transfer" } else { "Send delegation" }
                busy_label="Sending…"
                testid="handoff-submit"
            />
        </form>
    }
}

/// A teammate in the picker, with whether they are online.
#[component]
fn TeammateOption(agent: AgentSummary) -> impl IntoView {
    let status = match agent.availability {
        Availability::Online => "online",
        Availability::Away => "away",
    };
    view! { <option value=agent.id.to_string()>{format!("{} · {status}", agent.name)}</option> }
}

/// Submit and Cancel at the foot of a panel form.
#[component]
fn FormButtons(
    busy: ReadSignal<bool>,
    label: &'static str,
    busy_label: &'static str,
    testid: &'static str,
) -> impl IntoView {
    let open = expect_context::<OpenConversation>();
    view! {
        <div class="form-buttons">
            <button type="button" class="button" on:click=move |_| open.form.set(None)>
                "Cancel"
            </button>
            <SubmitButton label busy_label testid busy />
        </div>
    }
}
