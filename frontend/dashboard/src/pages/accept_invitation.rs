//! `/accept-invitation?token=…`: someone invited to a team picks their name and password.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};
use switchboard_types::team::{AcceptInvitationRequest, InvitationPreview};

use super::set_title;
use crate::api::{self, ApiError};
use crate::components::auth_layout::AuthLayout;
use crate::components::form::{Field, FormError, FormProblem, SubmitButton};
use crate::components::icons::{Icon, ALERT};
use crate::components::shell::role_label;

const MIN_PASSWORD_CHARS: usize = 10;
const INVALID_LINK: &str = "This invitation link is no longer valid. It may have been used \
    already, withdrawn, or expired. Ask your workspace admin to send you a new one.";

#[component]
pub fn AcceptInvitationPage() -> impl IntoView {
    set_title("Join your team");
    let query = use_query_map();
    let token = query
        .with_untracked(|q| q.get("token"))
        .filter(|token| !token.trim().is_empty());
    view! {
        <AuthLayout>
            {match token {
                Some(token) => view! { <Invitation token /> }.into_any(),
                None => view! { <InvalidInvitation /> }.into_any(),
            }}
        </AuthLayout>
    }
}

/// Loads what the invitation is for, then shows the form.
#[component]
fn Invitation(token: String) -> impl IntoView {
    let preview = LocalResource::new({
        let token = token.clone();
        move || {
            let token = token.clone();
            async move { api::invitations::preview(&token).await }
        }
    });
    move || match preview.get() {
        None => view! {
            <p class="loading-note" role="status">
                <span class="spinner" aria-hidden="true"></span>
                "Checking your invitation…"
            </p>
        }
        .into_any(),
        Some(Ok(invitation)) => view! { <AcceptForm token=token.clone() invitation /> }.into_any(),
        Some(Err(error)) if error.status() == Some(404) => {
            view! { <InvalidInvitation /> }.into_any()
        }
        Some(Err(error)) => view! {
            <div class="form-error" role="alert">{error.message()}</div>
            <button type="button" class="button button-block" on:click=move |_| preview.refetch()>
                "Try again"
            </button>
        }
        .into_any(),
    }
}

#[component]
fn InvalidInvitation() -> impl IntoView {
    view! {
        <div class="state-panel" data-testid="invitation-invalid">
            <div class="state-icon state-icon-danger">
                <Icon d=ALERT />
            </div>
            <h1>"Invitation not valid"</h1>
            <p>{INVALID_LINK}</p>
            <a class="button" href="/login">
                "Go to sign in"
            </a>
        </div>
    }
}

fn check(request: &AcceptInvitationRequest) -> Option<FormProblem> {
    let mut problems = Vec::new();
    if request.name.is_empty() {
        problems.push(("name", "Enter your name as your team will see it."));
    }
    if request.password.chars().count() < MIN_PASSWORD_CHARS {
        problems.push(("password", "Use at least 10 characters."));
    }
    (!problems.is_empty()).then(|| FormProblem::fields(problems))
}

/// The server's answer in words; a link that stopped working while the form was open gets the
/// same explanation as one that was dead on arrival.
fn accept_problem(error: &ApiError) -> FormProblem {
    let mut problem = FormProblem::from_error(error);
    if error.status() == Some(404) {
        problem.message = Some(INVALID_LINK.into());
    }
    problem
}

#[component]
fn AcceptForm(token: String, invitation: InvitationPreview) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let problem = RwSignal::new(FormProblem::default());
    let (busy, set_busy) = signal(false);
    let navigate = use_navigate();

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let request = AcceptInvitationRequest {
            token: token.clone(),
            name: name.get_untracked().trim().to_string(),
            password: password.get_untracked(),
        };
        if let Some(found) = check(&request) {
            problem.set(found);
            return;
        }
        problem.set(FormProblem::default());
        set_busy.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::invitations::accept(&request).await {
                Ok(()) => navigate("/overview", Default::default()),
                Err(error) => {
                    problem.set(accept_problem(&error));
                    set_busy.set(false);
                }
            }
        });
    };

    view! {
        <h1>"Join " <span data-testid="invite-workspace">{invitation.workspace_name}</span></h1>
        <p class="auth-lead">"Create your account to start working with your team."</p>
        <dl class="invitation-facts">
            <div>
                <dt>"Email"</dt>
                <dd data-testid="invite-email">{invitation.email}</dd>
            </div>
            <div>
                <dt>"Role"</dt>
                <dd data-testid="invite-role">{role_label(invitation.role)}</dd>
            </div>
        </dl>
        <FormError problem testid="invite-error" />
        <form class="form" on:submit=submit novalidate>
            <Field
                label="Your name"
                name="name"
                input_type="text"
                autocomplete="name"
                testid="invite-name"
                value=name
                problem
                autofocus=true
            />
            <Field
                label="Choose a password"
                name="password"
                input_type="password"
                autocomplete="new-password"
                testid="invite-password"
                value=password
                problem
                hint="At least 10 characters."
            />
            <SubmitButton
                label="Create account and join"
                busy_label="Creating your account…"
                testid="invite-submit"
                busy
            />
        </form>
    }
}
