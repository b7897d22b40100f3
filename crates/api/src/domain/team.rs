//! The team: members, invitations, role changes, ownership and deactivation.
//!
//! Rules: admins and the owner manage the team; only the owner makes admins (by invitation or
//! role change) and changes roles; there is always exactly one owner, who hands ownership over
//! explicitly; admins cannot deactivate admins; nobody deactivates the owner or themselves.

use chrono::Duration as ChronoDuration;
use serde_json::json;
use switchboard_types::auth::{AuthTokens, Availability, UserView};
use switchboard_types::events::EventPayload;
use switchboard_types::team::{
    AcceptInvitationRequest, CreatedInvitation, InvitationPreview, InvitationStatus,
    InvitationView, InviteRequest, OwnershipTransferRequest, RoleChangeRequest,
};
use switchboard_types::TenantId;
use switchboard_types::{Role, Section};

use super::audit::{self, Target};
use super::auth;
use super::member::Member;
use super::outbox::Outbox;
use super::{secrets, validate, RequestMeta};
use crate::clock::{new_id, now, to_utc};
use crate::error::{AppError, ErrorCode, Violations};
use crate::state::AppState;
use crate::store::{self, invitations::Invitation, users::User, Conn};

const INVITATION_DAYS: i64 = 7;

/// Every member of the tenant, oldest first.
pub async fn list_members(state: &AppState, member: &Member) -> Result<Vec<UserView>, AppError> {
    member.require_section(Section::Team)?;
    let tenant = member.tenant_id.clone();
    let users = state
        .db
        .read(move |conn| Ok(store::users::list(conn, &tenant)?))
        .await?;
    Ok(users.into_iter().map(user_view).collect())
}

/// Invites `email` as an agent or (owner only) an admin, withdrawing older links for the email.
pub async fn invite(
    state: &AppState,
    member: &Member,
    req: InviteRequest,
    meta: RequestMeta,
) -> Result<CreatedInvitation, AppError> {
    member.require_section(Section::Team)?;
    let mut v = Violations::default();
    let email = validate::email(&mut v, "email", &req.email);
    if req.role == Role::Owner {
        v.add(
            "role",
            "must be agent or admin; hand ownership over from the team page instead",
        );
    }
    v.finish()?;
    if req.role == Role::Admin && member.role != Role::Owner {
        return Err(AppError::Forbidden(
            "Only the owner can invite admins.".into(),
        ));
    }
    let token = secrets::random_token();
    let invite_url = format!("{}/accept-invitation?token={token}", public_url(state));
    let (member, token_hash) = (member.clone(), secrets::token_hash(&token));
    let invitation = state
        .db
        .write(move |conn| {
            if store::users::find_by_email(conn, &email)?.is_some() {
                return Err(AppError::conflict(
                    ErrorCode::AlreadyMember,
                    "Someone already has an account with this email.",
                    json!({ "field": "email" }),
                ));
            }
            let at = now();
            store::invitations::revoke_open_for_email(conn, &member.tenant_id, &email, at)?;
            let invitation = Invitation {
                id: new_id(),
                tenant_id: member.tenant_id.clone(),
                email,
                role: req.role,
                token_hash,
                invited_by: member.user_id()?.to_string(),
                created_at: at,
                expires_at: at + ChronoDuration::days(INVITATION_DAYS),
                accepted_at: None,
                revoked_at: None,
            };
            store::invitations::insert(conn, &invitation)?;
            let target = Target {
                kind: "invitation",
                id: &invitation.id,
            };
            let details = json!({ "email": invitation.email, "role": invitation.role });
            audit::record(conn, &member, &meta, "team.invited", Some(target), details)?;
            Ok(invitation)
        })
        .await?;
    Ok(CreatedInvitation {
        invitation: invitation_view(invitation),
        token,
        invite_url,
    })
}

/// The tenant's invitations, newest first.
pub async fn list_invitations(
    state: &AppState,
    member: &Member,
) -> Result<Vec<InvitationView>, AppError> {
    member.require_section(Section::Team)?;
    let tenant = member.tenant_id.clone();
    let rows = state
        .db
        .read(move |conn| Ok(store::invitations::list(conn, &tenant)?))
        .await?;
    Ok(rows.into_iter().map(invitation_view).collect())
}

/// Withdraws a pending invitation.
pub async fn revoke_invitation(
    state: &AppState,
    member: &Member,
    invitation_id: String,
    meta: RequestMeta,
) -> Result<(), AppError> {
    member.require_section(Section::Team)?;
    let member = member.clone();
    state
        .db
        .write(move |conn| {
            if store::invitations::revoke(conn, &member.tenant_id, &invitation_id, now())? == 0 {
                return Err(AppError::NotFound("Pending invitation"));
            }
            let target = Target {
                kind: "invitation",
                id: &invitation_id,
            };
            audit::record(
                conn,
                &member,
                &meta,
                "team.invitation_revoked",
                Some(target),
                json!({}),
            )
        })
        .await
}

/// What the accept screen shows; 404 for unknown, used, revoked or expired tokens.
pub async fn preview_invitation(
    state: &AppState,
    token: String,
) -> Result<InvitationPreview, AppError> {
    let hash = secrets::token_hash(&token);
    state
        .db
        .read(move |conn| {
            let invitation = open_invitation(conn, &hash)?;
            let tenant = store::tenants::find(conn, &invitation.tenant_id)?;
            Ok(InvitationPreview {
                workspace_name: tenant.name,
                email: invitation.email,
                role: invitation.role,
            })
        })
        .await
}

/// Creates the invitee's account and signs them in. The token works once.
pub async fn accept_invitation(
    state: &AppState,
    req: AcceptInvitationRequest,
    meta: RequestMeta,
) -> Result<AuthTokens, AppError> {
    let mut v = Violations::default();
    let name = validate::text(&mut v, "name", &req.name, 1, 100);
    validate::password(&mut v, "password", &req.password);
    v.finish()?;
    let password_hash = auth::hash_off_thread(req.password).await?;
    let hash = secrets::token_hash(&req.token);
    let state2 = state.clone();
    let (user, session_id, refresh) = state
        .db
        .write(move |conn| {
            let invitation = open_invitation(conn, &hash)?;
            auth::ensure_email_free(conn, &invitation.email)?;
            if !store::invitations::mark_accepted(conn, &invitation.id, now())? {
                return Err(AppError::NotFound("Invitation"));
            }
            let user = User {
                id: new_id(),
                tenant_id: invitation.tenant_id.clone(),
                email: invitation.email.clone(),
                name,
                password_hash,
                role: invitation.role,
                availability: Availability::Online,
                active: true,
                created_at: now(),
                deactivated_at: None,
            };
            store::users::insert(conn, &user)?;
            let (session_id, refresh) = auth::open_session(conn, &state2, &user, &meta)?;
            let target = Target {
                kind: "invitation",
                id: &invitation.id,
            };
            let details = json!({ "role": user.role });
            let actor = auth::user_actor(&user);
            audit::record_as(
                conn,
                &user.tenant_id,
                actor,
                &meta,
                "team.invitation_accepted",
                Some(target),
                details,
            )?;
            Ok((user, session_id, refresh))
        })
        .await?;
    auth::tokens(state, &user, &session_id, refresh)
}

fn open_invitation(conn: &mut Conn, token_hash: &str) -> Result<Invitation, AppError> {
    match store::invitations::find_by_token_hash(conn, token_hash)? {
        Some(i) if i.accepted_at.is_none() && i.revoked_at.is_none() && i.expires_at > now() => {
            Ok(i)
        }
        _ => Err(AppError::NotFound(
            "Invitation (it may be used, withdrawn or expired)",
        )),
    }
}

/// Changes a member between agent and admin. Owner only.
pub async fn change_role(
    state: &AppState,
    member: &Member,
    user_id: String,
    req: RoleChangeRequest,
    meta: RequestMeta,
) -> Result<UserView, AppError> {
    member.require_section(Section::Team)?;
    member.require_role(Role::Owner)?;
    if req.role == Role::Owner {
        return Err(AppError::rejected(
            ErrorCode::UseOwnershipTransfer,
            "There is exactly one owner. Use the ownership transfer to hand it over.",
        ));
    }
    let member = member.clone();
    let tenant = member.tenant_id.clone();
    let user = state
        .transact(&tenant, move |conn, outbox| {
            let target = find_member(conn, &member.tenant_id, &user_id)?;
            if target.role == Role::Owner {
                return Err(AppError::rejected(
                    ErrorCode::OwnerRoleFixed,
                    "The owner's role changes only by handing ownership to someone else.",
                ));
            }
            store::users::set_role(conn, &member.tenant_id, &target.id, req.role.as_str())?;
            let details = json!({ "from": target.role, "to": req.role.as_str() });
            let t = Target {
                kind: "user",
                id: &target.id,
            };
            audit::record(conn, &member, &meta, "team.role_changed", Some(t), details)?;
            let changed = find_member(conn, &member.tenant_id, &target.id)?;
            announce(outbox, &changed);
            Ok(changed)
        })
        .await?;
    Ok(user_view(user))
}

/// Hands ownership to another active member; the old owner becomes an admin.
pub async fn transfer_ownership(
    state: &AppState,
    member: &Member,
    req: OwnershipTransferRequest,
    meta: RequestMeta,
) -> Result<UserView, AppError> {
    member.require_role(Role::Owner)?;
    let me = member.user_id()?.to_string();
    if req.to_user_id.as_str() == me {
        return Err(AppError::rejected(
            ErrorCode::AlreadyOwner,
            "You already own this workspace.",
        ));
    }
    let member = member.clone();
    let to = req.to_user_id.0;
    let user = state
        .db
        .write(move |conn| {
            let target = find_member(conn, &member.tenant_id, &to)?;
            if !target.active {
                return Err(AppError::rejected(
                    ErrorCode::MemberInactive,
                    "Ownership can only go to an active member.",
                ));
            }
            store::users::set_role(conn, &member.tenant_id, &target.id, Role::Owner.as_str())?;
            store::users::set_role(conn, &member.tenant_id, &me, Role::Admin.as_str())?;
            let t = Target {
                kind: "user",
                id: &target.id,
            };
            audit::record(
                conn,
                &member,
                &meta,
                "team.ownership_transferred",
                Some(t),
                json!({ "from": me }),
            )?;
            find_member(conn, &member.tenant_id, &target.id)
        })
        .await?;
    Ok(user_view(user))
}

/// Deactivates or reactivates a member. Deactivation ends their sessions at once.
pub async fn set_active(
    state: &AppState,
    member: &Member,
    user_id: String,
    active: bool,
    meta: RequestMeta,
) -> Result<UserView, AppError> {
    member.require_section(Section::Team)?;
    let member = member.clone();
    let tenant = member.tenant_id.clone();
    let user = state
        .transact(&tenant, move |conn, outbox| {
            let target = find_member(conn, &member.tenant_id, &user_id)?;
            check_may_change_activation(&member, &target, active)?;
            let at = now();
            store::users::set_active(
                conn,
                &member.tenant_id,
                &target.id,
                active,
                (!active).then_some(at),
            )?;
            if !active {
                store::sessions::revoke_all_of_user(conn, &member.tenant_id, &target.id, at)?;
            }
            let action = if active {
                "team.member_reactivated"
            } else {
                "team.member_deactivated"
            };
            audit::record(
                conn,
                &member,
                &meta,
                action,
                Some(Target {
                    kind: "user",
                    id: &target.id,
                }),
                json!({}),
            )?;
            let changed = find_member(conn, &member.tenant_id, &target.id)?;
            announce(outbox, &changed);
            Ok(changed)
        })
        .await?;
    Ok(user_view(user))
}

/// Tells the workspace's dashboards a member changed; their own sockets check their session
/// on it, so a deactivated member's open dashboard ends at once.
fn announce(outbox: &mut Outbox, user: &User) {
    outbox.emit(
        EventPayload::MemberUpdated(user_view(user.clone())),
        None,
        None,
    );
}

fn check_may_change_activation(
    member: &Member,
    target: &User,
    active: bool,
) -> Result<(), AppError> {
    // Reactivating is refused for the same people as deactivating, in its own words: nobody
    // deactivated them (themselves, the owner), so there is nothing to undo.
    if member.user_id_opt() == Some(target.id.as_str()) {
        return Err(match active {
            false => AppError::rejected(
                ErrorCode::CannotDeactivateSelf,
                "You cannot deactivate yourself.",
            ),
            true => AppError::rejected(
                ErrorCode::CannotReactivateSelf,
                "You cannot reactivate yourself; you are signed in, so you are active.",
            ),
        });
    }
    if target.role == Role::Owner {
        return Err(match active {
            false => AppError::rejected(
                ErrorCode::CannotDeactivateOwner,
                "The owner cannot be deactivated; hand ownership over first.",
            ),
            true => AppError::rejected(
                ErrorCode::CannotReactivateOwner,
                "The owner is never deactivated, so there is nothing to reactivate.",
            ),
        });
    }
    if target.role == Role::Admin && member.role != Role::Owner {
        return Err(AppError::Forbidden(
            "Only the owner can deactivate or reactivate admins.".into(),
        ));
    }
    Ok(())
}

/// The member with this id in the tenant, or 404 (also for other tenants' members).
pub fn find_member(conn: &mut Conn, tenant_id: &TenantId, user_id: &str) -> Result<User, AppError> {
    store::users::find(conn, tenant_id, user_id)?.ok_or(AppError::NotFound("Team member"))
}

/// A user row as the API shows it.
pub fn user_view(user: User) -> UserView {
    UserView {
        id: user.id.into(),
        role: user.role,
        availability: user.availability,
        email: user.email,
        name: user.name,
        active: user.active,
        created_at: to_utc(user.created_at),
    }
}

fn invitation_view(row: Invitation) -> InvitationView {
    let status = if row.accepted_at.is_some() {
        InvitationStatus::Accepted
    } else if row.revoked_at.is_some() {
        InvitationStatus::Revoked
    } else if row.expires_at <= now() {
        InvitationStatus::Expired
    } else {
        InvitationStatus::Pending
    };
    InvitationView {
        id: row.id.into(),
        email: row.email,
        role: row.role,
        invited_by: row.invited_by.into(),
        status,
        created_at: to_utc(row.created_at),
        expires_at: to_utc(row.expires_at),
    }
}

/// The base URL for links we hand out.
pub fn public_url(state: &AppState) -> String {
    state
        .config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", state.config.bind))
}
