//! `/team` (admins and the owner): the members with their role and availability (live), and
//! what admins do with them: invite by email (the single-use link shown with Copy), revoke a
//! pending invitation, change a role (the owner), hand ownership over (the owner, confirmed),
//! deactivate and reactivate (confirmed; a deactivated member is signed out at once).

mod invite;
mod members;

use leptos::prelude::*;
use switchboard_types::auth::UserView;
use switchboard_types::events::EventPayload;
use switchboard_types::team::{InvitationStatus, InvitationView};

use crate::api;
use crate::components::live_updates::use_live_updates;
use invite::{InviteForm, PendingInvitations};
use members::MembersTable;

/// The page's data, shared by its parts: who is on the team and who is invited.
#[derive(Clone, Copy)]
pub struct Team {
    pub members: LocalResource<Result<Vec<UserView>, api::ApiError>>,
    pub invitations: LocalResource<Result<Vec<InvitationView>, api::ApiError>>,
}

impl Team {
    /// Pending invitations only: the others are history.
    pub fn pending(self) -> Vec<InvitationView> {
        self.invitations
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .filter(|i| i.status == InvitationStatus::Pending)
            .collect()
    }
}

#[component]
pub fn TeamPage() -> impl IntoView {
    let team = Team {
        members: LocalResource::new(api::team::members),
        invitations: LocalResource::new(api::team::invitations),
    };
    // Teammates going online or away, and changes another admin made, show at once.
    use_live_updates().on_event(move |event| {
        if matches!(
            event.payload,
            EventPayload::AgentAvailability(_) | EventPayload::MemberUpdated(_)
        ) {
            team.members.refetch();
        }
    });
    view! {
        <div class="team-page">
            <header class="page-header">
                <h1 data-testid="section-title">"Team"</h1>
                <p class="page-subtitle">"Members, invitations and roles."</p>
            </header>
            <div class="team-layout">
                <MembersTable team />
                <aside class="team-side">
                    <InviteForm team />
                    <PendingInvitations team />
                </aside>
            </div>
        </div>
    }
}
