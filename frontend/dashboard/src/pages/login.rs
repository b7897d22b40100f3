//! `/login`: email and password.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_navigate;
use switchboard_types::auth::LoginRequest;

use super::set_title;
use crate::api::{self, session};
use crate::components::auth_layout::AuthLayout;
use crate::components::form::{Field, FormError, FormProblem, SubmitButton};

/// Empty fields are caught here: sending them would only count as a failed sign-in.
fn missing_fields(request: &LoginRequest) -> Option<FormProblem> {
    let mut missing = Vec::new();
    if request.email.is_empty() {
        missing.push(("email", "Enter your email address."));
    }
    if request.password.is_empty() {
        missing.push(("password", "Enter your password."));
    }
    (!missing.is_empty()).then(|| FormProblem::fields(missing))
}

#[component]
pub fn LoginPage() -> impl IntoView {
    if session::is_signed_in() {
        return view! { <Redirect path="/overview" /> }.into_any();
    }
    set_title("Sign in");
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let problem = RwSignal::new(FormProblem::default());
    let (busy, set_busy) = signal(false);
    let navigate = use_navigate();

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let request = LoginRequest {
            email: email.get_untracked().trim().to_string(),
            password: password.get_untracked(),
        };
        if let Some(missing) = missing_fields(&request) {
            problem.set(missing);
            return;
        }
        problem.set(FormProblem::default());
        set_busy.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::auth::login(&request).await {
                Ok(()) => navigate("/overview", Default::default()),
                Err(error) => {
                    problem.set(FormProblem::from_error(&error));
                    set_busy.set(false);
                }
            }
        });
    };

    view! {
        <AuthLayout>
            <h1>"Sign in"</h1>
            <p class="auth-lead">"Welcome back. Sign in to your team's workspace."</p>
            <FormError problem testid="login-error" />
            <form class="form" on:submit=submit novalidate>
                <Field
                    label="Email"
                    name="email"
                    input_type="email"
                    autocomplete="username"
                    testid="login-email"
                    value=email
                    problem
                    autofocus=true
                />
                <Field
                    label="Password"
                    name="password"
                    input_type="password"
                    autocomplete="current-password"
                    testid="login-password"
                    value=password
                    problem
                />
                <SubmitButton label="Sign in" busy_label="Signing in…" testid="login-submit" busy />
            </form>
            <p class="auth-footnote">
                "New to the team? Open the invitation link your admin sent you."
            </p>
        </AuthLayout>
    }
    .into_any()
}
