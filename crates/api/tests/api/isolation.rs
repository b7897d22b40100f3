//! Tenant isolation: another tenant's members and keys never see or change this tenant's data.
//! The sweep calls every operation the server documents that names an object in its path with
//! the ids of another tenant's objects; the rest checks that lists, counts and sockets show
//! only the caller's own.

use reqwest::Method;
use serde_json::json;
use switchboard_types::conversations::ConversationStatus;

use crate::both_dbs;
use crate::helpers::*;
use crate::routes::{self, Own};

/// Tenant A with one object of every kind an operation's path can name.
struct TenantA {
    owner: Session,
    agent: Session,
    conversation: String,
    delegation: String,
    quick_reply: String,
    attachment: String,
    invitation: String,
    invitation_token: String,
    api_key: String,
}

async fn tenant_a(app: &TestApp) -> TenantA {
    let owner = app.signup("Tenant A", &email("a-owner")).await;
    let agent = app.add_member(&owner, &email("a-agent"), "agent").await;
    let key = app.widget_key(&owner).await;
    let (_visitor, conversation) = app.visitor_says(&key, "secret question").await;
    let a = app.as_(&owner);
    a.join(&conversation).await.unwrap();
    let delegation = a.delegate(&conversation, &agent, None).await.unwrap();
    a.capture_lead(&conversation, json!({ "email": "lead@a.com" }))
        .await
        .unwrap();
    let reply = a.create_quick_reply("secret", "A", "A only").await.unwrap();
    let file = upload(app, &owner.access, "a.png", PNG.to_vec(), "image/png")
        .await
        .expect(201);
    let invite = app
        .post(
            "/api/v1/team/invitations",
            &owner.access,
            json!({ "email": email("a-invited"), "role": "agent" }),
        )
        .await
        .expect(201);
    let api_key = app
        .post(
            "/api/v1/api-keys",
            &owner.access,
            json!({ "name": "A key" }),
        )
        .await
        .expect(201);
    TenantA {
        conversation,
        delegation: delegation.id.0,
        quick_reply: reply.id.0,
        attachment: file.body["id"].as_str().unwrap().to_string(),
        invitation: invite.body["invitation"]["id"]
            .as_str()
            .unwrap()
            .to_string(),
        invitation_token: invite.body["token"].as_str().unwrap().to_string(),
        api_key: api_key.body["key"]["id"].as_str().unwrap().to_string(),
        owner,
        agent,
    }
}

impl TenantA {
    /// A's object for a path parameter of `path`; `None` for a parameter the sweep does not
    /// know yet (the test then says which).
    fn id_for(&self, path: &str, param: &str) -> Option<String> {
        let id = match param {
            "user_id" => &self.agent.user_id,
            "invitation_id" => &self.invitation,
            "key_id" => &self.api_key,
            "id" if path.starts_with("/api/v1/conversations/") => &self.conversation,
            "id" if path.starts_with("/api/v1/delegations/") => &self.delegation,
            "id" if path.starts_with("/api/v1/quick-replies/") => &self.quick_reply,
            "id" if path.starts_with("/api/v1/attachments/") => &self.attachment,
            _ => return None,
        };
        Some(id.clone())
    }
}

both_dbs!(
    every_operation_naming_another_tenants_object_is_404,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let a = tenant_a(&app).await;
        let before = app.as_(&a.owner).detail(&a.conversation).await.unwrap();

        let b = app.signup("Tenant B", &email("b-owner")).await;
        let b_agent = app.add_member(&b, &email("b-agent"), "agent").await;
        let b_key = app.api_key(&b, "B key").await;
        let own = Own {
            teammate: &b_agent.user_id,
        };
        let (mut unknown, mut leaks, mut swept) = (Vec::new(), Vec::new(), 0);
        for op in routes::operations(&app).await {
            // Meta's webhook takes no bearer token: a number's webhook is reached only with its
            // app secret's signature, which whatsapp.rs proves per tenant.
            if !op.path.contains('{') || op.path.starts_with("/api/whatsapp/") {
                continue;
            }
            let mut missing = None;
            let path = op.path_with(|param| {
                a.id_for(&op.path, param).unwrap_or_else(|| {
                    missing = Some(param.to_string());
                    String::new()
                })
            });
            if let Some(param) = missing {
                unknown.push(format!("{} ({{{param}}})", op.key()));
                continue;
            }
            for (who, token) in [
                ("B's owner", b.access.as_str()),
                ("B's key", b_key.as_str()),
            ] {
                let resp = routes::call(&app, &op, &path, Some(token), &own).await;
                swept += 1;
                // A key is refused where a person must act, before anything is looked up.
                let refused_first = who == "B's key"
                    && (op.person_only || op.key() == "PUT /api/v1/team/members/{user_id}/role");
                let expected = if refused_first { 403 } else { 404 };
                if resp.status.as_u16() != expected {
                    leaks.push(format!(
                        "{who}: {} -> {} {}",
                        op.key(),
                        resp.status,
                        resp.text
                    ));
                }
            }
        }
        assert!(
            unknown.is_empty(),
            "operations with a path id the sweep has no object for (isolation.rs):\n{}",
            unknown.join("\n")
        );
        assert!(
            leaks.is_empty(),
            "another tenant reached A's objects:\n{}",
            leaks.join("\n")
        );
        assert!(
            swept >= 2 * 20,
            "only {swept} calls: the document lost its routes?"
        );
        // B tried to hand over and to claim A's people, too.
        let to_a = app
            .post(
                "/api/v1/team/ownership",
                &b.access,
                json!({ "to_user_id": a.agent.user_id }),
            )
            .await
            .expect(404);
        assert_eq!(to_a.code(), "not_found");

        // Nothing of A's changed.
        let after = app.as_(&a.owner).detail(&a.conversation).await.unwrap();
        assert_eq!(after, before);
        assert_eq!(after.conversation.status, ConversationStatus::Delegated);
        let replies = app.as_(&a.owner).quick_replies("").await.unwrap();
        assert_eq!(replies[0].shortcut, "secret");
        let me = app.get("/api/v1/me", &a.agent.access).await.expect(200);
        assert_eq!(me.body["user"]["role"], "agent");
        assert_eq!(me.body["user"]["active"], true);
        let keys = app
            .get("/api/v1/api-keys", &a.owner.access)
            .await
            .expect(200);
        assert!(keys.body[0]["revoked_at"].is_null());
        let preview = app
            .call(
                Method::GET,
                &format!("/api/v1/invitations/preview?token={}", a.invitation_token),
                None,
                None,
            )
            .await
            .expect(200);
        assert_eq!(preview.body["workspace_name"], "Tenant A");
        app.get(
            &format!("/api/v1/attachments/{}", a.attachment),
            &a.owner.access,
        )
        .await
        .expect(200);
    }
);

both_dbs!(
    lists_counts_and_uploads_never_reach_another_tenant,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let a = tenant_a(&app).await;
        let b = app.signup("Tenant B", &email("b-owner")).await;
        let b_key = app.api_key(&b, "B key").await;
        for (round, token) in [b.access.as_str(), b_key.as_str()].into_iter().enumerate() {
            for path in [
                "/api/v1/conversations",
                "/api/v1/leads",
                "/api/v1/quick-replies",
                "/api/v1/agents",
                "/api/v1/visitors/live",
                "/api/v1/team/members",
                "/api/v1/team/invitations",
                "/api/v1/api-keys",
                "/api/v1/audit-log?limit=100",
            ] {
                let resp = app.get(path, token).await.expect(200);
                for secret in [
                    a.conversation.as_str(),
                    "lead@a.com",
                    "A only",
                    &a.owner.user_id,
                    &a.agent.user_id,
                    &a.invitation,
                    &a.api_key,
                    "Tenant A",
                ] {
                    assert!(
                        !resp.text.contains(secret),
                        "{path} leaks {secret}: {}",
                        resp.text
                    );
                }
            }
            let settings = app.get("/api/v1/settings", token).await.expect(200);
            assert_eq!(settings.body["name"], "Tenant B");
            // B's own conversations (one per round so far) are all B counts.
            let counts = app
                .get("/api/v1/conversations/counts", token)
                .await
                .expect(200);
            assert_eq!(counts.body["all"], round as i64);
            let overview = app.get("/api/v1/stats/overview", token).await.expect(200);
            assert_eq!(overview.body["total_sessions"], round as i64);
            // A's attachment cannot be sent in B's conversation.
            let b_widget = app.widget_key(&b).await;
            let (_v, b_id) = app.visitor_says(&b_widget, "hi").await;
            app.as_(&b).take_over(&b_id).await.unwrap();
            let foreign = app
                .post(
                    &format!("/api/v1/conversations/{b_id}/messages"),
                    &b.access,
                    json!({ "client_message_id": format!("f-{round}"), "attachment_id": a.attachment }),
                )
                .await
                .expect(422);
            assert!(foreign.body["error"]["details"]["fields"]["attachment_id"].is_string());
        }
        // A widget key that is no workspace's reaches nobody's visitors.
        let wrong = app
            .call(Method::GET, "/api/widget/v1/ws?key=wk_nope", None, None)
            .await;
        assert_eq!(wrong.status.as_u16(), 401);
    }
);
