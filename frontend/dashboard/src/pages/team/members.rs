//! The members: name and email, role (the owner changes agents and admins), online or away,
//! and the actions an admin has on each, destructive ones confirmed in a dialog.

use leptos::prelude::*;
use leptos::task::spawn_local;
use switchboard_types::auth::{Availability, UserView};
use switchboard_types::Role;

use super::Team;
use crate::api;
use crate::components::dialog::ConfirmDialog;
use crate::components::shell::{role_label, use_member};
use crate::components::toast::use_toasts;

/// An action waiting for its confirmation.
#[derive(Clone, PartialEq)]
enum Confirm {
    Deactivate(UserView),
    MakeOwner(UserView),
}

#[component]
pub fn MembersTable(team: Team) -> impl IntoView {
    let confirming = RwSignal::new(None::<Confirm>);
    let rows = move || {
        match team.members.get() {
        None => view! { <p class="loading-note" role="status"><span class="spinner" aria-hidden="true"></span>"Loading the team…"</p> }.into_any(),
        Some(Err(error)) => view! { <p class="form-error" role="alert">{error.message()}</p> }.into_any(),
        Some(Ok(members)) => view! {
            <table class="data-table" data-testid="members">
                <thead>
                    <tr>
                        <th scope="col">"Member"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {members.into_iter().map(|m| view! { <MemberRow member=m team confirming /> }).collect_view()}
                </tbody>
            </table>
        }.into_any(),
    }
    };
    view! {
        <section class="panel table-panel team-members" aria-label="Members">
            {rows}
            {move || confirming.get().map(|c| view! { <MemberConfirm confirm=c team confirming /> })}
        </section>
    }
}

#[component]
fn MemberRow(member: UserView, team: Team, confirming: RwSignal<Option<Confirm>>) -> impl IntoView {
    let me = use_member();
    let my_role = me.role();
    let is_me = me.0.with_untracked(|m| m.user.id == member.id);
    let toasts = use_toasts();
    let id = member.id.0.clone();
    // Only the owner changes roles, and never their own or the owner's.
    let role_cell = if my_role == Role::Owner
        && !is_me
        && member.role != Role::Owner
        && member.active
    {
        let id = id.clone();
        let change = move |ev: leptos::ev::Event| {
            let Some(role) = Role::parse(&event_target_value(&ev)) else {
                return;
            };
            let id = id.clone();
            spawn_local(async move {
                match api::team::change_role(&id, role).await {
                    Ok(m) => toasts.notice(format!(
                        "{} is now {}.",
                        m.name,
                        role_label(m.role).to_lowercase()
                    )),
                    Err(error) => toasts.error(error.message()),
                }
                team.members.refetch();
            });
        };
        view! {
            <select class="role-select" aria-label=format!("Role of {}", member.name) data-testid="member-role" on:change=change>
                <option value="agent" selected=member.role == Role::Agent>"Agent"</option>
                <option value="admin" selected=member.role == Role::Admin>"Admin"</option>
            </select>
        }.into_any()
    } else {
        view! { <span data-testid="member-role-label">{role_label(member.role)}</span> }.into_any()
    };
    let status = if !member.active {
        view! { <span class="member-status inactive">"Deactivated"</span> }.into_any()
    } else if member.availability == Availability::Online {
        view! { <span class="member-status online" data-testid="member-availability">"Online"</span> }.into_any()
    } else {
        view! { <span class="member-status away" data-testid="member-availability">"Away"</span> }
            .into_any()
    };
    let reactivate = {
        let id = id.clone();
        move |_| {
            let id = id.clone();
            spawn_local(async move {
                match api::team::set_active(&id, true).await {
                    Ok(m) => toasts.notice(format!("{} can sign in again.", m.name)),
                    Err(error) => toasts.error(error.message()),
                }
                team.members.refetch();
            });
        }
    };
    let actions = (!is_me && member.role != Role::Owner).then(|| {
        let m1 = member.clone();
        let m2 = member.clone();
        let can_hand_over = my_role == Role::Owner && member.active;
        view! {
            <div class="member-actions">
                {can_hand_over.then(|| view! {
                    <button type="button" class="link-button" data-testid="make-owner" on:click=move |_| confirming.set(Some(Confirm::MakeOwner(m2.clone())))>"Make owner"</button>
                })}
                {if member.active {
                    view! { <button type="button" class="button button-danger-ghost" data-testid="deactivate" on:click=move |_| confirming.set(Some(Confirm::Deactivate(m1.clone())))>"Deactivate"</button> }.into_any()
                } else {
                    view! { <button type="button" class="button" data-testid="reactivate" on:click=reactivate.clone()>"Reactivate"</button> }.into_any()
                }}
            </div>
        }
    });
    view! {
        <tr data-testid="member" data-email=member.email.clone() class:inactive=!member.active>
            <td>
                <div class="member-name">{member.name.clone()}{is_me.then(|| view! { <span class="you">" (you)"</span> })}</div>
                <div class="member-email">{member.email.clone()}</div>
            </td>
            <td>{role_cell}</td>
            <td>{status}</td>
            <td class="member-cell-actions">{actions}</td>
        </tr>
    }
}

#[component]
fn MemberConfirm(
    confirm: Confirm,
    team: Team,
    confirming: RwSignal<Option<Confirm>>,
) -> impl IntoView {
    let toasts = use_toasts();
    let close = Callback::new(move |()| confirming.set(None));
    let (title, body, action, member) = match &confirm {
        Confirm::Deactivate(m) => (
            format!("Deactivate {}?", m.name),
            format!("{} is signed out at once and can no longer sign in; their conversations stay. You can reactivate them later.", m.name),
            "Deactivate",
            m.clone(),
        ),
        Confirm::MakeOwner(m) => (
            format!("Make {} the owner?", m.name),
            format!("{} becomes the workspace's owner, with billing and every role change; you become an admin. Only the new owner can hand it back.", m.name),
            "Make owner",
            m.clone(),
        ),
    };
    let go = Callback::new({
        let confirm = confirm.clone();
        move |()| {
            confirming.set(None);
            let (confirm, id) = (confirm.clone(), member.id.0.clone());
            spawn_local(async move {
                let done = match confirm {
                    Confirm::Deactivate(_) => api::team::set_active(&id, false)
                        .await
                        .map(|m| format!("{} was deactivated.", m.name)),
                    Confirm::MakeOwner(_) => api::team::transfer_ownership(&id)
                        .await
                        .map(|m| format!("{} is now the owner.", m.name)),
                };
                match done {
                    Ok(message) => toasts.notice(message),
                    Err(error) => toasts.error(error.message()),
                }
                team.members.refetch();
                if matches!(confirm, Confirm::MakeOwner(_)) {
                    // The caller's own role changed: the whole app follows.
                    let _ = window().location().reload();
                }
            });
        }
    });
    view! {
        <ConfirmDialog title body action testid="member-dialog" confirm_testid="confirm-member-action" on_close=close on_confirm=go />
    }
}
