//! Inviting: an email and a role; the answer is a single-use link to send them, shown with
//! Copy. Pending invitations are listed with Revoke.

use leptos::prelude::*;
use leptos::task::spawn_local;
use switchboard_types::Role;

use super::Team;
use crate::api;
use crate::components::copy_button::CopyField;
use crate::components::form::{Field, FormError, FormProblem, SubmitButton};
use crate::components::shell::role_label;
use crate::components::time::exact;
use crate::components::toast::use_toasts;

#[component]
pub fn InviteForm(team: Team) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let role = RwSignal::new("agent".to_string());
    let problem = RwSignal::new(FormProblem::default());
    let (busy, set_busy) = signal(false);
    let link = RwSignal::new(None::<(String, String)>);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let address = email.get_untracked().trim().to_string();
        if address.is_empty() {
            problem.set(FormProblem::fields([(
                "email",
                "Enter the email address to invite.",
            )]));
            return;
        }
        let chosen = Role::parse(&role.get_untracked()).unwrap_or(Role::Agent);
        set_busy.set(true);
        spawn_local(async move {
            let created = api::team::invite(address.clone(), chosen).await;
            _ = set_busy.try_set(false);
            match created {
                Ok(created) => {
                    problem.set(FormProblem::default());
                    email.set(String::new());
                    link.set(Some((address, created.invite_url)));
                    team.invitations.refetch();
                }
                Err(error) => problem.set(FormProblem::from_error(&error)),
            }
        });
    };
    view! {
        <section class="panel invite-card" aria-labelledby="invite-heading">
            <h2 id="invite-heading">"Invite a teammate"</h2>
            <form class="form" data-testid="invite-form" on:submit=submit novalidate>
                <FormError problem testid="invite-error" />
                <Field label="Email" name="email" input_type="email" autocomplete="off" testid="invite-email" value=email problem />
                <div class="field">
                    <label for="invite-role">"Role"</label>
                    <select id="invite-role" class="role-select" data-testid="invite-role" bind:value=role>
                        <option value="agent">"Agent: answers conversations"</option>
                        <option value="admin">"Admin: also team and settings"</option>
                    </select>
                </div>
                <SubmitButton label="Create invitation" busy_label="Inviting…" testid="invite-submit" busy />
            </form>
            {move || link.get().map(|(to, url)| view! { <InviteLink to url /> })}
        </section>
    }
}

/// The link to send the invited person, with Copy.
#[component]
fn InviteLink(to: String, url: String) -> impl IntoView {
    view! {
        <div data-testid="invite-link">
            <CopyField text=url label="Copy link" testid="copy-invite" field_testid="invite-url" field_label="Invitation link">
                "Send this link to " <strong>{to}</strong> ". It works once and expires in 7 days."
            </CopyField>
        </div>
    }
}

#[component]
pub fn PendingInvitations(team: Team) -> impl IntoView {
    let toasts = use_toasts();
    let revoke = move |id: String| {
        spawn_local(async move {
            match api::team::revoke(&id).await {
                Ok(()) => toasts.notice("Invitation revoked."),
                Err(error) => toasts.error(error.message()),
            }
            team.invitations.refetch();
        });
    };
    view! {
        <section class="panel invitations-card" aria-labelledby="pending-heading">
            <h2 id="pending-heading">"Pending invitations"</h2>
            {move || {
                let pending = team.pending();
                if pending.is_empty() {
                    view! { <p class="form-note" data-testid="no-invitations">"No invitation is waiting to be accepted."</p> }.into_any()
                } else {
                    view! {
                        <ul class="invitation-list">
                            {pending.into_iter().map(|i| {
                                let id = i.id.0.clone();
                                view! {
                                    <li class="invitation" data-testid="invitation">
                                        <div>
                                            <div class="member-name">{i.email.clone()}</div>
                                            <div class="member-email">{role_label(i.role)} " · expires " {exact(i.expires_at)}</div>
                                        </div>
                                        <button type="button" class="link-button" data-testid="revoke-invitation" on:click=move |_| revoke(id.clone())>"Revoke"</button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
        </section>
    }
}
