//! Tenant isolation: another tenant's token or key never sees or changes this tenant's data.

use reqwest::Method;
use serde_json::json;

use crate::both_dbs;
use crate::helpers::*;

both_dbs!(
    tenant_b_cannot_see_or_touch_tenant_a,
    |backend| async move {
        let app = TestApp::spawn(backend).await;
        let a_owner = app.signup("Tenant A", &email("a-owner")).await;
        let a_agent = app.add_member(&a_owner, &email("a-agent"), "agent").await;
        let a_invite = app
            .post(
                "/api/v1/team/invitations",
                &a_owner.access,
                json!({ "email": email("a-x"), "role": "agent" }),
            )
            .await
            .expect(201);
        let a_invite_id = a_invite.body["invitation"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let a_key = app
            .post(
                "/api/v1/api-keys",
                &a_owner.access,
                json!({ "name": "A key" }),
            )
            .await
            .expect(201);
        let a_key_id = a_key.body["key"]["id"].as_str().unwrap().to_string();

        let b_owner = app.signup("Tenant B", &email("b-owner")).await;
        let b_key = app.api_key(&b_owner, "B key").await;

        for token in [b_owner.access.as_str(), b_key.as_str()] {
            // Lists show only B's rows.
            let members = app.get("/api/v1/team/members", token).await.expect(200);
            assert!(
                !members.text.contains(&a_agent.user_id)
                    && !members.text.contains(&a_owner.user_id)
            );
            let invitations = app.get("/api/v1/team/invitations", token).await.expect(200);
            assert!(!invitations.text.contains(&a_invite_id));
            let keys = app.get("/api/v1/api-keys", token).await.expect(200);
            assert!(!keys.text.contains(&a_key_id));
            let log = app
                .get("/api/v1/audit-log?limit=100", token)
                .await
                .expect(200);
            assert!(!log.text.contains(&a_owner.user_id) && !log.text.contains("Tenant A"));
            let settings = app.get("/api/v1/settings", token).await.expect(200);
            assert_eq!(settings.body["name"], "Tenant B");

            // A's objects are 404 to B, never changed.
            let a = &a_agent.user_id;
            // Role changes are the owner's alone, so B's key is refused before the lookup.
            let role = app
                .put(
                    &format!("/api/v1/team/members/{a}/role"),
                    token,
                    json!({ "role": "admin" }),
                )
                .await;
            assert_eq!(
                role.status.as_u16(),
                if token == b_key { 403 } else { 404 },
                "{}",
                role.text
            );
            app.call(
                Method::POST,
                &format!("/api/v1/team/members/{a}/deactivate"),
                Some(token),
                None,
            )
            .await
            .expect(404);
            app.call(
                Method::POST,
                &format!("/api/v1/team/members/{a}/reactivate"),
                Some(token),
                None,
            )
            .await
            .expect(404);
            app.delete(&format!("/api/v1/team/invitations/{a_invite_id}"), token)
                .await
                .expect(404);
            app.delete(&format!("/api/v1/api-keys/{a_key_id}"), token)
                .await
                .expect(404);
        }
        let to_a = app
            .post(
                "/api/v1/team/ownership",
                &b_owner.access,
                json!({ "to_user_id": a_agent.user_id }),
            )
            .await
            .expect(404);
        assert_eq!(to_a.code(), "not_found");

        // A is untouched.
        let me = app.get("/api/v1/me", &a_agent.access).await.expect(200);
        assert_eq!(me.body["user"]["role"], "agent");
        assert_eq!(me.body["user"]["active"], true);
        let a_keys = app
            .get("/api/v1/api-keys", &a_owner.access)
            .await
            .expect(200);
        assert!(a_keys.body[0]["revoked_at"].is_null());
        let preview = app
            .call(
                Method::GET,
                &format!(
                    "/api/v1/invitations/preview?token={}",
                    a_invite.body["token"].as_str().unwrap()
                ),
                None,
                None,
            )
            .await
            .expect(200);
        assert_eq!(preview.body["workspace_name"], "Tenant A");
    }
);
