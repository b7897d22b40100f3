//! The permission matrix of the product guide, enforced on the server: every operation the
//! server documents, called by every role (agent, admin, owner) and by an API key.

use serde_json::json;

use crate::both_dbs;
use crate::helpers::*;
use crate::routes::{self, Operation, Own};

/// Who may call an operation: the product guide's sidebar per role, endpoint by endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Access {
    /// No sign-in (sign-up, sign-in, invitations, health, the widget's own endpoints).
    Public,
    /// Every member: Overview, Conversations, Leads and their own profile.
    Member,
    /// Admins and the owner: Team, Connectors, Settings.
    Admin,
    /// The owner alone: Billing, roles, handing ownership over.
    Owner,
}

/// The matrix. Every operation the server documents must be here: a new endpoint fails
/// `every_operation_against_every_role` until its access is stated.
fn access(op: &Operation) -> Option<Access> {
    use Access::*;
    let access = match op.key().as_str() {
        "GET /healthz" | "GET /readyz" | "GET /api/v1/openapi.json" => Public,
        "POST /api/v1/auth/signup" | "POST /api/v1/auth/login" | "POST /api/v1/auth/refresh" => {
            Public
        }
        "GET /api/v1/invitations/preview" | "POST /api/v1/invitations/accept" => Public,
        // Signed with the visitor's token or a signed link, not a member's.
        "GET /api/widget/v1/ws"
        | "POST /api/widget/v1/attachments"
        | "GET /api/widget/v1/config" => Public,
        // Meta's calls, checked by the verify token and the body's signature.
        "GET /api/whatsapp/v1/webhook/{connector_id}"
        | "POST /api/whatsapp/v1/webhook/{connector_id}" => Public,
        "GET /api/v1/attachments/{id}" => Member,
        "POST /api/v1/auth/logout" | "GET /api/v1/me" | "PUT /api/v1/me/availability" => Member,
        "GET /api/v1/events" => Member,
        "GET /api/v1/stats/overview" => Member,
        "GET /api/v1/conversations"
        | "GET /api/v1/conversations/counts"
        | "GET /api/v1/conversations/{id}"
        | "GET /api/v1/conversations/{id}/messages"
        | "POST /api/v1/conversations/{id}/messages"
        | "POST /api/v1/conversations/{id}/join"
        | "POST /api/v1/conversations/{id}/leave"
        | "POST /api/v1/conversations/{id}/resolve"
        | "POST /api/v1/conversations/{id}/reopen"
        | "POST /api/v1/conversations/{id}/bookings"
        | "POST /api/v1/conversations/{id}/typing"
        | "POST /api/v1/conversations/{id}/seen"
        | "POST /api/v1/conversations/{id}/suggestions"
        | "POST /api/v1/conversations/{id}/transfer"
        | "POST /api/v1/conversations/{id}/delegations"
        | "POST /api/v1/delegations/{id}/accept"
        | "POST /api/v1/delegations/{id}/reject"
        | "POST /api/v1/delegations/{id}/cancel"
        | "GET /api/v1/agents"
        | "GET /api/v1/visitors/live" => Member,
        "GET /api/v1/quick-replies"
        | "POST /api/v1/quick-replies"
        | "PUT /api/v1/quick-replies/{id}"
        | "DELETE /api/v1/quick-replies/{id}"
        | "POST /api/v1/attachments" => Member,
        "POST /api/v1/conversations/{id}/lead" | "GET /api/v1/leads" => Member,
        "GET /api/v1/team/members"
        | "POST /api/v1/team/members/{user_id}/deactivate"
        | "POST /api/v1/team/members/{user_id}/reactivate"
        | "GET /api/v1/team/invitations"
        | "POST /api/v1/team/invitations"
        | "DELETE /api/v1/team/invitations/{invitation_id}" => Admin,
        "GET /api/v1/api-keys" | "POST /api/v1/api-keys" | "DELETE /api/v1/api-keys/{key_id}" => {
            Admin
        }
        "GET /api/v1/settings" | "PUT /api/v1/settings" | "GET /api/v1/audit-log" => Admin,
        "GET /api/v1/settings/widget" | "PUT /api/v1/settings/widget" => Admin,
        "GET /api/v1/connectors/whatsapp"
        | "PUT /api/v1/connectors/whatsapp"
        | "DELETE /api/v1/connectors/whatsapp"
        | "POST /api/v1/connectors/whatsapp/test" => Admin,
        "GET /api/v1/connectors/whatsapp/templates"
        | "POST /api/v1/conversations/{id}/whatsapp-template" => Member,
        "GET /api/v1/ratings" | "GET /api/v1/ratings/summary" => Admin,
        "GET /api/v1/billing"
        | "PUT /api/v1/team/members/{user_id}/role"
        | "POST /api/v1/team/ownership" => Owner,
        _ => return None,
    };
    Some(access)
}

/// A caller of the matrix: the role it acts with, and whether it is an API key (which acts
/// with an admin's rights, but not where a person must act).
struct Caller<'a> {
    name: &'static str,
    token: &'a str,
    rank: Access,
    api_key: bool,
}

both_dbs!(every_operation_against_every_role, |backend| async move {
    let app = TestApp::spawn(backend).await;
    let owner = app.signup("Acme", &email("owner")).await;
    let admin = app.add_member(&owner, &email("admin"), "admin").await;
    let agent = app.add_member(&owner, &email("agent"), "agent").await;
    let key = app.api_key(&owner, "integration").await;
    let callers = [
        Caller {
            name: "agent",
            token: &agent.access,
            rank: Access::Member,
            api_key: false,
        },
        Caller {
            name: "admin",
            token: &admin.access,
            rank: Access::Admin,
            api_key: false,
        },
        Caller {
            name: "owner",
            token: &owner.access,
            rank: Access::Owner,
            api_key: false,
        },
        Caller {
            name: "api key",
            token: &key,
            rank: Access::Admin,
            api_key: true,
        },
    ];
    let own = Own {
        teammate: &agent.user_id,
    };
    let mut ops = routes::operations(&app).await;
    // Signing out ends the caller's session: last.
    ops.sort_by_key(|op| op.key() == "POST /api/v1/auth/logout");
    let (mut unlisted, mut failures, mut checked) = (Vec::new(), Vec::new(), 0);
    for op in &ops {
        let Some(needed) = access(op) else {
            unlisted.push(op.key());
            continue;
        };
        if needed == Access::Public {
            continue;
        }
        // Ids nobody has: the answer is about the caller, never about an object.
        let path = op.path_with(|_| "not-an-id".to_string());
        for caller in &callers {
            let allowed = caller.rank >= needed
                && !(caller.api_key && (op.person_only || needed == Access::Owner));
            let resp = routes::call(&app, op, &path, Some(caller.token), &own).await;
            let status = resp.status.as_u16();
            checked += 1;
            let right = match allowed {
                true => status != 401 && status != 403,
                false => status == 403 && resp.code() == "forbidden",
            };
            if !right {
                failures.push(format!(
                    "{} {} -> {status} {} (expected {})",
                    caller.name,
                    op.key(),
                    resp.code(),
                    if allowed {
                        "to be let through"
                    } else {
                        "403 forbidden"
                    }
                ));
            }
        }
    }
    assert!(
        unlisted.is_empty(),
        "operations missing from the permission matrix (permissions.rs):\n{}",
        unlisted.join("\n")
    );
    assert!(
        failures.is_empty(),
        "permission matrix violations:\n{}",
        failures.join("\n")
    );
    assert!(
        checked >= 4 * 40,
        "only {checked} calls: the document lost its routes?"
    );
});

both_dbs!(sections_listed_per_role, |backend| async move {
    let app = TestApp::spawn(backend).await;
    let owner = app.signup("Acme", &email("owner")).await;
    let admin = app.add_member(&owner, &email("admin"), "admin").await;
    let agent = app.add_member(&owner, &email("agent"), "agent").await;
    let app = &app;
    let sections =
        |token: String| async move { app.get("/api/v1/me", &token).await.body["sections"].clone() };
    assert_eq!(
        sections(agent.access).await,
        json!(["overview", "conversations", "tickets", "leads"])
    );
    assert_eq!(
        sections(admin.access).await,
        json!([
            "overview",
            "conversations",
            "tickets",
            "leads",
            "analytics",
            "reviews",
            "knowledge_gaps",
            "help_center",
            "documents",
            "connectors",
            "team",
            "settings"
        ])
    );
    let all = sections(owner.access).await;
    assert_eq!(all.as_array().unwrap().len(), 13);
    assert_eq!(all.as_array().unwrap().last().unwrap(), "billing");
});
